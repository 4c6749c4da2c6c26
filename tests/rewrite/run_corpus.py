#!/usr/bin/env python3
"""Compile C programs (and hand-written assembly) to assembly, rewrite them
with lfi-rewrite, assemble, link and check the result with lfi-verify.

Each C file is built with every compiler and optimization level given, and
each rewritten file is assembled with every assembler given (GNU as and
clang's integrated assembler). Programs are linked as static PIE without a
C library: undefined symbols resolve to address 0 (a bundle start), which is
what a stub would give. Then the executable segment is verified the way the
loader maps it.

usage: run_corpus.py --rewriter R --verifier V [options] FILE.c|FILE.s ...
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

GCC_FLAGS = ["-ffixed-r11", "-ffixed-r14", "-mno-tls-direct-seg-refs",
             "-mtls-dialect=gnu2", "-fcf-protection=none", "-fno-plt", "-fPIE"]
# clang 14 can reserve neither %r11 nor %r14 and has no TLS descriptors:
# the rewriter renames %r14 (--rename-r14) and checks %r11 liveness.
CLANG_FLAGS = ["-mno-tls-direct-seg-refs", "-fcf-protection=none", "-fno-plt",
               "-fPIE", "-fno-addrsig"]
# Defined by the linker: no stubs.
LINKER_SYMBOLS = {"", "0", "_GLOBAL_OFFSET_TABLE_", "_DYNAMIC", "__ehdr_start",
                  "__executable_start", "_end", "_edata", "__bss_start"}
REWRITE_FLAGS = {"gcc": [], "clang": ["--rename-r14"]}


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw)


def text_size(obj):
    """Bytes in the object's executable (.text*) sections."""
    r = run(["readelf", "-SW", obj])
    total = 0
    for line in r.stdout.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 7 and f[1].startswith(".text") and "X" in f[7]:
            total += int(f[5], 16)
    return total


