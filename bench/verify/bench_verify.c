/* bench_verify: throughput of the LFI x86-64 verifier.
 *
 *   bench_verify [-n REPS] [-s full|stores] [--markdown] [--no-zydis] [--cpu-time]
 *                FILE...
 *
 * FILE is an ELF executable (every executable PT_LOAD segment is verified at
 * its virtual address, its file bytes padded with int3 to a multiple of 32)
 * or raw machine code (verified at 0x10000). Typical input: the corpus that
 * bench/verify/mkcorpus.sh builds.
 *
 * For every file it times REPS calls of lfiv_verify() on the same bytes
 * (after warm-up runs) and reports the median, minimum and maximum as MB/s
 * (10^6 bytes per second), the median as million instructions per second
 * (a metric NOP padding cannot inflate) and as MB/s of non-NOP bytes, and
 * the fraction of bytes that are NOP padding. For comparison it times, on
 * the same bytes, a linear decode with our allowlist decoder alone
 * (x64_decode, no rules) and, when built with Zydis, a linear decode with
 * ZydisDecoderDecodeInstruction (no operands) and ZydisDecoderDecodeFull
 * (all operands). With --cpu-time every pass is timed with the thread's CPU
 * time instead of CLOCK_MONOTONIC (on a shared machine the time the
 * benchmark spends preempted then does not count).
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lfiv.h"
#include "x64/decode.h"

#ifdef BENCH_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

#define RAW_BASE 0x10000u
#define MAX_REGIONS 16
#define WARMUP 3

struct region {
    uint64_t addr;
    uint8_t *code; /* 32-byte aligned copy, size rounded up to 32 */
    size_t size;
};

struct input {
    const char *path;
    struct region reg[MAX_REGIONS];
    int nreg;
    uint64_t bytes;
    uint64_t nop_bytes;
    uint64_t insns;     /* counted by our decoder */
    uint64_t nop_insns;
};

/* One timed measurement series. */
struct series {
    double med, min, max; /* seconds per pass */
};

/* CLOCK_MONOTONIC, or with --cpu-time the thread's CPU time (on a shared
 * machine, time the benchmark spent preempted is then not counted). */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void summarize(double *t, int n, struct series *s)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    s->min = t[0];
    s->max = t[n - 1];
    s->med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_verify: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "bench_verify: out of memory\n");
            fclose(f);
            return NULL;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "bench_verify: %s: read error\n", path);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int add_region(struct input *in, uint64_t addr, const uint8_t *p, size_t n)
{
    if (in->nreg == MAX_REGIONS) {
        fprintf(stderr, "bench_verify: %s: too many executable segments\n", in->path);
        return -1;
    }
    if (addr % 32) {
        fprintf(stderr, "bench_verify: %s: segment at %#llx is not 32-byte aligned\n",
                in->path, (unsigned long long)addr);
        return -1;
    }
    size_t size = (n + 31) & ~(size_t)31;
    uint8_t *code = aligned_alloc(64, (size + 63) & ~(size_t)63);
    if (!code) {
        fprintf(stderr, "bench_verify: out of memory\n");
        return -1;
    }
    memcpy(code, p, n);
    memset(code + n, 0xcc, size - n);
    in->reg[in->nreg++] = (struct region){ addr, code, size };
    in->bytes += size;
    return 0;
}

