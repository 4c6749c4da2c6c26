/* Writes to address 0x10 (sandbox-relative: the read-only runtime-call
 * table page): a fault. */
    .text
    .globl _start
_start:
    movl $0x10, %eax
    movl $1, (%rax)
    xorl %edi, %edi
    call lx_exit
#include "lib.S"
