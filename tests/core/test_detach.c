/* Contexts that outlive their box: lfi_box_free detaches the box's
 * contexts; running or invoking a detached context fails with
 * LFI_ERR_DETACHED, and lfi_ctx_free of it touches only the context (run
 * under the sanitizer build to see that). lfi_box_free of a box whose
 * context is running is refused (LFI_ERR_BUSY). Concurrent lfi_ctx_free and
 * lfi_box_free on several threads. */
#include "harness.h"

#include <pthread.h>

static void exit_handler(struct LFIContext *ctx)
{
    lfi_ctx_exit(ctx, (int)lfi_ctx_regs(ctx)->rax);
}

/* ---- the detached context ---- */

static void test_detached(void)
{
    struct env e;
    env_new(&e, (struct LFIOptions){ 0 }, 2);
    lfi_sys_handler(e.engine, exit_handler);
    struct LFIBox *box = e.box;
    lfiptr add = P(&e, f_add), run42 = P(&e, p_syscall42);
    CHECK(LFI_INVOKE(box, &e.ctx, add, int, (int, int), 1, 2) == 3, "invoke before");
    struct LFIContext *never = lfi_ctx_new(box, NULL); /* never entered */
    CHECK(lfi_ctx_box(e.ctx) == box && lfi_ctx_box(never) == box, "attached");

    lfi_clearerr();
    lfi_box_free(box);
    CHECK_ERR(LFI_ERR_NONE);
    CHECK(lfi_ctx_box(e.ctx) == NULL && lfi_ctx_box(never) == NULL, "detached");

    lfi_clearerr();
    int r = LFI_INVOKE(box, &e.ctx, add, int, (int, int), 1, 2);
    CHECK(r == 0, "invoke of a detached context: %d", r);
    CHECK_ERR(LFI_ERR_DETACHED);
    CHECK(lfi_ctx_status(e.ctx, NULL) == LFI_ERR_DETACHED, "status %d",
          lfi_ctx_status(e.ctx, NULL));
    CHECK(strstr(lfi_errmsg(), "box was freed") != NULL, "message: %s", lfi_errmsg());

    lfi_clearerr();
    r = LFI_INVOKE(box, &never, add, int, (int, int), 1, 2);
    CHECK(r == 0 && never != NULL, "invoke of a never-entered detached context: %d", r);
    CHECK_ERR(LFI_ERR_DETACHED);

    lfi_clearerr();
    CHECK(lfi_invoke_struct(e.ctx, add) == -1, "invoke_struct of a detached context");
    CHECK_ERR(LFI_ERR_DETACHED);

    lfi_clearerr();
    r = lfi_ctx_run(e.ctx, run42);
    CHECK(r == LFI_EXIT_ERROR, "run of a detached context: %d", r);
    CHECK_ERR(LFI_ERR_DETACHED);
    CHECK(lfi_ctx_status(e.ctx, NULL) == LFI_ERR_DETACHED, "run status");

    lfi_ctx_regs_init(e.ctx); /* no box to read */
    lfi_ctx_set_timeout(e.ctx, 1000000);
    lfi_ctx_interrupt(e.ctx);
    CHECK(lfi_ctx_run(e.ctx, run42) == LFI_EXIT_ERROR, "still detached");
    CHECK_ERR(LFI_ERR_DETACHED);
    CHECK(strcmp(lfi_strerror(LFI_ERR_DETACHED), "the context's box was freed") == 0,
          "strerror");

    /* The slot is free again: a new box (same slot) is not the old one's. */
    struct LFIBox *b2 = lfi_box_new(e.engine);
    CHECK(b2 != NULL, "new box");
    r = LFI_INVOKE(b2, &e.ctx, add, int, (int, int), 1, 2);
    CHECK(r == 0 && lfi_errno() == LFI_ERR_DETACHED, "the new box does not adopt it");
    lfi_box_free(b2);

    /* The contexts outlive the engine too. */
    lfi_clearerr();
    lfi_free(e.engine);
    CHECK_ERR(LFI_ERR_NONE);
    lfi_ctx_free(never);
    lfi_ctx_free(e.ctx);
}

/* ---- the box's list ---- */

