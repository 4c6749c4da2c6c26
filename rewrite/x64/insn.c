/* Classes of x86-64 mnemonics (AT&T names, with or without size suffix). */
#include <string.h>

#include "x64/x64.h"

bool x64_mnem_is(const char *m, const char *base, const char *suffixes)
{
    size_t n = strlen(base);
    if (strncmp(m, base, n) != 0)
        return false;
    if (m[n] == 0)
        return true;
    return m[n + 1] == 0 && suffixes && strchr(suffixes, m[n]) != NULL;
}

static bool in_list(const char *m, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(m, list[i]) == 0)
            return true;
    return false;
}

bool x64_is_jcc(const char *m)
{
    static const char *const cc[] = {
        "a", "ae", "b", "be", "c", "e", "g", "ge", "l", "le", "na", "nae", "nb",
        "nbe", "nc", "ne", "ng", "nge", "nl", "nle", "no", "np", "ns", "nz", "o",
        "p", "pe", "po", "s", "z", NULL,
    };
    return m[0] == 'j' && in_list(m + 1, cc);
}

bool x64_is_jmp(const char *m) { return x64_mnem_is(m, "jmp", "q"); }
bool x64_is_call(const char *m) { return x64_mnem_is(m, "call", "q"); }
bool x64_is_ret(const char *m) { return x64_mnem_is(m, "ret", "q"); }
bool x64_is_lea(const char *m) { return x64_mnem_is(m, "lea", "wlq"); }
bool x64_is_nop(const char *m)
{
    return x64_mnem_is(m, "nop", "wlq") || strcmp(m, "fnop") == 0 ||
           strcmp(m, "pause") == 0;
}

enum x64_strop x64_string_op(const struct x64_insn *in)
{
    static const struct { const char *base; enum x64_strop op; } t[] = {
        { "movs", X64_STR_MOVS }, { "stos", X64_STR_STOS }, { "lods", X64_STR_LODS },
        { "scas", X64_STR_SCAS }, { "cmps", X64_STR_CMPS }, { "ins", X64_STR_INS },
        { "outs", X64_STR_OUTS },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (!x64_mnem_is(in->mnem, t[i].base, "bwldq"))
            continue;
        /* movsd/cmpsd with xmm operands or an immediate are SSE */
        for (int k = 0; k < in->nops; k++)
            if (in->op[k].kind == X64_OP_IMM ||
                (in->op[k].kind == X64_OP_REG && in->op[k].reg.cls != X64_R_GPR))
                return X64_STR_NONE;
        return t[i].op;
    }
    return X64_STR_NONE;
}

/* Instructions that can never run in a sandbox, with the reason. */
static const char *const why_text[] = {
    "system call instruction (only syscall is supported, as a runtime call)",
    "interrupt instruction (leaves the sandbox)",
    "far control transfer (changes the code segment)",
    "jecxz/jcxz need the address-size prefix, which the verifier rejects (use jrcxz)",
    "loads a segment register",
    "reads or writes a segment base (%gs holds the sandbox base)",
    "reads a timer or counter (not allowed by the verifier)",
    "rdrand/rdseed are not allowed by the verifier",
    "protection-key instruction",
    "state save/restore instruction (not allowed by the verifier)",
    "pushf/popf are not allowed by the verifier (popf could set the trap and alignment-check flags)",
    "implicit store through %rdi that cannot be sandboxed",
    "direct-store instruction (not allowed by the verifier)",
    "transactional memory (TSX) is not allowed by the verifier",
    "I/O instruction",
    "privileged or unsupported instruction (not allowed by the verifier)",
};

