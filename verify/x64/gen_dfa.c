/* Build-time generator of the bundle automaton (dfa.h). It is written
 * against the fast-path tables (fasttab.h, themselves generated from the
 * reference decoder) and follows fast_step, fast_nop, fast_setter and
 * fast_rebase of verify_x64.c decision by decision, refusing (DFA_FAIL)
 * wherever those would need register state other than the three fixed
 * macro-instructions below, and wherever a check would need more than one
 * instruction's bytes. So it can only accept less than the table paths,
 * never more: the differential tests (tests/verify/diff_fastpath.c) check
 * the verifier that uses it against the reference path.
 *
 * Recognised macro-instructions (each inside one bundle, nothing between):
 *   41 83 e3 e0, 4d 01 f3, 41 ff e3 | 41 ff d3   masked jmp/call *%r11
 *   41 83 e3 e0, 4d 01 f3, 41 53, c3             the single-thread return
 *                                                (DFA_STRET: the verifier
 *                                                takes it only with
 *                                                LFIV_SINGLE_THREAD)
 *   32-bit write to %esp, then 4c 01 f4 | 4c 09 f4 | 49 03 e6 | 49 0b e6 |
 *   4a 8d 24 34                                  %rsp re-base
 *
 * The automaton is built over descriptive states (the bytes of the
 * instruction so far, or what is left to check of it), then minimised
 * (Moore's partition refinement) with every end state kept apart.
 * Usage: gen_dfa OUT.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64/dfa.h"
#include "x64/fasttab.h"

enum kind { K_END, K_FAIL, K_HDR, K_NOP, K_M, K_SIB, K_NOPSIB, K_TAIL, K_PEND };
enum { CTX_NONE, CTX_MASKED, CTX_TGT, CTX_STPUSH };

/* All fields are bytes: no padding, keys compare with memcmp. */
struct key {
    uint8_t kind, cls, ctx, n;
    uint8_t h[12];               /* K_HDR, K_NOP, K_PEND: bytes so far */
    uint8_t fm, op, rex, seg;    /* K_M */
    uint8_t i, mod, rexbx, memck;
    uint8_t lea14, len, consumed, rem;
    uint8_t dchk, dpos, zero, andr11;
};

static uint32_t memchk; /* FT_MEM|FT_MEMW (full) or FT_MEMW (stores) */

static uint32_t E(int fm, int op, int m)
{
    if (fm < FM_66_1B)
        return x64_fasttab[fm][op][m];
    return x64_fastpfx_rows[x64_fastpfx_row[fm - FM_66_1B][op]][m];
}

static struct key mk(int kind)
{
    struct key k;
    memset(&k, 0, sizeof k);
    k.kind = (uint8_t)kind;
    return k;
}

static struct key end(int cls)
{
    struct key k = mk(K_END);
    k.cls = (uint8_t)cls;
    return k;
}

static struct key fail(void)
{
    return mk(K_FAIL);
}

/* The rest of an instruction: rem bytes, of which the first 4 are a
 * displacement to bound if dchk; then end state cls. */
static struct key tail(int rem, int dchk, int cls, int andr11)
{
    if (rem <= 0)
        return rem < 0 ? fail() : end(cls);
    if (dchk && rem < 4)
        return fail();
    struct key k = mk(K_TAIL);
    k.rem = (uint8_t)rem;
    k.dchk = (uint8_t)dchk;
    k.zero = (uint8_t)dchk;
    k.cls = (uint8_t)cls;
    k.andr11 = (uint8_t)andr11;
    return k;
}

/* fast_step's header: 0 = need more bytes, 1 = s[n-1] is the opcode
 * (*fm, *rex, *seg, *i set), 2 = assembler padding (fast_nop), -1 =
 * refused. */
