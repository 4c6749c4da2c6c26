/* lfi-run: run a sandboxed Linux program (a static-PIE or dynamically
 * linked x86-64 ELF whose code passes the verifier) with liblfi-linux. See
 * docs/linux.md.
 *
 *   lfi-run [options] PROGRAM [ARGS...]
 *
 * Exit status: the program's; 128+N if signal N ended it (a fault, or
 * abort/raise); 124 if --timeout stopped it; 2 if lfi-run itself failed
 * (bad usage, PROGRAM unreadable, malformed or unverifiable ELF). */
#include <lfi_core.h>
#include <lfi_linux.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define EXIT_USAGE 2
#define EXIT_TIMEOUT 124

extern char **environ;

static const char usage[] =
    "usage: lfi-run [options] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM (an x86-64 ELF built for LFI by lfi-cc) in a sandbox. Its code\n"
    "is verified before it runs. By default the program sees no host files, an\n"
    "empty environment and the working directory '/'; only PROGRAM itself is read\n"
    "(by lfi-run). Options stop at the first non-option argument (or '--').\n"
    "A dynamically linked PROGRAM (lfi-cc --dynamic) needs its loader in the\n"
    "sandbox's files: --dir /lib=SYSROOT/lib:ro (SYSROOT: lfi-cc's, e.g.\n"
    "build/sysroot); its libraries come from /lib, /usr/lib or LD_LIBRARY_PATH.\n"
    "\n"
    "options:\n"
    "  --dir SANDBOX=HOST[:ro]  make host directory HOST visible at SANDBOX\n"
    "                           (repeatable; ':ro' refuses every change)\n"
    "  --wd DIR                 initial working directory (a sandbox path)\n"
    "  --env NAME=VALUE         add an environment variable (repeatable)\n"
    "  --env-inherit            pass lfi-run's environment to the program\n"
    "  --max-memory SIZE        memory limit (bytes, or with K, M, G suffix);\n"
    "                           beyond it mmap/brk fail with ENOMEM\n"
    "  --max-threads N          limit on live threads (default 256)\n"
    "  --timeout SECONDS        stop the program after SECONDS (exit status 124)\n"
    "  --exit-unknown-syscalls  end the program (status 159, SIGSYS) at a system\n"
    "                           call the emulation does not know, not ENOSYS\n"
    "  --stores-only            verify in stores-only mode (programs built with\n"
    "                           lfi-cc --sandbox=stores: loads are not sandboxed)\n"
    "  --multi-thread           keep the program's returns as they are: by default\n"
    "                           a static program built by lfi-cc runs with returns\n"
    "                           the CPU predicts in a single-threaded box, switched\n"
    "                           back at its first thread (docs/toolchain.md)\n"
    "  --trace                  log every system call to stderr\n"
    "  -v, --verbose            log what the runtime does to stderr\n"
    "  -h, --help               print this help\n"
    "\n"
    "exit status: the program's; 128+N if signal N ended it (a fault in the\n"
    "sandbox, abort); 124 on timeout; 2 if lfi-run failed (usage, unreadable\n"
    "or malformed PROGRAM, verification failure).\n";

/* What lfi-run made, freed on every way out (exit does not free). */
static struct {
    struct LFIEngine *engine;
    struct LFILinuxEngine *lx;
    struct LFILinuxProc *proc;
    struct LFILinuxThread *t;
    const char **dirs, **env;
} made;

static void cleanup(void)
{
    lfi_thread_free(made.t);
    lfi_proc_free(made.proc);
    lfi_linux_free(made.lx);
    if (made.engine)
        lfi_free(made.engine);
    free(made.dirs);
    free(made.env);
    memset(&made, 0, sizeof made);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "lfi-run: %s: %s\n", what, why);
    cleanup();
    exit(EXIT_USAGE);
}

static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        die("--max-memory", "not a size");
    double mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; end++; break;
    case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end++;
    if (*end == 'B')
        end++;
    if (*end || v * mul < 4096 || v * mul > 1e15)
        die("--max-memory", "not a size (at least 4K)");
    return (size_t)(v * mul);
}

