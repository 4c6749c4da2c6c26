/* lfi-cc: command-line parsing. Options are classified as the GCC driver
 * does: preprocessor and compiler options go to the compile steps,
 * linker options to the link, everything unknown to both; the options of
 * lfi-cc itself are consumed here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"

static bool starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }
static bool is(const char *s, const char *t) { return strcmp(s, t) == 0; }

static bool is_any(const char *a, const char *const *list)
{
    for (; *list; list++)
        if (is(a, *list))
            return true;
    return false;
}

/* Options whose argument is the next word (when not joined). */
static const char *const sep_pre[] = { "-I", "-D", "-U", "-include", "-imacros", "-isystem",
    "-idirafter", "-iquote", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot",
    "-MF", "-MT", "-MQ", "-Xpreprocessor", NULL };
static const char *const sep_link[] = { "-L", "-l", "-u", "-T", "-z", "-Xlinker", "-e", NULL };
static const char *const sep_both[] = { "--param", "-aux-info", "-Xclang", "-target", NULL };

static const char *const print_only[] = { "-dumpversion", "-dumpfullversion", "-dumpmachine",
    "-dumpspecs", "--version", "-###", "-print-search-dirs", "-print-libgcc-file-name",
    "-print-multiarch", "-print-multi-directory", "-print-multi-lib", "-print-multi-os-directory",
    "-print-sysroot", "-print-resource-dir", "-print-targets", NULL };

const char *cc_lang_name(enum cc_lang l)
{
    switch (l) {
    case LANG_C: return "c";
    case LANG_CPP_OUTPUT: return "cpp-output";
    case LANG_ASM: return "assembler";
    case LANG_ASM_CPP: return "assembler-with-cpp";
    default: return "none";
    }
}

static int lang_of_x(const char *x, enum cc_lang *l)
{
    if (is(x, "c")) *l = LANG_C;
    else if (is(x, "cpp-output")) *l = LANG_CPP_OUTPUT;
    else if (is(x, "assembler")) *l = LANG_ASM;
    else if (is(x, "assembler-with-cpp")) *l = LANG_ASM_CPP;
    else if (is(x, "none")) *l = LANG_NONE;
    else {
        fprintf(stderr, "lfi-cc: -x %s: language not supported (C and assembly only)\n", x);
        return -1;
    }
    return 0;
}

static int lang_of_file(const char *path, enum cc_lang *l)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) {
        *l = LANG_OBJECT;
        return 0;
    }
    const char *e = dot + 1;
    if (is(e, "c")) *l = LANG_C;
    else if (is(e, "i")) *l = LANG_CPP_OUTPUT;
    else if (is(e, "s")) *l = LANG_ASM;
    else if (is(e, "S") || is(e, "sx")) *l = LANG_ASM_CPP;
    else if (is(e, "cc") || is(e, "cpp") || is(e, "cxx") || is(e, "C") || is(e, "c++") ||
             is(e, "ii") || is(e, "m") || is(e, "mm")) {
        fprintf(stderr, "lfi-cc: %s: only C and assembly are supported\n", path);
        return -1;
    } else if (is(e, "h")) {
        fprintf(stderr, "lfi-cc: %s: precompiled headers are not supported\n", path);
        return -1;
    } else
        *l = LANG_OBJECT;
    return 0;
}

static void add_input(struct cc_job *job, const char *path, enum cc_lang lang)
{
    job->inputs = realloc(job->inputs, (job->ninputs + 1) * sizeof *job->inputs);
    if (!job->inputs) {
        fprintf(stderr, "lfi-cc: out of memory\n");
        exit(2);
    }
    job->inputs[job->ninputs++] = (struct cc_input){ path, lang, job->link_items.n };
    sv_push(&job->link_items, lang == LANG_OBJECT ? path : "");
}

