/* libFuzzer target for liblfirewrite (docs/rewriter.md): arbitrary bytes as
 * x86-64 GNU assembly.
 *
 * Build with LFI_FUZZ_STRUCTURED=0 (the default) to feed the input bytes to
 * lfi_rewrite_x64 as they are, or LFI_FUZZ_STRUCTURED=1 to turn them into
 * mostly well-formed assembly: lines picked from a dictionary of real
 * instructions, directives and labels (the lines of tests/rewrite/cases and
 * tests/rewrite/asm/handwritten.S), with registers substituted, labels
 * defined and branched to, sections switched and memory operands built.
 * The first input byte selects the assembler, --align-labels and
 * --rename-r14; every input is rewritten in both sandbox modes (full and
 * stores-only), twice each, and
 *  - the status is 0 (output, no diagnostics, outlen == strlen(out)) or 1
 *    (no output, at least one diagnostic);
 *  - every diagnostic reads "fuzz.s:LINE: ..." with LINE inside the input
 *    (diagnostics out of input order are counted, see below);
 *  - the second rewrite gives exactly the same status, output, diagnostics
 *    and counters (determinism).
 * Memory safety, leaks and undefined behaviour are checked by ASan/UBSan
 * (LeakSanitizer) when built with them. The output is not assembled here
 * (too slow in-process; tests/rewrite does that). A failed check prints the
 * input and the reason and traps.
 *
 * Without libFuzzer (LFI_FUZZ_STANDALONE), main() runs the same checks on
 * pseudo-random inputs: fuzz_rewrite [iterations] [seed]. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lfi_rewrite.h>

#ifndef LFI_FUZZ_STRUCTURED
#define LFI_FUZZ_STRUCTURED 0
#endif
/* lfi_rewrite.h says diagnostics come "in input order", but the parser's
 * errors come before the rewriter's (one pass after the other): counted in
 * the statistics, a failure only with -DLFI_FUZZ_STRICT_ORDER=1. */
#ifndef LFI_FUZZ_STRICT_ORDER
#define LFI_FUZZ_STRICT_ORDER 0
#endif

#define NAME "fuzz.s"

/* Lines of the case files tests/rewrite/cases/ (inputs and expected outputs) and
 * tests/rewrite/asm/handwritten.S. */
