/* liblfiv API: argument checking, ELF parsing of hostile headers, and the
 * violation report. Usage: test_lfiv_api HELLO_ELF */
#include <lfiv.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { \
    if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
                   printf(__VA_ARGS__); printf("\n"); } \
} while (0)

static uint8_t *elf;
static size_t elfsize;

static const struct lfiv_options full = { .arch = LFIV_ARCH_X64, .mode = LFIV_MODE_FULL };

static int verify_copy(void (*mutate)(uint8_t *, size_t *), struct lfiv_violation *v)
{
    size_t n = elfsize;
    uint8_t *copy = malloc(n);
    memcpy(copy, elf, n);
    mutate(copy, &n);
    int rc = lfiv_verify_elf(&full, copy, n, v, NULL);
    free(copy);
    return rc;
}

static Elf64_Ehdr *eh(uint8_t *p) { return (Elf64_Ehdr *)p; }
static Elf64_Phdr *ph(uint8_t *p, int i) { return (Elf64_Phdr *)(p + eh(p)->e_phoff) + i; }
static int exec_index(uint8_t *p)
{
    for (int i = 0; i < eh(p)->e_phnum; i++)
        if (ph(p, i)->p_type == PT_LOAD && (ph(p, i)->p_flags & PF_X))
            return i;
    return -1;
}

static void m_machine(uint8_t *p, size_t *n) { (void)n; eh(p)->e_machine = EM_AARCH64; }
static void m_trunc_ident(uint8_t *p, size_t *n) { (void)p; *n = 10; }
static void m_trunc_ehdr(uint8_t *p, size_t *n) { (void)p; *n = 40; }
static void m_trunc_phdr(uint8_t *p, size_t *n) { *n = eh(p)->e_phoff + 20; }
static void m_class32(uint8_t *p, size_t *n) { (void)n; p[EI_CLASS] = ELFCLASS32; }
static void m_bigendian(uint8_t *p, size_t *n) { (void)n; p[EI_DATA] = ELFDATA2MSB; }
static void m_phoff(uint8_t *p, size_t *n) { (void)n; eh(p)->e_phoff = ~0ull - 8; }
static void m_phnum(uint8_t *p, size_t *n) { (void)n; eh(p)->e_phnum = 0xffff; }
static void m_phentsize(uint8_t *p, size_t *n) { (void)n; eh(p)->e_phentsize = 1; }
static void m_type(uint8_t *p, size_t *n) { (void)n; eh(p)->e_type = ET_CORE; }
static void m_rel_noshdr(uint8_t *p, size_t *n)
{
    (void)n;
    eh(p)->e_type = ET_REL;
    eh(p)->e_shnum = 0;
}
static void m_offset(uint8_t *p, size_t *n) { ph(p, exec_index(p))->p_offset = *n + 4096; }
static void m_filesz(uint8_t *p, size_t *n) { (void)n; ph(p, exec_index(p))->p_filesz = ~0ull; }
static void m_memsz_small(uint8_t *p, size_t *n)
{
    (void)n;
    Elf64_Phdr *x = ph(p, exec_index(p));
    x->p_memsz = x->p_filesz - 1;
}
static void m_vaddr_wrap(uint8_t *p, size_t *n)
{
    (void)n;
    ph(p, exec_index(p))->p_vaddr = ~0ull - 100;
}
static void m_huge(uint8_t *p, size_t *n)
{
    (void)n;
    ph(p, exec_index(p))->p_memsz = (1ull << 33);
}
static void m_noexec(uint8_t *p, size_t *n)
{
    (void)n;
    for (int i = 0; i < eh(p)->e_phnum; i++)
        ph(p, i)->p_flags &= ~(unsigned)PF_X;
}
static void m_share_page(uint8_t *p, size_t *n)
{
    (void)n;
    int x = exec_index(p);
    for (int i = 0; i < eh(p)->e_phnum; i++)
        if (i != x && ph(p, i)->p_type == PT_LOAD) {
            ph(p, i)->p_vaddr = ph(p, x)->p_vaddr + 0x800;
            return;
        }
}
static void m_unaligned(uint8_t *p, size_t *n)
{
    (void)n;
    /* The same code 16 bytes further: bundles are counted from absolute
     * addresses, so its runtime calls now cross a bundle boundary (F8). */
    Elf64_Phdr *x = ph(p, exec_index(p));
    x->p_vaddr += 0x10;
}
static void m_badcode(uint8_t *p, size_t *n)
{
    (void)n;
    Elf64_Phdr *x = ph(p, exec_index(p));
    p[x->p_offset] = 0x0f; /* syscall */
    p[x->p_offset + 1] = 0x05;
}
static void m_none(uint8_t *p, size_t *n) { (void)p; (void)n; }

