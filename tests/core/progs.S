/* Sandbox programs for the core tests, in LFI-x64 form (docs/verifier.md).
 * They are assembled into the test binary as one blob (progs_start ..
 * progs_end), copied into a box at a page start and verified there; the
 * tests find each program by its offset (progs.h). Every program starts at
 * a bundle start. */
    .text
    .bundle_align_mode 5

/* Sandboxed return: pop and masked jump, in one bundle. */
.macro RET
    .bundle_lock
    popq %r11
    andl $0xffffffe0, %r11d
    addq %r14, %r11
    jmpq *%r11
    .bundle_unlock
.endm

/* Runtime call through table slot \n (-8 syscall, -16 get TP, -24 set TP,
 * -32 return; legacy 0, 8, 16, 24). */
.macro RTCALL n
    .bundle_lock
    leaq .Lrt\@(%rip), %r11
    jmpq *\n(%r14)
.Lrt\@:
    .bundle_unlock
.endm

.macro PROG name
    .p2align 5, 0xcc
    .globl \name
\name:
.endm

    .p2align 12, 0xcc
    .globl progs_start
progs_start:

/* exit(42) through the system-call slot; the handler exits. */
PROG p_syscall42
    movl $42, %eax
    RTCALL -8
    ud2

/* Registers survive a system call; the handler checks them and sets %rax. */
PROG p_preserve
    movl $1, %eax
    movl $11, %ebx
    movl $22, %edx
    movl $33, %esi
    movl $44, %edi
    movl $55, %r8d
    movl $66, %r9d
    movl $77, %r10d
    movl $88, %r12d
    movl $99, %r13d
    movl $111, %r15d
    movl $123, %ecx
    movl $7, %ebp
    movq %rbx, %xmm3
    movq %rdi, %xmm15
    RTCALL -8
    /* the handler set %rax = 100: add everything up */
    addq %rbx, %rax
    addq %rdx, %rax
    addq %rsi, %rax
    addq %rdi, %rax
    addq %r8, %rax
    addq %r9, %rax
    addq %r10, %rax
    addq %r12, %rax
    addq %r13, %rax
    addq %r15, %rax
    addq %rcx, %rax
    addq %rbp, %rax
    movq %xmm3, %rbx
    addq %rbx, %rax
    movq %xmm15, %rbx
    addq %rbx, %rax
    RTCALL -8
    ud2

/* Set and get the thread pointer (new and legacy slots); the flags survive
 * get TP. Then a system call with %rax = TP, %rbx = carry flag. */
PROG p_tp
    movq $0x1234, %rax
    RTCALL -24
    xorl %eax, %eax
    stc
    RTCALL -16
    setc %bl
    movzbl %bl, %ebx
    movq %rax, %rdi
    movq $0x5678, %rax
    RTCALL 16
    xorl %eax, %eax
    RTCALL 8
    movq %rax, %rsi
    movq %rdi, %rax
    RTCALL -8
    ud2

/* The same exit(42) through the legacy table at the box base. */
PROG p_legacy42
    movl $42, %eax
    RTCALL 0
    ud2

/* A return runtime call outside LFI_INVOKE. */
PROG p_ret_in_run
    RTCALL -32
    ud2

/* A stack: push 3 values, pop them, sum, syscall with the sum. */
PROG p_stack
    pushq $5
    pushq $6
    pushq $7
    popq %rax
    popq %rbx
    addq %rbx, %rax
    popq %rbx
    addq %rbx, %rax
    RTCALL -8
    ud2

/* Faults. */
PROG p_ud2
    ud2
PROG p_int3
    int3
PROG p_div0
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    RET
PROG p_store_ro        /* write to the read-only table page at B */
    movl $0x100, %eax
    movq %rax, %gs:(%eax)
    RET
PROG p_load_far        /* read %gs:(%edi): the caller picks the address */
    movq %gs:(%edi), %rax
    RET
PROG p_store_far       /* write %rsi to %gs:(%edi) */
    movq %rsi, %gs:(%edi)
    RET
PROG p_overflow        /* push until the stack runs out */
1:  pushq %rax
    jmp 1b
PROG p_loop            /* run forever */
1:  jmp 1b
PROG p_flag_loop       /* store 1 at %gs:(%edi), then run forever */
    movl $1, %gs:(%edi)
1:  jmp 1b
PROG p_loop_sys        /* system calls forever */
1:  RTCALL -8
    jmp 1b
