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
# Also checks what a release must hold: SHA256SUMS verifies, the README's
# quick start runs as written from it in a fresh root (tests/fresh/
# quickstart.sh), every tarball has
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
# shellcheck source=tests/lib.sh
. tests/lib.sh
ARCHES=${*:-$(arch_list_release required)}
TMP=$(mktemp -d /tmp/xdpcount-repro.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

unset SOURCE_DATE_EPOCH   # both runs take it from the commit
command -v jq >/dev/null || apt_install jq >/dev/null || die "jq is missing and could not be installed"
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
# the image (dist/image.sh): its manifest list's digest is what the
# DaemonSets below pin
IMG=$O/xdpcount-$VERSION-image.oci.tar
IMAGE_DIGEST=$(tar -xOf "$IMG" ./index.json 2>/dev/null | jq -r '.manifests[0].digest')
check "the image's manifest list has a digest ($IMAGE_DIGEST)" eval "[[ '$IMAGE_DIGEST' =~ ^sha256:[0-9a-f]{64}$ ]]"
# shellcheck disable=SC2086 # ARCHES is a list of words
python3 dist/image_check.py "$IMG" "$VERSION" "$O" $ARCHES > "$TMP/image.txt" 2>&1 ||
	fail "image checks ran (python: $(tail -n 1 "$TMP/image.txt"))"
while read -r st msg; do
	case $st in ok) ok "$msg" ;; FAIL) fail "$msg" ;; esac
done < "$TMP/image.txt"
# the README's quick start, as written, from this release in a fresh root
# (issue 24; this arch's tarball and SHA256SUMS only, as a user downloads them)
if [ -f "$O/xdpcount-$VERSION-linux-$(uname -m).tar.gz" ]; then
	qs=$TMP/quickstart
	mkdir -p "$qs"
	cp "$O/xdpcount-$VERSION-linux-$(uname -m).tar.gz" "$O/SHA256SUMS" "$qs/"
	while read -r st msg; do
		case $st in ok) ok "$msg" ;; FAIL) fail "$msg" ;; *) echo "$st $msg" ;; esac
	done < <(tests/fresh/quickstart.sh "$qs")
else
	skip "the README's quick start: no $(uname -m) tarball in this release"
