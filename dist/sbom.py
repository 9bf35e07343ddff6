#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""dist/sbom.py - the SPDX 2.3 JSON SBOM of an xdpcount release (dist/build.sh).

Deterministic: no clock, no random UUIDs. The creation time is
SOURCE_DATE_EPOCH, the namespace is derived from version and commit, and the
packages are sorted.

  sbom.py --version V --commit SHA --epoch N --source TARBALL
          --arch ARCH=TARBALL=MANIFEST ... [--musl-src VERSION=ORIG_TARBALL ...]
          > xdpcount-V.spdx.json

MANIFEST is the deps prefix's manifest.json (ci/deps.sh): the versions,
licences and pinned orig tarball sha256s of libbpf, elfutils and zlib, and the
musl version. musl has no pin in deps.lock: its orig tarball (fetched from
Debian by dist/build.sh) is hashed here when given with --musl-src.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import sys

OUR_LICENSE = "GPL-2.0-only OR BSD-2-Clause"
NS_BASE = os.environ.get("DIST_SPDX_NAMESPACE_BASE", "https://spdx.org/spdxdocs")

# Per dependency: what is linked, purl/CPE names, the upstream home.
DEP_INFO = {
    "libbpf": {"linked": "libbpf.a", "home": "https://github.com/libbpf/libbpf",
               "cpe": "cpe:2.3:a:libbpf_project:libbpf:{v}:*:*:*:*:*:*:*",
               "supplier": "Organization: libbpf project"},
    "elfutils": {"linked": "libelf.a (only libelf of elfutils)", "home": "https://sourceware.org/elfutils/",
                 "cpe": "cpe:2.3:a:elfutils_project:elfutils:{v}:*:*:*:*:*:*:*",
                 "supplier": "Organization: elfutils project"},
    "zlib": {"linked": "libz.a", "home": "https://zlib.net/",
             "cpe": "cpe:2.3:a:zlib:zlib:{v}:*:*:*:*:*:*:*",
             "supplier": "Organization: zlib project"},
    "musl": {"linked": "libc.a and crt objects (linked by the compiler)", "home": "https://musl.libc.org/",
             "cpe": "cpe:2.3:a:musl-libc:musl:{v}:*:*:*:*:*:*:*",
             "supplier": "Organization: musl project"},
}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def spdx_id(*parts):
    return "SPDXRef-" + "-".join(re.sub(r"[^A-Za-z0-9.]+", ".", p) for p in parts)


