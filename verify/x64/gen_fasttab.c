/* Build-time generator of x64_fasttab (see fasttab.h): every entry is
 * derived by running the reference decoder on the encoding it describes,
 * with and without each REX bit and the 65 67 prefix pair. Usage:
 * gen_fasttab OUT.c */
#include <stdio.h>
#include <string.h>

#include "x64/decode.h"
#include "x64/fasttab.h"

/* Decode PRE, [0f], op, m, then a SIB placeholder (base %rsp, no index)
 * and zeros. Returns the length past the prefixes and 0f, or <= 0. */
static int dec(const uint8_t *pre, int npre, int map, int op, int m,
               struct x64_insn *in)
{
    uint8_t b[32];
    int k = 0;
    memset(b, 0, sizeof b);
    memcpy(b, pre, (size_t)npre);
    k = npre;
    if (map)
        b[k++] = 0x0f;
    b[k++] = (uint8_t)op;
    b[k++] = (uint8_t)m;
    b[k] = 0x24;
    int r = x64_decode_reference(b, sizeof b, in);
    return r > 0 ? r - npre - map : r;
}

/* Same instruction modulo register numbers? */
static int same_shape(const struct x64_insn *a, const struct x64_insn *b)
{
    int na = 0, nb = 0;
    for (int k = 0; k < 3; k++) {
        na += a->wreg[k] != X64_NOREG;
        nb += b->wreg[k] != X64_NOREG;
    }
    return a->kind == b->kind && a->has_mem == b->has_mem && a->map == b->map &&
           a->op == b->op && a->str == b->str && na == nb;
}

