/* __cpu_model, __cpu_features2 and __cpu_indicator_init, read by the code
 * that GCC and Clang emit for __builtin_cpu_supports / __builtin_cpu_is
 * (and function multiversioning resolvers).
 *
 * libgcc fills these from the cpuid instruction, which plain C cannot
 * execute (there is no cpuid builtin, and this library has no inline
 * assembly). We fill in the correct subset we do know: the features the
 * x86-64 architecture guarantees plus every feature this file was compiled
 * to assume (the predefined macros of -march/-m flags: a program built
 * with them cannot run on a CPU without them anyway). Everything else
 * reads as absent, which sends programs to their generic code paths. The
 * vendor is "other" and the CPU type/subtype unknown, so __builtin_cpu_is
 * is false for every vendor and model.
 *
 * The bit numbers are the feature enumeration shared by GCC 12 (libgcc)
 * and Clang 14 (compiler-rt): features 0..31 live in
 * __cpu_model.__cpu_features[0], feature f >= 32 in bit (f - 32) % 32 of
 * __cpu_features2[(f - 32) / 32]. They were read off the code both
 * compilers generate for __builtin_cpu_supports("name"). */
#include "builtins.h"

#if defined(__x86_64__) || defined(__i386__)

enum {
    F_CMOV = 0, F_MMX, F_POPCNT, F_SSE, F_SSE2, F_SSE3, F_SSSE3, F_SSE4_1,
    F_SSE4_2, F_AVX, F_AVX2, F_SSE4A, F_FMA4, F_XOP, F_FMA, F_AVX512F,
    F_BMI, F_BMI2, F_AES, F_PCLMUL, F_AVX512VL, F_AVX512BW, F_AVX512DQ,
    F_AVX512CD, F_AVX512ER, F_AVX512PF, F_AVX512VBMI, F_AVX512IFMA,
    F_AVX5124VNNIW, F_AVX5124FMAPS, F_AVX512VPOPCNTDQ, F_AVX512VBMI2,
    F_GFNI, F_VPCLMULQDQ, F_AVX512VNNI, F_AVX512BITALG, F_AVX512BF16,
    F_AVX512VP2INTERSECT, F_3DNOW, F_3DNOWP, F_ADX, F_ABM, F_CLDEMOTE,
    F_CLFLUSHOPT, F_CLWB, F_CLZERO, F_CMPXCHG16B, F_CMPXCHG8B, F_ENQCMD,
    F_F16C, F_FSGSBASE, F_FXSAVE, F_HLE, F_IBT, F_LAHF_LM, F_LM, F_LWP,
    F_LZCNT, F_MOVBE, F_MOVDIR64B, F_MOVDIRI, F_MWAITX, F_OSXSAVE,
    F_PCONFIG, F_PKU, F_PREFETCHWT1, F_PRFCHW, F_PTWRITE, F_RDPID, F_RDRND,
    F_RDSEED, F_RTM, F_SERIALIZE, F_SGX, F_SHA, F_SHSTK, F_TBM, F_TSXLDTRK,
    F_VAES, F_WAITPKG, F_WBNOINVD, F_XSAVE, F_XSAVEC, F_XSAVEOPT, F_XSAVES,
    F_AMX_TILE, F_AMX_INT8, F_AMX_BF16, F_UINTR, F_HRESET, F_KL, F_AESKLE,
    F_WIDEKL, F_AVXVNNI, F_AVX512FP16, F_X86_64, F_X86_64_V2, F_X86_64_V3,
    F_X86_64_V4, F_COUNT
};

/* Split the feature set into words 0 (__cpu_features[0]) and 1..4
 * (__cpu_features2[0..3]): W(f, w) is f's bit if f belongs to word w. */
#define W(f, w) ((f) / 32 == (w) ? (unsigned)1 << ((f) % 32) : 0u)

#ifdef __MMX__
#define HAS_MMX(w) W(F_MMX, w)
#else
#define HAS_MMX(w) 0u
#endif

/* One term per feature that a predefined macro can vouch for. */
#define KNOWN(w) (                                                  \
    W(F_CMOV, w) | W(F_CMPXCHG8B, w) | HAS_MMX(w) | SSE_BITS(w) |    \
    AVX_BITS(w) | OTHER_BITS(w) | ARCH_BITS(w))

#if defined(__x86_64__)
#define ARCH_BITS(w) (W(F_LM, w) | W(F_X86_64, w))
#else
#define ARCH_BITS(w) 0u
#endif

#define M(macro_defined, f, w) ((macro_defined) ? W(f, w) : 0u)

