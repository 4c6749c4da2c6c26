/* x86-64 register names. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64/x64.h"

static const char *const gpr64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const gpr32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const gpr16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const gpr8[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const gpr8h[8] = { 0, 0, 0, 0, "ah", "ch", "dh", "bh" };
static const char *const segs[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

const char *x64_gpr_name(int num, int width)
{
    if (num < 0 || num > 15)
        return "?";
    switch (width) {
    case 1: return gpr8[num];
    case 2: return gpr16[num];
    case 4: return gpr32[num];
    default: return gpr64[num];
    }
}

static bool eq(const char *a, const char *b, size_t n)
{
    return strlen(b) == n && memcmp(a, b, n) == 0;
}

/* "xmm12" style: prefix then a decimal number below max. */
static bool numbered(const char *s, size_t n, const char *pfx, int max, int *num)
{
    size_t pl = strlen(pfx);
    if (n <= pl || memcmp(s, pfx, pl) != 0 || n - pl > 2)
        return false;
    int v = 0;
    for (size_t i = pl; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (n - pl == 2 && s[pl] == '0')
        return false;
    if (v >= max)
        return false;
    *num = v;
    return true;
}

bool x64_reg_lookup(const char *name, size_t n, struct x64_reg *r)
{
    char s[16];
    if (n == 0 || n >= sizeof s)
        return false;
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)name[i]);
    s[n] = 0;
    for (int i = 0; i < 16; i++) {
        if (eq(s, gpr64[i], n)) { *r = (struct x64_reg){ X64_R_GPR, (uint8_t)i, 8 }; return true; }
        if (eq(s, gpr32[i], n)) { *r = (struct x64_reg){ X64_R_GPR, (uint8_t)i, 4 }; return true; }
        if (eq(s, gpr16[i], n)) { *r = (struct x64_reg){ X64_R_GPR, (uint8_t)i, 2 }; return true; }
        if (eq(s, gpr8[i], n)) { *r = (struct x64_reg){ X64_R_GPR, (uint8_t)i, 1 }; return true; }
    }
    for (int i = 4; i < 8; i++)
        if (eq(s, gpr8h[i], n)) { *r = (struct x64_reg){ X64_R_GPR8H, (uint8_t)i, 1 }; return true; }
    if (eq(s, "rip", n)) { *r = (struct x64_reg){ X64_R_IP, 0, 8 }; return true; }
    if (eq(s, "eip", n)) { *r = (struct x64_reg){ X64_R_IP, 0, 4 }; return true; }
    if (eq(s, "riz", n)) { *r = (struct x64_reg){ X64_R_IZ, 0, 8 }; return true; }
    if (eq(s, "eiz", n)) { *r = (struct x64_reg){ X64_R_IZ, 0, 4 }; return true; }
    for (int i = 0; i < 6; i++)
        if (eq(s, segs[i], n)) { *r = (struct x64_reg){ X64_R_SEG, (uint8_t)i, 2 }; return true; }
    if (eq(s, "st", n)) { *r = (struct x64_reg){ X64_R_ST, 0, 10 }; return true; }
    static const struct { const char *p; uint8_t cls; int max; } nb[] = {
        { "xmm", X64_R_XMM, 32 }, { "ymm", X64_R_YMM, 32 }, { "zmm", X64_R_ZMM, 32 },
        { "mm", X64_R_MM, 8 }, { "k", X64_R_K, 8 }, { "cr", X64_R_CR, 16 },
        { "dr", X64_R_DR, 16 }, { "bnd", X64_R_BND, 4 }, { "tmm", X64_R_TMM, 8 },
    };
    for (size_t i = 0; i < sizeof nb / sizeof nb[0]; i++) {
        int v;
        if (numbered(s, n, nb[i].p, nb[i].max, &v)) {
            *r = (struct x64_reg){ nb[i].cls, (uint8_t)v, 0 };
            return true;
        }
    }
    return false;
}
