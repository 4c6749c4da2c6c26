/* liblfiv: the LFI machine-code verifier.
 *
 * The verifier decides whether a buffer of machine code may run inside an
 * LFI sandbox. It is the only trusted part of the toolchain: the compiler and
 * rewriter may be wrong, the verifier may not. The rules it enforces are
 * described in docs/verifier.md.
 *
 * Contract with the runtime (x86-64):
 *  - A sandbox is the 4 GiB region [B, B+4 GiB) with B 4 GiB-aligned; %r14
 *    and the %gs base hold B. The verifier takes B to be the 4 GiB-aligned
 *    region containing `addr`: direct branch targets must stay inside it.
 *  - Non-%gs memory operands reach at most LFIV_X64_REACH bytes below B and
 *    above B+4 GiB. The runtime never maps anything there that the sandbox
 *    must not touch (docs/verifier.md, "Reach").
 *  - A buffer verified in one call is one unit: code in it may jump directly
 *    to any instruction start in it that is not inside a macro-instruction.
 *    Targets outside the buffer must be bundle starts (32-byte aligned). So a
 *    runtime may unmap or replace a verified region only as a whole, or must
 *    verify with LFIV_ALIGNED_TARGETS.
 */
#ifndef LFIV_H
#define LFIV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lfiv_arch {
    LFIV_ARCH_X64 = 1,
    LFIV_ARCH_ARM64 = 2,
};

enum lfiv_mode {
    LFIV_MODE_FULL = 0,   /* loads, stores and control flow are sandboxed */
    LFIV_MODE_STORES = 1, /* stores and control flow only; loads are free */
};

/* Flags for lfiv_options.flags. */
enum {
    /* Every direct branch target must be 32-byte aligned (the public
     * reference verifier's rule). Without it, targets inside the verified
     * buffer may be any instruction start outside a macro-instruction. */
    LFIV_ALIGNED_TARGETS = 1u << 0,
    /* The code runs in a box where at most one thread runs at a time and
     * nothing else writes the box's memory meanwhile (lfi_box_single_thread).
     * Additionally accepts the return `pushq %r11 ; retq` after the bundle
     * mask of %r11 (`andl $0xffffffe0,%r11d ; addq %r14,%r11`), all in one
     * bundle: with no other writer, the slot the ret reads is the masked
     * value just pushed. Unsound if another thread could write the stack
     * between the push and the ret. */
    LFIV_SINGLE_THREAD = 1u << 1,
};

struct lfiv_options {
    enum lfiv_arch arch;
    enum lfiv_mode mode;
    unsigned flags;
};

/* Return codes of the lfiv_verify* functions. */
enum lfiv_status {
    LFIV_OK = 0,       /* the code is accepted */
    LFIV_REJECTED = 1, /* the code breaks a rule; see the violation */
    LFIV_EINVAL = 2,   /* bad arguments or malformed input (not an ELF, ...) */
    LFIV_ENOMEM = 3,   /* out of memory */
};

/* The rules. lfiv_rule_name() gives a short stable identifier. */
enum lfiv_rule {
    LFIV_RULE_NONE = 0,
    LFIV_RULE_ENCODING,        /* instruction or encoding not in the allowlist */
    LFIV_RULE_TRUNCATED,       /* instruction runs past the end of the code */
    LFIV_RULE_BUNDLE_CROSSING, /* instruction crosses a 32-byte boundary */
    LFIV_RULE_MEMORY,          /* memory operand may reach outside the box */
    LFIV_RULE_RESERVED_WRITE,  /* writes %r14, or %rsp outside the macro */
    LFIV_RULE_RSP_REBASE,      /* 32-bit write to %esp not followed by re-base */
    LFIV_RULE_INDIRECT_BRANCH, /* indirect branch without the bundle mask */
    LFIV_RULE_CALL_PLACEMENT,  /* masked indirect call does not end a bundle */
    LFIV_RULE_BRANCH_TARGET,   /* direct branch to a forbidden address */
    LFIV_RULE_RUNTIME_CALL,    /* malformed runtime call */
    LFIV_RULE_STRING,          /* string instruction without guarded pointers */
    LFIV_RULE_BIT_OFFSET,      /* bt* with a register bit offset into memory */
    LFIV_RULE_ADDRESS,         /* code address is not 32-byte aligned */
    LFIV_RULE_ELF,             /* ELF layout the loader contract forbids */
};

/* The first violation found. */
struct lfiv_violation {
    enum lfiv_rule rule;
    uint64_t addr;            /* address of the offending instruction */
    uint8_t bytes[15];        /* its bytes (as many as are available) */
    uint8_t nbytes;
    char disasm[96];          /* AT&T disassembly, or "(bad)" */
    char message[192];        /* human-readable explanation */
};

/* Counters filled by a successful or failed verification. */
struct lfiv_stats {
    uint64_t bytes;        /* bytes verified */
    uint64_t instructions; /* instructions decoded */
};

/* Verify `size` bytes of machine code that will live at virtual address
 * `addr` (which must be 32-byte aligned). `v` and `stats` may be NULL.
 * Thread-safe; no global state. */
int lfiv_verify(const struct lfiv_options *opts, const void *code, size_t size,
                uint64_t addr, struct lfiv_violation *v, struct lfiv_stats *stats);

/* Verify every executable segment of an ELF64 image the way the LFI loader
 * maps it: whole pages at their absolute addresses, with every byte of those
 * pages that lies outside the segment's file bytes filled with 0xCC (int3).
 * Returns LFIV_EINVAL (with v->message set) for malformed ELF input. */
int lfiv_verify_elf(const struct lfiv_options *opts, const void *image,
                    size_t size, struct lfiv_violation *v,
                    struct lfiv_stats *stats);

/* Short identifier of a rule, such as "reserved-register-write". */
const char *lfiv_rule_name(enum lfiv_rule rule);

/* One line describing a violation: "0x1000: 49 89 c6  mov %rax,%r14:
 * reserved-register-write: ...". Returns the length (snprintf-style). */
int lfiv_format_violation(const struct lfiv_violation *v, char *buf, size_t n);

/* x86-64 constants of the sandboxing scheme. */
#define LFIV_X64_BUNDLE 32u
/* Largest |displacement| allowed for memory operands not relative to %gs. */
#define LFIV_X64_MAX_DISP (256u << 20)
/* How far below B and above B+4 GiB a verified instruction can reach. */
#define LFIV_X64_REACH ((uint64_t)LFIV_X64_MAX_DISP + 4096u)

#ifdef __cplusplus
}
#endif

#endif
