/* Differential test of the sysroot's string routines (sysroot/string/)
 * against simple reference loops: memcpy, memmove, memset, memcmp, memchr,
 * strlen, strchr, strchrnul, strcmp, for every size 0..300 and some big
 * ones, every alignment of source and destination mod 64, overlapping
 * memmove both ways, the bytes around the destination untouched, and
 * strings and buffers ending at a page boundary before a PROT_NONE page
 * (an over-read would fault). Prints "ok" and exits 0 on success.
 * Build with -fno-builtin so the calls reach the library. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAXN 300
#define PAD 64
#define BUF (MAXN + 3 * PAD + 64)

static unsigned long checks;

static void fail(const char *what, long a, long b, long c)
{
	fprintf(stderr, "string_test: %s (%ld, %ld, %ld)\n", what, a, b, c);
	exit(1);
}

/* ---- references --------------------------------------------------- */
static void ref_move(unsigned char *d, const unsigned char *s, size_t n)
{
	unsigned char tmp[1 << 17];
	if (n > sizeof tmp) fail("ref_move too big", (long)n, 0, 0);
	for (size_t i = 0; i < n; i++) tmp[i] = s[i];
	for (size_t i = 0; i < n; i++) d[i] = tmp[i];
}
static int sign(int x) { return (x > 0) - (x < 0); }
static int ref_cmp(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i]) return a[i] - b[i];
	return 0;
}
static size_t ref_len(const char *s)
{
	size_t n = 0;
	while (s[n]) n++;
	return n;
}
static const char *ref_chrnul(const char *s, int c)
{
	while (*s && *s != (char)c) s++;
	return s;
}
static void pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 31 + (i >> 8));
}

/* ---- copies --------------------------------------------------------- */
static unsigned char src[BUF + 64], dst[BUF + 64], exp_[BUF + 64];

/* dst must hold the pattern (seed 7) except [at, at+n), which must hold
 * want; then the pattern is put back */
static void check_copy(const char *what, size_t at, const unsigned char *want, size_t n, size_t sa)
{
	size_t lo = at - PAD, hi = at + n + PAD;
	checks++;
	for (size_t i = lo; i < at; i++)
		if (dst[i] != exp_[i]) fail(what, (long)n, (long)(sa * 100 + at - 2 * PAD), (long)i);
	for (size_t i = 0; i < n; i++)
		if (dst[at + i] != want[i]) fail(what, (long)n, (long)(sa * 100 + at - 2 * PAD), (long)(at + i));
	for (size_t i = at + n; i < hi; i++)
		if (dst[i] != exp_[i]) fail(what, (long)n, (long)(sa * 100 + at - 2 * PAD), (long)i);
	for (size_t i = at; i < at + n; i++) dst[i] = exp_[i];
}

static void test_copies(void)
{
	pattern(src, sizeof src, 1);
	pattern(dst, sizeof dst, 7);
	pattern(exp_, sizeof exp_, 7);
	for (size_t n = 0; n <= MAXN; n++)
		for (size_t sa = 0; sa < 64; sa++)
			for (size_t da = 0; da < 64; da++) {
				/* above 128 bytes every source alignment against 21
				 * destination ones (0-15 and some others) */
				if (n > 128 && da > 15 && da % 16 != 15 && da != 32) continue;
				unsigned char *d = dst + 2 * PAD + da, *s = src + PAD + sa;
				if (memcpy(d, s, n) != d) fail("memcpy result", (long)n, 0, 0);
				check_copy("memcpy", 2 * PAD + da, s, n, sa);
				if (memmove(d, s, n) != d) fail("memmove result", (long)n, 0, 0);
				check_copy("memmove", 2 * PAD + da, s, n, sa);
			}
	static unsigned char fillc[MAXN];
	for (int c = 0; c < 256; c += 85) {
		for (size_t i = 0; i < MAXN; i++) fillc[i] = (unsigned char)c;
		for (size_t n = 0; n <= MAXN; n++)
			for (size_t da = 0; da < 64; da++) {
				unsigned char *d = dst + 2 * PAD + da;
				if (memset(d, c | 0x100, n) != d) fail("memset result", (long)n, 0, 0);
				check_copy("memset", 2 * PAD + da, fillc, n, (size_t)c);
			}
	}
}

/* overlapping memmove: every shift up to 80 bytes both ways, and shifts
 * near n */
