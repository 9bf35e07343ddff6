#!/usr/bin/env bash
# make bench: xdpcount's figures beside baselines measured in the same run,
# as one table (figure, value, baseline, ratio, target) on stdout and as JSON
# in build/bench.json. Nothing here passes or fails on speed.
#
#   per packet  BPF_PROG_TEST_RUN of a 64-byte frame with the counted
#               interface's ifindex in the context, 1 CPU (thread CPU time)
#               and 2 CPUs at once (aggregate, wall time), interleaved rounds,
#               medians: the empty program (floor), the tutorial's counter
#               (one ARRAY slot, __sync_fetch_and_add), xdpcount's linear and
#               frags programs loaded as the binary loads them
#   dispatcher  the same on one CPU through libxdp's dispatcher protocol (our
#               dispatcher, attached nowhere): two empty extensions in its
#               slots over the floor, and xdpcount's extension in front of an
#               empty one over the two empty ones, against xdpcount linear
#               over the floor; where the kernel has no program extensions
#               the rows say why (check's dispatcher reason)
#   live        a live-frame generator (XDP_TX with BPF_F_TEST_XDP_LIVE_FRAMES
#               out of one veth end) into the peer, in a netns of our own;
#               receivers: none, no program, empty native/generic, tutorial
#               native, xdpcount native/generic (interleaved rounds, medians)
#   start-up    exec to the XDP attach syscall, xdpcount vs the Go tutorial
#               (cilium/ebpf from Debian), from raw tracepoints (no ptrace)
#   check       `xdpcount check --json` vs `bpftool feature probe`, wall time
#   interval    CPU time and syscalls per interval at 1 and 64 interfaces
#   size, RSS   binary size per built arch; peak RSS counting and in check
#   follow      a selector at 64 and 1024 interfaces (tests/bench/scale.sh):
#               attach time against ip link, CPU and syscalls per interval at
#               1, 64 and 1024 in both attach modes, peak RSS, /metrics
#
# Knobs (environment): ROUNDS REPEAT LIVE_ROUNDS LIVE_FRAMES START_ROUNDS
# CHECK_ROUNDS. Needs root; installs golang-go, golang-github-cilium-ebpf-dev
# and bpftool through apt when missing (a row says so if it cannot).
# shellcheck disable=SC2015 # A && B || die: meant for a failure of either
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(realpath -m "${1:-$TOP/build/xdpcount}")
ARCH=${ARCH:-$(uname -m)}
XB=$TOP/build/$ARCH/tools/xdpbench
BPFDIR=$TOP/build/bpf
WORK=$TOP/build/bench
JSON=$TOP/build/bench.json
ROUNDS=${ROUNDS:-9}
REPEAT=${REPEAT:-1000000}
LIVE_ROUNDS=${LIVE_ROUNDS:-9}
LIVE_FRAMES=${LIVE_FRAMES:-300000}
START_ROUNDS=${START_ROUNDS:-15}
CHECK_ROUNDS=${CHECK_ROUNDS:-15}
NS=xdpcb$$
ROWS=$WORK/rows.tsv
START=$SECONDS

cleanup() {
	local p
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "${NS}a" 2>/dev/null
	ip netns del "${NS}b" 2>/dev/null
	ip netns del "${NS}s" 2>/dev/null
	true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ME=bench
. "$TOP/ci/lib.sh" # log, die, apt_install (installs what is missing, lock-aware)
[ "$(id -u)" -eq 0 ] || die "needs root (netns, veth, XDP, BPF_PROG_TEST_RUN)"
[ -x "$BIN" ] && [ -x "$XB" ] && [ -f "$BPFDIR/bench.o" ] || die "run 'make bench' (binary, tools, bench objects)"
mkdir -p "$WORK"
apt_install jq >/dev/null 2>&1 || die "jq is missing and cannot be installed"
: >"$ROWS"

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if (b + 0 == 0 || a == "-") print "-"; else printf "%.3f", a / b}'; }
fmt() { awk -v v="$1" -v d="${2:-2}" 'BEGIN{if (v == "-" || v == "") print "-"; else printf "%.*f", d, v}'; }

