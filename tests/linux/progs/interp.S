/* A stand-in dynamic loader (static PIE): prints "interp", then starts the
 * program at AT_ENTRY with the stack as the kernel made it. */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    leaq s_interp(%rip), %rdi
    call lx_puts
    movq (%rbp), %rax           /* skip argc, argv, envp */
    leaq 16(%rbp,%rax,8), %rbx
1:  cmpq $0, (%rbx)
    leaq 8(%rbx), %rbx
    jne 1b
2:  movq (%rbx), %rax           /* auxv: find AT_ENTRY */
    testq %rax, %rax
    jz fail
    cmpq $9, %rax
    je 3f
    addq $16, %rbx
    jmp 2b
3:  movq 8(%rbx), %rax
    movq %rbp, %rsp
    jmp *%rax
fail:
    movl $99, %edi
    call lx_exit
    .section .rodata
s_interp: .asciz "interp\n"
#include "lib.S"
