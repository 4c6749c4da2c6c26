/* Pipes and poll between threads, dup2, fcntl: a second thread writes
 * "ping" after 20 ms; the main thread polls, reads, prints it, and checks
 * the fd calls. Exits 0, or the number of the failing check. */
    .text
    .globl _start
_start:
    leaq fds(%rip), %rdi
    xorl %esi, %esi
    movl $293, %eax             /* pipe2 */
    syscall
    movl $1, %r12d
    testq %rax, %rax
    jnz bad
    xorl %edi, %edi             /* the writer's stack */
    movl $65536, %esi
    movl $3, %edx
    movl $0x22, %r10d
    movq $-1, %r8
    xorl %r9d, %r9d
    movl $9, %eax
    syscall
    leaq 65536(%rax), %rsi
    movl $0x10f00, %edi         /* VM|FS|FILES|SIGHAND|THREAD */
    xorl %edx, %edx
    xorl %r10d, %r10d
    xorl %r8d, %r8d
    movl $56, %eax
    syscall
    testq %rax, %rax
    jz writer
    /* 2: poll waits for the writer */
    movl fds(%rip), %eax
    movl %eax, pfd(%rip)
    movw $1, pfd+4(%rip)        /* POLLIN */
    leaq pfd(%rip), %rdi
    movl $1, %esi
    movl $5000, %edx
    movl $7, %eax
    syscall
    movl $2, %r12d
    cmpq $1, %rax
    jne bad
    testw $1, pfd+6(%rip)
    jz bad
    /* 3: read it and print it */
    movl fds(%rip), %edi
    leaq buf(%rip), %rsi
    movl $64, %edx
    xorl %eax, %eax
    syscall
    movl $3, %r12d
    cmpq $5, %rax
    jne bad
    movl $1, %edi
    leaq buf(%rip), %rsi
    movl $5, %edx
    movl $1, %eax
    syscall
    /* 4: reading the write end is EBADF (not a wait) */
    movl fds+4(%rip), %edi
    leaq buf(%rip), %rsi
    movl $1, %edx
    xorl %eax, %eax
    syscall
    movl $4, %r12d
    cmpq $-9, %rax
    jne bad
    /* 5: dup2 the read end to 10, close the original */
    movl fds(%rip), %edi
    movl $10, %esi
    movl $33, %eax
    syscall
    movl $5, %r12d
    cmpq $10, %rax
    jne bad
    movl fds(%rip), %edi
    movl $3, %eax
    syscall
    testq %rax, %rax
    jnz bad
    /* 6: FD_CLOEXEC is per fd */
    movl $10, %edi
    movl $2, %esi               /* F_SETFD */
    movl $1, %edx
    movl $72, %eax
    syscall
    movl $10, %edi
    movl $1, %esi               /* F_GETFD */
    movl $72, %eax
    syscall
    movl $6, %r12d
    cmpq $1, %rax
    jne bad
    /* 7: O_NONBLOCK: an empty pipe is EAGAIN */
    movl $10, %edi
    movl $4, %esi               /* F_SETFL */
    movl $0x800, %edx           /* O_NONBLOCK */
    movl $72, %eax
    syscall
    movl $10, %edi
    leaq buf(%rip), %rsi
    movl $1, %edx
    xorl %eax, %eax
    syscall
    movl $7, %r12d
    cmpq $-11, %rax
    jne bad
    /* 8: without writers, EOF (the writer may still be finishing its
     * write call, which holds the file as in Linux: retry on EAGAIN) */
    movl fds+4(%rip), %edi
    movl $3, %eax
    syscall
    movl $1000, %r13d
9:  movl $10, %edi
    leaq buf(%rip), %rsi
    movl $1, %edx
    xorl %eax, %eax
    syscall
    movl $8, %r12d
    cmpq $-11, %rax
    jne 10f
    leaq ts1(%rip), %rdi
    xorl %esi, %esi
    movl $35, %eax
    syscall
    decl %r13d
    jnz 9b
10: testq %rax, %rax
    jnz bad
    xorl %edi, %edi
    call lx_exit
writer:
    leaq ts(%rip), %rdi
    xorl %esi, %esi
    movl $35, %eax
    syscall
    movl fds+4(%rip), %edi
    leaq ping(%rip), %rsi
    movl $5, %edx
    movl $1, %eax
    syscall
    xorl %edi, %edi
    movl $60, %eax
    syscall
    ud2
bad:
    movl %r12d, %edi
    call lx_exit
    .data
    .p2align 3
fds: .long -1, -1
pfd: .long 0
     .short 0, 0
buf: .zero 64
    .section .rodata
    .p2align 3
ts: .quad 0, 20000000
ts1: .quad 0, 1000000
ping: .ascii "ping\n"
#include "lib.S"
