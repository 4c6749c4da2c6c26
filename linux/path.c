/* Sandbox paths: lexical normalisation, the directory maps, and opening
 * beneath a mapping's root with openat2(RESOLVE_BENEATH), so that neither
 * ".." nor a symlink can leave the mapped host directory. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int lx_path_norm(const char *base, const char *path, char *out)
{
    size_t n = 1;
    out[0] = '/';
    out[1] = 0;
    const char *parts[2] = { path[0] == '/' ? "" : base, path };
    for (int k = 0; k < 2; k++) {
        const char *s = parts[k];
        while (*s) {
            while (*s == '/')
                s++;
            const char *e = s;
            while (*e && *e != '/')
                e++;
            size_t len = (size_t)(e - s);
            if (len == 0 || (len == 1 && s[0] == '.')) {
                /* nothing */
            } else if (len == 2 && s[0] == '.' && s[1] == '.') {
                while (n > 1 && out[n - 1] != '/')
                    n--;
                if (n > 1)
                    n--; /* the slash before the popped component */
                out[n] = 0;
            } else {
                if (n + (n > 1) + len >= PATH_MAX)
                    return -ENAMETOOLONG;
                if (n > 1)
                    out[n++] = '/';
                memcpy(out + n, s, len);
                n += len;
                out[n] = 0;
            }
            s = e;
        }
    }
    if (n == 0) {
        out[0] = '/';
        out[1] = 0;
    }
    return 0;
}

int lx_resolve(struct LFILinuxProc *p, int dirfd, const char *path, struct lx_res *r)
{
    char base[PATH_MAX];
    r->map = NULL;
    if (path[0] == '/') {
        base[0] = 0;
    } else if (dirfd == AT_FDCWD) {
        pthread_mutex_lock(&p->cwdlock);
        memcpy(base, p->cwd, strlen(p->cwd) + 1);
        pthread_mutex_unlock(&p->cwdlock);
    } else {
        struct lx_file *f = lx_fd_get(p, dirfd);
        if (!f)
            return -EBADF;
        int rc = 0;
        if (f->kind != LX_F_DIR || !f->path)
            rc = -ENOTDIR;
        else
            memcpy(base, f->path, strlen(f->path) + 1);
        lx_file_put(f);
        if (rc)
            return rc;
    }
    int rc = lx_path_norm(base, path, r->spath);
    if (rc)
        return rc;
    struct LFILinuxEngine *lx = p->lx;
    struct lx_map *best = NULL;
    for (size_t i = 0; i < lx->nmaps; i++) {
        struct lx_map *m = &lx->maps[i];
        bool match = m->sblen == 1 ||
                     (strncmp(r->spath, m->sbox, m->sblen) == 0 &&
                      (r->spath[m->sblen] == 0 || r->spath[m->sblen] == '/'));
        if (match && (!best || m->sblen > best->sblen))
            best = m;
    }
    if (!best)
        return -ENOENT;
    r->map = best;
    const char *rest = r->spath + (best->sblen == 1 ? 0 : best->sblen);
    while (*rest == '/')
        rest++;
    if (!*rest)
        rest = ".";
    memcpy(r->rel, rest, strlen(rest) + 1);
    return 0;
}

static int openat2_beneath(int dirfd, const char *rel, int flags, unsigned mode)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | __O_TMPFILE)) ? (mode & 07777) : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do
        fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    while (fd < 0 && (errno == EINTR || errno == EAGAIN));
    if (fd < 0)
        return errno == EXDEV ? -EACCES : -errno;
    return (int)fd;
}

int lx_open_beneath(const struct lx_res *r, int flags, unsigned mode)
{
    return openat2_beneath(r->map->rootfd, r->rel, flags, mode);
}

int lx_open_parent(const struct lx_res *r, const char **base)
{
    if (strcmp(r->rel, ".") == 0)
        return -EBUSY;
    const char *slash = strrchr(r->rel, '/');
    if (!slash) {
        *base = r->rel;
        return openat2_beneath(r->map->rootfd, ".", O_PATH | O_DIRECTORY, 0);
    }
    char dir[PATH_MAX];
    size_t n = (size_t)(slash - r->rel);
    memcpy(dir, r->rel, n);
    dir[n] = 0;
    *base = slash + 1;
    return openat2_beneath(r->map->rootfd, dir, O_PATH | O_DIRECTORY, 0);
}

int lx_map_dirs(struct LFILinuxEngine *lx, const char **maps)
{
    size_t n = 0;
    while (maps && maps[n])
        n++;
    lx->maps = calloc(n ? n : 1, sizeof *lx->maps);
    if (!lx->maps) {
        lx_err("dir_maps: out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *spec = maps[i];
        const char *eq = strchr(spec, '=');
        if (!eq || eq == spec || spec[0] != '/' || !eq[1]) {
            lx_err("dir_maps: bad entry '%s': want SANDBOX=HOST[:ro] with an absolute "
                   "SANDBOX path", spec);
            return -1;
        }
        size_t slen = (size_t)(eq - spec);
        char sbox[PATH_MAX], norm[PATH_MAX];
        if (slen >= PATH_MAX) {
            lx_err("dir_maps: '%s': path too long", spec);
            return -1;
        }
        memcpy(sbox, spec, slen);
        sbox[slen] = 0;
        if (lx_path_norm("/", sbox, norm) < 0) {
            lx_err("dir_maps: '%s': path too long", spec);
            return -1;
        }
        struct lx_map *m = &lx->maps[lx->nmaps];
        const char *host = eq + 1;
        size_t hlen = strlen(host);
        if (hlen > 3 && strcmp(host + hlen - 3, ":ro") == 0) {
            m->ro = true;
            hlen -= 3;
        } else if (hlen > 3 && strcmp(host + hlen - 3, ":rw") == 0) {
            hlen -= 3;
        }
        m->host = strndup(host, hlen);
        m->sbox = strdup(norm);
        if (!m->host || !m->sbox) {
            free(m->host);
            free(m->sbox);
            lx_err("dir_maps: out of memory");
            return -1;
        }
        m->sblen = strlen(norm);
        m->rootfd = open(m->host, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (m->rootfd < 0) {
            lx_err("dir_maps: '%s': cannot open host directory %s: %s", spec, m->host,
                   strerror(errno));
            free(m->host);
            free(m->sbox);
            return -1;
        }
        lx->nmaps++;
        LX_LOG("map %s -> %s%s", m->sbox, m->host, m->ro ? " (read-only)" : "");
    }
    return 0;
}
