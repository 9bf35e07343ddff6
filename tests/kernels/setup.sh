#!/usr/bin/env bash
# tests/kernels/setup.sh - install what the kernel matrix needs, if missing:
# the qemu-system package of every arch in ci/arches, and the tools that
# fetch, unpack and pack kernels. (Each arch's compiler for the guest's /init
# comes from ci/toolchain.sh, which run.sh calls.)
# A warm run (everything present) is instant: only dpkg-query is consulted.
set -euo pipefail
ME=setup  # for ci/lib.sh's log and die
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../ci/lib.sh"

pkgs=(cpio xz-utils zstd kmod python3 gzip binutils ca-certificates debian-archive-keyring)
for a in $(arch_list); do
	arch_load "$a"
	[[ " ${pkgs[*]} " == *" $A_QPKG "* ]] || pkgs+=("$A_QPKG")
done
apt_install "${pkgs[@]}"
