/* lfi-cc: the LFI compiler driver (docs/toolchain.md).
 *
 * A drop-in C compiler: the host compiler (gcc or clang) compiles C to
 * assembly with the flags the sandboxing scheme needs, liblfirewrite turns
 * that assembly into LFI assembly, the host compiler assembles it, and links
 * static-PIE programs against the sandbox sysroot (musl + our builtins).
 */
#ifndef LFI_CC_H
#define LFI_CC_H

#include <stdbool.h>
#include <stddef.h>

/* A growable NULL-terminated argument vector. Strings are not owned. */
struct strvec {
    const char **v;
    size_t n, cap;
};

void sv_push(struct strvec *s, const char *a);
void sv_append(struct strvec *s, const struct strvec *t);
void sv_free(struct strvec *s);
/* Allocates a string that lives until exit (never freed: the driver is
 * short-lived). Exits on out-of-memory. */
char *cc_strdup(const char *s);
char *cc_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), nonnull(1)));

enum cc_mode { CC_LINK, CC_COMPILE /* -c */, CC_ASSEMBLY /* -S */, CC_PREPROCESS /* -E, -M, -MM */ };
enum cc_lang { LANG_NONE, LANG_C, LANG_CPP_OUTPUT /* .i */, LANG_ASM, LANG_ASM_CPP, LANG_OBJECT };
enum cc_host { HOST_GCC, HOST_CLANG };

struct cc_input {
    const char *path;
    enum cc_lang lang;
    size_t link_pos; /* index in link_items where its object goes */
};

struct cc_job {
    enum cc_mode mode;
    enum cc_host host;
    const char *host_cc;    /* program to run: gcc, clang, or $LFI_HOST_CC */
    const char *output;     /* -o, or NULL */
    struct strvec ppflags;  /* preprocessor options (-I, -D, -M*, ...) */
    struct strvec cflags;   /* other options: for compiling and linking */
    struct strvec asflags;  /* -Wa, and -Xassembler options */
    struct strvec linkflags;/* options only for the link (-L, -Wl, ...) */
    struct strvec link_items; /* objects, libraries, in order; NULL = input's object */
    struct cc_input *inputs;
    size_t ninputs;
    struct strvec rewrite_opts; /* -Xlfi-rewrite options */
    bool verbose, save_temps, verify, stores_only, align_labels;
    bool native;            /* --sandbox=none: plain code, native sysroot */
    bool single_thread;     /* --single-thread: returns as push + ret; the
                             * program is marked single-threaded (a note) */
    bool dynamic;           /* --dynamic: dynamically linked PIE (libc.so) */
    bool pic;               /* -fPIC or -fpic given */
    bool interp;            /* name lfi-interp as PT_INTERP (--no-interp: not) */
    bool nostdinc, nostdlib, nostartfiles, nodefaultlibs, shared, relocatable;
    bool deps_md;           /* -MD or -MMD */
    bool deps_mf, deps_mt;  /* -MF, -MT/-MQ given */
    bool print_only;        /* -dumpversion, -print-*, --version: run the host as is */
    struct strvec passthrough; /* the original arguments, for print_only */
};

/* args.c: parse the command line. Returns 0, or 2 after printing an error. */
int cc_parse_args(struct cc_job *job, int argc, char **argv);
const char *cc_lang_name(enum cc_lang l);

/* run.c: run a command; 0 if it exited 0, else prints and returns 1. */
int cc_run(const struct cc_job *job, const struct strvec *cmd);
/* A file name inside this invocation's temporary directory. */
const char *cc_temp(const struct cc_job *job, const char *base, const char *ext);
void cc_cleanup(const struct cc_job *job);

/* pad.c: fill the last page of every executable segment of a linked file
 * with int3 and extend the segment over it. 0, or 1 after an error (the
 * file is then removed). */
int cc_pad_code_pages(const char *path);

/* steps.c */
const char *cc_sysroot(const struct cc_job *job);
int cc_preprocess_only(struct cc_job *job);
int cc_build(struct cc_job *job);

#endif