static int parse_hdr(const uint8_t *s, int n, int *fm, int *rex, int *seg, int *i)
{
#define NEED(k) do { if ((k) >= n) return 0; } while (0)
    int j = 0, sg = 0, mp = 0, b = s[0];
    if (b == 0x65 || b == 0x66 || b == 0xf2 || b == 0xf3 || b == 0x2e) {
        if (b == 0x65) {
            NEED(1);
            if (s[1] != 0x67)
                return -1;
            sg = 1;
            j = 2;
            NEED(2);
            b = s[2];
        }
        if (b == 0x66 || b == 0xf2 || b == 0xf3) {
            NEED(j + 1);
            int nx = s[j + 1];
            if (b == 0x66 && (nx == 0x66 || nx == 0x2e || nx == 0x90))
                return sg ? -1 : 2;
            mp = b;
            b = nx;
            j++;
            if (b == 0x65 && !sg) {
                NEED(j + 1);
                if (s[j + 1] != 0x67)
                    return -1;
                sg = 1;
                j += 2;
                NEED(j);
                b = s[j];
            }
        } else if (b == 0x2e) {
            return 2;
        }
    }
    int rx = 0;
    if ((b & 0xf0) == 0x40) {
        rx = b;
        NEED(j + 1);
        b = s[++j];
    }
    int f;
    if (!mp) {
        f = FM_1B;
        if (b == 0x0f) {
            f = FM_0F;
            NEED(j + 1);
            b = s[++j];
        }
    } else if (b == 0x0f) {
        NEED(j + 1);
        b = s[++j];
        if (b == 0x38 || b == 0x3a) {
            if (mp != 0x66)
                return -1;
            f = b == 0x38 ? FM_66_0F38 : FM_66_0F3A;
            NEED(j + 1);
            b = s[++j];
        } else {
            f = mp == 0x66 ? FM_66_0F : mp == 0xf3 ? FM_F3_0F : FM_F2_0F;
        }
    } else {
        if (mp != 0x66)
            return -1;
        f = FM_66_1B;
    }
    if (j != n - 1)
        return -1; /* cannot happen: every byte was looked at */
    *fm = f;
    *rex = rx;
    *seg = sg;
    *i = j;
    return 1;
#undef NEED
}

/* After the bytes that decide it: the checks of fast_step from the
 * setter dispatch on (memory operand, direct branch) or fast_setter's,
 * then the tail. sb < 0: no SIB byte. consumed: bytes so far. */
static struct key post(uint32_t e, int op, int rex, int seg, int m, int sb,
                       int len, int consumed, int ctx)
{
    if (e & FT_SETCHK) {
        int wide = rex & 8;
        int reg = ((m >> 3) & 7) | ((rex & 4) << 1);
        int rm = (m & 7) | ((rex & 1) << 3);
        int cls = DFA_START, andr11 = 0;
        switch (op) {
        case 0x89: case 0x8b: {
            int d = op == 0x89 ? rm : reg;
            if (d == 14)
                return fail();
            if (d == 4) {
                if (wide)
                    return fail();
                cls = DFA_PENDING;
            }
            break;
        }
        case 0x01: case 0x09: case 0x03: case 0x0b: {
            int x = (op == 0x01 || op == 0x09) ? rm : reg;
            if (x == 14)
                return fail();
            if (!wide) {
                if (x == 4)
                    cls = DFA_PENDING;
                break;
            }
            if (x == 4)
                return fail();
            if (ctx == CTX_MASKED && rex == 0x4d && op == 0x01 && m == 0xf3)
                cls = DFA_TGT;
            break;
        }
        case 0x81: case 0x83: {
            int r = (m >> 3) & 7;
            if (r == 7)
                break;
            if (rm == 14)
                return fail();
            if (rm == 4) {
                if (wide || !(r == 0 || r == 1 || r == 4 || r == 5))
                    return fail();
                cls = DFA_PENDING;
                break;
            }
            if (op == 0x83 && rex == 0x41 && m == 0xe3)
                andr11 = 1; /* andl $imm8,%r11d: masked if imm8 = e0 */
            break;
        }
        case 0x25:
            break;
        case 0x8d:
            if (reg == 14)
                return fail();
            if (reg == 4) {
                if (wide)
                    return fail();
                cls = DFA_PENDING;
                break;
            }
            if (wide) {
                if ((m & 0xc7) == 0x05 && reg == 11)
                    return fail();
                if ((m & 0xc0) != 0xc0 && (m & 7) == 4) {
                    if (sb < 0)
                        return fail(); /* cannot happen: FT_SIB */
                    if (((sb & 7) | ((rex & 1) << 3)) == 14 ||
                        (((sb >> 3) & 7) | ((rex & 2) << 2)) == 14)
                        return fail();
                }
            }
            break;
        case 0xff:
            if (ctx == CTX_TGT && rex == 0x41 && m == 0xe3)
                cls = DFA_JMPCHAIN;
            else if (ctx == CTX_TGT && rex == 0x41 && m == 0xd3)
                cls = DFA_CALLCHAIN;
            else
                return fail();
            break;
        default:
            return fail();
        }
        return tail(len - consumed, 0, cls, andr11);
    }

    int dchk = 0;
    if ((e & memchk) && !seg) {
        int mod = m >> 6;
        if (e & FT_SIB) {
            if (rex & 2)
                return fail();
            if (!(sb == 0x24 && !(rex & 1)) && !(sb == 0x26 && (rex & 1)))
                return fail();
        } else if (mod == 0 && (m & 7) == 5) {
            mod = 2; /* %rip */
        } else if ((m & 7) != 6 || !(rex & 1)) {
            return fail();
        }
        dchk = mod == 2;
    }
    int cls = (e & FT_BR8) ? DFA_BR8 : (e & FT_BR32) ? DFA_BR32 : DFA_START;
    return tail(len - consumed, dchk, cls, 0);
}

