/* The emulated system calls: X(name, number), one handler lx_sys_NAME per
 * entry, defined in the file of its family under sys/. Numbers are x86-64. */
#ifndef LFI_LINUX_SYS_H
#define LFI_LINUX_SYS_H

#define LX_SYSCALLS(X)                                                              \
    /* files.c: descriptors */                                                      \
    X(read, 0) X(write, 1) X(close, 3) X(fstat, 5) X(lseek, 8) X(ioctl, 16)          \
    X(pread64, 17) X(pwrite64, 18) X(readv, 19) X(writev, 20) X(pipe, 22)           \
    X(dup, 32) X(dup2, 33) X(fcntl, 72) X(flock, 73) X(fsync, 74) X(fdatasync, 75)   \
    X(ftruncate, 77) X(getdents64, 217) X(fchdir, 81) X(fchmod, 91) X(fchown, 93)   \
    X(fadvise64, 221) X(dup3, 292) X(pipe2, 293) X(preadv, 295) X(pwritev, 296)     \
    X(fallocate, 285)                                                               \
    /* fs.c: paths */                                                               \
    X(open, 2) X(stat, 4) X(lstat, 6) X(access, 21) X(rename, 82) X(mkdir, 83)       \
    X(rmdir, 84) X(creat, 85) X(link, 86) X(unlink, 87) X(symlink, 88)              \
    X(readlink, 89) X(chmod, 90) X(chown, 92) X(lchown, 94) X(truncate, 76)         \
    X(getcwd, 79) X(chdir, 80) X(umask, 95) X(openat, 257) X(mkdirat, 258)          \
    X(fchownat, 260) X(newfstatat, 262) X(unlinkat, 263) X(renameat, 264)           \
    X(linkat, 265) X(symlinkat, 266) X(readlinkat, 267) X(fchmodat, 268)            \
    X(faccessat, 269) X(utimensat, 280) X(renameat2, 316) X(statx, 332)             \
    X(faccessat2, 439) X(statfs, 137) X(fstatfs, 138)                               \
    /* mem.c */                                                                     \
    X(mmap, 9) X(mprotect, 10) X(munmap, 11) X(brk, 12) X(mremap, 25) X(msync, 26)  \
    X(mincore, 27) X(madvise, 28) X(mlock, 149) X(munlock, 150) X(mlockall, 151)    \
    X(munlockall, 152)                                                              \
    /* thread.c */                                                                  \
    X(clone, 56) X(fork, 57) X(vfork, 58) X(execve, 59) X(exit, 60) X(wait4, 61)    \
    X(arch_prctl, 158) X(gettid, 186) X(futex, 202) X(set_tid_address, 218)         \
    X(exit_group, 231) X(set_robust_list, 273) X(get_robust_list, 274)              \
    X(clone3, 435) X(rseq, 334) X(membarrier, 324)                                  \
    /* time.c */                                                                    \
    X(nanosleep, 35) X(gettimeofday, 96) X(getrusage, 98) X(times, 100)             \
    X(time, 201) X(clock_gettime, 228) X(clock_getres, 229)                         \
    X(clock_nanosleep, 230)                                                         \
    /* poll.c */                                                                    \
    X(poll, 7) X(select, 23) X(pselect6, 270) X(ppoll, 271)                         \
    /* proc.c */                                                                    \
    X(sched_yield, 24) X(getpid, 39) X(uname, 63) X(getrlimit, 97) X(sysinfo, 99)   \
    X(getuid, 102) X(getgid, 104) X(setuid, 105) X(setgid, 106) X(geteuid, 107)     \
    X(getegid, 108) X(setpgid, 109) X(getppid, 110) X(getpgrp, 111) X(setsid, 112)  \
    X(getgroups, 115) X(getresuid, 118) X(getresgid, 120) X(getpgid, 121)           \
    X(getsid, 124) X(setrlimit, 160) X(prctl, 157) X(sched_setaffinity, 203)        \
    X(sched_getaffinity, 204) X(prlimit64, 302) X(getcpu, 309) X(getrandom, 318)    \
    X(sched_getparam, 143) X(sched_getscheduler, 145)                               \
    /* signal.c */                                                                  \
    X(rt_sigaction, 13) X(rt_sigprocmask, 14) X(rt_sigreturn, 15) X(pause, 34)      \
    X(alarm, 37) X(kill, 62) X(rt_sigpending, 127) X(rt_sigsuspend, 130)            \
    X(sigaltstack, 131) X(tkill, 200) X(tgkill, 234)

#define LX_DECLARE(name, num) LX_SYS(name);
LX_SYSCALLS(LX_DECLARE)
#undef LX_DECLARE

#endif
