#!/usr/bin/env python3
"""Tests of liblfi-linux through lfi-run (meson suite 'linux').

The sandbox programs are hand-written assembly (progs/*.S), rewritten with
lfi-rewrite and verified (build_progs.py). Each group runs them with
lfi-run and checks exit status, stdout and stderr.

usage: run_tests.py --lfi-run R --rewriter W --verifier V [--cc LFI_CC] GROUP
GROUP: basic, files, elf, threads, sysfuzz, c

The group c needs lfi-cc and its sysroot (else it is skipped): it builds
tests/linux/c/sandbox.c and the toolchain's C corpus (tests/toolchain/
programs) with lfi-cc, runs them with lfi-run and compares with native gcc
builds.
"""
import argparse
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_progs  # noqa: E402

PROGS = ["hello", "exitcode", "args", "cat", "writefile", "fsops", "efault", "badfd",
         "mem", "bigalloc", "segv", "loop", "abort", "threads", "exitgroup", "sysfuzz",
         "threadfault", "interp", "dyn", "pipes", "misc", "sighandler", "stdin"]


class T:
    def __init__(self, a, work):
        self.a = a
        self.work = work
        self.failed = []
        self.passed = 0

    def prog(self, name):
        return os.path.join(self.work, "bin", name)

    def run(self, args, timeout=60, **kw):
        t0 = time.monotonic()
        r = subprocess.run([self.a.lfi_run] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout,
                           stdin=kw.pop("stdin", subprocess.DEVNULL), **kw)
        r.elapsed = time.monotonic() - t0
        r.out = r.stdout.decode("utf-8", "replace")
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    def check(self, name, args, rc, out=None, err=None, maxtime=None, **kw):
        try:
            r = self.run(args, **kw)
        except subprocess.TimeoutExpired:
            self.failed.append("%s: lfi-run %s: timed out" % (name, " ".join(args)))
            return None
        why = []
        if r.returncode != rc:
            why.append("exit status %d, want %d" % (r.returncode, rc))
        if out is not None and r.out != out:
            why.append("stdout %r, want %r" % (r.out[:300], out))
        if err is not None and not re.search(err, r.err):
            why.append("stderr %r, want /%s/" % (r.err[:300], err))
        if maxtime is not None and r.elapsed > maxtime:
            why.append("took %.1f s, want < %.1f s" % (r.elapsed, maxtime))
        if why:
            self.failed.append("%s: lfi-run %s: %s" % (name, " ".join(args), "; ".join(why)))
        else:
            self.passed += 1
        return r


