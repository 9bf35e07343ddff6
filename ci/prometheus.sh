#!/usr/bin/env bash
# ci/prometheus.sh - Debian's prometheus (with promtool) and
# prometheus-node-exporter for the tests, unpacked into the cache and never
# installed: installing them would start system daemons on :9090 and :9100
# (init scripts), which tests must not do on a shared machine. The packages
# come from the system's own Debian suite through ci/apt-private.sh.
#
#   ci/prometheus.sh      prints the directory holding prometheus, promtool
#                         and prometheus-node-exporter
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ci/cache.sh
. "$HERE/cache.sh"   # CACHE

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || { echo "prometheus.sh: no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }
arch=$(dpkg --print-architecture)
dir=$CACHE/prometheus/$suite-$arch
bin=$dir/root/usr/bin

have() { [ -x "$bin/prometheus" ] && [ -x "$bin/promtool" ] && [ -x "$bin/prometheus-node-exporter" ]; }

if ! have; then
	mkdir -p "$dir"
	exec 9>"$dir/.lock"
	flock 9
	if ! have; then
		rm -rf "$dir/debs" "$dir/root.new"
		"$HERE/apt-private.sh" download "$dir/debs" "$suite" "$arch" \
			prometheus prometheus-node-exporter >&2
		mkdir -p "$dir/root.new"
		for deb in "$dir"/debs/*.deb; do
			dpkg-deb -x "$deb" "$dir/root.new"
		done
		# bookworm ships promtool inside prometheus; trixie in its own package
		if [ ! -x "$dir/root.new/usr/bin/promtool" ]; then
			rm -rf "$dir/debs"
			"$HERE/apt-private.sh" download "$dir/debs" "$suite" "$arch" promtool >&2
			dpkg-deb -x "$dir"/debs/promtool_*.deb "$dir/root.new"
		fi
		rm -rf "$dir/root"
		mv "$dir/root.new" "$dir/root"
		rm -rf "$dir/debs"
	fi
	have || { echo "prometheus.sh: binaries missing after unpacking" >&2; exit 1; }
fi
echo "$bin"
