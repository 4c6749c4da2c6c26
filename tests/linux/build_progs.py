#!/usr/bin/env python3
"""Build the hand-written test programs (tests/linux/progs/*.S): preprocess,
rewrite with lfi-rewrite, assemble, link as static PIE without a C library,
and verify with lfi-verify.

usage: build_progs.py --rewriter R --verifier V --outdir DIR FILE.S...
"""
import argparse
import os
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if r.returncode != 0:
        sys.exit("build_progs: failed: %s\n%s" % (" ".join(cmd), r.stdout))


def build(src, outdir, a):
    name = os.path.splitext(os.path.basename(src))[0]
    s = os.path.join(outdir, name + ".s")
    rw = os.path.join(outdir, name + ".lfi.s")
    obj = os.path.join(outdir, name + ".o")
    elf = os.path.join(outdir, name)
    run([a.cc, "-E", "-P", "-x", "assembler-with-cpp", "-I", os.path.dirname(src),
         "-o", s, src])
    run([a.rewriter, "-o", rw, s])
    run([a.gas, "--64", "-o", obj, rw])
    # a source that names an interpreter gets one (PT_INTERP)
    interp = ["--no-dynamic-linker"]
    with open(src) as f:
        for line in f:
            if "LFI-TEST-INTERP:" in line:
                interp = ["--dynamic-linker", line.split("LFI-TEST-INTERP:")[1].split()[0]]
    run([a.ld, "-static", "-pie"] + interp + ["-z", "norelro",
         "-z", "noexecstack", "-z", "separate-code", "-e", "_start", "-o", elf, obj])
    run([a.verifier, "-q", elf])
    return elf


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rewriter", required=True)
    p.add_argument("--verifier", required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--cc", default="gcc")
    p.add_argument("--gas", default="as")
    p.add_argument("--ld", default="ld")
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    for f in a.files:
        build(f, a.outdir, a)


if __name__ == "__main__":
    main()
