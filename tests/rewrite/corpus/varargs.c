/* Variadic functions: integers, doubles, va_copy, forwarding a va_list. */
#include <stdarg.h>
#include <stdio.h>

static double sum(int n, ...)
{
    va_list ap, aq;
    double s = 0;
    va_start(ap, n);
    va_copy(aq, ap);
    for (int i = 0; i < n; i++)
        s += (i & 1) ? va_arg(ap, double) : (double)va_arg(ap, long);
    va_end(ap);
    for (int i = 0; i < n; i++)
        s += (i & 1) ? va_arg(aq, double) : (double)va_arg(aq, long);
    va_end(aq);
    return s;
}

static int say(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void)
{
    char buf[128];
    double s = sum(8, 1L, 2.5, 3L, 4.5, 5L, 6.5, 7L, 8.5);
    say(buf, sizeof buf, "%d %s %f %ld %c", 1, "two", 3.0, 4L, '5');
    printf("%s %g\n", buf, s);
    return s == 72.0 ? 0 : 1;
}