/* The byte after the opcode, m, with fast_step's entry e. */
static struct key at_m(int fm, int op, int rex, int seg, int i, int m, int ctx)
{
    uint32_t e = E(fm, op, m);
    if ((e & FT_LEN) <= 1)
        return fail(); /* m would be the next instruction's byte */
    int ridx = rex ? (rex & 15) : FT_OKX_NOREX;
    if (!((e >> (FT_OKX_SHIFT + ridx)) & 1) || (seg && !(e & FT_SEGUE)))
        return fail();
    int len = (int)(e & FT_LEN) + i + ((rex & 8) && (e & FT_IMMV) ? 4 : 0);
    if (e & FT_SIB) {
        struct key k = mk(K_SIB);
        if (e & (FT_BR8 | FT_BR32))
            return fail(); /* cannot happen: no ModRM */
        k.rex = (uint8_t)rex;
        k.i = (uint8_t)i;
        k.len = (uint8_t)len;
        if (e & FT_SETCHK) {
            /* fast_setter (lea) looks at everything: keep it all. */
            k.lea14 = 1;
            k.fm = (uint8_t)fm;
            k.op = (uint8_t)op;
            k.seg = (uint8_t)seg;
            k.mod = (uint8_t)m;
            k.ctx = (uint8_t)ctx;
        } else {
            /* Only these matter for the SIB byte and post(). */
            k.memck = (uint8_t)((e & memchk) && !seg);
            k.mod = (uint8_t)((m & 0xc0) | 4);
        }
        return k;
    }
    if (len > 15)
        return fail();
    return post(e, op, rex, seg, m, -1, len, i + 2, ctx);
}

static struct key at_sib(const struct key *k, int sb)
{
    int m = k->mod, rex = k->rex, len = k->len;
    if ((sb & 0x38) == 0x20 && !(rex & 2) && (sb >> 6))
        return fail(); /* scale without index */
    if ((m >> 6) == 0 && (sb & 7) == 5) {
        if (rex & 1)
            return fail();
        len += 4; /* no base: disp32 */
    }
    if (len > 15)
        return fail();
    if (k->lea14)
        return post(E(k->fm, k->op, m), k->op, rex, k->seg, m, sb, len, k->i + 3, k->ctx);
    /* What post() reads of a non-setter entry with a SIB byte. */
    uint32_t e = FT_SIB | (k->memck ? memchk : 0);
    return post(e, 0, rex, 0, m, sb, len, k->i + 3, CTX_NONE);
}

/* The opcode byte has just been read: one-byte instructions end here. */
static struct key at_opcode(int fm, int op, int rex, int seg, int i, int ctx)
{
    uint32_t e0 = E(fm, op, 0);
    int constant = 1, any = 0;
    for (int m = 0; m < 256; m++) {
        uint32_t e = E(fm, op, m);
        constant &= e == e0;
        any |= e != 0;
    }
    if (!any)
        return fail();
    if (constant && (e0 & FT_LEN) == 1) {
        int ridx = rex ? (rex & 15) : FT_OKX_NOREX;
        if (!((e0 >> (FT_OKX_SHIFT + ridx)) & 1) || (seg && !(e0 & FT_SEGUE)))
            return fail();
        if (e0 & (FT_SETCHK | FT_BR8 | FT_BR32 | FT_SIB | FT_IMMV))
            return fail();
        if ((e0 & memchk) && !seg)
            return fail(); /* fast_step would look at the next byte */
        if (1 + i > 15)
            return fail();
        if (ctx == CTX_TGT && fm == FM_1B && rex == 0x41 && op == 0x53 && !seg)
            return end(DFA_STPUSH); /* pushq %r11 after the mask */
        return end(DFA_START);
    }
    struct key k = mk(K_M);
    k.fm = (uint8_t)fm;
    k.op = (uint8_t)op;
    k.rex = (uint8_t)rex;
    k.seg = (uint8_t)seg;
    k.i = (uint8_t)i;
    k.ctx = (uint8_t)ctx;
    return k;
}

