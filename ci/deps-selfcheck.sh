#!/usr/bin/env bash
# ci/deps-selfcheck.sh [ARCH...] - sanity check of the dependency prefixes.
# For each ARCH (default: the native one): build the prefix (ci/deps.sh ARCH),
# compile and statically link a small program calling libbpf, libelf and zlib
# against it with the arch's musl compiler, check that it is a statically
# linked executable of the arch's ELF class, machine and byte order
# (ci/arches), and run it (qemu-user for foreign arches). Prints one
# "PASS"/"FAIL" line per arch and a summary line.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/lib.sh
. "$HERE/lib.sh"
[ $# -gt 0 ] || set -- "$(uname -m)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <libelf.h>
#include <gelf.h>
#include <zlib.h>
#include <linux/if_link.h>

#define STR2(x) #x
#define STR(x) STR2(x)
static const char expect_ver[] = "v" STR(LIBBPF_MAJOR_VERSION) "." STR(LIBBPF_MINOR_VERSION);

int main(void)
{
	unsigned ev = elf_version(EV_CURRENT);
	const char *zv = zlibVersion();
	struct btf *btf = btf__new_empty();
	int id = btf ? btf__add_int(btf, "int", 4, BTF_INT_SIGNED) : -1;

	printf("libbpf %s, libelf EV=%u, zlib %s, btf id %d, XDP_FLAGS_DRV_MODE=%d\n",
	       libbpf_version_string(), ev, zv, id, XDP_FLAGS_DRV_MODE);
	btf__free(btf);
	if (ev == EV_NONE || strcmp(zv, ZLIB_VERSION) != 0 || id != 1)
		return 1;
	if (strcmp(libbpf_version_string(), expect_ver) != 0)
		return 1;
	return 0;
}
EOF

npass=0 nfail=0
for arch in "$@"; do
	if ! prefix=$("$HERE/deps.sh" "$arch" | tail -n1) || [ ! -d "$prefix" ]; then
		echo "FAIL $arch: ci/deps.sh $arch failed"; nfail=$((nfail + 1)); continue
	fi
	cc=$("$HERE/deps.sh" --print-cc "$arch")
	arch_load "$arch"; qemu=$A_QEMU
	out=$tmp/t-$arch
	# shellcheck disable=SC2086 # $cc may carry flags
	if ! $cc -static -O2 -Wall -I"$prefix/include" -idirafter "$prefix/uapi" \
		"$tmp/t.c" -L"$prefix/lib" -lbpf -lelf -lz -o "$out" 2> "$tmp/cc.log"; then
		cat "$tmp/cc.log"; echo "FAIL $arch: compile/link failed"; nfail=$((nfail + 1)); continue
	fi
	desc=$(file -b "$out")
	if ! why=$(python3 "$HERE/arches.py" elfcheck "$out" "$arch"); then
		echo "FAIL $arch: $why ($desc)"; nfail=$((nfail + 1)); continue
	fi
	if [ "$arch" = "$(uname -m)" ]; then run=("$out")
	elif command -v "$qemu" >/dev/null; then run=("$qemu" "$out")
	else echo "FAIL $arch: $qemu not installed (ci/toolchain.sh $arch)"; nfail=$((nfail + 1)); continue
	fi
	if ! msg=$("${run[@]}" 2>&1); then
		echo "FAIL $arch: test program failed: $msg"; nfail=$((nfail + 1)); continue
	fi
	echo "PASS $arch: $msg [$desc]"
	npass=$((npass + 1))
done
echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ]
