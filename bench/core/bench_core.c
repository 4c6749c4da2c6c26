/* bench_core: micro-benchmarks of the x86-64 core runtime (liblfi-core).
 *
 *   bench_core [-r REPS] [-n ITERS] [-b BOXITERS] [-o KEY,KEY,...]
 *
 * -o runs only the benchmarks named by their keys (the first column of
 * --help), with the native baselines they are compared to.
 *
 * Every benchmark runs once per repetition, interleaved with the others (a
 * repetition runs them all, in a rotating order); the result is the median
 * over the repetitions of the time per operation, and, where a native
 * equivalent exists, the median of the per-repetition ratio sandbox/native
 * (both measured in the same repetition). Prints a Markdown table (with
 * the minimum over the repetitions too, a guide on a noisy machine).
 *
 * The LFI_INVOKE round trip is measured twice: with the default engine
 * (exits restore the host's %gs base) and with LFIOptions.host_gs_unused
 * (the base stays at the box's; docs/runtime.md §3).
 *
 * Sandbox code: f_add and p_loop_sys from tests/core/progs.S (linked in,
 * loaded with tests/core/harness.h), b_cb_loop from bench_progs.S. */
#include "harness.h"

#include <stdbool.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>

/* bench_progs.S */
extern const uint8_t bprogs_start[], bprogs_end[];
extern const uint8_t b_cb_loop[];

static struct env env;
static struct env env_keep; /* an engine with host_gs_unused */
static lfiptr bcode; /* bench_progs.S inside the box */

static long iters = 1000000;
static long box_iters = 2000;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what)
{
    printf("bench_core: %s failed [lfi: %s]\n", what, lfi_errmsg());
    exit(1);
}

/* ---- native baselines ---- */

__attribute__((noinline)) static int native_add(int a, int b)
{
    __asm__ volatile("");
    return a + b;
}

__attribute__((noinline)) static void native_empty(struct LFIContext *ctx)
{
    __asm__ volatile("" ::"r"(ctx));
}

static void (*volatile native_empty_p)(struct LFIContext *) = native_empty;

/* ---- handler and callback ---- */

static long sys_left;

static void empty_handler(struct LFIContext *ctx)
{
    lfi_ctx_regs(ctx)->rax = 0;
    if (--sys_left == 0)
        lfi_ctx_exit(ctx, 0);
}

static long cb_calls;

__attribute__((noinline)) static int host_cb(int x)
{
    cb_calls++;
    return x;
}

static int (*volatile host_cb_p)(int) = host_cb;

/* ---- benchmarks: each returns ns per operation ---- */

static double b_native_add(void)
{
    int acc = 0;
    uint64_t t = now_ns();
    for (long i = 0; i < iters; i++)
        acc = native_add(acc, 1);
    t = now_ns() - t;
    if (acc != (int)iters)
        fail("native add");
    return (double)t / (double)iters;
}

static double b_invoke_add(void)
{
    lfiptr f = P(&env, f_add);
    int acc = 0;
    uint64_t t = now_ns();
    for (long i = 0; i < iters; i++)
        acc = LFI_INVOKE(env.box, &env.ctx, f, int, (int, int), acc, 1);
    t = now_ns() - t;
    if (acc != (int)iters)
        fail("LFI_INVOKE add");
    return (double)t / (double)iters;
}

/* The same with LFIOptions.host_gs_unused: exits leave the %gs base at B,
 * so the next entry into the box sets nothing. */
static double b_invoke_add_keep(void)
{
    lfiptr f = P(&env_keep, f_add);
    int acc = 0;
    uint64_t t = now_ns();
    for (long i = 0; i < iters; i++)
        acc = LFI_INVOKE(env_keep.box, &env_keep.ctx, f, int, (int, int), acc, 1);
    t = now_ns() - t;
    if (acc != (int)iters)
        fail("LFI_INVOKE add (host_gs_unused)");
    return (double)t / (double)iters;
}