#if LFI_FUZZ_STRUCTURED || defined(LFI_FUZZ_STANDALONE)
static const char *const dict[] = {
    "\"unterminated",
    "#lfi:frobnicate",
    "#lfi:rtcall_return",
    "* verified by run_corpus.py (it is not run). */",
    ".L3:",
    ".L4:",
    ".L5:",
    ".L7:",
    ".L9:",
    ".LFB0:",
    ".LVL1:",
    ".Lcase0:",
    ".Lcase1:",
    ".Lcase2:",
    ".Lcase3:",
    ".Llfi_loop0:",
    ".Llfi_loop1:",
    ".Llfi_rt0:",
    ".Llfi_rt1:",
    ".Llfi_rt2:",
    ".Llfi_sec1:",
    ".Ltext0:",
    ".bundle_align_mode 4",
    ".bundle_align_mode 5",
    ".bundle_lock",
    ".bundle_lock align_to_end",
    ".bundle_unlock",
    ".byte 0x0f, 0x05",
    ".byte 1",
    ".byte 1, 2, 3",
    ".cfi_offset %r14, -16",
    ".cfi_offset %r15, -16",
    ".cfi_offset 14, -16",
    ".code32",
    ".data",
    ".else",
    ".endif",
    ".globl a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r",
    ".globl f",
    ".globl g",
    ".ifdef .gasversion.",
    ".include \"x.s\"",
    ".insn 0x0f05",
    ".intel_syntax noprefix",
    ".long .L4-.L7",
    ".long .Lcase0-table",
    ".long .Lcase1-table",
    ".long .Lcase2-table",
    ".long .Lcase3-table",
    ".long 0",
    ".long 1",
    ".macro foo",
    ".nops ((22 - ((. - .Llfi_sec0) & 31)) & 31)",
    ".nops ((24 - ((. - .Llfi_sec0) & 31)) & 31)",
    ".nops ((27 - ((. - .Llfi_sec0) & 31)) & 31)",
    ".nops ((27 - ((. - .Llfi_sec1) & 31)) & 31)",
    ".p2align 2",
    ".p2align 5",
    ".quad .L5",
    ".quad .LVL1",
    ".quad .Ltext0",
    ".quad g",
    ".rept 3",
    ".section .data",
    ".section .data.rel.ro.local,\"aw\"",
    ".section .debug_info,\"\",@progbits",
    ".section .note.GNU-stack,\"\",@progbits",
    ".section .rodata",
    ".section .tbss,\"awT\",@nobits",
    ".section .text.hot,\"ax\",@progbits",
    ".text",
    ".type f, @function",
    "/* Hand-written assembly in the style of libc sources: numeric labels,",
    "/* unterminated",
    "1:",
    "1:\tcmpb $0, (%rax)",
    "1:\tdec %rax",
    "1:\tmov %rdx, %rcx",
    "1:\tret",
    "2:",
    "2:\tlock cmpxchg %rcx, (%rdi)",
    "2:\tmovsb",
    "2:\tsub %rdi, %rax",
    "9:\txor %eax, %eax",
    "END(dispatch)",
    "END(get_tp)",
    "END(get_tp_rdx)",
    "END(misc)",
    "END(my_memcpy)",
    "END(my_memset)",
    "END(my_strlen)",
    "END(stack_games)",
    "END(strings_all_widths)",
    "END(syscall3)",
    "END(tlsdesc_static)",
    "FUNC(dispatch)",
    "FUNC(get_tp)",
    "FUNC(get_tp_rdx)",
    "FUNC(misc)",
    "FUNC(my_memcpy)",
    "FUNC(my_memset)",
    "FUNC(my_strlen)",
    "FUNC(stack_games)",
    "FUNC(strings_all_widths)",
    "FUNC(syscall3)",
    "FUNC(tlsdesc_static)",
    "add $0xc0, %rsp",
    "add %rax, %rsp",
    "add %rdx, %rax",
    "addl $0xc0, %esp",
    "addl $8, %esp",
    "addl %eax, %gs:8(%ebx)",
    "addl %eax, 8(%rbx)",
    "addl %gs:(%r11d), %ebx",
    "addl 8(%rsp), %esp",
    "addl tv@tpoff(%rax), %ebx",
    "addps %xmm16, %xmm1",
    "addq %fs:40, %rax",
    "addq %r11, %rax",
    "addq %r14, %r11",
    "addq %r14, %r8",
    "addq %r14, %rax",
    "addq %r14, %rdx",
    "addq %r14, %rsp",
    "addq 8(%rsp), %rsp",
    "addr32 movl (%rax), %ecx",
    "addw $2, %r11w",
    "addw $2, %sp",
    "and $-64, %rsp",
    "and $7, %ecx",
    "and $7, %edx",
    "andl $-16, %esp",
    "andl $0xffffffe0, %eax",
    "andl $0xffffffe0, %edx",
    "andl $0xffffffe0, %r11d",
    "andl $0xffffffe0, %r8d",
    "andq $-16, %rsp",
    "bt $5, %gs:(%edi)",
    "bt $5, (%rdi)",
    "btl %eax, (%rdi)",
    "bts $7, 4(%rdi)",
    "call *%esi",
    "call *%r8",
    "call *%rax",
    "call *%rsi",
    "call *(%rsi)",
    "call *8(%rsp)",
    "call *x@TLSCALL(%rax)",
    "call __tls_get_addr@PLT",
    "call bar@PLT",
    "call foo",
    "call my_memcpy",
    "call my_memset@PLT",
    "callq *%r11",
    "callq *%r8",
    "callq *%rax",
    "callq *(%rsp)",
    "callq *__cxa_finalize@GOTPCREL(%rip)",
    "callq *x@TLSCALL(%rax)",
    "callq foo",
    "cmovne %rbx, %r11",
    "cmovne %rbx, %rsp",
    "cmp $3, %rdi",
    "cmp $8, %rdx",
    "cmpb $0x0, %gs:(%eax)",
    "cmpb $0x0, (%rax)",
    "cmpl $44, %gs:352(%esp,%eax,4)",
    "cmpl $44, 352(%rsp,%rax,4)",
    "cmpq %fs:40, %rdx",
    "cmpq %rax, %rsp",
    "cmpsb",
    "cmpsd $1, %gs:(%eax), %xmm2",
    "cmpsd $1, (%rax), %xmm2",
    "cmpsl",
    "cmpsq",
    "cmpsw",
    "cmpxchg16b (%rsi)",
    "counter:",
    "cpuid",
    "data16 leaq x@tlsgd(%rip), %rdi",
    "dec %edx",
    "dec %rdx",
    "endbr64",
    "enter $16, $1",
    "enter $32, $0",
    "f:",
    "fldcw 2(%rdi)",
    "fldt (%rdi)",
    "fldt 8(%rsp)",
    "fnstcw (%rdi)",
    "fstpt %gs:(%edi)",
    "fstpt (%rdi)",
    "fstpt 16(%rdi)",
    "fsub %gs:(%eax)",
    "fsub (%rax)",
    "fxsave (%rdi)",
    "g:",
    "imul $24, -88(%rdi), %rax",
    "imul %r8, %rax",
    "imulq $24, %gs:-88(%edi), %rax",
    "imulq $24, -88(%rdi), %rax",
    "imulq $24, -88(%rsp), %rax",
    "inb $0x60, %al",
    "inc %rax",
    "incq %gs:16(%r12d)",
    "incq 16(%r12)",
    "insb",
    "int $0x80",
    "int $3",
    "int3",
    "ja 9f",
    "jc 1f",
    "je 2f",
    "jecxz .L1",
    "jmp *%eax",
    "jmp *%r11",
    "jmp *%rax",
    "jmp *%rcx",
    "jmp *%rsp",
    "jmp *(%rax)",
    "jmp *(%rax,%rdi,8)",
    "jmp *.L4(,%rax,8)",
    "jmp *16(%rdi)",
    "jmp .L1",
    "jmp 1b",
    "jmp 1f",
    "jmp baz",
    "jmp my_strlen",
    "jmpq *%r11",
    "jmpq *%rax",
    "jmpq *%rdx",
    "jmpq *-16(%r14)",
    "jmpq *-32(%r14)",
    "jmpq *-8(%r14)",
    "jmpq *.LJTI0_0(,%rax,8)",
    "jne .L2",
    "jne .L3",
    "jne .LBB0_3",
    "jnz 2b",
    "jrcxz .Llfi_loop0",
    "jrcxz .Llfi_loop1",
    "jrcxz 1f",
    "jrcxz 2f",
    "jz 1f",
    "lcall *(%rax)",
    "ldmxcsr 4(%rdi)",
    "lea -128(%rsp), %rsp",
    "lea .Lcase0(%rip), %rcx",
    "lea 8(%rsp,%rax,8), %rsp",
    "lea table(%rip), %rax",
    "lea tabx(%rip), %rbx",
    "leal -0x18(%rbp), %esp",
    "leal -128(%rsp), %esp",
    "leal -32(%rsp), %esp",
    "leal 128(%rsp), %esp",
    "leal 8(%rsp), %esp",
    "leal 8(%rsp,%rax,8), %esp",
    "leaq %fs:8(%rax), %rax",
    "leaq (%r11,%rax,1), %r11",
    "leaq (%r14,%rdi), %rdi",
    "leaq (%r14,%rsi), %rsi",
    "leaq (%r9,%rdi,1), %r9",
    "leaq (%rsp,%r14,1), %rsp",
    "leaq -0x18(%rbp), %rsp",
    "leaq -1(%rcx), %rcx",
    "leaq .L7(%rip), %rdx",
    "leaq .Llfi_rt0(%rip), %r11",
    "leaq .Llfi_rt1(%rip), %r11",
    "leaq .Llfi_rt2(%rip), %r11",
    "leaq 1b(%rip), %rax",
    "leaq 8(%rdi,%rsi), %rax",
    "leaq tv@tpoff(%rax), %r11",
    "leaq x@TPOFF(%rax), %r11",
    "leave",
    "ljmp $0x33, $foo",
    "lock",
    "lock cmpxchgq %rcx, %gs:(%edx)",
    "lock cmpxchgq %rcx, (%rdx)",
    "lock xaddl %eax, %gs:4(%edi)",
    "lock xaddq %rax, 8(%rdi,%rsi,2)",
    "lock; xaddl %eax, 4(%rdi)",
    "lodsb",
    "lodsl",
    "lodsq",
    "lodsw",
    "loop .L1",
    "loop 1b",
    "loopne .L2",
    "lret",
    "maskmovdqu %xmm1, %xmm2",
    "mov $0x101010101010101, %r8",
    "mov $1, (%rsp)",
    "mov $10, %eax",
    "mov $100, %ecx",
    "mov $11, %eax",
    "mov %ax, %fs",
    "mov %edx, %ecx",
    "mov %fs:(%rdi), %r8",
    "mov %fs:0, %rax",
    "mov %gs:(%eax,%edx), %dh",
    "mov %gs:(,%eax,8), %rdx",
    "mov %r9, %rax",
    "mov %rcx, %rdx",
    "mov %rdi, %r9",
    "mov %rdi, %rax",
    "mov %rdx, %rcx",
    "mov %rdx, %rsi",
    "mov %rsi, %gs:(%edi)",
    "mov %rsi, %rdi",
    "mov %rsi, (%rdi)",
    "mov %rsp, %rbp",
    "mov (%rax,%rdx), %dh",
    "mov (%rdi), %rax",
    "mov (%rsi), %rdi",
    "mov (,%rax,8), %rdx",
    "mov 14(%rdi), %rsp",
    "mov 8(%rax), %rax",
    "movabsq foo, %rax",
    "movaps %xmm0, %gs:(%r11d)",
    "movaps %xmm0, %gs:x@TPOFF(%eax)",
    "movaps %xmm0, x@TPOFF(%rax)",
    "movb $'#', %gs:(%edi)",
    "movb $'#', (%rdi)   # a comment",
    "movb $';', %gs:1(%edi)",
    "movb $';', 1(%rdi) /* another */ ; movb $0, 2(%rdi)",
    "movb $0, %gs:2(%edi)",
    "movb %fs:3, %al",
    "movb %gs:(%ebx,%r11d), %al",
    "movb %gs:3(%r11d), %al",
    "movl $0x10, %r11d",
    "movl $1, %eax",
    "movl $foo, %r11d",
    "movl %ds:8(%rax), %ecx",
    "movl %eax, %esp",
    "movl %ebp, %esp",
    "movl %edi, %edi",
    "movl %es:(%rdi), %ecx",
    "movl %esi, %esi",
    "movl %fs:16, %ecx",
    "movl %fs:16, %esi",
    "movl %gs:(%eax), %ecx",
    "movl %gs:(%edi), %ecx",
    "movl %gs:(%edx,%esi,4), %edx",
    "movl %gs:(%r11d), %eax",
    "movl %gs:(%rax), %ecx",
    "movl %gs:.LC0+4(,%edx,4), %eax",
    "movl %gs:14(%edi), %esp",
    "movl %gs:16(%ecx), %ecx",
    "movl %gs:32+output(%eax), %ecx",
    "movl %gs:4(%eax), %ecx",
    "movl %gs:4(%ecx,%edx,2), %ecx",
    "movl %gs:8(%eax), %ecx",
    "movl %r11d, %esp",
    "movl %r14d, %eax",
    "movl %r15d, %eax",
    "movl (%ax), %ecx",
    "movl (%eax), %ecx",
    "movl (%rax,%xmm1,4), %ecx",
    "movl (%rdx,%rsi,4), %edx",
    "movl .LC0+4(,%rdx,4), %eax",
    "movl 32+output(%rax), %ecx",
    "movl 4(%ecx,%edx,2), %ecx",
    "movl 4(%rax,%riz,1), %ecx",
    "movl foo, %eax",
    "movq $1, (%rax",
    "movq $1, 8)(%rax)",
    "movq %fs:0, %rax",
    "movq %fs:0, %rdx",
    "movq %fs:0, %rsp",
    "movq %fs:40, %rax",
    "movq %fs:8(%rdi,%rsi,8), %r9",
    "movq %fs:8, %rcx",
    "movq %gs:(%eax), %r11",
    "movq %gs:-(8*3)(%ebp), %rax",
    "movq %gs:.LJTI0_0(,%eax,8), %r11",
    "movq %gs:0x20000000(%eip), %rax",
    "movq %gs:0x20000000(%esp), %rax",
    "movq %gs:40(%eax), %rax",
    "movq %gs:8(%edi), %rax",
    "movq %gs:8(%r9d,%esi,8), %r9",
    "movq %gs:sym(%esp), %rax",
    "movq %mm0, (%rdi)",
    "movq %r11, %rax",
    "movq %r11, %rcx",
    "movq %rax, %foo",
    "movq %rax, %fs:24",
    "movq %rax, %gs:8(%edi)",
    "movq %rax, %r11",
    "movq %rax, %r14",
    "movq %rax, %r9",
    "movq %rax, %rcx",
    "movq %rax, %rdx",
    "movq %rax, 8(%rdi)",
    "movq %rbp, %rsp",
    "movq %rdi, %gs:(%r11d)",
    "movq %rdi, %r14",
    "movq %rdi, %r15",
    "movq %rdi, %rax",
    "movq %rdi, 0x10",
    "movq %rdx, %fs:(%rax)",
    "movq %rdx, %gs:(%r11d)",
    "movq %rsp, %r11",
    "movq %rsp, %rbp",
    "movq (%r14), %rax",
    "movq (%rax,%rdi,8), %r11",
    "movq (%rsp), %r11",
    "movq -(8*3)(%rbp), %rax",
    "movq 0x20000000(%rip), %rax",
    "movq 0x20000000(%rsp), %rax",
    "movq 8(%rdi), %rax",
    "movq __cxa_finalize@GOTPCREL(%rip), %r11",
    "movq foo@GOTPCREL(%rip), %rax",
    "movq sym(%rsp), %rax",
    "movsb %fs:(%rsi), %es:(%rdi)",
    "movsb (%rsi), %es:(%rdi)",
    "movsbl %gs:(%edi), %eax",
    "movsbl (%rdi), %eax",
    "movsd %gs:(%eax), %xmm0",
    "movsd %xmm1, %gs:8(%edi)",
    "movsd %xmm1, 8(%rdi)",
    "movsd (%rax), %xmm0",
    "movsl",
    "movslq %gs:4(%esi), %rax",
    "movslq (%rax,%rdi,4), %rdx",
    "movslq 4(%rsi), %rax",
    "movsq",
    "movsw",
    "movw %ds, %ax",
    "movzbl %al, %r11d",
    "movzbq %sil, %rax",
    "nop",
    "nopl (%rax)",
    "nopw 0x0(%rax,%rax,1)",
    "notrack jmp *%rdx",
    "orl $1, 12+__cpu_model(%rip)",
    "orl $1, 12+counter(%rip)",
    "pause",
    "pextrd $2, %xmm1, %gs:8(%edi)",
    "pextrd $2, %xmm1, 8(%rdi)",
    "pinsrd $1, %gs:(%edi), %xmm1",
    "pinsrd $1, (%rdi), %xmm1",
    "pop %rbp",
    "pop %rsp",
    "popf",
    "popq %gs:(%eax)",
    "popq %r11",
    "popq %r14",
    "popq %r15",
    "popq %rax",
    "popq %rbp",
    "popq %rbx",
    "popq (%rax)",
    "popq 16(%rdi)",
    "prefetcht0 64(%rsi)",
    "push %rbp",
    "push %rsp",
    "pushfq",
    "pushq %fs",
    "pushq %gs:8(%eax)",
    "pushq %r11",
    "pushq %r14",
    "pushq %r15",
    "pushq %rax",
    "pushq %rbp",
    "pushq (%rax)",
    "pushq 8(%rax)",
    "pushq 8(%rdi)",
    "r:",
    "rdfsbase %r10",
    "rdfsbase %rcx",
    "rdfsbase %rsp",
    "rdtsc",
    "rep",
    "rep bsfq %gs:(%esi), %rdi",
    "rep bsfq (%rsi), %rdi",
    "rep movsb (%esi), (%edi)",
    "rep movsq",
    "rep ret",
    "rep stosb",
    "rep stosq",
    "rep; movsq",
    "rep; stosq",
    "repe cmpsb",
    "repne scasb",
    "ret",
    "ret $16",
    "ret $8",
    "roundsd $4, %gs:(%r9d,%r10d,8), %xmm2",
    "roundsd $4, (%r9,%r10,8), %xmm2",
    "scasb",
    "scasq",
    "shr $3, %rcx",
    "shufps $0x1b, %gs:(%eax), %xmm0",
    "shufps $0x1b, (%rax), %xmm0",
    "stmxcsr (%rdi)",
    "stos %al, %es:(%rdi)",
    "stosl",
    "stosw",
    "sub $4096, %rsp",
    "sub %rax, %rsp",
    "subl %eax, %esp",
    "subq %fs:40, %rax",
    "subq %gs:40(%r11d), %rax",
    "subq %rax, %rsp",
    "syscall",
    "sysenter",
    "table:",
    "tabx:",
    "test $7, %edi",
    "testl %eax, %gs:8(%ebx)",
    "testl %eax, 8(%rbx)",
    "ud2",
    "vaddps %xmm1, %xmm2, %xmm3",
    "vaddps (%rax){1to16}, %zmm1, %zmm2",
    "vmovdqu (%rdi), %ymm0",
    "wrfsbase %rax",
    "x:\t.zero 16",
    "xacquire lock incl (%rax)",
    "xbegin .L1",
    "xchg %gs:(%eax), %rdi",
    "xchg %rax, %rsp",
    "xchg (%rax), %rdi",
    "xchg (%rdi), %rax",
    "xchgq %rax, %r9",
    "xchgq %rax, %rcx",
    "xchgq %rax, %rdx",
    "xlat",
    "xlatb",
    "xorq %r11, %r11",
    "xorq %rsp, %rsp",
};
#define NDICT (sizeof dict / sizeof dict[0])
#endif

