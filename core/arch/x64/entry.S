/* liblfi-core, x86-64: moving between the host and a sandbox.
 *
 * Entries into a sandbox push a host frame (offsets.h, FR_*) holding what
 * the host needs back: its callee-saved registers, MXCSR, x87 control word,
 * %gs base, and the links for nesting (previous host_sp, previous active
 * context, previous sandbox stack pointer). The context's regs.host_sp
 * points at the innermost frame while the context is active; leaving
 * through it (return, lfi_ctx_exit, fault, error) restores all of that.
 *
 * Runtime calls arrive from the gateway stubs (engine.c) with %rax = the
 * active context and the sandbox's %rax in lfi__tls.scratch; %r11 is the
 * return point. The runtime never reads or writes sandbox memory here: the
 * pushes and pops of return addresses happen in the box's own stub page
 * (rtcode.c), so a bad sandbox stack faults in sandbox code.
 *
 * Going back into the sandbox, %rsp and the return point are forced into
 * the box (B + low 32 bits), %r14 and the %gs base are set to B.
 *
 * %gs base: with FSGSBASE read and written with rdgsbase/wrgsbase; without
 * it the thread's value is kept in lfi__tls (TLS_GS, TLS_GS_KNOWN), read
 * inline here, and lfi__gs_set_slow (arch_prctl) is called only when the
 * value must change. Exits restore the host's value from the frame, unless
 * the context's engine has host_gs_unused (CTX_KEEP_GS): then it stays B.
 */
#include "offsets.h"

    .text

/* %reg = offset of lfi__tls from the %fs base (initial-exec TLS). */
.macro TLS reg
    movq lfi__tls@gottpoff(%rip), \reg
.endm

/* fldcw of the host's control word. A sandbox can leave an unmasked x87
 * exception pending, which fldcw would raise as SIGFPE in runtime code; the
 * signal handler (signal.c) recognizes these instructions through the table
 * below, clears the pending exception and lets the fldcw run again. */
    .section .rodata.lfi_fpfix, "a"
    .p2align 2
    .globl lfi__fpfix_table
    .hidden lfi__fpfix_table
lfi__fpfix_table:
    .text
    .globl lfi__text_base
    .hidden lfi__text_base
lfi__text_base:

/* The context's copy \copy of an FP control value becomes \tmp, written
 * only when it differs: ldmxcsr and fldcw then read the copy, not the
 * stmxcsr/fnstcw result (or register image) it came from, and do not wait
 * for it (about 3 ns per round trip on Zen), while the compare is predicted
 * and holds nothing up. The value loaded is always \tmp's (docs/runtime.md
 * §3). */
.macro SET_COPY tmp, copy
    cmpl \tmp, \copy
    je .Lsame\@
    movl \tmp, \copy
.Lsame\@:
.endm

/* Host FP control from the frame at \frame of context \ctx (\tmp: a free
 * 32-bit register), through the context's copies (SET_COPY). */
.macro HOST_FPCTL frame, ctx, tmp
    movzwl FR_FCW(\frame), \tmp
    SET_COPY \tmp, CTX_HOST_FCW(\ctx)
.Lfpfix\@:
    fldcw CTX_HOST_FCW(\ctx)
    .pushsection .rodata.lfi_fpfix, "a"
    .long .Lfpfix\@ - lfi__text_base
    .popsection
    emms                            /* the x87 stack is empty for the host */
    movl FR_MXCSR(\frame), \tmp
    SET_COPY \tmp, CTX_HOST_MXCSR(\ctx)
    ldmxcsr CTX_HOST_MXCSR(\ctx)
    cld
.endm

/* Sandbox FP control from the registers of the context in \ctx, through
 * its copies as in HOST_FPCTL; \tmp: a free 32-bit register, left holding
 * the sandbox's FCW. */
.macro SANDBOX_FPCTL ctx, tmp
    movl REGS_MXCSR(\ctx), \tmp
    andl $0xffff, \tmp              /* reserved bits would #GP */
    SET_COPY \tmp, CTX_SBX_MXCSR(\ctx)
    ldmxcsr CTX_SBX_MXCSR(\ctx)
    movzwl REGS_FCW(\ctx), \tmp
    SET_COPY \tmp, CTX_SBX_FCW(\ctx)
    fldcw CTX_SBX_FCW(\ctx)
.endm

/* Saves the argument registers (for C calls on slow paths). %rsp must be
 * 16-byte aligned; it stays so. */
.macro SAVE_ARGS
    subq $176, %rsp
    movq %rdi, 0(%rsp)
    movq %rsi, 8(%rsp)
    movq %rdx, 16(%rsp)
    movq %rcx, 24(%rsp)
    movq %r8, 32(%rsp)
    movq %r9, 40(%rsp)
    movdqu %xmm0, 48(%rsp)
    movdqu %xmm1, 64(%rsp)
    movdqu %xmm2, 80(%rsp)
    movdqu %xmm3, 96(%rsp)
    movdqu %xmm4, 112(%rsp)
    movdqu %xmm5, 128(%rsp)
    movdqu %xmm6, 144(%rsp)
    movdqu %xmm7, 160(%rsp)
