/* Prints argc, argv, envp (one per line), then checks the auxiliary
 * vector: AT_PAGESZ 4096, AT_ENTRY == _start, AT_PHDR/AT_PHNUM describe
 * a PT_LOAD, AT_RANDOM set, AT_SECURE 0, AT_EXECFN == argv[0]. */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    leaq s_argc(%rip), %rdi
    call lx_puts
    movq (%rbp), %rdi
    call lx_putnum
    movl $10, %edi
    call lx_putc
    leaq 8(%rbp), %rbx          /* argv */
1:  movq (%rbx), %rdi
    testq %rdi, %rdi
    jz 2f
    leaq s_arg(%rip), %rdi
    call lx_puts
    movq (%rbx), %rdi
    call lx_puts
    movl $10, %edi
    call lx_putc
    addq $8, %rbx
    jmp 1b
2:  addq $8, %rbx               /* envp */
3:  movq (%rbx), %rdi
    testq %rdi, %rdi
    jz 4f
    leaq s_env(%rip), %rdi
    call lx_puts
    movq (%rbx), %rdi
    call lx_puts
    movl $10, %edi
    call lx_putc
    addq $8, %rbx
    jmp 3b
4:  addq $8, %rbx               /* auxv pairs */
    xorl %r12d, %r12d           /* bit mask of checks passed */
5:  movq (%rbx), %rax
    movq 8(%rbx), %rcx
    testq %rax, %rax
    jz 9f
    cmpq $6, %rax               /* AT_PAGESZ */
    jne 6f
    cmpq $4096, %rcx
    jne 6f
    orl $1, %r12d
6:  cmpq $9, %rax               /* AT_ENTRY */
    jne 7f
    leaq _start(%rip), %rdx
    cmpq %rdx, %rcx
    jne 7f
    orl $2, %r12d
7:  cmpq $25, %rax              /* AT_RANDOM */
    jne 71f
    testq %rcx, %rcx
    jz 71f
    orl $4, %r12d
71: cmpq $23, %rax              /* AT_SECURE */
    jne 72f
    testq %rcx, %rcx
    jnz 72f
    orl $8, %r12d
72: cmpq $31, %rax              /* AT_EXECFN */
    jne 73f
    movq %rcx, %rdi
    movq 8(%rbp), %rsi
    call lx_streq
    testq %rax, %rax
    jz 73f
    orl $16, %r12d
73: cmpq $3, %rax               /* AT_PHDR: the first header's type */
    jne 74f
    movq 8(%rbx), %rcx
    movl (%rcx), %edx
    cmpl $6, %edx               /* PT_PHDR */
    je 731f
    cmpl $1, %edx               /* PT_LOAD */
    jne 74f
731: orl $32, %r12d
74: cmpq $5, %rax               /* AT_PHNUM */
    jne 8f
    movq 8(%rbx), %rcx
    testq %rcx, %rcx
    jz 8f
    orl $64, %r12d
8:  addq $16, %rbx
    jmp 5b
9:  leaq s_aux(%rip), %rdi
    call lx_puts
    movl %r12d, %edi
    call lx_putnum
    movl $10, %edi
    call lx_putc
    xorl %edi, %edi
    call lx_exit
    .section .rodata
s_argc: .asciz "argc="
s_arg:  .asciz "arg="
s_env:  .asciz "env="
s_aux:  .asciz "auxv="
#include "lib.S"
