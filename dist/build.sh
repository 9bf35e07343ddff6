#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/build.sh [ARCH...] - the release (make dist), into dist/out/:
#
#   xdpcount-<version>-linux-<arch>.tar.gz   binary, README.md, HACKING.md, docs/,
#                                            LICENSE, licenses/ of the static
#                                            libraries, xdpcount.8, xdpcount@.service,
#                                            xdpcount.bash-completion, systemd/
#                                            drop-ins, kubernetes/ (DaemonSet,
#                                            Containerfile, PrometheusRule,
#                                            PodMonitor), ansible/ (playbook and
#                                            roles/xdpcount), prometheus/
#                                            rules, grafana/ dashboard
#   xdpcount_<version>_<debarch>.deb         the same as a Debian package
#                                            (dist/deb.sh: /usr/bin, the unit,
#                                            man page, completion, docs)
#   xdpcount-<version>-1.<rpmarch>.rpm       and as an RPM (dist/rpm.sh,
#                                            Debian's rpmbuild)
#   xdpcount-<version>-image.oci.tar         the image: an OCI layout of one
#                                            FROM scratch image per arch and
#                                            the manifest list over them,
#                                            tagged <version> (dist/image.sh);
#                                            the tarballs' DaemonSet pins it
#                                            (image: ...:<version>@sha256:...)
#   xdpcount-<version>.tar.gz                our source (git archive + VERSION)
#   xdpcount-<version>-third-party-sources.tar   the pinned upstream tarballs of
#                                            the linked libraries (GPL/LGPL
#                                            corresponding source)
#   xdpcount-<version>.spdx.json             SPDX 2.3 SBOM
#   SHA256SUMS                               cd dist/out && sha256sum -c SHA256SUMS
#
# The release is built from the committed HEAD, not from the working tree:
# the source tarball is made first and the binaries are built from an
# unpacked copy of it, outside the repository (so uncommitted or untracked
# files cannot leak in, and the tarball is proven to build). Everything is
# reproducible: SOURCE_DATE_EPOCH is the commit time, tar and gzip are
# normalised, and two runs from one commit give the same SHA256SUMS
# (dist/test-reproducible.sh checks it).
#
# ARCH: the arches of ci/arches, required (a failure fails the release) or
# wanted (a failure is reported and that tarball left out). Default: all.
#
# Environment:
#   DIST_OUT     output directory (default dist/out)
#   DIST_WORK    work directory (default $XDPCOUNT_CACHE/dist/<commit>, where
#                older commits' directories are removed); the unpacked source
#                and its build/ are kept there, so a second run is incremental
#   DIST_CLEAN=1 start from an empty work directory (full rebuild; the deps
#                still come from ci/deps.sh's cache)
#   DIST_THIRD_PARTY_SOURCES=0  leave out the third-party sources tarball
#   XDPCOUNT_CACHE  as for ci/deps.sh (default ~/.cache/xdpcount)
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
# Hermetic: nothing from the caller's make or environment changes the build
# (make dist CFLAGS=-O0 or an exported CFLAGS must not reach the release).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS CPPFLAGS LDFLAGS LDLIBS CLANG LLVM_STRIP V

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ME=dist
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"
REQUIRED=$(arch_list_release required)
WANTED=$(arch_list_release wanted)
ARCHES=${*:-$REQUIRED $WANTED}
JOBS=$(nproc 2>/dev/null || echo 2)

is_required() { [[ " $REQUIRED " == *" $1 "* ]]; }

for v in LIBBPF_SRC ELFUTILS_SRC ZLIB_SRC; do
	[ -z "${!v:-}" ] || die "$v is set: a release is built from the pins in deps.lock only"
done
for t in git tar gzip sha256sum python3 make dpkg-deb; do
	command -v $t >/dev/null || die "$t is missing"
done
# the image's builder (Debian's package; root installs it, as the toolchain)
command -v buildah >/dev/null || apt_install buildah >&2 || die "buildah is missing and could not be installed"

COMMIT=$(git rev-parse HEAD)
VERSION=$(dist/version.sh HEAD)
# the commit's time, unless the caller (make exports it) says otherwise
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
export SOURCE_DATE_EPOCH
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	log "note: the working tree has uncommitted changes; the release is built from HEAD ($VERSION) without them"
fi

OUT=${DIST_OUT:-$ROOT/dist/out}
WORK=${DIST_WORK:-$CACHE/dist/$COMMIT}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
if [ -z "${DIST_WORK:-}" ]; then
	# one make dist at a time in the shared default location (it prunes)
	mkdir -p "$CACHE/dist"
	exec 9> "$CACHE/dist/.lock"
	flock 9