/* fast_nop on the bytes so far: 0 = need more, else the key. */
static int parse_nop(const uint8_t *s, int n, struct key *out)
{
    int j = 0;
    while (j < n && s[j] == 0x66)
        j++;
    if (j >= 8)
        return *out = fail(), 1;
    if (j == n)
        return 0;
    if (s[j] == 0x90) {
        if (j != 1)
            return *out = fail(), 1;
        return *out = end(DFA_START), 1;
    }
    int k = j;
    if (s[k] == 0x2e)
        k++;
    if (k >= n)
        return 0;
    if (s[k] != 0x0f)
        return *out = fail(), 1;
    if (k + 1 >= n)
        return 0;
    if (s[k + 1] != 0x1f)
        return *out = fail(), 1;
    if (k + 2 >= n)
        return 0;
    int m = s[k + 2];
    uint32_t e = x64_fasttab[1][0x1f][m];
    if (!((e >> (FT_OKX_SHIFT + FT_OKX_NOREX)) & 1) || !(e & FT_NOP))
        return *out = fail(), 1;
    int total = k + 1 + (int)(e & FT_LEN);
    if (total > 15)
        return *out = fail(), 1;
    if (e & FT_SIB) {
        struct key r = mk(K_NOPSIB);
        r.mod = (uint8_t)(m >> 6);
        r.rem = (uint8_t)(total - (k + 4));
        return *out = r, 1;
    }
    return *out = tail(total - (k + 3), 0, DFA_START, 0), 1;
}

/* The %rsp re-bases after a pending 32-bit write to %esp. */
static const struct { uint8_t n, b[4], cls; } rebases[] = {
    { 3, { 0x4c, 0x01, 0xf4 }, DFA_REB3 }, { 3, { 0x4c, 0x09, 0xf4 }, DFA_REB3 },
    { 3, { 0x49, 0x03, 0xe6 }, DFA_REB3 }, { 3, { 0x49, 0x0b, 0xe6 }, DFA_REB3 },
    { 4, { 0x4a, 0x8d, 0x24, 0x34 }, DFA_REB4 },
};

/* The instruction start after an end state of class cls. */
static struct key start_of(int cls)
{
    struct key k;
    switch (cls) {
    case DFA_MASKED:
        k = mk(K_HDR);
        k.ctx = CTX_MASKED;
        return k;
    case DFA_TGT:
        k = mk(K_HDR);
        k.ctx = CTX_TGT;
        return k;
    case DFA_STPUSH:
        k = mk(K_HDR);
        k.ctx = CTX_STPUSH;
        return k;
    case DFA_PENDING:
        return mk(K_PEND);
    case DFA_CALLCHAIN: /* a call must end its bundle */
        return fail();
    default:
        return mk(K_HDR);
    }
}

