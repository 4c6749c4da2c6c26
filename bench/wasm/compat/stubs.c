/* POSIX functions WASI has no notion of.
 *  - File owners and permission bits, user ids: the programs call them only
 *    to copy an input file's metadata to an output file (bzip2, xz, zstd,
 *    lz4 when not writing to stdout): they succeed and do nothing, as on a
 *    file system without owners or modes.
 *  - Processes (popen/pclose/system, for Lua's io.popen and os.execute):
 *    they fail with ENOSYS (system(NULL) says there is no shell).
 *  - Temporary files (tmpfile/mkstemp, for Lua's io.tmpfile/os.tmpname):
 *    they fail with ENOSYS.
 *  - Timers (alarm, for xz's progress display): no timer is set, so the
 *    signal never comes and xz shows progress only when it finishes.
 *  - Stream locks (flockfile/funlockfile, for Lua's io.lines): no-ops, as
 *    a WASI program has one thread.
 * The benchmark workloads reach none of them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int chown(const char *path, uid_t owner, gid_t group) { (void)path; (void)owner; (void)group; return 0; }
int fchown(int fd, uid_t owner, gid_t group) { (void)fd; (void)owner; (void)group; return 0; }
int lchown(const char *path, uid_t owner, gid_t group) { (void)path; (void)owner; (void)group; return 0; }
int chmod(const char *path, mode_t mode) { (void)path; (void)mode; return 0; }
int fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
mode_t umask(mode_t mask) { (void)mask; return 022; }
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

FILE *popen(const char *command, const char *mode) { (void)command; (void)mode; errno = ENOSYS; return NULL; }
int pclose(FILE *stream) { (void)stream; errno = ENOSYS; return -1; }
int system(const char *command) { if (command == NULL) return 0; errno = ENOSYS; return -1; }
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
FILE *tmpfile(void) { errno = ENOSYS; return NULL; }
#pragma clang diagnostic pop
int mkstemp(char *template) { (void)template; errno = ENOSYS; return -1; }
void flockfile(FILE *stream) { (void)stream; }
void funlockfile(FILE *stream) { (void)stream; }
unsigned alarm(unsigned seconds) { (void)seconds; return 0; }