.endm

.macro RESTORE_ARGS
    movq 0(%rsp), %rdi
    movq 8(%rsp), %rsi
    movq 16(%rsp), %rdx
    movq 24(%rsp), %rcx
    movq 32(%rsp), %r8
    movq 40(%rsp), %r9
    movdqu 48(%rsp), %xmm0
    movdqu 64(%rsp), %xmm1
    movdqu 80(%rsp), %xmm2
    movdqu 96(%rsp), %xmm3
    movdqu 112(%rsp), %xmm4
    movdqu 128(%rsp), %xmm5
    movdqu 144(%rsp), %xmm6
    movdqu 160(%rsp), %xmm7
    addq $176, %rsp
.endm

/* Saves the results (%rax, %rdx, %xmm0, %xmm1) around a C call. */
.macro SAVE_RESULTS
    subq $48, %rsp
    movq %rax, 0(%rsp)
    movq %rdx, 8(%rsp)
    movdqu %xmm0, 16(%rsp)
    movdqu %xmm1, 32(%rsp)
.endm

.macro RESTORE_RESULTS
    movq 0(%rsp), %rax
    movq 8(%rsp), %rdx
    movdqu 16(%rsp), %xmm0
    movdqu 32(%rsp), %xmm1
    addq $48, %rsp
.endm

/* Leaves the frame at %rsp of context %rbx: restores the nesting links,
 * the host's FP control and %gs base. Keeps %rax, %rdx, %xmm0, %xmm1. */
.macro UNWIND_FRAME
    HOST_FPCTL %rsp, %rbx, %ecx         /* first: C calls below need DF = 0 */
    cmpq %rsp, CTX_ABORT(%rbx)          /* an abort mark dies with its frame */
    jne 6f
    movq $0, CTX_ABORT(%rbx)
6:
    cmpl $0, CTX_ARMED(%rbx)            /* the end of a timed run */
    je 5f
    cmpq $0, FR_PREV_HOST_SP(%rsp)
    jne 5f
    SAVE_RESULTS
    movq %rbx, %rdi
    call lfi__disarm_timer
    RESTORE_RESULTS
5:
    cmpq $0, FR_SAVED(%rsp)
    je 4f
    SAVE_RESULTS
    movq %rbx, %rdi
    leaq FR_REGS+48(%rsp), %rsi
    movl $REGS_SIZE, %edx
    call memcpy@PLT
    RESTORE_RESULTS
4:
    movq FR_PREV_HOST_SP(%rsp), %rcx
    movq %rcx, REGS_HOST_SP(%rbx)
    TLS %rsi
    movq FR_PREV_CTX(%rsp), %rcx
    movq %rcx, %fs:TLS_CTX(%rsi)
    cmpq $FRAME_INVOKE, FR_KIND(%rsp)
    jne 1f
    movq FR_PREV_SBXSP(%rsp), %rcx
    movq %rcx, REGS_RSP(%rbx)
1:
    cmpl $0, CTX_KEEP_GS(%rbx)          /* host_gs_unused: the base stays B */
    jne 3f
    cmpb $0, lfi__have_fsgsbase(%rip)
    je 2f
    rdgsbase %rcx
    cmpq FR_GS(%rsp), %rcx
    je 3f
    movq FR_GS(%rsp), %rcx
    wrgsbase %rcx
    jmp 3f
2:
    movq FR_GS(%rsp), %rdi
    TLS %rcx
    cmpq $0, %fs:TLS_GS_KNOWN(%rcx)
    je 7f
    cmpq %rdi, %fs:TLS_GS(%rcx)
    je 3f
7:
    SAVE_RESULTS
    call lfi__gs_set_slow
    RESTORE_RESULTS
3:
.endm

.macro POP_HOST_AND_RETURN
    addq $FR_SIZE, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
.endm

/* ------------------------------------------------------------------ */
/* int lfi__ctx_entry(struct LFIContext *ctx, uint64_t entry): lfi_ctx_run's
 * entry. Returns the code of lfi__unwind. */
    .globl lfi__ctx_entry
    .hidden lfi__ctx_entry
    .type lfi__ctx_entry, @function
    .p2align 4
