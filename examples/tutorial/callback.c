/* The liblfi tutorial, "Callbacks", for x86-64.
 *
 * The arm64 program calls its first argument with its second one as a tail
 * call (mov x2, x0; mov w0, w1; add x28, x27, w2, uxtw; br x28). In LFI-x64
 * the indirect jump is masked into the box: andl $-32,%eax; addq %r14,%rax;
 * jmpq *%rax. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lfi_core.h>

static uint8_t prog[] = {
    0x48, 0x89, 0xf8,       // mov %rdi, %rax
    0x89, 0xf7,             // mov %esi, %edi
    0x83, 0xe0, 0xe0,       // and $0xffffffe0, %eax
    0x4c, 0x01, 0xf0,       // add %r14, %rax
    0xff, 0xe0,             // jmp *%rax
};

static int
callback(int a)
{
    printf("callback got %d\n", a);
    return a;
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
    struct LFIBox *box = lfi_box_new(engine);
    assert(box);
    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    assert(ctx);
    lfiptr stack = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(stack != (lfiptr) -1);
    lfi_ctx_regs(ctx)->sp = stack + pagesize;
    lfi_box_init_ret(box);

    bool ok = lfi_box_cbinit(box);
    assert(ok);

    void *box_callback = lfi_box_register_cb(box, callback);
    assert(box_callback);

    lfiptr p = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(p != (lfiptr) -1);
    uint8_t fill[pagesize];
    memset(fill, 0xcc, pagesize); // x86-64: int3 everywhere else
    lfi_box_copyto(box, p, fill, pagesize);
    lfi_box_copyto(box, p, prog, sizeof(prog));
    int r = lfi_box_mprotect(box, p, pagesize, LFI_PROT_READ | LFI_PROT_EXEC);
    assert(r == 0);

    int x = LFI_INVOKE(box, &ctx, p, int, (int (*)(int), int), box_callback, 42);
    assert(x == 42);
    printf("LFI_INVOKE returned %d\n", x);

    lfi_ctx_free(ctx);
    lfi_box_free(box);
    lfi_free(engine);
    return 0;
}
