#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/version.sh [--dirty] [REV] - xdpcount's version, the one source every
# artefact takes it from (the binary, -V --json, tarball names, the man page,
# the image tag, the Ansible defaults; tests check that they agree):
#
#   X.Y.Z              REV is tagged vX.Y.Z
#   X.Y.Z.N.gHASH      N commits after the tag vX.Y.Z, HASH 12 hex digits
#   0.0.0.N.gHASH      no tag: N is the count of commits up to REV
#   ....dirty          --dirty, and the working tree has uncommitted changes
#
# Only [0-9a-z.] in it: a valid Debian and RPM version and OCI image tag, and
# ordered as dpkg orders versions (a later commit gives a greater N).
# Default REV: HEAD. Outside a git checkout: the VERSION file of a source
# tarball, else "0.0.0.unknown".
set -euo pipefail
cd "$(dirname "$0")/.."
dirty=0
[ "${1:-}" = --dirty ] && { dirty=1; shift; }
rev=${1:-HEAD}
if ! git rev-parse --git-dir >/dev/null 2>&1 || [ ! -e .git ]; then
	cat VERSION 2>/dev/null || echo 0.0.0.unknown
	exit 0
fi
hash=$(git rev-parse --short=12 "$rev")
if d=$(git describe --tags --match 'v[0-9]*.[0-9]*.[0-9]*' --abbrev=12 "$rev" 2>/dev/null); then
	# v1.2.3 or v1.2.3-5-gabcdef012345
	v=${d#v}
	v=${v//-/.}
else
	v=0.0.0.$(git rev-list --count "$rev").g$hash
fi
if [ $dirty = 1 ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	v=$v.dirty
fi
echo "$v"
