#!/usr/bin/env python3
"""Run a verifier corpus: assemble every case, verify it, compare verdicts.

Corpus format (tests/verify/x64/{accept,reject}.txt):

    # comment lines (outside cases, or inside: passed to as, which ignores them)
    ### case-name | rule-id | options
    <GNU as lines, AT&T syntax>

The header fields:
  case-name  unique name (letters, digits, '-', '_', '.').
  rule-id    for reject cases, the rule the verifier must name (one of
             lfiv_rule_name()); several alternatives may be given separated
             by '/' when the documented rules do not fix which of them a
             verifier reports first. '-' for accept cases (or to skip the
             rule check, which should be rare).
  options    space-separated: 'stores' (-s stores), 'aligned'
             (--aligned-targets), 'single' (--single-thread),
             'base=ADDR' (default 0x10000).

Each case is assembled on its own with `as --64` after a prelude that starts
.text at a bundle boundary, defines `BASE` (the verification address, via
--defsym) and `__start` (the first byte of the case), and provides macros
for branches to absolute addresses:

    jmp_abs ADDR / call_abs ADDR / je_abs ADDR / jmp8_abs ADDR
    lea_r11_abs ADDR        (leaq ADDR(%rip),%r11)

The .text section is extracted with `objcopy -O binary -j .text` and given
to `lfi-verify --raw --base ADDR [-s stores] [--aligned-targets] FILE`.
Expected exit status: 0 for the accept corpus, 1 for the reject corpus; a
reject must also print the expected rule identifier, so that no reject case
passes because of an unrelated defect. Accept cases are also linted with
objdump: every instruction must decode and none may cross a 32-byte bundle
(so an accept case cannot fail for a layout slip in the corpus itself).

Usage:
  run_corpus.py --verifier build/tools/lfi-verify --expect reject x64/reject.txt
  run_corpus.py ... --only NAME      run the cases whose name contains NAME
  run_corpus.py ... --dump NAME      print objdump of matching cases
  run_corpus.py --check-only ...     only assemble (no verifier needed)
  run_corpus.py ... --diff-tool BUILD/tests/verify/diff_fastpath
                                     also compare the verifier's fast paths
                                     with its reference path on every case
"""

import argparse
import concurrent.futures
import os
import re
import struct
import subprocess
import sys
import tempfile

RULES = {
    "encoding-not-allowed", "truncated-instruction", "bundle-crossing",
    "unsafe-memory-operand", "reserved-register-write", "rsp-not-rebased",
    "unmasked-indirect-branch", "call-not-at-bundle-end", "bad-branch-target",
    "bad-runtime-call", "unguarded-string-instruction",
    "bit-offset-into-memory", "misaligned-code-address", "elf-layout",
}

DEFAULT_BASE = 0x10000

PRELUDE = """\
    .text
    .p2align 5
__start:
    .macro jmp_abs target
    .byte 0xe9
    .long (\\target) - BASE - (. + 4 - __start)
    .endm
    .macro call_abs target
    .byte 0xe8
    .long (\\target) - BASE - (. + 4 - __start)
    .endm
    .macro je_abs target
    .byte 0x0f, 0x84
    .long (\\target) - BASE - (. + 4 - __start)
    .endm
    .macro jmp8_abs target
    .byte 0xeb
    .byte (\\target) - BASE - (. + 1 - __start)
    .endm
    .macro lea_r11_abs target
    .byte 0x4c, 0x8d, 0x1d
    .long (\\target) - BASE - (. + 4 - __start)
    .endm
"""


class Case:
    def __init__(self, path, line, name, rule, opts):
        self.path = path
        self.line = line
        self.name = name
        self.rules = [] if rule in ("", "-") else rule.split("/")
        self.stores = False
        self.aligned = False
        self.single = False
        self.base = DEFAULT_BASE
        self.body = []
        self.error = None
        for o in opts.split():
            if o == "stores":
                self.stores = True
            elif o == "aligned":
                self.aligned = True
            elif o == "single":
                self.single = True
            elif o.startswith("base="):
                try:
                    self.base = int(o[5:], 0)
                except ValueError:
                    self.error = "bad base %r" % o
            else:
                self.error = "unknown option %r" % o
        for r in self.rules:
            if r not in RULES:
                self.error = "unknown rule %r" % r

    def where(self):
        return "%s:%d" % (os.path.basename(self.path), self.line)


