/* LFI's malloc for musl: blocks above SMALL_MAX bytes, each in a mapping of
 * its own (header at base + 8, user pointer at base + 16). Freed mappings go
 * to a small cache (CACHE_SLOTS, CACHE_BYTES in all) that later requests of
 * about the same size reuse, so programs that allocate and free big buffers
 * in a loop do not mmap/munmap each time. Growing uses mremap. */
#define _GNU_SOURCE /* MREMAP_MAYMOVE */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "meta.h"

#define CACHE_SLOTS 16
#define CACHE_BYTES ((size_t)64 << 20)

static struct {
	uintptr_t base[CACHE_SLOTS];
	size_t len[CACHE_SLOTS];
	size_t bytes;
} cache;

static size_t map_len(size_t n)
{
	return (n + 16 + PAGE_SIZE - 1) & -PAGE_SIZE;
}

static void *set(uintptr_t base, size_t len, size_t flags)
{
	char *p = (char *)base + 16;
	*hdr(p) = len | flags | F_MMAP | F_INUSE;
	return p;
}

/* a cached mapping of at least len bytes and not much more, or 0 */
static uintptr_t take(size_t len, size_t *got)
{
	int best = -1;
	heap_lock();
	for (int i = 0; i < CACHE_SLOTS; i++) {
		size_t l = cache.len[i];
		if (l >= len && l - len <= len / 4 && (best < 0 || l < cache.len[best]))
			best = i;
	}
	uintptr_t b = 0;
	if (best >= 0) {
		b = cache.base[best];
		*got = cache.len[best];
		cache.bytes -= cache.len[best];
		cache.base[best] = 0;
		cache.len[best] = 0;
	}
	heap_unlock();
	return b;
}

void *__lfi_large_alloc(size_t n)
{
	if (n > HUGE_REQ) {
		errno = ENOMEM;
		return 0;
	}
	size_t len = map_len(n), got;
	uintptr_t b = take(len, &got);
	if (b) return set(b, got, 0);
	void *m = __mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		/* maybe the cache holds the memory: give it back and retry */
		heap_lock();
		uintptr_t keep[CACHE_SLOTS];
		size_t kl[CACHE_SLOTS];
		for (int i = 0; i < CACHE_SLOTS; i++) {
			keep[i] = cache.base[i], kl[i] = cache.len[i];
			cache.base[i] = 0, cache.len[i] = 0;
		}
		cache.bytes = 0;
		heap_unlock();
		int any = 0;
		for (int i = 0; i < CACHE_SLOTS; i++)
			if (keep[i]) __munmap((void *)keep[i], kl[i]), any = 1;
		if (any)
			m = __mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			errno = ENOMEM;
			return 0;
		}
	}
	return set((uintptr_t)m, len, F_FRESH);
}

void __lfi_large_free(void *p)
{
	uintptr_t b = (uintptr_t)p - 16;
	size_t len = *hdr(p) >> F_SHIFT << F_SHIFT;
	*hdr(p) = 0;
	if (len <= CACHE_BYTES / 4) {
		heap_lock();
		/* a free slot, else evict the largest if it is larger */
		int slot = -1;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			if (!cache.base[i]) { slot = i; break; }
			if (slot < 0 || cache.len[i] > cache.len[slot]) slot = i;
		}
		uintptr_t ob = cache.base[slot];
		size_t ol = cache.len[slot];
		if (ob && ol <= len) {
			heap_unlock();
			__munmap((void *)b, len);
			return;
		}
		if (cache.bytes - ol + len <= CACHE_BYTES) {
			cache.base[slot] = b;
			cache.len[slot] = len;
			cache.bytes = cache.bytes - ol + len;
			heap_unlock();
			if (ob) __munmap((void *)ob, ol);
			return;
		}
		heap_unlock();
	}
	__munmap((void *)b, len);
}

void *__lfi_large_realloc(void *p, size_t n)
{
	size_t len = *hdr(p) >> F_SHIFT << F_SHIFT;
	size_t usable = len - 16;
	if (n <= usable && n > usable / 2) return p;
	void *q;
	if (n > usable && n <= HUGE_REQ) {
		size_t nl = map_len(n);
		void *m = __mremap((char *)p - 16, len, nl, MREMAP_MAYMOVE);
		if (m != MAP_FAILED) return set((uintptr_t)m, nl, 0);
	}
	q = __libc_malloc_impl(n);
	if (!q) return 0;
	memcpy(q, p, usable < n ? usable : n);
	__lfi_large_free(p);
	return q;
}
