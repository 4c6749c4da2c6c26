/* Process information and time: prints uname's sysname and machine, then
 * checks getpid/gettid/getppid, clock_gettime across a 10 ms nanosleep,
 * getrandom, sched_getaffinity, getcwd, an unknown system call (ENOSYS),
 * a foreign clock id (EINVAL), kill of another pid (ESRCH), arch_prctl.
 * Exits 0 or the number of the failing check. */
    .text
    .globl _start
_start:
    leaq uts(%rip), %rdi
    movl $63, %eax
    syscall
    leaq uts(%rip), %rdi
    call lx_puts
    movl $' ', %edi
    call lx_putc
    leaq uts+4*65(%rip), %rdi
    call lx_puts
    movl $10, %edi
    call lx_putc
    movl $39, %eax              /* 1: getpid = gettid = 1000 */
    syscall
    movl $1, %r12d
    cmpq $1000, %rax
    jne bad
    movl $186, %eax
    syscall
    cmpq $1000, %rax
    jne bad
    movl $1, %edi               /* 2: clock_gettime(MONOTONIC) */
    leaq t0(%rip), %rsi
    movl $228, %eax
    syscall
    movl $2, %r12d
    testq %rax, %rax
    jnz bad
    leaq ts(%rip), %rdi
    xorl %esi, %esi
    movl $35, %eax
    syscall
    testq %rax, %rax
    jnz bad
    movl $1, %edi
    leaq t1(%rip), %rsi
    movl $228, %eax
    syscall
    movq t1(%rip), %rax         /* ns elapsed >= 10 ms */
    subq t0(%rip), %rax
    imulq $1000000000, %rax
    addq t1+8(%rip), %rax
    subq t0+8(%rip), %rax
    cmpq $10000000, %rax
    jl bad
    leaq buf(%rip), %rdi        /* 3: getrandom 16 */
    movl $16, %esi
    xorl %edx, %edx
    movl $318, %eax
    syscall
    movl $3, %r12d
    cmpq $16, %rax
    jne bad
    xorl %edi, %edi             /* 4: sched_getaffinity > 0 */
    movl $128, %esi
    leaq buf(%rip), %rdx
    movl $204, %eax
    syscall
    movl $4, %r12d
    testq %rax, %rax
    jle bad
    leaq buf(%rip), %rdi        /* 5: getcwd = "/" */
    movl $64, %esi
    movl $79, %eax
    syscall
    movl $5, %r12d
    cmpq $2, %rax
    jne bad
    cmpw $0x2f, buf(%rip)
    jne bad
    movl $500, %eax             /* 6: unknown: ENOSYS */
    syscall
    movl $6, %r12d
    cmpq $-38, %rax
    jne bad
    movl $-6, %edi              /* 7: a dynamic clock id: EINVAL */
    leaq t0(%rip), %rsi
    movl $228, %eax
    syscall
    movl $7, %r12d
    cmpq $-22, %rax
    jne bad
    movl $1, %edi               /* 8: kill(1, SIGKILL): ESRCH */
    movl $9, %esi
    movl $62, %eax
    syscall
    movl $8, %r12d
    cmpq $-3, %rax
    jne bad
    movl $0x1002, %edi          /* 9: arch_prctl SET_FS / GET_FS */
    movl $0x12345678, %esi
    movl $158, %eax
    syscall
    movl $0x1003, %edi
    leaq buf(%rip), %rsi
    movl $158, %eax
    syscall
    movl $9, %r12d
    cmpq $0x12345678, buf(%rip)
    jne bad
    xorl %edi, %edi
    call lx_exit
bad:
    movl %r12d, %edi
    call lx_exit
    .bss
    .p2align 4
uts: .zero 390
    .p2align 4
t0: .zero 16
t1: .zero 16
buf: .zero 128
    .section .rodata
    .p2align 3
ts: .quad 0, 10000000
#include "lib.S"
