/* liblfiv entry points: argument checks and dispatch by architecture. */
#include <lfiv.h>

#include <stdio.h>
#include <string.h>

#include "verify_internal.h"
#include "x64/verify_x64.h"

static const char *const rule_names[] = {
    [LFIV_RULE_NONE] = "none",
    [LFIV_RULE_ENCODING] = "encoding-not-allowed",
    [LFIV_RULE_TRUNCATED] = "truncated-instruction",
    [LFIV_RULE_BUNDLE_CROSSING] = "bundle-crossing",
    [LFIV_RULE_MEMORY] = "unsafe-memory-operand",
    [LFIV_RULE_RESERVED_WRITE] = "reserved-register-write",
    [LFIV_RULE_RSP_REBASE] = "rsp-not-rebased",
    [LFIV_RULE_INDIRECT_BRANCH] = "unmasked-indirect-branch",
    [LFIV_RULE_CALL_PLACEMENT] = "call-not-at-bundle-end",
    [LFIV_RULE_BRANCH_TARGET] = "bad-branch-target",
    [LFIV_RULE_RUNTIME_CALL] = "bad-runtime-call",
    [LFIV_RULE_STRING] = "unguarded-string-instruction",
    [LFIV_RULE_BIT_OFFSET] = "bit-offset-into-memory",
    [LFIV_RULE_ADDRESS] = "misaligned-code-address",
    [LFIV_RULE_ELF] = "elf-layout",
};

const char *lfiv_rule_name(enum lfiv_rule rule)
{
    if ((unsigned)rule >= sizeof rule_names / sizeof rule_names[0] || !rule_names[rule])
        return "unknown";
    return rule_names[rule];
}

void lfiv_set_violation(struct lfiv_violation *v, enum lfiv_arch arch,
                        const uint8_t *code, size_t size, size_t off,
                        uint64_t addr, int len, enum lfiv_rule rule,
                        const char *msg)
{
    if (!v)
        return;
    memset(v, 0, sizeof *v);
    v->rule = rule;
    v->addr = addr + off;
    size_t avail = off < size ? size - off : 0;
    size_t n = len > 0 ? (size_t)len : avail;
    if (n > sizeof v->bytes)
        n = sizeof v->bytes;
    if (n > avail)
        n = avail;
    if (n)
        memcpy(v->bytes, code + off, n);
    v->nbytes = (uint8_t)n;
    if (n) {
        size_t dl = lfiv_disasm(arch, v->bytes, n, v->addr, v->disasm, sizeof v->disasm);
        /* An instruction we do not know: show as many bytes as the
         * disassembler says it has. */
        if (len <= 0 && dl > 0 && dl < n)
            v->nbytes = (uint8_t)dl;
    } else {
        snprintf(v->disasm, sizeof v->disasm, "(none)");
    }
    snprintf(v->message, sizeof v->message, "%s", msg);
}

int lfiv_format_violation(const struct lfiv_violation *v, char *buf, size_t n)
{
    char hex[3 * 15 + 1];
    size_t k = 0;
    hex[0] = 0;
    for (unsigned i = 0; i < v->nbytes && i < 15; i++)
        k += (size_t)snprintf(hex + k, sizeof hex - k, i ? " %02x" : "%02x", v->bytes[i]);
    return snprintf(buf, n, "0x%llx: %s  %s: %s: %s", (unsigned long long)v->addr,
                    hex, v->disasm, lfiv_rule_name(v->rule), v->message);
}

int lfiv_verify(const struct lfiv_options *opts, const void *code, size_t size,
                uint64_t addr, struct lfiv_violation *v, struct lfiv_stats *stats)
{
    if (v)
        memset(v, 0, sizeof *v);
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!opts || (!code && size) ||
        (opts->mode != LFIV_MODE_FULL && opts->mode != LFIV_MODE_STORES) ||
        (opts->flags & ~(unsigned)(LFIV_ALIGNED_TARGETS | LFIV_SINGLE_THREAD))) {
        if (v)
            snprintf(v->message, sizeof v->message, "invalid arguments");
        return LFIV_EINVAL;
    }
    switch (opts->arch) {
    case LFIV_ARCH_X64:
        return lfiv_verify_x64(opts, code, size, addr, v, stats);
    default:
        if (v)
            snprintf(v->message, sizeof v->message,
                     "architecture %d is not supported by this verifier",
                     (int)opts->arch);
        return LFIV_EINVAL;
    }
}