HEADER = re.compile(r"^###\s*([^|]*?)\s*(?:\|\s*([^|]*?)\s*(?:\|\s*(.*?)\s*)?)?$")
NAME = re.compile(r"^[A-Za-z0-9_.+-]+$")


def parse(path):
    cases = []
    cur = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("###"):
                m = HEADER.match(line)
                if not m:
                    raise SystemExit("%s:%d: bad header" % (path, n))
                name, rule, opts = m.group(1), m.group(2) or "", m.group(3) or ""
                cur = Case(path, n, name, rule, opts)
                if not NAME.match(name):
                    cur.error = "bad case name %r" % name
                cases.append(cur)
            elif cur is not None:
                cur.body.append(line)
    names = {}
    for c in cases:
        if c.name in names:
            c.error = "duplicate name (also at line %d)" % names[c.name]
        names[c.name] = c.line
    return cases


def elf_text_relocs(obj):
    """Number of relocation sections that apply to .text in an ELF64 .o."""
    with open(obj, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise RuntimeError("not an ELF64 object")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    secs = []
    for i in range(shnum):
        off = shoff + i * shentsize
        name, typ, _flags, _addr, soff, size, _link, info = struct.unpack_from(
            "<IIQQQQII", data, off)
        secs.append((name, typ, soff, size, info))
    strtab = secs[shstrndx]
    def secname(i):
        o = strtab[2] + secs[i][0]
        return data[o:data.index(b"\0", o)].decode()
    text = [i for i in range(shnum) if secname(i) == ".text"]
    count = 0
    for i, (_n, typ, _o, size, info) in enumerate(secs):
        if typ in (4, 9) and info in text and size > 0:  # SHT_RELA, SHT_REL
            count += 1
    return count


def assemble(case, tools, tmp):
    src = os.path.join(tmp, case.name + ".s")
    obj = os.path.join(tmp, case.name + ".o")
    binf = os.path.join(tmp, case.name + ".bin")
    with open(src, "w") as f:
        f.write(PRELUDE)
        f.write("# case %s (%s)\n" % (case.name, case.where()))
        f.write("\n".join(case.body) + "\n")
    r = subprocess.run([tools.as_, "--64", "--fatal-warnings", "--defsym",
                        "BASE=%#x" % case.base, "-o", obj, src],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, "as failed: " + (r.stderr.strip().replace("\n", " | "))
    if elf_text_relocs(obj):
        return None, "assembly left relocations in .text (use local labels or *_abs macros)"
    r = subprocess.run([tools.objcopy, "-O", "binary", "-j", ".text", obj, binf],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, "objcopy failed: " + r.stderr.strip()
    with open(binf, "rb") as f:
        code = f.read()
    if not code:
        return None, "empty case"
    return (binf, code), None


def disassemble(binf, base, objdump):
    """[(addr, length, text)] as objdump decodes the raw file."""
    r = subprocess.run([objdump, "-D", "-b", "binary", "-m", "i386:x86-64",
                        "--adjust-vma=%#x" % base, binf],
                       capture_output=True, text=True)
    insns = []
    for line in r.stdout.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$", line)
        if not m:
            continue
        addr = int(m.group(1), 16)
        n = len(m.group(2).split())
        if m.group(3) is None and insns:   # continuation line of long bytes
            a, l, t = insns[-1]
            insns[-1] = (a, l + n, t)
        else:
            insns.append((addr, n, m.group(3) or ""))
    return insns


def lint_accept(case, binf, tools):
    """An accept case must decode cleanly and must not cross a bundle."""
    for addr, n, text in disassemble(binf, case.base, tools.objdump):
        if "(bad)" in text:
            return "objdump cannot decode the instruction at %#x" % addr
        if addr // 32 != (addr + n - 1) // 32:
            return "instruction at %#x (%s) crosses a bundle boundary" % (addr, text)
    return None


def run_case(case, tools, tmp, expect):
    """Returns (ok, message)."""
    if case.error:
        return False, "corpus error: " + case.error
    if expect == "reject" and not case.rules and not tools.allow_no_rule:
        return False, "corpus error: reject case names no rule"
    asm, err = assemble(case, tools, tmp)
    if err:
        return False, err
    binf, code = asm
    if expect == "accept" and tools.objdump:
        err = lint_accept(case, binf, tools)
        if err:
            return False, "corpus error: " + err
    if tools.verifier is None:
        return True, "assembled (%d bytes)" % len(code)
    if tools.diff_tool:
        # the verifier's fast paths against its reference path
        r = subprocess.run([tools.diff_tool, "--raw", binf, "--base", "%#x" % case.base],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            return False, "fast path and reference path disagree: " + \
                (r.stdout + r.stderr).strip().replace("\n", " | ")
    cmd = [tools.verifier, "--raw", "--base", "%#x" % case.base]
    if case.stores:
        cmd += ["-s", "stores"]
    if case.aligned:
        cmd += ["--aligned-targets"]
    if case.single:
        cmd += ["--single-thread"]
    cmd.append(binf)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return False, "verifier timed out"
    out = (r.stdout + r.stderr).strip().replace("\n", " | ")
    if r.returncode < 0 or r.returncode > 2:
        return False, "verifier crashed (status %d): %s" % (r.returncode, out)
    if expect == "accept":
        if r.returncode == 0:
            return True, "accepted"
        return False, "expected accept, got status %d: %s" % (r.returncode, out)
    if r.returncode != 1:
        return False, "expected reject, got status %d: %s" % (r.returncode, out)
    if case.rules:
        found = [x for x in RULES if re.search(r"(?<![a-z-])%s(?![a-z-])" % re.escape(x), out)]
        if not any(x in found for x in case.rules):
            return False, "rejected for the wrong reason (want %s): %s" % (
                "/".join(case.rules), out)
    return True, "rejected: " + out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verifier", help="lfi-verify executable")
    ap.add_argument("--as", dest="as_", default="as")
    ap.add_argument("--objcopy", default="objcopy")
    ap.add_argument("--objdump", default="objdump")
    ap.add_argument("--expect", choices=["accept", "reject"],
                    help="default: from the file name (accept*/reject*)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only cases whose name contains this (repeatable)")
    ap.add_argument("--dump", action="store_true",
                    help="print the objdump disassembly of every selected case")
    ap.add_argument("--check-only", action="store_true",
                    help="assemble the cases, do not run the verifier")
    ap.add_argument("--allow-no-rule", action="store_true")
    ap.add_argument("--diff-tool",
                    help="also run DIFF_TOOL --raw FILE --base ADDR on every case "
                         "(tests/verify/diff_fastpath.c); it must exit 0")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 4)
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="print only failures and the summary")
    ap.add_argument("corpus", nargs="+")
    args = ap.parse_args()
    if not args.check_only and not args.verifier:
        ap.error("--verifier is required (or --check-only)")
    if args.check_only:
        args.verifier = None

    total = failed = 0
    with tempfile.TemporaryDirectory(prefix="lfiv-corpus-") as tmp:
        for path in args.corpus:
            expect = args.expect
            if expect is None:
                b = os.path.basename(path)
                expect = "accept" if b.startswith("accept") else \
                         "reject" if b.startswith("reject") else None
                if expect is None:
                    ap.error("cannot tell whether %s is an accept or reject corpus" % path)
            cases = parse(path)
            if args.only:
                cases = [c for c in cases if any(o in c.name for o in args.only)]
            sub = os.path.join(tmp, "%d" % total)
            os.mkdir(sub)
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
                results = list(ex.map(lambda c: run_case(c, args, sub, expect), cases))
            for c, (ok, msg) in zip(cases, results):
                total += 1
                if not ok:
                    failed += 1
                if not ok or not args.quiet:
                    print("%s %-7s %-44s %s" % ("ok  " if ok else "FAIL", expect,
                                              c.name, msg if len(msg) < 400 else msg[:400] + "..."))
                    if not ok:
                        print("     at %s" % c.where())
                if args.dump:
                    binf = os.path.join(sub, c.name + ".bin")
                    if os.path.exists(binf):
                        r = subprocess.run([args.objdump, "-D", "-b", "binary", "-m",
                                            "i386:x86-64", "--adjust-vma=%#x" % c.base,
                                            binf], capture_output=True, text=True)
                        lines = r.stdout.splitlines()
                        body = [l for l in lines if re.match(r"^\s+[0-9a-f]+:", l)]
                        print("\n".join("        " + l for l in body))
    print("%s: %d cases, %d passed, %d failed" % (
        ", ".join(os.path.basename(p) for p in args.corpus), total, total - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
