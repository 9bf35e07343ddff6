#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""dist/image_check.py IMAGE_TAR VERSION OUTDIR ARCH... - checks the release
image that dist/image.sh wrote (dist/test-reproducible.sh runs it): an OCI
layout whose one entry is a manifest list tagged VERSION, every blob's digest
its sha256, one image per ARCH with the platform dist/image.sh --platform
gives, and each image's /xdpcount the very binary of OUTDIR's tarball of that
arch. Prints one "ok   ..." or "FAIL ..." line per check."""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

img, version, out, arches = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
here = os.path.dirname(os.path.abspath(__file__))
t = tarfile.open(img)


def blob(digest):
    return t.extractfile("./blobs/sha256/" + digest.split(":", 1)[1]).read()


def ok(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)


idx = json.loads(t.extractfile("./index.json").read())
m = idx["manifests"]
ok(len(m) == 1 and m[0]["mediaType"] == "application/vnd.oci.image.index.v1+json"
   and m[0].get("annotations", {}).get("org.opencontainers.image.ref.name") == version,
   f"image: one manifest list, tagged {version}")
lst = json.loads(blob(m[0]["digest"]))["manifests"]
digests = [m[0]["digest"]] + [x["digest"] for x in lst]
ok(all(hashlib.sha256(blob(d)).hexdigest() == d.split(":", 1)[1] for d in digests),
   "image: every manifest's digest is its sha256")
platform = {a: subprocess.run([os.path.join(here, "image.sh"), "--platform", a], check=True,
                              capture_output=True, text=True).stdout.strip() for a in arches}


def plat(x):
    p = x["platform"]
    return "/".join(v for v in ("linux", p["architecture"], p.get("variant")) if v)


got = sorted(plat(x) for x in lst)
ok(got == sorted(platform.values()), f"image: the list's platforms are the release's ({' '.join(got)})")
by_platform = {p: a for a, p in platform.items()}
for x in lst:
    a = by_platform.get(plat(x))
    if a is None:
        continue
    man = json.loads(blob(x["digest"]))
    cfg = json.loads(blob(man["config"]["digest"]))
    files = {}
    for layer in man["layers"]:
        lt = tarfile.open(fileobj=io.BytesIO(blob(layer["digest"])))
        for e in lt.getmembers():
            if e.isfile():
                files[e.name.lstrip("./")] = lt.extractfile(e).read()
    bt = tarfile.open(f"{out}/xdpcount-{version}-linux-{a}.tar.gz")
    want = bt.extractfile(f"xdpcount-{version}-linux-{a}/xdpcount").read()
    ok(files.get("xdpcount") == want and cfg["config"].get("Entrypoint") == ["/xdpcount"]
       and plat({"platform": {"architecture": cfg["architecture"], "variant": cfg.get("variant")}}) == plat(x),
       f"image: the {plat(x)} image runs {a}'s release binary")
