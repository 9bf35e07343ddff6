#!/usr/bin/env bash
# ci/sanitize.sh - the pinned libbpf (deps.lock, from the deps sources in the
# cache) built for glibc with clang and ASan+UBSan, for the sanitizer build of
# xdpcount (`make san`; ASan does not work with static musl). libelf and zlib
# come from Debian (libelf-dev is elfutils 0.188 on bookworm, as pinned).
#
#   ci/sanitize.sh --print-prefix   the prefix (no side effects)
#   ci/sanitize.sh                  build unless cached; last stdout line = prefix
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$ROOT/ci/cache.sh"
ARCH=$(uname -m)
SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"

log() { echo "sanitize.sh: $*" >&2; }
die() { log "$*"; exit 1; }

orig=$(awk '$1 == "libbpf" { print $4 }' "$ROOT/deps.lock")
ver=$(awk '$1 == "libbpf" { print $3 }' "$ROOT/deps.lock")
hash=$(printf '%s\n' "$orig" "$SAN_FLAGS" "$(cat "$HERE/sanitize.sh")" | sha256sum | cut -c1-10)
PREFIX=$CACHE/deps/$ARCH-glibc-asan-libbpf$ver-$hash
if [ "${1:-}" = --print-prefix ]; then
	echo "$PREFIX"
	exit 0
fi
if [ -f "$PREFIX/.done" ]; then
	echo "$PREFIX"
	exit 0
fi

apt_retry() { # apt-get, waiting while another apt/dpkg run holds a lock
	local i rc err
	err=$(mktemp)
	for i in $(seq 1 150); do
		rc=0
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$err" || rc=$?
		cat "$err" >&2
		[ $rc != 0 ] || break
		grep -q 'Could not get lock\|Unable to lock\|Unable to acquire' "$err" || break
		log "apt is busy, waiting ($i)"; sleep 2
	done
	rm -f "$err"
	return $rc
}
need=()
for p in clang libelf-dev zlib1g-dev pkg-config make; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	apt_retry -q install -y --no-install-recommends "${need[@]}" >&2 ||
		{ apt_retry -q update >&2; apt_retry -q install -y --no-install-recommends "${need[@]}" >&2; }
fi
# the pinned source: ci/deps.sh fetches and checks it (sha256) with the musl deps
[ -f "$CACHE/src/$orig" ] || "$HERE/deps.sh" "$ARCH" >/dev/null
[ -f "$CACHE/src/$orig" ] || die "missing $CACHE/src/$orig"

B=$(mktemp -d "$CACHE/build/asan-libbpf.XXXXXX")
trap 'rm -rf "$B"' EXIT
tar -C "$B" -xf "$CACHE/src/$orig"
src=$(find "$B" -mindepth 1 -maxdepth 1 -type d | head -n1)
log "building libbpf $ver with ASan+UBSan (glibc) into $PREFIX"
rm -rf "$PREFIX"
make -C "$src/src" -j"$(nproc)" install BUILD_STATIC_ONLY=1 CC=clang \
	CFLAGS="$SAN_FLAGS -Wall -std=gnu89" \
	PREFIX="$PREFIX" LIBDIR="$PREFIX/lib" INCLUDEDIR="$PREFIX/include" >"$B/make.log" 2>&1 ||
	{ tail -n 30 "$B/make.log" >&2; die "libbpf build failed"; }
touch "$PREFIX/.done"
echo "$PREFIX"
