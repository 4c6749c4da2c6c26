/* fds the sandbox never opened are EBADF, whatever the host has open:
 * write(5), write(100), close(5), fstat(4), dup(7), read(-1), write(1024).
 * Exits 0 if all gave -EBADF (-9), else the failing check's number. */
    .text
    .globl _start
_start:
    leaq tab(%rip), %rbx
    movl $1, %r12d
1:  movq (%rbx), %rax           /* syscall number, -1 ends */
    cmpq $-1, %rax
    je 2f
    movq 8(%rbx), %rdi
    leaq msg(%rip), %rsi
    movl $4, %edx
    syscall
    cmpq $-9, %rax
    jne bad
    addq $16, %rbx
    incl %r12d
    jmp 1b
2:  xorl %edi, %edi
    call lx_exit
bad:
    movl %r12d, %edi
    call lx_exit
    .section .rodata
    .p2align 3
tab:
    .quad 1, 5
    .quad 1, 100
    .quad 3, 5
    .quad 5, 4
    .quad 32, 7
    .quad 0, -1
    .quad 1, 1024
    .quad 217, 3
    .quad -1, 0
msg: .ascii "bad\n"
#include "lib.S"
