/* A second thread spins forever; the main thread sleeps 50 ms and calls
 * exit_group(7): every thread stops. With an argument the main thread
 * spins too (for --timeout). */
    .text
    .globl _start
_start:
    movq (%rsp), %r12
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
    jz spin
    cmpq $1, %r12
    jne spin
    leaq ts(%rip), %rdi
    xorl %esi, %esi
    movl $35, %eax              /* nanosleep */
    syscall
    movl $7, %edi
    movl $231, %eax
    syscall
    ud2
spin:
    incq %rbx
    jmp spin
fail:
    movl $1, %edi
    call lx_exit
    .section .rodata
    .p2align 3
ts: .quad 0, 50000000
#include "lib.S"
