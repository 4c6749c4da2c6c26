/* Structured generator of LFI x86-64 code. See x64_gen.h.
 *
 * Every fragment is assembled here from the Intel SDM encodings; nothing is
 * taken from the verifier. Registers are numbered 0..15 (rax..r15). */
#include "x64_gen.h"

#include <stdbool.h>
#include <string.h>

#include "x64_oracle.h"

#define BUNDLE 32u
#define FRAG_MAX 96

enum { RSP = 4, R11 = 11, R14 = 14 };

/* A relative field to patch once the fragment has its final position. */
enum { FIX_NONE, FIX_ABS, FIX_FWD_BUNDLE, FIX_ANY };
struct fixup {
    int kind;
    unsigned rel_off;  /* offset of the rel8/rel32 field in the fragment */
    unsigned rel_size; /* 1 or 4 */
    unsigned end_off;  /* offset of the end of the instruction */
    long value;        /* FIX_ABS: target offset; FIX_FWD_BUNDLE: bundles ahead;
                          FIX_ANY: a choice among all instruction starts, made
                          when the code is complete */
};

/* A FIX_ANY field, resolved at the end. */
struct late {
    size_t rel_pos, end_pos;
    unsigned rel_size;
    unsigned choice;
};

struct frag {
    uint8_t b[FRAG_MAX];
    unsigned n;
    bool end_bundle; /* must end exactly at a bundle end (masked call) */
    unsigned split;  /* if nonzero: an instruction start that a hazard may put
                        at a bundle start, away from its guard */
    struct fixup fix[2];
    int nfix;
};

struct gen {
    const uint8_t *c;
    size_t n, i;
    uint8_t *out;
    size_t len;
    unsigned hz; /* hazard level 0..3 */
    unsigned starts[512];
    unsigned nstarts;
    struct late late[64];
    unsigned nlate;
};

static unsigned ch(struct gen *g)
{
    return g->i < g->n ? g->c[g->i++] : 0;
}

static unsigned pick(struct gen *g, unsigned k)
{
    return k ? ch(g) % k : 0;
}

static uint32_t ch32(struct gen *g)
{
    uint32_t v = ch(g);
    v |= (uint32_t)ch(g) << 8;
    v |= (uint32_t)ch(g) << 16;
    v |= (uint32_t)ch(g) << 24;
    return v;
}

/* True with a probability that grows with the hazard level. */
static bool hazard(struct gen *g)
{
    static const unsigned den[4] = { 0, 40, 10, 3 };
    if (g->hz == 0)
        return false;
    return pick(g, den[g->hz]) == 0;
}

static void put(struct frag *f, uint8_t b)
{
    if (f->n < FRAG_MAX)
        f->b[f->n++] = b;
}

static void put32(struct frag *f, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put(f, (uint8_t)(v >> (8 * i)));
}

static void put_imm(struct frag *f, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        put(f, (uint8_t)(v >> (8 * i)));
}

/* A register that is usually neither %rsp nor %r14. */
static unsigned reg_safe(struct gen *g)
{
    unsigned r = pick(g, 16);
    if ((r == RSP || r == R14) && !hazard(g))
        r = r == RSP ? 3 : 13;
    return r;
}

static uint8_t rex(unsigned w, unsigned r, unsigned x, unsigned b)
{
    return (uint8_t)(0x40 | (w << 3) | ((r >> 3) << 2) | ((x >> 3) << 1) | (b >> 3));
}

/* ---- nops ---------------------------------------------------------------- */

