#!/usr/bin/env bash
# tests/fresh/run.sh [SUITE] - make test-fresh: the README's set-up, the way a
# new user meets it, in a clean Debian root filesystem.
#
#   1. a minimal root filesystem (debootstrap --variant=minbase SUITE, plus
#      git, make, ca-certificates, iproute2, python3, procps; the archive URI
#      is read from this system's apt sources), cached as a tarball under
#      $XDPCOUNT_CACHE/fresh/ and unpacked anew for every run;
#   2. a clone of the current commit in /root/xdpcount inside it;
#   3. inside a chroot with /proc, /sys, /dev and bpffs bound in (a private
#      mount namespace whose root is pivoted there, so nothing stays mounted
#      and the root is a real one): `make test`, then
#      `make run IFACE=veth0 ARGS='-c 3'` on a veth pair in a network
#      namespace of this test's own.
# It passes only if both succeed, and prints how long each took.
# SUITE: bookworm (default) or trixie. Slow (cold caches inside the root):
# not part of make test. SUITES="unit integration" runs only those suites of
# its make test.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC2034 # read by ci/lib.sh
ME=test-fresh
# shellcheck source=ci/lib.sh
. "$TOP/ci/lib.sh"

SUITE=${1:-bookworm}
case $SUITE in
bookworm|trixie) ;;
*) die "unknown SUITE '$SUITE' (bookworm or trixie)" ;;
esac
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, network namespaces)"
INCLUDE=git,make,ca-certificates,iproute2,python3,procps
RUN_ARGS='-j -c 3'

apt_install debootstrap debian-archive-keyring util-linux iproute2 git
URI=$("$TOP/ci/apt-private.sh" uri)
SEC_URI=$("$TOP/ci/apt-private.sh" uri bookworm-security 2>/dev/null) || SEC_URI=$URI-security

# ---------------------------------------------------------------- root image
# The image depends on the suite, the package list and the archive URI.
key=$(printf '%s\n' "$SUITE" "$INCLUDE" "$URI" "$SEC_URI" | sha256sum | cut -c1-10)
IMG=$CACHE/fresh/$SUITE-minbase-$key.tar
mkdir -p "$CACHE/fresh"
if [ ! -f "$IMG" ]; then
	t0=$SECONDS
	tmp=$CACHE/fresh/.build-$SUITE-$$
	rm -rf "$tmp"
	log "debootstrap --variant=minbase $SUITE from $URI"
	debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$tmp" "$URI" >"$CACHE/fresh/debootstrap-$SUITE.log" 2>&1 ||
		{ tail -n 20 "$CACHE/fresh/debootstrap-$SUITE.log" >&2; rm -rf "$tmp"; die "debootstrap $SUITE failed"; }
	# what the Debian installer writes on a server: main, -updates, -security
	cat > "$tmp/etc/apt/sources.list" <<-EOF
	deb $URI $SUITE main
	deb $URI $SUITE-updates main
	deb $SEC_URI $SUITE-security main
	EOF
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_*
	tar -C "$tmp" -cf "$IMG.tmp" . && mv "$IMG.tmp" "$IMG"
	rm -rf "$tmp"
	log "root image $IMG built in $((SECONDS - t0)) s"
fi

