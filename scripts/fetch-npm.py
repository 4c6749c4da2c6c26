#!/usr/bin/env python3
"""Fetch one npm package tarball without node/npm, verified against the registry.

usage: fetch-npm.py NAME VERSION DESTDIR

Downloads NAME@VERSION's tarball from registry.npmjs.org with urllib, checks
it against the registry metadata (dist.integrity, a sha512 SRI string, and
dist.shasum, sha1) and stores it as DESTDIR/NAME-VERSION.tgz, with the
expected hashes in DESTDIR/NAME-VERSION.tgz.sums. When both files are
already there and the tarball still matches the stored hashes, the cache is
reused without any network access. Prints the tarball's path on stdout.
"""
import base64
import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

REGISTRY = "https://registry.npmjs.org"
TIMEOUT = 60


def die(msg):
    print("fetch-npm: error: " + msg, file=sys.stderr)
    sys.exit(1)


def digests(data):
    return ("sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
            hashlib.sha1(data).hexdigest())


def check(data, integrity, shasum, what):
    sri, sha1 = digests(data)
    # an SRI string may list several hashes; ours must be one of the sha512 ones
    wanted = [h for h in integrity.split() if h.startswith("sha512-")]
    if not wanted and not shasum:
        die(f"{what}: the registry gives neither a sha512 integrity nor a shasum")
    if wanted and sri not in wanted:
        die(f"{what}: sha512 mismatch: got {sri}, expected {' or '.join(wanted)}")
    if shasum and sha1 != shasum:
        die(f"{what}: sha1 mismatch: got {sha1}, expected {shasum}")


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        die(f"{url}: HTTP {e.code} {e.reason}")
    except (urllib.error.URLError, OSError) as e:
        die(f"cannot download {url} (offline? no access to {REGISTRY}?): "
            f"{getattr(e, 'reason', e)}")


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    name, version, dest = sys.argv[1:]
    base = name.replace("/", "-").lstrip("@") + "-" + version + ".tgz"
    tgz = os.path.join(dest, base)
    sums = tgz + ".sums"

    if os.path.exists(tgz) and os.path.exists(sums):
        with open(sums) as f:
            meta = json.load(f)
        with open(tgz, "rb") as f:
            check(f.read(), meta.get("integrity", ""), meta.get("shasum", ""),
                  f"cached {tgz} (delete it to download again)")
        print(tgz)
        return

    url = f"{REGISTRY}/{urllib.parse.quote(name, safe='@')}/{urllib.parse.quote(version)}"
    try:
        meta = json.loads(get(url))
        dist = meta["dist"]
        integrity, shasum, tarball = dist.get("integrity", ""), dist.get("shasum", ""), dist["tarball"]
    except (ValueError, KeyError, TypeError) as e:
        die(f"{url}: unexpected registry metadata ({e!r})")
    if not tarball.startswith(REGISTRY + "/"):
        die(f"{url}: tarball is not on {REGISTRY}: {tarball}")
    data = get(tarball)
    check(data, integrity, shasum, tarball)

    os.makedirs(dest, exist_ok=True)
    for path, content in ((tgz, data),
                          (sums, json.dumps({"integrity": integrity, "shasum": shasum,
                                             "tarball": tarball}).encode() + b"\n")):
        fd, tmp = tempfile.mkstemp(dir=dest, prefix=".fetch-npm-")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    print(tgz)


if __name__ == "__main__":
    main()
