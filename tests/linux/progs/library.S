/* Library mode: _start pauses (system call 1024), so lfi_thread_run
 * returns and the host calls the exported functions with LFI_INVOKE. */
    .text
    .globl _start
_start:
    movl $1024, %eax
    syscall
    movl $5, %edi
    call lx_exit

    .globl add
    .p2align 5
add:
    leal (%rdi,%rsi), %eax
    ret

/* returns the thread's tid (a system call from an invoked function) */
    .globl tid
    .p2align 5
tid:
    movl $186, %eax
    syscall
    ret
#include "lib.S"
