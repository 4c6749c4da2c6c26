/* Build-time generator of the fast-path tables (see fasttab.h): every
 * entry is derived by running the reference decoder on the encoding it
 * describes, without REX and with each of the 16 REX bytes, and with the
 * 65 67 prefix pair. Usage: gen_fasttab OUT.c */
#include <stdio.h>
#include <string.h>

#include "x64/decode.h"
#include "x64/fasttab.h"

/* The fast maps (fasttab.h, FM_*): mandatory or operand-size prefix and
 * opcode map of each. */
static const struct { uint8_t mp; uint8_t map; } fmaps[FM_N] = {
    [FM_1B] = { 0, X64_MAP_1B }, [FM_0F] = { 0, X64_MAP_0F },
    [FM_66_1B] = { 0x66, X64_MAP_1B }, [FM_66_0F] = { 0x66, X64_MAP_0F },
    [FM_F3_0F] = { 0xf3, X64_MAP_0F }, [FM_F2_0F] = { 0xf2, X64_MAP_0F },
    [FM_66_0F38] = { 0x66, X64_MAP_0F38 }, [FM_66_0F3A] = { 0x66, X64_MAP_0F3A },
};

/* Decode [mandatory prefix] PRE, [0f [38|3a]], op, m, then a SIB
 * placeholder (base %rsp, no index) and zeros. PRE is 65 67 and/or a REX
 * byte. Returns the length from the opcode byte on, or <= 0. */
