/* ELF parsing for the loader: a function from untrusted bytes (a buffer,
 * or a file read with pread) to a checked load plan (no mapping, no global
 * state; fuzzed by tests/fuzz/fuzz_elf_load.c). */
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
    char interp[LX_ELF_MAXINTERP]; /* its copy (has_interp) */
    bool single_thread;      /* an LFI note of type LX_NT_LFI_SINGLE_THREAD */
    unsigned nseg;
    struct lx_seg seg[LX_ELF_MAXPHNUM];
};

/* An image's bytes: the whole image in memory, or a file read with pread
 * (only the pieces needed, never the whole file). size: the buffer's or the
 * file's length (fstat); a file that is shorter when read (changed while
 * loading) gives an error, never a crash. */
struct lx_src {
    const uint8_t *buf;      /* the image, or NULL: read fd */
    int fd;
    uint64_t size;
};

/* Copies [off, off+len), which lies inside src->size, to dst. Returns 0,
 * or -1 with a message in err. */
int lx_src_read(const struct lx_src *src, void *dst, uint64_t off, uint64_t len, char *err,
                size_t errn);

/* The bytes [off, off+len) (inside src->size): a pointer into the buffer,
 * or for a file a malloc'd copy also stored in *tofree (free it). NULL with
 * a message in err if the read or the allocation fails. */
const uint8_t *lx_src_view(const struct lx_src *src, uint64_t off, uint64_t len, void **tofree,
                           char *err, size_t errn);

/* Checks every field the loader uses. pagesize: power of two >= 4096.
 * Returns 0, or -1 with a message ("what: why") in err. */
int lx_elf_parse(const uint8_t *buf, size_t size, size_t pagesize, struct lx_elf *out,
                 char *err, size_t errn);
/* The same from any source. */
int lx_elf_parse_src(const struct lx_src *src, size_t pagesize, struct lx_elf *out, char *err,
                     size_t errn);

/* Symbols (.symtab, else .dynsym) of a parsed image: calls fn for each
 * defined symbol with a name inside the string table. Malformed section
 * headers give no symbols, never an error. Returns the count. */
size_t lx_elf_symbols(const uint8_t *buf, size_t size,
                      void (*fn)(void *arg, const char *name, size_t namelen, uint64_t value),
                      void *arg);

struct lx_symtab {
    uint64_t symoff, nsyms;  /* the entries (Elf64_Sym) in the file */
    uint64_t stroff, strsize; /* their names */
};
/* Finds the table lx_elf_symbols walks (inside the file); false if none. */
bool lx_elf_find_symtab(const struct lx_src *src, struct lx_symtab *out);
/* Finds the section called name (its bytes inside the file): false if
 * there is none or the section headers are malformed. */
bool lx_elf_find_section(const struct lx_src *src, const char *name, uint64_t *off,
                         uint64_t *size);
/* Calls fn for each defined symbol among the nsyms entries at syms (a
 * piece of a table: entries are independent) whose name lies inside strs
 * (n bytes, the whole string table). Returns the count. */
size_t lx_elf_walk_symbols(const uint8_t *syms, uint64_t nsyms, const char *strs, uint64_t n,
                           void (*fn)(void *arg, const char *name, size_t namelen,
                                      uint64_t value),
                           void *arg);

#endif