/* Leaves an unmasked x87 exception pending, then makes a system call. */
PROG p_x87_pending
    movw $0x037e, -8(%rsp)     /* invalid-operation exceptions unmasked */
    fldcw -8(%rsp)
    movq $-1, %rax
    movq %rax, -16(%rsp)
    fildq -16(%rsp)
    fsqrt                      /* invalid: pending until the next x87 op */
    movl $7, %eax
    RTCALL -8
    ud2
/* Unmasks all SSE exceptions and makes a system call. */
PROG p_mxcsr_unmask
    movl $0x0000, -8(%rsp)
    ldmxcsr -8(%rsp)
    movl $8, %eax
    RTCALL -8
    stmxcsr -8(%rsp)
    movl -8(%rsp), %eax
    RTCALL -8
    ud2

/* ---- functions for LFI_INVOKE ---- */
PROG f_add                 /* int add(int, int) */
    leal (%rdi,%rsi), %eax
    RET
PROG f_seven               /* int seven(void) */
    movl $7, %eax
    RET
PROG f_sum6                /* long sum6(long x6) */
    leaq (%rdi,%rsi), %rax
    addq %rdx, %rax
    addq %rcx, %rax
    addq %r8, %rax
    addq %r9, %rax
    RET
PROG f_addsd               /* double f(double, double) */
    addsd %xmm1, %xmm0
    RET
PROG f_addss               /* float f(float, float) */
    addss %xmm1, %xmm0
    RET
PROG f_sum8d               /* double f(double x8) */
    addsd %xmm1, %xmm0
    addsd %xmm2, %xmm0
    addsd %xmm3, %xmm0
    addsd %xmm4, %xmm0
    addsd %xmm5, %xmm0
    addsd %xmm6, %xmm0
    addsd %xmm7, %xmm0
    RET
PROG f_mixed               /* double f(int a, double b, long c, float d) = a+b+c+d */
    cvtsi2sdl %edi, %xmm2
    addsd %xmm2, %xmm0
    cvtsi2sdq %rsi, %xmm2
    addsd %xmm2, %xmm0
    cvtss2sd %xmm1, %xmm1
    addsd %xmm1, %xmm0
    RET
PROG f_ptr                 /* long f(long *p, int n): sum of p[0..n) */
    xorl %eax, %eax
1:  testl %esi, %esi
    jz 2f
    addq %gs:(%edi), %rax
    addl $8, %edi
    decl %esi
    jmp 1b
2:  RET
PROG f_pair                /* struct { long a, b; } f(long a, long b) */
    movq %rdi, %rax
    movq %rsi, %rdx
    RET
PROG f_cb                  /* int f(int (*fn)(int), int x) = fn(x), tail call */
    movq %rdi, %rax
    movl %esi, %edi
    andl $0xffffffe0, %eax
    addq %r14, %rax
    jmpq *%rax
PROG f_cb_plus1            /* int f(int (*fn)(int), int x) = fn(x) + 1, real call */
    .nops 19                   /* the call ends the bundle */
    .bundle_lock
    movq %rdi, %rax
    movl %esi, %edi
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    addl $1, %eax
    RET
PROG f_cb6                 /* long f(fn, a..e, d0, d1) = fn(a, b, c, d, e, d0, d1) */
    .bundle_lock
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %rcx
    movq %r9, %r8
    .bundle_unlock
    .p2align 5
    .nops 24
    .bundle_lock
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    RET
PROG f_syscall             /* long f(long x): system call with %rax = x */
    movq %rdi, %rax
    RTCALL -8
    RET
PROG f_std                 /* int f(void) = 1, returning with DF set */
    std
    movl $1, %eax
    RET
PROG f_getgs               /* long f(void): the word at %gs:0x20000000 + offset 0 */
    movl $0x20000000, %eax
    movq %gs:(%eax), %rax
    RET

PROG f_cb_gs               /* long f(int (*fn)(int), int x) = fn(x) + the word at
                            * %gs:0x20000000, read after the call returns */
    .nops 19                   /* the call ends the bundle */
    .bundle_lock
    movq %rdi, %rax
    movl %esi, %edi
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    movslq %eax, %rax
    movl $0x20000000, %ecx
    addq %gs:(%ecx), %rax
    RET

/* %rax = MXCSR | FCW << 32, as they are now. */
.macro FPCTL_RESULT
    fnstcw -8(%rsp)
    movzwl -8(%rsp), %eax
    shlq $32, %rax
    stmxcsr -8(%rsp)
    movl -8(%rsp), %ecx
    orq %rcx, %rax
