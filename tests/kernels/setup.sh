#!/bin/sh
# tests/kernels/setup.sh - install what the kernel matrix needs, if missing.
# Warm run (everything present) is instant: only dpkg-query is consulted.
set -eu

PKGS="qemu-system-x86 qemu-system-arm qemu-system-misc cpio xz-utils zstd
      kmod python3 gzip binutils ca-certificates
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      gcc-s390x-linux-gnu libc6-dev-s390x-cross"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

echo "setup: installing:$missing" >&2
[ "$(id -u)" = 0 ] || { echo "setup: need root to install:$missing" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Another process may hold the apt/dpkg locks; apt waits for them itself.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
# Only refresh the lists if a package is unknown to them.
need_update=0
for p in $missing; do
    apt-cache show "$p" >/dev/null 2>&1 || need_update=1
done
[ $need_update = 1 ] && apt_get update -qq
apt_get install -y -qq --no-install-recommends $missing >&2
