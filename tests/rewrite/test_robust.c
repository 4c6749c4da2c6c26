/* Robustness of liblfirewrite against malformed input: random mutations of
 * the given assembly files (byte flips, cut lines, duplicated lines, stray
 * punctuation) must give either output or diagnostics of the form
 * "NAME:LINE: ...", never a crash, and the same answer twice. Run under
 * AddressSanitizer it also checks memory safety.
 *
 * usage: test_robust [-n ITERATIONS] [-s SEED] FILE... */
#include <lfi_rewrite.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)sz + 1);
    if (p && fread(p, 1, (size_t)sz, f) != (size_t)sz) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[sz] = 0;
        *n = (size_t)sz;
    }
    return p;
}

static const char *const junk[] = {
    "(", ")", ",", "%", "$", ":", ";", "\n", "\"", "'", "#", "/*", "*/", "*",
    "%r14", "%r11", "%fs:", "%gs:", "(%rsp)", "%rsp", "rep ", "lock ", "call ",
    "jmp *", "ret", ".bundle_lock\n", ".section .data\n", ".text\n", "1:", "1b",
    "syscall\n", "@tpoff", "0x7fffffff", "-", "{", "%xmm31", "\\", "\t", " ",
};

static char *mutate(const char *src, size_t n, size_t *outn)
{
    size_t cap = n * 2 + 256;
    char *p = malloc(cap);
    if (!p)
        return NULL;
    size_t len = 0;
    int edits = 1 + (int)(next() % 8);
    size_t cut[8];
    for (int e = 0; e < edits; e++)
        cut[e] = n ? next() % n : 0;
    for (size_t i = 0; i < n && len + 64 < cap; i++) {
        int done = 0;
        for (int e = 0; e < edits && !done; e++) {
            if (cut[e] != i)
                continue;
            switch (next() % 5) {
            case 0: /* flip a byte */
                p[len++] = (char)(next() & 0xff);
                done = 1;
                break;
            case 1: /* insert junk */ {
                const char *j = junk[next() % (sizeof junk / sizeof junk[0])];
                size_t jl = strlen(j);
                memcpy(p + len, j, jl);
                len += jl;
                break;
            }
            case 2: /* drop a few bytes */
                i += next() % 16;
                done = 1;
                break;
            case 3: /* duplicate the following line */ {
                const char *q = src + i;
                const char *nl = memchr(q, '\n', n - i);
                size_t l = nl ? (size_t)(nl - q) + 1 : n - i;
                if (l > 48)
                    l = 48;
                memcpy(p + len, q, l);
                len += l;
                break;
            }
            default: /* truncate here */
                *outn = len;
                return p;
            }
        }
        if (!done && i < n)
            p[len++] = src[i];
    }
    *outn = len;
    return p;
}

static int check(const struct lfi_rw_options *o, const char *text, size_t n)
{
    struct lfi_rw_result r1, r2;
    int rc1 = lfi_rewrite_x64(o, "fuzz.s", text, n, &r1);
    int rc2 = lfi_rewrite_x64(o, "fuzz.s", text, n, &r2);
    int bad = 0;
    if (rc1 != rc2) {
        fprintf(stderr, "not deterministic: %d then %d\n", rc1, rc2);
        bad = 1;
    } else if (rc1 == 0) {
        if (!r1.out || r1.ndiags || r1.outlen != strlen(r1.out) ||
            r1.outlen != r2.outlen || memcmp(r1.out, r2.out, r1.outlen) != 0) {
            fprintf(stderr, "inconsistent success result\n");
            bad = 1;
        }
    } else if (rc1 == 1) {
        if (r1.out || r1.ndiags == 0) {
            fprintf(stderr, "error without diagnostics\n");
            bad = 1;
        }
        for (size_t i = 0; i < r1.ndiags; i++) {
            char want[32];
            snprintf(want, sizeof want, "fuzz.s:%u: ", r1.diags[i].line);
            if (strncmp(r1.diags[i].msg, want, strlen(want)) != 0 ||
                r1.diags[i].line == 0) {
                fprintf(stderr, "bad diagnostic: %s\n", r1.diags[i].msg);
                bad = 1;
            }
        }
    } else {
        fprintf(stderr, "unexpected status %d\n", rc1);
        bad = 1;
    }
    lfi_rw_result_free(&r1);
    lfi_rw_result_free(&r2);
    return bad;
}

int main(int argc, char **argv)
{
    long iters = 3000;
    int first = 1;
    while (first + 1 < argc && (strcmp(argv[first], "-n") == 0 ||
                                strcmp(argv[first], "-s") == 0)) {
        if (argv[first][1] == 'n')
            iters = strtol(argv[first + 1], NULL, 0);
        else
            rng ^= (uint64_t)strtoull(argv[first + 1], NULL, 0) * 0x2545f4914f6cdd1dull;
        first += 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: test_robust [-n N] [-s SEED] FILE...\n");
        return 2;
    }
    int nfiles = argc - first, fails = 0;
    static const struct lfi_rw_options opts[] = {
        { LFI_RW_FULL, LFI_RW_AS_ANY, false, false, false, false, true },
        { LFI_RW_STORES, LFI_RW_AS_GNU, true, true, false, true, false },
        { LFI_RW_FULL, LFI_RW_AS_LLVM, false, true, true, false, true },
    };
    for (int f = 0; f < nfiles; f++) {
        size_t n;
        char *src = slurp(argv[first + f], &n);
        if (!src) {
            fprintf(stderr, "test_robust: cannot read %s\n", argv[first + f]);
            return 2;
        }
        for (size_t k = 0; k < 3; k++)
            fails += check(&opts[k], src, n);
        for (long i = 0; i < iters / nfiles; i++) {
            size_t mn;
            char *m = mutate(src, n, &mn);
            if (!m)
                return 2;
            if (check(&opts[i % 3], m, mn)) {
                fails++;
                fprintf(stderr, "--- input (%zu bytes) ---\n%.*s\n---\n", mn, (int)mn, m);
            }
            free(m);
            if (fails > 5)
                break;
        }
        free(src);
    }
    printf("%ld mutated inputs, %d failed\n", iters, fails);
    return fails ? 1 : 0;
}
