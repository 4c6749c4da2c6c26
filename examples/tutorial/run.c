/* The liblfi tutorial, "Running a basic program", for x86-64.
 *
 * The tutorial's arm64 program puts 42 in x8 and makes the "system call"
 * runtime call through the table at the sandbox base (ldr x30, [x27];
 * blr x30). The x86-64 translation puts 42 in %rax and jumps through the
 * same (legacy) table slot: leaq 1f(%rip), %r11; jmpq *(%r14); 1:. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lfi_core.h>

static uint8_t prog[] = {
    0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00, // mov $42, %rax
    0x4c, 0x8d, 0x1d, 0x03, 0x00, 0x00, 0x00, // lea 3(%rip), %r11
    0x41, 0xff, 0x26,                         // jmp *(%r14)
};

static void
handler(struct LFIContext *ctx)
{
    struct LFIRegs *regs = lfi_ctx_regs(ctx);
    printf("system call, rax: %d\n", (int) regs->rax);
    lfi_ctx_exit(ctx, 0);
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

    // Create a R/W memory mapping in the sandbox.
    lfiptr p = lfi_box_mapany(box, pagesize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    assert(p != (lfiptr) -1);

    // x86-64: zero bytes are not valid LFI code, so fill the page with int3
    // first (the verifier checks the whole page).
    uint8_t fill[pagesize];
    memset(fill, 0xcc, pagesize);
    lfi_box_copyto(box, p, fill, pagesize);

    // Copy our program into the sandbox.
    lfi_box_copyto(box, p, prog, sizeof(prog));

    // Mark the program as executable (runs verification).
    int r = lfi_box_mprotect(box, p, pagesize, LFI_PROT_READ | LFI_PROT_EXEC);
    assert(r == 0);

    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    assert(ctx);

    lfi_sys_handler(engine, handler);

    size_t stacksize = pagesize;
    lfiptr stack = lfi_box_mapany(box, stacksize, LFI_PROT_READ | LFI_PROT_WRITE,
        LFI_MAP_ANONYMOUS | LFI_MAP_PRIVATE, -1, 0);
    lfi_ctx_regs(ctx)->sp = stack + stacksize;

    int code = lfi_ctx_run(ctx, p);
    assert(code == 0);
    printf("lfi_ctx_run returned %d\n", code);

    lfi_ctx_free(ctx);
    lfi_box_free(box);
    lfi_free(engine);
    return 0;
}