static int dec(int fm, const uint8_t *pre, int npre, int op, int m,
               struct x64_insn *in)
{
    uint8_t b[32];
    int k = 0;
    memset(b, 0, sizeof b);
    if (fmaps[fm].mp)
        b[k++] = fmaps[fm].mp;
    memcpy(b + k, pre, (size_t)npre);
    k += npre;
    int map = fmaps[fm].map;
    if (map != X64_MAP_1B)
        b[k++] = 0x0f;
    if (map == X64_MAP_0F38)
        b[k++] = 0x38;
    if (map == X64_MAP_0F3A)
        b[k++] = 0x3a;
    int before = k;
    b[k++] = (uint8_t)op;
    b[k++] = (uint8_t)m;
    b[k] = 0x24;
    int r = x64_decode_reference(b, sizeof b, in);
    return r > 0 ? r - before : r;
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

static uint32_t entry(int fm, int op, int m)
{
    int map = fmaps[fm].map;
    struct x64_insn in, v;
    static const uint8_t rexw[] = { 0x48 };
    uint32_t e = 0;
    int wreq = 0;

    if (fm == FM_1B && op == 0x90) /* nop; with any REX (xchg) the full path */
        return FT_NOP | 1 | (1u << (FT_OKX_SHIFT + FT_OKX_NOREX));
    if (map == X64_MAP_1B && op == 0x90)
        return 0; /* 66 90: the assembler-padding path */
    if (map == X64_MAP_1B && ((op & 0xf0) == 0x40 || op == 0x0f || op == 0xc4 || op == 0xc5 ||
                     op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
                     op == 0x64 || op == 0x65 || op == 0x66 || op == 0x67 ||
                     op == 0xf0 || op == 0xf2 || op == 0xf3))
        return 0; /* prefixes and escapes */
    if (map == X64_MAP_0F && (op == 0x38 || op == 0x3a))
        return 0; /* three-byte maps: the ModRM byte is not in the key */

    int len = dec(fm, NULL, 0, op, m, &in);
    if (len <= 0) {
        len = dec(fm, rexw, 1, op, m, &in);
        if (len <= 0)
            return 0;
        wreq = 1;
    }
    int hasm = in.has_modrm, mod = m >> 6, rm = m & 7, reg = (m >> 3) & 7;
    int sib = hasm && mod != 3 && rm == 4;

    switch (in.kind) {
    case X64_K_PLAIN: case X64_K_NOP: case X64_K_LEA: case X64_K_BRANCH: case X64_K_CALL:
        break;
    case X64_K_JMP_IND: case X64_K_CALL_IND:
        /* jmp/call *%rX: the masked-branch check in fast_setter. */
        if (fm == FM_1B && hasm && mod == 3)
            break;
        return 0;
    default:
        return 0;
    }

    /* The shapes that set or use register state, or may write %esp as
     * the first half of the %rsp re-base, are handled by fast_setter
     * (verify_x64.c), which applies the same rules as check_insn_full.
     * FT_SETCHK marks every entry that may be one of them. */
    if (fm == FM_1B) {
        if ((op == 0x89 || op == 0x8b || op == 0x01 || op == 0x03 || op == 0x09 ||
             op == 0x0b) && mod == 3)
            e |= FT_SETCHK;
        if ((op == 0x81 || op == 0x83) && mod == 3 && (reg == 4 || rm == 4))
            e |= FT_SETCHK;
        if (op == 0x25 || op == 0x8d)
            e |= FT_SETCHK;
        if (in.kind == X64_K_JMP_IND || in.kind == X64_K_CALL_IND)
            e |= FT_SETCHK;
    }
    /* fast_setter does no memory-operand or branch checks. */
    if ((e & FT_SETCHK) && ((in.has_mem & (X64_MEM_R | X64_MEM_W)) ||
                            in.kind == X64_K_BRANCH || in.kind == X64_K_CALL))
        return 0;
    if (len > 15 || len < 1)
        return 0;
    e |= (uint32_t)len;

    /* REX.W may make the immediate 4 bytes longer (mov $imm64). */
    int immv = 0;
    if (!wreq) {
        int l = dec(fm, rexw, 1, op, m, &v);
        if (l == len + 4 && same_shape(&in, &v))
            immv = 1;
    }
    if (immv)
        e |= FT_IMMV;

    /* Each REX byte (and none): allowed if the decoder accepts it with the
     * same shape and length, and (unless fast_setter decides) if the
     * instruction then writes neither %rsp nor %r14. */
    for (int k = 0; k <= FT_OKX_NOREX; k++) {
        uint8_t pre = (uint8_t)(0x40 | k);
        int l = dec(fm, &pre, k == FT_OKX_NOREX ? 0 : 1, op, m, &v);
        int want = len + ((immv && k != FT_OKX_NOREX && (k & 8)) ? 4 : 0);
        if (l != want || !same_shape(&in, &v))
            continue;
        if (!(e & FT_SETCHK) && (v.wmask & ((1u << X64_RSP) | (1u << X64_R14))))
            continue;
        e |= 1u << (FT_OKX_SHIFT + k);
    }
    if (!(e & FT_OKX))
        return 0;

    /* 65 67: the same with the %gs segment and 32-bit addressing. */
    {
        uint8_t pre[3] = { 0x65, 0x67, 0x48 };
        int l = dec(fm, pre, wreq ? 3 : 2, op, m, &v);
        if (l == len && same_shape(&in, &v))
            e |= FT_SEGUE;
    }

    if (in.has_mem & (X64_MEM_R | X64_MEM_W))
        e |= FT_MEM;
    if (in.has_mem & X64_MEM_W)
        e |= FT_MEMW;
    if (sib)
        e |= FT_SIB;
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
    return e;
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
    for (int fm = 0; fm < 2; fm++) {
        fprintf(f, " {\n");
        for (int op = 0; op < 256; op++) {
            fprintf(f, "  {");
            for (int m = 0; m < 256; m++)
                fprintf(f, "%s0x%x", m ? "," : "", entry(fm, op, m));
            fprintf(f, "},\n");
        }
        fprintf(f, " },\n");
    }
    fprintf(f, "};\n\n");

    /* The prefixed maps, as rows shared between opcodes (row 0: empty). */
    static uint32_t rows[FM_N * 256][256];
    static uint16_t idx[FM_N - FM_66_1B][256];
    int nrows = 1;
    for (int fm = FM_66_1B; fm < FM_N; fm++) {
        for (int op = 0; op < 256; op++) {
            uint32_t row[256];
            for (int m = 0; m < 256; m++)
                row[m] = entry(fm, op, m);
            int k;
            for (k = 0; k < nrows; k++)
                if (!memcmp(rows[k], row, sizeof row))
                    break;
            if (k == nrows)
                memcpy(rows[nrows++], row, sizeof row);
            idx[fm - FM_66_1B][op] = (uint16_t)k;
        }
    }
    fprintf(f, "const uint16_t x64_fastpfx_row[%d][256] = {\n", FM_N - FM_66_1B);
    for (int fm = FM_66_1B; fm < FM_N; fm++) {
        fprintf(f, " {");
        for (int op = 0; op < 256; op++)
            fprintf(f, "%s%d", op ? "," : "", idx[fm - FM_66_1B][op]);
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n\nconst uint32_t x64_fastpfx_rows[%d][256] = {\n", nrows);
    for (int k = 0; k < nrows; k++) {
        fprintf(f, " {");
        for (int m = 0; m < 256; m++)
            fprintf(f, "%s0x%x", m ? "," : "", rows[k][m]);
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n");
    return fclose(f) == 0 ? 0 : 1;
}
