/* LFI's malloc for musl: small blocks (up to SMALL_MAX bytes) in 96 size
 * classes, each with a LIFO free list; new chunks are carved from arenas
 * (mmapped, growing geometrically), freed chunks are kept and reused, never
 * unmapped. Larger blocks: large.c. One lock, taken only when the process
 * has threads. Defines the entry points musl's malloc directory must
 * (src/malloc/lite_malloc.c, calloc.c, free.c, realloc.c call them):
 * __libc_malloc_impl, __libc_free, __libc_realloc, aligned_alloc,
 * malloc_usable_size, __malloc_donate, __malloc_allzerop, __malloc_atfork. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include "meta.h"
#include "atomic.h"
#include "dynlink.h"
#include "fork_impl.h"

volatile int __lfi_malloc_lock[1];

static struct {
	void *bins[NCLASS];     /* free chunks' user pointers, linked through their first word */
	uintptr_t cur, end;     /* the arena being carved: [cur, end), cur = 8 mod 16 */
	size_t arenas;          /* bytes of arenas mapped so far */
} st;

#define ARENA_MIN ((size_t)256 << 10)
#define ARENA_MAX ((size_t)16 << 20)

_Noreturn void __lfi_malloc_crash(void)
{
	a_crash();
	for (;;);
}

static void push(unsigned c, char *p)
{
	*hdr(p) = (size_t)c << F_SHIFT;
	*(void **)p = st.bins[c];
	st.bins[c] = p;
}

/* A new arena for a chunk of sz bytes; what is left of the old one goes to
 * the free lists. Under the lock. */
static int refill(size_t sz)
{
	for (unsigned c = NCLASS; c-- > 0 && st.end - st.cur >= 16;) {
		while (st.end - st.cur >= class_size(c)) {
			push(c, (char *)st.cur + 8);
			st.cur += class_size(c);
		}
	}
	size_t len = st.arenas / 2;
	if (len < ARENA_MIN) len = ARENA_MIN;
	if (len > ARENA_MAX) len = ARENA_MAX;
	if (len < sz + 16) len = sz + 16;
	len = (len + PAGE_SIZE - 1) & -PAGE_SIZE;
	void *m = __mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) return -1;
	st.arenas += len;
	st.cur = (uintptr_t)m + 8;
	st.end = (uintptr_t)m + len;
	return 0;
}

void *__libc_malloc_impl(size_t n)
{
	if (n > SMALL_MAX) return __lfi_large_alloc(n);
	unsigned c = class_of(n);
	heap_lock();
	char *p = st.bins[c];
	if (p) {
		st.bins[c] = *(void **)p;
		*hdr(p) = (size_t)c << F_SHIFT | F_INUSE;
		heap_unlock();
		return p;
	}
	size_t sz = class_size(c);
	if (st.end - st.cur < sz && refill(sz) < 0) {
		heap_unlock();
		errno = ENOMEM;
		return 0;
	}
	p = (char *)st.cur + 8;
	st.cur += sz;
	*hdr(p) = (size_t)c << F_SHIFT | F_INUSE | F_FRESH;
	heap_unlock();
	return p;
}

/* the block an aligned pointer lives in */
static char *base_of(char *p, size_t h)
{
	return p - (h >> F_SHIFT);
}

void __libc_free(void *p)
{
	if (!p) return;
	size_t h = *hdr(p);
	if (h & F_ALIGNED) {
		if (!(h & F_INUSE)) __lfi_malloc_crash();
		*hdr(p) = 0;
		p = base_of(p, h);
		h = *hdr(p);
	}
	if (!(h & F_INUSE)) __lfi_malloc_crash(); /* double free or not ours */
	if (h & F_MMAP) {
		__lfi_large_free(p);
		return;
	}
	unsigned c = h >> F_SHIFT;
	if (c >= NCLASS) __lfi_malloc_crash();
	heap_lock();
	push(c, p);
	heap_unlock();
}

size_t malloc_usable_size(void *p)
{
	if (!p) return 0;
	size_t h = *hdr(p), off = 0;
	if (h & F_ALIGNED) {
		off = h >> F_SHIFT;
		p = base_of(p, h);
		h = *hdr(p);
	}
	if (h & F_MMAP) return large_usable(p) - off;
	return class_size(h >> F_SHIFT) - 8 - off;
}

static void *move(void *p, size_t n)
{
	size_t old = malloc_usable_size(p);
	void *q = __libc_malloc_impl(n);
	if (!q) return 0;
	memcpy(q, p, old < n ? old : n);
	__libc_free(p);
	return q;
}

void *__libc_realloc(void *p, size_t n)
{
	if (!p) return __libc_malloc_impl(n);
	size_t h = *hdr(p);
	if (!(h & F_INUSE)) __lfi_malloc_crash();
	if (h & F_ALIGNED) return move(p, n);
	if (h & F_MMAP) return __lfi_large_realloc(p, n);
	size_t sz = class_size(h >> F_SHIFT);
	/* in place unless it grows, or shrinks below half */
	if (n <= sz - 8 && n + 8 > sz / 2) return p;
	return move(p, n);
}

void *aligned_alloc(size_t align, size_t len)
{
	if (!align || (align & (align - 1))) {
		errno = EINVAL;
		return 0;
	}
	if (__malloc_replaced && !__aligned_alloc_replaced) {
		errno = ENOMEM;
		return 0;
	}
	if (align <= 16) return __libc_malloc_impl(len);
	if (len > HUGE_REQ || align > HUGE_REQ) {
		errno = ENOMEM;
		return 0;
	}
	char *p = __libc_malloc_impl(len + align);
	if (!p) return 0;
	char *q = (char *)(((uintptr_t)p + align - 1) & -(uintptr_t)align);
	if (q == p) return p;
	/* q - p >= 16: q's header lies inside p's block */
	*hdr(q) = (size_t)(q - p) << F_SHIFT | F_ALIGNED | F_INUSE;
	return q;
}

int __malloc_allzerop(void *p)
{
	return (*hdr(p) & F_FRESH) != 0;
}

void __malloc_donate(char *start, char *end)
{
	/* only the dynamic linker donates; this libc is static */
	(void)start;
	(void)end;
}

void __malloc_atfork(int who)
{
	if (who < 0) heap_lock();
	else if (who > 0) __lfi_malloc_lock[0] = 0;
	else heap_unlock();
}
