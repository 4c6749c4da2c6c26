#!/usr/bin/env python3
"""Build a libFuzzer binary with clang, whatever the project compiler is.

usage: build_libfuzzer.py CLANG OUTPUT DEPFILE [--link FLAG]... -- ARGS...

ARGS are compiler flags and source files (*.c). Each source is compiled
with -fsanitize=fuzzer-no-link,address,undefined and the flags, then all
objects are linked with -fsanitize=fuzzer,address,undefined and the --link
flags. DEPFILE receives the header dependencies for Ninja.
"""
import os
import subprocess
import sys
import tempfile

SAN_COMPILE = ["-fsanitize=fuzzer-no-link,address,undefined",
               "-fno-sanitize-recover=undefined", "-g", "-O1"]
SAN_LINK = ["-fsanitize=fuzzer,address,undefined"]


def parse_deps(path):
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    deps = []
    for line in text.splitlines():
        if ":" not in line:
            continue
        deps += line.split(":", 1)[1].split()
    return deps


def main(argv):
    clang, output, depfile = argv[1:4]
    rest = argv[4:]
    link = []
    while rest and rest[0] == "--link":
        link.append(rest[1])
        rest = rest[2:]
    if not rest or rest[0] != "--":
        sys.exit(__doc__)
    args = rest[1:]
    sources = [a for a in args if a.endswith(".c")]
    flags = [a for a in args if not a.endswith(".c")]
    deps = []
    with tempfile.TemporaryDirectory() as tmp:
        objs = []
        for i, src in enumerate(sources):
            obj = os.path.join(tmp, "%d.o" % i)
            dep = os.path.join(tmp, "%d.d" % i)
            cmd = [clang] + SAN_COMPILE + flags + ["-c", src, "-o", obj, "-MD", "-MF", dep]
            r = subprocess.run(cmd)
            if r.returncode != 0:
                sys.exit("build_libfuzzer: failed: " + " ".join(cmd))
            deps += parse_deps(dep)
            objs.append(obj)
        cmd = [clang] + SAN_LINK + objs + link + ["-o", output]
        r = subprocess.run(cmd)
        if r.returncode != 0:
            sys.exit("build_libfuzzer: failed: " + " ".join(cmd))
    seen = []
    for d in deps:
        if d not in seen:
            seen.append(d)
    with open(depfile, "w") as f:
        f.write(output.replace(" ", "\\ ") + ": " +
                " ".join(d.replace(" ", "\\ ") for d in seen) + "\n")


if __name__ == "__main__":
    main(sys.argv)