fi
if [ "${DIST_CLEAN:-0}" = 1 ]; then rm -rf "$WORK"; fi
mkdir -p "$WORK/logs"
STAGE=$WORK/stage
rm -rf "$STAGE" "$WORK/out"; mkdir -p "$STAGE" "$WORK/out"
NAME=xdpcount-$VERSION
t_start=$SECONDS

# Deterministic tar of DIR/NAME to stdout: sorted, fixed times and owners,
# normalised modes (u+rw, go-w, x only where it was), no atime/ctime/pid in
# pax headers.
dtar() {
	tar -C "$1" --sort=name --format=posix \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		--mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
		--mode=u+rw,go-w,a+rX -cf - "$2"
}
dtgz() { dtar "$1" "$2" | gzip -n -9 > "$3"; }

# ------------------------------------------------------------ source tarball
log "version $VERSION (commit ${COMMIT:0:12}, SOURCE_DATE_EPOCH $SOURCE_DATE_EPOCH)"
mkdir -p "$STAGE/src"
git archive --format=tar --prefix="$NAME/" HEAD | tar -x -C "$STAGE/src"
echo "$VERSION" > "$STAGE/src/$NAME/VERSION"
SRC_TGZ=$WORK/out/$NAME.tar.gz
dtgz "$STAGE/src" "$NAME" "$SRC_TGZ"
src_sum=$(sha256sum < "$SRC_TGZ" | cut -d' ' -f1)

# The build tree is that tarball, unpacked; kept across runs of one commit.
TREE=$WORK/tree/$NAME
if [ "$(cat "$WORK/tree/.source-sha256" 2>/dev/null)" != "$src_sum" ]; then
	rm -rf "$WORK/tree"; mkdir -p "$WORK/tree"
	tar -xzf "$SRC_TGZ" -C "$WORK/tree"
	echo "$src_sum" > "$WORK/tree/.source-sha256"
fi

# ------------------------------------------------------------ binaries
BUILT=() FAILED_REQ=() FAILED_WANTED=()
declare -A WHY TIME
for a in $ARCHES; do
	is_required "$a" || [[ " $WANTED " == *" $a "* ]] || die "unknown arch $a (release: $REQUIRED $WANTED)"
	t0=$SECONDS
	alog=$WORK/logs/$a.log
	log "$a: toolchain, deps, build (log: $alog)"
	: > "$alog"
	if ! "$TREE/ci/toolchain.sh" "$a" >> "$alog" 2>&1; then
		WHY[$a]="ci/toolchain.sh $a failed: $(grep -v '^\s*$' "$alog" | tail -n 1)"
	# VERSION on the command line: the tree has no .git, and this must not
	# depend on whether a parent directory happens to be a git repository.
	elif ! make -C "$TREE" --no-print-directory -j"$JOBS" ARCH="$a" VERSION="$VERSION" \
		"build/$a/xdpcount" >> "$alog" 2>&1; then
		WHY[$a]="make ARCH=$a failed: $(grep -E 'error|Error|deps.sh:' "$alog" | tail -n 1)"
	fi
	TIME[$a]=$((SECONDS - t0))
	if [ -n "${WHY[$a]:-}" ]; then
		tail -n 20 "$alog" | sed 's/^/    /' >&2
		if is_required "$a"; then FAILED_REQ+=("$a"); else FAILED_WANTED+=("$a"); fi
		log "$a: FAILED (${TIME[$a]} s): ${WHY[$a]}"
		continue
	fi
	BUILT+=("$a")
	log "$a: built in ${TIME[$a]} s"
