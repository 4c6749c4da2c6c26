#!/usr/bin/env python3
"""Check that our builtins define every runtime-library symbol GCC and
Clang emit calls to.

Compiles probe.c (which calls no libc function) with each compiler and
flag set, collects the undefined symbols of the object files, compiles
sysroot/builtins/*.c, and fails if any probed symbol is not defined there.
Prints which compiler/flags reference which symbol.

usage: coverage.py BUILTINS_DIR PROBE.c [CC...]   (default CCs: gcc clang)
"""
import os
import shutil
import subprocess
import sys
import tempfile

FLAG_SETS = [["-O0"], ["-O2"], ["-Os"], ["-O2", "-ftrapv"], ["-O0", "-ftrapv"],
             ["-O2", "-fPIE"], ["-O2", "-mcx16"]]
IGNORE = {"_GLOBAL_OFFSET_TABLE_"}


def nm(obj, *args):
    out = subprocess.run(["nm", *args, obj], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def main():
    builtins_dir, probe = sys.argv[1], sys.argv[2]
    ccs = [c for c in (sys.argv[3:] or ["gcc", "clang"]) if shutil.which(c)]
    if not ccs:
        print("coverage: no compiler found")
        return 77
    tmp = tempfile.mkdtemp(prefix="lfi-builtins-cov-")
    try:
        defined = set()
        for src in sorted(os.listdir(builtins_dir)):
            if not src.endswith(".c"):
                continue
            obj = os.path.join(tmp, src + ".o")
            subprocess.run([ccs[0], "-std=c11", "-O2", "-c", os.path.join(builtins_dir, src),
                            "-o", obj], check=True)
            defined |= nm(obj, "--defined-only", "-g")
            undef = nm(obj, "-u") - IGNORE
            for u in sorted(undef):
                if not u.startswith("__"):
                    print(f"coverage: {src} depends on {u} (not a builtin)")
                    return 1
        users = {}
        for cc in ccs:
            for flags in FLAG_SETS:
                obj = os.path.join(tmp, "probe.o")
                r = subprocess.run([cc, "-std=gnu11", "-w", *flags, "-c", probe, "-o", obj],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"coverage: {cc} {' '.join(flags)} cannot compile the probe:\n{r.stderr}")
                    return 1
                for sym in nm(obj, "-u") - IGNORE:
                    users.setdefault(sym, set()).add(f"{cc} {' '.join(flags)}")
        missing = 0
        for sym in sorted(users):
            ok = sym in defined
            missing += not ok
            who = sorted({u.split()[0] for u in users[sym]})
            flags = "" if len(users[sym]) >= len(FLAG_SETS) * len(who) else \
                " (" + "; ".join(sorted(users[sym])) + ")"
            print(f"{'ok     ' if ok else 'MISSING'} {sym:32} {','.join(who)}{flags}")
        print(f"coverage: {len(users)} symbols referenced, {missing} missing, "
              f"{len(defined)} defined by the builtins")
        return 1 if missing else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