# row FIGURE VALUE BASELINE RATIO TARGET: one line of the table and the JSON.
row() {
	printf '%-58s %12s %12s %8s  %s\n' "$1" "$2" "$3" "$4" "$5"
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$ROWS"
}
section() { printf '%s\n' "-- $*"; }

# ---------------------------------------------------------------- set-up
ip netns add "${NS}a" && ip netns add "${NS}b" || die "cannot create namespaces"
ip link add va netns "${NS}a" type veth peer name vb netns "${NS}b" || die "cannot create veth"
for n in a b; do ip netns exec "${NS}$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
ip -n "${NS}a" link set va arp off up
ip -n "${NS}b" link set vb arp off up
VA=$(ip netns exec "${NS}a" cat /sys/class/net/va/ifindex)
# Foreground only: a background function would be a subshell, whose pid is
# not the program's (signals and /proc/PID would miss it). Background
# programs are stopped with SIGTERM: a script's background jobs start with
# SIGINT ignored.
A() { ip netns exec "${NS}a" "$@"; }
B() { ip netns exec "${NS}b" "$@"; }

GO_TUT=$WORK/tutorial
go_build() {
	local src=$WORK/gopath/src/tutorial
	apt_install golang-go golang-github-cilium-ebpf-dev >"$WORK/apt.log" 2>&1 || return 1
	mkdir -p "$src" && cp "$TOP/tests/bench/tutorial/main.go" "$BPFDIR/tutorial.o" "$src/" &&
		(cd "$src" && GO111MODULE=off GOPATH="$WORK/gopath:/usr/share/gocode" \
			GOCACHE="$WORK/gocache" GOFLAGS="" go build -o "$GO_TUT" .) >"$WORK/go.log" 2>&1
}
GO_OK=1
go_build || GO_OK=0
apt_install bpftool strace >/dev/null 2>&1
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo "xdpcount bench: $(uname -r) $(uname -m), $(nproc) CPUs ($CPU), $(date -u +%F)"
echo "  other work on this machine shares the CPUs: figures are medians of interleaved rounds"
printf '%-58s %12s %12s %8s  %s\n' figure value baseline ratio target

# ---------------------------------------------------------------- per packet
section "per packet: BPF_PROG_TEST_RUN, 64-byte frame, ingress ifindex of va, $ROUNDS rounds x $REPEAT"
A "$XB" pkt "$BPFDIR" "$VA" "$ROUNDS" "$REPEAT" >"$WORK/pkt.json" || die "per-packet runs failed"
pk() { jq -r --arg p "$1" "select(.prog == \$p) | .$2" "$WORK/pkt.json"; }
e1=$(pk empty ns_1cpu); t1=$(pk tutorial ns_1cpu)
l1=$(pk xdpcount_linear ns_1cpu); f1=$(pk xdpcount_frags ns_1cpu)
e2=$(pk empty mpps_2cpu); t2=$(pk tutorial mpps_2cpu)
l2=$(pk xdpcount_linear mpps_2cpu); f2=$(pk xdpcount_frags mpps_2cpu)
over() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a - b}'; }
tov=$(over "$t1" "$e1"); lov=$(over "$l1" "$e1"); fov=$(over "$f1" "$e1")
met() { awk -v c="$1" 'BEGIN{print (c ? "met" : "NOT met")}'; }
row "1 CPU: empty program, the floor (ns/packet)" "$(fmt "$e1")" - - ""
row "1 CPU: tutorial counter over the floor (ns)" "$tov" - - ""
row "1 CPU: xdpcount linear over the floor (ns)" "$lov" "$tov" "$(ratio "$lov" "$tov")" \
	"<= tutorial + 2 ns: $(met "$(awk -v a="$lov" -v b="$tov" 'BEGIN{print a <= b + 2}')")"
row "1 CPU: xdpcount frags over the floor (ns)" "$fov" "$tov" "$(ratio "$fov" "$tov")" \
	"native jumbo MTU only (bpf_xdp_get_buff_len call)"