#ifdef __SSE__
#define D_SSE 1
#else
#define D_SSE 0
#endif
#ifdef __SSE2__
#define D_SSE2 1
#else
#define D_SSE2 0
#endif
#ifdef __SSE3__
#define D_SSE3 1
#else
#define D_SSE3 0
#endif
#ifdef __SSSE3__
#define D_SSSE3 1
#else
#define D_SSSE3 0
#endif
#ifdef __SSE4_1__
#define D_SSE4_1 1
#else
#define D_SSE4_1 0
#endif
#ifdef __SSE4_2__
#define D_SSE4_2 1
#else
#define D_SSE4_2 0
#endif
#ifdef __SSE4A__
#define D_SSE4A 1
#else
#define D_SSE4A 0
#endif
#ifdef __POPCNT__
#define D_POPCNT 1
#else
#define D_POPCNT 0
#endif
#define SSE_BITS(w) (M(D_SSE, F_SSE, w) | M(D_SSE2, F_SSE2, w) |        \
    M(D_SSE3, F_SSE3, w) | M(D_SSSE3, F_SSSE3, w) |                     \
    M(D_SSE4_1, F_SSE4_1, w) | M(D_SSE4_2, F_SSE4_2, w) |               \
    M(D_SSE4A, F_SSE4A, w) | M(D_POPCNT, F_POPCNT, w))

#ifdef __AVX__
#define D_AVX 1
#else
#define D_AVX 0
#endif
#ifdef __AVX2__
#define D_AVX2 1
#else
#define D_AVX2 0
#endif
#ifdef __FMA__
#define D_FMA 1
#else
#define D_FMA 0
#endif
#ifdef __FMA4__
#define D_FMA4 1
#else
#define D_FMA4 0
#endif
#ifdef __XOP__
#define D_XOP 1
#else
#define D_XOP 0
#endif
#ifdef __AVX512F__
#define D_AVX512F 1
#else
#define D_AVX512F 0
#endif
#ifdef __AVX512VL__
#define D_AVX512VL 1
#else
#define D_AVX512VL 0
#endif
#ifdef __AVX512BW__
#define D_AVX512BW 1
#else
#define D_AVX512BW 0
#endif
#ifdef __AVX512DQ__
#define D_AVX512DQ 1
#else
#define D_AVX512DQ 0
#endif
#ifdef __AVX512CD__
#define D_AVX512CD 1
#else
#define D_AVX512CD 0
#endif
#ifdef __AVX512VBMI__
#define D_AVX512VBMI 1
#else
#define D_AVX512VBMI 0
#endif
#ifdef __AVX512IFMA__
#define D_AVX512IFMA 1
#else
#define D_AVX512IFMA 0
#endif
#ifdef __AVX512VBMI2__
#define D_AVX512VBMI2 1
#else
#define D_AVX512VBMI2 0
#endif
#ifdef __AVX512VNNI__
#define D_AVX512VNNI 1
#else
#define D_AVX512VNNI 0
#endif
#ifdef __AVX512BITALG__
#define D_AVX512BITALG 1
#else
#define D_AVX512BITALG 0
#endif
#ifdef __AVX512VPOPCNTDQ__
#define D_AVX512VPOPCNTDQ 1
#else
#define D_AVX512VPOPCNTDQ 0
#endif
#ifdef __AVX512BF16__
#define D_AVX512BF16 1
#else
#define D_AVX512BF16 0
#endif
#ifdef __AVXVNNI__
#define D_AVXVNNI 1
#else
#define D_AVXVNNI 0
#endif
#define AVX_BITS(w) (M(D_AVX, F_AVX, w) | M(D_AVX2, F_AVX2, w) |        \
    M(D_FMA, F_FMA, w) | M(D_FMA4, F_FMA4, w) | M(D_XOP, F_XOP, w) |    \
    M(D_AVX512F, F_AVX512F, w) | M(D_AVX512VL, F_AVX512VL, w) |         \
    M(D_AVX512BW, F_AVX512BW, w) | M(D_AVX512DQ, F_AVX512DQ, w) |       \
    M(D_AVX512CD, F_AVX512CD, w) | M(D_AVX512VBMI, F_AVX512VBMI, w) |   \
    M(D_AVX512IFMA, F_AVX512IFMA, w) |                                  \
    M(D_AVX512VBMI2, F_AVX512VBMI2, w) |                                \
    M(D_AVX512VNNI, F_AVX512VNNI, w) |                                  \
    M(D_AVX512BITALG, F_AVX512BITALG, w) |                              \
    M(D_AVX512VPOPCNTDQ, F_AVX512VPOPCNTDQ, w) |                        \
    M(D_AVX512BF16, F_AVX512BF16, w) | M(D_AVXVNNI, F_AVXVNNI, w))