static void test_elf(void)
{
    struct lfiv_violation v;
    struct lfiv_stats st;
    int rc = lfiv_verify_elf(&full, elf, elfsize, &v, &st);
    CHECK(rc == LFIV_OK, "hello ELF accepted (rc %d: %s)", rc, v.message);
    CHECK(st.bytes >= 4096 && st.bytes % 4096 == 0, "whole pages verified (%llu)",
          (unsigned long long)st.bytes);
    CHECK(st.instructions > 0, "instructions counted");

    struct { const char *name; void (*m)(uint8_t *, size_t *); int want; const char *msg; } cases[] = {
        { "aarch64 machine", m_machine, LFIV_EINVAL, "wrong machine" },
        { "truncated ident", m_trunc_ident, LFIV_EINVAL, "not an ELF" },
        { "truncated ehdr", m_trunc_ehdr, LFIV_EINVAL, "truncated" },
        { "truncated phdrs", m_trunc_phdr, LFIV_EINVAL, "program headers" },
        { "ELFCLASS32", m_class32, LFIV_EINVAL, "64-bit" },
        { "big endian", m_bigendian, LFIV_EINVAL, "little-endian" },
        { "phoff overflow", m_phoff, LFIV_EINVAL, "program headers" },
        { "phnum huge", m_phnum, LFIV_EINVAL, "program headers" },
        { "phentsize", m_phentsize, LFIV_EINVAL, "program header size" },
        { "ET_CORE", m_type, LFIV_EINVAL, "executable" },
        { "ET_REL without sections", m_rel_noshdr, LFIV_EINVAL, "without section headers" },
        { "p_offset past end", m_offset, LFIV_EINVAL, "outside" },
        { "p_filesz huge", m_filesz, LFIV_EINVAL, "outside" },
        { "p_filesz > p_memsz", m_memsz_small, LFIV_EINVAL, "outside" },
        { "p_vaddr wraps", m_vaddr_wrap, LFIV_EINVAL, "outside" },
        { "8 GiB segment", m_huge, LFIV_EINVAL, "larger than 4 GiB" },
        { "no exec segment", m_noexec, LFIV_EINVAL, "no executable segment" },
        { "segments share a page", m_share_page, LFIV_REJECTED, "shares a page" },
        { "syscall in text", m_badcode, LFIV_REJECTED, "" },
        { "unaligned p_vaddr", m_unaligned, LFIV_REJECTED, "" },
        { "unchanged", m_none, LFIV_OK, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&v, 0x5a, sizeof v);
        rc = verify_copy(cases[i].m, &v);
        CHECK(rc == cases[i].want, "%s: rc %d, want %d (%s)", cases[i].name, rc,
              cases[i].want, v.message);
        if (rc != LFIV_OK)
            CHECK(strstr(v.message, cases[i].msg) != NULL, "%s: message '%s' lacks '%s'",
                  cases[i].name, v.message, cases[i].msg);
    }
    rc = verify_copy(m_share_page, &v);
    CHECK(v.rule == LFIV_RULE_ELF, "shared page reported as elf-layout (%d)", v.rule);
    rc = verify_copy(m_badcode, &v);
    CHECK(v.rule == LFIV_RULE_ENCODING && v.nbytes >= 2 && v.bytes[0] == 0x0f &&
          v.bytes[1] == 0x05, "syscall reported with its bytes");

    /* Random corruption of the headers never crashes and never accepts
     * code that it did not check: each result is a verdict or EINVAL. */
    uint8_t *copy = malloc(elfsize);
    unsigned seed = 12345;
    for (int it = 0; it < 20000; it++) {
        memcpy(copy, elf, elfsize);
        int nflip = 1 + it % 4;
        for (int k = 0; k < nflip; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % (sizeof(Elf64_Ehdr) + 4 * sizeof(Elf64_Phdr));
            seed = seed * 1103515245u + 12345u;
            copy[pos] ^= (uint8_t)(1u << ((seed >> 16) & 7));
        }
        size_t n = elfsize - (it % 7 == 0 ? (seed >> 4) % elfsize : 0);
        rc = lfiv_verify_elf(&full, copy, n, &v, NULL);
        CHECK(rc == LFIV_OK || rc == LFIV_REJECTED || rc == LFIV_EINVAL,
              "mutated ELF %d: rc %d", it, rc);
    }
    free(copy);
}