static uint64_t n_unordered;
static uint64_t n_runs, n_bytes, n_ok[2], n_err[2], n_out_bytes, n_insns, n_rewritten;

static void print_stats(void)
{
    fprintf(stderr,
            "lfi-fuzz-rewrite(%s): %" PRIu64 " inputs (%" PRIu64 " bytes); full: %" PRIu64
            " rewritten, %" PRIu64 " refused; stores-only: %" PRIu64 " rewritten, %" PRIu64
            " refused; %" PRIu64 " instructions in rewritten input, %" PRIu64
            " of them changed, %" PRIu64 " bytes of output; %" PRIu64
            " refusals with diagnostics out of line order\n",
            LFI_FUZZ_STRUCTURED ? "structured" : "bytes", n_runs, n_bytes, n_ok[0], n_err[0],
            n_ok[1], n_err[1], n_insns, n_rewritten, n_out_bytes, n_unordered);
}

static void dump_and_trap(const char *src, size_t len, const struct lfi_rw_options *o,
                          const char *what)
{
    fprintf(stderr,
            "\nlfi-fuzz-rewrite: CHECK FAILED: %s\noptions: sandbox=%d assembler=%d "
            "align_labels=%d rename_r14=%d\ninput (%zu bytes, C-escaped):\n\"",
            what, (int)o->sandbox, (int)o->assembler, (int)o->align_labels, (int)o->rename_r14,
            len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\n')
            fprintf(stderr, "\\n\"\n\"");
        else if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x\"\"", c);
    }
    fprintf(stderr, "\"\n");
    print_stats();
    __builtin_trap();
}

