#!/usr/bin/env python3
"""Unit tests of the rewrite rules: assembly in, expected assembly out.

Case files hold cases separated by a line "------". A case is:

    ## flags: --sandbox stores          (optional, any number of ## lines)
    input lines
    >>>
    expected output lines

or, for input that must be refused,

    input lines
    >>> error at LINE                   ("at LINE" optional)
    substrings that the message must contain, one per line

Output is compared line by line after removing the fixed prologue
(.bundle_align_mode 5, .text, .p2align 5, .Llfi_sec0:) and the epilogue
(each code section entered again and padded: .text / .p2align 5), trimming, collapsing
blanks and removing blanks after commas. Cases run with --assembler llvm
unless their flags say otherwise.

usage: run_cases.py --rewriter R FILE...
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

PROLOGUE = [".bundle_align_mode 5", ".text", ".p2align 5", ".Llfi_sec0:"]


def norm(line):
    line = re.sub(r"[ \t]+", " ", line.strip())
    return re.sub(r", ", ",", line)


def parse(path):
    cases, cur = [], []
    start = 1
    with open(path) as f:
        lines = f.read().split("\n")
    for i, line in enumerate(lines + ["------"], 1):
        if line.strip() == "------":
            if any(l.strip() for l in cur):
                cases.append((start, cur))
            cur, start = [], i + 1
        else:
            cur.append(line)
    return cases


def run_case(rewriter, path, start, lines, tmp):
    flags, body = [], []
    for l in lines:
        if l.startswith("## flags:"):
            flags += l.split(":", 1)[1].split()
        elif l.startswith("##"):
            continue
        else:
            body.append(l)
    try:
        sep = next(i for i, l in enumerate(body) if l.startswith(">>>"))
    except StopIteration:
        return "no '>>>' line"
    inp, marker, exp = body[:sep], body[sep], body[sep + 1:]
    while inp and not inp[0].strip():
        inp.pop(0)
    while exp and not exp[-1].strip():
        exp.pop()
    src = os.path.join(tmp, "case.s")
    with open(src, "w") as f:
        f.write("\n".join(inp) + "\n")
    if not any(f.startswith("--assembler") for f in flags):
        flags = ["--assembler", "llvm"] + flags
    r = subprocess.run([rewriter] + flags + [src], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    m = re.match(r">>>\s*error(?:\s+at\s+(\d+))?\s*$", marker)
    if m:
        if r.returncode != 1:
            return "expected an error, got exit status %d:\n%s" % (r.returncode, r.stdout)
        line = m.group(1)
        if not re.search(r"^lfi-rewrite: .*case\.s:%s: " % (line or r"\d+"),
                         r.stderr, re.M):
            return "message without the expected FILE:LINE:\n" + r.stderr
        for e in exp:
            if e.strip() and e.strip() not in r.stderr:
                return "message lacks %r:\n%s" % (e.strip(), r.stderr)
        return None
    if r.returncode != 0:
        return "exit status %d:\n%s" % (r.returncode, r.stderr)
    got = [norm(l) for l in r.stdout.split("\n") if l.strip()]
    if got[:len(PROLOGUE)] == PROLOGUE:
        got = got[len(PROLOGUE):]
    # epilogue: every code section re-entered and padded to a bundle end
    while len(got) >= 2 and got[-1] == ".p2align 5" and \
            got[-2].startswith((".text", ".section")):
        got = got[:-2]
    want = [norm(l) for l in exp if l.strip()]
    if got != want:
        return "expected:\n  %s\ngot:\n  %s" % ("\n  ".join(want), "\n  ".join(got))
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rewriter", required=True)
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("files", nargs="+")
    a = p.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="lfi-rw-cases-") as tmp:
        for path in a.files:
            for start, lines in parse(path):
                err = run_case(a.rewriter, path, start, lines, tmp)
                name = "%s:%d" % (os.path.basename(path), start)
                if err:
                    failed += 1
                    print("FAIL %s: %s" % (name, err))
                else:
                    passed += 1
                    if a.verbose:
                        print("PASS %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