static int load(struct input *in)
{
    size_t size;
    uint8_t *f = read_file(in->path, &size);
    if (!f)
        return -1;
    int rc = 0;
    if (size >= 64 && memcmp(f, "\x7f" "ELF", 4) == 0) {
        if (f[4] != 2 || f[5] != 1 || rd(f + 18, 2) != 62) {
            fprintf(stderr, "bench_verify: %s: not an x86-64 ELF64 file\n", in->path);
            free(f);
            return -1;
        }
        uint64_t phoff = rd(f + 32, 8);
        uint64_t phentsize = rd(f + 54, 2), phnum = rd(f + 56, 2);
        for (uint64_t i = 0; i < phnum && rc == 0; i++) {
            uint64_t o = phoff + i * phentsize;
            if (phentsize < 56 || o > size || size - o < 56) {
                fprintf(stderr, "bench_verify: %s: bad program headers\n", in->path);
                rc = -1;
                break;
            }
            const uint8_t *ph = f + o;
            uint64_t type = rd(ph, 4), flags = rd(ph + 4, 4);
            uint64_t off = rd(ph + 8, 8), vaddr = rd(ph + 16, 8), filesz = rd(ph + 32, 8);
            if (type != 1 || !(flags & 1) || filesz == 0)
                continue;
            if (off > size || size - off < filesz) {
                fprintf(stderr, "bench_verify: %s: segment outside the file\n", in->path);
                rc = -1;
                break;
            }
            rc = add_region(in, vaddr, f + off, filesz);
        }
        if (rc == 0 && in->nreg == 0) {
            fprintf(stderr, "bench_verify: %s: no executable segment\n", in->path);
            rc = -1;
        }
    } else {
        rc = add_region(in, RAW_BASE, f, size);
    }
    free(f);
    return rc;
}

/* Count instructions and NOP bytes with our decoder (linear sweep: the
 * code is bundle-aligned, so this is the instruction stream the verifier
 * sees). Returns -1 if the decoder stops before the end. */
static int count(struct input *in)
{
    for (int r = 0; r < in->nreg; r++) {
        const uint8_t *p = in->reg[r].code;
        size_t n = in->reg[r].size, off = 0;
        while (off < n) {
            struct x64_insn x;
            int len = x64_decode(p + off, n - off, &x);
            if (len <= 0) {
                fprintf(stderr, "bench_verify: %s: undecodable bytes at %#llx\n", in->path,
                        (unsigned long long)(in->reg[r].addr + off));
                return -1;
            }
            in->insns++;
            if (x.kind == X64_K_NOP) {
                in->nop_insns++;
                in->nop_bytes += (uint64_t)len;
            }
            off += (size_t)len;
        }
    }
    return 0;
}

enum what { W_VERIFY, W_DECODE, W_ZYDIS_MIN, W_ZYDIS_FULL };

static volatile uint64_t sink;

/* One pass over all regions. Returns 0, or -1 if verification fails. */
static int pass(const struct input *in, enum what w, const struct lfiv_options *opts,
                uint64_t *insns)
{
    uint64_t count = 0;
    for (int r = 0; r < in->nreg; r++) {
        const struct region *g = &in->reg[r];
        switch (w) {
        case W_VERIFY: {
            struct lfiv_violation v;
            struct lfiv_stats st;
            int rc = lfiv_verify(opts, g->code, g->size, g->addr, &v, &st);
            if (rc != LFIV_OK) {
                char line[512];
                lfiv_format_violation(&v, line, sizeof line);
                fprintf(stderr, "bench_verify: %s: rejected: %s\n", in->path, line);
                return -1;
            }
            count += st.instructions;
            break;
        }
        case W_DECODE: {
            size_t off = 0;
            uint64_t acc = 0;
            while (off < g->size) {
                struct x64_insn x;
                int len = x64_decode(g->code + off, g->size - off, &x);
                if (len <= 0)
                    len = 1;
                acc += x.kind;
                off += (size_t)len;
                count++;
            }
            sink += acc;
            break;
        }
#ifdef BENCH_HAVE_ZYDIS
        case W_ZYDIS_MIN:
        case W_ZYDIS_FULL: {
            ZydisDecoder dec;
            ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
            ZydisDecodedInstruction zi;
            ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
            size_t off = 0;
            uint64_t acc = 0;
            while (off < g->size) {
                ZyanStatus s = w == W_ZYDIS_MIN
                    ? ZydisDecoderDecodeInstruction(&dec, NULL, g->code + off,
                                                    g->size - off, &zi)
                    : ZydisDecoderDecodeFull(&dec, g->code + off, g->size - off, &zi, ops);
                size_t len = ZYAN_SUCCESS(s) ? zi.length : 1;
                acc += ZYAN_SUCCESS(s) ? zi.mnemonic : 0;
                off += len;
                count++;
            }
            sink += acc;
            break;
        }
#else
        case W_ZYDIS_MIN:
        case W_ZYDIS_FULL:
            return -1;
#endif
        }
    }
    *insns = count;
    return 0;
}

