/* memmove for LFI's sysroot: the same code as memcpy (copy.h), which loads
 * everything before storing for short sizes and copies backward when the
 * destination overlaps the source from above. */
#include <string.h>
#include "copy.h"

void *memmove(void *dest, const void *src, size_t n)
{
	return lfi_copy(dest, src, n, 1);
}
