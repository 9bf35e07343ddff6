# shellcheck shell=bash
# Sourced by tests/stress/run.sh (its namespaces $A and $B, veth0 <-> veth1,
# ok/fail/check_eq, XPID, $PROGS and $MAPS, the private bpffs in
# $XDPCOUNT_BPFFS): issue 17 item 2's proof, in netlink mode (XDP through
# netlink, and clsact: -m tc --attach netlink), the two that outlive their
# process.
#   term_kill_row HOW: TERM_KILL_CYCLES (100) runs on veth0, each stopped by
#     SIGTERM and then kill -9 0-20 ms later (a service manager's stop
#     timeout; the delays spread evenly over the range), each next run started
#     at once. Every run must attach with only its own pin beside it (the
#     previous run's leftover replaced, its pin swept); a last run ends it
#     cleanly, and then no pin, no program at our place, no clsact qdisc.
#   early_kill_row HOW: EARLY_KILL_CYCLES (100) runs on veth0 killed with
#     kill -9 0-30 ms after they start (spread evenly: before, during and
#     after the attach; issue 17 item 7), each next run started at once;
#     then a last run ends it cleanly, and no pin, program or qdisc is left.
#   delete_row HOW: DELETE_CYCLES (100) runs, each on a veth pair of its own
#     whose peer is deleted while it counts: exit 1 within 2 s, and no pin.
# Every program id (from the kernel) and its map ids go to $PROGS and $MAPS,
# which run.sh's leak check compares with what the kernel still has.
TERM_KILL_CYCLES=${TERM_KILL_CYCLES:-100}
DELETE_CYCLES=${DELETE_CYCLES:-100}
EARLY_KILL_CYCLES=${EARLY_KILL_CYCLES:-100}

# how_args HOW: the options of attach kind HOW (netlink or clsact).
how_args() {
	case $1 in
	netlink) echo --attach netlink ;;
	clsact) echo -m tc --attach netlink ;;
	esac
}

pins_now() { find "$XDPCOUNT_BPFFS/xdpcount" -mindepth 1 2>/dev/null | wc -l; }

# our_id HOW IFACE: the program id at our place on IFACE in $A (XDP, or the
# cls_bpf filter at our clsact handle), from the kernel.
our_id() {
	if [ "$1" = netlink ]; then
		ip -n "$A" -j -d link show dev "$2" 2>/dev/null | jq -r '.[0].xdp.prog.id // empty'
	else
		tc -n "$A" -j filter show dev "$2" ingress 2>/dev/null |
			jq -r '.[] | select(.options.handle == "0x7864") | .options.prog.id // empty'
	fi
}

has_clsact_now() {
	tc -n "$A" -j qdisc show dev "$1" 2>/dev/null | jq -e 'any(.[]; .kind == "clsact")' >/dev/null
}

# start_counting HOW IFACE OUT: an xdpcount on IFACE in $A (XPID), waited
# for until its program is at our place (10 s), and its ids recorded; the
# program id in ID. False if it never got there.
start_counting() {
	local i
	: >"$3" # here: the child's redirection may come after the first look
	# shellcheck disable=SC2046 # how_args is words
	ip netns exec "$A" "$BIN" --json -i 0.2 $(how_args "$1") "$2" >"$3" 2>"$3.err" &
	XPID=$! ID=
	for ((i = 0; i < 1000; i++)); do
		# attached: the event says so (the kernel's id alone may still be
		# the previous run's leftover)
		if grep -q '"event":"attached"' "$3" 2>/dev/null; then
			ID=$(our_id "$1" "$2")
			break
		fi
		kill -0 "$XPID" 2>/dev/null || break
		sleep 0.01
	done
	[ -n "$ID" ] || return 1
	echo "$ID" >>"$PROGS"
	maps_of "$ID" >>"$MAPS"
}

reap() { wait "$XPID" 2>/dev/null; XRC=$?; XPID=; }

# not_attached OUT: counts a run that never got to attach (in $bad and
# $c of the caller), showing the first three.
not_attached() {
	bad=$((bad + 1))
	[ "$bad" -le 3 ] || return 0
	echo "    cycle $c: not attached (exit $XRC):"
	sed 's/^/    /' "$1.err" "$1"
}

term_kill_row() {
	local how=$1 c ms bad=0 others=0 left=0 orphans=0 empty=0 start=$SECONDS out=$WORK/tk-$1.out never
	never=$WORK/never.fifo
	[ -p "$never" ] || mkfifo "$never"
	exec {nfd}<>"$never" # read -t on it: a delay without forking sleep
	for ((c = 0; c < TERM_KILL_CYCLES; c++)); do
		if ! start_counting "$how" veth0 "$out"; then
			kill -KILL "$XPID" 2>/dev/null; reap; not_attached "$out"; continue
		fi
		# its own pin only: the previous run's leftover went before it attached
		[ "$(pins_now)" -eq 1 ] || { others=$((others + 1)); [ $others -le 3 ] &&
			echo "    cycle $c: $(pins_now) pins beside the run"; }
		ms=$((c * 21 / TERM_KILL_CYCLES)) # 0..20, evenly
		kill -TERM "$XPID"
		[ $ms -gt 0 ] && read -r -t "$(printf '0.%03d' $ms)" -u $nfd
		kill -KILL "$XPID" 2>/dev/null
		reap
		if [ -n "$(our_id "$how" veth0)" ]; then left=$((left + 1))
		else # killed between the detach and the pin's removal, or the qdisc's
			[ "$(pins_now)" -gt 0 ] && orphans=$((orphans + 1))
			has_clsact_now veth0 && empty=$((empty + 1))
		fi
	done
	exec {nfd}>&-
	echo "  $TERM_KILL_CYCLES $how cycles in $((SECONDS - start)) s; left for the next run:" \
		"$left a program, $orphans a pin without one, $empty an empty clsact qdisc"
	check_eq "$how TERM+KILL: every run attached" "$bad" 0
	check_eq "$how TERM+KILL: every run found only its own pin" "$others" 0
	nothing_left "$how" TERM+KILL
}

