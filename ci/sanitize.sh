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
ME=sanitize.sh
. "$ROOT/ci/lib.sh"
ARCH=$(uname -m)
LIBBPF_SAN_FLAGS="-fsanitize=address -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"

orig=$(awk '$1 == "libbpf" { print $4 }' "$ROOT/deps.lock")
ver=$(awk '$1 == "libbpf" { print $3 }' "$ROOT/deps.lock")
hash=$(printf '%s\n' "$orig" "$LIBBPF_SAN_FLAGS" "$(cat "$HERE/sanitize.sh")" | sha256sum | cut -c1-10)
PREFIX=$CACHE/deps/$ARCH-glibc-asan-libbpf$ver-$hash
if [ "${1:-}" = --print-prefix ]; then
	echo "$PREFIX"
	exit 0
fi
# libclang-rt-dev: the ASan/UBSan (and libFuzzer) runtimes of the default
# clang, only a recommendation of clang, so absent on a fresh machine. Checked
# on every run (cheap when installed): linking xdpcount needs it too.
apt_install clang libclang-rt-dev libelf-dev zlib1g-dev pkg-config make >&2

if [ -f "$PREFIX/.done" ]; then
	echo "$PREFIX"
	exit 0
fi
# the pinned source: ci/deps.sh fetches and checks it (sha256) with the musl deps
[ -f "$CACHE/src/$orig" ] || "$HERE/deps.sh" "$ARCH" >/dev/null
[ -f "$CACHE/src/$orig" ] || die "missing $CACHE/src/$orig"

mkdir -p "$CACHE/build"
B=$(mktemp -d "$CACHE/build/asan-libbpf.XXXXXX")
trap 'rm -rf "$B"' EXIT
tar -C "$B" -xf "$CACHE/src/$orig"
src=$(find "$B" -mindepth 1 -maxdepth 1 -type d | head -n1)
log "building libbpf $ver with ASan+UBSan (glibc) into $PREFIX"
rm -rf "$PREFIX"
# libbpf with ASan only, not UBSan: clang 19 (trixie) reports libbpf
# 1.5.0's offsetofend() in btf_ext_parse (on every object with .BTF.ext) as
# a member access within a null pointer, even with -fno-sanitize=null. That
# is third-party code; our own code keeps ASan+UBSan (Makefile SAN_FLAGS).
make -C "$src/src" -j"$(nproc)" install BUILD_STATIC_ONLY=1 CC=clang \
	CFLAGS="$LIBBPF_SAN_FLAGS -Wall -std=gnu89" \
	PREFIX="$PREFIX" LIBDIR="$PREFIX/lib" INCLUDEDIR="$PREFIX/include" >"$B/make.log" 2>&1 ||
	{ tail -n 30 "$B/make.log" >&2; die "libbpf build failed"; }
touch "$PREFIX/.done"
echo "$PREFIX"