lfi__ctx_entry:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $FR_SIZE, %rsp
    TLS %r15
    movq REGS_HOST_SP(%rdi), %rax
    movq %rax, FR_PREV_HOST_SP(%rsp)
    movq %fs:TLS_CTX(%r15), %rax
    movq %rax, FR_PREV_CTX(%rsp)
    movq REGS_RSP(%rdi), %rax
    movq %rax, FR_PREV_SBXSP(%rsp)
    stmxcsr FR_MXCSR(%rsp)
    fnstcw FR_FCW(%rsp)
    movq $FRAME_RUN, FR_KIND(%rsp)
    movq %rdi, FR_CTX(%rsp)
    movq $0, FR_SAVED(%rsp)
    movq %rdi, %rbx
    movq %rsi, %r12
    cmpq $0, FR_PREV_HOST_SP(%rsp)
    je 3f
    /* the context is active (a run from its own handler): keep its registers */
    leaq FR_REGS(%rsp), %rdi
    movq %rbx, %rsi
    movl $REGS_SIZE, %edx
    call memcpy@PLT
    movq $1, FR_SAVED(%rsp)
3:  movq %rsp, REGS_HOST_SP(%rbx)
    movq %r12, REGS_R11(%rbx)
    movl %fs:TLS_TID(%r15), %eax
    movl %eax, CTX_TID(%rbx)
    cmpb $0, lfi__have_fsgsbase(%rip)
    je 1f
    rdgsbase %rax
    jmp 2f
1:  call lfi__gs_get_slow
2:  movq %rax, FR_GS(%rsp)
    movq %rbx, %rdi
    jmp lfi__resume
    .size lfi__ctx_entry, .-lfi__ctx_entry

/* lfi__resume: (re)enters the sandbox of context %rdi with its registers;
 * %rsp is on the host stack at or below the context's frame. */
    .type lfi__resume, @function
    .p2align 4
lfi__resume:
    movq %rdi, %rbx
    TLS %rcx
    movq %rbx, %fs:TLS_CTX(%rcx)
    movq CTX_BASE(%rbx), %r14
    cmpb $0, lfi__have_fsgsbase(%rip)
    je .Lres_gs_slow
    rdgsbase %rcx
    cmpq %r14, %rcx
    je .Lres_gs_done
    wrgsbase %r14
.Lres_gs_done:
    /* From here to the jump into the box, an interrupt signal sends the
     * thread to lfi__fault_unwind (signal.c): no stop request is lost. */
    .globl lfi__win_res_start
    .hidden lfi__win_res_start
lfi__win_res_start:
    cmpl $0, CTX_INTERRUPT(%rbx)
    jne .Lres_interrupted
    SANDBOX_FPCTL %rbx, %ecx
    movl REGS_R11(%rbx), %r11d
    addq %r14, %r11
    movaps REGS_XMM+0(%rbx), %xmm0
    movaps REGS_XMM+16(%rbx), %xmm1
    movaps REGS_XMM+32(%rbx), %xmm2
    movaps REGS_XMM+48(%rbx), %xmm3
    movaps REGS_XMM+64(%rbx), %xmm4
    movaps REGS_XMM+80(%rbx), %xmm5
    movaps REGS_XMM+96(%rbx), %xmm6
    movaps REGS_XMM+112(%rbx), %xmm7
    movaps REGS_XMM+128(%rbx), %xmm8
    movaps REGS_XMM+144(%rbx), %xmm9
    movaps REGS_XMM+160(%rbx), %xmm10
    movaps REGS_XMM+176(%rbx), %xmm11
    movaps REGS_XMM+192(%rbx), %xmm12
    movaps REGS_XMM+208(%rbx), %xmm13
    movaps REGS_XMM+224(%rbx), %xmm14
    movaps REGS_XMM+240(%rbx), %xmm15
    movq REGS_RAX(%rbx), %rax
    movq REGS_RCX(%rbx), %rcx
    movq REGS_RDX(%rbx), %rdx
    movq REGS_RBP(%rbx), %rbp
    movq REGS_RSI(%rbx), %rsi
    movq REGS_RDI(%rbx), %rdi
    movq REGS_R8(%rbx), %r8
    movq REGS_R9(%rbx), %r9
    movq REGS_R10(%rbx), %r10
    movq REGS_R12(%rbx), %r12
    movq REGS_R13(%rbx), %r13
    movq REGS_R15(%rbx), %r15
    movl REGS_RSP(%rbx), %esp
    addq %r14, %rsp
    movq REGS_RBX(%rbx), %rbx
    jmpq *%r11
    .globl lfi__win_res_end
    .hidden lfi__win_res_end
lfi__win_res_end:
.Lres_gs_slow:
    TLS %rcx
    cmpq $0, %fs:TLS_GS_KNOWN(%rcx)
    je 1f
    cmpq %r14, %fs:TLS_GS(%rcx)
    je .Lres_gs_done
1:  movq %r14, %rdi
    call lfi__gs_set_slow
    jmp .Lres_gs_done
.Lres_interrupted:
    movq %rbx, %rdi
    call lfi__interrupted
    ud2
    .size lfi__resume, .-lfi__resume

