/* Thread-local error state and verbose logging. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static __thread int err_code;
static __thread char err_detail[512];
static __thread char err_msg[600];

int lfi__verbose;

static const char *const names[] = {
    [LFI_ERR_NONE] = "no error",
    [LFI_ERR_ALLOC] = "allocation failed",
    [LFI_ERR_BOXMAP] = "no free sandbox slot",
    [LFI_ERR_RESERVE] = "address space reservation failed",
    [LFI_ERR_MMAP] = "host mapping call failed",
    [LFI_ERR_SIGALTSTACK] = "sigaltstack failed",
    [LFI_ERR_PKU] = "pku operation failed",
    [LFI_ERR_INVAL] = "invalid argument",
    [LFI_ERR_NOTMAPPED] = "range not mapped",
    [LFI_ERR_PERM] = "refused by policy",
    [LFI_ERR_VERIFY] = "verification failed",
    [LFI_ERR_NOSPACE] = "no space in sandbox",
    [LFI_ERR_FAULT] = "sandbox fault",
    [LFI_ERR_RTCALL] = "bad runtime call",
    [LFI_ERR_NOCTX] = "no sandbox context",
    [LFI_ERR_EXIT] = "sandbox exited during invoke",
    [LFI_ERR_INTERRUPT] = "sandbox interrupted",
    [LFI_ERR_BUSY] = "object in use",
    [LFI_ERR_ABORT] = "callback aborted the invoke",
    [LFI_ERR_DETACHED] = "the context's box was freed",
};

const char *lfi_strerror(int code)
{
    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0] || !names[code])
        return "unknown error";
    return names[code];
}

int lfi_errno(void)
{
    return err_code;
}

const char *lfi_errmsg(void)
{
    if (err_detail[0])
        snprintf(err_msg, sizeof err_msg, "%s: %s", lfi_strerror(err_code), err_detail);
    else
        snprintf(err_msg, sizeof err_msg, "%s", lfi_strerror(err_code));
    return err_msg;
}

void lfi_clearerr(void)
{
    err_code = LFI_ERR_NONE;
    err_detail[0] = 0;
}

void lfi__vseterr(int code, const char *fmt, va_list ap)
{
    err_code = code;
    if (fmt)
        vsnprintf(err_detail, sizeof err_detail, fmt, ap);
    else
        err_detail[0] = 0;
    if (lfi__verbose)
        lfi__log("error: %s", lfi_errmsg());
}

void lfi__seterr(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lfi__vseterr(code, fmt, ap);
    va_end(ap);
}

void lfi__log(const char *fmt, ...)
{
    char buf[700];
    int n = snprintf(buf, sizeof buf, "[lfi-core] ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + ((size_t)m < sizeof buf - (size_t)n - 1 ? (size_t)m
                                                                    : sizeof buf - (size_t)n - 2);
    buf[len++] = '\n';
    /* one write: lines from several threads do not interleave */
    ssize_t w = write(2, buf, len);
    (void)w;
}