static struct key step(struct key k, int b)
{
    if (k.kind == K_END)
        k = start_of(k.cls);
    switch (k.kind) {
    case K_FAIL:
        return k;
    case K_HDR: {
        uint8_t s[16];
        int n = k.n;
        memcpy(s, k.h, (size_t)n);
        s[n++] = (uint8_t)b;
        /* The chain context survives only along its exact bytes. */
        int ctx = k.ctx;
        if (ctx == CTX_MASKED && !(s[0] == 0x4d && (n < 2 || s[1] == 0x01)))
            ctx = CTX_NONE;
        if (ctx == CTX_TGT && !(s[0] == 0x41 && (n < 2 || s[1] == 0xff || s[1] == 0x53)))
            ctx = CTX_NONE;
        if (ctx == CTX_STPUSH) {
            /* retq right after pushq %r11: check_st_ret's form (the
             * decoder does not know c3; only this sequence reaches it) */
            if (n == 1 && b == 0xc3)
                return end(DFA_STRET);
            ctx = CTX_NONE;
        }
        int fm, rex, seg, i;
        int r = parse_hdr(s, n, &fm, &rex, &seg, &i);
        if (r < 0)
            return fail();
        if (r == 2) {
            struct key out;
            if (parse_nop(s, n, &out))
                return out;
            out = mk(K_NOP);
            out.n = (uint8_t)n;
            memcpy(out.h, s, (size_t)n);
            return out;
        }
        if (r == 1)
            return at_opcode(fm, s[n - 1], rex, seg, i, ctx);
        if (n >= (int)sizeof k.h)
            return fail();
        struct key out = mk(K_HDR);
        out.n = (uint8_t)n;
        out.ctx = (uint8_t)ctx;
        memcpy(out.h, s, (size_t)n);
        return out;
    }
    case K_NOP: {
        uint8_t s[16];
        int n = k.n;
        memcpy(s, k.h, (size_t)n);
        s[n++] = (uint8_t)b;
        struct key out;
        if (parse_nop(s, n, &out))
            return out;
        if (n >= (int)sizeof k.h)
            return fail();
        out = mk(K_NOP);
        out.n = (uint8_t)n;
        memcpy(out.h, s, (size_t)n);
        return out;
    }
    case K_M:
        return at_m(k.fm, k.op, k.rex, k.seg, k.i, b, k.ctx);
    case K_SIB:
        return at_sib(&k, b);
    case K_NOPSIB:
        if (((b & 0x38) == 0x20 && (b >> 6)) || (k.mod == 0 && (b & 7) == 5))
            return fail();
        return tail(k.rem, 0, DFA_START, 0);
    case K_TAIL: {
        if (k.dchk) {
            if (k.dpos < 3) {
                k.zero = (uint8_t)(k.zero && b == 0);
                k.dpos++;
            } else {
                /* |disp32| <= 256 MiB: the top byte decides, and 0x10
                 * only with all lower bytes zero. */
                if (!(b <= 0x0f || b >= 0xf0 || (b == 0x10 && k.zero)))
                    return fail();
                k.dchk = 0;
                k.dpos = 0;
                k.zero = 0;
            }
        }
        int cls = k.cls;
        if (k.andr11 && k.rem == 1)
            cls = b == 0xe0 ? DFA_MASKED : DFA_START;
        if (--k.rem == 0)
            return end(cls);
        if (!k.dchk)
            k.zero = 0;
        return k;
    }
    case K_PEND: {
        uint8_t s[8];
        int n = k.n;
        memcpy(s, k.h, (size_t)n);
        s[n++] = (uint8_t)b;
        for (size_t r = 0; r < sizeof rebases / sizeof rebases[0]; r++) {
            if (n <= rebases[r].n && !memcmp(s, rebases[r].b, (size_t)n)) {
                if (n == rebases[r].n)
                    return end(rebases[r].cls);
                struct key out = mk(K_PEND);
                out.n = (uint8_t)n;
                memcpy(out.h, s, (size_t)n);
                return out;
            }
        }
        return fail();
    }
    }
    return fail();
}

/* ---- state set, hashing ---- */

static struct key *keys;
static uint32_t (*trans)[256];
static size_t nkeys, capkeys;
static uint32_t *htab;
static size_t hcap;

static uint64_t hash_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t k = 0; k < n; k++)
        h = (h ^ b[k]) * 1099511628211ull;
    return h;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "gen_dfa: out of memory\n");
        exit(1);
    }
    return p;
}

static void rehash(void)
{
    hcap = hcap ? hcap * 2 : 1u << 16;
    free(htab);
    htab = xrealloc(NULL, hcap * sizeof *htab);
    memset(htab, 0xff, hcap * sizeof *htab);
    for (size_t s = 0; s < nkeys; s++) {
        size_t h = hash_bytes(&keys[s], sizeof keys[s]) & (hcap - 1);
        while (htab[h] != UINT32_MAX)
            h = (h + 1) & (hcap - 1);
        htab[h] = (uint32_t)s;
    }
}

static uint32_t intern(const struct key *k)
{
    if (2 * (nkeys + 1) > hcap)
        rehash();
    size_t h = hash_bytes(k, sizeof *k) & (hcap - 1);
    while (htab[h] != UINT32_MAX) {
        if (!memcmp(&keys[htab[h]], k, sizeof *k))
            return htab[h];
        h = (h + 1) & (hcap - 1);
    }
    if (nkeys == capkeys) {
        capkeys = capkeys ? capkeys * 2 : 4096;
        keys = xrealloc(keys, capkeys * sizeof *keys);
        trans = xrealloc(trans, capkeys * sizeof *trans);
    }
    keys[nkeys] = *k;
    htab[h] = (uint32_t)nkeys;
    return (uint32_t)nkeys++;
}

