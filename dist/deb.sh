#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/deb.sh DIR ARCH VERSION OUTDIR - a Debian package of one release
# binary, from DIR, an unpacked binary tarball (dist/build.sh stages them),
# with Debian's own dpkg-deb. Prints the .deb's path.
#
#   /usr/bin/xdpcount                         the static binary (no Depends)
#   /usr/share/man/man8/xdpcount.8.gz
#   /usr/share/bash-completion/completions/xdpcount
#   /lib/systemd/system/xdpcount@.service     the template: no instance is
#                                             enabled or started by the
#                                             package (systemctl enable
#                                             --now xdpcount@eth0 does)
#   /usr/share/doc/xdpcount/                  copyright (DEP-5), changelog,
#                                             README.md, HACKING.md, docs/
#                                             (uncompressed: they link to
#                                             each other), licences of the
#                                             linked libraries, examples/
#                                             (systemd drop-ins, Prometheus
#                                             rules, Grafana dashboard)
#
# The maintainer scripts only reload systemd where it runs, stop the
# instances on removal and restart running ones on upgrade (through
# deb-systemd-invoke), and remove the instances' textfiles on purge. Reproducible: every mtime is
# SOURCE_DATE_EPOCH (default: now), owners root, gzip -n. Bookworm's lintian
# has nothing to say at any level, pedantic and experimental included, but
# for four overridden tags, each with its reason: those of a static binary
# (statically-linked-binary, embedded-library zlib), the linked libraries'
# licence files (extra-license-file) and a systemd-only unit
# (package-supports-alternative-init-but-no-init.d-script); tests/deploy/run.sh
# runs it so.
#
# Environment: DEB_MAINTAINER (the control file's Maintainer).
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
[ $# = 4 ] || { echo "usage: dist/deb.sh DIR ARCH VERSION OUTDIR" >&2; exit 2; }
SRC=$(cd "$1" && pwd) ARCH=$2 VERSION=$3 OUT=$4
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ME=deb
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"
arch_need "$ARCH"
DEBARCH=$A_DEBARCH
EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
MAINT=${DEB_MAINTAINER:-xdpcount maintainers <maintainers@xdpcount.invalid>}
for t in dpkg-deb gzip sed; do command -v $t >/dev/null || die "$t is missing"; done
dpkg --validate-version "$VERSION" 2>/dev/null || die "'$VERSION' is no Debian version"
for f in xdpcount xdpcount.8 xdpcount.bash-completion README.md HACKING.md LICENSE; do
	[ -f "$SRC/$f" ] || die "$SRC/$f is missing (an unpacked release tarball?)"
done
[ -d "$SRC/docs" ] || die "$SRC/docs is missing (an unpacked release tarball?)"
UNITS=("$SRC"/xdpcount*.service)   # the release's units, whichever it has
[ -f "${UNITS[0]}" ] || die "$SRC has no xdpcount*.service (an unpacked release tarball?)"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/xdpcount-deb.XXXXXX")
trap 'rm -rf "$W"' EXIT
P=$W/pkg
D=$P/usr/share/doc/xdpcount
gz() { gzip -9 -n -c "$1" > "$2" && chmod 644 "$2"; }
# the unit and drop-ins run /usr/bin/xdpcount
usr() { sed 's|/usr/local/bin/xdpcount|/usr/bin/xdpcount|g' "$1" > "$2" && chmod 644 "$2"; }

install -D -m 755 "$SRC/xdpcount" "$P/usr/bin/xdpcount"
mkdir -p "$P/usr/share/man/man8" "$P/usr/share/bash-completion/completions" \
	"$P/lib/systemd/system" "$D/examples/systemd"
gz "$SRC/xdpcount.8" "$P/usr/share/man/man8/xdpcount.8.gz"
install -m 644 "$SRC/xdpcount.bash-completion" "$P/usr/share/bash-completion/completions/xdpcount"
for f in "${UNITS[@]}"; do usr "$f" "$P/lib/systemd/system/$(basename "$f")"; done
for f in "$SRC"/systemd/*.conf; do usr "$f" "$D/examples/systemd/$(basename "$f")"; done
for dir in prometheus grafana; do
	[ -d "$SRC/$dir" ] || continue
	mkdir -p "$D/examples/$dir"
	install -m 644 "$SRC/$dir"/* "$D/examples/$dir/"
done
# The pages (README.md, HACKING.md, docs/*.md) link to each other, so they
# stay as they are, uncompressed (as dh_compress leaves HTML: compressed,
# every link would go nowhere); lintian accepts it, and tests/deploy/run.sh
# checks every link of the installed pages. Anything else in docs/ is gzipped.
install -m 644 "$SRC/README.md" "$SRC/HACKING.md" "$D/"
mkdir -p "$D/docs"
for f in "$SRC"/docs/*; do
	case $f in
	*.md) install -m 644 "$f" "$D/docs/" ;;
	*) gz "$f" "$D/docs/$(basename "$f").gz" ;;
	esac
done
if [ -d "$SRC/licenses" ]; then
	cp -R "$SRC/licenses" "$D/licenses"
	# lintian: the texts of GPL, LGPL are in /usr/share/common-licenses;
	# kept here as shipped (they are the libraries' own files), compressed
	find "$D/licenses" -type f -size +4k -exec gzip -9 -n {} +
fi

# copyright (DEP-5): ours, and what the static binary links in
{
	cat <<-EOF
	Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
	Upstream-Name: xdpcount
	Comment: The binary is statically linked with libbpf (LGPL-2.1 or
	 BSD-2-clause), libelf of elfutils (GPL-2+ or LGPL-3+), zlib (Zlib) and
	 musl (MIT). Their licence texts, as shipped with them, are in
	 /usr/share/doc/xdpcount/licenses/; the release's SBOM lists their
	 versions and checksums, and the release's third-party sources tarball
	 holds their sources.

	Files: *
	Copyright: $(date -u -d "@$EPOCH" +%Y) The xdpcount authors
	License: GPL-2 or BSD-2-clause

	License: GPL-2
	 This program is free software; you can redistribute it and/or modify it
	 under the terms of the GNU General Public License, version 2, as
	 published by the Free Software Foundation.
	 .
	 On Debian systems, the complete text of the GNU General Public License
	 version 2 can be found in /usr/share/common-licenses/GPL-2.

	License: BSD-2-clause
	EOF
	# the BSD text of LICENSE, as a DEP-5 paragraph body
	awk '/^BSD 2-Clause License/ { on = 1; getline; next }
	     on && /^=+$/ && seen { exit }
	     on && /^Copyright/ { seen = 1 }
	     on && seen { print }' "$SRC/LICENSE" |
		sed -e 's/^$/./' -e 's/^/ /' | sed -e :a -e '/^ \.$/{$d;N;ba' -e '}'
} > "$D/copyright"
chmod 644 "$D/copyright"
grep -q 'THIS SOFTWARE IS PROVIDED' "$D/copyright" || die "no BSD licence text found in $SRC/LICENSE"

# changelog (native package: changelog.gz), dated SOURCE_DATE_EPOCH
cat > "$W/changelog" <<-EOF
xdpcount ($VERSION) unstable; urgency=medium

  * Release $VERSION (dist/deb.sh).

 -- $MAINT  $(date -u -R -d "@$EPOCH")
EOF
gz "$W/changelog" "$D/changelog.gz"

mkdir -p "$P/usr/share/lintian/overrides"
cat > "$P/usr/share/lintian/overrides/xdpcount" <<-'EOF'
# one static musl binary by design: it runs on any distribution and kernel,
# with libbpf and libelf pinned (the release's SBOM lists them)
xdpcount: statically-linked-binary [usr/bin/xdpcount]
xdpcount: embedded-library zlib [usr/bin/xdpcount]
# the linked libraries' own licence files, as the release tarball ships them
xdpcount: extra-license-file [usr/share/doc/xdpcount/licenses/*]
# systemd only: the units grant the capabilities and sandbox xdpcount runs
# with; without systemd, run it by hand (no SysV script to keep in step)
xdpcount: package-supports-alternative-init-but-no-init.d-script [lib/systemd/system/xdpcount.service]
EOF
chmod 644 "$P/usr/share/lintian/overrides/xdpcount"

# ---------------------------------------------------------------- control
C=$P/DEBIAN
mkdir -p "$C"
SIZE=$(du -k -s --apparent-size "$P" | cut -f1)
cat > "$C/control" <<-EOF
Package: xdpcount
Version: $VERSION
Architecture: $DEBARCH
Maintainer: $MAINT
Installed-Size: $SIZE
Section: net
Priority: optional
Homepage: https://xdpcount.invalid/
Description: XDP packet counter that checks whether XDP works first
 xdpcount probes whether XDP works on this machine (kernel, driver,
 privileges) and says why not, counts packets and bytes per interface
 with the cheapest data path the kernel allows (XDP native or generic,
 tcx, clsact tc), serves Prometheus metrics or writes node_exporter
 textfiles, and leaves nothing behind. One static binary, no dependencies.
 .
 The systemd template unit xdpcount@.service counts on one interface per
 instance; the package enables and starts none (systemctl enable --now
 xdpcount@eth0).
EOF
# systemd is not needed: every step below is skipped where it does not run
cat > "$C/postinst" <<-'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
	# instances already running take the new binary (an upgrade)
	if [ -n "$2" ] && command -v deb-systemd-invoke >/dev/null; then
		deb-systemd-invoke try-restart 'xdpcount@*.service' >/dev/null || true
	fi
fi
EOF
cat > "$C/prerm" <<-'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ] && command -v deb-systemd-invoke >/dev/null; then
	deb-systemd-invoke stop 'xdpcount@*.service' >/dev/null || true
fi
EOF
cat > "$C/postrm" <<-'EOF'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = purge ]; then
	# the last textfiles of the instances (systemd/textfile.conf)
	rm -f /var/lib/prometheus/node-exporter/xdpcount-*.prom
fi
EOF
chmod 755 "$C/postinst" "$C/prerm" "$C/postrm"
(cd "$P" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) > "$C/md5sums"
chmod 644 "$C/control" "$C/md5sums"

find "$P" -exec touch -h -d "@$EPOCH" {} +
DEB=$OUT/xdpcount_${VERSION}_$DEBARCH.deb
SOURCE_DATE_EPOCH=$EPOCH dpkg-deb --root-owner-group -Zxz --build "$P" "$DEB" >/dev/null
echo "$DEB"
