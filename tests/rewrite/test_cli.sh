#!/bin/sh
# Command-line behaviour of lfi-rewrite: options, files, exit codes, messages.
RW=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { # name, condition result
    if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}

printf '\tmovq 8(%%rdi), %%rax\n\tret\n' > "$T/a.s"
printf 'nop\n\tmovq %%rax, %%r14\n\tint $0x80\n' > "$T/bad.s"

"$RW" --help > "$T/help" 2>&1; check "--help exits 0" $?
grep -q 'usage: lfi-rewrite' "$T/help"; check "--help prints usage" $?

"$RW" -o "$T/a.out.s" "$T/a.s"; check "-o OUT" $?
grep -q '%gs:8(%edi)' "$T/a.out.s"; check "-o OUT has the rewritten code" $?
grep -q '^	.bundle_align_mode 5' "$T/a.out.s"; check "output starts bundle mode" $?

tail -2 "$T/a.out.s" | tr -d '\t' | tr '\n' ' ' | grep -q '^.text .p2align 5 $'; check "code sections end on a bundle boundary" $?

"$RW" - < "$T/a.s" > "$T/b.s"; check "stdin to stdout" $?
cmp -s "$T/a.out.s" "$T/b.s"; check "stdin gives the same output" $?
"$RW" -o - "$T/a.s" | cmp -s - "$T/a.out.s"; check "-o - is stdout" $?

"$RW" "$T/bad.s" > "$T/out" 2> "$T/err"; rc=$?
[ $rc -eq 1 ]; check "refused input exits 1" $?
[ ! -s "$T/out" ]; check "refused input writes nothing" $?
grep -q "^lfi-rewrite: $T/bad.s:2: movq: uses %r14" "$T/err"; check "message FILE:LINE: what: why (line 2)" $?
grep -q "^lfi-rewrite: $T/bad.s:3: int: " "$T/err"; check "every error reported (line 3)" $?

"$RW" -o "$T/none.s" "$T/bad.s" 2>/dev/null
[ ! -e "$T/none.s" ]; check "no output file on error" $?

"$RW" "$T/missing.s" 2> "$T/err"; [ $? -eq 2 ]; check "missing input exits 2" $?
grep -q 'cannot open' "$T/err"; check "missing input message" $?
"$RW" --sandbox bogus "$T/a.s" 2>/dev/null; [ $? -eq 2 ]; check "bad --sandbox exits 2" $?
"$RW" --assembler bogus "$T/a.s" 2>/dev/null; [ $? -eq 2 ]; check "bad --assembler exits 2" $?
"$RW" 2>/dev/null; [ $? -eq 2 ]; check "no input exits 2" $?
"$RW" "$T/a.s" "$T/a.s" 2>/dev/null; [ $? -eq 2 ]; check "two inputs exit 2" $?
"$RW" --frob "$T/a.s" 2>/dev/null; [ $? -eq 2 ]; check "unknown option exits 2" $?
"$RW" -o /nonexistent/dir/x.s "$T/a.s" 2>/dev/null; [ $? -eq 2 ]; check "unwritable output exits 2" $?
"$RW" -v "$T/a.s" 2>&1 >/dev/null | grep -q 'instructions'; check "-v prints statistics" $?
"$RW" --sandbox stores --assembler gnu --align-labels --rename-r14 "$T/a.s" >/dev/null; check "all options accepted" $?
printf '' > "$T/empty.s"; "$RW" "$T/empty.s" > /dev/null; check "empty input" $?

if [ $fail -eq 0 ]; then echo "all passed"; fi
exit $fail
