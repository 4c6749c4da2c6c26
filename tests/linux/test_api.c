/* The liblfi-linux C API, as the tutorial uses it: engines, a process, the
 * loader, the main thread, exit statuses, symbols, errors, library mode.
 *
 * usage: test_linux_api HELLO EXITCODE THREADS LIBRARY (programs from progs/) */
#include <lfi_core.h>
#include <lfi_linux.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                     \
            fprintf(stderr, "\n");                                            \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static uint8_t *readfile(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return b;
}

/* One run of a program with argv; returns lfi_thread_run's status. */
static int run(struct LFILinuxEngine *lx, const uint8_t *prog, size_t size, const char *path,
               int argc, const char **argv, struct LFILinuxExit *ex)
{
    struct LFILinuxProc *proc = lfi_proc_new(lx);
    CHECK(proc, "%s", lfi_linux_errmsg());
    if (!proc)
        return -1;
    bool ok = lfi_proc_load(proc, prog, size, path);
    CHECK(ok, "%s", lfi_linux_errmsg());
    const char *envp[] = { "LFI=1", NULL };
    struct LFILinuxThread *t = ok ? lfi_thread_new(proc, argc, argv, envp) : NULL;
    CHECK(t || !ok, "%s", lfi_linux_errmsg());
    int status = t ? lfi_thread_run(t) : -1;
    if (ex)
        lfi_proc_exited(proc, ex);
    lfi_thread_free(t);
    lfi_proc_free(proc);
    return status;
}

/* ---- library mode ---- */

static struct LFIBox *lib_box;
static lfiptr lib_add, lib_tid;

static void *lib_thread(void *arg)
{
    static _Thread_local struct LFIContext *ctx; /* made by the clone callback */
    int *res = arg;
    res[0] = LFI_INVOKE(lib_box, &ctx, lib_add, int, (int, int), 1, 2);
    res[1] = LFI_INVOKE(lib_box, &ctx, lib_tid, int, (void));
    return NULL;
}