static void test_overlap(void)
{
	static unsigned char buf[1200], orig[1200], want[1200];
	pattern(orig, sizeof orig, 3);
	memcpy(buf, orig, sizeof buf);
	for (size_t n = 0; n <= MAXN; n++)
		for (long shift = -(long)n - 2; shift <= (long)n + 2; shift++) {
			if (shift > 80 && shift < (long)n - 8) shift = (long)n - 8;
			if (shift > -(long)n + 8 && shift < -80) shift = -80;
			for (size_t base = 0; base < 64; base += 9) {
				size_t s = 400 + base, d = (size_t)((long)s + shift);
				size_t lo = (s < d ? s : d) - PAD, hi = (s < d ? d : s) + n + PAD;
				for (size_t i = lo; i < hi; i++) want[i] = orig[i];
				ref_move(want + d, orig + s, n);
				memmove(buf + d, buf + s, n);
				checks++;
				for (size_t i = lo; i < hi; i++)
					if (buf[i] != want[i]) fail("memmove overlap", (long)n, shift, (long)base);
				for (size_t i = lo; i < hi; i++) buf[i] = orig[i];
			}
		}
}

/* big sizes: memcpy/memmove (both directions)/memset */
static void test_big(void)
{
	size_t sizes[] = {511, 1024, 4095, 4096, 4097, 8191, 10000, 65536 + 3, 100000};
	size_t len = 2 * 100000 + 4096;
	unsigned char *a = malloc(len), *b = malloc(len), *e = malloc(len);
	if (!a || !b || !e) fail("malloc", 0, 0, 0);
	for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++)
		for (size_t al = 0; al < 64; al += 13)
			for (int kind = 0; kind < 5; kind++) {
				size_t n = sizes[i];
				pattern(a, len, 5);
				pattern(b, len, 11);
				pattern(e, len, 11);
				switch (kind) {
				case 0:
					ref_move(e + al, a + 3, n);
					memcpy(b + al, a + 3, n);
					break;
				case 1: /* forward overlap */
					memcpy(e, b, len);
					ref_move(e + 64, e + 64 + al + 1, n);
					memmove(b + 64, b + 64 + al + 1, n);
					break;
				case 2: /* backward overlap */
					memcpy(e, b, len);
					ref_move(e + 64 + al + 1, e + 64, n);
					memmove(b + 64 + al + 1, b + 64, n);
					break;
				case 3:
					for (size_t k = 0; k < n; k++) e[al + k] = 0x5c;
					memset(b + al, 0x5c, n);
					break;
				default: /* far apart, memmove */
					ref_move(e + al, a + 7, n);
					memmove(b + al, a + 7, n);
					break;
				}
				checks++;
				for (size_t k = 0; k < len; k++)
					if (b[k] != e[k]) fail("big copy", (long)n, kind, (long)k);
				if (kind == 0 || kind == 4) {
					int r = memcmp(b + al, e + al, n);
					if (r) fail("memcmp of equal big buffers", (long)n, r, 0);
					b[al + n - 1] ^= 1;
					if (sign(memcmp(b + al, e + al, n)) != sign(ref_cmp(b + al, e + al, n)))
						fail("memcmp of big buffers", (long)n, 0, 0);
				}
			}
	free(a);
	free(b);
	free(e);
}

/* ---- comparisons and searches --------------------------------------- */
/* content in 2..201: no NUL; x ^ 0x80 flips the order for some bytes */
static unsigned char val(size_t i) { return (unsigned char)(2 + (i * 37 + i / 7) % 200); }

static void test_cmp(void)
{
	static unsigned char x[BUF], y[BUF];
	for (size_t n = 0; n <= MAXN; n++) {
		size_t poss[] = {0, n / 2, n ? n - 1 : 0, (n * 5) / 7};
		for (size_t xa = 0; xa < 64; xa++)
			for (size_t ya = 0; ya < 64; ya++) {
				unsigned char *p = x + PAD + xa, *q = y + PAD + ya;
				for (size_t i = 0; i < n; i++) p[i] = q[i] = val(i);
				p[n] = q[n] = 0;
				checks += 2;
				if (memcmp(p, q, n)) fail("memcmp of equal buffers", (long)n, (long)(xa * 100 + ya), 0);
				if (strcmp((char *)p, (char *)q)) fail("strcmp of equal strings", (long)n, (long)(xa * 100 + ya), 0);
				if (!n) continue;
				size_t pos = poss[(xa + ya) & 3];
				unsigned char old = q[pos];
				unsigned char vs[] = {(unsigned char)(old + 1), (unsigned char)(old - 1),
						      (unsigned char)(old ^ 0x80), 0};
				for (int k = 0; k < 4; k++) {
					q[pos] = vs[k];
					int want = sign(old - vs[k]);
					checks += 2;
					if (k < 3 && sign(memcmp(p, q, n)) != want)
						fail("memcmp", (long)n, (long)(xa * 100 + ya), k);
					if (sign(strcmp((char *)p, (char *)q)) != want)
						fail("strcmp", (long)n, (long)(xa * 100 + ya), k);
					if (sign(strcmp((char *)q, (char *)p)) != -want)
						fail("strcmp (swapped)", (long)n, (long)(xa * 100 + ya), k);
				}
				q[pos] = old;
			}
	}
}

