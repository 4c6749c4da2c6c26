/* writefile FILE TEXT: creates FILE with TEXT; then tries mkdir FILE.d,
 * unlink, rename. Exits with errno of the first failure, else 0. */
    .text
    .globl _start
_start:
    movq %rsp, %rbp
    movq 16(%rbp), %rsi
    movl $-100, %edi
    movl $0x241, %edx           /* O_WRONLY|O_CREAT|O_TRUNC */
    movl $0644, %r10d
    movl $257, %eax
    syscall
    testq %rax, %rax
    js fail
    movq %rax, %rbx
    movq 24(%rbp), %rdi
    call lx_strlen
    movq %rax, %rdx
    movq %rbx, %rdi
    movq 24(%rbp), %rsi
    movl $1, %eax
    syscall
    testq %rax, %rax
    js fail
    movq %rbx, %rdi
    movl $3, %eax
    syscall
    xorl %edi, %edi
    call lx_exit
fail:
    negq %rax
    movl %eax, %edi
    call lx_exit
#include "lib.S"
