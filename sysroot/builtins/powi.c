/* x raised to an integer power, by repeated squaring (__builtin_powi). */
#include "builtins.h"

#define POWI(NAME, T)                                   \
    T LFI_BUILTIN(NAME)(T a, int b)                     \
    {                                                   \
        unsigned n = b < 0 ? -(unsigned)b : (unsigned)b;\
        T r = (n & 1) ? a : (T)1;                       \
        while (n >>= 1) {                               \
            a *= a;                                     \
            if (n & 1)                                  \
                r *= a;                                 \
        }                                               \
        return b < 0 ? (T)1 / r : r;                    \
    }

POWI(__powisf2, float)
POWI(__powidf2, double)
POWI(__powixf2, long double)
