#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/image.sh OUT VERSION ARCH=DIR... - the release image: one FROM scratch
# image per arch (kubernetes/Containerfile; DIR holds that arch's static
# xdpcount, LICENSE, README.md and licenses/, as an unpacked release tarball
# does), built with buildah, and a multi-arch manifest list over them, written
# as an OCI image layout in a tar file, OUT (no registry is needed). Prints
# the manifest list's digest (sha256:...), which the DaemonSet pins.
#
# The layout's one index entry is the manifest list, tagged VERSION
# (org.opencontainers.image.ref.name). Push it to a registry with its
# digests kept, e.g.
#   skopeo copy --all --preserve-digests oci-archive:OUT:VERSION docker://REGISTRY/xdpcount:VERSION
# Reproducible: buildah --timestamp SOURCE_DATE_EPOCH (the images' created
# time and every file's mtime), and the layout is tarred with sorted names,
# fixed owners and mtimes.
#
# Environment: IMAGE_WORK (buildah's private store; default a temporary
# directory, removed at the end).
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ME=image
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"

# platform ARCH: the OCI os/arch[/variant] of a release arch (ci/arches: oci)
platform() { arch_need "$1"; echo "$A_OCI"; }
# dist/image.sh --platform ARCH: just that (for the tests)
if [ "${1:-}" = --platform ]; then platform "$2"; exit 0; fi

[ $# -ge 3 ] || { echo "usage: dist/image.sh OUT VERSION ARCH=DIR... | --platform ARCH" >&2; exit 2; }
OUT=$1 VERSION=$2
shift 2
EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
command -v buildah >/dev/null || apt_install buildah >&2 || die "buildah is missing and could not be installed"
W=${IMAGE_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/xdpcount-image.XXXXXX")}
[ -n "${IMAGE_WORK:-}" ] || trap 'rm -rf "$W"' EXIT
rm -rf "$W/store" "$W/run" "$W/oci"
mkdir -p "$W/oci"
B=(buildah --root "$W/store" --runroot "$W/run" --storage-driver vfs)

LIST=localhost/xdpcount:$VERSION
"${B[@]}" manifest create "$LIST" >/dev/null
for ad in "$@"; do
	a=${ad%%=*} dir=${ad#*=}
	for f in xdpcount LICENSE README.md licenses; do
		[ -e "$dir/$f" ] || die "$a: $dir/$f is missing"
	done
	p=$(platform "$a")
	"${B[@]}" bud -q --platform "$p" --timestamp "$EPOCH" -f "$ROOT/dist/kubernetes/Containerfile" \
		-t "localhost/xdpcount:$VERSION-$a" "$dir" >"$W/bud-$a.log" 2>&1 ||
		{ cat "$W/bud-$a.log" >&2; die "$a: buildah bud failed"; }
	"${B[@]}" manifest add "$LIST" "containers-storage:localhost/xdpcount:$VERSION-$a" >/dev/null
done
"${B[@]}" manifest push -q --all --format oci "$LIST" "oci:$W/oci/xdpcount:$VERSION" >"$W/push.log" 2>&1 ||
	{ cat "$W/push.log" >&2; die "buildah manifest push failed"; }
"${B[@]}" rmi -a -f >/dev/null 2>&1 || true
digest=$(python3 - "$W/oci/xdpcount/index.json" "$VERSION" <<-'EOF'
	import json, sys
	idx = json.load(open(sys.argv[1]))
	m = [m for m in idx["manifests"]
	     if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == sys.argv[2]]
	assert len(m) == 1 and m[0]["mediaType"] == "application/vnd.oci.image.index.v1+json", idx
	print(m[0]["digest"])
	EOF
) || die "the layout has no manifest list tagged $VERSION"
mkdir -p "$(dirname "$OUT")"
tar -C "$W/oci" --sort=name --format=posix \
	--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	--mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --mode=u+rw,go-w,a+rX \
	-cf "$OUT.tmp" -C xdpcount .
mv -f "$OUT.tmp" "$OUT"
echo "$digest"
