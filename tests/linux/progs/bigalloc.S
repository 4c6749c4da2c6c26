/* mmap 256 MiB and touch it: exits 0 on ENOMEM (a memory limit), 1 if the
 * mapping succeeded, 2 on another error. brk beyond the limit fails too. */
    .text
    .globl _start
_start:
    xorl %edi, %edi
    movl $0x10000000, %esi
    movl $3, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    cmpq $-12, %rax
    je 1f
    cmpq $-4096, %rax
    ja 2f
    movl $1, %edi
    call lx_exit
1:  xorl %edi, %edi
    call lx_exit
2:  movl $2, %edi
    call lx_exit
#include "lib.S"