done
[ ${#FAILED_REQ[@]} = 0 ] || die "required arch(es) failed: ${FAILED_REQ[*]} (logs in $WORK/logs)"
[ ${#BUILT[@]} -gt 0 ] || die "nothing built"

# ------------------------------------------------------------ binary tarballs
SBOM_ARGS=() ORIGS=() MUSL=()
for a in "${BUILT[@]}"; do
	prefix=$("$TREE/ci/deps.sh" --print-prefix "$a")
	[ -f "$prefix/manifest.json" ] || die "$a: no $prefix/manifest.json"
	d=$STAGE/bin/$NAME-linux-$a
	mkdir -p "$d/licenses"
	install -m 755 "$TREE/build/$a/xdpcount" "$d/xdpcount"
	install -m 644 "$TREE/README.md" "$TREE/HACKING.md" "$TREE/LICENSE" "$d/"
	# the pages the README links to (HACKING.md above too)
	install -D -m 644 -t "$d/docs" "$TREE"/docs/*.md
	for f in xdpcount@.service xdpcount.service xdpcount.bash-completion; do
		if [ -f "$TREE/dist/$f" ]; then install -m 644 "$TREE/dist/$f" "$d/"; fi
	done
	# the man page with its date and version; the deployment examples
	"$TREE/dist/man.sh" "$TREE/dist/xdpcount.8" "$VERSION" "$SOURCE_DATE_EPOCH" > "$d/xdpcount.8"
	chmod 644 "$d/xdpcount.8"
	for dir in systemd kubernetes ansible prometheus grafana; do
		(cd "$TREE/dist" && find "$dir" -type f) | while read -r f; do
			install -D -m 644 "$TREE/dist/$f" "$d/$f"
		done
	done
	for dep in libbpf elfutils zlib musl; do
		[ -d "$prefix/licenses/$dep" ] || die "$a: no licences of $dep in $prefix/licenses"
		cp -R "$prefix/licenses/$dep" "$d/licenses/"
	done
	# what is linked in, from the deps manifest
	python3 - "$prefix/manifest.json" "$a" > "$d/licenses/README" <<-'EOF'
	import json, sys
	m = json.load(open(sys.argv[1]))
	print(f"xdpcount for linux-{sys.argv[2]} is statically linked with:\n")
	for d in m["dependencies"]:
	    src = d.get("orig_tarball") or d.get("debian_binary_package", "")
	    print(f"  {d['name']:9} {d['upstream_version']:8} {d['license']}")
	    print(f"  {'':9} from {src}" + (f" (sha256 {d['sha256']})" if d.get("sha256") else ""))
	print("\nTheir licence texts are in the directories next to this file (for musl:")
	print("Debian's copyright file, which carries musl's MIT licence). The sources")
	print("are in the release's xdpcount-*-third-party-sources.tar; the SBOM")
	print("(xdpcount-*.spdx.json) lists them with their checksums.")
	EOF
	tgz=$WORK/out/$NAME-linux-$a.tar.gz
	SBOM_ARGS+=(--arch "$a=$tgz=$prefix/manifest.json")
	# pinned orig tarballs and the musl version(s), for the SBOM and sources
	while read -r kind x y; do
		case $kind in
		orig) ORIGS+=("$x $y") ;;
		musl) MUSL+=("$x $y") ;;
		esac
	done < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
for d in m["dependencies"]:
    if d["name"] == "musl":
        print("musl", d["upstream_version"], d["debian_suite"])
    elif d.get("orig_tarball"):
        print("orig", d["orig_tarball"], d["sha256"])
' "$prefix/manifest.json")
done

# ------------------------------------------------------------ image
# One FROM scratch image per arch and the manifest list over them, as an
# OCI layout (dist/image.sh); the DaemonSet in every tarball pins its digest.
IMAGE=$WORK/out/$NAME-image.oci.tar
IMAGE_ARGS=()
for a in "${BUILT[@]}"; do IMAGE_ARGS+=("$a=$STAGE/bin/$NAME-linux-$a"); done
log "image: ${BUILT[*]} (buildah)"
DIGEST=$(IMAGE_WORK=$WORK/image "$TREE/dist/image.sh" "$IMAGE" "$VERSION" "${IMAGE_ARGS[@]}" 2>"$WORK/logs/image.log") ||
	{ tail -n 20 "$WORK/logs/image.log" >&2; die "the image failed (log: $WORK/logs/image.log)"; }
rm -rf "$WORK/image"

# ------------------------------------------------------------ tarballs, packages
for a in "${BUILT[@]}"; do
	d=$STAGE/bin/$NAME-linux-$a
	# one version: the Ansible default, and the DaemonSet's image by tag and digest
	"$TREE/dist/stamp.sh" "$d" "$VERSION" "$DIGEST"
	dtgz "$STAGE/bin" "$NAME-linux-$a" "$WORK/out/$NAME-linux-$a.tar.gz"
	# the Debian and RPM packages of the same files
	"$TREE/dist/deb.sh" "$d" "$a" "$VERSION" "$WORK/out" >/dev/null
	"$TREE/dist/rpm.sh" "$d" "$a" "$VERSION" "$WORK/out" >/dev/null
done

# ------------------------------------------------------------ musl source
# musl has no pin in deps.lock (it is Debian's binary package): fetch its
# source from the suite it came from, once, for the SBOM checksum and the
# sources tarball.
find_orig() { # DIR VERSION: the musl orig tarball in DIR, if any
	local f
	for f in "$1"/musl_"$2".orig.tar.*; do
		case $f in *.asc) ;; *) [ -f "$f" ] && { echo "$f"; return; } ;; esac
	done
	return 0
}
MUSL_ORIGS=()
for mv in $(printf '%s\n' "${MUSL[@]}" | sort -u | tr ' ' '='); do
	ver=${mv%%=*} suite=${mv#*=}
	dir=$CACHE/src/musl-$suite
	orig=$(find_orig "$dir" "$ver")
	if [ -z "$orig" ]; then
		log "fetching the musl source from $suite (for the SBOM checksum)"
		rm -rf "$dir.tmp"
		if "$ROOT/ci/apt-private.sh" source "$dir.tmp" "$suite" musl > "$WORK/logs/musl-src.log" 2>&1; then
			rm -rf "$dir"; mv "$dir.tmp" "$dir"
			orig=$(find_orig "$dir" "$ver")
		fi
		[ -n "$orig" ] || log "warning: no musl_$ver orig tarball from $suite; the SBOM gives musl $ver without a checksum"
	fi
	if [ -n "$orig" ]; then SBOM_ARGS+=(--musl-src "$ver=$orig"); MUSL_ORIGS+=("$orig"); fi
done

# ------------------------------------------------------------ third-party sources
if [ "${DIST_THIRD_PARTY_SOURCES:-1}" = 1 ]; then
	tp=$STAGE/tp/$NAME-third-party-sources
	mkdir -p "$tp"
	for o in $(printf '%s\n' "${ORIGS[@]}" | sort -u | tr ' ' '='); do
		f=${o%%=*} sum=${o#*=}
		[ "$(sha256sum < "$CACHE/src/$f" | cut -d' ' -f1)" = "$sum" ] || die "$CACHE/src/$f does not match its pin"
		cp "$CACHE/src/$f" "$tp/"
	done
	for o in "${MUSL_ORIGS[@]}"; do cp "$o" "$tp/"; done
	cat > "$tp/README" <<-EOF
	The upstream source tarballs of the libraries statically linked into the
	xdpcount $VERSION release binaries, exactly as fetched from the Debian
	archive (their sha256 sums are pinned in deps.lock, and listed in
	xdpcount-$VERSION.spdx.json). They are built without Debian patches, by
	ci/deps.sh in xdpcount-$VERSION.tar.gz, which holds the build scripts.
	EOF
	dtar "$STAGE/tp" "$NAME-third-party-sources" > "$WORK/out/$NAME-third-party-sources.tar"
fi

# ------------------------------------------------------------ SBOM, sums
python3 "$ROOT/dist/sbom.py" --version "$VERSION" --commit "$COMMIT" --epoch "$SOURCE_DATE_EPOCH" \
	--source "$SRC_TGZ" --archive "$("$ROOT/ci/apt-private.sh" uri 2>/dev/null || true)" \
	"${SBOM_ARGS[@]}" > "$WORK/out/$NAME.spdx.json"
(cd "$WORK/out" && sha256sum -- * > SHA256SUMS)

# ------------------------------------------------------------ publish
rm -f "$OUT"/xdpcount[-_]* "$OUT"/SHA256SUMS
cp "$WORK/out"/* "$OUT/"
(cd "$OUT" && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not verify in $OUT"
rm -rf "$STAGE"
# keep only this commit's work directory in the default location
if [ -z "${DIST_WORK:-}" ]; then
	for w in "$CACHE"/dist/*/; do
		w=${w%/}
		[ "$w" = "$WORK" ] || [ ! -f "$w/tree/.source-sha256" ] || rm -rf "$w"
	done
fi

echo "dist: $VERSION in ${OUT#"$ROOT"/} ($((SECONDS - t_start)) s):"
(cd "$OUT" && for f in *; do printf '  %10s  %s\n' "$(stat -c %s "$f")" "$f"; done)
for a in "${BUILT[@]}"; do
	printf '  %-8s binary %s bytes (%s s)\n' "$a" "$(stat -c %s "$TREE/build/$a/xdpcount")" "${TIME[$a]}"
done
for a in "${FAILED_WANTED[@]}"; do
	printf '  %-8s NOT RELEASED: %s\n' "$a" "${WHY[$a]}"
done
exit 0