# ---------------------------------------------------------------- this run
ROOT=$CACHE/fresh/root-$SUITE
NS=xdpfresh$$
# in_our_root PID: true when the process lives in $ROOT: chrooted there, or in
# a mount namespace whose / is $ROOT pivoted (its mountinfo says so).
in_our_root() {
	local r
	r=$(readlink "/proc/$1/root" 2>/dev/null) || return 1
	case $r in "$ROOT"|"$ROOT"/*) return 0 ;; esac
	awk -v r="$ROOT" '$4 == r && $5 == "/" { f = 1 } END { exit !f }' "/proc/$1/mountinfo" 2>/dev/null
}

# kill_in_root: ends every process that lives in $ROOT (what an interrupted
# run left running), so the root can be removed.
kill_in_root() {
	local p _
	for _ in 1 2 3 4 5; do
		local pids=()
		for p in /proc/[0-9]*; do
			[ "${p#/proc/}" != $$ ] && in_our_root "${p#/proc/}" && pids+=("${p#/proc/}")
		done
		[ ${#pids[@]} -eq 0 ] && return 0
		kill -9 "${pids[@]}" 2>/dev/null || true
		sleep 1
	done
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	kill_in_root
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT

kill_in_root
rm -rf "$ROOT"
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$IMG"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
git clone -q --no-local "$TOP" "$ROOT/root/xdpcount"
git -C "$ROOT/root/xdpcount" checkout -q "$(git -C "$TOP" rev-parse HEAD)"
log "$SUITE root in $ROOT, xdpcount at $(git -C "$TOP" rev-parse --short HEAD)"

# in_root CMD: runs CMD with bash in /root/xdpcount inside the chroot, as a
# fresh login would (clean environment), with /proc, /sys, /dev bound in and a
# bpffs on /sys/fs/bpf. The mounts live in a private mount namespace and go
# away with it.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare -m --propagation private bash -euc '
		R=$1; shift
		# the root is a mount point, as on a real machine (ip netns needs it)
		mount --bind "$R" "$R"
		for d in proc sys dev; do mount --rbind "/$d" "$R/$d"; done
		[ "$(stat -f -c %T "$R/sys/fs/bpf" 2>/dev/null)" = bpf_fs ] ||
			mount -t bpf bpf "$R/sys/fs/bpf"
		# pivot_root, not only chroot: the root is then the mount namespace'"'"'s
		# own, as on a real machine (a chrooted process may not create a user
		# namespace, for one); the old root is detached
		cd "$R"
		pivot_root . .
		umount -l .
		exec chroot . /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			bash -c "cd /root/xdpcount && $*"' in_root "$ROOT" "$@"
}

status=0
t0=$SECONDS
log "[$SUITE] make test"
# SUITES (tests/run.sh's) picks suites of that make test, as outside: say
# SUITES="unit integration san" for the ones that need a real root.
case ${SUITES:-} in *[!a-z\ ]*) die "SUITES='$SUITES': suite names only" ;; esac
# shellcheck disable=SC2016 # the quotes are for the shell in the root
if in_root "${SUITES:+SUITES='$SUITES' }make test" 2>&1 | tee "$CACHE/fresh/make-test-$SUITE.log" | sed 's/^/  | /'; then
	test_result=passed
else
	test_result=FAILED; status=1
fi
test_s=$((SECONDS - t0))

# make run on a veth pair of our own: veth0 (counted) and veth1, in $NS. The
# chroot runs inside the namespace, so it sees only these interfaces.
ip netns add "$NS"
ip -n "$NS" link add veth0 type veth peer name veth1
ip -n "$NS" link set veth0 up
ip -n "$NS" link set veth1 up
t0=$SECONDS
log "[$SUITE] make run IFACE=veth0 ARGS='$RUN_ARGS'"
run_out=$CACHE/fresh/make-run-$SUITE.log
if ip netns exec "$NS" bash -c "$(declare -f in_root); ROOT='$ROOT'; in_root \"make run IFACE=veth0 ARGS='$RUN_ARGS'\"" \
	> "$run_out" 2>&1; then
	run_result=passed
else
	run_result=FAILED; status=1
fi
run_s=$((SECONDS - t0))
sed 's/^/  | /' "$run_out"
# exactly three stats reports for veth0, then it stopped by itself
reports=$(grep -c '"event":"stats","[^}]*"iface":"veth0"' "$run_out" || true)
if [ "$run_result" = passed ] && [ "$reports" != 3 ]; then
	run_result="FAILED ($reports stats reports for veth0, want 3)"; status=1
fi

echo "test-fresh $SUITE: make test $test_result in ${test_s} s; make run $run_result in ${run_s} s"
exit $status
