/* Allocator stress test for the sysroot's malloc (sysroot/malloc/): random
 * sequences of malloc, calloc, realloc, free, aligned_alloc, posix_memalign,
 * memalign, reallocarray and malloc_usable_size in several threads at once,
 * small and large sizes, every block filled with a pattern of its own and
 * checked before it is resized or freed; ENOMEM (no crash) on absurd sizes.
 * Prints "ok" and exits 0 on success.
 * usage: malloc_test [THREADS [OPS]] */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

struct block {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static void fail(const char *what, size_t a, size_t b)
{
	fprintf(stderr, "malloc_test: %s (%zu, %zu)\n", what, a, b);
	exit(1);
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* mostly small, some medium, a few large (up to 4 MiB) */
static size_t pick_size(uint64_t *s)
{
	unsigned r = next(s) % 1000;
	if (r < 700) return next(s) % 129;
	if (r < 950) return next(s) % 4097;
	if (r < 995) return next(s) % (300 << 10);
	return next(s) % (4 << 20);
}

static void fill(struct block *b)
{
	for (size_t i = 0; i < b->n; i++) b->p[i] = (unsigned char)(b->tag + i * 7);
}

static void check(const struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b->p[i] != (unsigned char)(b->tag + i * 7)) fail("block content changed", b->n, i);
}

static void check_usable(const struct block *b)
{
	size_t u = malloc_usable_size(b->p);
	if (u < b->n) fail("malloc_usable_size below the size asked for", u, b->n);
	/* the usable bytes are ours: writing them must not hurt anything */
	if (u > b->n) memset(b->p + b->n, 0xA5, u - b->n);
}

static void release(struct block *b)
{
	if (!b->p) return;
	check(b, b->n);
	free(b->p);
	b->p = 0;
}

static void *worker(void *arg)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull * ((uintptr_t)arg + 1);
	long ops = (long)(((uintptr_t)arg >> 16) & 0xffffff);
	struct block *tab = calloc(SLOTS, sizeof *tab);
	if (!tab) fail("calloc of the table", SLOTS, 0);
	for (long k = 0; k < ops; k++) {
		struct block *b = &tab[next(&seed) % SLOTS];
		unsigned op = next(&seed) % 9;
		if (b->p && op < 4) {
			release(b);
			continue;
		}
		if (b->p && op < 6) { /* realloc keeps the common prefix */
			size_t n = pick_size(&seed);
			unsigned char *q = realloc(b->p, n);
			if (!q) fail("realloc", n, 0);
			b->p = q;
			check(b, n < b->n ? n : b->n);
			b->n = n;
			fill(b);
			check_usable(b);
			continue;
		}
		release(b);
		size_t n = pick_size(&seed), align = (size_t)16 << (next(&seed) % 9);
		b->tag = (unsigned char)next(&seed);
		switch (op % 5) {
		case 0:
			b->p = malloc(n);
			break;
		case 1:
			b->p = calloc(1, n);
			if (b->p)
				for (size_t i = 0; i < n; i++)
					if (b->p[i]) fail("calloc memory not zero", n, i);
			break;
		case 2:
			b->p = aligned_alloc(align, n);
			break;
		case 3: {
			void *p = 0;
			int e = posix_memalign(&p, align, n);
			if (e) fail("posix_memalign", align, n);
			b->p = p;
			break;
		}
		default:
			b->p = next(&seed) & 1 ? memalign(align, n) : reallocarray(0, n, 1);
			break;
		}
		if (!b->p) fail("allocation", n, op);
		if ((op % 5 == 2 || op % 5 == 3) && ((uintptr_t)b->p & (align - 1)))
			fail("misaligned", (uintptr_t)b->p, align);
		if ((uintptr_t)b->p & 15) fail("not 16-aligned", (uintptr_t)b->p, n);
		b->n = n;
		fill(b);
		check_usable(b);
	}
	for (int i = 0; i < SLOTS; i++) release(&tab[i]);
	free(tab);
	return 0;
}

