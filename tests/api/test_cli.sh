#!/bin/sh
# lfi-verify exit codes and messages. Usage: test_cli.sh LFI_VERIFY HELLO_ELF ESCAPE_ELF
set -u
V=$1; HELLO=$2; ESCAPE=$3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0
expect() { # expect RC PATTERN -- command...
    want=$1; pat=$2; shift 2
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" != "$want" ] || { [ -n "$pat" ] && ! printf '%s\n' "$out" | grep -q -- "$pat"; }; then
        echo "FAIL: $* -> rc $rc (want $want), output: $out"; fails=$((fails+1))
    else
        echo "ok: $* -> $rc"
    fi
}
expect 0 "verification passed (4096 bytes" "$V" "$HELLO"
expect 1 "0x1000: 48 89 38  mov %rdi, (%rax): unsafe-memory-operand" "$V" "$ESCAPE"
out=$("$V" -q "$HELLO" 2>&1); rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then echo "FAIL: -q printed '$out' (rc $rc)"; fails=$((fails+1)); else echo "ok: -q is silent"; fi
expect 0 "usage: lfi-verify" "$V" --help
expect 2 "usage" "$V"
expect 2 "cannot open" "$V" "$T/missing"
expect 2 "not a regular file" "$V" "$T"
printf 'hello' > "$T/text"
expect 2 "not an ELF file" "$V" "$T/text"
head -c 100 "$HELLO" > "$T/trunc"
expect 2 "program headers" "$V" "$T/trunc"
: > "$T/empty"
expect 2 "empty file" "$V" --raw "$T/empty"
expect 2 "bad sandbox mode" "$V" -s none "$HELLO"
expect 2 "unsupported architecture" "$V" -a riscv64 "$HELLO"
expect 2 "bad address" "$V" --raw --base 0x1z "$T/text"
printf '\220\220\220\220' > "$T/nops"
expect 0 "verification passed (4 bytes" "$V" --raw "$T/nops"
expect 1 "misaligned-code-address" "$V" --raw --base 0x10010 "$T/nops"
printf '\017\005' > "$T/syscall"
expect 1 "0x10000: 0f 05" "$V" --raw "$T/syscall"
expect 1 "encoding-not-allowed" "$V" --raw "$T/syscall"
# e_machine = EM_AARCH64 (183 = 0xb7) at offset 18
cp "$HELLO" "$T/arm"; printf '\267\000' | dd of="$T/arm" bs=1 seek=18 conv=notrunc 2>/dev/null
expect 2 "wrong machine" "$V" "$T/arm"
# several files: worst status wins, each reported
expect 1 "verification failed" "$V" --raw "$T/nops" "$T/syscall"
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
