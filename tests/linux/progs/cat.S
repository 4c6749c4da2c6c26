/* cat FILE: copies FILE to stdout; on an error exits with errno (so the
 * test sees ENOENT = 2, EACCES = 13, ELOOP = 40, ...). */
    .text
    .globl _start
_start:
    movq 16(%rsp), %rsi         /* argv[1] */
    movl $-100, %edi            /* AT_FDCWD */
    xorl %edx, %edx             /* O_RDONLY */
    movl $257, %eax             /* openat */
    syscall
    testq %rax, %rax
    js fail
    movq %rax, %rbx
1:  movq %rbx, %rdi
    leaq buf(%rip), %rsi
    movl $4096, %edx
    xorl %eax, %eax             /* read */
    syscall
    testq %rax, %rax
    js fail
    jz 2f
    movq %rax, %rdx
    movl $1, %edi
    leaq buf(%rip), %rsi
    movl $1, %eax
    syscall
    jmp 1b
2:  xorl %edi, %edi
    call lx_exit
fail:
    negq %rax
    movl %eax, %edi
    call lx_exit
    .bss
buf: .zero 4096
#include "lib.S"