static void test_args(void)
{
    uint8_t nop[32], ok[64];
    memset(nop, 0x90, sizeof nop);
    memset(ok, 0x90, sizeof ok);
    struct lfiv_violation v;
    struct lfiv_options o = full;

    CHECK(lfiv_verify(NULL, ok, sizeof ok, 0x10000, &v, NULL) == LFIV_EINVAL, "NULL options");
    CHECK(lfiv_verify(&o, NULL, 32, 0x10000, &v, NULL) == LFIV_EINVAL, "NULL code");
    CHECK(lfiv_verify(&o, NULL, 0, 0x10000, &v, NULL) == LFIV_OK, "empty code");
    CHECK(lfiv_verify(&o, NULL, 0, 0x100000000ull, &v, NULL) == LFIV_OK, "empty code at a box start");
    CHECK(lfiv_verify(&o, nop, sizeof nop, 0x100000000ull - 32, &v, NULL) == LFIV_OK,
          "code ending exactly at the box end");
    o.mode = 7;
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0x10000, &v, NULL) == LFIV_EINVAL, "bad mode");
    o = full;
    o.flags = 0x80;
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0x10000, &v, NULL) == LFIV_EINVAL, "bad flags");
    o = full;
    o.arch = LFIV_ARCH_ARM64;
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0x10000, &v, NULL) == LFIV_EINVAL, "arm64 not yet");
    CHECK(strstr(v.message, "not supported") != NULL, "arm64 message");
    o = full;
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0x10000, NULL, NULL) == LFIV_OK, "NULL violation pointer");
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0x10010, &v, NULL) == LFIV_REJECTED &&
          v.rule == LFIV_RULE_ADDRESS, "misaligned address (F8)");
    CHECK(lfiv_verify(&o, ok, sizeof ok, 0xffffffe0, &v, NULL) == LFIV_REJECTED &&
          v.rule == LFIV_RULE_ADDRESS, "code straddling two 4 GiB boxes");
    CHECK(lfiv_verify(&o, nop, sizeof nop, 0x7fffffffffe0ull, &v, NULL) == LFIV_OK,
          "high address");

    /* The report. */
    const uint8_t bad[] = { 0x49, 0x89, 0xc6 }; /* mov %rax,%r14 */
    CHECK(lfiv_verify(&o, bad, sizeof bad, 0x20000, &v, NULL) == LFIV_REJECTED, "r14 write");
    CHECK(v.rule == LFIV_RULE_RESERVED_WRITE && v.addr == 0x20000 && v.nbytes == 3 &&
          memcmp(v.bytes, bad, 3) == 0, "violation fields");
    char line[512];
    int len = lfiv_format_violation(&v, line, sizeof line);
    CHECK(len > 0 && strstr(line, "0x20000: 49 89 c6") && strstr(line, "reserved-register-write"),
          "formatted: %s", line);
    CHECK(strcmp(lfiv_rule_name(LFIV_RULE_MEMORY), "unsafe-memory-operand") == 0, "rule name");
    CHECK(strcmp(lfiv_rule_name((enum lfiv_rule)999), "unknown") == 0, "unknown rule name");

    /* Truncated last instruction. */
    const uint8_t trunc[] = { 0x0f, 0x0b, 0x0f, 0x0b, 0x0f };
    CHECK(lfiv_verify(&o, trunc, sizeof trunc, 0x20000, &v, NULL) == LFIV_REJECTED &&
          v.rule == LFIV_RULE_TRUNCATED && v.addr == 0x20004, "truncated");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s HELLO_ELF\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    elfsize = (size_t)ftell(f);
    rewind(f);
    elf = malloc(elfsize);
    if (fread(elf, 1, elfsize, f) != elfsize)
        return 2;
    fclose(f);
    test_args();
    test_elf();
    free(elf);
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}