def fd_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def g_basic(t):
    p = t.prog
    t.check("hello", [p("hello")], 0, "hello, world\n", "^$")
    t.check("exit code", [p("exitcode"), "42"], 42, "")
    t.check("exit code 0", [p("exitcode"), "0"], 0, "")
    t.check("exit code 255", [p("exitcode"), "255"], 255, "")
    t.check("argv envp auxv",
            ["--env", "A=1", "--env", "B=two words", p("args"), "x", "-v", "--dir", ""], 0,
            "argc=5\narg=%s\narg=x\narg=-v\narg=--dir\narg=\nenv=A=1\nenv=B=two words\n"
            "auxv=127\n" % p("args"))
    # the environment is empty unless asked for
    r = t.check("empty env", [p("args")], 0)
    if r is not None and "env=" in r.out:
        t.failed.append("empty env: the sandbox saw %r" % r.out)
    os.environ["LFI_TEST_INHERIT"] = "yes"
    r = t.check("env-inherit", ["--env-inherit", p("args")], 0)
    if r is not None and "env=LFI_TEST_INHERIT=yes\n" not in r.out:
        t.failed.append("env-inherit: not passed: %r" % r.out[:200])
    t.check("efault", [p("efault")], 0, "")
    t.check("process information and time", [p("misc")], 0, "Linux x86_64\n")
    t.check("exit on unknown system calls", ["--exit-unknown-syscalls", p("misc")], 128 + 31,
            "Linux x86_64\n", "^lfi-run: sandbox error: unknown system call 500\n$")
    # fd 5 is open in lfi-run (and 6, 7), yet the sandbox cannot reach it
    rd, wr = os.pipe()
    fds = [5, 6, 7]
    saved = [os.dup(f) if fd_open(f) else None for f in fds]
    for want in fds:
        os.dup2(wr, want, inheritable=True)
    t.check("fd table", [p("badfd")], 0, "", pass_fds=fds)
    for f, old in zip(fds, saved):
        if old is None:
            os.close(f)
        else:
            os.dup2(old, f)
            os.close(old)
    for f in (rd, wr):
        if f not in fds:
            os.close(f)
    t.check("mmap munmap brk", [p("mem")], 0, "mem ok\n")
    t.check("no memory limit", [p("bigalloc")], 1)
    t.check("memory limit", ["--max-memory", "64M", p("bigalloc")], 0)
    t.check("memory limit too small for the program", ["--max-memory", "16K", p("hello")], 2,
            err="lfi-run: .*memory limit")
    t.check("fault", [p("segv")], 139, "",
            r"^lfi-run: sandbox fault: SIGSEGV at 0x[0-9a-f]+ \(pc 0x[0-9a-f]+\)\n$")
    t.check("abort", [p("abort")], 134, "", "SIGABRT")
    t.check("signal handler and rt_sigreturn", [p("sighandler")], 0, "signals ok\n", "^$")
    t.check("handler not a bundle start", [p("sighandler"), "bad"], 138, "",
            "terminated by SIGUSR1")
    t.check("rt_sigreturn without a signal", [p("sighandler"), "ret"], 139, "",
            "terminated by SIGSEGV")
    t.check("timeout", ["--timeout", "1", p("loop")], 124, "",
            r"lfi-run: timeout: .*longer than 1 seconds", maxtime=10)
    # stdin an empty pipe that stays open
    rd, wr = os.pipe()
    t.check("O_NONBLOCK stdin: EAGAIN at once", [p("stdin")], 11, "", maxtime=5, stdin=rd)
    t.check("timeout during a blocking read", ["--timeout", "1", p("stdin"), "block"], 124, "",
            "timeout", maxtime=8, stdin=rd)
    os.close(rd)
    os.close(wr)
    t.check("help", ["--help"], 0, err="^$")
    t.check("no program", [], 2, err="lfi-run: no program given")
    t.check("bad option", ["--bogus", p("hello")], 2, err="lfi-run: --bogus: unknown option")
    t.check("bad --dir", ["--dir", "data", p("hello")], 2, err="lfi-run: --dir: ")
    t.check("missing dir", ["--dir", "/d=/nonexistent/dir", p("hello")], 2,
            err="lfi-run: .*/nonexistent/dir")
    t.check("missing program", [os.path.join(t.work, "nope")], 2, err="lfi-run: .*nope")


