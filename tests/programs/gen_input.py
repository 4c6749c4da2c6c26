#!/usr/bin/env python3
"""Deterministic test inputs: gen_input.py KIND SIZE OUT
KIND text: words and numbers in lines (compresses like source text)
KIND binary: a mix of random bytes, runs and repeated blocks"""
import sys

kind, size, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
state = 0x9E3779B97F4A7C15


def rnd():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
    return state >> 33


words = ('sandbox verifier bundle rewrite kernel memory thread signal page '
         'table lua sqlite zlib bzip2 xz zstd lz4 compress the of and a to in').split()
buf = bytearray()
if kind == 'text':
    while len(buf) < size:
        n = 3 + rnd() % 12
        line = ' '.join(words[rnd() % len(words)] if rnd() % 4 else str(rnd() % 100000)
                        for _ in range(n))
        buf += line.encode() + b'\n'
else:
    while len(buf) < size:
        k = rnd() % 3
        if k == 0:
            buf += bytes(rnd() & 255 for _ in range(256))
        elif k == 1:
            buf += bytes([rnd() & 255]) * (1 + rnd() % 300)
        elif len(buf) > 1024:
            s = rnd() % (len(buf) - 512)
            buf += buf[s:s + 64 + rnd() % 400]
with open(out, 'wb') as f:
    f.write(bytes(buf[:size]))
