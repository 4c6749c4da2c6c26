/* LFI-TEST-INTERP: /lib/interp
 * A program with an interpreter (PT_INTERP): prints "main", checks that
 * AT_BASE (the interpreter) is set and AT_ENTRY is _start. */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    leaq s_main(%rip), %rdi
    call lx_puts
    movq (%rbp), %rax
    leaq 16(%rbp,%rax,8), %rbx
1:  cmpq $0, (%rbx)
    leaq 8(%rbx), %rbx
    jne 1b
    xorl %r12d, %r12d
2:  movq (%rbx), %rax
    testq %rax, %rax
    jz 5f
    cmpq $7, %rax               /* AT_BASE */
    jne 3f
    cmpq $0, 8(%rbx)
    je 3f
    orl $1, %r12d
3:  cmpq $9, %rax               /* AT_ENTRY */
    jne 4f
    leaq _start(%rip), %rcx
    cmpq %rcx, 8(%rbx)
    jne 4f
    orl $2, %r12d
4:  addq $16, %rbx
    jmp 2b
5:  cmpl $3, %r12d
    jne fail
    xorl %edi, %edi
    call lx_exit
fail:
    movl $98, %edi
    call lx_exit
    .section .rodata
s_main: .asciz "main\n"
#include "lib.S"