static uint32_t entry(int map, int op, int m)
{
    struct x64_insn in, v;
    static const uint8_t rexw[] = { 0x48 }, rex40[] = { 0x40 };
    uint32_t e = 0;

    if (map == 0 && op == 0x90)
        return FT_OK | FT_NOP | 1; /* nop; with any REX (xchg) the full path */
    if (map == 0 && ((op & 0xf0) == 0x40 || op == 0x0f || op == 0xc4 || op == 0xc5 ||
                     op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
                     op == 0x64 || op == 0x65 || op == 0x66 || op == 0x67 ||
                     op == 0xf0 || op == 0xf2 || op == 0xf3))
        return 0; /* prefixes and escapes */
    if (map == 1 && (op == 0x38 || op == 0x3a))
        return 0; /* three-byte maps: the ModRM byte is not in the key */

    int len = dec(NULL, 0, map, op, m, &in);
    if (len <= 0) {
        len = dec(rexw, 1, map, op, m, &in);
        if (len <= 0)
            return 0;
        e |= FT_WREQ | FT_REXW;
    }
    switch (in.kind) {
    case X64_K_PLAIN: case X64_K_NOP: case X64_K_LEA: case X64_K_BRANCH: case X64_K_CALL:
        break;
    default:
        return 0;
    }
    int hasm = in.has_modrm, mod = m >> 6, rm = m & 7, reg = (m >> 3) & 7;
    int sib = hasm && mod != 3 && rm == 4;
    int rip = in.has_mem && in.base == X64_RIP;

    /* The state-setting shapes take the full path: some always, some
     * depending on REX and registers (FT_SETCHK, checked by fast_step). */
    if (map == 0) {
        if ((op == 0x89 || op == 0x8b || op == 0x01 || op == 0x03 || op == 0x09 ||
             op == 0x0b) && mod == 3)
            e |= FT_SETCHK;
        if ((op == 0x81 || op == 0x83) && mod == 3 && reg == 4)
            return 0;
        if (op == 0x25)
            return 0;
        if (op == 0x8d && (sib || rip))
            e |= FT_SETCHK;
    }

    if (len > 15 || len < 1)
        return 0;
    e |= (uint32_t)len;

    /* REX bits: each allowed if the decoder accepts it, with the same
     * shape and length (REX.W may add 4 immediate bytes). */
    static const struct { uint8_t rex; uint32_t bit; } bits[] = {
        { 0x44, FT_REXR }, { 0x42, FT_REXX }, { 0x41, FT_REXB },
    };
    for (unsigned k = 0; k < sizeof bits / sizeof bits[0]; k++) {
        uint8_t pre = (uint8_t)(bits[k].rex | ((e & FT_WREQ) ? 8 : 0));
        int l = dec(&pre, 1, map, op, m, &v);
        if (l == len && same_shape(&in, &v))
            e |= bits[k].bit;
    }
    if (!(e & FT_WREQ)) {
        int l = dec(rexw, 1, map, op, m, &v);
        if (l > 0 && same_shape(&in, &v) && (l == len || l == len + 4)) {
            e |= FT_REXW;
            if (l == len + 4)
                e |= FT_IMMV;
        }
        l = dec(rex40, 1, map, op, m, &v);
        if (l == len && same_shape(&in, &v))
            e |= FT_REX40;
    }
    {
        uint8_t pre[3] = { 0x65, 0x67, 0x48 };
        int l = dec(pre, (e & FT_WREQ) ? 3 : 2, map, op, m, &v);
        if (l == len && same_shape(&in, &v))
            e |= FT_SEGUE;
    }

    if (in.has_mem & (X64_MEM_R | X64_MEM_W))
        e |= FT_MEM;
    if (in.has_mem & X64_MEM_W)
        e |= FT_MEMW;
    if (rip)
        e |= FT_RIP;
    if (sib)
        e |= FT_SIB;
    if (hasm && (mod == 2 || (mod == 0 && rm == 5)))
        e |= FT_DISP32;
    if (hasm && mod == 0)
        e |= FT_MOD0;
    if (in.kind == X64_K_NOP)
        e |= FT_NOP;
    if (in.kind == X64_K_BRANCH || in.kind == X64_K_CALL) {
        int rel = len - 1;
        if (rel == 1)
            e |= FT_BR8;
        else if (rel == 4)
            e |= FT_BR32;
        else
            return 0;
    }

    /* Registers written: find which fields, with REX.R or REX.B alone
     * making that field's register number 8..15. */
    uint8_t wpre = (e & FT_WREQ) ? 0x48 : 0x40;
    if (e & FT_REXR) {
        uint8_t pre = wpre | 0x44;
        if (dec(&pre, 1, map, op, m, &v) == len && (v.wmask >> (reg | 8) & 1))
            e |= FT_WREG;
    }
    if (e & FT_REXB) {
        uint8_t pre = wpre | 0x41;
        if (dec(&pre, 1, map, op, m, &v) == len) {
            if (hasm && mod == 3 && (v.wmask >> (rm | 8) & 1))
                e |= FT_WRM;
            if (!hasm && (v.wmask >> ((op & 7) | 8) & 1))
                e |= FT_WOPR;
        }
    }
    /* Written 8-bit fields: without REX, number 4 is %ah, not listed. */
    if (e & FT_WREG) {
        int l = (e & FT_WREQ) ? -1 : dec(NULL, 0, map, op, (m & 0xc7) | 0x20, &v);
        if (l > 0 && !(v.wmask >> 4 & 1))
            e |= FT_REGB;
    }
    if (e & FT_WOPR) {
        int l = (e & FT_WREQ) ? -1 : dec(NULL, 0, map, (op & 0xf8) | 4, m, &v);
        if (l > 0 && !(v.wmask >> 4 & 1))
            e |= FT_REGB;
    }
    if (e & FT_WRM) {
        int l = (e & FT_WREQ) ? -1 : dec(NULL, 0, map, op, (m & 0xf8) | 4, &v);
        if (l > 0 && !(v.wmask >> 4 & 1))
            e |= FT_RMB;
    }
    /* Every register the instruction lists as written must be one of the
     * fields recorded, or the fast path would miss a write. */
    {
        unsigned r8 = (e & FT_REXR) ? 8 : 0, b8 = (e & FT_REXB) ? 8 : 0;
        uint8_t pre = (uint8_t)(wpre | (r8 ? 4 : 0) | (b8 ? 1 : 0));
        if (dec(&pre, pre == 0x40 ? 0 : 1, map, op, m, &v) != len)
            return 0;
        unsigned want = 0;
        if (e & FT_WREG)
            want |= 1u << (reg | r8);
        if (e & FT_WRM)
            want |= 1u << (rm | b8);
        if (e & FT_WOPR)
            want |= 1u << ((op & 7) | b8);
        if (v.wmask & ~want)
            return 0;
    }
    return e | FT_OK;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_fasttab OUT.c\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "/* Generated by gen_fasttab from the reference decoder. */\n"
               "#include \"x64/fasttab.h\"\n\n"
               "const uint32_t x64_fasttab[2][256][256] = {\n");
    for (int map = 0; map < 2; map++) {
        fprintf(f, " {\n");
        for (int op = 0; op < 256; op++) {
            fprintf(f, "  {");
            for (int m = 0; m < 256; m++)
                fprintf(f, "%s0x%x", m ? "," : "", entry(map, op, m));
            fprintf(f, "},\n");
        }
        fprintf(f, " },\n");
    }
    fprintf(f, "};\n");
    return fclose(f) == 0 ? 0 : 1;
}
