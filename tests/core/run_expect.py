#!/usr/bin/env python3
"""Runs a program and compares its stdout with an expected-output file.
Hexadecimal numbers of six digits or more (addresses) are replaced by ADDR
on both sides. Usage: run_expect.py PROGRAM EXPECTED [ARGS...]"""
import re
import subprocess
import sys

HEX = re.compile(r'\b(0x)?[0-9a-f]{6,}\b')

def norm(text):
    return [HEX.sub('ADDR', line.rstrip()) for line in text.splitlines()]

def main():
    prog, expected = sys.argv[1], sys.argv[2]
    r = subprocess.run([prog] + sys.argv[3:], capture_output=True, text=True, timeout=120)
    want = norm(open(expected).read())
    got = norm(r.stdout)
    ok = True
    if r.returncode != 0:
        print(f'{prog}: exit status {r.returncode}')
        ok = False
    if got != want:
        print(f'{prog}: output differs from {expected}')
        print('--- expected'); print('\n'.join(want))
        print('--- got'); print('\n'.join(got))
        ok = False
    if r.stderr:
        print('--- stderr'); print(r.stderr)
    sys.exit(0 if ok else 1)

main()