/* Builds the automaton for the current memchk; returns the number of
 * states after minimisation and the table in *out. */
static size_t build(uint16_t **out)
{
    nkeys = 0;
    hcap = 0;
    for (int c = 0; c < DFA_NEND; c++) {
        struct key k = end(c);
        intern(&k);
    }
    struct key f = fail();
    intern(&f);
    for (size_t s = 0; s < nkeys; s++)
        for (int b = 0; b < 256; b++) {
            struct key nk = step(keys[s], b);
            uint32_t to = intern(&nk); /* may move trans */
            trans[s][b] = to;
        }

    /* Moore: blocks start as the end classes, and everything else. */
    uint32_t *blk = xrealloc(NULL, nkeys * sizeof *blk);
    uint32_t *nblk = xrealloc(NULL, nkeys * sizeof *nblk);
    for (size_t s = 0; s < nkeys; s++)
        blk[s] = s < DFA_NEND ? (uint32_t)s : DFA_NEND;
    size_t nb = DFA_NEND + 1;
    uint32_t (*sig)[257] = xrealloc(NULL, nkeys * sizeof *sig);
    size_t scap = 1;
    while (scap < 2 * nkeys)
        scap *= 2;
    uint32_t *st = xrealloc(NULL, scap * sizeof *st);
    for (;;) {
        for (size_t s = 0; s < nkeys; s++) {
            sig[s][0] = blk[s];
            for (int b = 0; b < 256; b++)
                sig[s][b + 1] = blk[trans[s][b]];
        }
        memset(st, 0xff, scap * sizeof *st);
        size_t nnb = 0;
        /* New block ids: the end classes and the fail block keep theirs. */
        for (size_t pass = 0; pass < 2; pass++)
            for (size_t s = 0; s < nkeys; s++) {
                int fixed = s <= DFA_NEND;
                if ((size_t)fixed != 1 - pass)
                    continue;
                size_t h = hash_bytes(sig[s], sizeof sig[s]) & (scap - 1);
                while (st[h] != UINT32_MAX && memcmp(sig[st[h]], sig[s], sizeof sig[s]))
                    h = (h + 1) & (scap - 1);
                if (st[h] == UINT32_MAX) {
                    st[h] = (uint32_t)s;
                    nblk[s] = (uint32_t)nnb++;
                } else {
                    nblk[s] = nblk[st[h]];
                }
            }
        int stable = nnb == nb;
        memcpy(blk, nblk, nkeys * sizeof *blk);
        nb = nnb;
        if (stable)
            break;
    }
    for (size_t s = 0; s <= DFA_NEND; s++)
        if (blk[s] != s) {
            fprintf(stderr, "gen_dfa: end state %zu merged\n", s);
            exit(1);
        }
    if (nb > 65535) {
        fprintf(stderr, "gen_dfa: %zu states do not fit 16 bits\n", nb);
        exit(1);
    }
    uint16_t *t = xrealloc(NULL, nb * 256 * sizeof *t);
    for (size_t s = 0; s < nkeys; s++)
        for (int b = 0; b < 256; b++)
            t[(size_t)blk[s] * 256 + b] = (uint16_t)blk[trans[s][b]];
    free(blk);
    free(nblk);
    free(sig);
    free(st);
    fprintf(stderr, "gen_dfa: %zu descriptive states, %zu after minimisation\n",
            nkeys, nb);
    *out = t;
    return nb;
}

static void emit(FILE *f, const char *name, const uint16_t *t, size_t n)
{
    fprintf(f, "const uint16_t %s[%zu] = {", name, n * 256);
    for (size_t k = 0; k < n * 256; k++)
        fprintf(f, "%s%u", k == 0 ? "\n" : k % 32 ? "," : ",\n", t[k]);
    fprintf(f, "\n};\n\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_dfa OUT.c\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "/* Generated by gen_dfa from the fast-path tables. */\n"
               "#include \"x64/dfa.h\"\n\n");
    uint16_t *t;
    memchk = FT_MEM | FT_MEMW;
    size_t n = build(&t);
    emit(f, "x64_dfa_full", t, n);
    free(t);
    memchk = FT_MEMW;
    n = build(&t);
    emit(f, "x64_dfa_stores", t, n);
    free(t);
    return fclose(f) == 0 ? 0 : 1;
}
