/* lfi-rewrite: turn GNU assembly into LFI-sandboxed assembly. */
#include <lfi_rewrite.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: lfi-rewrite [options] IN.s\n"
    "\n"
    "Rewrite x86-64 GNU assembly (AT&T syntax, as GCC and Clang emit it, or\n"
    "preprocessed hand-written assembly) into LFI-x64 assembly that passes\n"
    "lfi-verify once assembled. IN.s may be '-' for standard input.\n"
    "\n"
    "options:\n"
    "  -o OUT                  write to OUT (default: standard output; '-' too)\n"
    "  -s, --sandbox MODE      full (default): sandbox loads and stores;\n"
    "                          stores: sandbox stores and control flow only\n"
    "      --assembler AS      any (default), gnu or llvm: which assembler reads\n"
    "                          the output (how calls are placed at bundle ends)\n"
    "      --align-labels      align every branch target to 32 bytes, as the\n"
    "                          public reference verifier requires\n"
    "      --rename-r14        rename %r14 to a free callee-saved register in\n"
    "                          functions that use it (for compilers that cannot\n"
    "                          reserve it, such as clang 14)\n"
    "      --r14-is-base       hand-written code that saves and restores %r14\n"
    "                          as a callee-saved register (setjmp/longjmp):\n"
    "                          keep the saves, drop the restores\n"
    "      --single-thread     code for single-threaded sandboxes: returns end\n"
    "                          in a masked push + ret (predicted by the CPU's\n"
    "                          return stack); verified only with --single-thread\n"
    "      --mark-returns      list every return in the section .lfi.rets, so\n"
    "                          that lfi-run can switch a program that creates no\n"
    "                          threads to single-thread returns (lfi-cc sets it)\n"
    "  -v, --verbose           print statistics to standard error\n"
    "  -h, --help              show this help\n"
    "\n"
    "Input that cannot be made safe is reported as FILE:LINE: what: why, and\n"
    "the exit status is 1 (2 for bad usage or unreadable files).\n"
    "The rules are described in docs/rewriter.md.\n";

static char *slurp(FILE *f, size_t *n)
{
    size_t cap = 1 << 16, len = 0;
    char *p = malloc(cap);
    if (!p)
        return NULL;
    for (;;) {
        if (len == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                return NULL;
            }
            p = q;
        }
        size_t r = fread(p + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(p);
        return NULL;
    }
    *n = len;
    return p;
}

int main(int argc, char **argv)
{
    struct lfi_rw_options o = { 0 };
    const char *out = "-";
    int verbose = getenv("LFI_VERBOSE") && strcmp(getenv("LFI_VERBOSE"), "0") != 0;
    enum { OPT_ALIGN = 256, OPT_AS, OPT_R14, OPT_R14BASE, OPT_ST, OPT_MARKRET };
    static const struct option longopts[] = {
        { "sandbox", required_argument, 0, 's' },
        { "assembler", required_argument, 0, OPT_AS },
        { "align-labels", no_argument, 0, OPT_ALIGN },
        { "rename-r14", no_argument, 0, OPT_R14 },
        { "r14-is-base", no_argument, 0, OPT_R14BASE },
        { "single-thread", no_argument, 0, OPT_ST },
        { "mark-returns", no_argument, 0, OPT_MARKRET },
        { "verbose", no_argument, 0, 'v' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:s:vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 's':
            if (strcmp(optarg, "full") == 0)
                o.sandbox = LFI_RW_FULL;
            else if (strcmp(optarg, "stores") == 0)
                o.sandbox = LFI_RW_STORES;
            else {
                fprintf(stderr, "lfi-rewrite: bad sandbox mode '%s' (full or stores)\n", optarg);
                return 2;
            }
            break;
        case OPT_AS:
            if (strcmp(optarg, "any") == 0)
                o.assembler = LFI_RW_AS_ANY;
            else if (strcmp(optarg, "gnu") == 0 || strcmp(optarg, "gas") == 0)
                o.assembler = LFI_RW_AS_GNU;
            else if (strcmp(optarg, "llvm") == 0 || strcmp(optarg, "clang") == 0)
                o.assembler = LFI_RW_AS_LLVM;
            else {
                fprintf(stderr, "lfi-rewrite: bad assembler '%s' (any, gnu or llvm)\n", optarg);
                return 2;
            }
            break;
        case OPT_ALIGN:
            o.align_labels = true;
            break;
        case OPT_R14:
            o.rename_r14 = true;
            break;
        case OPT_R14BASE:
            o.r14_is_base = true;
            break;
        case OPT_ST:
            o.single_thread = true;
            break;
        case OPT_MARKRET:
            o.mark_returns = true;
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        fputs(usage, stderr);
        return 2;
    }
    const char *in = argv[optind];
    FILE *f = strcmp(in, "-") == 0 ? stdin : fopen(in, "rb");
    if (!f) {
        fprintf(stderr, "lfi-rewrite: %s: cannot open: %s\n", in, strerror(errno));
        return 2;
    }
    size_t n;
    char *src = slurp(f, &n);
    if (f != stdin)
        fclose(f);
    if (!src) {
        fprintf(stderr, "lfi-rewrite: %s: read error\n", in);
        return 2;
    }

    struct lfi_rw_result res;
    int rc = lfi_rewrite_x64(&o, strcmp(in, "-") == 0 ? "<stdin>" : in, src, n, &res);
    free(src);
    for (size_t i = 0; i < res.ndiags; i++)
        fprintf(stderr, "lfi-rewrite: %s\n", res.diags[i].msg);
    if (rc != 0) {
        if (rc < 0 && res.ndiags == 0)
            fprintf(stderr, "lfi-rewrite: out of memory\n");
        lfi_rw_result_free(&res);
        return 1;
    }
    FILE *g = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
    if (!g) {
        fprintf(stderr, "lfi-rewrite: %s: cannot create: %s\n", out, strerror(errno));
        lfi_rw_result_free(&res);
        return 2;
    }
    int bad = fwrite(res.out, 1, res.outlen, g) != res.outlen;
    if (g != stdout)
        bad |= fclose(g) != 0;
    else
        bad |= fflush(g) != 0;
    if (bad) {
        fprintf(stderr, "lfi-rewrite: %s: write error\n", out);
        if (g != stdout)
            remove(out);
        lfi_rw_result_free(&res);
        return 2;
    }
    if (verbose)
        fprintf(stderr, "lfi-rewrite: %s: %zu statements, %zu instructions, %zu rewritten\n",
                in, res.n_stmts, res.n_insns, res.n_rewritten);
    lfi_rw_result_free(&res);
    return 0;
}