static double b_native_handler(void)
{
    uint64_t t = now_ns();
    for (long i = 0; i < iters; i++)
        native_empty_p(env.ctx);
    t = now_ns() - t;
    return (double)t / (double)iters;
}

static double b_rtcall(void)
{
    sys_left = iters;
    lfi_ctx_regs(env.ctx)->sp = env.stack;
    uint64_t t = now_ns();
    int r = lfi_ctx_run(env.ctx, P(&env, p_loop_sys));
    t = now_ns() - t;
    if (r != 0 || sys_left != 0)
        fail("runtime-call loop");
    return (double)t / (double)iters;
}

static double b_linux_syscall(void)
{
    long n = iters / 4;
    uint64_t t = now_ns();
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    t = now_ns() - t;
    return (double)t / (double)n;
}

static void *cb_entry;

static double b_native_cb(void)
{
    cb_calls = 0;
    uint64_t t = now_ns();
    for (long i = 0; i < iters; i++)
        host_cb_p(0);
    t = now_ns() - t;
    if (cb_calls != iters)
        fail("native callback");
    return (double)t / (double)iters;
}

static double b_callback(void)
{
    cb_calls = 0;
    lfiptr f = bcode + (lfiptr)(b_cb_loop - bprogs_start);
    uint64_t t = now_ns();
    long r = LFI_INVOKE(env.box, &env.ctx, f, long, (void *, long), cb_entry, iters);
    t = now_ns() - t;
    if (r != 0 || cb_calls != iters || lfi_ctx_status(env.ctx, NULL) != LFI_ERR_NONE)
        fail("callback loop");
    return (double)t / (double)iters;
}

static struct LFIEngine *box_engine;

static double b_box(void)
{
    uint64_t t = now_ns();
    for (long i = 0; i < box_iters; i++) {
        struct LFIBox *b = lfi_box_new(box_engine);
        if (!b)
            fail("lfi_box_new");
        lfi_box_free(b);
    }
    t = now_ns() - t;
    return (double)t / (double)box_iters;
}

static double b_box_ctx(void)
{
    uint64_t t = now_ns();
    for (long i = 0; i < box_iters; i++) {
        struct LFIBox *b = lfi_box_new(box_engine);
        if (!b)
            fail("lfi_box_new");
        struct LFIContext *c = lfi_ctx_new(b, NULL);
        if (!c)
            fail("lfi_ctx_new");
        lfi_ctx_free(c);
        lfi_box_free(b);
    }
    t = now_ns() - t;
    return (double)t / (double)box_iters;
}

/* ---- driver ---- */

struct bench {
    const char *key;
    const char *name;
    double (*fn)(void);
    int native; /* index of the native baseline, or -1 */
    double *v;  /* per repetition: ns/op */
    bool on;    /* selected (-o) */
};

static struct bench benches[] = {
    { "add", "native call: int add(int, int) (noinline)", b_native_add, -1, 0, true },
    { "invoke", "LFI_INVOKE round trip: add(int, int)", b_invoke_add, 0, 0, true },
    { "invoke-keep", "LFI_INVOKE round trip, host_gs_unused: add(int, int)", b_invoke_add_keep, 0,
      0, true },
    { "handler", "native indirect call: empty handler", b_native_handler, -1, 0, true },
    { "rtcall", "runtime call (syscall slot), empty handler", b_rtcall, 3, 0, true },
    { "getppid", "Linux system call: getppid (reference)", b_linux_syscall, -1, 0, true },
    { "cb", "native indirect call: int cb(int)", b_native_cb, -1, 0, true },
    { "callback", "callback round trip from the sandbox: cb(int)", b_callback, 6, 0, true },
    { "box", "lfi_box_new + lfi_box_free", b_box, -1, 0, true },
    { "box-ctx", "lfi_box_new + lfi_ctx_new + both freed", b_box_ctx, -1, 0, true },
};
#define NB ((int)(sizeof benches / sizeof benches[0]))

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double *s = malloc((size_t)n * sizeof *s);
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmpd);
    double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return m;
}

