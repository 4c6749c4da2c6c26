/* Per-thread scratch buffers of system calls (struct lx_scratch). */
#include "internal.h"

#include <stdlib.h>

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_key_ok;
static __thread struct lx_scratch *scratch;

static void scratch_free(void *p)
{
    scratch = NULL;
    free(p);
}

static void scratch_init(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

struct lx_scratch *lx_scratch(void)
{
    if (scratch)
        return scratch;
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_key_ok)
        return NULL;
    /* malloc, not calloc: every user writes before it reads, and the pages
     * of a block this large stay untouched until a call needs them. */
    struct lx_scratch *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    if (pthread_setspecific(scratch_key, s) != 0) {
        free(s);
        return NULL;
    }
    scratch = s;
    return s;
}
