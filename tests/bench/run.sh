#!/usr/bin/env bash
# make bench: figures, and ratios against baselines measured in this same run.
# Nothing here passes or fails on speed; it prints a table.
#   start-up: `xdpcount check --json` and `objects --json` against spawning /bin/true
#   data path: frames/s through a veth pair in our own netns with no XDP, with the
#              counter in generic mode and in native mode
#   memory:   peak RSS of a counting run and of check (which parses kernel BTF)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$TOP/build/xdpcount}
ARCH=${ARCH:-$(uname -m)}
SEND=$TOP/build/$ARCH/tools/sendframes
FRAMES=${FRAMES:-300000}
RUNS=${RUNS:-20}
NS=xdpcb$$
trap 'kill $(jobs -p) 2>/dev/null; ip netns del ${NS}a 2>/dev/null; ip netns del ${NS}b 2>/dev/null' EXIT

[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
now_ns() { date +%s%N; }

# median wall time in microseconds of RUNS runs of a command
median_us() {
	local i t0 t1
	for ((i = 0; i < RUNS; i++)); do
		t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

row() { printf '%-40s %14s %14s %8s\n' "$@"; }

echo "xdpcount bench on $(uname -r) $(uname -m), $(nproc) CPUs, $RUNS runs each, $FRAMES frames"
row "figure" "value" "baseline" "ratio"
base=$(median_us /bin/true)
for what in "objects --json" "check --json"; do
	v=$(median_us "$BIN" $what)
	row "start-up: $what (us)" "$v" "$base" "$(awk -v a="$v" -v b="$base" 'BEGIN{printf "%.1fx", a/b}')"
done

# data path: the sender's frames/s, with the receiver bare, generic, native
ip netns add ${NS}a && ip netns add ${NS}b
ip link add va netns ${NS}a type veth peer name vb netns ${NS}b
for n in a b; do
	ip netns exec ${NS}$n sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n ${NS}a link set va arp off up; ip -n ${NS}b link set vb arp off up
rate() {
	local t0 t1
	t0=$(now_ns); ip netns exec ${NS}b "$SEND" vb "$FRAMES" 64 >/dev/null; t1=$(now_ns)
	awk -v n="$FRAMES" -v d=$((t1 - t0)) 'BEGIN{printf "%.0f", n / (d / 1e9)}'
}
bare=$(rate)
row "data path: no XDP (frames/s)" "$bare" "$bare" "1.00x"
for mode in generic native; do
	ip netns exec ${NS}a "$BIN" -q -m $mode -i 3600 va >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	r=$(rate)
	rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
	kill -INT $pid; wait $pid
	row "data path: $mode counter (frames/s)" "$r" "$bare" "$(awk -v a="$r" -v b="$bare" 'BEGIN{printf "%.2fx", a/b}')"
	row "memory: counting, $mode (peak RSS KiB)" "$rss" "-" "-"
done
chk=$( { /usr/bin/time -f '%M' "$BIN" check --json >/dev/null; } 2>&1 | tail -n 1)
row "memory: check, parses BTF (peak RSS KiB)" "$chk" "-" "-"
row "binary size (bytes)" "$(stat -c %s "$BIN")" "-" "-"
