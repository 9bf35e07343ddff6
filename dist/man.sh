#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/man.sh SOURCE VERSION EPOCH: the man page with its .TH date (from
# SOURCE_DATE_EPOCH, so releases stay reproducible) and version filled in,
# on stdout. Used by make (build/xdpcount.8, make install) and dist/build.sh.
set -eu
[ $# -eq 3 ] || { echo "usage: dist/man.sh SOURCE VERSION EPOCH" >&2; exit 2; }
date=$(date -u -d "@$3" +%Y-%m-%d)
sed -e "s/@DATE@/$date/" -e "s/@VERSION@/$2/" "$1"