static bool same_result(const struct lfi_rw_result *a, const struct lfi_rw_result *b)
{
    if (a->outlen != b->outlen || (a->out == NULL) != (b->out == NULL) ||
        (a->out && memcmp(a->out, b->out, a->outlen) != 0))
        return false;
    if (a->ndiags != b->ndiags || a->n_stmts != b->n_stmts || a->n_insns != b->n_insns ||
        a->n_rewritten != b->n_rewritten)
        return false;
    for (size_t i = 0; i < a->ndiags; i++)
        if (a->diags[i].line != b->diags[i].line || !a->diags[i].msg || !b->diags[i].msg ||
            strcmp(a->diags[i].msg, b->diags[i].msg) != 0)
            return false;
    return true;
}

static void check_one(const struct lfi_rw_options *o, const char *src, size_t len,
                      unsigned nlines)
{
    struct lfi_rw_result r1, r2;
    char msg[512];
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    int rc1 = lfi_rewrite_x64(o, NAME, src, len, &r1);
    int rc2 = lfi_rewrite_x64(o, NAME, src, len, &r2);
    int m = o->sandbox == LFI_RW_STORES;
    if (rc1 != rc2) {
        snprintf(msg, sizeof msg, "not deterministic: status %d, then %d", rc1, rc2);
        dump_and_trap(src, len, o, msg);
    }
    if (rc1 == 0) {
        n_ok[m]++;
        n_out_bytes += r1.outlen;
        n_insns += r1.n_insns;
        n_rewritten += r1.n_rewritten;
        if (!r1.out || r1.ndiags != 0 || r1.outlen != strlen(r1.out))
            dump_and_trap(src, len, o,
                          "success without NUL-terminated output of outlen bytes, or with "
                          "diagnostics");
    } else if (rc1 == 1) {
        n_err[m]++;
        if (r1.out || r1.ndiags == 0 || !r1.diags)
            dump_and_trap(src, len, o, "refusal with output or without diagnostics");
        unsigned prev = 0;
        bool unordered = false;
        for (size_t i = 0; i < r1.ndiags; i++) {
            const struct lfi_rw_diag *d = &r1.diags[i];
            char want[48];
            snprintf(want, sizeof want, NAME ":%u: ", d->line);
            if (!d->msg || d->line == 0 || d->line > nlines ||
                strncmp(d->msg, want, strlen(want)) != 0) {
                snprintf(msg, sizeof msg, "bad diagnostic %zu (line %u of %u): %.300s", i,
                         d->line, nlines, d->msg ? d->msg : "(null)");
                dump_and_trap(src, len, o, msg);
            }
            if (d->line < prev) {
#if LFI_FUZZ_STRICT_ORDER
                snprintf(msg, sizeof msg, "diagnostics out of input order: line %u after %u",
                         d->line, prev);
                dump_and_trap(src, len, o, msg);
#endif
                unordered = true;
            }
            prev = d->line;
        }
        n_unordered += unordered;
    } else {
        snprintf(msg, sizeof msg, "unexpected status %d", rc1);
        dump_and_trap(src, len, o, msg);
    }
    if (!same_result(&r1, &r2))
        dump_and_trap(src, len, o, "not deterministic: the second rewrite differs");
    lfi_rw_result_free(&r1);
    lfi_rw_result_free(&r2);
}