static void library_mode(struct LFILinuxEngine *lx, const uint8_t *img, size_t size)
{
    struct LFILinuxProc *proc = lfi_proc_new(lx);
    CHECK(proc && lfi_proc_load(proc, img, size, "library"), "%s", lfi_linux_errmsg());
    if (!proc)
        return;
    lib_box = lfi_proc_box(proc);
    CHECK(lfi_box_init_ret(lib_box), "%s", lfi_errmsg());
    const char *largv[] = { "library" };
    struct LFILinuxThread *t = lfi_thread_new(proc, 1, largv, NULL);
    CHECK(t, "%s", lfi_linux_errmsg());
    if (!t)
        return;
    CHECK(lfi_thread_run(t) == 0, "the pause did not end the run with 0");
    CHECK(!lfi_proc_exited(proc, NULL), "paused process counts as exited");
    lib_add = lfi_proc_sym(proc, "add");
    lib_tid = lfi_proc_sym(proc, "tid");
    CHECK(lib_add && lib_tid, "symbols add/tid not found");
    int r = LFI_INVOKE(lib_box, lfi_thread_ctxp(t), lib_add, int, (int, int), 40, 2);
    CHECK(r == 42, "add(40, 2) = %d", r);
    r = LFI_INVOKE(lib_box, lfi_thread_ctxp(t), lib_tid, int, (void));
    CHECK(r == 1000, "tid() on the main thread = %d", r);
    lfi_linux_init_clone(t);
    for (int i = 0; i < 4; i++) {
        int res[2] = { 0, 0 };
        pthread_t th;
        CHECK(pthread_create(&th, NULL, lib_thread, res) == 0, "pthread_create");
        pthread_join(th, NULL);
        CHECK(res[0] == 3, "add(1, 2) on a host thread = %d", res[0]);
        CHECK(res[1] > 1000, "tid() on a host thread = %d", res[1]);
    }
    lfi_thread_free(t);
    lfi_proc_free(proc);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: test_linux_api HELLO EXITCODE THREADS LIBRARY\n");
        return 2;
    }
    size_t hsize, esize, tsize;
    uint8_t *hello = readfile(argv[1], &hsize);
    uint8_t *exitcode = readfile(argv[2], &esize);
    uint8_t *threads = readfile(argv[3], &tsize);
    size_t lsize;
    uint8_t *library = readfile(argv[4], &lsize);
    if (!hello || !exitcode || !threads || !library) {
        fprintf(stderr, "test_linux_api: cannot read the programs\n");
        return 2;
    }
    size_t pagesize = (size_t)getpagesize();
    struct LFIEngine *engine = lfi_new((struct LFIOptions){
        .boxsize = 4ul << 30, .pagesize = pagesize }, 4);
    CHECK(engine, "%s", lfi_errmsg());
    if (!engine)
        return 1;

    /* options that are refused, with a message */
    CHECK(!lfi_linux_new(engine, (struct LFILinuxOptions){ .sys_passthrough = true }),
          "sys_passthrough accepted");
    CHECK(strstr(lfi_linux_errmsg(), "sys_passthrough"), "%s", lfi_linux_errmsg());
    CHECK(!lfi_linux_new(engine, (struct LFILinuxOptions){ .wd = "relative" }), "relative wd");
    const char *badmap[] = { "/x=/nonexistent-lfi-dir", NULL };
    CHECK(!lfi_linux_new(engine, (struct LFILinuxOptions){ .dir_maps = badmap }), "bad map");
    CHECK(strstr(lfi_linux_errmsg(), "nonexistent-lfi-dir"), "%s", lfi_linux_errmsg());

    const char *maps[] = { "/=/tmp:ro", NULL };
    struct LFILinuxEngine *lx = lfi_linux_new(engine, (struct LFILinuxOptions){
        .stacksize = 2 * 1024 * 1024, .dir_maps = maps, .wd = "/" });
    CHECK(lx, "%s", lfi_linux_errmsg());
    if (!lx)
        return 1;

    /* the tutorial's sequence */
    const char *hargv[] = { "hello" };
    struct LFILinuxExit ex;
    CHECK(run(lx, hello, hsize, argv[1], 1, hargv, &ex) == 0, "hello");
    CHECK(ex.kind == LFI_LINUX_EXITED && ex.code == 0, "kind %d code %d", ex.kind, ex.code);

    /* exit statuses, many processes in a row (boxes are reused) */
    for (int i = 0; i < 20; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", i * 13);
        const char *eargv[] = { "exitcode", num, NULL };
        int st = run(lx, exitcode, esize, "exitcode", 2, eargv, &ex);
        CHECK(st == i * 13, "status %d, want %d", st, i * 13);
    }
    /* argc counts only the non-NULL entries */
    const char *nargv[] = { "exitcode", "7", NULL, "junk" };
    CHECK(run(lx, exitcode, esize, "exitcode", 4, nargv, NULL) == 7, "argv with a NULL");

    /* threads */
    const char *targv[] = { "threads" };
    CHECK(run(lx, threads, tsize, "threads", 1, targv, NULL) == 0, "threads");

    /* symbols, loading errors */
    struct LFILinuxProc *proc = lfi_proc_new(lx);
    CHECK(proc, "%s", lfi_linux_errmsg());
    CHECK(lfi_proc_load(proc, hello, hsize, "hello"), "%s", lfi_linux_errmsg());
    uint64_t start = lfi_proc_sym(proc, "_start");
    CHECK(start && start == lfi_proc_entry(proc), "_start %#llx entry %#llx",
          (unsigned long long)start, (unsigned long long)lfi_proc_entry(proc));
    CHECK(lfi_proc_sym(proc, "no_such_symbol") == 0, "unknown symbol found");
    CHECK(lfi_box_ptrvalid(lfi_proc_box(proc), start), "entry outside the box");
    CHECK(!lfi_proc_load(proc, hello, hsize, "hello"), "loaded twice");
    CHECK(strstr(lfi_linux_errmsg(), "already"), "%s", lfi_linux_errmsg());
    lfi_proc_free(proc);

    proc = lfi_proc_new(lx);
    CHECK(!lfi_proc_load(proc, hello, 10, "short"), "truncated image loaded");
    CHECK(strstr(lfi_linux_errmsg(), "short: "), "%s", lfi_linux_errmsg());
    CHECK(!lfi_thread_new(proc, 1, hargv, NULL), "thread without a program");
    lfi_proc_free(proc);

    /* a process freed before it ran */
    proc = lfi_proc_new(lx);
    CHECK(lfi_proc_load(proc, threads, tsize, "threads"), "%s", lfi_linux_errmsg());
    struct LFILinuxThread *t = lfi_thread_new(proc, 1, targv, NULL);
    CHECK(t, "%s", lfi_linux_errmsg());
    CHECK(lfi_thread_ctxp(t) && *lfi_thread_ctxp(t), "no context");
    lfi_thread_free(t);
    lfi_proc_free(proc);

    library_mode(lx, library, lsize);

    lfi_linux_free(lx);
    lfi_free(engine);
    free(library);
    free(hello);
    free(exitcode);
    free(threads);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("liblfi-linux API: all checks passed\n");
    return 0;
}
