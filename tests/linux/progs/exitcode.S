/* Exits with the number in argv[1] through exit (60), not exit_group. */
    .text
    .globl _start
_start:
    movq 16(%rsp), %rdi
    call lx_atoi
    movl %eax, %edi
    movl $60, %eax
    syscall
    ud2
#include "lib.S"