int cc_parse_args(struct cc_job *job, int argc, char **argv)
{
    enum cc_lang xlang = LANG_NONE;
    bool want_e = false, want_m = false;
    job->verify = true;
    job->interp = true;
    const char *env = getenv("LFI_VERBOSE");
    job->verbose = env && *env && !is(env, "0");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        sv_push(&job->passthrough, a);
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_NEXT()                                                             \
    do {                                                                        \
        if (!next) {                                                            \
            fprintf(stderr, "lfi-cc: missing argument to '%s'\n", a);           \
            return 2;                                                           \
        }                                                                       \
        sv_push(&job->passthrough, next);                                       \
        i++;                                                                    \
    } while (0)
        if (a[0] != '-' || is(a, "-")) {
            enum cc_lang l = xlang;
            if (l == LANG_NONE) {
                if (is(a, "-")) {
                    fprintf(stderr, "lfi-cc: '-' (standard input) needs -x LANGUAGE\n");
                    return 2;
                }
                if (lang_of_file(a, &l))
                    return 2;
            }
            add_input(job, a, l);
            continue;
        }
        /* ---- lfi-cc's own options ---- */
        if (is(a, "--verify")) { job->verify = true; continue; }
        if (is(a, "--no-verify")) { job->verify = false; continue; }
        if (is(a, "--align-labels")) { job->align_labels = true; continue; }
        if (is(a, "--no-interp")) { job->interp = false; continue; }
        if (is(a, "--single-thread")) { job->single_thread = true; continue; }
        if (is(a, "--dynamic")) { job->dynamic = true; continue; }
        if (starts(a, "--sandbox=")) {
            const char *m = a + 10;
            job->native = is(m, "none");
            if (is(m, "full") || is(m, "none")) job->stores_only = false;
            else if (is(m, "stores")) job->stores_only = true;
            else {
                fprintf(stderr, "lfi-cc: %s: expected --sandbox=full, stores or none\n", a);
                return 2;
            }
            continue;
        }
        if (is(a, "-Xlfi-rewrite")) {
            NEED_NEXT();
            sv_push(&job->rewrite_opts, next);
            continue;
        }
        /* ---- modes and output ---- */
        if (is(a, "-c")) { if (job->mode == CC_LINK) job->mode = CC_COMPILE; continue; }
        if (is(a, "-S")) { if (job->mode != CC_PREPROCESS) job->mode = CC_ASSEMBLY; continue; }
        if (is(a, "-E")) { want_e = true; continue; }
        if (is(a, "-M") || is(a, "-MM")) { want_m = true; sv_push(&job->ppflags, a); continue; }
        if (is(a, "-o")) { NEED_NEXT(); job->output = next; continue; }
        if (starts(a, "-o")) { job->output = a + 2; continue; }
        if (is(a, "-x")) {
            NEED_NEXT();
            if (lang_of_x(next, &xlang))
                return 2;
            continue;
        }
        if (starts(a, "-x")) {
            if (lang_of_x(a + 2, &xlang))
                return 2;
            continue;
        }
        if (is(a, "-v")) { job->verbose = true; sv_push(&job->cflags, a); continue; }
        if (is(a, "-save-temps") || starts(a, "-save-temps=")) { job->save_temps = true; continue; }
        if (is(a, "-pipe")) continue;
        if (is_any(a, print_only) || starts(a, "-print-file-name=") ||
            starts(a, "-print-prog-name=")) {
            job->print_only = true;
            continue;
        }
        /* ---- options the scheme overrides ---- */
        if (is(a, "-fno-pic") || is(a, "-fno-PIC") || is(a, "-fno-pie") || is(a, "-fno-PIE") ||
            is(a, "-static") || is(a, "-static-pie") || is(a, "-pie") || is(a, "-no-pie") ||
            is(a, "-static-libgcc") || is(a, "-shared-libgcc") || starts(a, "-flto") ||
            is(a, "-fno-lto") || starts(a, "-fuse-linker-plugin"))
            continue; /* always static PIE, no LTO (it would bypass the rewriter) */
        if (is(a, "-fPIC") || is(a, "-fpic"))
            job->pic = true; /* and on to the host compiler */
        if (is(a, "-shared")) { job->shared = true; sv_push(&job->linkflags, a); continue; }
        if (is(a, "-r")) { job->relocatable = true; sv_push(&job->linkflags, a); continue; }
        /* ---- preprocessor ---- */
        if (is(a, "-nostdinc")) { job->nostdinc = true; sv_push(&job->ppflags, a); continue; }
        if (is(a, "-MD") || is(a, "-MMD")) { job->deps_md = true; sv_push(&job->ppflags, a); continue; }
        if (is(a, "-MF") || starts(a, "-MF")) job->deps_mf = true;
        if (is(a, "-MT") || is(a, "-MQ") || starts(a, "-MT") || starts(a, "-MQ")) job->deps_mt = true;
        if (is_any(a, sep_pre)) {
            sv_push(&job->ppflags, a);
            NEED_NEXT();
            sv_push(&job->ppflags, next);
            continue;
        }
        if (starts(a, "-I") || starts(a, "-D") || starts(a, "-U") || starts(a, "-M") ||
            starts(a, "-Wp,") || starts(a, "-isystem") || starts(a, "-iquote") ||
            starts(a, "-idirafter") || starts(a, "-include") || starts(a, "-imacros") ||
            is(a, "-C") || is(a, "-CC") || is(a, "-P") || is(a, "-H") || is(a, "-undef") ||
            is(a, "-trigraphs")) {
            sv_push(&job->ppflags, a);
            continue;
        }
        /* ---- assembler ---- */
        if (starts(a, "-Wa,")) { sv_push(&job->asflags, a); continue; }
        if (is(a, "-Xassembler")) {
            NEED_NEXT();
            sv_push(&job->asflags, a);
            sv_push(&job->asflags, next);
            continue;
        }
        /* ---- linker ---- */
        if (is(a, "-nostdlib")) { job->nostdlib = true; continue; }
        if (is(a, "-nostartfiles")) { job->nostartfiles = true; continue; }
        if (is(a, "-nodefaultlibs") || is(a, "-nolibc")) { job->nodefaultlibs = true; continue; }
        if (is_any(a, sep_link)) {
            NEED_NEXT();
            if (is(a, "-l")) {
                sv_push(&job->link_items, cc_printf("-l%s", next));
            } else if (is(a, "-L")) {
                sv_push(&job->linkflags, cc_printf("-L%s", next));
            } else {
                sv_push(&job->link_items, a);
                sv_push(&job->link_items, next);
            }
            continue;
        }
        if (starts(a, "-l") || starts(a, "-Wl,")) { sv_push(&job->link_items, a); continue; }
        if (starts(a, "-L") || is(a, "-rdynamic") || is(a, "-s") || starts(a, "-fuse-ld=") ||
            is(a, "-Bstatic") || is(a, "-Bdynamic") || is(a, "-symbolic")) {
            sv_push(&job->linkflags, a);
            continue;
        }
        /* ---- everything else: compile and link ---- */
        if (is_any(a, sep_both)) {
            NEED_NEXT();
            sv_push(&job->cflags, a);
            sv_push(&job->cflags, next);
            continue;
        }
        sv_push(&job->cflags, a);
    }
    if (want_e || want_m)
        job->mode = CC_PREPROCESS;
    if (job->native)
        job->verify = false;
    return 0;
}