fi
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
		docs/testing.md HACKING.md LICENSE xdpcount.8 xdpcount@.service licenses/README \
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
	# every link of its pages (README.md, HACKING.md, docs/; not the linked
	# libraries' under licenses/) is to a file it holds, or a heading of one
	mkdir -p "$TMP/md-$a"
	tar -xzf "$t" -C "$TMP/md-$a" --wildcards '*.md'
	mapfile -t pages < <(cd "$TMP/md-$a/$d" && find . -path ./licenses -prune -o -name '*.md' -print | sort)
	dead=$(cd "$TMP/md-$a/$d" && python3 "$ROOT/tests/deploy/md_links.py" . "${pages[@]}" | tr '\n' ';')
	[ ${#pages[@]} -ge 6 ] || dead+="only ${#pages[@]} pages;"
	check "$a: the links of its ${#pages[@]} pages go to files it holds${dead:+ (dead: $dead)}" test -z "$dead"
	th=$(tar -xzOf "$t" "$d/xdpcount.8" 2>/dev/null | grep '^\.TH')
	check "$a: the man page's .TH carries the date and $VERSION (got: $th)" \
		test "$th" = ".TH XDPCOUNT 8 \"$(date -u -d "@$EPOCH" +%Y-%m-%d)\" \"xdpcount $VERSION\" \"System Administration\""
	check "$a: everything under $d/" eval "! grep -v '^$d/' '$TMP/list'"
	bad=$(tar --full-time -tvzf "$t" | awk -v e="$(date -u -d "@$EPOCH" '+%Y-%m-%d %H:%M:%S')" \
		'$2 != "0/0" || ($4 " " $5) != e { print $6 }' | head -n 3)
	check "$a: owners 0/0 and mtimes = SOURCE_DATE_EPOCH${bad:+ (not: $bad)}" test -z "$bad"
	# one version everywhere (dist/version.sh): the tarball's name, the
	# binary, the image tag and the Ansible default
	got=$(tar -xzOf "$t" "$d/kubernetes/xdpcount-daemonset.yaml" | grep -oE '^ +image: .*' | sort -u | sed 's/^ *image: //')
	check "$a: the DaemonSet's image is the release's, by tag and digest (got $got)" \
		test "$got" = "registry.example.com/xdpcount:$VERSION@$IMAGE_DIGEST"
	if /usr/bin/python3 -c 'import kubernetes, yaml' 2>/dev/null; then # (the deploy suite installs them)
		tar -xzOf "$t" "$d/kubernetes/xdpcount-daemonset.yaml" > "$TMP/ds.yaml"
		got=$(/usr/bin/python3 tests/deploy/k8s_validate.py "$TMP/ds.yaml" 2>&1)
		check "$a: the stamped DaemonSet is valid against the Kubernetes API schema ($got)" \
			test "$got" = "2 documents, 0 problems"
	fi
	got=$(tar -xzOf "$t" "$d/ansible/roles/xdpcount/defaults/main.yml" | sed -n 's/^xdpcount_version: "\([^"]*\)".*/\1/p')
	check "$a: the Ansible default is $VERSION (got $got)" test "$got" = "$VERSION"
	got=$(tar -xzOf "$t" "$d/ansible/roles/xdpcount/defaults/main.yml" |
		sed -n '/^xdpcount_arches:$/,/^[^ ]/s/^  \([a-z0-9_]*\): \([a-z0-9_]*\)$/\1=\2/p' | tr '\n' ' ')
	want=$(for b in $(arch_list); do arch_load "$b" && for u in $A_UNAME; do printf '%s=%s ' "$u" "$b"; done; done)
	check "$a: the Ansible role's xdpcount_arches is ci/arches' ($want; got $got)" test "$got" = "$want"
	if [ "$a" = "$(uname -m)" ]; then
		mkdir -p "$TMP/bin-$a"
		tar -xzf "$t" -C "$TMP/bin-$a" "$d/xdpcount"
		got=$("$TMP/bin-$a/$d/xdpcount" --version --json | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')
		check "$a: the binary's --version --json says $VERSION (got $got)" test "$got" = "$VERSION"
	fi
	arch_load "$a"
	rpmf=$O/xdpcount-$VERSION-1.$(dist/rpm.sh --arch "$a").rpm
	got=$(rpm -qp --queryformat '%{NAME} %{VERSION}' "$rpmf" 2>&1)
	check "$a: $(basename "$rpmf"): xdpcount $VERSION (got $got)" test "$got" = "xdpcount $VERSION"
	deb=$O/xdpcount_${VERSION}_$A_DEBARCH.deb
	got=$(dpkg-deb -f "$deb" Package Version Architecture 2>&1 | tr '\n' ' ')
	check "$a: $(basename "$deb"): xdpcount $VERSION $A_DEBARCH (got $got)" \
		test "$got" = "Package: xdpcount Version: $VERSION Architecture: $A_DEBARCH "
	got=$(cmp <(tar -xzOf "$t" "$d/xdpcount") <(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/bin/xdpcount) 2>&1)
	check "$a: the package's binary is the tarball's${got:+ ($got)}" test -z "$got"
	# as the tarball's: every link of the pages a package ships (README.md to
	# HACKING.md and docs/) goes to a file it ships, or a heading of one
	mkdir -p "$TMP/pkg-$a/deb" "$TMP/pkg-$a/rpm"
	dpkg-deb -x "$deb" "$TMP/pkg-$a/deb"
	(cd "$TMP/pkg-$a/rpm" && rpm2cpio "$rpmf" | cpio -idm --quiet)
	for p in deb rpm; do
		dead=$(python3 tests/deploy/md_links.py --tree "$TMP/pkg-$a/$p/usr/share/doc/xdpcount" 2>&1 | tr '\n' ';')
		check "$a: the links of the $p's doc pages go to files it ships${dead:+ (dead: $dead)}" test -z "$dead"
	done
	mode=$(tar -tvzf "$t" "$d/xdpcount" | cut -c1-10)
	check "$a: binary mode -rwxr-xr-x (got $mode)" test "$mode" = -rwxr-xr-x
done
# ------------------------------------------------------------ one version
# Every version string the release carries, each from where a user meets it,
# is dist/version.sh's: PLACE VALUE lines, then one value for all.
{
	for f in "$O"/*; do
		b=$(basename "$f")
		case $b in
		xdpcount-*-linux-*.tar.gz) v=${b#xdpcount-} && echo "tarball-name:$b ${v%-linux-*}" ;;
		xdpcount_*.deb) v=${b#xdpcount_} && echo "deb-name:$b ${v%_*}"
			echo "deb-control:$b $(dpkg-deb -f "$f" Version)"
			echo "deb-changelog:$b $(dpkg-deb --fsys-tarfile "$f" | tar -xOf - ./usr/share/doc/xdpcount/changelog.gz |
				gzip -dc | sed -n '1s/^xdpcount (\([^)]*\)).*/\1/p')" ;;
		xdpcount-*.rpm) v=${b#xdpcount-} && echo "rpm-name:$b ${v%-1.*.rpm}"
			echo "rpm-header:$b $(rpm -qp --queryformat '%{VERSION}' "$f" 2>/dev/null)" ;;
		xdpcount-*-image.oci.tar) v=${b#xdpcount-} && echo "image-name:$b ${v%-image.oci.tar}"
			echo "image-tag:$b $(tar -xOf "$f" ./index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]')" ;;
		xdpcount-*.spdx.json) echo "sbom:$b $(jq -r '.packages[] | select(.name == "xdpcount") | .versionInfo' "$f" | sort -u)" ;;
		xdpcount-*-third-party-sources.tar) v=${b#xdpcount-} && echo "sources-name:$b ${v%-third-party-sources.tar}" ;;
		xdpcount-*.tar.gz) v=${b#xdpcount-} && echo "source-name:$b ${v%.tar.gz}"
			echo "source-VERSION:$b $(tar -xzOf "$f" "xdpcount-${v%.tar.gz}/VERSION")" ;;
		esac
	done
	for a in $ARCHES; do
		t=$O/xdpcount-$VERSION-linux-$a.tar.gz d=xdpcount-$VERSION-linux-$a
		[ -f "$t" ] || continue
		echo "man-page:$a $(tar -xzOf "$t" "$d/xdpcount.8" | sed -n 's/^\.TH XDPCOUNT 8 "[^"]*" "xdpcount \([^"]*\)".*/\1/p')"
		echo "daemonset-image-tag:$a $(tar -xzOf "$t" "$d/kubernetes/xdpcount-daemonset.yaml" |
			sed -n 's/^ *image: [^ ]*\/xdpcount:\([^@ ]*\).*/\1/p' | sort -u)"
		echo "ansible-default:$a $(tar -xzOf "$t" "$d/ansible/roles/xdpcount/defaults/main.yml" |
			sed -n 's/^xdpcount_version: "\([^"]*\)".*/\1/p')"
		tar -xzf "$t" -C "$TMP" "$d/xdpcount"
		if [ "$a" = "$(uname -m)" ]; then
			echo "binary--V--json:$a $("$TMP/$d/xdpcount" --version --json | jq -r .version)"
			echo "binary--V:$a $("$TMP/$d/xdpcount" --version | head -n 1 | cut -d' ' -f2)"
		else
			arch_load "$a"
			if command -v "$A_QEMU" >/dev/null; then # qemu-user (the cross suite's)
				echo "binary--V--json:$a $("$A_QEMU" "$TMP/$d/xdpcount" --version --json | jq -r .version)"
			else # the version string compiled into it
				echo "binary-string:$a $(strings "$TMP/$d/xdpcount" | grep -xF "$VERSION" | head -n 1 || echo absent)"
			fi
		fi
	done
} > "$TMP/versions"
n=$(wc -l < "$TMP/versions")
vals=$(awk '{ print $2 }' "$TMP/versions" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
missing=
for k in tarball-name deb-name deb-control deb-changelog rpm-name rpm-header image-name image-tag sbom \
	source-name source-VERSION man-page daemonset-image-tag ansible-default binary--V--json; do
	grep -q "^$k:" "$TMP/versions" || missing+=" $k"
done
check "one version: $n strings of the release, from every place, agree on $VERSION (got:$vals${missing:+ missing:$missing})" \
	eval "[ \"\$(awk '{ print \$2 }' '$TMP/versions' | sort -u)\" = '$VERSION' ] && [ -z '$missing' ]"
awk '$2 != v { print "    " $0 }' v="$VERSION" "$TMP/versions"
# the README's examples use one version, of the form dist/version.sh gives
got=$(grep -oE '"version":"[^"]*"|version="[^"]*"' README.md | grep -oE '[0-9][^"]*' | sort -u)
check "README's example versions are one, of dist/version.sh's form (got $got)" \
	eval "[ \$(wc -w <<<'$got') = 1 ] && [[ '$got' =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]"

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