def g_files(t):
    p = t.prog
    d = os.path.join(t.work, "fs")
    for sub in ("data/sub", "ro", "outside"):
        os.makedirs(os.path.join(d, sub))
    with open(os.path.join(d, "outside/secret"), "w") as f:
        f.write("secret\n")
    with open(os.path.join(d, "data/f.txt"), "w") as f:
        f.write("hello file\n")
    with open(os.path.join(d, "ro/r.txt"), "w") as f:
        f.write("read-only\n")
    os.symlink("../outside/secret", os.path.join(d, "data/esc"))
    os.symlink("/etc/passwd", os.path.join(d, "data/abs"))
    os.symlink("f.txt", os.path.join(d, "data/ok"))
    os.symlink("../../outside", os.path.join(d, "data/sub/up"))
    maps = ["--dir", "/data=" + os.path.join(d, "data"), "--dir",
            "/ro=" + os.path.join(d, "ro") + ":ro", "--wd", "/data"]
    ENOENT, EACCES, EROFS = 2, 13, 30

    def ok(name, args, rc, out=None):
        t.check(name, maps + [p(args[0])] + args[1:], rc, out)

    ok("read in a map", ["cat", "/data/f.txt"], 0, "hello file\n")
    ok("relative to the wd", ["cat", "f.txt"], 0, "hello file\n")
    ok("symlink inside the map", ["cat", "ok"], 0, "hello file\n")
    ok("read-only map readable", ["cat", "/ro/r.txt"], 0, "read-only\n")
    ok("traversal ../../etc/passwd", ["cat", "../../etc/passwd"], ENOENT, "")
    ok("traversal through a map", ["cat", "/data/../../outside/secret"], ENOENT, "")
    ok("unmapped absolute path", ["cat", "/etc/passwd"], ENOENT, "")
    ok("symlink escape (relative)", ["cat", "esc"], EACCES, "")
    ok("symlink escape (absolute)", ["cat", "abs"], EACCES, "")
    ok("symlink escape (directory)", ["cat", "sub/up/secret"], EACCES, "")
    ok("stat through an escaping symlink", ["fsops", "s", "/data/esc"], EACCES)
    ok("readlink shows the link only", ["fsops", "l", "/data/esc"], 0, "../outside/secret")
    ok("create in a map", ["writefile", "/data/new", "made"], 0, "")
    ok("read it back", ["cat", "/data/new"], 0, "made")
    ok("read-only: create", ["writefile", "/ro/new", "x"], EROFS)
    ok("read-only: overwrite", ["writefile", "/ro/r.txt", "x"], EROFS)
    ok("read-only: mkdir", ["fsops", "m", "/ro/dd"], EROFS)
    ok("read-only: unlink", ["fsops", "u", "/ro/r.txt"], EROFS)
    ok("read-only: rename into", ["fsops", "n", "/data/new", "/ro/x"], EROFS)
    ok("read-only: access W_OK", ["fsops", "a", "/ro/r.txt"], EROFS)
    ok("read-only: truncate", ["fsops", "t", "/ro/r.txt"], EROFS)
    ok("mkdir", ["fsops", "m", "/data/dd"], 0)
    ok("rmdir", ["fsops", "r", "/data/dd"], 0)
    ok("rename", ["fsops", "n", "/data/new", "/data/new2"], 0)
    ok("unlink", ["fsops", "u", "/data/new2"], 0)
    ok("chdir + getcwd", ["fsops", "c", "sub/../sub"], 0, "/data/sub")
    ok("chdir to nowhere", ["fsops", "c", "/nonexistent"], ENOENT)
    ok("a symlink made inside escapes nothing", ["fsops", "y", "../outside/secret",
                                                  "/data/ln"], 0)
    ok("follow it", ["cat", "/data/ln"], EACCES, "")
    if os.path.exists(os.path.join(d, "ro/new")) or os.path.exists(os.path.join(d, "ro/dd")):
        t.failed.append("read-only map: a file was created")
    with open(os.path.join(d, "ro/r.txt")) as f:
        if f.read() != "read-only\n":
            t.failed.append("read-only map: a file changed")
    # without --dir the program sees no file at all
    t.check("no maps", [p("cat"), "/etc/passwd"], ENOENT, "")
    t.check("no maps, relative", [p("cat"), os.path.relpath("/etc/passwd")], ENOENT, "")


