/* Sandbox code for bench_core that tests/core/progs.S does not have: a
 * loop of callback calls. LFI-x64 form (docs/verifier.md), loaded into the
 * box as one blob (bprogs_start .. bprogs_end) and verified there. */
    .text
    .bundle_align_mode 5

.macro RET
    .bundle_lock
    popq %r11
    andl $0xffffffe0, %r11d
    addq %r14, %r11
    jmpq *%r11
    .bundle_unlock
.endm

    .p2align 12, 0xcc
    .globl bprogs_start
bprogs_start:

/* long b_cb_loop(int (*fn)(int), long n): calls fn(0) n times (n >= 1),
 * returns 0. Each call ends its bundle, so the return address is a bundle
 * start. */
    .p2align 5, 0xcc
    .globl b_cb_loop
b_cb_loop:
    pushq %rbx
    pushq %r12
    movq %rdi, %rbx
    movq %rsi, %r12
    .p2align 5
1:  .nops 19
    .bundle_lock
    movq %rbx, %rax
    xorl %edi, %edi
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    decq %r12
    jnz 1b
    xorl %eax, %eax
    popq %r12
    popq %rbx
    RET

    .p2align 12, 0xcc
    .globl bprogs_end
bprogs_end:
    .section .note.GNU-stack, "", @progbits
