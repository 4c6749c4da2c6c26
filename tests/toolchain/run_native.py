#!/usr/bin/env python3
"""Build the toolchain test programs with several compilers and
optimization levels, run them, and check that every build exits 0 and
prints exactly the same output.

usage: run_native.py [options] PROGRAM.c...

  --cc CC            a compiler to build with (repeatable; default gcc).
                     A name containing "musl" is taken to link musl.
  --opt LEVEL        an optimization level without the dash (repeatable;
                     default O0 and O2)
  --cflag FLAG       an extra compile flag for every build (repeatable)
  --builtins DIR     also build each program with every compiler linked
                     against our compiler builtins (DIR/*.c, usually
                     sysroot/builtins), which then replace libgcc and
                     libatomic natively
  --optional-cc CC   like --cc, but left out if it is not installed
  --skip-missing     leave out every compiler that is not installed (exit
                     77 when none is left)
  --no-libatomic     never add libatomic: the compiler's own runtime has
                     it (lfi-cc, whose sysroot carries our builtins)
  --runner CMD       run the programs through CMD (for example lfi-run)
  --save-dir DIR     write each program's agreed output to DIR/NAME.out
  --expect-dir DIR   also compare with DIR/NAME.out
  --timeout SEC      per run (default 60)
  -j N               parallel builds and runs (default: CPUs)

Programs are built with -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE
-pthread and -lm: any warning fails the build. A program whose source
contains the line "toolchain: libatomic" is linked with -latomic (with
glibc) or with DIR/atomic.c of --builtins, or sysroot/builtins/atomic.c
(with musl, whose loader cannot run libatomic's IFUNCs).
"""
import argparse
import concurrent.futures
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BUILTINS = os.path.normpath(os.path.join(HERE, "..", "..", "sysroot", "builtins"))
BUILTIN_LIBS = {}
BASE_FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE", "-pthread"]


def needs_libatomic(src):
    with open(src, encoding="utf-8") as f:
        return "toolchain: libatomic" in f.read()


def build_builtins(cfg, builtins_dir, tmp):
    """Compile our builtins once per compiler and level into an archive."""
    cc, opt, _ = cfg
    outdir = tempfile.mkdtemp(prefix="builtins-", dir=tmp)
    objs = []
    for f in sorted(os.listdir(builtins_dir)):
        if not f.endswith(".c"):
            continue
        obj = os.path.join(outdir, f[:-2] + ".o")
        cmd = shlex.split(cc) + ["-" + opt] + BASE_FLAGS + ARGS.cflag + \
            ["-c", os.path.join(builtins_dir, f), "-o", obj]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return None, " ".join(cmd) + "\n" + r.stdout + r.stderr
        objs.append(obj)
    lib = os.path.join(outdir, "liblfibuiltins.a")
    subprocess.run(["ar", "rcs", lib] + objs, check=True)
    return lib, ""


