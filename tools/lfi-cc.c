/* lfi-cc (also lfi-gcc, lfi-clang): the LFI compiler driver. The work is
 * done in tools/cc/; docs/toolchain.md describes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/cc.h"

static const char usage[] =
    "usage: lfi-cc [options] FILE...    (also lfi-gcc, lfi-clang)\n"
    "\n"
    "A drop-in C compiler that builds LFI-sandboxed x86-64 code: the host\n"
    "compiler (gcc for lfi-cc and lfi-gcc, clang for lfi-clang, or $LFI_HOST_CC)\n"
    "compiles to assembly with the flags the sandbox needs, lfi-rewrite makes the\n"
    "assembly safe, the host assembles it, and programs are linked as static PIE\n"
    "against the sandbox sysroot (musl and the LFI builtins), or as dynamically\n"
    "linked PIE and shared libraries (--dynamic, -shared). Inputs: .c .i .s .S\n"
    "and objects/archives. GCC options (-c -S -E -o -M* -I -D -O -g -l -L -Wl,\n"
    "...) work as usual; unknown options go to the host compiler.\n"
    "\n"
    "lfi-cc's own options:\n"
    "  --sandbox=full|stores   sandbox loads and stores (default), or stores only\n"
    "  --align-labels          align every branch target (output that the public\n"
    "                          reference verifier accepts)\n"
    "  --verify                verify objects and programs after building (default)\n"
    "  --no-verify             do not verify (the runtime verifies anyway)\n"
    "  --no-interp             do not make programs directly executable (by\n"
    "                          naming lfi-interp as their ELF interpreter)\n"
    "  --single-thread         for programs that never create threads: returns\n"
    "                          keep the CPU's return prediction (faster); the\n"
    "                          program is marked, and the runtime then refuses\n"
    "                          to create threads in it (docs/toolchain.md)\n"
    "  --dynamic               link a dynamically linked PIE against the sysroot's\n"
    "                          libc.so; its interpreter is /lib/ld-musl-x86_64.so.1\n"
    "                          in the sandbox (lfi-run --dir /lib=SYSROOT/lib:ro).\n"
    "                          -shared builds a shared library the same way.\n"
    "                          Objects for either need --dynamic or -fPIC (both\n"
    "                          compile with -fno-plt: a PLT cannot be verified)\n"
    "  --sandbox=none          no sandboxing: the same libc, natively (baseline)\n"
    "  -Xlfi-rewrite OPT       pass OPT to the rewriter (--r14-is-base, ...)\n"
    "  -v                      print the commands run (also LFI_VERBOSE=1)\n"
    "  -save-temps             keep the intermediate .s and .lfi.s files\n"
    "  --help                  show this help\n"
    "\n"
    "Environment: LFI_SYSROOT (sysroot directory; default: the build tree's or\n"
    "PREFIX/lib/lfi/sysroot), LFI_HOST_CC (host compiler program).\n"
    "Ignored because the scheme fixes them: -static, -pie, -no-pie, -fno-pic,\n"
    "-flto. Refused: C++ sources; --dynamic or -shared with --single-thread or\n"
    "--sandbox=none.\n";

static int host_of(const char *prog, struct cc_job *job)
{
    const char *b = strrchr(prog, '/');
    b = b ? b + 1 : prog;
    job->host = strstr(b, "clang") ? HOST_CLANG : HOST_GCC;
    job->host_cc = job->host == HOST_CLANG ? "clang" : "gcc";
    const char *e = getenv("LFI_HOST_CC");
    if (e && *e) {
        job->host_cc = e;
        const char *eb = strrchr(e, '/');
        eb = eb ? eb + 1 : e;
        job->host = strstr(eb, "clang") ? HOST_CLANG : HOST_GCC;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cc_job job = { 0 };
    host_of(argv[0], &job);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-help")) {
            fputs(usage, stdout);
            return 0;
        }
    }
    if (cc_parse_args(&job, argc, argv))
        return 2;
    if (job.print_only || (job.ninputs == 0 && job.verbose)) {
        /* --version, -dumpversion, -print-*, -v alone: the host answers. */
        struct strvec cmd = { 0 };
        sv_push(&cmd, job.host_cc);
        sv_append(&cmd, &job.passthrough);
        return cc_run(&job, &cmd) ? 1 : 0;
    }
    if (job.ninputs == 0) {
        fprintf(stderr, "lfi-cc: no input files (see lfi-cc --help)\n");
        return 2;
    }
    int rc = job.mode == CC_PREPROCESS ? cc_preprocess_only(&job) : cc_build(&job);
    if (!job.save_temps)
        cc_cleanup(&job);
    return rc ? 1 : 0;
}

/* lfi-cc is a short-lived process that never frees its argument strings (see
 * cc_strdup): tell LeakSanitizer, in sanitizer builds, not to report them. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "detect_leaks=0"; }
