/* ELF parsing for the loader: a pure function from untrusted bytes to a
 * checked load plan (no mapping, no global state; fuzzed by
 * tests/fuzz/fuzz_elf_load.c). */
#ifndef LFI_LINUX_ELF_PARSE_H
#define LFI_LINUX_ELF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LX_ELF_MAXPHNUM 64
#define LX_ELF_MAXSPAN (1ull << 30)  /* PT_LOAD span: at most 1 GiB */
#define LX_ELF_BUNDLE 32
#define LX_ELF_MAXINTERP 4096
/* PT_NOTE entries named "LFI" (lfi-cc writes them): type 1 marks a program
 * built with lfi-cc --single-thread. */
#define LX_NT_LFI_SINGLE_THREAD 1

struct lx_seg {
    uint64_t vaddr, memsz;   /* as in the file */
    uint64_t offset, filesz;
    uint64_t pstart, pend;   /* whole pages: [pstart, pend), relative to vaddr 0 */
    int prot;                /* LFI_PROT_* (1 R, 2 W, 4 X) */
};

struct lx_elf {
    uint64_t entry;          /* e_entry (relative) */
    uint64_t lo, hi;         /* page span of all PT_LOAD segments */
    uint64_t phoff;
    unsigned phnum, phentsize;
    uint64_t phdr_vaddr;     /* where the program headers are once loaded */
    bool phdr_loaded;        /* they lie inside a PT_LOAD's file bytes */
    bool has_interp;
    uint64_t interp_off;     /* PT_INTERP: the path's bytes in the file, */
    uint64_t interp_len;     /* NUL-terminated, interp_len - 1 characters */
    bool single_thread;      /* an LFI note of type LX_NT_LFI_SINGLE_THREAD */
    unsigned nseg;
    struct lx_seg seg[LX_ELF_MAXPHNUM];
};

/* Checks every field the loader uses. pagesize: power of two >= 4096.
 * Returns 0, or -1 with a message ("what: why") in err. */
int lx_elf_parse(const uint8_t *buf, size_t size, size_t pagesize, struct lx_elf *out,
                 char *err, size_t errn);

/* Symbols (.symtab, else .dynsym) of a parsed image: calls fn for each
 * defined symbol with a name inside the string table. Malformed section
 * headers give no symbols, never an error. Returns the count. */
size_t lx_elf_symbols(const uint8_t *buf, size_t size,
                      void (*fn)(void *arg, const char *name, size_t namelen, uint64_t value),
                      void *arg);

#endif
