/* lfi-verify: check that machine code may run in an LFI sandbox. */
#include <lfiv.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define EXIT_REJECTED 1
#define EXIT_BADINPUT 2

static const char usage[] =
    "usage: lfi-verify [options] FILE...\n"
    "\n"
    "Check that FILE (an ELF executable or shared object, or raw machine code)\n"
    "may run inside an LFI sandbox. For ELF files every executable segment is\n"
    "verified as the loader maps it: whole pages at their absolute addresses.\n"
    "\n"
    "options:\n"
    "  -a, --arch ARCH       x64 (default; arm64 is not supported yet)\n"
    "  -s, --sandbox MODE    full (default) or stores (stores-only sandboxing)\n"
    "      --raw             FILE is raw machine code, not an ELF file\n"
    "      --base ADDR       address of raw code (default 0x10000; 32-byte aligned)\n"
    "      --aligned-targets require every direct branch target to be 32-byte\n"
    "                        aligned (the public reference verifier's rule)\n"
    "      --single-thread   also accept the returns of lfi-cc --single-thread\n"
    "                        (pushq %r11 ; retq after the mask); only sound for\n"
    "                        boxes that run one thread (lfi_box_single_thread)\n"
    "  -n, --repeat N        verify N times (for benchmarking)\n"
    "  -q, --quiet           print nothing when the code is accepted\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit status: 0 accepted, 1 rejected, 2 bad input (unreadable file, not an\n"
    "ELF file, wrong machine, truncated ELF).\n"
    "The rules are described in docs/verifier.md.\n";

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "lfi-verify: %s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "lfi-verify: %s: not a regular file\n", path);
        fclose(f);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        fprintf(stderr, "lfi-verify: %s: out of memory\n", path);
        fclose(f);
        return -1;
    }
    if (fread(buf, 1, n, f) != n) {
        fprintf(stderr, "lfi-verify: %s: read error\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = n;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    struct lfiv_options opts = { .arch = LFIV_ARCH_X64, .mode = LFIV_MODE_FULL };
    int raw = 0, quiet = 0;
    unsigned long repeat = 1;
    uint64_t base = 0x10000;
    enum { OPT_RAW = 256, OPT_BASE, OPT_ALIGNED, OPT_ST };
    static const struct option longopts[] = {
        { "arch", required_argument, 0, 'a' },
        { "sandbox", required_argument, 0, 's' },
        { "raw", no_argument, 0, OPT_RAW },
        { "base", required_argument, 0, OPT_BASE },
        { "aligned-targets", no_argument, 0, OPT_ALIGNED },
        { "single-thread", no_argument, 0, OPT_ST },
        { "repeat", required_argument, 0, 'n' },
        { "quiet", no_argument, 0, 'q' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "a:s:n:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (strcmp(optarg, "x64") == 0 || strcmp(optarg, "x86-64") == 0 ||
                strcmp(optarg, "amd64") == 0) {
                opts.arch = LFIV_ARCH_X64;
            } else {
                fprintf(stderr, "lfi-verify: unsupported architecture '%s' (supported: x64)\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case 's':
            if (strcmp(optarg, "full") == 0)
                opts.mode = LFIV_MODE_FULL;
            else if (strcmp(optarg, "stores") == 0)
                opts.mode = LFIV_MODE_STORES;
            else {
                fprintf(stderr, "lfi-verify: bad sandbox mode '%s' (full or stores)\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case OPT_RAW:
            raw = 1;
            break;
        case OPT_BASE:
            errno = 0;
            base = strtoull(optarg, &end, 0);
            if (errno || *end || end == optarg) {
                fprintf(stderr, "lfi-verify: bad address '%s'\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case OPT_ST:
            opts.flags |= LFIV_SINGLE_THREAD;
            break;
        case OPT_ALIGNED:
            opts.flags |= LFIV_ALIGNED_TARGETS;
            break;
        case 'n':
            errno = 0;
            repeat = strtoul(optarg, &end, 0);
            if (errno || *end || repeat == 0) {
                fprintf(stderr, "lfi-verify: bad repeat count '%s'\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return EXIT_BADINPUT;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return EXIT_BADINPUT;
    }

    int status = 0;
    for (int a = optind; a < argc; a++) {
        const char *path = argv[a];
        uint8_t *data;
        size_t size;
        if (read_file(path, &data, &size) != 0) {
            status = EXIT_BADINPUT;
            continue;
        }
        if (!raw && (size < 4 || memcmp(data, "\177ELF", 4) != 0)) {
            fprintf(stderr, "lfi-verify: %s: not an ELF file (use --raw for raw machine code)\n", path);
            free(data);
            status = EXIT_BADINPUT;
            continue;
        }
        if (raw && size == 0) {
            fprintf(stderr, "lfi-verify: %s: empty file\n", path);
            free(data);
            status = EXIT_BADINPUT;
            continue;
        }
        struct lfiv_violation v;
        struct lfiv_stats st;
        int rc = LFIV_OK;
        double t0 = now();
        for (unsigned long r = 0; r < repeat; r++) {
            rc = raw ? lfiv_verify(&opts, data, size, base, &v, &st)
                     : lfiv_verify_elf(&opts, data, size, &v, &st);
            if (rc != LFIV_OK)
                break;
        }
        double dt = now() - t0;
        free(data);
        if (rc == LFIV_OK) {
            if (!quiet) {
                double mbs = dt > 0 ? (double)st.bytes * (double)repeat / dt / 1e6 : 0;
                printf("%s: verification passed (%llu bytes, %.1f MB/s)\n", path,
                       (unsigned long long)st.bytes, mbs);
            }
        } else if (rc == LFIV_REJECTED) {
            char line[512];
            lfiv_format_violation(&v, line, sizeof line);
            printf("%s: verification failed: %s\n", path, line);
            if (status == 0)
                status = EXIT_REJECTED;
        } else if (rc == LFIV_ENOMEM) {
            fprintf(stderr, "lfi-verify: %s: out of memory\n", path);
            status = EXIT_BADINPUT;
        } else {
            fprintf(stderr, "lfi-verify: %s: %s\n", path, v.message);
            status = EXIT_BADINPUT;
        }
    }
    return status;
}
