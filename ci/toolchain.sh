#!/usr/bin/env bash
# ci/toolchain.sh [ARCH...] - install (as root, idempotently) what xdpcount's
# build needs: the native musl/clang/bpftool toolchain and, for each ARCH
# other than the native one, that arch's cross toolchain (gcc cross compiler,
# musl-dev for the arch, cross kernel UAPI headers, qemu-user-static).
#
# A warm run checks with one dpkg-query call and runs no apt-get at all.
# ARCH: an arch of ci/arches.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/lib.sh
. "$HERE/lib.sh"
NATIVE_ARCH=$(uname -m)

# Native build packages: the project's build, and what ci/deps.sh needs to
# fetch (apt-get source, dpkg-dev, debian-archive-keyring) and build the deps
# (musl-gcc, make, m4/gawk/pkg-config for configure, bzip2/xz/gzip for the
# tarballs).
PKGS=(
	clang llvm musl musl-dev musl-tools bpftool linux-libc-dev libc6-dev gcc make
	dpkg-dev xz-utils bzip2 gzip tar file iproute2 m4 pkg-config gawk
	debian-archive-keyring util-linux python3
)

# Arches whose musl comes from a private sysroot (ci/arches: muslsrc
# sysroot:...), e.g. armhf and ppc64el, whose (security) indexes are not
# reliably served by the archive - a foreign arch whose index fails breaks the
# system's `apt-get update` for everybody - and riscv64, not in bookworm.
ADD_ARCHES=() SYSROOT=()
for arch in "$@"; do
	arch_need "$arch"
	[ "$arch" = "$NATIVE_ARCH" ] && continue
	PKGS+=("gcc-$A_GNU" "binutils-$A_GNU" "linux-libc-dev-$A_DEBARCH-cross" qemu-user-static)
	if [ "$A_MUSLSRC" = system ]; then
		PKGS+=("musl-dev:$A_DEBARCH" "musl:$A_DEBARCH")
		ADD_ARCHES+=("$A_DEBARCH")
	else
		SYSROOT+=("$arch")
	fi
done

# ---- warm check: everything installed? (no apt-get)
missing() {
	local want have
	# dpkg-query fails when any package is unknown: that is the answer, not an
	# error (and under errexit it would end this function with no output)
	have=$({ dpkg-query -W -f='${db:Status-Abbrev} ${binary:Package}\n' "${PKGS[@]}" 2>/dev/null || true; } \
		| awk '$1 == "ii" { print $2 }' | sed 's/:'"$(dpkg --print-architecture)"'$//')
	for want in "${PKGS[@]}"; do
		grep -qxF "${want%:"$(dpkg --print-architecture)"}" <<< "$have" || echo "$want"
	done
}

mapfile -t todo < <(missing)
if [ ${#todo[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing packages (${todo[*]}) and not root"
	for a in "${ADD_ARCHES[@]}"; do
		if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
			log "dpkg --add-architecture $a"
			dpkg --add-architecture "$a"
		fi
	done
	log "installing: ${todo[*]}"
	# an index that fails to download is reported but need not stop us: the
	# install below says whether what we need is there
	apt_retry -q update || log "warning: apt-get update reported errors, trying the install anyway"
	apt_retry -q install -y --no-install-recommends "${todo[@]}"
	mapfile -t todo < <(missing)
	[ ${#todo[@]} -eq 0 ] || die "still missing after install: ${todo[*]}"
fi

# ---- private musl sysroots for arches without a usable bookworm musl-dev
for arch in "${SYSROOT[@]}"; do
	"$HERE/toolchain-sysroot.sh" "$arch"
done
exit 0