static const uint8_t nops[12][12] = {
    { 0 },
    { 0x90 },
    { 0x66, 0x90 },
    { 0x0f, 0x1f, 0x00 },
    { 0x0f, 0x1f, 0x40, 0x00 },
    { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
    { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    { 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
    { 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static void out_byte(struct gen *g, uint8_t b)
{
    if (g->len < X64_GEN_MAX)
        g->out[g->len++] = b;
}

static void pad(struct gen *g, unsigned k, unsigned style)
{
    while (k > 0) {
        unsigned l = k > 11 ? 11 : k;
        unsigned to_end = BUNDLE - (unsigned)(g->len % BUNDLE);
        if (l > to_end)
            l = to_end; /* padding never crosses a bundle boundary */
        if (style == 1)
            l = 1;
        else if (style == 3)
            l = 1 + (k * 7 + (unsigned)g->len) % l;
        if (style == 2) {
            out_byte(g, 0xcc);
            l = 1;
        } else {
            for (unsigned i = 0; i < l; i++)
                out_byte(g, nops[l][i]);
        }
        k -= l;
    }
}

/* ---- memory operands ------------------------------------------------------- */

enum {
    M_REG,     /* register form (mod = 3) */
    M_SEGUE,   /* %gs: with 32-bit addressing, anything */
    M_RSP,     /* disp(%rsp) */
    M_RIP,     /* disp(%rip) */
    M_R14,     /* disp(%r14) */
    M_GUARD_A, /* disp(%r14,%rX,1) */
    M_GUARD_B, /* disp(%rX,%r14,1) */
    M_BOXED,   /* disp(%rX) */
    M_RANDOM,  /* any 64-bit form, no segment */
};

static bool hazard(struct gen *g);

static int32_t pick_disp(struct gen *g)
{
    unsigned k = pick(g, 10);
    if ((k == 7 || k == 8) && !hazard(g))
        k = 3; /* out of the 256 MiB bound: only sometimes */
    switch (k) {
    case 0: case 1: case 2: return 0;
    case 3: case 4: return (int8_t)ch(g);
    case 5: return (int32_t)(ch32(g) % (256u << 20)) * (ch(g) & 1 ? -1 : 1);
    case 6: return (ch(g) & 1) ? (int32_t)(256 << 20) : -(int32_t)(256 << 20);
    case 7: return (ch(g) & 1) ? (int32_t)(256 << 20) + 1 : -(int32_t)(256 << 20) - 1;
    case 8: return (int32_t)ch32(g);
    default: return (int32_t)(ch(g) & 0x7f) * 8;
    }
}

struct modrm_out {
    uint8_t b[6]; /* modrm, sib, disp */
    unsigned n;
    unsigned x, b_; /* registers whose high bits go to REX.X / REX.B */
    bool segue;
};

/* Build ModRM (with reg field `reg`), SIB and displacement for `form`. */
static void build_mem(struct gen *g, int form, unsigned reg, unsigned xreg, unsigned rmreg,
                      struct modrm_out *m)
{
    memset(m, 0, sizeof *m);
    uint8_t rf = (uint8_t)((reg & 7) << 3);
    int32_t d = pick_disp(g);
    unsigned base = 0, index = 4; /* index 4 = none (with X = 0) */
    bool sib = false, rip = false, nobase = false;
    switch (form) {
    case M_REG:
        m->b[m->n++] = (uint8_t)(0xc0 | rf | (rmreg & 7));
        m->b_ = rmreg;
        return;
    case M_SEGUE: {
        m->segue = true;
        unsigned mod = pick(g, 3), rm = pick(g, 8);
        m->b[m->n++] = (uint8_t)((mod << 6) | rf | rm);
        if (rm == 4)
            m->b[m->n++] = (uint8_t)ch(g);
        if ((mod == 0 && rm == 5) || (mod == 0 && rm == 4 && (m->b[1] & 7) == 5) || mod == 2) {
            int32_t v = (int32_t)ch32(g);
            for (int i = 0; i < 4; i++)
                m->b[m->n++] = (uint8_t)(v >> (8 * i));
        } else if (mod == 1) {
            m->b[m->n++] = (uint8_t)ch(g);
        }
        /* REX.X only with an index, REX.B only with a base */
        bool has_sib = rm == 4, idx = has_sib && ((m->b[1] >> 3) & 7) != 4;
        bool rip32 = mod == 0 && rm == 5, nob = has_sib && mod == 0 && (m->b[1] & 7) == 5;
        m->x = (idx || (has_sib && hazard(g))) ? pick(g, 2) << 3 : 0;
        m->b_ = (!rip32 && !nob) || hazard(g) ? pick(g, 2) << 3 : 0;
        return;
    }
    case M_RSP:
        base = RSP;
        sib = true;
        break;
    case M_RIP:
        rip = true;
        break;
    case M_R14:
        base = R14;
        sib = pick(g, 4) == 0;
        break;
    case M_GUARD_A:
        base = R14;
        index = xreg;
        sib = true;
        break;
    case M_GUARD_B:
        base = xreg;
        index = R14;
        sib = true;
        break;
    case M_BOXED:
        base = xreg;
        break;
    default: { /* M_RANDOM */
        base = pick(g, 16);
        sib = pick(g, 2);
        index = pick(g, 16);
        nobase = sib && pick(g, 8) == 0;
        break;
    }
    }
    if (rip) {
        m->b[m->n++] = (uint8_t)(0x05 | rf);
        for (int i = 0; i < 4; i++)
            m->b[m->n++] = (uint8_t)(d >> (8 * i));
        return;
    }
    if ((base & 7) == 4)
        sib = true;
    unsigned mod;
    if (nobase)
        mod = 0;
    else if (d == 0 && (base & 7) != 5)
        mod = 0;
    else if (d >= -128 && d <= 127)
        mod = 1;
    else
        mod = 2;
    if (sib) {
        unsigned scale = form == M_RANDOM ? pick(g, 4) : 0;
        m->b[m->n++] = (uint8_t)((mod << 6) | rf | 4);
        m->b[m->n++] = (uint8_t)((scale << 6) | ((index & 7) << 3) | (nobase ? 5 : (base & 7)));
        m->x = index;
        m->b_ = nobase ? 0 : base;
        if (nobase)
            mod = 2; /* disp32 */
    } else {
        m->b[m->n++] = (uint8_t)((mod << 6) | rf | (base & 7));
        m->b_ = base;
    }
    if (mod == 1) {
        m->b[m->n++] = (uint8_t)d;
    } else if (mod == 2) {
        for (int i = 0; i < 4; i++)
            m->b[m->n++] = (uint8_t)(d >> (8 * i));
    }
}

/* ---- the instruction table ------------------------------------------------- */

enum {
    O_BYTE = 1,     /* 8-bit operands */
    O_W = 2,        /* REX.W selects 64-bit */
    O_MEM = 4,      /* memory form only */
    O_REGF = 8,     /* register form only */
    O_LOCK = 16,    /* lockable with a memory destination */
    O_XMMREG = 32,  /* ModRM.reg is an xmm register */
    O_NO66 = 64,    /* no operand-size prefix */
};

struct op {
    uint8_t pfx; /* mandatory prefix or 0 */
    uint8_t map; /* 0: one byte, 1: 0F, 2: 0F38, 3: 0F3A */
    uint8_t opc;
    int8_t ext;  /* /digit, or -1 if ModRM.reg is a register */
    uint8_t imm; /* immediate size: 0, 1, 4 ('z': 2 with 66) */
    uint8_t flags;
};

static const struct op ops[] = {
    /* mov */
    { 0, 0, 0x88, -1, 0, O_BYTE }, { 0, 0, 0x89, -1, 0, O_W },
    { 0, 0, 0x8a, -1, 0, O_BYTE }, { 0, 0, 0x8b, -1, 0, O_W },
    { 0, 0, 0xc6, 0, 1, O_BYTE }, { 0, 0, 0xc7, 0, 4, O_W },
    /* ALU */
    { 0, 0, 0x00, -1, 0, O_BYTE | O_LOCK }, { 0, 0, 0x01, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x03, -1, 0, O_W }, { 0, 0, 0x09, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x0b, -1, 0, O_W }, { 0, 0, 0x11, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x19, -1, 0, O_W | O_LOCK }, { 0, 0, 0x21, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x23, -1, 0, O_W }, { 0, 0, 0x29, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x2b, -1, 0, O_W }, { 0, 0, 0x31, -1, 0, O_W | O_LOCK },
    { 0, 0, 0x33, -1, 0, O_W }, { 0, 0, 0x39, -1, 0, O_W }, { 0, 0, 0x3b, -1, 0, O_W },
    { 0, 0, 0x84, -1, 0, O_BYTE }, { 0, 0, 0x85, -1, 0, O_W },
    { 0, 0, 0x86, -1, 0, O_BYTE }, { 0, 0, 0x87, -1, 0, O_W },
    { 0, 0, 0x80, 0, 1, O_BYTE | O_LOCK }, { 0, 0, 0x80, 7, 1, O_BYTE },
    { 0, 0, 0x81, 0, 4, O_W | O_LOCK }, { 0, 0, 0x81, 4, 4, O_W | O_LOCK },
    { 0, 0, 0x81, 5, 4, O_W | O_LOCK }, { 0, 0, 0x81, 7, 4, O_W },
    { 0, 0, 0x83, 0, 1, O_W | O_LOCK }, { 0, 0, 0x83, 1, 1, O_W | O_LOCK },
    { 0, 0, 0x83, 4, 1, O_W | O_LOCK }, { 0, 0, 0x83, 5, 1, O_W | O_LOCK },
    { 0, 0, 0x83, 7, 1, O_W },
    { 0, 0, 0xf6, 0, 1, O_BYTE }, { 0, 0, 0xf6, 3, 0, O_BYTE | O_LOCK },
    { 0, 0, 0xf7, 0, 4, O_W }, { 0, 0, 0xf7, 2, 0, O_W | O_LOCK },
    { 0, 0, 0xf7, 4, 0, O_W }, { 0, 0, 0xf7, 6, 0, O_W }, { 0, 0, 0xf7, 7, 0, O_W },
    { 0, 0, 0xfe, 0, 0, O_BYTE | O_LOCK }, { 0, 0, 0xff, 1, 0, O_W | O_LOCK },
    { 0, 0, 0xff, 6, 0, O_MEM | O_NO66 }, { 0, 0, 0x8f, 0, 0, O_MEM | O_NO66 },
    { 0, 0, 0xd1, 4, 0, O_W }, { 0, 0, 0xd3, 7, 0, O_W }, { 0, 0, 0xc1, 5, 1, O_W },
    { 0, 0, 0xc0, 0, 1, O_BYTE },
    { 0, 0, 0x8d, -1, 0, O_W | O_MEM }, { 0, 0, 0x63, -1, 0, O_W },
    { 0, 0, 0x69, -1, 4, O_W }, { 0, 0, 0x6b, -1, 1, O_W },
    /* 0F */
    { 0, 1, 0xb6, -1, 0, O_W }, { 0, 1, 0xb7, -1, 0, O_W }, { 0, 1, 0xbe, -1, 0, O_W },
    { 0, 1, 0xbf, -1, 0, O_W }, { 0, 1, 0x44, -1, 0, O_W }, { 0, 1, 0x4f, -1, 0, O_W },
    { 0, 1, 0x94, 0, 0, O_BYTE }, { 0, 1, 0xaf, -1, 0, O_W },
    { 0, 1, 0xa3, -1, 0, O_W }, { 0, 1, 0xab, -1, 0, O_W | O_LOCK },
    { 0, 1, 0xba, 4, 1, O_W }, { 0, 1, 0xba, 5, 1, O_W | O_LOCK },
    { 0, 1, 0xb1, -1, 0, O_W | O_LOCK }, { 0, 1, 0xc1, -1, 0, O_W | O_LOCK },
    { 0, 1, 0xc7, 1, 0, O_W | O_MEM | O_LOCK | O_NO66 },
    { 0, 1, 0xbc, -1, 0, O_W }, { 0, 1, 0xbd, -1, 0, O_W },
    { 0xf3, 1, 0xb8, -1, 0, O_W }, { 0xf3, 1, 0xbc, -1, 0, O_W }, { 0xf3, 1, 0xbd, -1, 0, O_W },
    { 0, 1, 0x1f, 0, 0, O_W }, { 0, 1, 0x18, 1, 0, O_MEM | O_NO66 },
    { 0, 1, 0x0d, 1, 0, O_MEM | O_NO66 }, { 0, 1, 0xc3, -1, 0, O_W | O_MEM | O_NO66 },
    { 0, 1, 0xae, 2, 0, O_MEM | O_NO66 }, { 0, 1, 0xae, 3, 0, O_MEM | O_NO66 },
    { 0, 2, 0xf0, -1, 0, O_W | O_MEM }, /* movbe */
    /* SSE */
    { 0, 1, 0x10, -1, 0, O_XMMREG | O_NO66 }, { 0, 1, 0x11, -1, 0, O_XMMREG | O_NO66 },
    { 0, 1, 0x28, -1, 0, O_XMMREG | O_NO66 }, { 0, 1, 0x29, -1, 0, O_XMMREG | O_NO66 },
    { 0x66, 1, 0x6f, -1, 0, O_XMMREG }, { 0xf3, 1, 0x7f, -1, 0, O_XMMREG },
    { 0xf2, 1, 0x10, -1, 0, O_XMMREG }, { 0xf3, 1, 0x11, -1, 0, O_XMMREG },
    { 0x66, 1, 0xd6, -1, 0, O_XMMREG }, { 0x66, 1, 0xef, -1, 0, O_XMMREG },
    { 0, 1, 0x58, -1, 0, O_XMMREG | O_NO66 }, { 0xf2, 1, 0x59, -1, 0, O_XMMREG },
    { 0x66, 2, 0x00, -1, 0, O_XMMREG }, { 0x66, 3, 0x0f, -1, 1, O_XMMREG },
    { 0x66, 1, 0x7e, -1, 0, O_XMMREG | O_W }, { 0x66, 1, 0x6e, -1, 0, O_XMMREG | O_W },
    { 0x66, 3, 0x16, -1, 1, O_XMMREG | O_W }, { 0x66, 3, 0x14, -1, 1, O_XMMREG },
    { 0, 1, 0x2b, -1, 0, O_XMMREG | O_MEM | O_NO66 }, { 0x66, 1, 0xe7, -1, 0, O_XMMREG | O_MEM },
    { 0x66, 2, 0xdc, -1, 0, O_XMMREG }, { 0x66, 3, 0x44, -1, 1, O_XMMREG },
    { 0x66, 3, 0x63, -1, 1, O_XMMREG },
    /* x87 */
    { 0, 0, 0xd9, 0, 0, O_MEM | O_NO66 }, { 0, 0, 0xdd, 3, 0, O_MEM | O_NO66 },
    { 0, 0, 0xdf, 7, 0, O_MEM | O_NO66 }, { 0, 0, 0xd9, 6, 0, O_MEM | O_NO66 },
    { 0, 0, 0xd9, 7, 0, O_MEM | O_NO66 }, { 0, 0, 0xd9, 5, 0, O_MEM | O_NO66 },
    { 0, 0, 0xdb, 5, 0, O_MEM | O_NO66 }, { 0, 0, 0xdd, 2, 0, O_MEM | O_NO66 },
    /* MMX: never allowed */
    { 0, 1, 0x6f, -1, 0, O_NO66 }, { 0, 1, 0x7f, -1, 0, O_NO66 },
};
#define NOPS (sizeof ops / sizeof ops[0])

/* Emit one instruction of the table with the memory form `form`. The
 * ModRM.reg register is `reg` (or the /digit); `xreg` is the guarded
 * register for the guarded forms; `rmreg` the r/m register for M_REG. */
static void emit_op(struct gen *g, struct frag *f, const struct op *o, int form, unsigned reg,
                    unsigned xreg, unsigned rmreg)
{
    if ((o->flags & O_MEM) && form == M_REG)
        form = M_SEGUE;
    unsigned rf = o->ext >= 0 ? (unsigned)o->ext : reg;
    struct modrm_out m;
    build_mem(g, form, rf, xreg, rmreg, &m);
    if (m.segue) {
        if (pick(g, 2)) {
            put(f, 0x65);
            put(f, 0x67);
        } else {
            put(f, 0x67);
            put(f, 0x65);
        }
    }
    bool is16 = false;
    if ((o->flags & O_LOCK) && form != M_REG && pick(g, 4) == 0)
        put(f, 0xf0);
    if (!o->pfx && !(o->flags & (O_BYTE | O_NO66 | O_XMMREG)) && pick(g, 6) == 0) {
        put(f, 0x66);
        is16 = true;
    }
    if (o->pfx)
        put(f, o->pfx);
    unsigned w = (o->flags & O_W) && !is16 ? pick(g, 2) : 0;
    unsigned r = o->ext >= 0 ? 0 : reg;
    uint8_t rx = rex(w, r, m.x, m.b_);
    bool need_bare = (o->flags & O_BYTE) &&
                     ((o->ext < 0 && reg >= 4 && reg < 8) || (form == M_REG && rmreg >= 4 && rmreg < 8));
    if (rx != 0x40 || (need_bare && pick(g, 2)) || hazard(g))
        put(f, rx);
    if (o->map >= 1)
        put(f, 0x0f);
    if (o->map == 2)
        put(f, 0x38);
    if (o->map == 3)
        put(f, 0x3a);
    put(f, o->opc);
    for (unsigned i = 0; i < m.n; i++)
        put(f, m.b[i]);
    unsigned isz = o->imm;
    if (isz == 4 && is16)
        isz = 2;
    uint32_t imm = (uint32_t)pick_disp(g);
    put_imm(f, imm, isz);
}

static const struct op *rand_op(struct gen *g)
{
    unsigned k = pick(g, NOPS);
    if (k >= NOPS - 2 && !hazard(g))
        k = 0; /* the MMX forms */
    return &ops[k];
}

/* ---- fragments --------------------------------------------------------------- */

static void frag_nop(struct gen *g, struct frag *f)
{
    unsigned l = 1 + pick(g, 11);
    for (unsigned i = 0; i < l; i++)
        put(f, nops[l][i]);
}

/* movl %eY,%eX */
static void movl(struct frag *f, unsigned y, unsigned x)
{
    uint8_t rx = rex(0, y, 0, x);
    if (rx != 0x40)
        put(f, rx);
    put(f, 0x89);
    put(f, (uint8_t)(0xc0 | ((y & 7) << 3) | (x & 7)));
}

/* movl %eY,%eX, or with a hazard a 16- or 64-bit move (which does not
 * zero-extend) */
static void movl_h(struct gen *g, struct frag *f, unsigned y, unsigned x)
{
    if (!hazard(g)) {
        movl(f, y, x);
        return;
    }
    unsigned w = pick(g, 2);
    if (!w)
        put(f, 0x66);
    put(f, rex(w, y, 0, x));
    put(f, 0x89);
    put(f, (uint8_t)(0xc0 | ((y & 7) << 3) | (x & 7)));
}

/* leaq (%r14,%rY,1),%rX */
static void lea_box(struct frag *f, unsigned x, unsigned y, bool swap)
{
    unsigned base = swap ? y : R14, index = swap ? R14 : y;
    put(f, rex(1, x, index, base));
    put(f, 0x8d);
    if ((base & 7) == 5) {
        put(f, (uint8_t)(0x44 | ((x & 7) << 3)));
        put(f, (uint8_t)(((index & 7) << 3) | (base & 7)));
        put(f, 0);
    } else {
        put(f, (uint8_t)(0x04 | ((x & 7) << 3)));
        put(f, (uint8_t)(((index & 7) << 3) | (base & 7)));
    }
}

/* An instruction that does not write `avoid` (and not %rsp/%r14). */
static void frag_filler(struct gen *g, struct frag *f, unsigned avoid)
{
    switch (pick(g, 3)) {
    case 0:
        frag_nop(g, f);
        break;
    case 1: { /* add %rB,%rA with A != avoid (the verifier resets its state) */
        if (!hazard(g)) {
            frag_nop(g, f);
            break;
        }
        unsigned a = reg_safe(g), b = pick(g, 16);
        if (a == avoid && !hazard(g))
            a = avoid == 0 ? 1 : 0;
        put(f, rex(1, b, 0, a));
        put(f, 0x01);
        put(f, (uint8_t)(0xc0 | ((b & 7) << 3) | (a & 7)));
        break;
    }
    default: /* movl %eB,%eA: a state setter, which the verifier allows here */
        if (hazard(g)) { /* cmp %rA,%rB: resets the verifier's state */
            put(f, rex(1, pick(g, 16), 0, pick(g, 16)));
            put(f, 0x39);
            put(f, (uint8_t)(0xc0 | ch(g)));
        } else {
            unsigned a = reg_safe(g);
            if (a == avoid)
                a = avoid == 0 ? 1 : 0;
            movl(f, reg_safe(g), a);
        }
        break;
    }
}

static void frag_guarded(struct gen *g, struct frag *f)
{
    unsigned x = reg_safe(g), y = reg_safe(g);
    int form;
    if (pick(g, 3) == 0) {
        /* movl %eY,%eY ; leaq (%r14,%rY),%rX ; op (%rX) */
        movl_h(g, f, y, y);
        lea_box(f, x, y, pick(g, 4) == 0);
        form = M_BOXED;
    } else {
        movl_h(g, f, y, x);
        form = pick(g, 2) ? M_GUARD_A : M_GUARD_B;
    }
    if (pick(g, 4) == 0)
        frag_filler(g, f, x);
    f->split = f->n;
    const struct op *o = rand_op(g);
    emit_op(g, f, o, form, reg_safe(g), x, 0);
}

static void frag_mask_branch(struct gen *g, struct frag *f)
{
    unsigned x = reg_safe(g);
    /* andl $0xffffffe0,%eX (with a hazard: andw, or andq which does not
     * clear the upper half) */
    if (hazard(g))
        put(f, pick(g, 2) ? 0x66 : 0x48);
    if (x >= 8)
        put(f, 0x41);
    if (pick(g, 3)) {
        put(f, 0x83);
        put(f, (uint8_t)(0xe0 | (x & 7)));
        put(f, hazard(g) ? (uint8_t)ch(g) : 0xe0);
    } else {
        put(f, 0x81);
        put(f, (uint8_t)(0xe0 | (x & 7)));
        put32(f, hazard(g) ? ch32(g) : 0xffffffe0u);
    }
    if (pick(g, 4) == 0)
        frag_filler(g, f, x);
    switch (pick(g, 4)) {
    case 0: /* orq %r14,%rX */
        put(f, rex(1, R14, 0, x));
        put(f, 0x09);
        put(f, (uint8_t)(0xf0 | (x & 7)));
        break;
    case 1: /* leaq (%r14,%rX),%rX: not a documented branch re-base */
        if (hazard(g)) {
            lea_box(f, x, x, pick(g, 2));
            break;
        }
        /* fall through */
    default: /* addq %r14,%rX */
        put(f, rex(1, R14, 0, x));
        put(f, 0x01);
        put(f, (uint8_t)(0xf0 | (x & 7)));
        break;
    }
    if (pick(g, 4) == 0)
        frag_filler(g, f, x);
    f->split = f->n;
    if (x >= 8)
        put(f, 0x41);
    else if (hazard(g))
        put(f, 0x48);
    put(f, 0xff);
    if (pick(g, 2)) {
        put(f, (uint8_t)(0xe0 | (x & 7))); /* jmp */
    } else {
        put(f, (uint8_t)(0xd0 | (x & 7))); /* call */
        f->end_bundle = !hazard(g);
    }
}

static void frag_rsp(struct gen *g, struct frag *f)
{
    switch (pick(g, 5)) {
    case 0: { /* movl %eY,%esp */
        unsigned y = pick(g, 16);
        movl(f, y, RSP);
        break;
    }
    case 1: /* andl $-16,%esp */
        put(f, 0x83);
        put(f, 0xe4);
        put(f, 0xf0);
        break;
    case 2: /* subl $imm32,%esp */
        put(f, 0x81);
        put(f, 0xec);
        put32(f, ch32(g) & 0xffff0);
        break;
    case 3: /* leal disp(%rsp),%esp */
        put(f, 0x8d);
        put(f, 0x64);
        put(f, 0x24);
        put(f, (uint8_t)ch(g));
        break;
    default: /* addl disp(%rsp),%esp via a load: movl (%rsp),%esp */
        put(f, 0x8b);
        put(f, 0x24);
        put(f, 0x24);
        break;
    }
    if (hazard(g))
        frag_filler(g, f, RSP);
    f->split = f->n;
    switch (pick(g, 3)) {
    case 0: put(f, 0x4c); put(f, 0x01); put(f, 0xf4); break; /* addq %r14,%rsp */
    case 1: put(f, 0x4c); put(f, 0x09); put(f, 0xf4); break; /* orq %r14,%rsp */
    default: /* leaq (%rsp,%r14,1),%rsp */
        put(f, 0x4a); put(f, 0x8d); put(f, 0x24); put(f, 0x34);
        break;
    }
}

static void frag_string(struct gen *g, struct frag *f)
{
    static const uint8_t sops[] = { 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad, 0xa6, 0xa7, 0xae, 0xaf };
    uint8_t op = sops[pick(g, sizeof sops)];
    bool rdi = op != 0xac && op != 0xad, rsi = op == 0xa4 || op == 0xa5 || op == 0xa6 ||
                                               op == 0xa7 || op == 0xac || op == 0xad;
    if (rsi && !(hazard(g))) {
        movl_h(g, f, 6, 6);
        lea_box(f, 6, 6, false);
    }
    if (rdi && !(hazard(g))) {
        movl_h(g, f, 7, 7);
        lea_box(f, 7, 7, pick(g, 4) == 0);
    }
    f->split = f->n;
    unsigned rep = pick(g, 3);
    bool cmp = op == 0xa6 || op == 0xa7 || op == 0xae || op == 0xaf;
    if (rep == 1)
        put(f, 0xf3);
    else if (rep == 2 && (cmp || hazard(g)))
        put(f, 0xf2); /* repne: only cmps/scas define it */
    if (hazard(g))
        put(f, pick(g, 2) ? 0x67 : 0x65);
    if ((op & 1) && pick(g, 3) == 0)
        put(f, 0x48);
    else if ((op & 1) && pick(g, 4) == 0)
        put(f, 0x66);
    put(f, op);
}

static void frag_branch(struct gen *g, struct frag *f)
{
    unsigned kind = pick(g, 6);
    struct fixup *x = &f->fix[f->nfix];
    bool rel8 = pick(g, 2) == 0;
    switch (kind) {
    case 0: case 1: /* jmp */
        put(f, rel8 ? 0xeb : 0xe9);
        break;
    case 2: case 3: /* jcc */
        if (rel8) {
            put(f, (uint8_t)(0x70 | pick(g, 16)));
        } else {
            put(f, 0x0f);
            put(f, (uint8_t)(0x80 | pick(g, 16)));
        }
        break;
    case 4: /* call */
        put(f, 0xe8);
        rel8 = false;
        break;
    default: /* jrcxz */
        if (hazard(g))
            put(f, 0x67);
        put(f, 0xe3);
        rel8 = true;
        break;
    }
    x->rel_off = f->n;
    x->rel_size = rel8 ? 1 : 4;
    for (unsigned i = 0; i < x->rel_size; i++)
        put(f, 0);
    x->end_off = f->n;
    switch (pick(g, 6)) {
    case 5: /* any instruction start, chosen when the code is complete */
        x->kind = FIX_ANY;
        x->value = (long)(ch(g) | ch(g) << 8);
        break;
    case 0: case 1: /* back to a fragment start */
        if (g->nstarts) {
            x->kind = FIX_ABS;
            x->value = g->starts[pick(g, g->nstarts)];
            break;
        }
        /* fall through */
    case 2: /* forward to a bundle start */
        x->kind = FIX_FWD_BUNDLE;
        x->value = pick(g, 4);
        break;
    case 3: /* outside the buffer: an aligned address below it, or far */
        if (pick(g, 2)) {
            x->kind = FIX_ABS;
            x->value = -32L * (long)(1 + pick(g, 64)) - (long)hazard(g);
        } else {
            x->kind = FIX_NONE;
            uint32_t rel = ch32(g);
            for (unsigned i = 0; i < x->rel_size; i++)
                f->b[x->rel_off + i] = (uint8_t)(rel >> (8 * i));
        }
        break;
    default: /* random */
        x->kind = FIX_NONE;
        f->b[x->rel_off] = (uint8_t)ch(g);
        break;
    }
    if (x->kind != FIX_NONE)
        f->nfix++;
}

static void frag_runtime_call(struct gen *g, struct frag *f)
{
    /* leaq L(%rip),%r11 ; [instructions that leave %r11 alone] ; jmpq *N(%r14) */
    put(f, 0x4c);
    put(f, 0x8d);
    put(f, 0x1d);
    unsigned rel_off = f->n;
    put32(f, 0);
    unsigned lea_end = f->n;
    if (pick(g, 4) == 0)
        frag_filler(g, f, R11);
    f->split = f->n;
    int n = -32 + 8 * (int)pick(g, 8);
    if (hazard(g))
        n = (int8_t)ch(g);
    put(f, 0x41);
    put(f, 0xff);
    put(f, 0x66);
    put(f, (uint8_t)n);
    uint32_t rel = f->n - lea_end; /* L: right after the jmp */
    for (int i = 0; i < 4; i++)
        f->b[rel_off + (unsigned)i] = (uint8_t)(rel >> (8 * i));
    if (pick(g, 8) == 0) { /* return to a later bundle start */
        struct fixup *x = &f->fix[f->nfix++];
        x->kind = FIX_FWD_BUNDLE;
        x->rel_off = rel_off;
        x->rel_size = 4;
        x->end_off = lea_end;
        x->value = pick(g, 2);
    }
}

static void frag_misc(struct gen *g, struct frag *f)
{
    static const uint8_t misc[][6] = {
        { 1, 0x50 }, { 2, 0x41, 0x57 }, { 1, 0x5b }, { 2, 0x41, 0x5c }, { 2, 0x6a, 0x10 },
        { 5, 0x68, 1, 2, 3, 4 }, { 1, 0xcc }, { 2, 0x0f, 0x0b }, { 1, 0xf4 }, { 2, 0x0f, 0xa2 },
        { 3, 0x0f, 0xae, 0xe8 }, { 3, 0x0f, 0xae, 0xf0 }, { 3, 0x0f, 0xae, 0xf8 },
        { 2, 0xf3, 0x90 }, { 4, 0xf3, 0x0f, 0x1e, 0xfa }, { 1, 0xfc }, { 1, 0xfd }, { 1, 0xf8 },
        { 1, 0xf9 }, { 1, 0xf5 }, { 1, 0x9f }, { 1, 0x9e }, { 2, 0x48, 0x99 }, { 1, 0x99 },
        { 2, 0x48, 0x98 }, { 3, 0x0f, 0x01, 0xd0 }, { 2, 0x41, 0x56 }, { 1, 0x54 },
        { 2, 0xd9, 0xe8 }, { 2, 0xde, 0xc1 }, { 2, 0xd9, 0xc9 }, { 1, 0x9b },
        { 2, 0x0f, 0xc8 }, { 3, 0x48, 0x0f, 0xcb }, { 3, 0x41, 0x0f, 0xce }, /* bswap %r14d */
        { 1, 0x5c }, /* pop %rsp */ { 2, 0x41, 0x5e }, /* pop %r14 */
        { 2, 0x87, 0xe0 }, /* xchg %esp,%eax */ { 3, 0x4c, 0x87, 0xf0 },
    };
    unsigned k = pick(g, sizeof misc / sizeof misc[0]);
    if (k >= 34 && !hazard(g))
        k = 0;
    for (unsigned i = 0; i < misc[k][0]; i++)
        put(f, misc[k][1 + i]);
}

static void frag_forbidden(struct gen *g, struct frag *f)
{
    static const uint8_t bad[][5] = {
        { 2, 0x0f, 0x05 }, { 1, 0xc3 }, { 3, 0xc2, 0x08, 0x00 }, { 2, 0xcd, 0x80 }, { 1, 0xf1 },
        { 2, 0x0f, 0x31 }, { 3, 0x0f, 0x01, 0xf9 }, { 2, 0x8e, 0xe0 }, { 2, 0x8c, 0xe8 },
        { 2, 0x0f, 0xa9 }, { 1, 0x9c }, { 1, 0x9d }, { 1, 0xd7 }, { 4, 0xf3, 0x0f, 0xae, 0xc0 },
        { 3, 0x0f, 0x01, 0xf8 }, { 1, 0xc9 }, { 4, 0xc8, 0x10, 0x00, 0x00 }, { 2, 0xe2, 0x00 },
        { 3, 0x67, 0xe3, 0x00 }, { 1, 0xec }, { 1, 0xee }, { 1, 0x6c }, { 1, 0xfa },
        { 3, 0x0f, 0xae, 0x20 }, { 3, 0x0f, 0xae, 0x00 }, { 2, 0xdd, 0x30 },
        { 3, 0x0f, 0xc7, 0xf0 }, { 3, 0x0f, 0x01, 0xee }, { 3, 0xc6, 0xf8, 0x00 },
        { 2, 0xff, 0x20 }, { 2, 0xff, 0x10 }, { 2, 0xff, 0xe0 }, { 2, 0xff, 0x28 },
        { 3, 0x66, 0xff, 0xe0 }, { 2, 0x0f, 0x77 }, { 4, 0xc5, 0xf8, 0x77, 0x90 },
        { 3, 0x0f, 0x01, 0xfc }, { 2, 0xa1, 0x00 }, { 1, 0xcf }, { 1, 0xce },
    };
    unsigned k = pick(g, sizeof bad / sizeof bad[0]);
    for (unsigned i = 0; i < bad[k][0]; i++)
        put(f, bad[k][1 + i]);
}

static void frag_bmi(struct gen *g, struct frag *f)
{
    /* { map, pp, opcode, /digit or -1, imm, vvvv is destination } */
    static const int8_t b[][6] = {
        { 2, 0, (int8_t)0xf2, -1, 0, 0 }, /* andn */
        { 2, 0, (int8_t)0xf7, -1, 0, 0 }, /* bextr */
        { 2, 0, (int8_t)0xf3, 1, 0, 1 },  /* blsr */
        { 2, 0, (int8_t)0xf3, 2, 0, 1 },  /* blsmsk */
        { 2, 0, (int8_t)0xf3, 3, 0, 1 },  /* blsi */
        { 2, 0, (int8_t)0xf5, -1, 0, 0 }, /* bzhi */
        { 2, 3, (int8_t)0xf6, -1, 0, 0 }, /* mulx: vvvv is a second destination */
        { 2, 3, (int8_t)0xf5, -1, 0, 0 }, /* pdep */
        { 2, 2, (int8_t)0xf5, -1, 0, 0 }, /* pext */
        { 3, 3, (int8_t)0xf0, -1, 1, 0 }, /* rorx */
        { 2, 2, (int8_t)0xf7, -1, 0, 0 }, /* sarx */
        { 2, 1, (int8_t)0xf7, -1, 0, 0 }, /* shlx */
        { 2, 3, (int8_t)0xf7, -1, 0, 0 }, /* shrx */
        { 1, 0, 0x58, -1, 0, 0 },         /* vaddps: AVX, never allowed */
    };
    unsigned k = pick(g, sizeof b / sizeof b[0]);
    unsigned reg = reg_safe(g), v = reg_safe(g), w = pick(g, 2);
    int form = pick(g, 2) ? M_REG : (pick(g, 2) ? M_SEGUE : M_RSP);
    struct modrm_out m;
    build_mem(g, form, b[k][3] >= 0 ? (unsigned)b[k][3] : reg, 0, reg_safe(g), &m);
    if (m.segue) {
        put(f, 0x65);
        put(f, 0x67);
    }
    put(f, 0xc4);
    unsigned rr = b[k][3] >= 0 ? 0 : reg;
    put(f, (uint8_t)((((~rr >> 3) & 1) << 7) | (((~m.x >> 3) & 1) << 6) | (((~m.b_ >> 3) & 1) << 5) |
                     (unsigned)b[k][0]));
    unsigned vv = (k == 9) ? 15 : (~v & 15);
    unsigned l = hazard(g) ? 1 : 0;
    put(f, (uint8_t)((w << 7) | (vv << 3) | (l << 2) | (unsigned)b[k][1]));
    put(f, (uint8_t)b[k][2]);
    for (unsigned i = 0; i < m.n; i++)
        put(f, m.b[i]);
    if (b[k][4])
        put(f, (uint8_t)ch(g));
}

static void frag_sse_gpr(struct gen *g, struct frag *f)
{
    /* SSE instructions that write a general-purpose register */
    static const struct {
        uint8_t pfx, nop, op[3], imm, rm_is_dest;
    } s[] = {
        { 0x66, 2, { 0x0f, 0xd7 }, 0, 0 },       /* pmovmskb r, xmm */
        { 0, 2, { 0x0f, 0x50 }, 0, 0 },          /* movmskps r, xmm */
        { 0xf2, 2, { 0x0f, 0x2c }, 0, 0 },       /* cvttsd2si r, xmm */
        { 0xf3, 2, { 0x0f, 0x2d }, 0, 0 },       /* cvtss2si r, xmm */
        { 0x66, 2, { 0x0f, 0xc5 }, 1, 0 },       /* pextrw r, xmm, imm */
        { 0xf2, 3, { 0x0f, 0x38, 0xf1 }, 0, 0 }, /* crc32 r, r/m */
        { 0x66, 3, { 0x0f, 0x3a, 0x16 }, 1, 1 }, /* pextrd/q r/m, xmm, imm */
        { 0x66, 2, { 0x0f, 0x7e }, 0, 1 },       /* movd/movq r/m, xmm */
        { 0xf3, 2, { 0x0f, 0xb8 }, 0, 0 },       /* popcnt */
    };
    unsigned k = pick(g, sizeof s / sizeof s[0]);
    unsigned gpr = reg_safe(g), other = pick(g, 16), w = pick(g, 2);
    unsigned reg = s[k].rm_is_dest ? other : gpr, rm = s[k].rm_is_dest ? gpr : other;
    if (s[k].pfx)
        put(f, s[k].pfx);
    uint8_t rx = rex(w, reg, 0, rm);
    if (rx != 0x40)
        put(f, rx);
    for (unsigned i = 0; i < s[k].nop; i++)
        put(f, s[k].op[i]);
    put(f, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
    if (s[k].imm)
        put(f, (uint8_t)ch(g));
}

static void frag_random(struct gen *g, struct frag *f)
{
    unsigned l = 1 + pick(g, 15);
    for (unsigned i = 0; i < l; i++)
        put(f, (uint8_t)ch(g));
}

static void mutate(struct gen *g, struct frag *f)
{
    if (f->n == 0)
        return;
    static const uint8_t pfx[] = { 0x66, 0x67, 0x65, 0x64, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e,
                                   0x40, 0x48, 0x41, 0x4c, 0x26 };
    switch (pick(g, 4)) {
    case 0: { /* flip a bit */
        unsigned i = pick(g, f->n);
        f->b[i] ^= (uint8_t)(1u << pick(g, 8));
        break;
    }
    case 1: /* insert a prefix at the front */
        if (f->n < FRAG_MAX) {
            memmove(f->b + 1, f->b, f->n);
            f->b[0] = pfx[pick(g, sizeof pfx)];
            f->n++;
            for (int k = 0; k < f->nfix; k++) {
                f->fix[k].rel_off++;
                f->fix[k].end_off++;
            }
            if (f->split)
                f->split++;
        }
        break;
    case 2: { /* replace a byte */
        unsigned i = pick(g, f->n);
        f->b[i] = (uint8_t)ch(g);
        break;
    }
    default: /* drop the last byte */
        f->n--;
        f->nfix = 0;
        break;
    }
}

static void make_frag(struct gen *g, struct frag *f)
{
    memset(f, 0, sizeof *f);
    unsigned k = pick(g, 32);
    switch (k) {
    case 0: case 1: frag_nop(g, f); break;
    case 2: case 3: case 4: case 5:
        emit_op(g, f, rand_op(g), M_SEGUE, reg_safe(g), 0, 0);
        break;
    case 6: case 7: {
        static const int forms[3] = { M_RSP, M_RIP, M_R14 };
        emit_op(g, f, rand_op(g), forms[pick(g, 3)], reg_safe(g), 0, 0);
        break;
    }
    case 8: case 9: case 10: frag_guarded(g, f); break;
    case 11: case 12: case 13: frag_mask_branch(g, f); break;
    case 14: case 15: frag_rsp(g, f); break;
    case 16: case 17: frag_string(g, f); break;
    case 18: case 19: case 20:
        emit_op(g, f, rand_op(g), M_REG, reg_safe(g), 0, reg_safe(g));
        break;
    case 21: case 22: case 23: frag_branch(g, f); break;
    case 24: frag_runtime_call(g, f); break;
    case 25: case 26: frag_misc(g, f); break;
    case 27: frag_bmi(g, f); break;
    case 28: frag_sse_gpr(g, f); break;
    case 29:
        if (hazard(g)) {
            frag_forbidden(g, f);
            break;
        }
        frag_nop(g, f);
        break;
    case 30:
        if (hazard(g)) {
            frag_random(g, f);
            break;
        }
        if (hazard(g)) {
            emit_op(g, f, rand_op(g), M_RANDOM, reg_safe(g), 0, 0);
            break;
        }
        frag_nop(g, f);
        break;
    default:
        emit_op(g, f, rand_op(g), hazard(g) ? M_RANDOM : M_SEGUE, pick(g, 16), 0, 0);
        break;
    }
    if (hazard(g))
        mutate(g, f);
}

static void place(struct gen *g, struct frag *f, unsigned pad_style)
{
    if (f->n == 0 || f->n > BUNDLE)
        return;
    unsigned room = BUNDLE - (unsigned)(g->len % BUNDLE);
    if (f->end_bundle) {
        if (f->n <= room)
            pad(g, room - f->n, pad_style);
        else
            pad(g, room + BUNDLE - f->n, pad_style);
    } else if (f->split && f->split < f->n && f->split <= BUNDLE && f->n - f->split <= BUNDLE &&
               hazard(g)) {
        /* the guarded instruction starts the next bundle: away from its guard */
        pad(g, f->split <= room ? room - f->split : room + BUNDLE - f->split, pad_style);
    } else if (f->n > room && !hazard(g)) {
        pad(g, room, pad_style);
    }
    if (g->len + f->n > X64_GEN_MAX)
        return;
    size_t pos = g->len;
    for (int k = 0; k < f->nfix; k++) {
        struct fixup *x = &f->fix[k];
        long end = (long)pos + (long)x->end_off, target;
        if (x->kind == FIX_ANY) {
            if (g->nlate < sizeof g->late / sizeof g->late[0]) {
                struct late *l = &g->late[g->nlate++];
                l->rel_pos = pos + x->rel_off;
                l->end_pos = (size_t)end;
                l->rel_size = x->rel_size;
                l->choice = (unsigned)x->value;
            }
            continue;
        }
        if (x->kind == FIX_ABS) {
            target = x->value;
        } else {
            long nb = ((long)pos + (long)f->n + BUNDLE - 1) / BUNDLE;
            target = (nb + x->value) * (long)BUNDLE;
        }
        long rel = target - end;
        if (x->rel_size == 1)
            f->b[x->rel_off] = (uint8_t)rel;
        else
            for (int i = 0; i < 4; i++)
                f->b[x->rel_off + (unsigned)i] = (uint8_t)((unsigned long)rel >> (8 * i));
    }
    if (g->nstarts < sizeof g->starts / sizeof g->starts[0])
        g->starts[g->nstarts++] = (unsigned)pos;
    for (unsigned i = 0; i < f->n; i++)
        out_byte(g, f->b[i]);
}

/* Point the FIX_ANY branches at instruction starts (as Zydis sees them),
 * the middle of macro-instructions included. */
static void resolve_late(struct gen *g)
{
    if (!g->nlate)
        return;
    unsigned starts[X64_GEN_MAX];
    unsigned n = 0;
    for (size_t off = 0; off < g->len;) {
        starts[n++] = (unsigned)off;
        int l = x64_oracle_zydis_length(g->out + off, g->len - off, 0);
        off += l > 0 ? (size_t)l : 1;
    }
    for (unsigned k = 0; k < g->nlate; k++) {
        struct late *l = &g->late[k];
        long rel = (long)starts[l->choice % n] - (long)l->end_pos;
        if (l->rel_size == 1)
            g->out[l->rel_pos] = (uint8_t)rel;
        else
            for (int i = 0; i < 4; i++)
                g->out[l->rel_pos + (size_t)i] = (uint8_t)((unsigned long)rel >> (8 * i));
    }
}

size_t x64_gen(const uint8_t *choices, size_t n, uint8_t *out)
{
    struct gen g;
    memset(&g, 0, sizeof g);
    g.c = choices;
    g.n = n;
    g.out = out;
    g.hz = ch(&g) & 3;
    unsigned pad_style = ch(&g) & 3;
    unsigned max_bundles = 1 + pick(&g, 16);
    while (g.i < g.n && g.len + 2 * BUNDLE < X64_GEN_MAX &&
           g.len < (size_t)max_bundles * BUNDLE) {
        struct frag f;
        make_frag(&g, &f);
        place(&g, &f, pad_style);
    }
    if (g.len % BUNDLE)
        pad(&g, BUNDLE - (unsigned)(g.len % BUNDLE), pad_style);
    resolve_late(&g);
    return g.len;
}