#ifdef __BMI__
#define D_BMI 1
#else
#define D_BMI 0
#endif
#ifdef __BMI2__
#define D_BMI2 1
#else
#define D_BMI2 0
#endif
#ifdef __AES__
#define D_AES 1
#else
#define D_AES 0
#endif
#ifdef __PCLMUL__
#define D_PCLMUL 1
#else
#define D_PCLMUL 0
#endif
#ifdef __LZCNT__
#define D_LZCNT 1
#else
#define D_LZCNT 0
#endif
#ifdef __MOVBE__
#define D_MOVBE 1
#else
#define D_MOVBE 0
#endif
#ifdef __F16C__
#define D_F16C 1
#else
#define D_F16C 0
#endif
#ifdef __ADX__
#define D_ADX 1
#else
#define D_ADX 0
#endif
#ifdef __RDRND__
#define D_RDRND 1
#else
#define D_RDRND 0
#endif
#ifdef __RDSEED__
#define D_RDSEED 1
#else
#define D_RDSEED 0
#endif
#ifdef __SHA__
#define D_SHA 1
#else
#define D_SHA 0
#endif
#ifdef __GFNI__
#define D_GFNI 1
#else
#define D_GFNI 0
#endif
#ifdef __VAES__
#define D_VAES 1
#else
#define D_VAES 0
#endif
#ifdef __VPCLMULQDQ__
#define D_VPCLMULQDQ 1
#else
#define D_VPCLMULQDQ 0
#endif
#ifdef __FXSR__
#define D_FXSR 1
#else
#define D_FXSR 0
#endif
#ifdef __XSAVE__
#define D_XSAVE 1
#else
#define D_XSAVE 0
#endif
#ifdef __XSAVEOPT__
#define D_XSAVEOPT 1
#else
#define D_XSAVEOPT 0
#endif
#ifdef __XSAVEC__
#define D_XSAVEC 1
#else
#define D_XSAVEC 0
#endif
#ifdef __XSAVES__
#define D_XSAVES 1
#else
#define D_XSAVES 0
#endif
#ifdef __FSGSBASE__
#define D_FSGSBASE 1
#else
#define D_FSGSBASE 0
#endif
#ifdef __PRFCHW__
#define D_PRFCHW 1
#else
#define D_PRFCHW 0
#endif
#ifdef __CLFLUSHOPT__
#define D_CLFLUSHOPT 1
#else
#define D_CLFLUSHOPT 0
#endif
#ifdef __CLWB__
#define D_CLWB 1
#else
#define D_CLWB 0
#endif
#ifdef __GCC_HAVE_SYNC_COMPARE_AND_SWAP_16
#define D_CX16 1
#else
#define D_CX16 0
#endif
#define OTHER_BITS(w) (M(D_BMI, F_BMI, w) | M(D_BMI2, F_BMI2, w) |      \
    M(D_AES, F_AES, w) | M(D_PCLMUL, F_PCLMUL, w) |                     \
    M(D_LZCNT, F_LZCNT, w) | M(D_MOVBE, F_MOVBE, w) |                   \
    M(D_F16C, F_F16C, w) | M(D_ADX, F_ADX, w) | M(D_RDRND, F_RDRND, w) | \
    M(D_RDSEED, F_RDSEED, w) | M(D_SHA, F_SHA, w) | M(D_GFNI, F_GFNI, w) | \
    M(D_VAES, F_VAES, w) | M(D_VPCLMULQDQ, F_VPCLMULQDQ, w) |           \
    M(D_FXSR, F_FXSAVE, w) | M(D_XSAVE, F_XSAVE, w) |                   \
    M(D_XSAVEOPT, F_XSAVEOPT, w) | M(D_XSAVEC, F_XSAVEC, w) |           \
    M(D_XSAVES, F_XSAVES, w) | M(D_FSGSBASE, F_FSGSBASE, w) |           \
    M(D_PRFCHW, F_PRFCHW, w) | M(D_CLFLUSHOPT, F_CLFLUSHOPT, w) |       \
    M(D_CLWB, F_CLWB, w) | M(D_CX16, F_CMPXCHG16B, w))

_Static_assert(F_X86_64_V4 == 98, "feature numbering");
_Static_assert(F_COUNT <= 32 * 5, "feature words");

enum { VENDOR_OTHER = 3 };

struct lfi_processor_model {
    unsigned int cpu_vendor;
    unsigned int cpu_type;
    unsigned int cpu_subtype;
    unsigned int cpu_features[1];
};

/* Statically initialized: valid before any constructor runs, so
 * __cpu_indicator_init has nothing left to do. */
struct lfi_processor_model LFI_BUILTIN(__cpu_model) = {
    VENDOR_OTHER, 0, 0, { KNOWN(0) }
};

/* GCC 12 uses three words, Clang 14 one; room for four. */
unsigned int LFI_BUILTIN(__cpu_features2)[4] = {
    KNOWN(1), KNOWN(2), KNOWN(3), KNOWN(4)
};

int LFI_BUILTIN(__cpu_indicator_init)(void)
{
    return 0;
}

#else
/* Not x86: nothing uses these symbols; keep the translation unit
 * non-empty. */
typedef int lfi_cpu_model_unused;
#endif
