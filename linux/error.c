/* Thread-local error message and verbose logging of liblfi-linux. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char errbuf[768];
int lx_verbose;

const char *lfi_linux_errmsg(void)
{
    return errbuf;
}

void lx_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, sizeof errbuf, fmt, ap);
    va_end(ap);
    LX_LOG("error: %s", errbuf);
}

void lx_err_core(const char *what)
{
    lx_err("%s: %s", what, lfi_errmsg());
}

void lx_log(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "[lfi-linux] %s\n", line);
}
