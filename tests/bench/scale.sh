# shellcheck shell=bash disable=SC2015 # A && B || die: meant for a failure of either
# make bench, issue 20: a run that follows a selector at 64 and 1024
# interfaces, in a namespace of its own (veth pairs s$i/t$i, both ends there):
#   attach      time to the last "attached" event, against `ip link set dev X
#               xdpdrv obj bench.o` for the same interfaces, one after
#               another, in the same run (each a process of its own, as an
#               operator runs it)
#   interval    CPU per interval (schedstat) and syscalls per interval
#               (perf's raw_syscalls:sys_enter count) at 1, 64 and 1024
#               interfaces, link and netlink attach; where link mode reaches
#               1% of a CPU
#   memory      peak RSS at 1024 interfaces, before and after a scrape
#   /metrics    one scrape's wall time at 1024 interfaces, bytes and series
# Sourced by tests/bench/run.sh (row, section, ratio, fmt, die, BIN, WORK,
# BPFDIR come from there). SCALE_MAX=N makes the largest size N.
SCALE_MAX=${SCALE_MAX:-1024}
SNS=${NS}s

scale_ns() { # N: a fresh namespace with N veth pairs, up
	ip netns del "$SNS" 2>/dev/null
	ip netns add "$SNS" && ip -n "$SNS" link set lo up || die "cannot create $SNS"
	scale_veths "$1"
}
scale_veths() { # N: N veth pairs s$i/t$i in $SNS, up
	local n=$1 i
	for ((i = 0; i < n; i++)); do echo "link add s$i type veth peer name t$i"; done |
		ip -n "$SNS" -batch - || die "cannot create $n veth pairs"
	for ((i = 0; i < n; i++)); do echo "link set s$i up"; echo "link set t$i up"; done |
		ip -n "$SNS" -batch - || die "cannot set them up"
}

ms_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN{printf "%.0f", (b - a) / 1e6}'; }

# scale_start N ARGS...: xdpcount ARGS 's*' in $SNS; waits for N attached
# events; sets SPID and SATTACH (ms from exec to the last one).
scale_start() {
	local n=$1 t0 i; shift
	SOUT=$WORK/scale.out
	t0=$(date +%s%N)
	ip netns exec "$SNS" "$BIN" --json "$@" 's*' >"$SOUT" 2>"$SOUT.err" &
	SPID=$!
	for ((i = 0; i < 6000; i++)); do
		[ "$(grep -c '"event":"attached"' "$SOUT")" -ge "$n" ] && break
		kill -0 "$SPID" 2>/dev/null || die "xdpcount died: $(tail -2 "$SOUT.err")"
		sleep 0.02
	done
	SATTACH=$(ms_since "$t0")
}
scale_stop() { kill -TERM "$SPID"; wait "$SPID"; }
# scale_wait N: until N attached events (or 120 s)
scale_wait() {
	local i
	for ((i = 0; i < 6000; i++)); do
		[ "$(grep -c '"event":"attached"' "$SOUT")" -ge "$1" ] && return
		sleep 0.02
	done
}

# scale_interval HOW N: "CPU_US SYSCALLS" per interval over 5 s at -i 0.1
scale_interval() {
	local how=$1 n=$2 c0 c1 sc
	scale_start "$n" -i 0.1 --attach "$how"
	sleep 1
	c0=$(awk '{print $1}' "/proc/$SPID/schedstat")
	sc=$(perf stat -x, -e raw_syscalls:sys_enter -p "$SPID" -- sleep 5 2>&1 >/dev/null |
		awk -F, '/raw_syscalls/ {print $1}')
	c1=$(awk '{print $1}' "/proc/$SPID/schedstat")
	scale_stop
	awk -v c=$((c1 - c0)) -v s="${sc:-0}" 'BEGIN{printf "%.1f %.1f", c / 50 / 1e3, s / 50}'
}

