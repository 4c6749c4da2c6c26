/* The liblfi tutorial, "Multithreading", for x86-64: a thread-local
 * context that LFI_INVOKE creates through the clone callback. Each of four
 * host threads calls the add function of the invoke example and the
 * callback program of the callback example. */
#undef NDEBUG
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lfi_core.h>

static uint8_t prog_add[] = {
    0x8d, 0x04, 0x37,       // lea (%rdi,%rsi), %eax
    0x41, 0x5b,             // pop %r11
    0x41, 0x83, 0xe3, 0xe0, // and $0xffffffe0, %r11d
    0x4d, 0x01, 0xf3,       // add %r14, %r11
    0x41, 0xff, 0xe3,       // jmp *%r11
};

static uint8_t prog_cb[] = {
    0x48, 0x89, 0xf8,       // mov %rdi, %rax
    0x89, 0xf7,             // mov %esi, %edi
    0x83, 0xe0, 0xe0,       // and $0xffffffe0, %eax
    0x4c, 0x01, 0xf0,       // add %r14, %rax
    0xff, 0xe0,             // jmp *%rax
};

_Thread_local struct LFIContext *ctx;

static struct LFIBox *box;
static lfiptr add_fn, cb_fn;
static void *box_callback;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static struct LFIContext *
clone_cb(struct LFIBox *box)
{
    size_t pagesize = getpagesize();

    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    assert(ctx);

    lfiptr stack = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);

    lfi_ctx_regs(ctx)->sp = stack + pagesize;

    pthread_mutex_lock(&print_lock);
    printf("clone_cb initialized ctx: %p, stack: %lx\n", (void *) ctx, stack);
    pthread_mutex_unlock(&print_lock);

    return ctx;
}

static int
callback(int a)
{
    return a + 1;
}

static void *
thread(void *arg)
{
    int id = (int) (intptr_t) arg;
    assert(ctx == NULL);
    int sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += LFI_INVOKE(box, &ctx, add_fn, int, (int, int), id, i);
        sum += LFI_INVOKE(box, &ctx, cb_fn, int, (int (*)(int), int), box_callback, i);
    }
    assert(ctx != NULL);
    // sum over i of (id + i) + (i + 1)
    assert(sum == 1000 * id + 2 * 499500 + 1000);
    lfi_ctx_free(ctx);
    return NULL;
}

static lfiptr
load(const uint8_t *code, size_t n)
{
    size_t pagesize = getpagesize();
    lfiptr p = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(p != (lfiptr) -1);
    uint8_t fill[pagesize];
    memset(fill, 0xcc, pagesize);
    lfi_box_copyto(box, p, fill, pagesize);
    lfi_box_copyto(box, p, code, n);
    int r = lfi_box_mprotect(box, p, pagesize, LFI_PROT_READ | LFI_PROT_EXEC);
    assert(r == 0);
    return p;
}

int
main(void)
{
    size_t pagesize = getpagesize();
    struct LFIEngine *engine = lfi_new(
        (struct LFIOptions) {
            .boxsize = 4UL * 1024 * 1024 * 1024,
            .pagesize = pagesize,
        },
        1);
    assert(engine);
    box = lfi_box_new(engine);
    assert(box);
    lfi_box_init_ret(box);
    box_callback = lfi_box_register_cb(box, callback);
    assert(box_callback);
    add_fn = load(prog_add, sizeof(prog_add));
    cb_fn = load(prog_cb, sizeof(prog_cb));

    lfi_set_clone_cb(engine, clone_cb);

    enum { N = 4 };
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, thread, (void *) (intptr_t) (i + 1));
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);

    // The main thread too, with its own lazily made context.
    int x = LFI_INVOKE(box, &ctx, add_fn, int, (int, int), 40, 2);
    assert(x == 42);
    printf("main thread: %d\n", x);
    lfi_ctx_free(ctx);

    lfi_box_free(box);
    lfi_free(engine);
    return 0;
}
