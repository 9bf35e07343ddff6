#!/usr/bin/env bash
# make stress (not in make test): xdpcount under repetition and time, on veth
# pairs in namespaces of its own.
#   1. LINK_CYCLES (1000) link-mode runs killed with kill -9 once attached;
#   2. NETLINK_CYCLES (200) netlink-mode runs killed with kill -9, each next
#      run replacing the previous one's leftover unattended (stale_removed
#      names exactly the previous program id);
#   3. TERM_KILL_CYCLES (100) netlink-mode and as many clsact-mode runs
#      stopped by SIGTERM and kill -9 0-20 ms later, each next run at once
#      (leftovers.sh): only its own pin beside each run, nothing at the end;
#      EARLY_KILL_CYCLES (100) of each killed 0-30 ms after they start;
#   4. DELETE_CYCLES (100) netlink-mode and as many clsact-mode runs whose
#      interface is deleted while counting (leftovers.sh): exit 1, no pin;
#   5. STEADY_MINUTES (10) of steady traffic: totals exact, RSS flat;
#   6. BLOCKED_SECONDS (60) with stdout blocked (blocked_stdout.sh): every
#      scrape answers, the textfile stays fresh, both exact;
#   7. churn (churn.sh, in namespaces of its own): CHURN_RATE (100) veth
#      pairs a second created and deleted for CHURN_SECONDS (60) while a run
#      follows a glob, in link and netlink mode: every interface that lived
#      two intervals attached and lost, no leak, the stable ones exact.
# Leftovers: no XDP program on the interfaces after each cycle, no pin in the
# runs' bpffs, no clsact qdisc. Leaks: every program id our runs attached
# (from the kernel), and every map id of those programs, is gone at the end
# (ids, not totals: other BPF users may come and go meanwhile).
# Ends with "N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$TOP/build/xdpcount}
ARCH=${ARCH:-$(uname -m)}
SENDFRAMES=$TOP/build/$ARCH/tools/sendframes
LINK_CYCLES=${LINK_CYCLES:-1000}
NETLINK_CYCLES=${NETLINK_CYCLES:-200}
STEADY_MINUTES=${STEADY_MINUTES:-10}
PREFIX="xdpst$$"
WORK=$(mktemp -d /tmp/xdpcount-stress.XXXXXX)
XPID=
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
cleanup() {
	[ -n "$XPID" ] && kill -KILL "$XPID" 2>/dev/null
	umount "$WORK/bpffs" 2>/dev/null
	[ -n "$XPID" ] && wait "$XPID" 2>/dev/null
	ip netns del "$PREFIX-a" 2>/dev/null
	ip netns del "$PREFIX-b" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "stress needs root"; echo "0 passed, 1 failed"; exit 1; }
for t in ip jq bpftool; do command -v $t >/dev/null || { echo "needs $t"; exit 1; }; done
A=$PREFIX-a B=$PREFIX-b
setup() {
	ip netns add "$A" && ip netns add "$B" || return 1
	for ns in "$A" "$B"; do # quiet: no IPv6, no ARP
		ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null
	done
	ip -n "$A" link add veth0 type veth peer name veth1 netns "$B" || return 1
	ip -n "$A" link set veth0 arp off up || return 1
	ip -n "$B" link set veth1 arp off up
}
setup || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$WORK/bpffs" && mount -t bpf bpf "$WORK/bpffs" && export XDPCOUNT_BPFFS=$WORK/bpffs

xdp_id() { ip -n "$A" -j -d link show dev veth0 | jq -r '.[0].xdp.prog.id // empty'; }
# attached_id FILE: waits (10 s) for the attached event; prints program_id.
attached_id() {
	local i id
	for ((i = 0; i < 1000; i++)); do
		id=$(jq -r 'select(.event == "attached") | .program_id' "$1" 2>/dev/null)
		[ -n "$id" ] && { echo "$id"; return 0; }
		kill -0 "$XPID" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}
