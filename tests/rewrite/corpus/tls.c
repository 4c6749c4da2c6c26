/* Thread-local variables: initialized, zero-initialized, extern, arrays,
 * and their addresses. */
#include <stdio.h>

__thread int tcount = 5;
__thread long tzero;
static __thread char tbuf[64];
extern __thread int textern;

static int *addr(void) { return &tcount; }

int main(void)
{
    tcount += 3;
    tzero = tcount * 2;
    for (int i = 0; i < 64; i++)
        tbuf[i] = (char)i;
    *addr() += 1;
    printf("%d %ld %d %p %d\n", tcount, tzero, tbuf[40], (void *)&tbuf[1], textern);
    return 0;
}