def pool_url(archive, src, orig):
    """The orig tarball in the Debian archive the build fetched it from
    (its URI comes from the system's apt sources at run time)."""
    if not archive:
        return "NOASSERTION"
    prefix = src[:4] if src.startswith("lib") else src[0]
    return f"{archive.rstrip('/')}/pool/main/{prefix}/{src}/{orig}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--epoch", required=True, type=int)
    ap.add_argument("--source", required=True)
    ap.add_argument("--arch", action="append", default=[])
    ap.add_argument("--musl-src", action="append", default=[])
    ap.add_argument("--archive", default="", help="Debian archive URI (from the system's apt sources)")
    a = ap.parse_args()

    created = datetime.datetime.fromtimestamp(a.epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    musl_src = dict(m.split("=", 1) for m in a.musl_src)
    packages, rels = [], []
    doc_id = "SPDXRef-DOCUMENT"

    src_id = spdx_id("Package", "xdpcount", "source")
    packages.append({
        "name": "xdpcount",
        "SPDXID": src_id,
        "versionInfo": a.version,
        "packageFileName": os.path.basename(a.source),
        "primaryPackagePurpose": "SOURCE",
        "supplier": "Organization: The xdpcount authors",
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "checksums": [{"algorithm": "SHA256", "checksumValue": sha256(a.source)}],
        "licenseConcluded": OUR_LICENSE,
        "licenseDeclared": OUR_LICENSE,
        "copyrightText": "Copyright (c) The xdpcount authors",
        "sourceInfo": f"git commit {a.commit} (git archive, plus a VERSION file)",
        "comment": "Source of xdpcount itself; third-party code is not included (see the dependency packages).",
    })
    rels.append({"spdxElementId": doc_id, "relationshipType": "DESCRIBES", "relatedSpdxElement": src_id})

    deps = {}  # (name, version) -> package
    for spec in a.arch:
        arch, tarball, manifest = spec.split("=", 2)
        with open(manifest) as f:
            man = json.load(f)
        bin_id = spdx_id("Package", "xdpcount", "linux", arch)
        dep_ids, dep_lics = [], []
        for d in man["dependencies"]:
            name, ver = d["name"], d["upstream_version"]
            key = (name, ver)
            info = DEP_INFO[name]
            if key not in deps:
                pkg = {
                    "name": name,
                    "SPDXID": spdx_id("Package", name, ver),
                    "versionInfo": ver,
                    "primaryPackagePurpose": "LIBRARY",
                    "supplier": info["supplier"],
                    "homepage": info["home"],
                    "filesAnalyzed": False,
                    "licenseConcluded": d["license"],
                    "licenseDeclared": d["license"],
                    "copyrightText": "NOASSERTION",
                    "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                                      "referenceLocator": info["cpe"].format(v=ver)}],
                }
                if name == "musl":
                    orig = musl_src.get(ver)
                    pkg["comment"] = "Linked from Debian's musl-dev binary package; " + \
                        "the checksum is that of the upstream (Debian orig) tarball of this version."
                    if orig:
                        pkg["packageFileName"] = os.path.basename(orig)
                        pkg["downloadLocation"] = pool_url(a.archive, "musl", os.path.basename(orig))
                        pkg["checksums"] = [{"algorithm": "SHA256", "checksumValue": sha256(orig)}]
                    else:
                        pkg["downloadLocation"] = "NOASSERTION"
                        pkg["comment"] = "Linked from Debian's musl-dev binary package; its source tarball " + \
                            "could not be fetched at release time, so no checksum is given."
                    pkg["sourceInfo"] = "Debian binary packages: "
                    pkg["_debs"] = set()
                elif d.get("origin") == "debian-archive" and d.get("sha256"):
                    pkg["packageFileName"] = d["orig_tarball"]
                    pkg["downloadLocation"] = pool_url(a.archive, d["debian_source_package"], d["orig_tarball"])
                    pkg["checksums"] = [{"algorithm": "SHA256", "checksumValue": d["sha256"]}]
                    pkg["sourceInfo"] = (f"upstream (orig) tarball of Debian source {d['debian_source_package']} "
                                         f"{d['debian_source_version']} ({d['suite']}), pinned in deps.lock "
                                         "and verified before building; built without Debian patches")
                    pkg["externalRefs"].append({
                        "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                        "referenceLocator": f"pkg:deb/debian/{d['debian_source_package']}@"
                                            f"{d['debian_source_version']}?arch=source"})
                    pkg["comment"] = f"Linked: {info['linked']}."
                else:
                    pkg["downloadLocation"] = "NOASSERTION"
                    pkg["comment"] = f"Built from a local source tree ({d.get('origin')}), not from a pin."
                deps[key] = pkg
            if name == "musl":
                deps[key]["_debs"].add(f"{d.get('debian_binary_package')} {d.get('debian_version')}")
            dep_ids.append(deps[key]["SPDXID"])
            dep_lics.append(d["license"])

        combined = " AND ".join(f"({l})" if " OR " in l else l for l in [OUR_LICENSE] + dep_lics)
        packages.append({
            "name": f"xdpcount-linux-{arch}",
            "SPDXID": bin_id,
            "versionInfo": a.version,
            "packageFileName": os.path.basename(tarball),
            "primaryPackagePurpose": "APPLICATION",
            "supplier": "Organization: The xdpcount authors",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "builtDate": created,
            "checksums": [{"algorithm": "SHA256", "checksumValue": sha256(tarball)}],
            "licenseConcluded": combined,
            "licenseDeclared": OUR_LICENSE,
            "copyrightText": "Copyright (c) The xdpcount authors",
            "comment": f"Static musl binary for linux-{arch} with both BPF objects (little and big endian) "
                       f"embedded; release tarball with licences, man page and systemd unit. "
                       f"Built with {man.get('cc_version', 'NOASSERTION')}.",
        })
        rels.append({"spdxElementId": doc_id, "relationshipType": "DESCRIBES", "relatedSpdxElement": bin_id})
        rels.append({"spdxElementId": bin_id, "relationshipType": "GENERATED_FROM", "relatedSpdxElement": src_id})
        for i in dep_ids:
            rels.append({"spdxElementId": bin_id, "relationshipType": "STATIC_LINK", "relatedSpdxElement": i})

    for pkg in deps.values():
        debs = pkg.pop("_debs", None)
        if debs is not None:
            pkg["sourceInfo"] += "; ".join(sorted(debs))
    packages += sorted(deps.values(), key=lambda p: p["SPDXID"])

    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": doc_id,
        "name": f"xdpcount-{a.version}",
        "documentNamespace": f"{NS_BASE}/xdpcount-{a.version}-{a.commit}",
        "creationInfo": {
            "created": created,
            "creators": ["Organization: The xdpcount authors", "Tool: xdpcount-dist-sbom.py"],
            "comment": "Generated by dist/build.sh at release time; created = SOURCE_DATE_EPOCH of the commit.",
        },
        "packages": packages,
        "relationships": rels,
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