/* void lfi__unwind(struct LFIContext *ctx, uint64_t code): leaves the
 * innermost frame of ctx, returning code from lfi__ctx_entry or (as the
 * result) from lfi_trampoline. */
    .globl lfi__unwind
    .hidden lfi__unwind
    .type lfi__unwind, @function
    .p2align 4
lfi__unwind:
    movq %rdi, %rbx
    movq REGS_HOST_SP(%rbx), %rsp
    movq %rsi, %rax
    xorl %edx, %edx
    xorps %xmm0, %xmm0
    xorps %xmm1, %xmm1
    UNWIND_FRAME
    POP_HOST_AND_RETURN
    .size lfi__unwind, .-lfi__unwind

/* lfi__fault_unwind: where the signal handler sends a faulting sandbox
 * thread, with %rdi = its context. */
    .globl lfi__fault_unwind
    .hidden lfi__fault_unwind
    .type lfi__fault_unwind, @function
    .p2align 4
lfi__fault_unwind:
    movq REGS_HOST_SP(%rdi), %rsp
    HOST_FPCTL %rsp, %rdi, %eax
    call lfi__fault_report
    ud2
    .size lfi__fault_unwind, .-lfi__fault_unwind

/* ------------------------------------------------------------------ */
/* lfi_trampoline: the target of LFI_INVOKE. Arguments are in the C ABI
 * registers (all 6 + 8 filled by the macro); lfi_invoke_info names the
 * context pointer, the box and the target. */
    .globl lfi_trampoline
    .type lfi_trampoline, @function
    .p2align 5
lfi_trampoline:
.Ltrampoline:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $FR_SIZE, %rsp
    movq lfi_invoke_info@gottpoff(%rip), %r11
    movq %fs:8(%r11), %r12              /* target */
    movq %fs:0(%r11), %r10              /* ctxp */
    testq %r10, %r10
    jz .Ltr_slow
    movq (%r10), %rbx                   /* ctx */
    testq %rbx, %rbx
    jz .Ltr_slow
    cmpq $0, CTX_INVOKE_STUB(%rbx)
    je .Ltr_slow
    TLS %r15
    cmpq $0, %fs:TLS_READY(%r15)
    je .Ltr_slow
    cmpq $0, CTX_INTERRUPT(%rbx)        /* a stop request or a time bound */
    jne .Ltr_slow
.Ltr_go:
    /* %rbx = ctx, %r12 = target, %r15 = TLS offset */
    movq REGS_HOST_SP(%rbx), %r13
    movq %r13, FR_PREV_HOST_SP(%rsp)
    movq %fs:TLS_CTX(%r15), %r13
    movq %r13, FR_PREV_CTX(%rsp)
    movq REGS_RSP(%rbx), %r13
    movq %r13, FR_PREV_SBXSP(%rsp)
    stmxcsr FR_MXCSR(%rsp)
    fnstcw FR_FCW(%rsp)
    movq $FRAME_INVOKE, FR_KIND(%rsp)
    movq %rbx, FR_CTX(%rsp)
    movq $0, FR_SAVED(%rsp)
    cmpq $0, FR_PREV_HOST_SP(%rsp)
    jne .Ltr_nested
.Ltr_frame_done:
    movq %rsp, REGS_HOST_SP(%rbx)
    movq %rbx, %fs:TLS_CTX(%r15)
    movl $0, CTX_STATUS(%rbx)
    movl %fs:TLS_TID(%r15), %eax
    movl %eax, CTX_TID(%rbx)
    movq CTX_BASE(%rbx), %r14
    cmpb $0, lfi__have_fsgsbase(%rip)
    je .Ltr_gs_slow
    rdgsbase %rbp
    movq %rbp, FR_GS(%rsp)
    cmpq %r14, %rbp
    je .Ltr_gs_done
    wrgsbase %r14
.Ltr_gs_done:
    .globl lfi__win_tr_start
    .hidden lfi__win_tr_start
lfi__win_tr_start:                      /* see lfi__win_res_start */
    cmpl $0, CTX_INTERRUPT(%rbx)
    jne .Ltr_interrupted
    SANDBOX_FPCTL %rbx, %eax
    movq CTX_INVOKE_STUB(%rbx), %r10
    movq %r12, %r11                     /* target; the stub masks it */
    movl REGS_RSP(%rbx), %eax
    subl $128, %eax                     /* keep the red zone of a nested caller */
    andl $-16, %eax
    addq %r14, %rax
    xorl %ebx, %ebx
    xorl %ebp, %ebp
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r15d, %r15d
    xorps %xmm8, %xmm8
    xorps %xmm9, %xmm9
    xorps %xmm10, %xmm10
    xorps %xmm11, %xmm11
    xorps %xmm12, %xmm12
    xorps %xmm13, %xmm13
    xorps %xmm14, %xmm14
    xorps %xmm15, %xmm15
    cld
    movq %rax, %rsp
    movl $8, %eax                       /* %al: vector registers used */
    jmpq *%r10
    .globl lfi__win_tr_end
    .hidden lfi__win_tr_end
