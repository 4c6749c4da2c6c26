/* lfi_arch.h: architecture-specific parts of the liblfi-core API.
 *
 * struct LFIRegs is the register file of one sandbox context. It may be read
 * and written between runs and inside system-call handlers and callbacks
 * (lfi_ctx_regs). The runtime's assembly uses fixed offsets into it, so its
 * layout is part of the ABI (it matches the public LFI runtime's).
 *
 * Fields the runtime owns and never takes from the embedder without checking:
 *  - host_sp, host_tp: private to the runtime;
 *  - the base register (x64 r14, arm64 x27) is always reset to the box base
 *    on entry;
 *  - the stack pointer and the return point of a runtime call are forced
 *    into the box on entry (base + low 32 bits).
 */
#ifndef LFI_ARCH_H
#define LFI_ARCH_H

#include <stdint.h>

#if defined(__x86_64__)
#define LFI_ARCH_X64 1
#elif defined(__aarch64__)
#define LFI_ARCH_ARM64 1
#elif defined(__riscv) && __riscv_xlen == 64
#define LFI_ARCH_RISCV64 1
#else
#error "liblfi: unsupported architecture"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LFI_ARCH_X64)

struct LFIRegs {
    uint64_t host_sp;               /*   0: runtime-private */
    uint64_t host_tp;               /*   8: runtime-private */
    union {                         /*  16: sandbox thread pointer */
        uint64_t _tp;
        uint64_t tp;
    };
    uint64_t retaddr;               /*  24: return stub of LFI_INVOKE (informative) */
    uint64_t pkey;                  /*  32: unused (no PKU support) */
    union {                         /*  40: stack pointer */
        uint64_t rsp;
        uint64_t sp;
    };
    uint64_t rax;                   /*  48 */
    uint64_t rcx;                   /*  56 */
    uint64_t rdx;                   /*  64 */
    uint64_t rbx;                   /*  72 */
    uint64_t rbp;                   /*  80 */
    uint64_t rsi;                   /*  88 */
    uint64_t rdi;                   /*  96 */
    uint64_t r8;                    /* 104 */
    uint64_t r9;                    /* 112 */
    uint64_t r10;                   /* 120 */
    uint64_t r11;                   /* 128: runtime-call return point */
    uint64_t r12;                   /* 136 */
    uint64_t r13;                   /* 144 */
    uint64_t r14;                   /* 152: box base (reset on entry) */
    uint64_t r15;                   /* 160 */
    uint16_t fcw;                   /* 168: x87 control word */
    uint16_t _pad0;                 /* 170 */
    uint32_t mxcsr;                 /* 172 */
    uint64_t _pad[2];               /* 176 */
    uint64_t xmm[32];               /* 192: xmm0..xmm15, 16 bytes each */
};

#elif defined(LFI_ARCH_ARM64)

struct LFIRegs {
    uint64_t host_sp;               /*   0 */
    uint64_t host_tp;               /*   8 */
    union {                         /*  16 */
        uint64_t _tp;
        uint64_t tp;
    };
    uint64_t retaddr;               /*  24 */
    uint64_t x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14,
        x15, x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28,
        x29, x30;                   /*  32..272 */
    uint64_t sp;                    /* 280 */
    uint64_t vector[64];            /* 288: v0..v31 */
};

#elif defined(LFI_ARCH_RISCV64)

struct LFIRegs {
    uint64_t host_sp, host_tp;
    union {
        uint64_t _tp;
        uint64_t tp;
    };
    uint64_t retaddr;
    uint64_t zero, ra, sp, gp, rtp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5,
        a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
    uint64_t f[32];
};

#endif

#ifdef __cplusplus
}
#endif

#endif