/* -o KEY,KEY,...: selects those benchmarks and their native baselines. */
static bool select_benches(const char *list)
{
    for (int b = 0; b < NB; b++)
        benches[b].on = false;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int b = 0; b < NB; b++)
            if (strlen(benches[b].key) == n && !strncmp(benches[b].key, p, n))
                found = b;
        if (found < 0) {
            printf("bench_core: unknown benchmark '%.*s'\n", (int)n, p);
            return false;
        }
        benches[found].on = true;
        if (benches[found].native >= 0)
            benches[benches[found].native].on = true;
        p += n;
        if (*p == ',')
            p++;
    }
    return true;
}

static void usage(const char *argv0)
{
    printf("usage: %s [-r REPS] [-n ITERS] [-b BOXITERS] [-o KEY,KEY,...]\n\nbenchmarks:\n",
           argv0);
    for (int b = 0; b < NB; b++)
        printf("  %-12s %s\n", benches[b].key, benches[b].name);
}

int main(int argc, char **argv)
{
    int reps = 15;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            iters = atol(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc)
            box_iters = atol(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            if (!select_benches(argv[++i]))
                return 2;
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (reps < 1 || iters < 4 || box_iters < 1) {
        printf("bench_core: bad arguments\n");
        return 2;
    }
    (void)failures;

    env_new(&env, (struct LFIOptions){ 0 }, 1);
    lfi_sys_handler(env.engine, empty_handler);
    bcode = load_code(env.box, bprogs_start, (size_t)(bprogs_end - bprogs_start));
    if (bcode == (lfiptr)-1)
        fail("loading bench_progs");
    cb_entry = lfi_box_register_cb(env.box, (void *)host_cb);
    if (!cb_entry)
        fail("lfi_box_register_cb");
    env_new(&env_keep, (struct LFIOptions){ .host_gs_unused = true }, 1);
    box_engine = lfi_new((struct LFIOptions){ 0 }, 4);
    if (!box_engine)
        fail("lfi_new");

    for (int b = 0; b < NB; b++)
        benches[b].v = calloc((size_t)reps, sizeof(double));
    /* warm-up */
    for (int b = 0; b < NB; b++)
        if (benches[b].on)
            benches[b].fn();
    /* interleaved repetitions; the order rotates (pairs stay adjacent) */
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < NB; k++) {
            int b = (k + r) % NB;
            if (benches[b].on)
                benches[b].v[r] = benches[b].fn();
        }

    bool fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */
    const char *no = getenv("LFI_NO_FSGSBASE");
    if (no && no[0] && strcmp(no, "0") != 0)
        fsgsbase = false;
    printf("liblfi-core micro-benchmarks: median of %d interleaved repetitions, "
           "%ld iterations each (box: %ld); %%gs base via %s%s\n\n", reps, iters, box_iters,
           fsgsbase ? "wrgsbase" : "arch_prctl",
           no && no[0] && strcmp(no, "0") != 0 ? " (LFI_NO_FSGSBASE)" : "");
    printf("| operation | ns/op (median) | min | native ns/op | ratio to native |\n");
    printf("|---|---:|---:|---:|---:|\n");
    for (int b = 0; b < NB; b++) {
        struct bench *x = &benches[b];
        if (!x->on)
            continue;
        double m = median(x->v, reps), lo = x->v[0];
        for (int r = 1; r < reps; r++)
            lo = x->v[r] < lo ? x->v[r] : lo;
        if (x->native < 0) {
            printf("| %s | %.2f | %.2f | | |\n", x->name, m, lo);
            continue;
        }
        double *ratio = malloc((size_t)reps * sizeof *ratio);
        for (int r = 0; r < reps; r++)
            ratio[r] = x->v[r] / benches[x->native].v[r];
        printf("| %s | %.2f | %.2f | %.2f | %.1fx |\n", x->name, m, lo,
               median(benches[x->native].v, reps), median(ratio, reps));
        free(ratio);
    }
    for (int b = 0; b < NB; b++)
        free(benches[b].v);
    lfi_free(box_engine);
    env_free(&env_keep);
    env_free(&env);
    return 0;
}