def g_elf(t):
    with open(t.prog("hello"), "rb") as f:
        good = bytearray(f.read())

    def bad(name, data, err):
        path = os.path.join(t.work, "elf-" + name.replace(" ", "-"))
        with open(path, "wb") as f:
            f.write(data)
        t.check("elf: " + name, [path], 2, "", "^lfi-run: .*" + err)

    def patch(off, val, n):
        b = bytearray(good)
        b[off:off + n] = val.to_bytes(n, "little")
        return b

    bad("not elf", b"#!/bin/sh\necho hi\n", "not an ELF file")
    bad("empty", b"", "not an ELF file")
    bad("truncated header", good[:40], "truncated ELF header")
    bad("truncated phdrs", good[:100], "program headers .* outside the file")
    bad("truncated segments", good[:0x1010], "outside the file")
    bad("wrong machine", patch(18, 183, 2), "wrong machine 183")
    bad("32-bit", patch(4, 1, 1), "not a 64-bit ELF file")
    bad("big-endian", patch(5, 2, 1), "not a little-endian")
    bad("ET_EXEC", patch(16, 2, 2), "ET_EXEC.*-static-pie")
    bad("ET_REL", patch(16, 1, 2), "not an executable")
    bad("huge phnum", patch(56, 0xffff, 2), "too many program headers")
    bad("zero phnum", patch(56, 0, 2), "no program headers")
    bad("phentsize", patch(54, 32, 2), "bad program header size")
    bad("phoff past the end", patch(32, 1 << 40, 8), "outside the file")
    bad("misaligned entry", patch(24, int.from_bytes(good[24:32], "little") + 1, 8),
        "not 32-byte aligned")
    bad("entry outside code", patch(24, 0x10, 8), "not inside an executable segment")
    # the first PT_LOAD's fields (program header 0 at e_phoff = 64)
    bad("filesz > memsz", patch(64 + 32, 1 << 20, 8), "file size .* exceeds memory size")
    bad("huge memsz", patch(64 + 40, 1 << 62, 8), "too large or too high")
    bad("huge vaddr", patch(64 + 16, 1 << 50, 8), "too large or too high|not sorted")
    bad("offset past the end", patch(64 + 8, 1 << 33, 8), "outside the file")
    # a code segment that does not verify
    b = bytearray(good)
    code = int.from_bytes(good[24:32], "little")  # entry = file offset here
    b[code:code + 3] = b"\x48\x89\x38"  # mov %rdi,(%rax)
    bad("unverifiable code", b, "verification failed")
    # program headers outside every segment: AT_PHDR points at a copy
    with open(t.prog("args"), "rb") as f:
        img = bytearray(f.read())
    phoff = int.from_bytes(img[32:40], "little")
    phnum = int.from_bytes(img[56:58], "little")
    while len(img) % 8:
        img.append(0)
    newoff = len(img)
    img += img[phoff:phoff + 56 * phnum]
    img[32:40] = newoff.to_bytes(8, "little")
    path = os.path.join(t.work, "elf-phdrs-outside")
    with open(path, "wb") as f:
        f.write(img)
    t.check("elf: program headers outside the segments", [path], 0,
            "argc=1\narg=%s\nauxv=127\n" % path)
    # programs with an interpreter (PT_INTERP), found in the sandbox's files
    lib = os.path.join(t.work, "lib")
    os.makedirs(lib)
    shutil.copy(t.prog("interp"), os.path.join(lib, "interp"))
    t.check("elf: interpreter", ["--dir", "/lib=" + lib + ":ro", t.prog("dyn"), "x"], 0,
            "interp\nmain\n")
    t.check("elf: interpreter not mapped", [t.prog("dyn")], 2, "",
            "^lfi-run: .*interpreter /lib/interp: No such file")
    lib2 = os.path.join(t.work, "lib2")
    os.makedirs(lib2)
    shutil.copy(t.prog("dyn"), os.path.join(lib2, "interp"))
    t.check("elf: interpreter with an interpreter", ["--dir", "/lib=" + lib2, t.prog("dyn")], 2,
            "", "interpreter /lib/interp: has an interpreter itself")
    with open(os.path.join(lib2, "interp"), "w") as f:
        f.write("not elf")
    t.check("elf: interpreter not ELF", ["--dir", "/lib=" + lib2, t.prog("dyn")], 2, "",
            "interpreter /lib/interp: not an ELF file")
    # random corruption never crashes lfi-run
    import random
    rng = random.Random(5)
    for i in range(150):
        b = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            k = rng.randrange(0, 128 if i % 2 else len(b))
            b[k] = rng.randrange(256)
        path = os.path.join(t.work, "elf-random")
        with open(path, "wb") as f:
            f.write(b)
        r = t.run([path], timeout=30)
        if r.returncode not in (0, 2) and r.returncode < 128:
            t.failed.append("elf: random corruption %d: exit %d: %s" % (
                i, r.returncode, r.err[:200]))
        elif r.returncode in (2,) and not r.err.startswith("lfi-run: "):
            t.failed.append("elf: random corruption %d: message %r" % (i, r.err[:200]))
        elif r.returncode < 0:
            t.failed.append("elf: random corruption %d: lfi-run died by signal %d" % (
                i, -r.returncode))
        else:
            t.passed += 1


