/* The liblfi tutorial, "Invoking functions with LFI_INVOKE", for x86-64.
 *
 * The arm64 program is "add x0, x0, x1; ret". In LFI-x64 a return is a
 * masked indirect jump: popq %r11; andl $-32,%r11d; addq %r14,%r11;
 * jmpq *%r11, all in one 32-byte bundle. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lfi_core.h>

static uint8_t prog[] = {
    0x8d, 0x04, 0x37,       // lea (%rdi,%rsi), %eax
    0x41, 0x5b,             // pop %r11
    0x41, 0x83, 0xe3, 0xe0, // and $0xffffffe0, %r11d
    0x4d, 0x01, 0xf3,       // add %r14, %r11
    0x41, 0xff, 0xe3,       // jmp *%r11
};

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

    // The context and its stack, as in the first part of the tutorial.
    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    assert(ctx);
    size_t stacksize = pagesize;
    lfiptr stack = lfi_box_mapany(box, stacksize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(stack != (lfiptr) -1);
    lfi_ctx_regs(ctx)->sp = stack + stacksize;

    // Initialize the return runtime call (here after lfi_ctx_new).
    lfi_box_init_ret(box);

    lfiptr p = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(p != (lfiptr) -1);
    uint8_t fill[pagesize];
    memset(fill, 0xcc, pagesize); // x86-64: int3 everywhere else
    lfi_box_copyto(box, p, fill, pagesize);
    lfi_box_copyto(box, p, prog, sizeof(prog));
    int r = lfi_box_mprotect(box, p, pagesize, LFI_PROT_READ | LFI_PROT_EXEC);
    assert(r == 0);

    int x = LFI_INVOKE(box, &ctx, p, int, (int, int), 10, 32);
    assert(x == 42);
    printf("LFI_INVOKE(add, 10, 32) = %d\n", x);

    lfi_ctx_free(ctx);
    lfi_box_free(box);
    lfi_free(engine);
    return 0;
}
