/* A minimal LFI-x64 program, written by hand in the sandboxed form: it
 * prints a line and exits through runtime calls (the table entry at
 * -8(%r14) is the system-call handler). Until the runtime exists it is
 * only verified (make demo). */
    .text
    .bundle_align_mode 5        /* no instruction crosses a 32-byte bundle */
    .globl _start
    .p2align 5
_start:
    leaq msg(%rip), %rsi
    movl $1, %edi               /* fd 1 */
    movl $(msg_end - msg), %edx
    movl $1, %eax               /* write */
    .bundle_lock                /* the runtime call stays in one bundle */
    leaq 1f(%rip), %r11
    jmpq *-8(%r14)              /* runtime call: syscall */
    .bundle_unlock
1:  movl $60, %eax              /* exit */
    xorl %edi, %edi
    .bundle_lock
    leaq 2f(%rip), %r11
    jmpq *-8(%r14)
    .bundle_unlock
2:  ud2

    .section .rodata
msg:
    .ascii "hello from an LFI sandbox\n"
msg_end:
