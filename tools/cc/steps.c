/* lfi-cc: the build steps: compile C to assembly with the host compiler,
 * rewrite it (liblfirewrite), assemble, link against the sysroot, verify
 * the result (liblfiv). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lfi_rewrite.h>
#include <lfiv.h>

#include "cc.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    if (!dir[0]) {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
        if (n <= 0)
            return ".";
        dir[n] = 0;
        char *s = strrchr(dir, '/');
        if (s)
            *s = 0;
    }
    return dir;
}

/* $LFI_SYSROOT, else the build tree's (next to tools/), else the installed
 * one (PREFIX/lib/lfi/sysroot). NULL if none exists. With --sandbox=none:
 * $LFI_NATIVE_SYSROOT, sysroot-native (the same libc, not sandboxed). */
static const char *sysroot_env(const struct cc_job *job)
{
    return job->native ? "LFI_NATIVE_SYSROOT" : "LFI_SYSROOT";
}

const char *cc_sysroot(const struct cc_job *job)
{
    const char *e = getenv(sysroot_env(job));
    if (e && *e)
        return is_dir(e) ? e : NULL;
    const char *name = job->native ? "sysroot-native" : "sysroot";
    /* --single-thread: the sysroot compiled that way if it was built, else
     * the ordinary one (its returns are valid in single-threaded boxes too) */
    const char *cand[] = { cc_printf("%s/../sysroot-1t", exe_dir()),
                           cc_printf("%s/../lib/lfi/sysroot-1t", exe_dir()),
                           cc_printf("%s/../%s", exe_dir(), name),
                           cc_printf("%s/../lib/lfi/%s", exe_dir(), name) };
    for (size_t i = job->single_thread && !job->native ? 0 : 2; i < 4; i++) {
        char *inc = cc_printf("%s/include/stdio.h", cand[i]);
        bool ok = access(inc, R_OK) == 0;
        free(inc);
        if (ok)
            return cand[i];
    }
    return NULL;
}

static const char *need_sysroot(const struct cc_job *job)
{
    const char *s = cc_sysroot(job);
    if (!s) {
        const char *var = sysroot_env(job);
        const char *e = getenv(var);
        const char *name = job->native ? "sysroot-native" : "sysroot";
        if (e && *e)
            fprintf(stderr, "lfi-cc: %s=%s: not a directory\n", var, e);
        else
            fprintf(stderr, "lfi-cc: the %s was not found (looked in %s/../%s and "
                            "%s/../lib/lfi/%s): build it (ninja %s) or set %s\n",
                    name, exe_dir(), name, exe_dir(), name, name, var);
    }
    return s;
}

/* The host compiler's own header directory (stddef.h, x86 intrinsics). */
static const char *host_include(const struct cc_job *job)
{
    static char *cached;
    if (cached)
        return cached;
    const char *q = job->host == HOST_CLANG ? "-print-resource-dir" : "-print-file-name=include";
    char *cmd = cc_printf("'%s' %s 2>/dev/null", job->host_cc, q);
    FILE *p = popen(cmd, "r");
    free(cmd);
    char buf[PATH_MAX] = "";
    if (p) {
        if (!fgets(buf, sizeof buf, p))
            buf[0] = 0;
        pclose(p);
    }
    buf[strcspn(buf, "\n")] = 0;
    if (!buf[0]) {
        fprintf(stderr, "lfi-cc: cannot ask %s for its header directory\n", job->host_cc);
        return NULL;
    }
    cached = job->host == HOST_CLANG ? cc_printf("%s/include", buf) : cc_strdup(buf);
    return cached;
}

/* Preprocessor flags: the sysroot's headers instead of the host's. */
static int add_pp(const struct cc_job *job, struct strvec *cmd)
{
    sv_push(cmd, "-D__lfi__=1");
    if (!job->nostdinc) {
        const char *sr = need_sysroot(job);
        const char *hi = host_include(job);
        if (!sr || !hi)
            return 1;
        sv_push(cmd, "-nostdinc");
        sv_push(cmd, "-isystem");
        sv_push(cmd, cc_printf("%s/include", sr));
        sv_push(cmd, "-isystem");
        sv_push(cmd, hi);
    }
    sv_append(cmd, &job->ppflags);
    return 0;
}

/* Code generation flags the scheme needs; after the user's, so they win. */
static void add_scheme(const struct cc_job *job, struct strvec *cmd)
{
    if (job->native) {
        /* the same code generation apart from the sandbox's needs */
        sv_push(cmd, "-fno-lto");
        if (job->host == HOST_CLANG)
            sv_push(cmd, "-fno-addrsig");
        return;
    }
    sv_push(cmd, "-mno-tls-direct-seg-refs");
    sv_push(cmd, "-fcf-protection=none");
    /* code for dynamic linking calls other modules through their GOT
     * entries (rewritten into masked indirect calls): a PLT's jmp *GOT is
     * an indirect branch through memory that no verifier may accept */
    if (job->dynamic || job->shared || job->pic) {
        sv_push(cmd, "-fno-plt");
        /* TLS descriptor calls (call *x@TLSCALL(%rax)) stay unrelaxed in
         * shared libraries, and cannot be verified */
        sv_push(cmd, "-ftls-model=initial-exec");
    }
    sv_push(cmd, "-mno-avx");
    sv_push(cmd, "-fno-lto");
    if (job->host == HOST_GCC) {
        sv_push(cmd, "-ffixed-r11");
        sv_push(cmd, "-ffixed-r14");
        sv_push(cmd, "-mtls-dialect=gnu2");
    } else {
        sv_push(cmd, "-fno-addrsig");
    }
}

/* Dependency files name the object, not our temporary assembly file. */
static void add_deps(const struct cc_job *job, struct strvec *cmd, const char *obj)
{
    if (!job->deps_md)
        return;
    if (!job->deps_mf) {
        const char *dot = strrchr(obj, '.'), *sl = strrchr(obj, '/');
        int n = dot && (!sl || dot > sl) ? (int)(dot - obj) : (int)strlen(obj);
        sv_push(cmd, "-MF");
        sv_push(cmd, cc_printf("%.*s.d", n, obj));
    }
    if (!job->deps_mt) {
        sv_push(cmd, "-MT");
        sv_push(cmd, obj);
    }
}

static int compile_c(const struct cc_job *job, const struct cc_input *in, const char *out_s,
                     const char *obj)
{
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_push(&cmd, "-fPIE");
    if (in->lang == LANG_C && add_pp(job, &cmd))
        return 1;
    sv_append(&cmd, &job->cflags);
    add_scheme(job, &cmd);
    if (in->lang == LANG_C)
        add_deps(job, &cmd, obj);
    sv_push(&cmd, "-S");
    sv_push(&cmd, "-x");
    sv_push(&cmd, cc_lang_name(in->lang));
    sv_push(&cmd, in->path);
    sv_push(&cmd, "-o");
    sv_push(&cmd, out_s);
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    return rc;
}

static int preprocess_asm(const struct cc_job *job, const struct cc_input *in,
                          const char *out_s, const char *obj)
{
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_push(&cmd, "-E");
    if (add_pp(job, &cmd))
        return 1;
    sv_append(&cmd, &job->cflags);
    add_deps(job, &cmd, obj);
    sv_push(&cmd, "-x");
    sv_push(&cmd, "assembler-with-cpp");
    sv_push(&cmd, in->path);
    sv_push(&cmd, "-o");
    sv_push(&cmd, out_s);
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    return rc;
}

static char *read_all(const char *path, size_t *n)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *p = malloc(cap);
    while (p) {
        if (len == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
        }
        size_t r = fread(p + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    if (p && ferror(f)) {
        free(p);
        p = NULL;
    }
    if (f != stdin)
        fclose(f);
    *n = len;
    return p;
}

static int rewrite_opts(const struct cc_job *job, struct lfi_rw_options *o)
{
    memset(o, 0, sizeof *o);
    o->sandbox = job->stores_only ? LFI_RW_STORES : LFI_RW_FULL;
    o->assembler = job->host == HOST_CLANG ? LFI_RW_AS_LLVM : LFI_RW_AS_GNU;
    o->align_labels = job->align_labels;
    o->single_thread = job->single_thread;
    o->mark_returns = !job->single_thread;
    o->rename_r14 = job->host == HOST_CLANG;
    for (size_t i = 0; i < job->rewrite_opts.n; i++) {
        const char *a = job->rewrite_opts.v[i];
        if (!strcmp(a, "--r14-is-base"))
            o->r14_is_base = true;
        else if (!strcmp(a, "--rename-r14"))
            o->rename_r14 = true;
        else if (!strcmp(a, "--align-labels"))
            o->align_labels = true;
        else if (!strcmp(a, "--sandbox=stores"))
            o->sandbox = LFI_RW_STORES;
        else if (!strcmp(a, "--sandbox=full"))
            o->sandbox = LFI_RW_FULL;
        else {
            fprintf(stderr, "lfi-cc: -Xlfi-rewrite %s: unknown rewriter option (known: "
                            "--r14-is-base --rename-r14 --align-labels --sandbox=MODE)\n", a);
            return 1;
        }
    }
    return 0;
}

/* Rewrite `src_s` into `dst_s`. `shown` names the user's file in messages. */
static int rewrite(const struct cc_job *job, const char *src_s, const char *dst_s,
                   const char *shown, bool generated)
{
    struct lfi_rw_options o;
    if (rewrite_opts(job, &o))
        return 1;
    size_t n;
    char *src = read_all(src_s, &n);
    if (!src) {
        fprintf(stderr, "lfi-cc: cannot read %s: %s\n", src_s, strerror(errno));
        return 1;
    }
    struct lfi_rw_result res;
    int rc = lfi_rewrite_x64(&o, shown, src, n, &res);
    free(src);
    if (rc < 0) {
        fprintf(stderr, "lfi-cc: out of memory while rewriting %s\n", shown);
        return 1;
    }
    if (rc > 0) {
        for (size_t i = 0; i < res.ndiags; i++)
            fprintf(stderr, "lfi-cc: %s%s\n", res.diags[i].msg,
                    generated ? " (line of the generated assembly; see it with -save-temps)" : "");
        lfi_rw_result_free(&res);
        return 1;
    }
    FILE *f = strcmp(dst_s, "-") ? fopen(dst_s, "w") : stdout;
    if (!f) {
        fprintf(stderr, "lfi-cc: cannot write %s: %s\n", dst_s, strerror(errno));
        lfi_rw_result_free(&res);
        return 1;
    }
    size_t w = fwrite(res.out, 1, res.outlen, f);
    int bad = w != res.outlen || ferror(f);
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    lfi_rw_result_free(&res);
    if (bad) {
        fprintf(stderr, "lfi-cc: writing %s failed\n", dst_s);
        return 1;
    }
    return 0;
}

static int assemble(const struct cc_job *job, const char *s, const char *obj)
{
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_push(&cmd, "-c");
    sv_append(&cmd, &job->asflags);
    sv_push(&cmd, "-x");
    sv_push(&cmd, "assembler");
    sv_push(&cmd, s);
    sv_push(&cmd, "-o");
    sv_push(&cmd, obj);
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    return rc;
}

static int copy_file(const char *from, const char *to)
{
    size_t n;
    char *p = read_all(from, &n);
    if (!p) {
        fprintf(stderr, "lfi-cc: cannot read %s: %s\n", from, strerror(errno));
        return 1;
    }
    FILE *f = strcmp(to, "-") ? fopen(to, "w") : stdout;
    int bad = !f;
    if (f) {
        bad |= fwrite(p, 1, n, f) != n;
        bad |= f != stdout ? fclose(f) != 0 : fflush(f) != 0;
    }
    free(p);
    if (bad)
        fprintf(stderr, "lfi-cc: cannot write %s\n", to);
    return bad;
}

static const char *base_with(const char *path, const char *ext)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    int n = dot && dot != b ? (int)(dot - b) : (int)strlen(b);
    return cc_printf("%.*s%s", n, b, ext);
}

/* One source file to an object (or, for -S, to rewritten assembly). */
static int build_one(const struct cc_job *job, const struct cc_input *in, const char *out)
{
    const char *s_in = in->path;
    bool generated = false;
    const char *obj = job->mode == CC_COMPILE ? out : base_with(in->path, ".o");
    if (in->lang == LANG_C || in->lang == LANG_CPP_OUTPUT) {
        s_in = cc_temp(job, in->path, ".s");
        if (compile_c(job, in, s_in, obj))
            return 1;
        generated = true;
    } else if (in->lang == LANG_ASM_CPP) {
        s_in = cc_temp(job, in->path, job->save_temps ? ".pp.s" : ".s");
        if (preprocess_asm(job, in, s_in, obj))
            return 1;
        generated = true;
    }
    if (job->native) { /* no rewriting: copy (for -S) or assemble */
        if (job->mode == CC_ASSEMBLY && generated)
            return copy_file(s_in, out);
        return job->mode == CC_ASSEMBLY ? copy_file(in->path, out) : assemble(job, s_in, out);
    }
    if (job->mode == CC_ASSEMBLY)
        return rewrite(job, s_in, out, generated ? s_in : in->path, generated);
    const char *lfi_s = cc_temp(job, in->path, ".lfi.s");
    if (rewrite(job, s_in, lfi_s, generated ? s_in : in->path, generated))
        return 1;
    return assemble(job, lfi_s, out);
}

static int verify_file(const struct cc_job *job, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0; /* -o /dev/null and the like: nothing to check */
    size_t n;
    char *img = read_all(path, &n);
    if (!img) {
        fprintf(stderr, "lfi-cc: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct lfiv_options o = { LFIV_ARCH_X64, job->stores_only ? LFIV_MODE_STORES : LFIV_MODE_FULL, 0 };
    if (job->align_labels)
        o.flags |= LFIV_ALIGNED_TARGETS;
    if (job->single_thread)
        o.flags |= LFIV_SINGLE_THREAD;
    struct lfiv_violation v;
    int rc = lfiv_verify_elf(&o, img, n, &v, NULL);
    free(img);
    if (rc == LFIV_OK)
        return 0;
    if (rc == LFIV_REJECTED) {
        char line[512];
        lfiv_format_violation(&v, line, sizeof line);
        fprintf(stderr, "lfi-cc: %s: verification failed: %s\n", path, line);
        if ((job->dynamic || job->shared) && strstr(line, "through memory"))
            fprintf(stderr, "lfi-cc: %s: probably a PLT entry: compile every object of a "
                            "dynamic link with lfi-cc --dynamic or -fPIC (they use -fno-plt)\n",
                    path);
    } else if (rc == LFIV_EINVAL) {
        fprintf(stderr, "lfi-cc: %s: cannot verify: %s\n", path, v.message);
    } else {
        fprintf(stderr, "lfi-cc: %s: cannot verify: out of memory\n", path);
    }
    unlink(path); /* an unverifiable output must not look like a success */
    return 1;
}

/* The ELF note that marks a program single-threaded (docs/toolchain.md):
 * name "LFI", type 1 (LX_NT_LFI_SINGLE_THREAD), no descriptor. lfi-run
 * reads it, verifies the program with LFIV_SINGLE_THREAD and runs it in a
 * box that can hold one context only. "R" (SHF_GNU_RETAIN) keeps it under
 * --gc-sections. Returns the assembled object, or NULL after an error. */
static const char *single_thread_note(const struct cc_job *job)
{
    const char *s = cc_temp(job, "lfi-single-thread-note", ".s");
    const char *o = cc_temp(job, "lfi-single-thread-note", ".o");
    FILE *f = fopen(s, "w");
    if (!f) {
        fprintf(stderr, "lfi-cc: cannot write %s: %s\n", s, strerror(errno));
        return NULL;
    }
    fputs("\t.section .note.lfi,\"aR\",@note\n"
          "\t.balign 4\n"
          "\t.long 4\n"      /* namesz: "LFI\0" */
          "\t.long 0\n"      /* descsz */
          "\t.long 1\n"      /* type: single-threaded */
          "\t.asciz \"LFI\"\n"
          "\t.section .note.GNU-stack,\"\",@progbits\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "lfi-cc: cannot write %s: %s\n", s, strerror(errno));
        return NULL;
    }
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_push(&cmd, "-c");
    sv_push(&cmd, "-x");
    sv_push(&cmd, "assembler");
    sv_push(&cmd, s);
    sv_push(&cmd, "-o");
    sv_push(&cmd, o);
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    return rc == 0 ? o : NULL;
}

/* The dynamic loader of sandboxed programs, as a path in the sandbox:
 * musl's libc.so, which lfi-run finds through the program's file view. */
#define LFI_DYNAMIC_LINKER "/lib/ld-musl-x86_64.so.1"

/* --dynamic and -shared: false after printing why they cannot work. */
static bool dynamic_ok(const struct cc_job *job, const char *sr)
{
    const char *what = job->shared ? "-shared" : "--dynamic";
    if (job->native) {
        fprintf(stderr, "lfi-cc: %s: not with --sandbox=none (the native sysroot has no "
                        "shared libc)\n", what);
        return false;
    }
    if (job->single_thread) {
        fprintf(stderr, "lfi-cc: %s: not with --single-thread (a single-threaded box "
                        "is a property of a whole static program)\n", what);
        return false;
    }
    if (sr) {
        const char *so = cc_printf("%s/lib/libc.so", sr);
        if (access(so, R_OK) != 0) {
            fprintf(stderr, "lfi-cc: %s: the sysroot %s has no shared libc (lib/libc.so): "
                            "rebuild it (meson compile sysroot)\n", what, sr);
            return false;
        }
    }
    return true;
}

static int link_step(const struct cc_job *job, const char **objs, const char *out)
{
    const char *sr = NULL;
    bool libs = !job->nostdlib && !job->nodefaultlibs;
    bool crt = !job->nostdlib && !job->nostartfiles;
    /* -shared, or a dynamically linked executable (--dynamic) */
    bool dyn = !job->relocatable && (job->shared || job->dynamic);
    if ((libs || crt) && !job->relocatable && !(sr = need_sysroot(job)))
        return 1;
    if (dyn && (libs || crt) && !dynamic_ok(job, sr))
        return 1;
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_append(&cmd, &job->cflags);
    sv_push(&cmd, "-nostdlib");
    if (job->host == HOST_CLANG) /* -pthread & co. are unused with -nostdlib */
        sv_push(&cmd, "-Wno-unused-command-line-argument");
    if (!job->relocatable) {
        sv_push(&cmd, "-Wl,-z,separate-code");
        sv_push(&cmd, "-Wl,-z,noexecstack");
    }
    if (dyn) {
        /* musl's loader binds every symbol at start-up anyway */
        sv_push(&cmd, "-Wl,-z,now");
        sv_push(&cmd, "-Wl,-z,relro");
        if (!job->shared) {
            sv_push(&cmd, "-pie");
            sv_push(&cmd, "-Wl,-dynamic-linker," LFI_DYNAMIC_LINKER);
        }
        /* each module keeps its own copy of the builtins it uses */
        sv_push(&cmd, "-Wl,--exclude-libs,liblfi-builtins.a");
    } else if (!job->shared && !job->relocatable) {
        sv_push(&cmd, "-static-pie");
        /* lfi-interp as the program interpreter: executing the program
         * runs it under lfi-run (docs/toolchain.md). */
        const char *interp = cc_printf("%s/lfi-interp", exe_dir());
        if (!job->native && job->interp && access(interp, X_OK) == 0)
            sv_push(&cmd, cc_printf("-Wl,-dynamic-linker,%s", interp));
    }
    sv_push(&cmd, "-o");
    sv_push(&cmd, out);
    if (job->single_thread && !job->native && !dyn && !job->shared && !job->relocatable) {
        const char *note = single_thread_note(job);
        if (!note) {
            sv_free(&cmd);
            return 1;
        }
        sv_push(&cmd, note);
    }
    if (sr && crt && !job->relocatable) {
        if (!job->shared)
            sv_push(&cmd, cc_printf("%s/lib/%s", sr, dyn ? "Scrt1.o" : "rcrt1.o"));
        sv_push(&cmd, cc_printf("%s/lib/crti.o", sr));
    }
    if (sr && !job->relocatable)
        sv_push(&cmd, cc_printf("-L%s/lib", sr));
    sv_append(&cmd, &job->linkflags);
    for (size_t i = 0, k = 0; i < job->link_items.n; i++) {
        const char *it = job->link_items.v[i];
        sv_push(&cmd, it[0] ? it : objs[k++]);
    }
    if (sr && libs && !job->relocatable) {
        sv_push(&cmd, "-Wl,--start-group");
        sv_push(&cmd, "-lc");
        /* static even in dynamic links (it is not a shared library) */
        sv_push(&cmd, cc_printf("%s/lib/liblfi-builtins.a", sr));
        sv_push(&cmd, "-Wl,--end-group");
    }
    if (sr && crt && !job->relocatable)
        sv_push(&cmd, cc_printf("%s/lib/crtn.o", sr));
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    if (rc == 0 && dyn)
        rc = cc_pad_code_pages(out);
    if (rc == 0 && job->verify)
        rc = verify_file(job, out);
    return rc;
}

int cc_preprocess_only(struct cc_job *job)
{
    struct strvec cmd = { 0 };
    sv_push(&cmd, job->host_cc);
    sv_push(&cmd, "-E");
    if (add_pp(job, &cmd))
        return 1;
    sv_append(&cmd, &job->cflags);
    for (size_t i = 0; i < job->ninputs; i++) {
        const struct cc_input *in = &job->inputs[i];
        if (in->lang == LANG_OBJECT)
            continue;
        sv_push(&cmd, "-x");
        sv_push(&cmd, cc_lang_name(in->lang));
        sv_push(&cmd, in->path);
    }
    if (job->output) {
        sv_push(&cmd, "-o");
        sv_push(&cmd, job->output);
    }
    int rc = cc_run(job, &cmd);
    sv_free(&cmd);
    return rc;
}

int cc_build(struct cc_job *job)
{
    size_t nsrc = 0;
    for (size_t i = 0; i < job->ninputs; i++)
        nsrc += job->inputs[i].lang != LANG_OBJECT;
    if (job->mode != CC_LINK && job->output && nsrc > 1) {
        fprintf(stderr, "lfi-cc: cannot specify -o with -c or -S and several source files\n");
        return 1;
    }
    const char **objs = calloc(nsrc + 1, sizeof *objs);
    if (!objs) {
        fprintf(stderr, "lfi-cc: out of memory\n");
        return 1;
    }
    int rc = 0;
    size_t k = 0;
    for (size_t i = 0; i < job->ninputs && !rc; i++) {
        const struct cc_input *in = &job->inputs[i];
        if (in->lang == LANG_OBJECT)
            continue;
        const char *out;
        if (job->mode == CC_ASSEMBLY)
            out = job->output ? job->output : base_with(in->path, ".s");
        else if (job->mode == CC_COMPILE)
            out = job->output ? job->output : base_with(in->path, ".o");
        else
            out = cc_temp(job, in->path, ".o");
        if (job->mode == CC_LINK && job->save_temps)
            out = base_with(in->path, ".o");
        rc = build_one(job, in, out);
        objs[k++] = out;
        if (!rc && job->mode == CC_COMPILE && job->verify)
            rc = verify_file(job, out);
    }
    if (!rc && job->mode == CC_LINK)
        rc = link_step(job, objs, job->output ? job->output : "a.out");
    free(objs);
    return rc;
}