/* The first byte selects the options, the rest is the text. */
static void check_text(uint8_t sel, const char *src, size_t len)
{
    unsigned nlines = 1;
    for (size_t i = 0; i < len; i++)
        nlines += src[i] == '\n';
    n_runs++;
    n_bytes += len;
    struct lfi_rw_options o;
    memset(&o, 0, sizeof o);
    o.assembler = (enum lfi_rw_assembler)(sel % 3);
    o.align_labels = (sel >> 2) & 1;
    o.rename_r14 = (sel >> 3) & 1;
    o.sandbox = LFI_RW_FULL;
    check_one(&o, src, len, nlines);
    o.sandbox = LFI_RW_STORES;
    check_one(&o, src, len, nlines);
}

#if LFI_FUZZ_STRUCTURED
/* Structured generator: the input is read as (op, arg) byte pairs. */
#define GEN_MAX 65536

struct gen {
    char *p;
    size_t n;
};

static void put(struct gen *g, const char *s)
{
    size_t l = strlen(s);
    if (g->n + l + 1 < GEN_MAX) {
        memcpy(g->p + g->n, s, l);
        g->n += l;
    }
}

static const char *const regs64[] = {
    "%rax", "%rbx", "%rcx", "%rdx", "%rsi", "%rdi", "%rbp", "%rsp",
    "%r8",  "%r9",  "%r10", "%r11", "%r12", "%r13", "%r14", "%r15",
};
static const char *const regs32[] = {
    "%eax", "%ebx", "%ecx", "%edx", "%esi", "%edi", "%ebp", "%esp",
    "%r8d", "%r9d", "%r10d", "%r11d", "%r12d", "%r13d", "%r14d", "%r15d",
};
static const char *const ops2[] = {
    "movq", "movl", "addq", "subl", "andq", "orl", "xorq", "cmpq", "testl", "leaq",
    "movzbl", "movsbq", "imulq", "xchgq", "cmovne", "movss", "movsd", "movups", "adcq", "bt",
    "movabsq", "lock xaddq", "lock cmpxchgq", "shlq", "sarl",
};
static const char *const ops1[] = {
    "pushq", "popq", "incq", "negl", "notq", "call", "jmp", "call *", "jmp *", "setne",
    "bswap", "mulq", "divl", "fldt", "fstpt", "prefetcht0", "clflush", "rep stosb",
    "rep movsq", "ret", "syscall", "nop", "ud2", "hlt", "cqto", "leave", "rdtsc",
};
static const char *const dirs[] = {
    ".text", ".data", ".bss", ".section .rodata", ".section .text.hot,\"ax\",@progbits",
    ".section .data.rel.ro,\"aw\"", ".p2align 4", ".p2align 5,,31", ".align 8",
    ".globl f", ".type f, @function", ".size f, .-f", ".quad f", ".long .L1-.L2",
    ".byte 0x90", ".zero 16", ".skip 3", ".cfi_startproc", ".cfi_endproc",
    ".bundle_lock", ".bundle_unlock", ".pushsection .text.x", ".popsection", ".previous",
    ".set sym, 4", "sym = .L1", ".equ x, 8", ".ifdef .gasversion.", ".else", ".endif",
    ".nops 5", ".macro m", ".endm", ".rept 3", ".endr", ".string \"a;b#c\"",
    ".ascii \"x\\\"y\"", ".weak g", ".hidden g", ".local .L1", ".comm buf,16,8",
    ".section .tbss,\"awT\",@nobits", ".code32", ".code64", ".intel_syntax noprefix",
    "#lfi:rtcall_return", "#APP", "#NO_APP", "/* c */", ";", "",
};
static const char *const labels[] = {
    ".L1", ".L2", ".L3", "f", "g", "main", "1", "2", "_start", ".Llfi_x",
};
static const char *const jccs[] = {
    "jmp", "je", "jne", "jb", "jg", "js", "call", "jrcxz", "loop", "xbegin", "jmpq", "callq",
};
static const char *const syms[] = {
    "foo", "foo@GOTPCREL", "foo@PLT", "x@tpoff", "x@gottpoff", "x@tlsgd", "x@TLSDESC",
    ".L1", "1f", "1b", "8+sym", "-0x20000000", "0x7fffffff", "-8", "sym-.L2",
};