static void absurd(void)
{
	volatile size_t half = SIZE_MAX / 2;
	size_t sizes[] = {SIZE_MAX, SIZE_MAX - 15, SIZE_MAX / 2, (size_t)1 << 48, (size_t)1 << 40};
	for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		size_t n = sizes[i];
		errno = 0;
		if (malloc(n) || errno != ENOMEM) fail("malloc of an absurd size", n, errno);
		errno = 0;
		if (calloc(n, 1) || errno != ENOMEM) fail("calloc of an absurd size", n, errno);
		errno = 0;
		if (aligned_alloc(64, n) || errno != ENOMEM) fail("aligned_alloc of an absurd size", n, errno);
		void *q = 0;
		if (posix_memalign(&q, 4096, n) != ENOMEM || q) fail("posix_memalign of an absurd size", n, 0);
		char *p = malloc(100);
		if (!p) fail("malloc(100)", 0, 0);
		memset(p, 'x', 100);
		errno = 0;
		if (realloc(p, n) || errno != ENOMEM) fail("realloc to an absurd size", n, errno);
		for (int k = 0; k < 100; k++)
			if (p[k] != 'x') fail("failed realloc changed the block", n, k);
		free(p);
	}
	errno = 0;
	if (calloc(half, 3) || errno != ENOMEM) fail("calloc overflow", 0, errno);
	errno = 0;
	if (reallocarray(0, half, 3) || errno != ENOMEM) fail("reallocarray overflow", 0, errno);
	if (aligned_alloc(24, 10) || errno != EINVAL) fail("aligned_alloc with a bad alignment", 24, errno);
	void *q;
	if (posix_memalign(&q, 24, 10) != EINVAL) fail("posix_memalign with a bad alignment", 24, 0);
	free(0);
	if (malloc_usable_size(0)) fail("malloc_usable_size(0)", 0, 0);
}

/* a block big enough to be mmapped, resized across the small/large limit */
static void edges(void)
{
	size_t sizes[] = {0, 1, 8, 9, 16, 24, 1016, 1017, 1024, 4096, 65536, 262136, 262137,
			  262144, 300000, 1 << 20, (3 << 20) + 5, 16 << 20};
	unsigned char *p = 0;
	size_t have = 0;
	for (int round = 0; round < 2; round++)
		for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			size_t j = round ? sizeof sizes / sizeof *sizes - 1 - i : i, n = sizes[j];
			p = realloc(p, n);
			if (!p) fail("realloc (edges)", n, 0);
			size_t keep = n < have ? n : have;
			for (size_t k = 0; k < keep; k++)
				if (p[k] != (unsigned char)(k * 13)) fail("realloc (edges) lost data", n, k);
			for (size_t k = keep; k < n; k++) p[k] = (unsigned char)(k * 13);
			have = n;
			if (malloc_usable_size(p) < n) fail("usable size (edges)", n, 0);
		}
	free(p);
	/* many big blocks freed and allocated again: must reuse, not run out */
	for (int r = 0; r < 200; r++) {
		void *a = malloc(1 << 20), *b = calloc(1, 3 << 20);
		if (!a || !b) fail("repeated big blocks", r, 0);
		free(a);
		free(b);
	}
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	long ops = argc > 2 ? atol(argv[2]) : 20000;
	if (threads < 1 || threads > 64 || ops < 1 || ops > 0xffffff) fail("usage: malloc_test [THREADS [OPS]]", 0, 0);
	absurd();
	edges();
	worker((void *)(uintptr_t)(ops << 16 | 99)); /* single-threaded first */
	pthread_t t[64];
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], 0, worker, (void *)(uintptr_t)(ops << 16 | i))) fail("pthread_create", i, 0);
	for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
	absurd();
	puts("ok");
	return 0;
}