static const struct { const char *name; int why; } forbidden[] = {
    { "sysenter", 0 }, { "sysexit", 0 }, { "sysexitq", 0 }, { "sysret", 0 },
    { "sysretq", 0 }, { "sysretl", 0 },
    { "int1", 1 }, { "icebp", 1 }, { "into", 1 }, { "iret", 1 }, { "iretq", 1 },
    { "iretl", 1 }, { "iretw", 1 },
    { "lret", 2 }, { "lretq", 2 }, { "lretl", 2 }, { "lretw", 2 }, { "retf", 2 },
    { "ljmp", 2 }, { "ljmpq", 2 }, { "ljmpl", 2 }, { "ljmpw", 2 }, { "lcall", 2 },
    { "lcallq", 2 }, { "lcalll", 2 }, { "lcallw", 2 },
    { "jecxz", 3 }, { "jcxz", 3 },
    { "lds", 4 }, { "les", 4 }, { "lfs", 4 }, { "lgs", 4 }, { "lss", 4 },
    { "ldsl", 4 }, { "lesl", 4 }, { "lfsl", 4 }, { "lgsl", 4 }, { "lssl", 4 },
    { "lfsq", 4 }, { "lgsq", 4 }, { "lssq", 4 },
    { "wrfsbase", 5 }, { "wrgsbase", 5 }, { "rdgsbase", 5 }, { "swapgs", 5 },
    { "rdtsc", 6 }, { "rdtscp", 6 }, { "rdpid", 6 }, { "rdpmc", 6 },
    { "rdrand", 7 }, { "rdseed", 7 },
    { "rdpkru", 8 }, { "wrpkru", 8 },
    { "xsave", 9 }, { "xsaves", 9 }, { "xsavec", 9 }, { "xsaveopt", 9 },
    { "xrstor", 9 }, { "xrstors", 9 }, { "xsave64", 9 }, { "xsaves64", 9 },
    { "xsavec64", 9 }, { "xsaveopt64", 9 }, { "xrstor64", 9 }, { "xrstors64", 9 },
    { "fxsave", 9 }, { "fxsave64", 9 }, { "fxrstor", 9 }, { "fxrstor64", 9 },
    { "fsave", 9 }, { "fnsave", 9 }, { "frstor", 9 }, { "xsetbv", 9 },
    { "pushf", 10 }, { "pushfq", 10 }, { "pushfw", 10 }, { "pushfl", 10 },
    { "popf", 10 }, { "popfq", 10 }, { "popfw", 10 }, { "popfl", 10 },
    { "maskmovq", 11 }, { "maskmovdqu", 11 },
    { "movdiri", 12 }, { "movdir64b", 12 }, { "enqcmd", 12 }, { "enqcmds", 12 },
    { "xbegin", 13 }, { "xend", 13 }, { "xabort", 13 }, { "xtest", 13 },
    { "in", 14 }, { "inb", 14 }, { "inw", 14 }, { "inl", 14 }, { "out", 14 },
    { "outb", 14 }, { "outw", 14 }, { "outl", 14 },
    { "cli", 15 }, { "sti", 15 }, { "clts", 15 }, { "lgdt", 15 }, { "lidt", 15 },
    { "lldt", 15 }, { "ltr", 15 }, { "lmsw", 15 }, { "sgdt", 15 }, { "sidt", 15 },
    { "sldt", 15 }, { "str", 15 }, { "smsw", 15 }, { "invd", 15 }, { "wbinvd", 15 },
    { "wbnoinvd", 15 }, { "invlpg", 15 }, { "invpcid", 15 }, { "rdmsr", 15 },
    { "wrmsr", 15 }, { "monitor", 15 }, { "mwait", 15 }, { "umonitor", 15 },
    { "umwait", 15 }, { "tpause", 15 }, { "verr", 15 }, { "verw", 15 },
    { "lar", 15 }, { "lsl", 15 }, { "encls", 15 }, { "enclu", 15 }, { "enclv", 15 },
    { "getsec", 15 }, { "rsm", 15 }, { "clflush", 15 }, { "clflushopt", 15 },
    { "clwb", 15 }, { "clzero", 15 }, { "ptwrite", 15 }, { "emms", 15 },
    { "femms", 15 }, { "ud0", 15 }, { "ud1", 15 }, { "hreset", 15 },
    { "uiret", 15 }, { "senduipi", 15 }, { "stui", 15 }, { "clui", 15 },
    { "testui", 15 },
};

const char *x64_forbidden(const char *m)
{
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
        if (strcmp(m, forbidden[i].name) == 0)
            return why_text[forbidden[i].why];
    if (m[0] == 'v')
        return "AVX/VEX vector instruction (the verifier rejects AVX: compile "
               "with -mno-avx)";
    return NULL;
}

/* Instructions whose last operand is only read. */
static bool reads_last(const char *m)
{
    static const char *const ro[] = {
        "cmp", "test", "bt", "ptest", "ucomiss", "ucomisd", "comiss", "comisd",
        "fcom", "fcomp", "fucom", "fucomp", "fcomi", "fcomip", "fucomi",
        "fucomip", NULL,
    };
    for (int i = 0; ro[i]; i++)
        if (x64_mnem_is(m, ro[i], "bwlq"))
            return true;
    return false;
}

/* One-operand instructions that only read their operand. */
static bool reads_only1(const char *m)
{
    static const char *const ro[] = {
        "push", "mul", "imul", "div", "idiv", "call", "jmp", "ldmxcsr",
        "fldcw", "fldenv", "fnldenv", "prefetch", "prefetcht0", "prefetcht1",
        "prefetcht2", "prefetchnta", "prefetchw", "prefetchwt1", NULL,
    };
    for (int i = 0; ro[i]; i++)
        if (x64_mnem_is(m, ro[i], "bwlq"))
            return true;
    /* x87 loads and arithmetic with a memory source */
    static const char *const fro[] = {
        "fld", "fild", "fbld", "fadd", "fsub", "fsubr", "fmul", "fdiv", "fdivr",
        "fiadd", "fisub", "fisubr", "fimul", "fidiv", "fidivr", "fcom", "fcomp",
        "ficom", "ficomp", NULL,
    };
    for (int i = 0; fro[i]; i++)
        if (x64_mnem_is(m, fro[i], "slqt"))
            return true;
    return false;
}

static bool writes_all(const char *m)
{
    return x64_mnem_is(m, "xchg", "bwlq") || x64_mnem_is(m, "xadd", "bwlq");
}

bool x64_writes_mem(const struct x64_insn *in, int k)
{
    const char *m = in->mnem;
    if (writes_all(m))
        return true;
    if (in->nops == 1)
        return !reads_only1(m);
    if (k != in->nops - 1)
        return false;
    return !reads_last(m);
}

bool x64_writes_reg(const struct x64_insn *in, int k)
{
    const char *m = in->mnem;
    if (writes_all(m))
        return true;
    if (x64_mnem_is(m, "mulx", "lq"))
        return k >= in->nops - 2; /* two destinations */
    if (in->nops == 1)
        return !reads_only1(m);
    if (k != in->nops - 1)
        return false;
    return !reads_last(m);
}