static void test_list(void)
{
    struct LFIEngine *eng = lfi_new((struct LFIOptions){ 0 }, 1);
    struct LFIBox *box = lfi_box_new(eng);
    struct LFIContext *c[5];
    for (int i = 0; i < 5; i++)
        c[i] = lfi_ctx_new(box, NULL);
    lfi_ctx_free(c[2]); /* middle */
    lfi_ctx_free(c[4]); /* newest: the head of the list */
    lfi_ctx_free(c[0]); /* oldest: the tail */
    lfi_box_free(box);
    CHECK(lfi_ctx_box(c[1]) == NULL && lfi_ctx_box(c[3]) == NULL, "the rest detached");
    lfi_ctx_free(c[3]);
    lfi_ctx_free(c[1]);

    /* single-threaded boxes count attached contexts */
    box = lfi_box_new(eng);
    CHECK(lfi_box_single_thread(box) == 0, "single thread");
    struct LFIContext *s = lfi_ctx_new(box, NULL);
    lfi_clearerr();
    CHECK(lfi_ctx_new(box, NULL) == NULL, "a second context");
    CHECK_ERR(LFI_ERR_BUSY);
    lfi_ctx_free(s);
    s = lfi_ctx_new(box, NULL);
    CHECK(s != NULL, "a context after the first was freed");
    lfi_box_free(box);
    lfi_ctx_free(s);
    lfi_free(eng);
}

/* ---- freeing a box while its context runs: refused ---- */

static struct env busy_env;
static int busy_err;

static int cb_free_box(int x)
{
    lfi_clearerr();
    lfi_box_free(busy_env.box);
    busy_err = lfi_errno();
    return x;
}

static void busy_handler(struct LFIContext *ctx)
{
    lfi_clearerr();
    lfi_box_free(busy_env.box);
    busy_err = lfi_errno();
    lfi_ctx_exit(ctx, 5);
}

static void test_busy(void)
{
    env_new(&busy_env, (struct LFIOptions){ 0 }, 1);
    void *cb = lfi_box_register_cb(busy_env.box, (void *)cb_free_box);
    int r = LFI_INVOKE(busy_env.box, &busy_env.ctx, P(&busy_env, f_cb_plus1), int, (void *, int),
                       cb, 1);
    CHECK(r == 2 && busy_err == LFI_ERR_BUSY, "box free in a callback: %d, error %d", r,
          busy_err);
    lfi_sys_handler(busy_env.engine, busy_handler);
    r = lfi_ctx_run(busy_env.ctx, P(&busy_env, p_syscall42));
    CHECK(r == 5 && busy_err == LFI_ERR_BUSY, "box free in a handler: %d, error %d", r,
          busy_err);
    CHECK(lfi_ctx_box(busy_env.ctx) == busy_env.box, "still attached");
    r = LFI_INVOKE(busy_env.box, &busy_env.ctx, P(&busy_env, f_add), int, (int, int), 3, 4);
    CHECK(r == 7, "the box still works: %d", r);
    /* box first, context second */
    lfi_box_free(busy_env.box);
    lfi_ctx_free(busy_env.ctx);
    lfi_free(busy_env.engine);
}

/* ---- concurrent frees ---- */

enum { NTHREADS = 4, PER_THREAD = 4, ROUNDS = 300 };

static struct LFIEngine *race_engine;
static struct LFIBox *race_box;
static struct LFIContext *race_ctx[NTHREADS][PER_THREAD];
static pthread_barrier_t race_start, race_done;

static void *race_thread(void *arg)
{
    long id = (long)arg;
    for (int round = 0; round < ROUNDS; round++) {
        pthread_barrier_wait(&race_start);
        /* half before the box goes (probably), half after */
        for (int i = 0; i < PER_THREAD; i++)
            lfi_ctx_free(race_ctx[id][i]);
        pthread_barrier_wait(&race_done);
    }
    return NULL;
}

static void test_race(void)
{
    race_engine = lfi_new((struct LFIOptions){ 0 }, 2);
    pthread_barrier_init(&race_start, NULL, NTHREADS + 1);
    pthread_barrier_init(&race_done, NULL, NTHREADS + 1);
    pthread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, race_thread, (void *)i);
    int bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        race_box = lfi_box_new(race_engine);
        if (!race_box)
            bad++;
        for (int i = 0; i < NTHREADS; i++)
            for (int j = 0; j < PER_THREAD; j++)
                if (!(race_ctx[i][j] = lfi_ctx_new(race_box, NULL)))
                    bad++;
        pthread_barrier_wait(&race_start);
        for (volatile int spin = 0; spin < (round % 7) * 200; spin++)
            ;
        lfi_box_free(race_box);
        pthread_barrier_wait(&race_done);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    CHECK(bad == 0, "%d allocations failed", bad);
    lfi_clearerr();
    lfi_free(race_engine);
    CHECK_ERR(LFI_ERR_NONE);
    pthread_barrier_destroy(&race_start);
    pthread_barrier_destroy(&race_done);
}

int main(void)
{
    test_detached();
    test_list();
    test_busy();
    test_race();
    TEST_DONE();
}
