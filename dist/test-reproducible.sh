#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/test-reproducible.sh [ARCH...] - make dist twice from HEAD and compare.
#
# Both runs start from an empty work directory (DIST_CLEAN=1: the binaries
# and BPF objects are rebuilt from scratch), in different directories, with a
# different TZ, locale and umask; the deps come from ci/deps.sh's cache. Then
# SHA256SUMS must be byte-identical. On a difference it says which artefacts
# differ and, inside them, which members.
#
# Also checks what a release must hold: SHA256SUMS verifies, every tarball has
# its files with normalised owners/times, the source tarball carries VERSION,
# and the SBOM is SPDX 2.3 with a checksum for every tarball and dependency.
#
# ARCH: default the required arches of ci/arches (cheap once the deps are
# cached).
# REPRO_FRESH_DEPS=1: the second run also rebuilds the deps (libbpf, libelf,
# zlib) in a private cache (sources copied from the shared one), so the
# deps' own reproducibility is tested too. Slower.
# Ends with "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
ME=repro
# shellcheck source=ci/lib.sh
. ci/lib.sh
ARCHES=${*:-$(arch_list_release required)}
TMP=$(mktemp -d /tmp/xdpcount-repro.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

unset SOURCE_DATE_EPOCH   # both runs take it from the commit
VERSION=$(dist/version.sh HEAD)
EPOCH=$(git log -1 --format=%ct HEAD)

# ------------------------------------------------------------ two builds
t0=$SECONDS
echo "== build A ($ARCHES)"
A=$TMP/a
# shellcheck disable=SC2086 # ARCHES is a list of words
(umask 022; DIST_CLEAN=1 DIST_WORK=$A/work DIST_OUT=$A/out TZ=UTC LANG=C.UTF-8 \
	dist/build.sh $ARCHES) > "$TMP/a.log" 2>&1
check "build A succeeded (log: tail below on failure)" test $? = 0 || tail -n 30 "$TMP/a.log"
ta=$((SECONDS - t0))

t1=$SECONDS
echo "== build B (other directory, TZ, locale, umask)"
B=$TMP/b/a/much/longer/path
envB=()
if [ "${REPRO_FRESH_DEPS:-0}" = 1 ]; then
	# a private cache: same pinned sources, deps built anew, other path
	mkdir -p "$TMP/cacheB"
	cp -R "$CACHE/src" "$TMP/cacheB/src"
	[ -d "$CACHE/toolchains" ] && ln -s "$CACHE/toolchains" "$TMP/cacheB/toolchains"
	[ -d "$CACHE/apt" ] && ln -s "$CACHE/apt" "$TMP/cacheB/apt"
	envB=(XDPCOUNT_CACHE="$TMP/cacheB")
	echo "   (deps rebuilt in $TMP/cacheB)"
fi
# shellcheck disable=SC2086 # ARCHES is a list of words
(umask 077; env "${envB[@]}" DIST_CLEAN=1 DIST_WORK="$B/work" DIST_OUT="$B/out" \
	TZ=Pacific/Kiritimati LANG=de_DE.UTF-8 LC_ALL= dist/build.sh $ARCHES) > "$TMP/b.log" 2>&1
check "build B succeeded" test $? = 0 || tail -n 30 "$TMP/b.log"
tb=$((SECONDS - t1))

# ------------------------------------------------------------ same bytes?
if cmp -s "$A/out/SHA256SUMS" "$B/out/SHA256SUMS"; then
	ok "SHA256SUMS identical ($(wc -l < "$A/out/SHA256SUMS") artefacts)"
else
	fail "SHA256SUMS differ"
	diff "$A/out/SHA256SUMS" "$B/out/SHA256SUMS" | sed 's/^/    /'
	for f in "$A"/out/*.tar.gz "$A"/out/*.tar; do
		f=$(basename "$f")
		cmp -s "$A/out/$f" "$B/out/$f" && continue
		echo "    $f differs; members:"
		mkdir -p "$TMP/xa/$f" "$TMP/xb/$f"
		tar -xf "$A/out/$f" -C "$TMP/xa/$f"; tar -xf "$B/out/$f" -C "$TMP/xb/$f"
		diff -rq "$TMP/xa/$f" "$TMP/xb/$f" | sed 's/^/      /'
		tar -tvf "$A/out/$f" > "$TMP/la"; tar -tvf "$B/out/$f" > "$TMP/lb"
		cmp -s "$TMP/la" "$TMP/lb" || { echo "      listings differ:"; diff "$TMP/la" "$TMP/lb" | head -n 10 | sed 's/^/      /'; }
	done
fi

# ------------------------------------------------------------ what a release holds
O=$A/out
check "sha256sum -c SHA256SUMS" eval "(cd '$O' && sha256sum --quiet -c SHA256SUMS)"
for a in $ARCHES; do
	t=$O/xdpcount-$VERSION-linux-$a.tar.gz
	if [ ! -f "$t" ]; then
		arch_load "$a"
		if [ "$A_RELEASE" = required ]; then fail "$a: $(basename "$t") exists"
		else skip "$a: not in this release (see $TMP/a.log)"; fi
		continue
	fi
	d=xdpcount-$VERSION-linux-$a
	tar -tzf "$t" | sort > "$TMP/list"
	missing=
	for m in xdpcount README.md docs/internals.md docs/json.md docs/performance.md \
		docs/testing.md LICENSE xdpcount.8 xdpcount@.service licenses/README \
		xdpcount.bash-completion systemd/metrics.conf systemd/textfile.conf systemd/strict.conf \
		kubernetes/xdpcount-daemonset.yaml kubernetes/Containerfile ansible/xdpcount.yml \
		ansible/roles/xdpcount/tasks/main.yml ansible/roles/xdpcount/defaults/main.yml \
		ansible/roles/xdpcount/handlers/main.yml ansible/roles/xdpcount/meta/main.yml \
		licenses/libbpf/LICENSE licenses/libbpf/LICENSE.BSD-2-Clause licenses/libbpf/LICENSE.LGPL-2.1 \
		licenses/elfutils/COPYING-GPLV2 licenses/elfutils/COPYING-LGPLV3 \
		licenses/zlib/LICENSE licenses/musl/copyright; do
		grep -qxF "$d/$m" "$TMP/list" || missing+=" $m"
	done
	check "$a: tarball holds binary, README, docs, LICENSE, man page, unit, completion, deployment examples, licences${missing:+ (missing:$missing)}" test -z "$missing"
	th=$(tar -xzOf "$t" "$d/xdpcount.8" 2>/dev/null | grep '^\.TH')
	check "$a: the man page's .TH carries the date and $VERSION (got: $th)" \
		test "$th" = ".TH XDPCOUNT 8 \"$(date -u -d "@$EPOCH" +%Y-%m-%d)\" \"xdpcount $VERSION\" \"System Administration\""
	check "$a: everything under $d/" eval "! grep -v '^$d/' '$TMP/list'"
	bad=$(tar --full-time -tvzf "$t" | awk -v e="$(date -u -d "@$EPOCH" '+%Y-%m-%d %H:%M:%S')" \
		'$2 != "0/0" || ($4 " " $5) != e { print $6 }' | head -n 3)
	check "$a: owners 0/0 and mtimes = SOURCE_DATE_EPOCH${bad:+ (not: $bad)}" test -z "$bad"
	# one version everywhere (dist/version.sh): the tarball's name, the
	# binary, the image tag and the Ansible default
	got=$(tar -xzOf "$t" "$d/kubernetes/xdpcount-daemonset.yaml" | grep -o 'image: .*' | sort -u | sed 's/.*://')
	check "$a: the DaemonSet's image tag is $VERSION (got $got)" test "$got" = "$VERSION"
	got=$(tar -xzOf "$t" "$d/ansible/roles/xdpcount/defaults/main.yml" | sed -n 's/^xdpcount_version: "\([^"]*\)".*/\1/p')
	check "$a: the Ansible default is $VERSION (got $got)" test "$got" = "$VERSION"
	if [ "$a" = "$(uname -m)" ]; then
		mkdir -p "$TMP/bin-$a"
		tar -xzf "$t" -C "$TMP/bin-$a" "$d/xdpcount"
		got=$("$TMP/bin-$a/$d/xdpcount" --version --json | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
		check "$a: the binary's --version --json says $VERSION (got $got)" test "$got" = "$VERSION"
	fi
	arch_load "$a"
	deb=$O/xdpcount_${VERSION}_$A_DEBARCH.deb
	got=$(dpkg-deb -f "$deb" Package Version Architecture 2>&1 | tr '\n' ' ')
	check "$a: $(basename "$deb"): xdpcount $VERSION $A_DEBARCH (got $got)" \
		test "$got" = "Package: xdpcount Version: $VERSION Architecture: $A_DEBARCH "
	got=$(cmp <(tar -xzOf "$t" "$d/xdpcount") <(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/bin/xdpcount) 2>&1)
	check "$a: the package's binary is the tarball's${got:+ ($got)}" test -z "$got"
	mode=$(tar -tvzf "$t" "$d/xdpcount" | cut -c1-10)
	check "$a: binary mode -rwxr-xr-x (got $mode)" test "$mode" = -rwxr-xr-x
done
s=$O/xdpcount-$VERSION.tar.gz
check "source tarball's VERSION says $VERSION" test "$(tar -xzOf "$s" "xdpcount-$VERSION/VERSION" 2>/dev/null)" = "$VERSION"
check "source tarball has no .git and no build output" \
	eval "! tar -tzf '$s' | grep -qE '/(\\.git|build|dist/out)/'"
git ls-files | sed "s|^|xdpcount-$VERSION/|" | sort > "$TMP/git"
tar -tzf "$s" | grep -v '/$' | grep -vx "xdpcount-$VERSION/VERSION" | sort > "$TMP/src"
check "source tarball = git ls-files of HEAD + VERSION" cmp -s "$TMP/git" "$TMP/src"

# the SBOM
python3 - "$O/xdpcount-$VERSION.spdx.json" "$O" "$EPOCH" > "$TMP/sbom.txt" 2>&1 <<'EOF' ||
import datetime, hashlib, json, os, re, sys
doc = json.load(open(sys.argv[1])); out = sys.argv[2]; epoch = int(sys.argv[3])
ok = lambda c, m: print(("ok   " if c else "FAIL ") + m)
ok(doc.get("spdxVersion") == "SPDX-2.3" and doc.get("dataLicense") == "CC0-1.0"
   and doc.get("SPDXID") == "SPDXRef-DOCUMENT", "SBOM: SPDX-2.3, CC0-1.0, SPDXRef-DOCUMENT")
ok(doc["creationInfo"]["created"] == datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
   .strftime("%Y-%m-%dT%H:%M:%SZ"), "SBOM: created = SOURCE_DATE_EPOCH")
ok(not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", doc["documentNamespace"]),
   "SBOM: namespace has no random UUID: " + doc["documentNamespace"])
pk = doc["packages"]; ids = [p["SPDXID"] for p in pk]
ok(len(ids) == len(set(ids)) and all(re.fullmatch(r"SPDXRef-[A-Za-z0-9.-]+", i) for i in ids),
   "SBOM: package SPDXIDs unique and well-formed")
refs = {r["spdxElementId"] for r in doc["relationships"]} | {r["relatedSpdxElement"] for r in doc["relationships"]}
ok(refs <= set(ids) | {"SPDXRef-DOCUMENT"}, "SBOM: every relationship names a package")
ok(all(k in p for p in pk for k in ("name", "SPDXID", "downloadLocation", "licenseConcluded")),
   "SBOM: every package has name, SPDXID, downloadLocation, licenseConcluded")
byfile = {p.get("packageFileName"): p for p in pk}
for f in sorted(os.listdir(out)):
    if not f.endswith(".tar.gz"):
        continue
    p = byfile.get(f)
    want = hashlib.sha256(open(os.path.join(out, f), "rb").read()).hexdigest()
    ok(p is not None and p["checksums"][0]["checksumValue"] == want, f"SBOM: {f} listed with its sha256")
for dep in ("libbpf", "elfutils", "zlib", "musl"):
    ps = [p for p in pk if p["name"] == dep]
    ok(ps and all(p.get("versionInfo") and p.get("licenseConcluded") and
                  re.fullmatch(r"[0-9a-f]{64}", (p.get("checksums") or [{}])[0].get("checksumValue", ""))
                  for p in ps),
       f"SBOM: {dep} " + ", ".join(p.get("versionInfo", "?") for p in ps) + " with licence and tarball sha256")
bins = [p["SPDXID"] for p in pk if p.get("primaryPackagePurpose") == "APPLICATION"]
links = {(r["spdxElementId"]) for r in doc["relationships"] if r["relationshipType"] == "STATIC_LINK"}
ok(bins and set(bins) <= links, "SBOM: every binary package has STATIC_LINK relationships")
EOF
	fail "SBOM checks ran (python: $(tail -n 1 "$TMP/sbom.txt"))"
while read -r st msg; do
	case $st in ok) ok "$msg" ;; *) fail "$msg" ;; esac
done < "$TMP/sbom.txt"

echo "build A ${ta} s, build B ${tb} s (from clean work directories)"
results_line