static void mem_operand(struct gen *g, uint8_t a, uint8_t b)
{
    char t[96];
    const char *seg = (b & 7) == 0 ? "%fs:" : (b & 7) == 1 ? "%gs:" : "";
    const char *disp = (a & 3) == 0 ? "" : syms[(a >> 2) % (sizeof syms / sizeof syms[0])];
    const char *base = (b & 8) ? regs64[a >> 4] : (b & 0x10) ? "%rip" : "";
    switch ((b >> 5) & 3) {
    case 0:
        snprintf(t, sizeof t, "%s%s(%s)", seg, disp, base);
        break;
    case 1:
        snprintf(t, sizeof t, "%s%s(%s,%s,%d)", seg, disp, base, regs64[(a + b) & 15],
                 1 << ((b >> 3) & 3));
        break;
    case 2:
        snprintf(t, sizeof t, "%s%s(%s,%s)", seg, disp, regs32[a >> 4], regs32[b & 15]);
        break;
    default:
        snprintf(t, sizeof t, "%s%s", seg, disp[0] ? disp : "0x1000");
        break;
    }
    put(g, t);
}

/* A dictionary line with its registers renamed (arg bits pick the pair). */
static void dict_line(struct gen *g, const char *s, uint8_t arg)
{
    if ((arg & 3) != 0) {
        put(g, s);
        return;
    }
    const char *from = regs64[(arg >> 2) & 15], *to = regs64[(arg >> 4) ^ 5];
    size_t fl = strlen(from);
    char t[256];
    size_t n = 0;
    for (const char *q = s; *q && n + 8 < sizeof t;) {
        if (strncmp(q, from, fl) == 0) {
            size_t tl = strlen(to);
            memcpy(t + n, to, tl);
            n += tl;
            q += fl;
        } else {
            t[n++] = *q++;
        }
    }
    t[n] = 0;
    put(g, t);
}

