/* Internals of the x86-64 rewriter. */
#ifndef LFI_RW_X64_H
#define LFI_RW_X64_H

#include <stdbool.h>
#include <stdint.h>

#include "rw.h"

/* ---- registers (regs.c) ---- */

enum x64_rclass {
    X64_R_NONE = 0,
    X64_R_GPR,   /* num 0..15 (rax rcx rdx rbx rsp rbp rsi rdi r8..r15), width 1/2/4/8 */
    X64_R_GPR8H, /* ah ch dh bh: num 4..7 of the legacy encoding, width 1 */
    X64_R_IP,    /* rip (8) / eip (4) */
    X64_R_IZ,    /* riz (8) / eiz (4): "no index" */
    X64_R_SEG,   /* es cs ss ds fs gs: num 0..5 */
    X64_R_XMM, X64_R_YMM, X64_R_ZMM, X64_R_K, X64_R_MM, X64_R_ST,
    X64_R_CR, X64_R_DR, X64_R_BND, X64_R_TMM,
};

enum { X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
       X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15 };
enum { X64_ES, X64_CS, X64_SS, X64_DS, X64_FS, X64_GS };

struct x64_reg {
    uint8_t cls, num, width;
};

/* Look up a register name (without '%', any case). false if unknown. */
bool x64_reg_lookup(const char *name, size_t n, struct x64_reg *r);
/* Name of a general-purpose register of the given width (1/2/4/8). */
const char *x64_gpr_name(int num, int width);
static inline bool x64_is_gpr(struct x64_reg r, int num)
{
    return r.cls == X64_R_GPR && r.num == num;
}

/* ---- operands and instructions (operand.c) ---- */

enum x64_opkind { X64_OP_REG, X64_OP_IMM, X64_OP_MEM };

struct x64_op {
    enum x64_opkind kind;
    bool star;             /* '*' of an indirect jmp/call */
    struct x64_reg reg;    /* X64_OP_REG */
    /* X64_OP_MEM: [seg:]disp(base,index,scale) */
    struct x64_reg seg, base, index;
    int scale;             /* 0 if not written */
    char *disp;            /* displacement text, "" if none */
    bool parens;           /* has a (base,index,scale) part */
    char *text;            /* the operand as written (without '*') */
};

/* Prefix bits. */
enum {
    X64_PFX_LOCK = 1u << 0,
    X64_PFX_REP = 1u << 1,   /* rep, repe, repz */
    X64_PFX_REPNE = 1u << 2, /* repne, repnz */
    X64_PFX_NOTRACK = 1u << 3,
    X64_PFX_BND = 1u << 4,
    X64_PFX_OTHER = 1u << 5, /* data16, addr32, rex64, segment words, ... */
};

struct x64_insn {
    unsigned pfx;
    char pfxtext[64];     /* the prefixes that are kept, as written */
    char other[32];       /* first prefix of X64_PFX_OTHER, for messages */
    char mnem[32];        /* lower case */
    int nops;
    struct x64_op op[4];
};

/* Parse an instruction statement. Returns 0, or -1 with a message in err
 * (set to "" when out of memory). */
int x64_parse_insn(const char *text, struct x64_insn *in, char *err, size_t errsz);
void x64_insn_free(struct x64_insn *in);

/* Evaluate a displacement made of numbers and + - * / % << >> & | ^ ~ ( ).
 * false if it has symbols or does not parse. */
bool x64_eval(const char *s, int64_t *v);

/* ---- mnemonic classes (insn.c) ---- */

/* m is `base` followed by nothing or one of the characters in `suffixes`. */
bool x64_mnem_is(const char *m, const char *base, const char *suffixes);
bool x64_is_jcc(const char *m);
bool x64_is_jmp(const char *m);
bool x64_is_call(const char *m);
bool x64_is_ret(const char *m);
bool x64_is_lea(const char *m);
bool x64_is_nop(const char *m);

enum x64_strop { X64_STR_NONE, X64_STR_MOVS, X64_STR_STOS, X64_STR_LODS,
                 X64_STR_SCAS, X64_STR_CMPS, X64_STR_INS, X64_STR_OUTS };
enum x64_strop x64_string_op(const struct x64_insn *in);

/* Why this instruction can never run in a sandbox, or NULL. */
const char *x64_forbidden(const char *m);
/* Does the instruction write its memory operand number k (stores mode)? */
bool x64_writes_mem(const struct x64_insn *in, int k);
/* Does the instruction write its register operand number k? */
bool x64_writes_reg(const struct x64_insn *in, int k);