static void test_search(void)
{
	static char s[BUF];
	for (size_t n = 0; n <= MAXN; n++)
		for (size_t a = 0; a < 64; a++) {
			char *p = s + PAD + a;
			memset(s, 'b', sizeof s);
			for (size_t i = 0; i < n; i++) p[i] = (char)('a' + (i * 7) % 23 + 2);
			p[n] = 0;
			checks++;
			if (strlen(p) != ref_len(p)) fail("strlen", (long)n, (long)a, 0);
			int cs[] = {'a', 0, (unsigned char)p[n / 2], 'b' | 0x80, 0x100 | 'c', 0xff};
			for (unsigned k = 0; k < sizeof cs / sizeof *cs; k++) {
				int c = cs[k];
				const char *e = ref_chrnul(p, c);
				checks++;
				if (strchrnul(p, c) != e) fail("strchrnul", (long)n, (long)a, c);
				if (strchr(p, c) != (*e || !(char)c ? e : 0)) fail("strchr", (long)n, (long)a, c);
				/* memchr over the n bytes (and one beyond when n < MAXN) */
				size_t lim = n;
				const char *m = 0;
				for (size_t i = 0; i < lim; i++)
					if ((unsigned char)p[i] == (unsigned char)c) { m = p + i; break; }
				if (memchr(p, c, lim) != m) fail("memchr", (long)n, (long)a, c);
			}
		}
	/* memchr with a huge n finds the byte */
	char t[32] = "0123456789abcdef0123456789ABCDE";
	for (int i = 0; i < 31; i++)
		if (memchr(t + i, 'E', SIZE_MAX) != t + 30) fail("memchr with n = SIZE_MAX", i, 0, 0);
}

/* ---- page ends ------------------------------------------------------ */
static void test_page_end(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *m2 = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || m2 == MAP_FAILED) fail("mmap", 0, 0, 0);
	if (mprotect(m + pg, pg, PROT_NONE) || mprotect(m2 + pg, pg, PROT_NONE)) fail("mprotect", 0, 0, 0);
	unsigned char *end = m + pg, *end2 = m2 + pg;
	static unsigned char out[MAXN + 64];
	for (size_t n = 0; n <= MAXN; n++) {
		/* n bytes ending at the guard page */
		unsigned char *p = end - n;
		pattern(m, pg, 4);
		for (size_t i = 0; i < n; i++) p[i] |= 1;
		memcpy(out, p, n);
		memmove(out + 1, p, n);
		memset(p, 'z', n);
		if (memchr(p, 'y', n)) fail("memchr at a page end", (long)n, 0, 0);
		if (n && memchr(p, 'z', n) != p) fail("memchr at a page end", (long)n, 1, 0);
		unsigned char *q = end2 - n;
		memset(q, 'z', n);
		if (memcmp(p, q, n)) fail("memcmp at a page end", (long)n, 0, 0);
		checks += 4;
		if (!n) continue;
		/* a string of n-1 characters whose NUL is the page's last byte */
		p[n - 1] = 0;
		q[n - 1] = 0;
		if (strlen((char *)p) != n - 1) fail("strlen at a page end", (long)n, 0, 0);
		if (strchr((char *)p, 'y')) fail("strchr at a page end", (long)n, 0, 0);
		if (strchrnul((char *)p, 'y') != (char *)end - 1) fail("strchrnul at a page end", (long)n, 0, 0);
		if (strcmp((char *)p, (char *)q)) fail("strcmp at a page end", (long)n, 0, 0);
		/* against strings of every offset elsewhere */
		for (size_t o = 0; o < 64; o++) {
			unsigned char *r = out + o;
			memset(r, 'z', n - 1);
			r[n - 1] = 0;
			if (strcmp((char *)p, (char *)r) || strcmp((char *)r, (char *)p)) fail("strcmp at a page end", (long)n, (long)o, 1);
			if (n > 1) {
				r[n - 2] = 'a';
				if (strcmp((char *)p, (char *)r) <= 0 || strcmp((char *)r, (char *)p) >= 0)
					fail("strcmp at a page end", (long)n, (long)o, 2);
			}
			checks++;
		}
	}
	munmap(m, 2 * pg);
	munmap(m2, 2 * pg);
}

int main(void)
{
	test_copies();
	test_overlap();
	test_big();
	test_cmp();
	test_search();
	test_page_end();
	printf("ok (%lu checks)\n", checks);
	return 0;
}
