#!/usr/bin/env python3
"""Code size of LFI builds against native builds of the same programs.

usage: size_report.py NATIVE_BIN_DIR LFI_BIN_DIR [LABEL]

For every program present in both directories, sums the sizes of the
executable sections (SHF_EXECINSTR: .init, .text, .fini, ...) of the ELF
file, and prints a Markdown table with the overhead of the LFI build and
the geometric mean of the ratios.
"""
import math
import os
import struct
import sys


def exec_bytes(path):
    with open(path, 'rb') as f:
        d = f.read()
    if d[:4] != b'\x7fELF' or d[4] != 2:
        raise ValueError(f'{path}: not an ELF64 file')
    shoff, = struct.unpack_from('<Q', d, 0x28)
    shentsize, shnum = struct.unpack_from('<HH', d, 0x3a)
    total = 0
    for i in range(shnum):
        off = shoff + i * shentsize
        _name, _type, flags, _addr, _off, size = struct.unpack_from('<IIQQQQ', d, off)
        if flags & 0x4 and flags & 0x2:  # SHF_EXECINSTR, SHF_ALLOC
            total += size
    return total


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    nat, lfi = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else 'LFI'
    rows, ratios = [], []
    for name in sorted(os.listdir(lfi)):
        a, b = os.path.join(nat, name), os.path.join(lfi, name)
        if not os.path.isfile(a):
            continue
        n, l = exec_bytes(a), exec_bytes(b)
        ratios.append(l / n)
        rows.append(f'| {name} | {n:,} | {l:,} | {100 * (l / n - 1):+.1f}% |')
    print(f'| program | native (same musl) | {label} | overhead |')
    print('|---|---:|---:|---:|')
    print('\n'.join(rows))
    if ratios:
        g = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f'| **geometric mean** | | | **{100 * (g - 1):+.1f}%** |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