lfi__win_tr_end:
.Ltr_interrupted:
    movq %rbx, %rdi
    call lfi__interrupted
    ud2

.Ltr_nested:
    /* the context is active (invoke from its handler or callback): keep
     * its registers for the code that continues after this invoke */
    SAVE_ARGS
    leaq FR_REGS+176(%rsp), %rdi
    movq %rbx, %rsi
    movl $REGS_SIZE, %edx
    call memcpy@PLT
    RESTORE_ARGS
    movq $1, FR_SAVED(%rsp)
    jmp .Ltr_frame_done

.Ltr_gs_slow:
    /* the cached value, if any, is the current one; set only if not B */
    cmpq $0, %fs:TLS_GS_KNOWN(%r15)
    je 1f
    movq %fs:TLS_GS(%r15), %rbp
    movq %rbp, FR_GS(%rsp)
    cmpq %r14, %rbp
    je .Ltr_gs_done
1:  SAVE_ARGS
    call lfi__gs_get_slow
    movq %rax, FR_GS+176(%rsp)
    movq %r14, %rdi
    call lfi__gs_set_slow
    RESTORE_ARGS
    jmp .Ltr_gs_done

.Ltr_slow:
    SAVE_ARGS
    call lfi__invoke_prepare
    RESTORE_ARGS
    testq %rax, %rax
    jz .Ltr_fail
    movq %rax, %rbx
    TLS %r15
    jmp .Ltr_go
.Ltr_fail:
    xorl %eax, %eax
    xorl %edx, %edx
    xorps %xmm0, %xmm0
    xorps %xmm1, %xmm1
    POP_HOST_AND_RETURN
    .size lfi_trampoline, .-lfi_trampoline

/* ------------------------------------------------------------------ */
/* void lfi_trampoline_struct(void): lfi_trampoline with the arguments taken
 * from (*lfi_invoke_info.ctx)->regs (rdi, rsi, rdx, rcx, r8, r9, xmm0-7)
 * and the results (rax, rdx, xmm0, xmm1) stored there (lfi_core.h). */
    .globl lfi_trampoline_struct
    .type lfi_trampoline_struct, @function
    .p2align 4
lfi_trampoline_struct:
    pushq %rbx                          /* %rsp is 16-byte aligned */
    movq lfi_invoke_info@gottpoff(%rip), %r11
    movq %fs:0(%r11), %rbx              /* ctxp */
    xorl %edi, %edi
    xorl %esi, %esi
    xorl %edx, %edx
    xorl %ecx, %ecx
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorps %xmm0, %xmm0
    xorps %xmm1, %xmm1
    xorps %xmm2, %xmm2
    xorps %xmm3, %xmm3
    xorps %xmm4, %xmm4
    xorps %xmm5, %xmm5
    xorps %xmm6, %xmm6
    xorps %xmm7, %xmm7
    testq %rbx, %rbx
    jz 1f                               /* lfi_trampoline reports it */
    movq (%rbx), %rax
    testq %rax, %rax
    jz 1f                               /* a new context: zero registers */
    movq REGS_RDI(%rax), %rdi
    movq REGS_RSI(%rax), %rsi
    movq REGS_RDX(%rax), %rdx
    movq REGS_RCX(%rax), %rcx
    movq REGS_R8(%rax), %r8
    movq REGS_R9(%rax), %r9
    movaps REGS_XMM+0(%rax), %xmm0
    movaps REGS_XMM+16(%rax), %xmm1
    movaps REGS_XMM+32(%rax), %xmm2
    movaps REGS_XMM+48(%rax), %xmm3
    movaps REGS_XMM+64(%rax), %xmm4
    movaps REGS_XMM+80(%rax), %xmm5
    movaps REGS_XMM+96(%rax), %xmm6
    movaps REGS_XMM+112(%rax), %xmm7
1:  call .Ltrampoline
    testq %rbx, %rbx
    jz 2f
    movq (%rbx), %rcx
    testq %rcx, %rcx
    jz 2f
    movq %rax, REGS_RAX(%rcx)
    movq %rdx, REGS_RDX(%rcx)
    movaps %xmm0, REGS_XMM+0(%rcx)
    movaps %xmm1, REGS_XMM+16(%rcx)
2:  popq %rbx
    ret
    .size lfi_trampoline_struct, .-lfi_trampoline_struct

/* ------------------------------------------------------------------ */
/* Runtime-call entries (from the gateway): %rax = ctx. */

