/* Bit operations: population count, parity, leading/trailing zero counts,
 * find-first-set and byte swaps. Written with shifts and masks: a
 * __builtin_popcount here would itself become a call to __popcountdi2 on
 * x86-64 without -mpopcnt. clz/ctz of 0 return the operand width. */
#include "builtins.h"

static int pop64(du_int x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    x += x >> 8;
    x += x >> 16;
    x += x >> 32;
    return (int)(x & 0x7f);
}

static int parity64(du_int x)
{
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return (int)(x & 1);
}

static int clz64(du_int x)
{
    int n = 0;
    if (x == 0)
        return 64;
    if (!(x >> 32)) { n += 32; x <<= 32; }
    if (!(x >> 48)) { n += 16; x <<= 16; }
    if (!(x >> 56)) { n += 8; x <<= 8; }
    if (!(x >> 60)) { n += 4; x <<= 4; }
    if (!(x >> 62)) { n += 2; x <<= 2; }
    if (!(x >> 63)) { n += 1; }
    return n;
}

static int ctz64(du_int x)
{
    if (x == 0)
        return 64;
    return 63 - clz64(x & -x);
}

int LFI_BUILTIN(__popcountsi2)(su_int a) { return pop64(a); }
int LFI_BUILTIN(__popcountdi2)(du_int a) { return pop64(a); }
int LFI_BUILTIN(__popcountti2)(tu_int a)
{
    return pop64(lfi_hi64(a)) + pop64(lfi_lo64(a));
}

int LFI_BUILTIN(__paritysi2)(su_int a) { return parity64(a); }
int LFI_BUILTIN(__paritydi2)(du_int a) { return parity64(a); }
int LFI_BUILTIN(__parityti2)(tu_int a)
{
    return parity64(lfi_hi64(a) ^ lfi_lo64(a));
}

int LFI_BUILTIN(__clzsi2)(su_int a) { return clz64(a) - 32; }
int LFI_BUILTIN(__clzdi2)(du_int a) { return clz64(a); }
int LFI_BUILTIN(__clzti2)(tu_int a)
{
    du_int hi = lfi_hi64(a);
    return hi ? clz64(hi) : 64 + clz64(lfi_lo64(a));
}

int LFI_BUILTIN(__ctzsi2)(su_int a) { return a ? ctz64(a) : 32; }
int LFI_BUILTIN(__ctzdi2)(du_int a) { return ctz64(a); }
int LFI_BUILTIN(__ctzti2)(tu_int a)
{
    du_int lo = lfi_lo64(a);
    return lo ? ctz64(lo) : 64 + ctz64(lfi_hi64(a));
}

int LFI_BUILTIN(__ffssi2)(su_int a) { return a ? ctz64(a) + 1 : 0; }
int LFI_BUILTIN(__ffsdi2)(du_int a) { return a ? ctz64(a) + 1 : 0; }
int LFI_BUILTIN(__ffsti2)(tu_int a)
{
    return a ? LFI_BUILTIN(__ctzti2)(a) + 1 : 0;
}

su_int LFI_BUILTIN(__bswapsi2)(su_int a)
{
    return (a >> 24) | ((a >> 8) & 0xff00u) | ((a << 8) & 0xff0000u) | (a << 24);
}

du_int LFI_BUILTIN(__bswapdi2)(du_int a)
{
    return ((du_int)LFI_BUILTIN(__bswapsi2)((su_int)a) << 32) |
           LFI_BUILTIN(__bswapsi2)((su_int)(a >> 32));
}

/* Leading redundant sign bits: how many bits after the sign bit equal it. */
int LFI_BUILTIN(__clrsbdi2)(di_int a)
{
    du_int u = (du_int)a;
    return clz64(u ^ (du_int)(a >> 63)) - 1;
}

int LFI_BUILTIN(__clrsbti2)(ti_int a)
{
    tu_int u = (tu_int)a ^ (tu_int)(a >> 127);
    du_int hi = lfi_hi64(u);
    return (hi ? clz64(hi) : 64 + clz64(lfi_lo64(u))) - 1;
}