def g_threads(t):
    p = t.prog
    for i in range(5):
        t.check("clone + futex #%d" % i, [p("threads")], 0, "child\njoined\n")
    t.check("exit_group stops a spinning thread", [p("exitgroup")], 7, "", maxtime=5)
    for i in range(3):
        t.check("pipes and poll between threads #%d" % i, [p("pipes")], 0, "ping\n", maxtime=5)
    t.check("threads bounded", ["--max-threads", "1", p("threads")], 1, "")
    fault = r"^lfi-run: sandbox fault: SIGSEGV at 0x[0-9a-f]+ \(pc 0x[0-9a-f]+\)\n$"
    t.check("a fault in a thread ends the program", [p("threadfault")], 139, "", fault,
            maxtime=5)
    t.check("the program outlives its main thread", [p("threadfault"), "x"], 139, "", fault,
            maxtime=5)
    t.check("timeout stops every thread", ["--timeout", "0.5", p("exitgroup"), "spin"], 124,
            err="timeout", maxtime=5)


def g_sysfuzz(t):
    outer = os.path.join(t.work, "outer")
    inner = os.path.join(outer, "w")
    os.makedirs(inner)
    for seed in (1, 2, 3):
        r = t.check("syscall fuzzer seed %d" % seed,
                    ["--dir", "/w=" + inner, "--wd", "/w", "--max-memory", "128M",
                     t.prog("sysfuzz"), "100000", str(seed)], 77, timeout=300)
        if r is not None and r.returncode != 77:
            t.failed.append("sysfuzz seed %d: stderr: %r" % (seed, r.err[-300:]))
        if os.listdir(outer) != ["w"]:
            t.failed.append("sysfuzz: files appeared outside the map: %s" % os.listdir(outer))
        fix_modes(inner)
        shutil.rmtree(inner)
        os.makedirs(inner)
    # the host is fine: lfi-run still works
    t.check("after the fuzzer", [t.prog("hello")], 0, "hello, world\n")


SANDBOX_C_OUT = """cwd /w
size 4390
lines 500
entry moved.txt
mmap line 0
unlink 0 rmdir 0
escape ../../etc/passwd No such file or directory
escape /etc/passwd No such file or directory
escape link Permission denied
file ops in 4 threads: 0 failed
poll 2: in 0 out 1 nval 1
select 1 readable 1
threads counter 80000 tls-sum 26 main-tls 5
sleep ok
uname Linux x86_64 pid 1000
handler ran 2 times, signo 10
pthread_kill: handled 1
fork -1
"""

# Programs of the corpus whose output needs what the emulation does not do
# (docs/linux.md).
KNOWN_DIFFERENT = {}