/* ---- the time limit ---- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done, fired;
    double seconds;
    struct LFILinuxProc *proc;
} watch = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0, NULL };

static void *watchdog(void *arg)
{
    (void)arg;
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    double s = watch.seconds;
    dl.tv_sec += (time_t)s;
    dl.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
    if (dl.tv_nsec >= 1000000000) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&watch.lock);
    while (!watch.done) {
        if (pthread_cond_timedwait(&watch.cond, &watch.lock, &dl) == ETIMEDOUT) {
            watch.fired = true;
            lfi_proc_kill(watch.proc, EXIT_TIMEOUT);
            break;
        }
    }
    pthread_mutex_unlock(&watch.lock);
    return NULL;
}

static const char *signame(int sig, char *buf, size_t n)
{
    const char *abbr = sigabbrev_np(sig);
    if (abbr)
        snprintf(buf, n, "SIG%s", abbr);
    else
        snprintf(buf, n, "signal %d", sig);
    return buf;
}

/* growable NULL-terminated string vector */
struct vec {
    const char **v;
    size_t n, cap;
};

static void push(struct vec *v, const char *s, const char ***owner)
{
    if (v->n + 2 > v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        const char **nv = realloc(v->v, v->cap * sizeof *v->v);
        if (!nv)
            die("out of memory", strerror(ENOMEM));
        v->v = nv;
        *owner = nv;
    }
    v->v[v->n++] = s;
    v->v[v->n] = NULL;
}

static bool env_has(const struct vec *v, const char *kv)
{
    size_t k = strcspn(kv, "=");
    for (size_t i = 0; i < v->n; i++)
        if (strncmp(v->v[i], kv, k) == 0 && v->v[i][k] == '=')
            return true;
    return false;
}

