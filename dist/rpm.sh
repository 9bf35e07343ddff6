#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# dist/rpm.sh DIR ARCH VERSION OUTDIR - an RPM package of one release binary,
# from DIR, an unpacked binary tarball (as dist/deb.sh), built with Debian's
# rpmbuild (package rpm). Prints the .rpm's path.
#
# The same files as the .deb, in the RPM distributions' places: /usr/bin,
# /usr/lib/systemd/system/xdpcount@.service (the template: no instance is
# enabled or started), man page, completion, %license and %doc (README.md,
# HACKING.md and docs/, whose links tests/deploy/run.sh checks). No Requires
# (a static binary; AutoReqProv off). The scriptlets only reload systemd
# where it runs, stop the instances on erase and try-restart them on
# upgrade. Reproducible: build time and every mtime SOURCE_DATE_EPOCH.
# rpmlint (bookworm's 2.4) has nothing to say with dist/rpmlint.toml, whose
# filters each say why (tests/deploy/run.sh runs it). DEB_MAINTAINER, as for
# dist/deb.sh, is the Packager and the changelog's author.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ME=rpm
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"
rpm_arch() { arch_need "$1"; echo "$A_RPM"; } # ARCH: its RPM name (ci/arches: rpm)
# dist/rpm.sh --arch ARCH: just that (for the tests)
if [ "${1:-}" = --arch ]; then rpm_arch "$2"; exit 0; fi
[ $# = 4 ] || { echo "usage: dist/rpm.sh DIR ARCH VERSION OUTDIR | --arch ARCH" >&2; exit 2; }
SRC=$(cd "$1" && pwd) ARCH=$2 VERSION=$3 OUT=$4
RARCH=$(rpm_arch "$ARCH")
EPOCH=${SOURCE_DATE_EPOCH:-$(date +%s)}
MAINT=${DEB_MAINTAINER:-xdpcount maintainers <maintainers@xdpcount.invalid>}
command -v rpmbuild >/dev/null || apt_install rpm >&2 || die "rpmbuild is missing and could not be installed (Debian's rpm)"
[[ $VERSION =~ ^[0-9A-Za-z.+~^_]+$ ]] || die "'$VERSION' is no RPM version"
for f in xdpcount xdpcount.8 xdpcount.bash-completion README.md HACKING.md LICENSE; do
	[ -f "$SRC/$f" ] || die "$SRC/$f is missing (an unpacked release tarball?)"
done
[ -d "$SRC/docs" ] || die "$SRC/docs is missing (an unpacked release tarball?)"
[ -n "$(find "$SRC" -maxdepth 1 -name 'xdpcount*.service')" ] ||
	die "$SRC has no xdpcount*.service (an unpacked release tarball?)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/xdpcount-rpm.XXXXXX")
trap 'rm -rf "$W"' EXIT

cat > "$W/xdpcount.spec" <<'EOF'
Name:           xdpcount
Version:        %{xver}
Release:        1
Summary:        XDP packet counter that checks whether XDP works first
License:        GPL-2.0-only OR BSD-2-Clause
URL:            https://xdpcount.invalid/
Group:          System Environment/Daemons
Packager:       %{xmaint}
AutoReqProv:    no
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _build_id_links none

%description
xdpcount probes whether XDP works on this machine (kernel, driver,
privileges) and says why not, counts packets and bytes per interface with
the cheapest data path the kernel allows (XDP native or generic, tcx,
clsact tc), serves Prometheus metrics or writes node_exporter textfiles,
and leaves nothing behind. One static binary, no dependencies.

The systemd template unit xdpcount@.service counts on one interface per
instance; the package enables and starts none (systemctl enable --now
xdpcount@eth0).

%install
s=%{xsrc}
install -D -m 755 $s/xdpcount %{buildroot}/usr/bin/xdpcount
install -D -m 644 $s/xdpcount.8 %{buildroot}/usr/share/man/man8/xdpcount.8
gzip -9 -n %{buildroot}/usr/share/man/man8/xdpcount.8
install -D -m 644 $s/xdpcount.bash-completion %{buildroot}/usr/share/bash-completion/completions/xdpcount
mkdir -p %{buildroot}/usr/lib/systemd/system %{buildroot}/usr/share/doc/xdpcount/examples/systemd
for f in $s/xdpcount*.service; do
	sed 's|/usr/local/bin/xdpcount|/usr/bin/xdpcount|g' $f > %{buildroot}/usr/lib/systemd/system/${f##*/}
done
for f in $s/systemd/*.conf; do
	sed 's|/usr/local/bin/xdpcount|/usr/bin/xdpcount|g' $f > %{buildroot}/usr/share/doc/xdpcount/examples/systemd/${f##*/}
done
for d in prometheus grafana docs; do
	[ -d $s/$d ] && cp -R $s/$d %{buildroot}/usr/share/doc/xdpcount/
done
# README.md links to HACKING.md and docs/ (RPM leaves docs uncompressed)
install -m 644 $s/README.md $s/HACKING.md %{buildroot}/usr/share/doc/xdpcount/
mkdir -p %{buildroot}/usr/share/licenses/xdpcount
install -m 644 $s/LICENSE %{buildroot}/usr/share/licenses/xdpcount/
[ -d $s/licenses ] && cp -R $s/licenses %{buildroot}/usr/share/licenses/xdpcount/
find %{buildroot} -exec touch -h -d @%{xepoch} {} +

%files
/usr/bin/xdpcount
/usr/share/man/man8/xdpcount.8.gz
/usr/share/bash-completion/completions/xdpcount
/usr/lib/systemd/system/xdpcount*.service
/usr/share/doc/xdpcount
/usr/share/licenses/xdpcount

%post
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || :; fi

%preun
if [ $1 -eq 0 ] && [ -d /run/systemd/system ]; then
	systemctl stop 'xdpcount@*.service' >/dev/null 2>&1 || :
fi

%postun
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || :
	if [ $1 -ge 1 ]; then systemctl try-restart 'xdpcount@*.service' >/dev/null 2>&1 || :; fi
fi

%changelog
* %{xdate} %{xmaint} - %{xver}-1
- Release %{xver} (dist/rpm.sh).
EOF

SOURCE_DATE_EPOCH=$EPOCH rpmbuild -bb --quiet --target "$RARCH-linux" \
	--define "_topdir $W/top" --define "xver $VERSION" --define "xsrc $SRC" --define "xepoch $EPOCH" \
	--define "xmaint $MAINT" --define "xdate $(date -u -d "@$EPOCH" '+%a %b %d %Y')" \
	--define "use_source_date_epoch_as_buildtime 1" --define "clamp_mtime_to_source_date_epoch 1" \
	--define "_buildhost reproducible" --define "_rpmdir $W/rpms" --define "_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	--define "_binary_payload w9.xzdio" \
	"$W/xdpcount.spec" >"$W/log" 2>&1 || { cat "$W/log" >&2; die "rpmbuild failed"; }
RPM=$OUT/xdpcount-$VERSION-1.$RARCH.rpm
mv -f "$W/rpms/xdpcount-$VERSION-1.$RARCH.rpm" "$RPM"
echo "$RPM"