section "follow: a selector ('s*') at 1, 64 and $SCALE_MAX interfaces"
# Each side SCALE_ROUNDS (3) times, alternating, and the medians: an XDP
# attach waits for an RCU grace period under rtnl while the kernel's BPF
# dispatcher has room (its first 48 programs), and a grace period's length
# follows what else the machine runs, so one round of each, one after the
# other, compares two different machines.
median() { tr ' ' '\n' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
SCALE_ROUNDS=${SCALE_ROUNDS:-3}
for n in 64 "$SCALE_MAX"; do
	scale_ns "$n"
	ips='' xds=''
	for ((r = 0; r < SCALE_ROUNDS; r++)); do
		t0=$(date +%s%N)
		for ((i = 0; i < n; i++)); do
			ip -n "$SNS" link set dev "s$i" xdpdrv obj "$BPFDIR/bench.o" sec xdp || die "ip link: s$i"
		done
		ips+=" $(ms_since "$t0")"
		for ((i = 0; i < n; i++)); do echo "link set dev s$i xdpdrv off"; done | ip -n "$SNS" -batch -
		scale_start "$n" -i 1
		scale_stop
		xds+=" $SATTACH"
	done
	ipms=$(median <<<"${ips# }") SATTACH=$(median <<<"${xds# }")
	row "follow: attach $n interfaces, xdpcount vs ip link (ms, medians of $SCALE_ROUNDS)" "$SATTACH" "$ipms" \
		"$(ratio "$SATTACH" "$ipms")" "<= 1.1x: $(awk -v a="$SATTACH" -v b="$ipms" 'BEGIN{print a <= 1.1 * b ? "met" : "not met"}'); xdpcount${xds}, ip${ips}"
done
# Interfaces that appear while it runs: from the first `ip link add` to the
# last attached event, and the run's CPU meanwhile. The facts that cost a
# look at every interface of the namespace (the qdisc dump: the kernel
# filters it by nothing) are read once per batch of new interfaces (up to
# 64), not once per interface (before: 8.9 s and 2.7 s of CPU at 1024).
scale_ns 0
scale_start 0 -i 1 --attach netlink
c0=$(awk '{print $1}' "/proc/$SPID/schedstat")
t0=$(date +%s%N)
scale_veths "$SCALE_MAX"
scale_wait "$SCALE_MAX"
ams=$(ms_since "$t0")
c1=$(awk '{print $1}' "/proc/$SPID/schedstat")
scale_stop
row "follow: $SCALE_MAX interfaces created after the start, to the last attached (ms), CPU (ms)" \
	"$ams" "$(awk -v c=$((c1 - c0)) 'BEGIN{printf "%.0f", c / 1e6}')" - \
	"$(grep -c '"event":"attached"' "$SOUT") attached; one qdisc dump per batch"
for how in link netlink; do
	for n in 1 64 "$SCALE_MAX"; do
		scale_ns "$n"
		read -r cpu sc <<<"$(scale_interval "$how" "$n")"
		eval "cpu_${how}_$n=$cpu sc_${how}_$n=$sc"
		row "follow: interval CPU (us) and syscalls, $n interfaces, $how" "$cpu" "$sc" - ""
	done
done
# shellcheck disable=SC2154 # set by the eval above
row "follow: link mode at $SCALE_MAX interfaces reaches 1% of a CPU at an interval of (s)" \
	"$(awk -v c="$(eval echo "\$cpu_link_$SCALE_MAX")" 'BEGIN{printf "%.2f", c / 1e6 / 0.01}')" - - \
	"one bpf() per link per interval: the kernel announces no link detach"
scale_ns "$SCALE_MAX"
scale_start "$SCALE_MAX" -i 1 --metrics 127.0.0.1:19417
sleep 2.5
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
t0=$(date +%s%N)
ip netns exec "$SNS" curl -s -o "$WORK/scale.prom" http://127.0.0.1:19417/metrics || die "scrape"
scms=$(ms_since "$t0")
hwm2=$(awk '/VmHWM/ {print $2}' "/proc/$SPID/status")
scale_stop
row "follow: peak RSS at $SCALE_MAX interfaces, before / after a scrape (KiB)" "$hwm" "$hwm2" - \
	"<= 4096: $(awk -v a="$hwm2" 'BEGIN{print a <= 4096 ? "met" : "not met"}')"
row "follow: /metrics scrape at $SCALE_MAX interfaces (ms), bytes" "$scms" "$(wc -c <"$WORK/scale.prom")" - \
	"$(grep -vc '^#' "$WORK/scale.prom") series"
ip netns del "$SNS"