# nothing_left HOW ROW: a last run on veth0 exits 0, and then no pin, no
# program at our place, no clsact qdisc.
nothing_left() {
	local out=$WORK/last-$1.out
	# shellcheck disable=SC2046
	timeout 20 ip netns exec "$A" "$BIN" --json -c 1 -i 0.1 $(how_args "$1") veth0 \
		>"$out" 2>"$out.err"
	check_eq "$1 $2: a last run exits 0" "$?" 0
	check_eq "$1 $2: no pin left" "$(pins_now)" 0
	check_eq "$1 $2: no program at our place" "$(our_id "$1" veth0)" ""
	if has_clsact_now veth0; then fail "$1 $2: a clsact qdisc left on veth0"
	else ok "$1 $2: no clsact qdisc left"; fi
}

early_kill_row() {
	local how=$1 c us id bad=0 attached=0 left=0 empty=0 start=$SECONDS out=$WORK/ek-$1.out nfd
	[ -p "$WORK/never.fifo" ] || mkfifo "$WORK/never.fifo"
	exec {nfd}<>"$WORK/never.fifo"
	for ((c = 0; c < EARLY_KILL_CYCLES; c++)); do
		: >"$out"
		# shellcheck disable=SC2046
		ip netns exec "$A" "$BIN" --json -i 0.2 $(how_args "$how") veth0 >"$out" 2>"$out.err" &
		XPID=$!
		us=$((c * 30000 / EARLY_KILL_CYCLES)) # 0-30 ms: the attach is done by then
		[ $us -gt 0 ] && read -r -t "$(printf '0.%06d' $us)" -u $nfd
		kill -KILL "$XPID" 2>/dev/null
		reap
		grep -q '"event":"attached"' "$out" && attached=$((attached + 1))
		# a run that failed on its own (not killed) is a failure
		[ "$XRC" -eq 137 ] || { bad=$((bad + 1)); [ $bad -le 3 ] &&
			{ echo "    cycle $c: exit $XRC"; sed 's/^/    /' "$out.err"; }; }
		id=$(our_id "$how" veth0)
		if [ -n "$id" ]; then # for the leak check: the next run replaces it
			left=$((left + 1)); echo "$id" >>"$PROGS"; maps_of "$id" >>"$MAPS"
		elif has_clsact_now veth0; then
			empty=$((empty + 1))
		fi
	done
	exec {nfd}>&-
	echo "  $EARLY_KILL_CYCLES $how early kills in $((SECONDS - start)) s; $attached had said" \
		"attached; left for the next run: $left a program, $empty an empty clsact qdisc"
	check_eq "$how early kill: every run was killed, none failed first" "$bad" 0
	nothing_left "$how" "early kill"
}

delete_row() {
	local how=$1 c bad=0 slow=0 rc=0 pinned=0 i start=$SECONDS out=$WORK/del-$1.out
	for ((c = 0; c < DELETE_CYCLES; c++)); do
		if ! { ip -n "$A" link add veth2 type veth peer name veth3 netns "$B" &&
			ip -n "$A" link set veth2 up && ip -n "$B" link set veth3 up; }; then
			fail "$how deletion: cycle $c: veth setup"; return
		fi
		if ! start_counting "$how" veth2 "$out"; then
			kill -KILL "$XPID" 2>/dev/null; reap; not_attached "$out"
			ip -n "$B" link del veth3; continue
		fi
		ip -n "$B" link del veth3 # takes veth2 with it
		for ((i = 0; i < 200; i++)); do kill -0 "$XPID" 2>/dev/null || break; sleep 0.01; done
		[ $i -ge 200 ] && { slow=$((slow + 1)); kill -KILL "$XPID"; }
		reap
		[ "$XRC" -eq 1 ] || { rc=$((rc + 1)); [ $rc -le 3 ] && echo "    cycle $c: exit $XRC"; }
		[ "$(pins_now)" -eq 0 ] || { pinned=$((pinned + 1)); [ $pinned -le 3 ] &&
			echo "    cycle $c: $(pins_now) pins left"; }
	done
	echo "  $DELETE_CYCLES $how deletions in $((SECONDS - start)) s"
	check_eq "$how deletion: every run attached" "$bad" 0
	check_eq "$how deletion: every run exited within 2 s" "$slow" 0
	check_eq "$how deletion: every run exited 1" "$rc" 0
	check_eq "$how deletion: no run left a pin" "$pinned" 0
}