static size_t generate(const uint8_t *d, size_t size, char *out)
{
    struct gen g = { out, 0 };
    char t[128];
    for (size_t i = 0; i + 1 < size; i += 2) {
        uint8_t op = d[i], arg = d[i + 1];
        uint8_t arg2 = i + 2 < size ? d[i + 2] : 0;
        switch (op >> 4) {
        default: /* 0..8: a dictionary line */
            dict_line(&g, dict[((size_t)op << 8 | arg) % NDICT], arg2);
            break;
        case 9: /* a label definition */
            snprintf(t, sizeof t, "%s:", labels[arg % (sizeof labels / sizeof labels[0])]);
            put(&g, t);
            break;
        case 10: { /* a branch to a label */
            const char *l = labels[arg % (sizeof labels / sizeof labels[0])];
            bool num = l[0] >= '1' && l[0] <= '9';
            snprintf(t, sizeof t, "%s %s%s", jccs[op % (sizeof jccs / sizeof jccs[0])], l,
                     num ? ((arg & 0x80) ? "f" : "b") : "");
            put(&g, t);
            break;
        }
        case 11: /* a directive */
            put(&g, dirs[((size_t)op << 8 | arg) % (sizeof dirs / sizeof dirs[0])]);
            break;
        case 12: /* two-operand instruction, memory source */
            put(&g, ops2[arg % (sizeof ops2 / sizeof ops2[0])]);
            put(&g, " ");
            mem_operand(&g, arg2, op ^ arg);
            put(&g, ", ");
            put(&g, (op & 1) ? regs32[(arg >> 3) & 15] : regs64[(arg >> 3) & 15]);
            i++;
            break;
        case 13: /* two-operand instruction, memory or register destination */
            put(&g, ops2[arg % (sizeof ops2 / sizeof ops2[0])]);
            put(&g, (op & 1) ? " $0x10, " : " ");
            if (!(op & 1)) {
                put(&g, regs64[(arg >> 3) & 15]);
                put(&g, ", ");
            }
            if (op & 2)
                mem_operand(&g, arg2, op ^ arg);
            else
                put(&g, regs64[arg2 & 15]);
            i++;
            break;
        case 14: /* one-operand instruction */
            put(&g, ops1[arg % (sizeof ops1 / sizeof ops1[0])]);
            put(&g, " ");
            if (op & 1)
                mem_operand(&g, arg2, op ^ arg);
            else
                put(&g, regs64[arg2 & 15]);
            i++;
            break;
        case 15: /* a line separator other than a newline, or a raw byte */
            if (op & 8) {
                char c[2] = { (char)arg, 0 };
                put(&g, c);
                continue;
            }
            put(&g, (op & 1) ? "; " : " # ");
            continue;
        }
        put(&g, "\n");
    }
    return g.n;
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    atexit(print_stats);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
#if LFI_FUZZ_STRUCTURED
    static char text[GEN_MAX];
    size_t n = generate(data + 1, size - 1, text);
    check_text(data[0], text, n);
#else
    /* An exact-size heap copy, so that ASan sees any read past the end. */
    char *text = malloc(size - 1 ? size - 1 : 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    check_text(data[0], text, size - 1);
    free(text);
#endif
    return 0;
}

#ifdef LFI_FUZZ_STANDALONE
/* Deterministic driver for builds without libFuzzer. */
#include "fuzz_standalone.h"

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed;
    LLVMFuzzerInitialize(&argc, &argv);
    static uint8_t buf[1024];
#if !LFI_FUZZ_STRUCTURED
    static const char alphabet[] = "%$(),:;.#/*\"'\\ \t\n\n\n-+@_0123456789abcdefilmnopqrstxz";
#endif
    for (uint64_t it = 0; it < iters; it++) {
        /* short inputs are rewritten more often, long ones go deeper */
        size_t n = 1 + next() % (it % 2 ? 48 : LFI_FUZZ_STRUCTURED ? 256 : sizeof buf);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = next();
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
#if !LFI_FUZZ_STRUCTURED
        /* raw bytes are refused on line 1: make most of them assembly-like
         * text, with dictionary lines in between */
        if (it % 4 != 0) {
            size_t k = 1;
            while (k < n) {
                if (next() % 4 == 0) {
                    const char *s = dict[next() % NDICT];
                    size_t l = strlen(s);
                    if (k + l + 1 > n)
                        break;
                    memcpy(buf + k, s, l);
                    buf[k + l] = '\n';
                    k += l + 1;
                } else {
                    buf[k] = (uint8_t)alphabet[buf[k] % (sizeof alphabet - 1)];
                    k++;
                }
            }
            n = k;
        }
#endif
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
