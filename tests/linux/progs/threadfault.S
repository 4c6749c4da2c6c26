/* A second thread faults while the main thread waits on a futex that
 * nobody wakes: the fault ends the whole program (status 128+11). With an
 * argument, the main thread instead leaves through exit (60) first and
 * the program lives on until the second thread's fault. */
    .text
    .globl _start
_start:
    movq (%rsp), %r12           /* argc */
    xorl %edi, %edi
    movl $65536, %esi
    movl $3, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    cmpq $-4096, %rax
    ja fail
    leaq 65536(%rax), %rsi
    movl $0x10f00, %edi         /* VM|FS|FILES|SIGHAND|THREAD */
    xorl %edx, %edx
    xorl %r10d, %r10d
    xorl %r8d, %r8d
    movl $56, %eax
    syscall
    testq %rax, %rax
    js fail
    jz child
    cmpq $1, %r12
    jne leave
1:  leaq word(%rip), %rdi
    movl $0x80, %esi            /* FUTEX_WAIT_PRIVATE, no timeout */
    xorl %edx, %edx
    xorl %r10d, %r10d
    movl $202, %eax
    syscall
    jmp 1b
leave:
    xorl %edi, %edi
    movl $60, %eax
    syscall
    ud2
child:
    leaq ts(%rip), %rdi
    xorl %esi, %esi
    movl $35, %eax              /* nanosleep 20 ms */
    syscall
    movl $0x10, %eax
    movl $1, (%rax)
    ud2
fail:
    movl $1, %edi
    call lx_exit
    .data
    .p2align 2
word: .long 0
    .section .rodata
    .p2align 3
ts: .quad 0, 20000000
#include "lib.S"
