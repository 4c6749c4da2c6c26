#!/bin/sh
# Run the whole test suite: the release build's tests, then the verifier
# tests and the quick fuzz drivers again in a build with AddressSanitizer
# and UndefinedBehaviorSanitizer.
# Ends with the line "N passed, N failed".
set -u
BUILD=${1:-build}
SAN=${BUILD}-san

meson test -C "$BUILD" --print-errorlogs --num-processes 2 2>&1 | grep -v '^ninja: '

if [ ! -f "$SAN/build.ninja" ]; then
    meson setup "$SAN" -Dbuildtype=debugoptimized -Db_sanitize=address,undefined \
        -Db_lundef=false -Dc_args=-fno-sanitize-recover=all -Dfuzz=disabled \
        -Dsysroot=false >/dev/null
fi
ninja -C "$SAN" >/dev/null || echo "check: sanitizer build failed"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    meson test -C "$SAN" --suite verify --suite fuzz-quick --suite core --suite rewrite --suite linux --print-errorlogs --num-processes 2 2>&1 | grep -v '^ninja: '

python3 - "$BUILD/meson-logs/testlog.json" "$SAN/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print(f"check: cannot read {path}: {e}")
        failed += 1
        continue
    for line in lines:
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
if passed + failed == 0:
    failed = 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