row "2 CPUs: empty program, aggregate of CPU time (Mpps)" "$(fmt "$e2")" "$(fmt "$e2")" 1.000 ""
row "2 CPUs: tutorial counter, aggregate (Mpps)" "$(fmt "$t2")" "$(fmt "$e2")" "$(ratio "$t2" "$e2")" ""
row "2 CPUs: xdpcount linear, aggregate (Mpps)" "$(fmt "$l2")" "$(fmt "$e2")" "$(ratio "$l2" "$e2")" \
	">= 0.8x: $(met "$(awk -v a="$l2" -v b="$e2" 'BEGIN{print a >= 0.8 * b}')")"
row "2 CPUs: xdpcount frags, aggregate (Mpps)" "$(fmt "$f2")" "$(fmt "$e2")" "$(ratio "$f2" "$e2")" \
	">= 0.8x: $(met "$(awk -v a="$f2" -v b="$e2" 'BEGIN{print a >= 0.8 * b}')")"
ew=$(pk empty mpps_2cpu_wall); lw2=$(pk xdpcount_linear mpps_2cpu_wall); tw2=$(pk tutorial mpps_2cpu_wall)
row "2 CPUs, wall clock: empty (Mpps; other tenants dilute it)" "$(fmt "$ew")" - - ""
row "2 CPUs, wall clock: tutorial counter (Mpps)" "$(fmt "$tw2")" "$(fmt "$ew")" "$(ratio "$tw2" "$ew")" ""
row "2 CPUs, wall clock: xdpcount linear (Mpps)" "$(fmt "$lw2")" "$(fmt "$ew")" "$(ratio "$lw2" "$ew")" ""
row "xdpcount linear: instructions after verification" "$(pk xdpcount_linear insns)" - - ""
# the tc path (beside a foreign XDP program): one CPU, over an empty tc program
A "$XB" tcpkt "$BPFDIR" "$VA" "$ROUNDS" "$REPEAT" >"$WORK/tcpkt.json" || die "tc per-packet runs failed"
tk() { jq -r --arg p "$1" "select(.prog == \$p) | .$2" "$WORK/tcpkt.json"; }
tce=$(tk tc_empty ns_1cpu); tcx=$(tk xdpcount_tc ns_1cpu); tcov=$(over "$tcx" "$tce")
row "1 CPU: empty tc program, the tc floor (ns/packet)" "$(fmt "$tce")" "$(fmt "$e1")" "$(ratio "$tce" "$e1")" "vs the XDP floor"
row "1 CPU: xdpcount tc over the tc floor (ns)" "$tcov" "$lov" "$(ratio "$tcov" "$lov")" \
	"vs xdpcount linear over the XDP floor; $(tk xdpcount_tc_bytes per_packet) bytes counted per 64-byte frame"
# the transmit side (--direction out|both): tc egress, over an empty egress program
ege=$(tk tc_egress_empty ns_1cpu); egx=$(tk xdpcount_egress ns_1cpu); egov=$(over "$egx" "$ege")
row "1 CPU: empty tc egress program, the egress floor (ns/packet)" "$(fmt "$ege")" "$(fmt "$tce")" \
	"$(ratio "$ege" "$tce")" "vs the tc ingress floor"
row "1 CPU: xdpcount egress over the egress floor (ns)" "$egov" "$tcov" "$(ratio "$egov" "$tcov")" \
	"vs xdpcount tc (ingress) over its floor; counted exactly in its own slot"