int main(int argc, char **argv)
{
    struct vec dirs = { 0 }, env = { 0 };
    const char *wd = NULL;
    bool inherit = false, verbose = false, trace = false, exit_unknown = false, stores_only = false;
    bool multi_thread = false;
    size_t max_memory = 0, max_threads = 0;
    double timeout = 0;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == 0)
            break;
        /* --opt=value or --opt value */
        char name[32];
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        if (nl >= sizeof name)
            nl = sizeof name - 1;
        memcpy(name, a, nl);
        name[nl] = 0;
        bool takes = !strcmp(name, "--dir") || !strcmp(name, "--wd") || !strcmp(name, "--env") ||
                     !strcmp(name, "--max-memory") || !strcmp(name, "--timeout") ||
                     !strcmp(name, "--max-threads");
        if (takes) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                die(name, "needs a value");
        } else if (eq) {
            die(a, "unknown option (see lfi-run --help)");
        }
        if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(name, "-v") || !strcmp(name, "--verbose")) {
            verbose = true;
        } else if (!strcmp(name, "--trace")) {
            trace = true;
        } else if (!strcmp(name, "--exit-unknown-syscalls")) {
            exit_unknown = true;
        } else if (!strcmp(name, "--env-inherit")) {
            inherit = true;
        } else if (!strcmp(name, "--stores-only")) {
            stores_only = true;
        } else if (!strcmp(name, "--multi-thread")) {
            multi_thread = true;
        } else if (!strcmp(name, "--dir")) {
            if (val[0] != '/' || !strchr(val, '='))
                die("--dir", "want SANDBOX=HOST[:ro] with an absolute SANDBOX path");
            push(&dirs, val, &made.dirs);
        } else if (!strcmp(name, "--wd")) {
            if (val[0] != '/')
                die("--wd", "want an absolute sandbox path");
            wd = val;
        } else if (!strcmp(name, "--env")) {
            if (!strchr(val, '=') || val[0] == '=')
                die("--env", "want NAME=VALUE");
            push(&env, val, &made.env);
        } else if (!strcmp(name, "--max-memory")) {
            max_memory = parse_size(val);
        } else if (!strcmp(name, "--max-threads")) {
            char *end;
            long n = strtol(val, &end, 10);
            if (*end || n < 1 || n > 100000)
                die("--max-threads", "want a number from 1 to 100000");
            max_threads = (size_t)n;
        } else if (!strcmp(name, "--timeout")) {
            char *end;
            timeout = strtod(val, &end);
            if (*end || !(timeout > 0) || timeout > 1e9)
                die("--timeout", "want a positive number of seconds");
        } else {
            die(a, "unknown option (see lfi-run --help)");
        }
    }
    if (i >= argc) {
        fprintf(stderr, "%s", usage);
        die("no program given", "see the usage above");
    }
    const char *prog = argv[i];
    if (inherit)
        for (char **e = environ; e && *e; e++)
            if (!env_has(&env, *e))
                push(&env, *e, &made.env);
    if (!env.v)
        push(&env, NULL, &made.env), env.n = 0;

    /* a closed pipe is the program's EPIPE/SIGPIPE, not lfi-run's death */
    signal(SIGPIPE, SIG_IGN);
    /* room for the sandbox's files */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    struct LFIEngine *engine = made.engine = lfi_new((struct LFIOptions){ .verbose = verbose,
                                                                  .stores_only = stores_only }, 1);
    if (!engine)
        die("cannot create the sandbox engine", lfi_errmsg());
    struct LFILinuxEngine *lx = made.lx = lfi_linux_new(engine, (struct LFILinuxOptions){
        .stacksize = 8u << 20,
        .dir_maps = dirs.v,
        .wd = wd,
        .verbose = verbose,
        .trace = trace,
        .exit_unknown_syscalls = exit_unknown,
        .max_memory = max_memory,
        .max_threads = max_threads,
        .single_thread_auto = !multi_thread,
    });
    if (!lx)
        die("cannot set up the Linux emulation", lfi_linux_errmsg());
    struct LFILinuxProc *proc = made.proc = lfi_proc_new(lx);
    if (!proc)
        die("cannot create the process", lfi_linux_errmsg());
    if (!lfi_proc_load_file(proc, prog)) {
        fprintf(stderr, "lfi-run: %s\n", lfi_linux_errmsg());
        cleanup();
        return EXIT_USAGE;
    }
    struct LFILinuxThread *t = made.t = lfi_thread_new(proc, argc - i, (const char **)&argv[i], env.v);
    if (!t)
        die(prog, lfi_linux_errmsg());

    pthread_t wt;
    bool watching = false;
    if (timeout > 0) {
        watch.seconds = timeout;
        watch.proc = proc;
        watching = pthread_create(&wt, NULL, watchdog, NULL) == 0;
        if (!watching)
            die("--timeout", "cannot start the timer thread");
    }
    int status = lfi_thread_run(t);
    if (watching) {
        pthread_mutex_lock(&watch.lock);
        watch.done = true;
        pthread_cond_signal(&watch.cond);
        pthread_mutex_unlock(&watch.lock);
        pthread_join(wt, NULL);
    }

    struct LFILinuxExit ex;
    char sb[32];
    if (lfi_proc_exited(proc, &ex)) {
        switch (ex.kind) {
        case LFI_LINUX_FAULT:
            fprintf(stderr, "lfi-run: sandbox fault: %s at %#llx (pc %#llx)\n",
                    signame(ex.signo, sb, sizeof sb), (unsigned long long)ex.fault.addr,
                    (unsigned long long)ex.fault.pc);
            break;
        case LFI_LINUX_SIGNALED:
            if (ex.signo == SIGPIPE)
                break; /* as a shell says nothing */
            fprintf(stderr, "lfi-run: %s: terminated by %s\n", prog,
                    signame(ex.signo, sb, sizeof sb));
            break;
        case LFI_LINUX_KILLED:
            if (watch.fired)
                fprintf(stderr, "lfi-run: timeout: %s ran longer than %g seconds\n", prog,
                        timeout);
            break;
        case LFI_LINUX_ERROR:
            fprintf(stderr, "lfi-run: sandbox error: %s\n", ex.message);
            break;
        default:
            break;
        }
    }
    cleanup();
    return status;
}