def build(cfg, src, out, builtins_dir):
    cc, opt, with_builtins = cfg
    cmd = shlex.split(cc) + ["-" + opt] + BASE_FLAGS + ARGS.cflag + [src]
    if with_builtins:
        cmd.append(BUILTIN_LIBS[(cc, opt)])
    elif needs_libatomic(src) and not ARGS.no_libatomic:
        if "musl" in cc:
            cmd.append(os.path.join(builtins_dir, "atomic.c"))
        else:
            cmd.append("-latomic")
    cmd += ["-o", out, "-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode == 0, " ".join(cmd) + "\n" + r.stdout + r.stderr


def run(exe):
    cmd = shlex.split(ARGS.runner) + [exe] if ARGS.runner else [exe]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=ARGS.timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout\n"
    return r.returncode, r.stdout, r.stderr


def label(cfg):
    cc, opt, with_builtins = cfg
    return f"{cc} -{opt}" + (" +builtins" if with_builtins else "")


def build_and_run(src, i, cfg, tmp):
    """One build of one program: (cfg, output or None, problem or None)."""
    name = os.path.splitext(os.path.basename(src))[0]
    exe = os.path.join(tmp, f"{name}.{i}")
    ok, log = build(cfg, src, exe, ARGS.builtins or DEFAULT_BUILTINS)
    if not ok:
        return cfg, None, f"{name}: build failed with {label(cfg)}:\n{log}"
    rc, out, err = run(exe)
    os.unlink(exe)
    if rc != 0:
        return cfg, out, (f"{name}: {label(cfg)} exited with {rc}:\n"
                          + (out + err).decode(errors="replace")[-3000:])
    return cfg, out, None


def compare(src, builds):
    """Check the builds of one program agree; returns (lines, problems)."""
    name = os.path.splitext(os.path.basename(src))[0]
    problems = [prob for _, _, prob in builds if prob]
    results = [(cfg, out) for cfg, out, _ in builds if out is not None]
    if not results:
        return 0, problems
    ref_cfg, ref = results[0]
    for cfg, out in results[1:]:
        if out != ref:
            diff = difflib.unified_diff(ref.decode(errors="replace").splitlines(),
                                        out.decode(errors="replace").splitlines(),
                                        label(ref_cfg), label(cfg), lineterm="", n=1)
            problems.append(f"{name}: output of {label(cfg)} differs from {label(ref_cfg)}:\n"
                            + "\n".join(list(diff)[:40]))
    if ARGS.expect_dir:
        path = os.path.join(ARGS.expect_dir, name + ".out")
        with open(path, "rb") as f:
            if f.read() != ref:
                problems.append(f"{name}: output differs from {path}")
    if ARGS.save_dir and not problems:
        with open(os.path.join(ARGS.save_dir, name + ".out"), "wb") as f:
            f.write(ref)
    return ref.count(b"\n"), problems


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("programs", nargs="+")
    p.add_argument("--cc", action="append")
    p.add_argument("--optional-cc", action="append", default=[])
    p.add_argument("--opt", action="append")
    p.add_argument("--cflag", action="append", default=[])
    p.add_argument("--builtins")
    p.add_argument("--skip-missing", action="store_true")
    p.add_argument("--no-libatomic", action="store_true")
    p.add_argument("--runner")
    p.add_argument("--save-dir")
    p.add_argument("--expect-dir")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ARGS = p.parse_args()

    ccs = []
    wanted = (ARGS.cc or ([] if ARGS.optional_cc else ["gcc"])) + ARGS.optional_cc
    for cc in wanted:
        if shutil.which(shlex.split(cc)[0]):
            ccs.append(cc)
        elif ARGS.skip_missing or cc in ARGS.optional_cc:
            print(f"run_native: {cc} not found, skipped")
        else:
            print(f"run_native: {cc} not found")
            return 1
    if not ccs:
        return 77
    opts = ARGS.opt or ["O0", "O2"]
    configs = [(cc, o, False) for cc in ccs for o in opts]
    if ARGS.builtins:
        configs += [(cc, o, True) for cc in ccs for o in opts]
    if ARGS.save_dir:
        os.makedirs(ARGS.save_dir, exist_ok=True)

    failed = 0
    tmp = tempfile.mkdtemp(prefix="lfi-toolchain-")
    try:
        for cfg in configs:
            if cfg[2]:
                lib, log = build_builtins(cfg, ARGS.builtins, tmp)
                if lib is None:
                    print(f"run_native: building the builtins with {label(cfg)} failed:\n{log}")
                    return 1
                BUILTIN_LIBS[(cfg[0], cfg[1])] = lib
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, ARGS.j)) as pool:
            futures = {src: [pool.submit(build_and_run, src, i, cfg, tmp)
                             for i, cfg in enumerate(configs)]
                       for src in ARGS.programs}
            for src in ARGS.programs:
                builds = [f.result() for f in futures[src]]
                lines, problems = compare(src, builds)
                name = os.path.splitext(os.path.basename(src))[0]
                if problems:
                    failed += 1
                    print(f"FAIL {name}")
                    for prob in problems:
                        print("  " + prob.replace("\n", "\n  "))
                else:
                    print(f"ok   {name}: {len(builds)} builds agree ({lines} lines)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"run_native: {len(ARGS.programs) - failed} programs passed, {failed} failed "
          f"({', '.join(label(c) for c in configs)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