def elf_section(data, name):
    """(file offset, size) of the section called name, or None."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        h = sh(i)
        end = data.index(b"\0", stroff + h[0])
        if data[stroff + h[0]:end] == name.encode():
            return h[4], h[5]
    return None


SWITCHED = r"single-threaded box, (\d+) of (\d+) listed returns switched"


def c_single_thread_auto(t):
    """lfi-run runs a static program that cannot create threads in a
    single-threaded box with its listed returns (.lfi.rets) switched to
    pushq+retq; the list is only a hint, and anything else stays as is."""
    cc = t.a.cc
    src = os.path.join(t.work, "st.c")
    with open(src, "w") as f:
        f.write("#include <stdio.h>\n"
                "__attribute__((noinline)) static long fib(long n)\n"
                "{ return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
                "int main(void) { printf(\"fib %ld\\n\", fib(24)); return 0; }\n")
    exe = os.path.join(t.work, "st")
    subprocess.run([cc, "-O1", src, "-o", exe], check=True)
    r = t.check("auto single-thread: switched", ["-v", exe], 0, "fib 46368\n", SWITCHED)
    m = re.search(SWITCHED, r.err) if r else None
    if m and (int(m.group(1)) != int(m.group(2)) or int(m.group(1)) < 20):
        t.failed.append("auto single-thread: %s of %s returns switched, want all (>= 20)"
                        % m.groups())
    r = t.check("auto single-thread: --multi-thread keeps them", ["-v", "--multi-thread", exe],
                0, "fib 46368\n")
    if r and re.search(SWITCHED, r.err):
        t.failed.append("auto single-thread: switched with --multi-thread")
    # a program that creates a thread: switched at load, switched back at
    # its first clone (the box becomes multi-threaded), and its thread runs
    tsrc = os.path.join(t.work, "mt.c")
    with open(tsrc, "w") as f:
        f.write("#include <pthread.h>\n#include <stdio.h>\n"
                "long st_leaf(long x);\n"
                "static void *w(void *a) { return (void *)st_leaf((long)a); }\n"
                "int main(void) { pthread_t t; void *r = 0;\n"
                "  if (pthread_create(&t, 0, w, (void *)7)) {\n"
                "    printf(\"pthread_create failed, leaf %ld\\n\", st_leaf(1)); return 1; }\n"
                "  pthread_join(t, &r); printf(\"thread %ld\\n\", (long)r); return 0; }\n")
    leaf = os.path.join(t.work, "leaf.c")
    with open(leaf, "w") as f:
        f.write("__attribute__((noinline)) long st_leaf(long x) { return x * 6 + 1; }\n")
    texe = os.path.join(t.work, "mt")
    subprocess.run([cc, "-O1", tsrc, leaf, "-o", texe, "-lpthread"], check=True)
    back = r"clone: a second thread: (\d+) returns switched back, the box is multi-threaded"
    r = t.check("auto single-thread: switched back at the first thread", ["-v", texe], 0,
                "thread 43\n", SWITCHED)
    if r and not re.search(back, r.err):
        t.failed.append("auto single-thread: no switch back before the thread: %r" % r.err[-300:])
    # code that is valid only single-threaded and not listed (an object built
    # with --single-thread in an ordinary link): the box cannot become
    # multi-threaded, so the thread is refused and the program carries on
    leafo = os.path.join(t.work, "leaf-st.o")
    subprocess.run([cc, "-O1", "--single-thread", "-c", leaf, "-o", leafo], check=True)
    hexe = os.path.join(t.work, "mt-st-leaf")
    subprocess.run([cc, "-O1", "--no-verify", tsrc, leafo, "-o", hexe, "-lpthread"], check=True)
    t.check("auto single-thread: unlisted single-thread code keeps the box single-threaded",
            ["-v", hexe], 1, "pthread_create failed, leaf 7\n",
            r"cannot make the box multi-threaded: verification failed")
    t.check("auto single-thread: that program is refused with --multi-thread",
            ["--multi-thread", hexe], 2, "", r"verif")
    # the symbol table plays no part: a stripped program is switched too
    stripped = os.path.join(t.work, "st-stripped")
    subprocess.run(["strip", "-o", stripped, exe], check=True)
    t.check("auto single-thread: stripped", ["-v", stripped], 0, "fib 46368\n", SWITCHED)
    # a hostile list: entries off by one, at 0, past the end, at the
    # entry point, repeated: only exact returns are switched, the rest
    # stays, and the program runs as before
    with open(exe, "rb") as f:
        data = bytearray(f.read())
    off, size = elf_section(data, ".lfi.rets")
    n = size // 8
    entries = list(struct.unpack_from("<%dQ" % n, data, off))
    entry, = struct.unpack_from("<Q", data, 0x18)
    bad = [entries[0] + 1, 0, 2**64 - 1, entry, entries[1] - 3, 2**63]
    for i, v in enumerate(bad):
        entries[2 + i] = v
    entries[1 + len(bad) + 1] = entries[0]  # listed twice: switched once
    struct.pack_into("<%dQ" % n, data, off, *entries)
    hostile = os.path.join(t.work, "st-hostile")
    with open(hostile, "wb") as f:
        f.write(data)
    os.chmod(hostile, 0o755)
    r = t.check("auto single-thread: hostile .lfi.rets", ["-v", hostile], 0, "fib 46368\n",
                SWITCHED)
    m = re.search(SWITCHED, r.err) if r else None
    if m and int(m.group(1)) != n - len(bad) - 1:
        t.failed.append("auto single-thread: hostile list: %s of %s switched, want %d"
                        % (m.group(1), m.group(2), n - len(bad) - 1))


def g_c(t):
    cc = t.a.cc
    src = os.path.join(HERE, "c", "sandbox.c")
    exe = os.path.join(t.work, "sandbox-c")
    r = subprocess.run([cc, "-O2", src, "-o", exe, "-lpthread"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode != 0:
        print("lfi-cc cannot build C programs (no sysroot?): skipped\n" + r.stdout[-500:])
        sys.exit(77)
    w = os.path.join(t.work, "cw")
    os.makedirs(w)
    t.check("C: libc through the emulation", ["--dir", "/w=" + w, "--wd", "/w", exe], 134,
            SANDBOX_C_OUT, "terminated by SIGABRT")
    c_single_thread_auto(t)
    corpus = os.path.join(HERE, "..", "toolchain", "programs")
    progs = sorted(f for f in os.listdir(corpus) if f.endswith(".c")) \
        if os.path.isdir(corpus) else []
    for f in progs:
        name = f[:-2]
        path = os.path.join(corpus, f)
        lfi = os.path.join(t.work, name + ".lfi")
        nat = os.path.join(t.work, name + ".native")
        r = subprocess.run([cc, "-O2", path, "-o", lfi, "-lpthread", "-lm"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            t.failed.append("C corpus %s: lfi-cc failed: %s" % (name, r.stdout[-300:]))
            continue
        flags = ["-lpthread", "-lm"]
        if subprocess.run(["gcc", "-O2", path, "-o", nat] + flags + ["-latomic"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            if subprocess.run(["gcc", "-O2", path, "-o", nat] + flags,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
                print("C corpus %s: no native build, not compared" % name)
                continue
        want = subprocess.run([nat], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=120)
        got = t.run([lfi], timeout=120)
        same = want.returncode == got.returncode and want.stdout == got.stdout
        if name in KNOWN_DIFFERENT:
            print("C corpus %s: %s (known: %s)" % (name, "same" if same else "different",
                                                 KNOWN_DIFFERENT[name]))
            continue
        if want.returncode < 0:
            print("C corpus %s: the native build crashes, not compared" % name)
            continue
        if not same:
            t.failed.append("C corpus %s: native exit %d, sandboxed %d; stdout differs: %s" % (
                name, want.returncode, got.returncode, got.out[:300]))
        else:
            t.passed += 1


def fix_modes(top):
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            path = os.path.join(root, n)
            if not os.path.islink(path):
                try:
                    os.chmod(path, stat.S_IRWXU)
                except OSError:
                    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lfi-run", required=True)
    ap.add_argument("--rewriter", required=True)
    ap.add_argument("--verifier", required=True)
    ap.add_argument("--cc", help="lfi-cc (group c)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("group", choices=["basic", "files", "elf", "threads", "sysfuzz", "c"])
    a = ap.parse_args()
    for tool in ("gcc", "as", "ld"):
        if not shutil.which(tool):
            print("%s not found: skipped" % tool)
            sys.exit(77)
    if a.group == "c" and not a.cc:
        print("no lfi-cc: skipped")
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="lfi-linux-test-")
    try:
        ba = argparse.Namespace(rewriter=a.rewriter, verifier=a.verifier, cc="gcc",
                                gas="as", ld="ld")
        os.makedirs(os.path.join(work, "bin"))
        for n in PROGS:
            build_progs.build(os.path.join(HERE, "progs", n + ".S"),
                              os.path.join(work, "bin"), ba)
        t = T(a, work)
        globals()["g_" + a.group](t)
    finally:
        if not a.keep:
            fix_modes(work)
            shutil.rmtree(work, ignore_errors=True)
    for f in t.failed:
        print("FAIL", f)
    print("%d passed, %d failed" % (t.passed, len(t.failed)))
    sys.exit(1 if t.failed else 0)


if __name__ == "__main__":
    main()
