#!/bin/bash
# Writes the sha256 of each embedded BPF object (the counter's pair and the
# libxdp dispatchers', versions 2 and 3, both byte orders) as the C header
# loader/objects.c includes, for --version and `objects`, to stdout.
# The Makefile's rule for build/*/gen/objects_sha256.h runs this and depends
# on it: an edit here rebuilds the header.
# Usage: ci/objects_sha256.sh BPFBUILD
set -eu
dir=${1:?usage: $0 BPFBUILD}
sum() { sha256sum "$dir/$1" | cut -d' ' -f1; }
printf '#define XDPCOUNT_SHA256_LITTLE "%s"\n' "$(sum counter.bpfel.o)"
printf '#define XDPCOUNT_SHA256_BIG "%s"\n' "$(sum counter.bpfeb.o)"
for v in 2 3; do
	for o in el:LITTLE eb:BIG; do
		printf '#define XDPCOUNT_SHA256_DISP%s_%s "%s"\n' "$v" "${o#*:}" \
			"$(sum "dispatcher$v.bpf${o%:*}.o")"
	done
done