# ---------------------------------------------------------------- dispatcher
section "per packet in libxdp's dispatcher (freplace slots), 1 CPU, $ROUNDS rounds x $REPEAT"
if A "$XB" disppkt "$BPFDIR" "$VA" "$ROUNDS" "$REPEAT" >"$WORK/disppkt.json" 2>"$WORK/disppkt.err"; then
	dk() { jq -r --arg p "$1" "select(.prog == \$p) | .$2" "$WORK/disppkt.json"; }
	df=$(dk empty ns_1cpu); dl=$(dk xdpcount_linear ns_1cpu)
	dee=$(dk dispatcher_empty_empty ns_1cpu); dxe=$(dk dispatcher_xdpcount_empty ns_1cpu)
	dlov=$(over "$dl" "$df"); deov=$(over "$dee" "$df"); dxov=$(over "$dxe" "$dee")
	row "dispatcher: empty program alone, the floor (ns/packet)" "$(fmt "$df")" - - ""
	row "dispatcher: two empty slots over the floor (ns)" "$deov" - - "the protocol's own cost"
	row "dispatcher: xdpcount over an empty slot (ns)" "$dxov" "$dlov" "$(ratio "$dxov" "$dlov")" \
		"<= linear over the floor + 1 ns: $(met "$(awk -v a="$dxov" -v b="$dlov" 'BEGIN{print a <= b + 1}')")"
else
	why=$(A "$BIN" check --json 2>/dev/null | jq -r '.dispatcher.reason // empty')
	[ -n "$why" ] || why=$(tail -n 1 "$WORK/disppkt.err")
	row "dispatcher: not measurable on this kernel" - - - "$why"
fi

