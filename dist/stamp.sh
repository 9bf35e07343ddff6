#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/stamp.sh DIR VERSION [DIGEST] - writes the release's version into the
# deployment files of DIR, an unpacked release tarball (dist/build.sh does it
# for every tarball; tests/deploy/run.sh for the releases it makes): the
# Ansible role's default xdpcount_version and its xdpcount_arches (the
# release arch of each architecture Ansible reports: every row of ci/arches,
# each machine name of its uname column to its arch name), and with DIGEST
# (sha256:..., the image's manifest list) the DaemonSet's images,
# VERSION@DIGEST. Each file must change: a pattern that no longer matches
# fails here, not in a fleet.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: dist/stamp.sh DIR VERSION [DIGEST]" >&2; exit 2; }
dir=$1 version=$2 digest=${3:-}
ME=dist/stamp.sh
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../ci/lib.sh"
stamp() { # FILE SED-EXPRESSION
	local before
	before=$(cksum < "$1")
	sed -i "$2" "$1"
	[ "$(cksum < "$1")" != "$before" ] || { echo "dist/stamp.sh: nothing to write in $1" >&2; exit 1; }
}
defaults=$dir/ansible/roles/xdpcount/defaults/main.yml
stamp "$defaults" "s|^\(xdpcount_version: \).*|\1\"$version\"|"
arches=
for a in $(arch_list); do
	arch_load "$a"
	[ -n "$A_UNAME" ] || { echo "dist/stamp.sh: $a: no uname in ci/arches" >&2; exit 1; }
	for u in $A_UNAME; do
		[[ $u =~ ^[a-z0-9_]+$ ]] || { echo "dist/stamp.sh: $a: uname '$A_UNAME' in ci/arches" >&2; exit 1; }
		arches+="\\n  $u: $a"
	done
done
stamp "$defaults" "s|^xdpcount_arches: {}$|xdpcount_arches:$arches|"
if [ -n "$digest" ]; then
	[[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "dist/stamp.sh: '$digest' is no sha256 digest" >&2; exit 1; }
	stamp "$dir/kubernetes/xdpcount-daemonset.yaml" "s|\(image: [^ ]*/xdpcount:\).*|\1$version@$digest|"
fi
