/* The Linux engine: options, directory maps, the system-call handler. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool env_on(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

struct LFILinuxEngine *lfi_linux_new(struct LFIEngine *engine, struct LFILinuxOptions opts)
{
    if (!engine) {
        lx_err("lfi_linux_new: no engine");
        return NULL;
    }
    if (opts.verbose || env_on("LFI_VERBOSE"))
        lx_verbose = 1;
    if (opts.sys_passthrough) {
        lx_err("lfi_linux_new: sys_passthrough is not supported: it would give the sandbox "
               "the host's system calls unchecked");
        return NULL;
    }
    if (opts.wd && opts.wd[0] != '/') {
        lx_err("lfi_linux_new: the working directory '%s' is not an absolute path", opts.wd);
        return NULL;
    }
    struct LFILinuxEngine *lx = calloc(1, sizeof *lx);
    if (!lx) {
        lx_err("lfi_linux_new: out of memory");
        return NULL;
    }
    lx->engine = engine;
    lx->opts = opts;
    lx->opts.dir_maps = NULL; /* not kept: parsed below */
    lx->opts.wd = NULL;
    if (!lx->opts.stacksize)
        lx->opts.stacksize = 2u << 20;
    if (!lx->opts.max_threads)
        lx->opts.max_threads = 256;
    if (!lx->opts.brk_size)
        lx->opts.brk_size = 512u << 20;
    lx->trace = opts.trace || env_on("LFI_STRACE");
    if (opts.debug || env_on("LFI_DEBUG"))
        lx->opts.debug = true;
    if (lx_path_norm("/", opts.wd ? opts.wd : "/", lx->wd) < 0) {
        lx_err("lfi_linux_new: the working directory is too long");
        free(lx);
        return NULL;
    }
    if (lx_map_dirs(lx, opts.dir_maps) < 0) {
        lfi_linux_free(lx);
        return NULL;
    }
    lfi_sys_handler(engine, lx_syscall);
    return lx;
}

void lfi_linux_free(struct LFILinuxEngine *lx)
{
    if (!lx)
        return;
    for (size_t i = 0; i < lx->nmaps; i++) {
        close(lx->maps[i].rootfd);
        free(lx->maps[i].sbox);
        free(lx->maps[i].host);
    }
    free(lx->maps);
    free(lx);
}
