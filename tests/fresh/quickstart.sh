#!/usr/bin/env bash
# shellcheck disable=SC2015 # say ok ... || say FAIL: say ok never fails
# tests/fresh/quickstart.sh DIR - the README's quick start, run as written,
# from the release in DIR (make dist's output: this arch's tarball and
# SHA256SUMS are all it takes, as a user downloads them), in a fresh root.
#
# The root is new and empty but for what a minimal Debian brings: the host's
# /usr (bound in, so no network and no debootstrap is needed), an empty
# /usr/local on a tmpfs, an /etc of its own (no xdpcount, no unit), /proc,
# /sys and /dev. A private mount namespace is pivoted into it (pivot_root,
# not only chroot: the root is then the namespace's own, so the selftest
# may create namespaces), and a network namespace of its own holds only lo
# (check --selftest makes its own veth pair; no host interface is seen).
# Then the lines between <!-- quick-start begin --> and <!-- quick-start
# end --> of README.md run in /root/dl with bash -e, and the test checks
# what they installed. The systemctl lines after the block need a booted
# systemd and are not run (tests/deploy verifies the unit).
# Exit 0 when all passed; prints one line per check.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:?usage: tests/fresh/quickstart.sh DIR}
ARCH=$(uname -m)
fails=0
say() { echo "  $1  $2"; [ "$1" = ok ] || fails=$((fails + 1)); }

[ "$(id -u)" = 0 ] || { say FAIL "quick start: needs root (mount and network namespaces)"; exit 1; }
tgz=("$OUT"/xdpcount-*-linux-"$ARCH".tar.gz)
[ -f "${tgz[0]}" ] && [ ${#tgz[@]} = 1 ] && [ -f "$OUT/SHA256SUMS" ] ||
	{ say FAIL "quick start: no single $ARCH tarball and SHA256SUMS in $OUT"; exit 1; }
block=$(sed -n '/<!-- quick-start begin -->/,/<!-- quick-start end -->/p' "$TOP/README.md" |
	sed '1d;$d' | sed '1{/^```/d};${/^```$/d}')
[ "$(wc -l <<<"$block")" -ge 5 ] || { say FAIL "quick start: no block in README.md"; exit 1; }

ROOT=$(mktemp -d /tmp/xdpcount-quickstart.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT"/{usr,etc,proc,sys,dev,tmp,run,var/tmp,root/dl}
for l in bin sbin lib lib64; do [ -L "/$l" ] && ln -s "usr/$l" "$ROOT/$l"; done
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\n' >"$ROOT/etc/group"
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
cp "${tgz[0]}" "$OUT/SHA256SUMS" "$ROOT/root/dl/"

# shellcheck disable=SC2016 # expanded by the inner bash
unshare -m -n --propagation private bash -euc '
	R=$1 block=$2
	mount --bind "$R" "$R"
	mount --rbind /usr "$R/usr"
	mount -t tmpfs tmpfs "$R/usr/local"
	for d in proc sys dev; do mount --rbind "/$d" "$R/$d"; done
	ip link set lo up
	cd "$R"
	pivot_root . .
	umount -l .
	exec chroot . /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -ec "cd /root/dl
			$block
			echo __version \$(xdpcount -V | head -n 1)
			ls /usr/local/bin/xdpcount /usr/local/share/man/man8/xdpcount.8 \
				/etc/systemd/system/xdpcount@.service | sed s/^/__installed\ /"
' quickstart "$ROOT" "$block" >"$ROOT.log" 2>&1
rc=$?
version=$(tar -tzf "${tgz[0]}" | head -n 1 | sed -E 's|^xdpcount-(.*)-linux-[^/]*/.*|\1|')
if [ $rc = 0 ]; then say ok "quick start: the README's block ran as written (exit 0)"
else say FAIL "quick start: the README's block failed (exit $rc): $(grep -v '^__' "$ROOT.log" | tail -n 3 | tr '\n' ' ')"; fi
grep -q ': OK$' "$ROOT.log" &&
	say ok "quick start: sha256sum -c verified the tarball" ||
	say FAIL "quick start: sha256sum -c said no OK"
grep -qE '✓ selftest native +10000 of 10000 frames counted' "$ROOT.log" &&
	say ok "quick start: check --selftest counted 10000 of 10000 frames" ||
	say FAIL "quick start: check --selftest did not count (see below)"
grep -qE '^verdict: (ok|degraded)$' "$ROOT.log" && say ok "quick start: a verdict ok or degraded" ||
	say FAIL "quick start: no good verdict"
[ "$(grep -c '^__installed ' "$ROOT.log")" = 3 ] &&
	say ok "quick start: binary, man page and unit installed where the README says" ||
	say FAIL "quick start: not everything installed"
grep -q "^__version xdpcount $version " "$ROOT.log" &&
	say ok "quick start: the installed binary is the release's ($version)" ||
	say FAIL "quick start: xdpcount -V is not $version"
[ $fails = 0 ] || sed 's/^/    | /' "$ROOT.log"
rm -f "$ROOT.log"
exit $((fails > 0))