# ---------------------------------------------------------------- live frames
section "live frames: XDP_TX generator on va -> vb, $LIVE_FRAMES frames, $LIVE_ROUNDS rounds; Mpps of CPU 0 time"
B "$XB" gro vb on || die "cannot turn GRO on for vb"
# gen: "CPU_RATE WALL_RATE" in Mpps. CPU_RATE: frames per second of CPU 0's
# time spent on them (the generator and the receiver's NAPI both run there),
# which other tenants of a shared machine do not dilute; WALL_RATE: frames
# per second of elapsed time.
gen() {
	A "$XB" live "$BPFDIR" "$VA" "$LIVE_FRAMES" | awk '{printf "%.4f %.4f", $1 / $3 * 1e3, $1 / $2 * 1e3}'
}
wait_line() { # FILE REGEX: true once FILE has a matching line (5 s)
	local i
	for ((i = 0; i < 100; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
# live RECEIVER: one measurement; appends "RECEIVER RATE COUNTED" to live.txt
live() {
	local r=$1 out=$WORK/recv.out pid rate n=-
	: >"$out"
	case $r in
	none) B "$XB" gro vb off; rate=$(gen); B "$XB" gro vb on ;;
	noprog) rate=$(gen) ;;
	empty-native | empty-generic | tutorial-native)
		ip netns exec "${NS}b" "$XB" hold "$BPFDIR" "${r%-*}" "${r#*-}" vb >"$out" 2>&1 &
		pid=$!
		wait_line "$out" ready || die "$r did not attach: $(cat "$out")"
		rate=$(gen)
		kill -TERM "$pid"; wait "$pid"
		[ "$r" = tutorial-native ] && n=$(tail -n 1 "$out")
		;;
	xdpcount-native | xdpcount-generic)
		ip netns exec "${NS}b" "$BIN" --json -i 3600 -m "${r#*-}" vb >"$out" 2>"$out.err" &
		pid=$!
		wait_line "$out" '"event":"attached"' || die "$r did not attach: $(cat "$out.err")"
		rate=$(gen)
		[ -n "${HWM:-}" ] || HWM=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
		kill -TERM "$pid"; wait "$pid"
		n=$(jq -r 'select(.event == "detached") | .packets' "$out")
		;;
	esac
	echo "$r ${rate% *} $n ${rate#* }" >>"$WORK/live.txt"
}
RECEIVERS="none noprog empty-native empty-generic tutorial-native xdpcount-native xdpcount-generic"
: >"$WORK/live.txt"
HWM=
# shellcheck disable=SC2086 # words
set -- $RECEIVERS
for ((i = 0; i < LIVE_ROUNDS; i++)); do
	for ((k = 0; k < $#; k++)); do # a different order every round
		j=$(((k + i) % $# + 1))
		live "${!j}"
	done
done
set --
lr() { awk -v r="$1" '$1 == r {print $2}' "$WORK/live.txt" | median; }
exact() { # RECEIVER: "exact" if every run counted LIVE_FRAMES
	awk -v r="$1" -v n="$LIVE_FRAMES" '$1 == r {t++; if ($3 == n) ok++} END {printf "%d/%d runs exact", ok, t}' "$WORK/live.txt"
}
none=$(lr none); noprog=$(lr noprog); en=$(lr empty-native); eg=$(lr empty-generic)
tn=$(lr tutorial-native); xn=$(lr xdpcount-native); xg=$(lr xdpcount-generic)
lw() { awk -v r="$1" '$1 == r {print $4}' "$WORK/live.txt" | median; }
row "generator alone: veth drops, no receiver (Mpps)" "$(fmt "$none")" - - ""
row "receiver: no XDP program, GRO on (Mpps)" "$(fmt "$noprog")" "$(fmt "$none")" "$(ratio "$noprog" "$none")" ""
row "receiver: empty XDP_PASS, native (Mpps)" "$(fmt "$en")" "$(fmt "$en")" 1.000 ""
row "receiver: empty XDP_PASS, generic (Mpps)" "$(fmt "$eg")" "$(fmt "$eg")" 1.000 ""
row "receiver: tutorial counter, native (Mpps)" "$(fmt "$tn")" "$(fmt "$en")" "$(ratio "$tn" "$en")" "$(exact tutorial-native)"
row "receiver: xdpcount, native (Mpps)" "$(fmt "$xn")" "$(fmt "$en")" "$(ratio "$xn" "$en")" \
	">= 0.97x: $(met "$(awk -v a="$xn" -v b="$en" 'BEGIN{print a >= 0.97 * b}')"); $(exact xdpcount-native)"
row "receiver: xdpcount, generic (Mpps)" "$(fmt "$xg")" "$(fmt "$eg")" "$(ratio "$xg" "$eg")" "$(exact xdpcount-generic)"
row "wall clock, empty native (Mpps; other tenants dilute it)" "$(fmt "$(lw empty-native)")" - - ""
row "wall clock, xdpcount native (Mpps)" "$(fmt "$(lw xdpcount-native)")" "$(fmt "$(lw empty-native)")" \
	"$(ratio "$(lw xdpcount-native)" "$(lw empty-native)")" ""
row "bottleneck: receiver's share of each frame's time" \
	"$(awk -v g="$none" -v r="$en" 'BEGIN{printf "%.0f%%", (1e3 / r - 1e3 / g) / (1e3 / r) * 100}')" - - \
	"the receiver (veth NAPI, skb, stack) is the bottleneck when > 50%"

# ---------------------------------------------------------------- start-up
section "start-up: exec to the XDP attach syscall (bpf LINK_CREATE), $START_ROUNDS rounds"
: >"$WORK/start.txt"
for ((i = 0; i < START_ROUNDS; i++)); do
	echo "xdpcount $(A "$XB" startup "$BPFDIR" "$BIN" -i 3600 va)" >>"$WORK/start.txt"
	[ "$GO_OK" = 1 ] && echo "go $(A "$XB" startup "$BPFDIR" "$GO_TUT" va)" >>"$WORK/start.txt"
done
sm() { awk -v w="$1" -v f="$2" '$1 == w {print $f}' "$WORK/start.txt" | median; }
xs=$(sm xdpcount 2); xc=$(sm xdpcount 3)
if [ "$GO_OK" = 1 ]; then
	gs=$(sm go 2); gc=$(sm go 3)
	row "start-up: exec to attach, xdpcount vs Go tutorial (ms)" "$(fmt "$(awk -v v="$xs" 'BEGIN{print v / 1e6}')" 3)" \
		"$(fmt "$(awk -v v="$gs" 'BEGIN{print v / 1e6}')" 3)" "$(ratio "$xs" "$gs")" \
		"<= 0.35x: $(met "$(awk -v a="$xs" -v b="$gs" 'BEGIN{print a <= 0.35 * b}')")"
	row "start-up: bpf() calls before attach, vs Go tutorial" "$xc" "$gc" "$(ratio "$xc" "$gc")" ""
else
	row "start-up: exec to attach, xdpcount (ms)" "$(fmt "$(awk -v v="$xs" 'BEGIN{print v / 1e6}')" 3)" - - \
		"Go tutorial row skipped: golang/cilium-ebpf not installable ($(tail -n 1 "$WORK/apt.log" 2>/dev/null))"
	row "start-up: bpf() calls before attach" "$xc" - - ""
fi

# ---------------------------------------------------------------- check
section "check: wall time and peak RSS, $CHECK_ROUNDS rounds (bpftool: a third as many)"
: >"$WORK/check.txt"
for ((i = 0; i < CHECK_ROUNDS; i++)); do
	A "$XB" wall 1 "$BIN" check --json | sed 's/^/check /' >>"$WORK/check.txt"
	if ((i % 3 == 0)) && command -v bpftool >/dev/null; then
		A "$XB" wall 1 bpftool feature probe | sed 's/^/bpftool /' >>"$WORK/check.txt"
	fi
done
cm() { awk -v w="$1" -v f="$2" '$1 == w {print $f}' "$WORK/check.txt" | median; }
cw=$(cm check 2); cr=$(cm check 3)
if command -v bpftool >/dev/null; then
	bw=$(cm bpftool 2); br=$(cm bpftool 3)
	row "check --json vs bpftool feature probe, wall (ms)" "$(fmt "$(awk -v v="$cw" 'BEGIN{print v / 1e6}')" 3)" \
		"$(fmt "$(awk -v v="$bw" 'BEGIN{print v / 1e6}')" 1)" "$(ratio "$cw" "$bw")" \
		"<= 0.05x: $(met "$(awk -v a="$cw" -v b="$bw" 'BEGIN{print a <= 0.05 * b}')")"
	row "peak RSS: check vs bpftool feature probe (KiB)" "$cr" "$br" "$(ratio "$cr" "$br")" ""
else
	row "check --json, wall (ms)" "$(fmt "$(awk -v v="$cw" 'BEGIN{print v / 1e6}')" 3)" - - "bpftool not installable"
	row "peak RSS: check (KiB)" "$cr" - - ""
fi

# ---------------------------------------------------------------- per interval
section "per interval: -i 0.01 for 3 s, CPU from /proc/PID/schedstat, syscalls from strace -c"
for ((i = 0; i < 64; i++)); do
	ip link add "m$i" netns "${NS}a" type veth peer name "p$i" netns "${NS}b" &&
		ip -n "${NS}a" link set "m$i" arp off up && ip -n "${NS}b" link set "p$i" arp off up ||
		die "cannot create veth m$i"
done
IFS64=$(seq -f 'm%g' 0 63 | tr '\n' ' ')
# cpu_per_interval IFACES...: CPU microseconds per interval once attached
# ("tick": the baseline loop that only wakes up every 10 ms)
cpu_per_interval() {
	local out=$WORK/iv.out pid c0 c1 n0 n1 per=$#
	if [ "$1" = tick ]; then
		ip netns exec "${NS}a" "$XB" tick 10 >"$out" 2>"$out.err" &
		per=1
	else
		ip netns exec "${NS}a" "$BIN" --json -i 0.01 "$@" >"$out" 2>"$out.err" &
	fi
	pid=$!
	wait_line "$out" '"event":"stats"' || die "no stats: $(cat "$out.err")"
	sleep 0.3
	c0=$(awk '{print $1}' "/proc/$pid/schedstat"); n0=$(grep -c '"event":"stats"' "$out")
	sleep 3
	c1=$(awk '{print $1}' "/proc/$pid/schedstat"); n1=$(grep -c '"event":"stats"' "$out")
	kill -TERM "$pid"; wait "$pid"
	awk -v c=$((c1 - c0)) -v n=$(((n1 - n0) / per)) 'BEGIN{printf "%.1f", c / n / 1e3}'
}
# syscalls_per_interval IFACES...: (syscalls of -c 60) - (of -c 10), over 50
# (-i 0.01: the shortest interval xdpcount accepts.) Prints "failed" when a
# run did not end normally, rather than a difference of two failures.
syscalls_per_interval() {
	local a b n
	for n in 10 60; do
		A strace -f -c -o "$WORK/sc$n" "$BIN" -q -c $n -i 0.01 "$@" >/dev/null 2>&1 || { echo failed; return; }
	done
	a=$(awk '/total/ {print $4}' "$WORK/sc10")
	b=$(awk '/total/ {print $4}' "$WORK/sc60")
	awk -v a="$a" -v b="$b" 'BEGIN{printf "%.1f", (b - a) / 50}'
}
c0=$(cpu_per_interval tick)
c1=$(cpu_per_interval m0)
# shellcheck disable=SC2086 # 64 words
c64=$(cpu_per_interval $IFS64)
row "interval CPU, 1 interface, link attach (us) vs a bare wake-up" "$c1" "$c0" "$(ratio "$c1" "$c0")" ""
row "interval CPU, 64 interfaces vs 1, link attach (us)" "$c64" "$c1" "$(ratio "$c64" "$c1")" ""
if command -v strace >/dev/null; then
	# constancy_note A B PER: how B (64 interfaces) relates to A (1)
	constancy_note() {
		awk -v a="$1" -v b="$2" -v per="$3" 'BEGIN{ if (a == "failed" || b == "failed") print "a run failed"
			else if (b <= a + 1) print "constant"
			else if (per != "" && b <= a + 63 * per + 1) printf "%s + %d per interface more (%s)\n", a, per, "one bpf() per link: the kernel announces no link detach"
			else print "grows with the interfaces" }'
	}
	for how in link netlink; do
		s1=$(syscalls_per_interval --attach "$how" m0)
		# shellcheck disable=SC2086
		s64=$(syscalls_per_interval --attach "$how" $IFS64)
		row "interval syscalls, 1 interface, $how attach" "$s1" - - ""
		row "interval syscalls, 64 interfaces vs 1, $how attach" "$s64" "$s1" "$(ratio "$s64" "$s1")" \
			"$(constancy_note "$s1" "$s64" "$([ "$how" = link ] && echo 1)")"
	done
fi

# ---------------------------------------------------------------- size and memory
section "size and memory"
for b in "$TOP"/build/*/xdpcount; do
	a=$(basename "$(dirname "$b")")
	case $a in bpf | san) continue ;; esac # not release binaries
	if [ "$a" = "$ARCH" ] && [ "$GO_OK" = 1 ]; then
		row "binary size, $a, static (bytes) vs Go tutorial" "$(stat -c %s "$b")" \
			"$(stat -c %s "$GO_TUT")" "$(ratio "$(stat -c %s "$b")" "$(stat -c %s "$GO_TUT")")" ""
	else
		row "binary size, $a, static (bytes)" "$(stat -c %s "$b")" - - ""
	fi
done
if [ "$GO_OK" = 1 ]; then
	out=$WORK/gotut.out
	ip netns exec "${NS}b" "$GO_TUT" vb >"$out" 2>&1 &
	pid=$!
	wait_line "$out" Counting || die "Go tutorial did not attach: $(cat "$out")"
	gh=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	kill -TERM "$pid"; wait "$pid"
	row "peak RSS counting, native (KiB) vs Go tutorial" "${HWM:--}" "$gh" "$(ratio "${HWM:--}" "$gh")" ""
else
	row "peak RSS counting, native (KiB)" "${HWM:--}" - - ""
fi

# shellcheck source=tests/bench/scale.sh
. "$TOP/tests/bench/scale.sh"

jq -R -s --arg kernel "$(uname -r)" --arg arch "$(uname -m)" --arg cpus "$(nproc)" --arg cpu "$CPU" \
	'{kernel: $kernel, arch: $arch, cpus: ($cpus | tonumber), cpu: $cpu,
	  rows: [split("\n")[] | select(length > 0) | split("\t") |
		{figure: .[0], value: .[1], baseline: .[2], ratio: .[3], target: .[4]}]}' \
	"$ROWS" >"$JSON"
echo "(bench took $((SECONDS - START)) s; JSON in ${JSON#"$TOP"/})"