/* The sandbox's registers into regs (all but %rax, already in scratch). */
.macro SAVE_SANDBOX
    movq %rcx, REGS_RCX(%rax)
    TLS %rcx
    movq %fs:TLS_SCRATCH(%rcx), %rcx
    movq %rcx, REGS_RAX(%rax)
    movq %rdx, REGS_RDX(%rax)
    movq %rbx, REGS_RBX(%rax)
    movq %rbp, REGS_RBP(%rax)
    movq %rsi, REGS_RSI(%rax)
    movq %rdi, REGS_RDI(%rax)
    movq %r8, REGS_R8(%rax)
    movq %r9, REGS_R9(%rax)
    movq %r10, REGS_R10(%rax)
    movq %r11, REGS_R11(%rax)
    movq %r12, REGS_R12(%rax)
    movq %r13, REGS_R13(%rax)
    movq %r14, REGS_R14(%rax)
    movq %r15, REGS_R15(%rax)
    movq %rsp, REGS_RSP(%rax)
    movaps %xmm0, REGS_XMM+0(%rax)
    movaps %xmm1, REGS_XMM+16(%rax)
    movaps %xmm2, REGS_XMM+32(%rax)
    movaps %xmm3, REGS_XMM+48(%rax)
    movaps %xmm4, REGS_XMM+64(%rax)
    movaps %xmm5, REGS_XMM+80(%rax)
    movaps %xmm6, REGS_XMM+96(%rax)
    movaps %xmm7, REGS_XMM+112(%rax)
    movaps %xmm8, REGS_XMM+128(%rax)
    movaps %xmm9, REGS_XMM+144(%rax)
    movaps %xmm10, REGS_XMM+160(%rax)
    movaps %xmm11, REGS_XMM+176(%rax)
    movaps %xmm12, REGS_XMM+192(%rax)
    movaps %xmm13, REGS_XMM+208(%rax)
    movaps %xmm14, REGS_XMM+224(%rax)
    movaps %xmm15, REGS_XMM+240(%rax)
    stmxcsr REGS_MXCSR(%rax)
    fnstcw REGS_FCW(%rax)
.endm

/* System call: save everything, run the handler on the host stack, resume
 * with the (possibly changed) registers. */
    .globl lfi__rt_syscall
    .hidden lfi__rt_syscall
    .type lfi__rt_syscall, @function
    .p2align 4
lfi__rt_syscall:
    SAVE_SANDBOX
    movq %rax, %rbx
    movq REGS_HOST_SP(%rbx), %rsp
    HOST_FPCTL %rsp, %rbx, %ecx
    movq %rbx, %rdi
    call lfi__syscall_dispatch
    movq %rbx, %rdi
    jmp lfi__resume
    .size lfi__rt_syscall, .-lfi__rt_syscall

/* Get thread pointer: %rax = TP. Changes no flags and no other register. */
    .globl lfi__win_tp_start
    .hidden lfi__win_tp_start
    .p2align 4
lfi__win_tp_start:
    .globl lfi__rt_get_tp
    .hidden lfi__rt_get_tp
    .type lfi__rt_get_tp, @function
    .p2align 4
lfi__rt_get_tp:
    movq CTX_BASE(%rax), %r14
    movq REGS_TP(%rax), %rax
    movl %r11d, %r11d
    leaq (%r11,%r14), %r11
    jmpq *%r11
    .size lfi__rt_get_tp, .-lfi__rt_get_tp

/* Set thread pointer to the sandbox's %rax. Changes no flags. */
    .globl lfi__rt_set_tp
    .hidden lfi__rt_set_tp
    .type lfi__rt_set_tp, @function
    .p2align 4
lfi__rt_set_tp:
    movq %rcx, REGS_RCX(%rax)
    TLS %rcx
    movq %fs:TLS_SCRATCH(%rcx), %rcx
    movq %rcx, REGS_TP(%rax)
    movq CTX_BASE(%rax), %r14
    xchgq %rcx, %rax
    movq REGS_RCX(%rcx), %rcx
    movl %r11d, %r11d
    leaq (%r11,%r14), %r11
    jmpq *%r11
    .globl lfi__win_tp_end
    .hidden lfi__win_tp_end
lfi__win_tp_end:
    .size lfi__rt_set_tp, .-lfi__rt_set_tp

/* An unused table slot. */
    .globl lfi__rt_bad
    .hidden lfi__rt_bad
    .type lfi__rt_bad, @function
    .p2align 4
lfi__rt_bad:
    SAVE_SANDBOX
    movq %rax, %rbx
    movq REGS_HOST_SP(%rbx), %rsp
    HOST_FPCTL %rsp, %rbx, %ecx
    movq %rbx, %rdi
    movl $1, %esi
    call lfi__rtcall_error
    ud2
    .size lfi__rt_bad, .-lfi__rt_bad

/* Return: either the end of an LFI_INVOKE (%r11 is the box's invoke return
 * point, or that of a stub given to lfi_box_register_ret) or a call of a
 * callback entry (%r11 inside the callback pages). */
    .globl lfi__rt_ret
    .hidden lfi__rt_ret
    .type lfi__rt_ret, @function
    .p2align 4