maps_of() { bpftool -j prog show id "$1" 2>/dev/null | jq -r '.map_ids[]?'; }
PROGS=$WORK/progs MAPS=$WORK/maps
: >"$PROGS"; : >"$MAPS"

# run_cycle HOW OUT: one kill -9 cycle; the program id in ID.
run_cycle() {
	: >"$2" # here: the child's redirection may come after attached_id's first look
	ip netns exec "$A" "$BIN" --json -i 1 --attach "$1" veth0 >"$2" 2>"$2.err" &
	XPID=$!
	ID=$(attached_id "$2") || { kill -KILL "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; XPID=; return 1; }
	echo "$ID" >>"$PROGS"
	maps_of "$ID" >>"$MAPS"
	kill -KILL "$XPID"; wait "$XPID" 2>/dev/null; XPID=
}

echo "== $LINK_CYCLES link-mode kill -9 cycles"
start=$SECONDS bad=0 left=0
for ((c = 1; c <= LINK_CYCLES; c++)); do
	if ! run_cycle link "$WORK/link.out"; then
		bad=$((bad + 1)); [ $bad -le 3 ] && sed 's/^/    /' "$WORK/link.out.err"
		continue
	fi
	for ((i = 0; i < 100; i++)); do [ -z "$(xdp_id)" ] && break; sleep 0.01; done
	[ -n "$(xdp_id)" ] && left=$((left + 1))
done
echo "  $LINK_CYCLES cycles in $((SECONDS - start)) s"
check_eq "link: every run attached" "$bad" 0
check_eq "link: no program left after kill -9" "$left" 0

echo "== $NETLINK_CYCLES netlink-mode kill -9 cycles with unattended restarts"
start=$SECONDS bad=0 wrong=0 prev=
for ((c = 1; c <= NETLINK_CYCLES; c++)); do
	if ! run_cycle netlink "$WORK/nl.out"; then
		bad=$((bad + 1)); [ $bad -le 3 ] && sed 's/^/    /' "$WORK/nl.out.err"
		continue
	fi
	if [ -n "$prev" ]; then
		got=$(jq -r 'select(.event == "stale_removed") | .program_id' "$WORK/nl.out")
		[ "$got" = "$prev" ] || { wrong=$((wrong + 1)); [ $wrong -le 3 ] && echo "    cycle $c: stale_removed '$got', want '$prev'"; }
	fi
	[ "$(xdp_id)" = "$ID" ] || wrong=$((wrong + 1)) # the leftover is this run's program
	prev=$ID
done
# the last leftover: a final run replaces it and stops cleanly
timeout 20 ip netns exec "$A" "$BIN" --json -c 1 -i 0.1 --attach netlink veth0 >"$WORK/nl-last.out" 2>&1
check_eq "netlink: the last restart exits 0" "$?" 0
check_eq "netlink: and removed the last leftover" \
	"$(jq -r 'select(.event == "stale_removed") | .program_id' "$WORK/nl-last.out")" "$prev"
echo "  $NETLINK_CYCLES cycles in $((SECONDS - start)) s"
check_eq "netlink: every run attached" "$bad" 0
check_eq "netlink: every restart removed exactly the previous leftover" "$wrong" 0
check_eq "netlink: no program left at the end" "$(xdp_id)" ""
check_eq "netlink: no pin left" "$(find "$WORK/bpffs/xdpcount" -mindepth 1 2>/dev/null | wc -l)" 0

# shellcheck source=tests/stress/leftovers.sh
. "$TOP/tests/stress/leftovers.sh"
for how in netlink clsact; do
	echo "== $TERM_KILL_CYCLES $how SIGTERM + kill -9 (0-20 ms) cycles"
	term_kill_row $how
done
for how in netlink clsact; do
	echo "== $EARLY_KILL_CYCLES $how runs killed with kill -9 0-30 ms after they start"
	early_kill_row $how
done
for how in netlink clsact; do
	echo "== $DELETE_CYCLES $how runs whose interface is deleted while counting"
	delete_row $how
done

echo "== leaks: ids of our programs and maps"
sort -u -o "$PROGS" "$PROGS"; sort -u -o "$MAPS" "$MAPS"
for ((i = 0; i < 100; i++)); do # freeing is deferred (RCU): give it a moment
	bpftool -j prog list | jq -r '.[].id' | sort -u >"$WORK/progs-now"
	bpftool -j map list | jq -r '.[].id' | sort -u >"$WORK/maps-now"
	lp=$(comm -12 "$PROGS" "$WORK/progs-now" | wc -l)
	lm=$(comm -12 "$MAPS" "$WORK/maps-now" | wc -l)
	[ "$lp" -eq 0 ] && [ "$lm" -eq 0 ] && break
	sleep 0.1
done
echo "  $(wc -l <"$PROGS") program ids and $(wc -l <"$MAPS") map ids used"
check_eq "no program of ours leaked" "$lp" 0
check_eq "no map of ours leaked" "$lm" 0

echo "== $STEADY_MINUTES minutes of steady traffic"
out=$WORK/steady.out
ip netns exec "$A" "$BIN" --json -i 1 --attach link veth0 >"$out" 2>"$out.err" &
XPID=$!
attached_id "$out" >/dev/null || fail "steady: no attached event"
sent=0 rss=() end=$((SECONDS + STEADY_MINUTES * 60)) next_sample=$SECONDS
while [ $SECONDS -lt $end ]; do
	n=$(ip netns exec "$B" "$SENDFRAMES" veth1 10000 64 2>/dev/null)
	sent=$((sent + ${n:-0}))
	if [ $SECONDS -ge $next_sample ]; then
		rss+=("$(awk '/^VmRSS/ {print $2}' "/proc/$XPID/status")")
		next_sample=$((SECONDS + 10))
	fi
	sleep 0.5
done
for ((i = 0; i < 100; i++)); do
	[ "$(jq -r 'select(.event == "stats") | .packets' "$out" | tail -n 1)" = "$sent" ] && break
	sleep 0.1
done
kill -INT "$XPID"; wait "$XPID"; rc=$?; XPID=
check_eq "steady: exit status" "$rc" 0
check_eq "steady: packets counted exactly" "$(jq -r 'select(.event == "detached") | .packets' "$out")" "$sent"
check_eq "steady: bytes counted exactly" "$(jq -r 'select(.event == "detached") | .bytes' "$out")" "$((sent * 64))"
# flat: after the first minute (warm-up), RSS varies by at most 256 KiB
warm=("${rss[@]:6}")
[ ${#warm[@]} -gt 0 ] || warm=("${rss[@]}")
min=$(printf '%s\n' "${warm[@]}" | sort -n | head -n1)
max=$(printf '%s\n' "${warm[@]}" | sort -n | tail -n1)
echo "  sent $sent frames; RSS samples (KiB, every 10 s): ${rss[*]}"
echo "  RSS after warm-up: min $min KiB, max $max KiB"
if [ $((max - min)) -le 256 ]; then ok "steady: RSS flat (varied by $((max - min)) KiB)"
else fail "steady: RSS varied by $((max - min)) KiB after warm-up"; fi

# shellcheck source=tests/stress/blocked_stdout.sh
. "$TOP/tests/stress/blocked_stdout.sh"
echo "== $BLOCKED_SECONDS s with a blocked stdout"
blocked_stdout

echo "== churn (tests/stress/churn.sh)"
BIN=$BIN ARCH=$ARCH "$TOP/tests/stress/churn.sh" | tee "$WORK/churn.log"
# its closing "N passed, N failed[, N skipped]" joins ours
read -r cp cf cs < <(tail -n 1 "$WORK/churn.log" |
	sed -nE 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/p')
if [ -n "${cp:-}" ]; then
	PASSED=$((PASSED + cp)) FAILED=$((FAILED + cf)) SKIPPED=$((SKIPPED + ${cs:-0}))
else
	fail "churn: no results line"
fi

results_line
