/* memcpy for LFI's sysroot: overlapping unaligned loads/stores for short
 * copies, 64-byte SSE2 blocks with aligned stores for longer ones, and
 * `rep movsb` (fast on ERMS CPUs; the rewriter sandboxes it) for long ones. */
#include <string.h>
#include "copy.h"

void *memcpy(void *restrict dest, const void *restrict src, size_t n)
{
	return lfi_copy(dest, src, n, 0);
}