lfi__rt_ret:
    cmpq CTX_RET_POINT(%rax), %r11
    jne .Lcallback
.Lret_invoke:
    movq %rax, %rbx
    TLS %rcx
    movq %fs:TLS_SCRATCH(%rcx), %rax    /* the result: %rax, %rdx, %xmm0, %xmm1 */
    movq REGS_HOST_SP(%rbx), %rsp
    cmpq $FRAME_INVOKE, FR_KIND(%rsp)
    jne .Lret_in_run
    movl $0, CTX_STATUS(%rbx)           /* a nested invoke may have failed */
    UNWIND_FRAME
    POP_HOST_AND_RETURN
.Lret_in_run:
    movq %rax, REGS_RAX(%rbx)
    HOST_FPCTL %rsp, %rbx, %ecx
    movq %rbx, %rdi
    movl $2, %esi
    call lfi__rtcall_error
    ud2

.Lcallback:
    movq %r11, REGS_R11(%rax)
    movq %rcx, REGS_RCX(%rax)
    movq %rdx, REGS_RDX(%rax)           /* %rdx is scratch until the call */
    TLS %rdx
    movq %fs:TLS_SCRATCH(%rdx), %rdx
    movq %rdx, REGS_RAX(%rax)
    movq CTX_BOX(%rax), %rcx
    subq BOX_CB_LO(%rcx), %r11
    cmpq BOX_CB_SIZE(%rcx), %r11        /* below cb_lo wraps around: also >= */
    jae .Lret_other
    shrq $5, %r11
    movq BOX_CB_FNS(%rcx), %rdx
    movq (%rdx,%r11,8), %rdx            /* the function first, then its kind */
    movq BOX_CB_KINDS(%rcx), %rcx
    movzbl (%rcx,%r11), %ecx
    movq %rdx, %r11
    testq %r11, %r11
    jz .Lcb_bad
    /* %r11 = host function, %ecx = kind. To the host stack, below the
     * context's frame (host_sp stays as it is: lfi_ctx_exit, faults and
     * aborts in the callback unwind through it). */
    movq %rsp, %rdx                     /* sandbox sp: at the return address */
    movq REGS_HOST_SP(%rax), %rsp
    pushq %rdx                          /* sandbox sp */
    pushq REGS_RSP(%rax)                /* outer regs.rsp */
    pushq %rbx                          /* sandbox %rbx */
    pushq %rax                          /* ctx */
    pushq %rcx                          /* kind */
    pushq %rcx                          /* (alignment) */
    movq %rdx, REGS_RSP(%rax)           /* nested invokes use the stack below */
    movq %rax, %rbx
    stmxcsr REGS_MXCSR(%rbx)
    fnstcw REGS_FCW(%rbx)
    testl %ecx, %ecx
    jz 1f
    /* struct callback: the arguments into regs (%rcx, %rdx are there) */
    movq %rdi, REGS_RDI(%rbx)
    movq %rsi, REGS_RSI(%rbx)
    movq %r8, REGS_R8(%rbx)
    movq %r9, REGS_R9(%rbx)
    movaps %xmm0, REGS_XMM+0(%rbx)
    movaps %xmm1, REGS_XMM+16(%rbx)
    movaps %xmm2, REGS_XMM+32(%rbx)
    movaps %xmm3, REGS_XMM+48(%rbx)
    movaps %xmm4, REGS_XMM+64(%rbx)
    movaps %xmm5, REGS_XMM+80(%rbx)
    movaps %xmm6, REGS_XMM+96(%rbx)
    movaps %xmm7, REGS_XMM+112(%rbx)
1:
    movq REGS_HOST_SP(%rbx), %rcx
    HOST_FPCTL %rcx, %rbx, %eax
    movq REGS_RCX(%rbx), %rcx
    movq REGS_RDX(%rbx), %rdx
    movq REGS_RAX(%rbx), %rax
    callq *%r11
    popq %rcx                           /* (alignment) */
    popq %rcx                           /* kind */
    popq %r11                           /* ctx */
    testl %ecx, %ecx
    jz 2f
    /* struct callback: the results from regs */
    movq REGS_RAX(%r11), %rax
    movq REGS_RDX(%r11), %rdx
    movaps REGS_XMM+0(%r11), %xmm0
    movaps REGS_XMM+16(%r11), %xmm1
2:
    popq %rbx                           /* sandbox %rbx */
    popq %rcx
    movq %rcx, REGS_RSP(%r11)           /* outer regs.rsp */
    popq %rcx                           /* sandbox sp */
    TLS %rsi
    movq %r11, %fs:TLS_CTX(%rsi)
    movq REGS_HOST_SP(%r11), %rsi       /* lfi_ctx_abort_cb marked this frame */
    cmpq %rsi, CTX_ABORT(%r11)
    je .Lcb_abort
    movq CTX_BASE(%r11), %r14
    cmpb $0, lfi__have_fsgsbase(%rip)
    je .Lcb_gs_slow
    rdgsbase %rsi
    cmpq %r14, %rsi
    je .Lcb_gs_done
    wrgsbase %r14
