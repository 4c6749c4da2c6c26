/* -ftrapv helpers: signed add, subtract, multiply, negate and absolute
 * value that trap (__builtin_trap, ud2 on x86-64) instead of wrapping.
 * GCC calls them for int, long and __int128 under -ftrapv; Clang checks
 * inline. */
#include "builtins.h"

ti_int LFI_BUILTIN(__muloti4)(ti_int a, ti_int b, int *overflow);

si_int LFI_BUILTIN(__addvsi3)(si_int a, si_int b)
{
    si_int r;
    if (__builtin_add_overflow(a, b, &r))
        __builtin_trap();
    return r;
}

di_int LFI_BUILTIN(__addvdi3)(di_int a, di_int b)
{
    di_int r;
    if (__builtin_add_overflow(a, b, &r))
        __builtin_trap();
    return r;
}

ti_int LFI_BUILTIN(__addvti3)(ti_int a, ti_int b)
{
    ti_int r = (ti_int)((tu_int)a + (tu_int)b);
    if ((b >= 0) != (r >= a))
        __builtin_trap();
    return r;
}

si_int LFI_BUILTIN(__subvsi3)(si_int a, si_int b)
{
    si_int r;
    if (__builtin_sub_overflow(a, b, &r))
        __builtin_trap();
    return r;
}

di_int LFI_BUILTIN(__subvdi3)(di_int a, di_int b)
{
    di_int r;
    if (__builtin_sub_overflow(a, b, &r))
        __builtin_trap();
    return r;
}

ti_int LFI_BUILTIN(__subvti3)(ti_int a, ti_int b)
{
    ti_int r = (ti_int)((tu_int)a - (tu_int)b);
    if ((b >= 0) != (r <= a))
        __builtin_trap();
    return r;
}

si_int LFI_BUILTIN(__mulvsi3)(si_int a, si_int b)
{
    di_int p = (di_int)a * b;
    if (p < INT32_MIN || p > INT32_MAX)
        __builtin_trap();
    return (si_int)p;
}

di_int LFI_BUILTIN(__mulvdi3)(di_int a, di_int b)
{
    ti_int p = (ti_int)a * b;
    if (p < INT64_MIN || p > INT64_MAX)
        __builtin_trap();
    return (di_int)p;
}

ti_int LFI_BUILTIN(__mulvti3)(ti_int a, ti_int b)
{
    int ovf;
    ti_int r = LFI_BUILTIN(__muloti4)(a, b, &ovf);
    if (ovf)
        __builtin_trap();
    return r;
}

si_int LFI_BUILTIN(__negvsi2)(si_int a)
{
    if (a == INT32_MIN)
        __builtin_trap();
    return -a;
}

di_int LFI_BUILTIN(__negvdi2)(di_int a)
{
    if (a == INT64_MIN)
        __builtin_trap();
    return -a;
}

ti_int LFI_BUILTIN(__negvti2)(ti_int a)
{
    if (a == TI_MIN)
        __builtin_trap();
    return -a;
}

si_int LFI_BUILTIN(__absvsi2)(si_int a)
{
    if (a == INT32_MIN)
        __builtin_trap();
    return a < 0 ? -a : a;
}

di_int LFI_BUILTIN(__absvdi2)(di_int a)
{
    if (a == INT64_MIN)
        __builtin_trap();
    return a < 0 ? -a : a;
}

ti_int LFI_BUILTIN(__absvti2)(ti_int a)
{
    if (a == TI_MIN)
        __builtin_trap();
    return a < 0 ? -a : a;
}
