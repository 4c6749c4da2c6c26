#!/usr/bin/env python3
"""Seed corpus for fuzz_verify_x64_diff: the executable segments of ELF
files, cut at 32-byte bundle boundaries into files of 64..2048 bytes.

usage: mkseeds_x64.py OUTDIR [--max N] ELF...
"""
import os
import random
import struct
import sys


def segments(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("mkseeds_x64.py: %s: not an ELF64 little-endian file" % path)
    phoff = struct.unpack_from("<Q", data, 32)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        ptype, flags, off, _vaddr, _paddr, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if ptype == 1 and flags & 1 and filesz:
            yield data[off:off + filesz]


def main(argv):
    args = argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args.pop(0)
    limit = 2000
    if args[:1] == ["--max"]:
        limit = int(args[1])
        args = args[2:]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(1)
    chunks = []
    for path in args:
        for seg in segments(path):
            pos = 0
            while pos < len(seg):
                n = 32 * rnd.randint(2, 64)
                chunks.append(seg[pos:pos + n])
                pos += n
    rnd.shuffle(chunks)
    for k, c in enumerate(chunks[:limit]):
        with open(os.path.join(out, "seed%05d" % k), "wb") as f:
            f.write(c)
    print("mkseeds_x64.py: %d seeds in %s" % (min(limit, len(chunks)), out))


if __name__ == "__main__":
    main(sys.argv)