/* ---- analysis (analyze.c) ---- */

struct x64_section {
    char *key;        /* name, plus ",group" for COMDAT sections */
    bool exec;
    bool debug;       /* .debug*, .stab*, ...: references need no alignment */
};

struct x64_func {
    bool uses_r11, uses_r14;
    bool r14_general;  /* %r14 in something other than push/pop %r14 */
    uint32_t gprs;    /* general-purpose registers mentioned (bit per num) */
    int r14_to;       /* rename target for %r14, or -1 */
    unsigned line;    /* first line */
};

struct x64_stmt_info {
    int sec;          /* section index, -1 for none */
    int func;         /* function index */
    bool align;       /* a label that must be 32-byte aligned */
};

struct x64_analysis {
    struct x64_section *secs;
    size_t nsecs, capsecs;
    struct x64_func *funcs;
    size_t nfuncs, capfuncs;
    struct x64_stmt_info *info; /* one per statement */
};

/* Sections, functions, reserved-register use and label alignment. */
int x64_analyze(const struct lfi_rw_options *o, const struct rw_file *f,
                struct x64_analysis *a, struct rw_diags *d);
void x64_analysis_free(struct x64_analysis *a);

/* ---- emission (emit.c) ---- */

struct x64_ctx {
    const struct lfi_rw_options *o;
    const struct rw_file *f;
    struct x64_analysis *a;
    struct rw_diags *d;
    struct rw_buf out;
    const struct rw_stmt *st;   /* statement being rewritten */
    const struct x64_func *fn;  /* its function */
    unsigned nlabels;           /* generated labels */
    int sec;                    /* current section */
    bool label_aligned;         /* the statement follows an aligned label */
    size_t insn_start;          /* output length when the statement began */
    bool ends_aligned;          /* the rewrite ended with an aligned label */
    size_t n_rewritten;
};

void x64_emit(struct x64_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void x64_lock(struct x64_ctx *c);
void x64_unlock(struct x64_ctx *c);
/* A fresh local label name. */
void x64_newlabel(struct x64_ctx *c, char *buf, size_t n, const char *what);
/* Emit `body` (instruction lines, each "\t...\n") so that it ends exactly
 * at a bundle end; `len` is its length in bytes. */
void x64_emit_call(struct x64_ctx *c, const char *body, int len);
/* Runtime call through slot `slot` (-8 syscall, -16 get TP, -32 return to
 * host), locked in one bundle. */
void x64_emit_rtcall(struct x64_ctx *c, int slot);
/* Re-base %rsp after a 32-bit write of %esp: lock, `first`, re-base,
 * unlock. keep_flags selects leaq over addq. */
void x64_emit_rsp(struct x64_ctx *c, const char *first, bool keep_flags);
/* Name of the section-start label of the current section. */
void x64_seclabel(int sec, char *buf, size_t n);

/* Print an instruction: prefixes, mnemonic and operands (operand texts
 * replaced where `repl[k]` is not NULL). */
void x64_format(struct rw_buf *b, const struct x64_insn *in, const char *mnem,
                char *const repl[4]);

/* ---- rules (rules.c, branch.c, stack.c, tls.c) ---- */

void x64_error(struct x64_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Rewrite one instruction statement. */
void x64_rewrite_insn(struct x64_ctx *c, const char *text);

/* Sandbox a memory operand: the %gs: form, or NULL if it can stay as it
 * is. Sets *err on input that cannot be sandboxed. Instructions that must
 * come first (loading an absolute address into %r11) are emitted right
 * away. The caller frees the result. */
char *x64_mem_sandbox(struct x64_ctx *c, const struct x64_op *op, bool *err);

/* May %r11 be clobbered here? `dead` says the ABI makes it dead at this
 * point (calls, returns, tail calls, syscalls). Reports an error if not. */
bool x64_r11_free(struct x64_ctx *c, bool dead, const char *what);

bool x64_rule_branch(struct x64_ctx *c, struct x64_insn *in);
bool x64_rule_stack(struct x64_ctx *c, struct x64_insn *in);
bool x64_rule_tls(struct x64_ctx *c, struct x64_insn *in);
bool x64_rule_string(struct x64_ctx *c, struct x64_insn *in);

#endif
