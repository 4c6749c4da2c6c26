#!/usr/bin/env python3
"""Synthetic instruction streams for bench_verify (raw code, verified at
0x10000): how much each kind of unpredictable choice costs the verifier
(docs/verifier.md, "Third round"). Every 32-byte bundle is filled with
instructions drawn at random (fixed seed) from one list, then 90 (nop) to
the bundle end; 1 MiB per stream.

usage: mkstreams.py OUTDIR
then:  BUILD/bench/bench_verify --no-zydis --cpu-time -n 20 OUTDIR/*.bin
"""
import os
import random
import sys

STREAMS = {
    "1-repeated": ["48 31 c1"],                          # xor %rax,%rcx
    "2-rex-or-not": ["31 c1", "48 31 c1"],
    "3-setters": ["48 31 c1", "89 c1", "48 89 c1"],      # movl / movq
    "4-memory": ["48 31 c1", "8b 44 24 08"],             # mov 8(%rsp),%eax
    "5-segue": ["48 31 c1", "65 67 8b 01"],              # mov %gs:(%ecx),%eax
    "6-mix": ["31 c1", "48 31 c1", "0f b6 c1", "48 8b 44 24 08",
              "65 67 8b 01", "0f 1f 40 00"],
}


def stream(pats, rnd, size=1 << 20):
    pats = [bytes.fromhex(p) for p in pats]
    out = bytearray()
    while len(out) < size:
        b = bytearray()
        while True:
            p = rnd.choice(pats)
            if len(b) + len(p) > 32:
                break
            b += p
        out += b + b"\x90" * (32 - len(b))
    return bytes(out)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    os.makedirs(argv[1], exist_ok=True)
    for name, pats in STREAMS.items():
        with open(os.path.join(argv[1], name + ".bin"), "wb") as f:
            f.write(stream(pats, random.Random(2)))
    print("mkstreams.py: %d streams in %s" % (len(STREAMS), argv[1]))


if __name__ == "__main__":
    main(sys.argv)