.endm

/* FP control around runtime calls and callbacks (test_fpctl.c). Both set
 * MXCSR and the x87 control word to their arguments, leave the sandbox for
 * the host, then return (MXCSR | FCW << 32) as read afterwards. */
PROG f_fpctl_sys           /* long f(unsigned mxcsr, unsigned fcw): system call 77 */
    movl %edi, -8(%rsp)
    ldmxcsr -8(%rsp)
    movl %esi, -8(%rsp)
    fldcw -8(%rsp)
    movl $77, %eax
    RTCALL -8
    FPCTL_RESULT
    RET
PROG f_fpctl_cb            /* long f(void (*fn)(void), unsigned mxcsr, unsigned fcw) */
    movl %esi, -8(%rsp)
    ldmxcsr -8(%rsp)
    movl %edx, -8(%rsp)
    fldcw -8(%rsp)
    .p2align 5
    .nops 19                   /* the call ends the bundle */
    .bundle_lock
    movq %rdi, %rax
    xorl %edi, %edi
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    FPCTL_RESULT
    RET

PROG f_cbmem               /* calls the function whose address is at box offset
                            * 0x20000000 with the caller's arguments, returns its
                            * results (%rax, %rdx, %xmm0, %xmm1) unchanged */
    movl $0x20000000, %eax
    movl %gs:(%eax), %eax
    .p2align 5
    .nops 24
    .bundle_lock
    andl $0xffffffe0, %eax
    addq %r14, %rax
    callq *%rax
    .bundle_unlock
    RET
PROG p_lfi_ret             /* a program's own return stub (_lfi_ret) */
    RTCALL -32
    ud2
PROG p_lfi_ret_legacy      /* the same through the legacy table slot */
    RTCALL 24
    ud2
PROG f_jmp_ret             /* long f(long x): x + 1, "returned" through p_lfi_ret */
    leaq 1(%rdi), %rax
    jmp p_lfi_ret
PROG f_jmp_ret_legacy      /* long f(long x): x + 2, through p_lfi_ret_legacy */
    leaq 2(%rdi), %rax
    jmp p_lfi_ret_legacy

/* Return register \r (to check the values LFI_INVOKE leaves in it). */
.macro REGFN name, insn
PROG \name
    \insn
    RET
.endm
REGFN r_rdi, "movq %rdi, %rax"
REGFN r_rsi, "movq %rsi, %rax"
REGFN r_rdx, "movq %rdx, %rax"
REGFN r_rcx, "movq %rcx, %rax"
REGFN r_r8, "movq %r8, %rax"
REGFN r_r9, "movq %r9, %rax"
REGFN r_rbx, "movq %rbx, %rax"
REGFN r_rbp, "movq %rbp, %rax"
REGFN r_r10, "movq %r10, %rax"
REGFN r_r12, "movq %r12, %rax"
REGFN r_r13, "movq %r13, %rax"
REGFN r_r15, "movq %r15, %rax"
REGFN r_xmm0, "movq %xmm0, %rax"
REGFN r_xmm1, "movq %xmm1, %rax"
REGFN r_xmm2, "movq %xmm2, %rax"
REGFN r_xmm3, "movq %xmm3, %rax"
REGFN r_xmm4, "movq %xmm4, %rax"
REGFN r_xmm5, "movq %xmm5, %rax"
REGFN r_xmm6, "movq %xmm6, %rax"
REGFN r_xmm7, "movq %xmm7, %rax"
REGFN r_xmm8, "movq %xmm8, %rax"
REGFN r_xmm9, "movq %xmm9, %rax"
REGFN r_xmm10, "movq %xmm10, %rax"
REGFN r_xmm11, "movq %xmm11, %rax"
REGFN r_xmm12, "movq %xmm12, %rax"
REGFN r_xmm13, "movq %xmm13, %rax"
REGFN r_xmm14, "movq %xmm14, %rax"
REGFN r_xmm15, "movq %xmm15, %rax"
REGFN r_mxcsr, "stmxcsr -8(%rsp); movl -8(%rsp), %eax"
REGFN r_fcw, "fnstcw -8(%rsp); movzwl -8(%rsp), %eax"
REGFN r_rsp, "movq %rsp, %rax"
REGFN r_r14, "movq %r14, %rax"

    .p2align 12, 0xcc
    .globl progs_end
progs_end:

    .section .note.GNU-stack, "", @progbits