class Runner:
    def __init__(self, args):
        self.a = args
        self.passed = 0
        self.refused = []
        self.sizes = []
        self.failed = []

    def step(self, name, cmd):
        r = run(cmd)
        if r.returncode != 0:
            out = r.stdout.strip().splitlines()
            self.failed.append((name, " ".join(cmd), "\n".join(out[:12])))
            return False
        return True

    def stubs(self, name, obj, work):
        """An object that defines every undefined symbol of obj: functions
        and data at one bundle-aligned address in .text (int3 there), TLS
        symbols in .tbss."""
        r = run([self.a.readelf, "-rsW", obj])
        if r.returncode != 0:
            self.failed.append((name, "readelf " + obj, r.stdout))
            return None
        undef, tls = set(), set()
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) >= 8 and f[6] == "UND" and f[7] not in LINKER_SYMBOLS:
                undef.add(f[7])
            if len(f) >= 5 and f[2].startswith("R_X86_64_") and (
                    "TPOFF" in f[2] or "TLS" in f[2] or "DTPOFF" in f[2]):
                tls.add(f[4].split("@")[0])
        src = os.path.join(work, name + ".stub.s")
        with open(src, "w") as fh:
            fh.write("\t.text\n\t.p2align 5\n")
            for s in sorted(undef - tls):
                fh.write("\t.globl %s\n\t.type %s,@function\n%s:\n" % (s, s, s))
            fh.write("\tint3\n\t.p2align 5, 0xcc\n\t.section .tbss,\"awT\",@nobits\n\t.p2align 4\n")
            for s in sorted(undef & tls):
                fh.write("\t.globl %s\n\t.type %s,@object\n%s:\n\t.zero 16\n" % (s, s, s))
        out = os.path.join(work, name + ".stub.o")
        if not self.step(name, [self.a.gas, "--64", "-o", out, src]):
            return None
        return out

    def assemble_link_verify(self, name, rw, work, asm, vflags):
        obj = os.path.join(work, name + ".o")
        elf = os.path.join(work, name + ".elf")
        if asm == "gnu":
            cmd = [self.a.gas, "--64", "-o", obj, rw]
        else:
            cmd = [self.a.clang, "-c", "-o", obj, rw]
        if not self.step(name, cmd):
            return False
        if self.a.size_report:
            self.sizes.append((name, text_size(obj)))
        stub = self.stubs(name, obj, work)
        if stub is None:
            return False
        cmd = [self.a.ld, "-static", "-pie", "--no-dynamic-linker", "-z", "norelro",
               "-z", "noexecstack", "-e", "0", "-o", elf, obj, stub]
        if not self.step(name, cmd):
            return False
        return self.step(name, [self.a.verifier, "-q"] + vflags + [elf])

    def one(self, src, cc, opt, extra_cc, rwflags, vflags, tag, work):
        base = os.path.splitext(os.path.basename(src))[0]
        name = "%s-%s-%s%s" % (base, cc, opt, tag)
        s = os.path.join(work, name + ".s")
        if src.endswith(".c"):
            flags = GCC_FLAGS if cc == "gcc" else CLANG_FLAGS
            compiler = self.a.gcc if cc == "gcc" else self.a.clang
            if not self.step(name, [compiler, "-S", "-" + opt, "-o", s] + flags +
                             extra_cc + self.a.cflag + [src]):
                return
        elif src.endswith(".S"):
            # hand-written: preprocess it
            if not self.step(name, [self.a.gcc, "-E", "-P", "-x", "assembler-with-cpp",
                                    "-o", s, src]):
                return
        else:
            s = src  # assembly as it is
        if self.a.size_report:
            nat = os.path.join(work, name + ".native.o")
            if self.step(name, [self.a.gas, "--64", "-o", nat, s]):
                self.sizes.append((name + ".native", text_size(nat)))
        ok = True
        for asm in self.a.asm:
            rw = os.path.join(work, "%s.%s.lfi.s" % (name, asm))
            cmd = [self.a.rewriter, "--assembler", asm, "-o", rw] + \
                REWRITE_FLAGS.get(cc, []) + rwflags + [s]
            r = run(cmd)
            if r.returncode == 1 and self.a.allow_refusal and all(
                    self.a.allow_refusal in l for l in r.stdout.splitlines()):
                # a clean refusal, with the expected reason on every line
                self.refused.append(name)
                return
            if r.returncode != 0:
                self.failed.append((name, " ".join(cmd), "\n".join(
                    r.stdout.strip().splitlines()[:12])))
                ok = False
                break
            if asm == "any":
                # one output for both assemblers
                for real in ("gnu", "llvm"):
                    if not self.assemble_link_verify(name + ".any-" + real, rw, work,
                                                     real, vflags):
                        ok = False
            elif not self.assemble_link_verify(name + "." + asm, rw, work, asm, vflags):
                ok = False
        if ok:
            self.passed += 1
            if self.a.verbose:
                print("PASS", name)
        elif self.a.verbose:
            print("FAIL", name)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rewriter", required=True)
    p.add_argument("--verifier", required=True)
    p.add_argument("--gcc", default="gcc")
    p.add_argument("--clang", default="clang")
    p.add_argument("--gas", default="as")
    p.add_argument("--ld", default="ld")
    p.add_argument("--readelf", default="readelf")
    p.add_argument("--cc", action="append", help="gcc, clang (default both)")
    p.add_argument("--opt", action="append", help="O0, O2, ... (default O0 O2)")
    p.add_argument("--asm", action="append",
                   help="gnu, llvm, any (default all three; any is assembled "
                   "with both)")
    p.add_argument("--modes", action="store_true",
                   help="also check --sandbox stores and --align-labels (gcc -O2)")
    p.add_argument("--allow-refusal", metavar="TEXT",
                   help="count a rewriter error whose every message contains "
                   "TEXT as a refusal, not a failure")
    p.add_argument("--cflag", action="append", default=[],
                   help="extra compiler flag (repeatable)")
    p.add_argument("--size-report", action="store_true",
                   help="print the .text size of the native and the rewritten "
                   "objects")
    p.add_argument("--skip-missing", action="store_true",
                   help="exit 77 (skipped) if an input file does not exist")
    p.add_argument("--random", type=int, default=0, metavar="N",
                   help="also check N files of random instructions "
                   "(gen_random.py, seeds 1..N)")
    p.add_argument("--keep", help="keep the work files in this directory")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("files", nargs="*")
    a = p.parse_args()
    if not a.files and not a.random:
        p.error("no input")
    a.cc = a.cc or ["gcc", "clang"]
    a.opt = a.opt or ["O0", "O2"]
    a.asm = a.asm or ["gnu", "llvm", "any"]
    for tool in ("gcc", "clang", "gas", "ld", "readelf"):
        if not shutil.which(getattr(a, tool)):
            print("run_corpus: %s not found: skipped" % getattr(a, tool))
            return 77
    if a.skip_missing and not all(os.path.exists(f) for f in a.files):
        print("run_corpus: input missing: skipped")
        return 77
    r = Runner(a)
    work = a.keep or tempfile.mkdtemp(prefix="lfi-rewrite-")
    os.makedirs(work, exist_ok=True)
    files = []
    for f in a.files:
        if os.path.isdir(f):
            # a source tree: its x86-64 assembly files (e.g. musl's)
            for root, dirs, names in os.walk(f):
                dirs.sort()
                if os.path.basename(root) == "x86_64":
                    files += [os.path.join(root, n) for n in sorted(names)
                              if n.endswith(".s")]
        else:
            files.append(f)
    if a.random:
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import gen_random
        for seed in range(1, a.random + 1):
            path = os.path.join(work, "random%d.s" % seed)
            gen_random.main(["--seed", str(seed), "-o", path])
            files.append(path)
    try:
        for src in files:
            if src.endswith(".c"):
                for cc in a.cc:
                    for opt in a.opt:
                        r.one(src, cc, opt, [], [], [], "", work)
                if a.modes:
                    r.one(src, "gcc", "O2", [], ["--sandbox", "stores"],
                          ["--sandbox", "stores"], "-stores", work)
                    r.one(src, "gcc", "O2", [], ["--align-labels"],
                          ["--aligned-targets"], "-aligned", work)
                    r.one(src, "gcc", "O2", ["-fstack-protector-all"], [], [],
                          "-ssp", work)
            else:
                cc = "asm" if src.endswith(".S") else a.cc[0]
                r.one(src, cc, "", [], [], [], "", work)
                if a.modes:
                    r.one(src, cc, "", [], ["--align-labels"],
                          ["--aligned-targets"], "-aligned", work)
                    r.one(src, cc, "", [], ["--sandbox", "stores"],
                          ["--sandbox", "stores"], "-stores", work)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    for name, cmd, out in r.failed:
        print("FAIL %s\n  $ %s\n  %s" % (name, cmd, out.replace("\n", "\n  ")))
    if a.size_report:
        native = dict(r.sizes)
        for name, size in r.sizes:
            if name.endswith(".native"):
                continue
            base = name.rsplit(".", 1)[0] + ".native"
            if base in native and native[base]:
                print("size %s: .text %d bytes, native %d bytes, overhead %.1f%%" % (
                    name, size, native[base], 100.0 * (size - native[base]) / native[base]))
    for name in r.refused:
        print("REFUSED %s (%s)" % (name, a.allow_refusal))
    print("%d passed, %d failed%s" % (r.passed, len(r.failed),
                                      ", %d refused" % len(r.refused) if r.refused else ""))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