.Lcb_gs_done:
    .globl lfi__win_cb_start
    .hidden lfi__win_cb_start
lfi__win_cb_start:                      /* see lfi__win_res_start */
    cmpl $0, CTX_INTERRUPT(%r11)
    jne .Lcb_interrupted
    SANDBOX_FPCTL %r11, %esi
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorps %xmm2, %xmm2
    xorps %xmm3, %xmm3
    xorps %xmm4, %xmm4
    xorps %xmm5, %xmm5
    xorps %xmm6, %xmm6
    xorps %xmm7, %xmm7
    xorps %xmm8, %xmm8
    xorps %xmm9, %xmm9
    xorps %xmm10, %xmm10
    xorps %xmm11, %xmm11
    xorps %xmm12, %xmm12
    xorps %xmm13, %xmm13
    xorps %xmm14, %xmm14
    xorps %xmm15, %xmm15
    movq CTX_BOX(%r11), %r11
    movq BOX_CB_RET(%r11), %r11         /* pops the return address, masked */
    movq %rcx, %rsp
    xorl %ecx, %ecx
    jmpq *%r11
    .globl lfi__win_cb_end
    .hidden lfi__win_cb_end
lfi__win_cb_end:
.Lcb_gs_slow:
    TLS %rsi
    cmpq $0, %fs:TLS_GS_KNOWN(%rsi)
    je 1f
    cmpq %r14, %fs:TLS_GS(%rsi)
    je .Lcb_gs_done
1:  SAVE_RESULTS
    pushq %rcx
    pushq %r11
    movq %r14, %rdi
    call lfi__gs_set_slow
    popq %r11
    popq %rcx
    RESTORE_RESULTS
    jmp .Lcb_gs_done
.Lcb_interrupted:
    movq %r11, %rdi
    call lfi__interrupted
    ud2
.Lcb_abort:
    movq %r11, %rdi                     /* %rsp = host_sp: aligned */
    call lfi__cb_abort
    ud2
.Lret_other:
    /* not a callback entry: a return stub given to lfi_box_register_ret? */
    movq REGS_R11(%rax), %r11
    cmpq BOX_RET_USER(%rcx), %r11
    jne .Lcb_bad
    movq REGS_RDX(%rax), %rdx           /* the second result register */
    jmp .Lret_invoke
.Lcb_bad:
    movq %rax, %rbx
    movq REGS_HOST_SP(%rbx), %rsp
    HOST_FPCTL %rsp, %rbx, %ecx
    movq %rbx, %rdi
    movl $3, %esi
    call lfi__rtcall_error
    ud2
    .size lfi__rt_ret, .-lfi__rt_ret

/* ------------------------------------------------------------------ */
/* Copies that may touch unmapped sandbox memory: a fault at the marked
 * instruction resumes at the fixup (signal.c). */

/* int lfi__safe_copy(void *dst, const void *src, size_t n): 0 or -1 */
    .globl lfi__safe_copy
    .hidden lfi__safe_copy
    .type lfi__safe_copy, @function
    .p2align 4
lfi__safe_copy:
    movq %rdx, %rcx
    .globl lfi__safe_copy_insn
    .hidden lfi__safe_copy_insn
lfi__safe_copy_insn:
    rep movsb
    xorl %eax, %eax
    ret
    .globl lfi__safe_copy_fixup
    .hidden lfi__safe_copy_fixup
lfi__safe_copy_fixup:
    cld
    movl $-1, %eax
    ret
    .size lfi__safe_copy, .-lfi__safe_copy

/* size_t lfi__safe_strnlen(const char *s, size_t max): length (max if no
 * NUL), or SIZE_MAX on a fault */
    .globl lfi__safe_strnlen
    .hidden lfi__safe_strnlen
    .type lfi__safe_strnlen, @function
    .p2align 4
lfi__safe_strnlen:
    xorl %eax, %eax
1:  cmpq %rsi, %rax
    jae 2f
    .globl lfi__safe_strnlen_insn
    .hidden lfi__safe_strnlen_insn
lfi__safe_strnlen_insn:
    cmpb $0, (%rdi,%rax)
    je 2f
    incq %rax
    jmp 1b
2:  ret
    .globl lfi__safe_strnlen_fixup
    .hidden lfi__safe_strnlen_fixup
lfi__safe_strnlen_fixup:
    movq $-1, %rax
    ret
    .size lfi__safe_strnlen, .-lfi__safe_strnlen

    .section .rodata.lfi_fpfix, "a"
    .globl lfi__fpfix_end
    .hidden lfi__fpfix_end
lfi__fpfix_end:

    .section .note.GNU-stack, "", @progbits