static int measure(const struct input *in, enum what w, const struct lfiv_options *opts,
                   int reps, struct series *s, uint64_t *insns)
{
    double *t = malloc(sizeof *t * (size_t)reps);
    if (!t)
        return -1;
    for (int i = 0; i < WARMUP; i++) {
        if (pass(in, w, opts, insns)) {
            free(t);
            return -1;
        }
    }
    for (int i = 0; i < reps; i++) {
        double t0 = now();
        if (pass(in, w, opts, insns)) {
            free(t);
            return -1;
        }
        t[i] = now() - t0;
    }
    summarize(t, reps, s);
    free(t);
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_verify [-n REPS] [-s full|stores] [--markdown] [--no-zydis] [--cpu-time]\n"
            "                    FILE...\n"
            "Times lfiv_verify on the executable segments of each ELF FILE (or on a\n"
            "raw code FILE at 0x%x) and, for comparison, decoding the same bytes.\n",
            RAW_BASE);
}

int main(int argc, char **argv)
{
    int reps = 20, markdown = 0, use_zydis = 1;
    struct lfiv_options opts = { .arch = LFIV_ARCH_X64, .mode = LFIV_MODE_FULL, .flags = 0 };
    static const struct option lopts[] = {
        { "repeat", required_argument, 0, 'n' },
        { "sandbox", required_argument, 0, 's' },
        { "markdown", no_argument, 0, 'm' },
        { "no-zydis", no_argument, 0, 'z' },
        { "cpu-time", no_argument, 0, 'c' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "n:s:mzch", lopts, NULL)) != -1) {
        switch (c) {
        case 'n':
            reps = atoi(optarg);
            if (reps < 1 || reps > 100000) {
                fprintf(stderr, "bench_verify: bad repetition count '%s'\n", optarg);
                return 2;
            }
            break;
        case 's':
            if (strcmp(optarg, "full") == 0)
                opts.mode = LFIV_MODE_FULL;
            else if (strcmp(optarg, "stores") == 0)
                opts.mode = LFIV_MODE_STORES;
            else {
                fprintf(stderr, "bench_verify: bad sandbox mode '%s'\n", optarg);
                return 2;
            }
            break;
        case 'm':
            markdown = 1;
            break;
        case 'z':
            use_zydis = 0;
            break;
        case 'c':
            clock_id = CLOCK_THREAD_CPUTIME_ID;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
#ifndef BENCH_HAVE_ZYDIS
    use_zydis = 0;
#endif

    if (markdown) {
        printf("| input | bytes | insns | NOP bytes | verify MB/s median (min-max) "
               "| verify M insn/s | verify non-NOP MB/s | our decoder alone MB/s "
               "| Zydis, no operands MB/s | Zydis, full operands MB/s |\n");
        printf("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
    } else {
        printf("%-22s %9s %8s %6s %22s %8s %8s %8s %8s %8s\n", "input", "bytes", "insns",
               "NOP%", "verify MB/s med(min-max)", "Minsn/s", "nonNOP", "ourdec", "zydis0",
               "zydisF");
    }

    int status = 0;
    uint64_t tot_bytes = 0, tot_nop = 0, tot_insns = 0;
    double tot_time = 0, tot_dec = 0, tot_z0 = 0, tot_zf = 0;
    int files = 0;
    for (int i = optind; i < argc; i++) {
        struct input in = { .path = argv[i] };
        struct series sv, sd, sz0 = { 0, 0, 0 }, szf = { 0, 0, 0 };
        uint64_t vinsns = 0, dinsns = 0, zinsns = 0;
        /* Verify once first: a rejection is reported as the violation. */
        if (load(&in) || pass(&in, W_VERIFY, &opts, &vinsns) || count(&in) ||
            measure(&in, W_VERIFY, &opts, reps, &sv, &vinsns) ||
            measure(&in, W_DECODE, &opts, reps, &sd, &dinsns) ||
            (use_zydis && (measure(&in, W_ZYDIS_MIN, &opts, reps, &sz0, &zinsns) ||
                           measure(&in, W_ZYDIS_FULL, &opts, reps, &szf, &zinsns)))) {
            status = 1;
            for (int r = 0; r < in.nreg; r++)
                free(in.reg[r].code);
            continue;
        }
        if (vinsns != in.insns)
            fprintf(stderr,
                    "bench_verify: %s: verifier counted %llu instructions, decoder %llu\n",
                    in.path, (unsigned long long)vinsns, (unsigned long long)in.insns);
        double mb = (double)in.bytes / 1e6;
        double nonnop = (double)(in.bytes - in.nop_bytes) / 1e6;
        double nopf = 100.0 * (double)in.nop_bytes / (double)in.bytes;
        char z0[32] = "-", zf[32] = "-";
        if (use_zydis) {
            snprintf(z0, sizeof z0, "%.0f", mb / sz0.med);
            snprintf(zf, sizeof zf, "%.0f", mb / szf.med);
        }
        if (markdown)
            printf("| %s | %llu | %llu | %.1f %% | %.0f (%.0f-%.0f) | %.1f | %.0f | %.0f | %s | %s |\n",
                   base_name(in.path), (unsigned long long)in.bytes,
                   (unsigned long long)in.insns, nopf, mb / sv.med, mb / sv.max, mb / sv.min,
                   (double)in.insns / sv.med / 1e6, nonnop / sv.med, mb / sd.med, z0, zf);
        else
            printf("%-22s %9llu %8llu %5.1f%% %8.0f (%4.0f-%4.0f)   %8.1f %8.0f %8.0f %8s %8s\n",
                   base_name(in.path), (unsigned long long)in.bytes,
                   (unsigned long long)in.insns, nopf, mb / sv.med, mb / sv.max, mb / sv.min,
                   (double)in.insns / sv.med / 1e6, nonnop / sv.med, mb / sd.med, z0, zf);
        fflush(stdout);
        files++;
        tot_bytes += in.bytes;
        tot_nop += in.nop_bytes;
        tot_insns += in.insns;
        tot_time += sv.med;
        tot_dec += sd.med;
        tot_z0 += sz0.med;
        tot_zf += szf.med;
        for (int r = 0; r < in.nreg; r++)
            free(in.reg[r].code);
    }
    if (files > 1) {
        double mb = (double)tot_bytes / 1e6;
        char z0[32] = "-", zf[32] = "-";
        if (use_zydis) {
            snprintf(z0, sizeof z0, "%.0f", mb / tot_z0);
            snprintf(zf, sizeof zf, "%.0f", mb / tot_zf);
        }
        double nopf = 100.0 * (double)tot_nop / (double)tot_bytes;
        if (markdown)
            printf("| **all (%d files)** | %llu | %llu | %.1f %% | %.0f | %.1f | %.0f | %.0f | %s | %s |\n",
                   files, (unsigned long long)tot_bytes, (unsigned long long)tot_insns, nopf,
                   mb / tot_time, (double)tot_insns / tot_time / 1e6,
                   (double)(tot_bytes - tot_nop) / 1e6 / tot_time, mb / tot_dec, z0, zf);
        else
            printf("%-22s %9llu %8llu %5.1f%% %8.0f              %8.1f %8.0f %8.0f %8s %8s\n",
                   "all", (unsigned long long)tot_bytes, (unsigned long long)tot_insns, nopf,
                   mb / tot_time, (double)tot_insns / tot_time / 1e6,
                   (double)(tot_bytes - tot_nop) / 1e6 / tot_time, mb / tot_dec, z0, zf);
    }
    return status;
}
