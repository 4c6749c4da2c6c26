/* Signal handlers: tkill(self, SIGUSR1) runs the handler (siginfo, a
 * bundle-aligned handler) and rt_sigreturn gives back every register and
 * the system call's result; a blocked signal waits until it is unblocked.
 * Exits 0, or the number of the failing check. With argument "bad" the
 * handler address is not a bundle start (the program ends, 128+10); with
 * "ret" it calls rt_sigreturn without a signal (128+11). */
    .text
    .globl _start
_start:
    movq (%rsp), %rax
    cmpq $2, %rax
    jb 1f
    movq 16(%rsp), %rax
    movzbl (%rax), %eax
    cmpl $'r', %eax
    je bad_return
    leaq handler+1(%rip), %rax  /* not a bundle start */
    movq %rax, act(%rip)
    jmp 2f
1:  leaq handler(%rip), %rax
    movq %rax, act(%rip)
2:  movl $10, %edi              /* rt_sigaction(SIGUSR1, &act, NULL, 8) */
    leaq act(%rip), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    movl $13, %eax
    syscall
    movl $1, %r12d
    testq %rax, %rax
    jnz bad
    /* 2: the handler runs at the end of tkill; registers come back */
    movl $186, %eax
    syscall
    movl %eax, %edi
    movl $10, %esi
    movq $0x1234, %rbx
    movq $0x5678, %rbp
    movl $200, %eax             /* tkill */
    syscall
    movl $2, %r12d
    testq %rax, %rax            /* tkill's result survives */
    jnz bad
    cmpq $0x1234, %rbx
    jne bad
    cmpq $0x5678, %rbp
    jne bad
    cmpl $1, count(%rip)
    jne bad
    /* 3: blocked: nothing until rt_sigprocmask unblocks it */
    movl $0, %edi               /* SIG_BLOCK */
    leaq usr1(%rip), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    movl $14, %eax
    syscall
    movl $186, %eax
    syscall
    movl %eax, %edi
    movl $10, %esi
    movl $200, %eax
    syscall
    movl $3, %r12d
    cmpl $1, count(%rip)
    jne bad
    movl $1, %edi               /* SIG_UNBLOCK */
    leaq usr1(%rip), %rsi
    xorl %edx, %edx
    movl $8, %r10d
    movl $14, %eax
    syscall
    cmpl $2, count(%rip)
    jne bad
    leaq s_ok(%rip), %rdi
    call lx_puts
    xorl %edi, %edi
    call lx_exit
bad_return:
    movl $15, %eax
    syscall
    movl $99, %edi
    call lx_exit
bad:
    movl %r12d, %edi
    call lx_exit

    .p2align 5
handler:                        /* handler(sig, info, uc) */
    cmpl $10, %edi
    jne 1f
    cmpl $10, (%rsi)            /* info->si_signo */
    jne 1f
    incl count(%rip)
    xorl %ebx, %ebx             /* clobbered: sigreturn restores them */
    xorl %ebp, %ebp
1:  ret

    .data
    .p2align 3
act:  .quad 0, 4, 0, 0          /* handler, SA_SIGINFO, restorer, mask */
usr1: .quad 1 << 9              /* SIGUSR1's bit */
count: .long 0
    .section .rodata
s_ok: .asciz "signals ok\n"
#include "lib.S"
