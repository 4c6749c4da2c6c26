#!/bin/sh
# Run the whole test suite and end with the line "N passed, N failed".
set -u
BUILD=${1:-build}
shift 2>/dev/null; meson test -C "$BUILD" --print-errorlogs --num-processes 2 "$@" 2>&1 | sed '/^$/d' | grep -v '^ninja: ' || true
python3 - "$BUILD/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError as e:
    print(f"check: cannot read test log: {e}")
    lines = []
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
