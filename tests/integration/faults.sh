# shellcheck shell=bash disable=SC2015,SC2016
# Fault tests (issue 9): what happens to a running counter when what it counts
# goes away, when stdout blocks, and on every terminating signal. Sourced by
# run.sh.

# fault_setup: namespaces a (xdpcount's), b (the peer's) and c (elsewhere),
# veth0 in a <-> veth1 in b. Sets A B C.
fault_setup() {
	ns_new A "$1-a" && ns_new B "$1-b" && ns_new C "$1-c" && veth "$A" veth0 "$B" veth1 ||
		{ fail "$CUR: setup"; return 1; }
}

# wait_exit MS: true once xdpcount ($XPID) has exited (reaped, status in
# XRC), false if it still runs after MS milliseconds.
wait_exit() {
	local i
	for ((i = 0; i < $1 / 50; i++)); do
		kill -0 "$XPID" 2>/dev/null || { wait "$XPID" 2>/dev/null; XRC=$?; return 0; }
		sleep 0.05
	done
	return 1
}

# A netlink program stays on an interface moved to another namespace: the
# run says so at once (lost, moved, the nsid), and at exit names what was
# left where and the command; exit 1. Nothing is claimed detached.
test_netlink_iface_moved_away_says_what_stays_where() {
	local out nsid id
	# a bpffs of its own, as on a host (ip netns exec hides /sys/fs/bpf, and a
	# run that cannot pin says so on a line of its own)
	need_bin && bpffs_private && fault_setup moved || return
	out=$WORK/moved.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach netlink || return
	id=$(xdp_id "$A" veth0)
	ip -n "$A" link set veth0 netns "$C" || { fail "$CUR: moving veth0"; return; }
	check "$CUR: exits within 2 intervals" wait_exit 1500
	check_eq "$CUR: exit status" "${XRC:-}" 1
	nsid=$(ip -n "$A" -j netns list-id 2>/dev/null | jq --arg n "$C" '.[] | select(.name == $n) | .nsid')
	check_eq "$CUR: a lost event saying moved" "$(field "$out" lost veth0 what)" moved
	check_eq "$CUR: with the namespace id" "$(field "$out" lost veth0 netnsid)" "$nsid"
	check_match "$CUR: one line naming program, nsid and command" "$(cat "$out.err")" \
		"id $id.*namespace $C \\(nsid $nsid.*\`ip -n $C link set dev veth0 xdpdrv off\`"
	check_eq "$CUR: one line on stderr" "$(grep -c . "$out.err")" 1
	check_eq "$CUR: no detached event" "$(events "$out" detached)" ""
	check_eq "$CUR: the program is indeed still there" "$(xdp_id "$C" veth0)" "$id"
	check "$CUR: stdout is JSON Lines" all_json "$out"
	ip -n "$C" link set dev veth0 xdpdrv off
}

# Link mode: the link follows the interface and is detached from here.
test_link_iface_moved_away_is_detached_and_reported() {
	local out
	need_bin && fault_setup lmoved || return
	out=$WORK/lmoved.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach link || return
	ip -n "$A" link set veth0 netns "$C" || { fail "$CUR: moving veth0"; return; }
	check "$CUR: exits within 2 intervals" wait_exit 1500
	check_eq "$CUR: exit status" "${XRC:-}" 1
	check_eq "$CUR: a lost event saying moved" "$(field "$out" lost veth0 what)" moved
	check_match "$CUR: the line says it moved" "$(cat "$out.err")" "lost veth0: .*moved.*nsid"
	check "$CUR: nothing left in the other namespace" wait_no_xdp "$C" veth0
}

# The interface is deleted (through its peer's namespace): exit 1 within two
# intervals, in both attach kinds, with the last totals.
test_iface_deleted_mid_run_exits_1_within_2_intervals() {
	local out how
	need_bin || return
	for how in link netlink; do
		bpffs_private && fault_setup "del-$how" || return
		out=$WORK/del-$how.out
		start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach $how || return
		ip -n "$B" link del veth1 # takes veth0 with it
		check "$CUR ($how): exits within 2 intervals" wait_exit 1500
		check_eq "$CUR ($how): exit status" "${XRC:-}" 1
		check_eq "$CUR ($how): lost event" "$(field "$out" lost veth0 what)" deleted
		check_match "$CUR ($how): one line naming it" "$(cat "$out.err")" \
			"^xdpcount: lost veth0: the interface was deleted"
		check_eq "$CUR ($how): one line on stderr" "$(grep -c . "$out.err")" 1
		check_eq "$CUR ($how): no pin left" "$(pins)" 0
		cleanup_test
	done
	# the peer's whole namespace (the kernel tears it down in the background)
	fault_setup del-ns || return
	out=$WORK/del-ns.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach netlink || return
	ip netns del "$B"
	check "$CUR (peer netns deleted): exits" wait_exit 5000
	check_eq "$CUR (peer netns deleted): exit status" "${XRC:-}" 1
	check_eq "$CUR (peer netns deleted): lost event" "$(field "$out" lost veth0 what)" deleted
}

# Someone removes our program (ip link set ... xdp off; or detaches our
# link). (xdpcount detach refuses while we run: test_detach_refuses_a_live_run.)
test_program_removed_by_someone_else_is_noticed() {
	local out id
	need_bin && fault_setup gone || return
	out=$WORK/gone.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach netlink || return
	ip -n "$A" link set dev veth0 xdpdrv off
	check "$CUR (netlink): exits within 2 intervals" wait_exit 1500
	check_eq "$CUR (netlink): exit status" "${XRC:-}" 1
	check_eq "$CUR (netlink): lost event" "$(field "$out" lost veth0 what)" program_gone
	check_match "$CUR (netlink): the line says so" "$(cat "$out.err")" "lost veth0: our XDP program was removed"
	command -v bpftool >/dev/null || return 0
	out=$WORK/gone-link.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --attach link || return
	id=$(bpftool -j link show 2>/dev/null |
		jq --arg p "$(xdp_id "$A" veth0)" '.[] | select(.type == "xdp" and .prog_id == ($p | tonumber)) | .id')
	[ -n "$id" ] && bpftool link detach id "$id"
	check "$CUR (link): exits within 2 intervals" wait_exit 1500
	check_eq "$CUR (link): exit status" "${XRC:-}" 1
	check_eq "$CUR (link): lost event" "$(field "$out" lost veth0 what)" link_gone
	check_match "$CUR (link): the line names the XDP link" "$(cat "$out.err")" \
		"lost veth0: our XDP link was detached from the interface by someone else"
	# a tcx link (tc ingress): no netlink answer shows it, the link is asked
	out=$WORK/gone-tcx.out
	start_attached "$A" "$out" veth0 -- --json -i 0.5 --mode tc || return
	check_eq "$CUR (tcx): attached through" "$(field "$out" attached veth0 attach)" tcx
	id=$(bpftool -j link show 2>/dev/null |
		jq --arg p "$(field "$out" attached veth0 program_id)" \
			'.[] | select(.prog_id == ($p | tonumber)) | .id') # (bookworm's bpftool prints tcx as type 11)
	[ -n "$id" ] && bpftool link detach id "$id"
	check "$CUR (tcx): exits within 2 intervals" wait_exit 1500
	check_eq "$CUR (tcx): exit status" "${XRC:-}" 1
	check_eq "$CUR (tcx): lost event" "$(field "$out" lost veth0 what)" link_gone
	check_match "$CUR (tcx): the line names the tcx link, not an XDP one" "$(cat "$out.err")" \
		"lost veth0: our tcx link was detached from the interface by someone else"
}

# Without link notifications (every bind() denied, so the watch socket
# cannot subscribe), each poll asks the kernel about every interface at once:
# a rename and a deletion are still noticed, within 2 intervals.
test_without_notifications_each_poll_asks_about_all() {
	local out
	need_bin && need_deny && need_sendframes && fault_setup nonotify || return
	out=$WORK/nonotify.out
	ip netns exec "$A" "$TOOLS/deny" bind EPERM "$BIN" --json -i 0.2 --attach link veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR: attached" wait_event "$out" attached veth0 || { show "$out.err"; return; }
	ip -n "$A" link set dev veth0 name xnn$$ || { fail "$CUR: rename"; return; }
	check "$CUR: a renamed event" wait_event "$out" renamed "xnn$$" 3
	check_eq "$CUR: sent 100" "$(send "$B" veth1 100 64)" 100
	wait_packets "$out" "xnn$$" 100
	ip -n "$B" link del veth1 # takes xnn$$ with it
	check "$CUR: exits within 2 intervals" wait_exit 600
	check_eq "$CUR: exit status" "${XRC:-}" 1
	check_eq "$CUR: lost, and no notification said how" "$(field "$out" lost "xnn$$" what)" gone
	check_eq "$CUR: with the final totals" "$(field "$out" lost "xnn$$" packets)" 100
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# A rename is reported, and the counts go on under the new name.
test_renamed_iface_is_reported_under_its_new_name() {
	local out
	need_bin && need_sendframes && fault_setup ren || return
	out=$WORK/ren.out
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --attach netlink || return
	ip -n "$A" link set dev veth0 name xren$$ || { fail "$CUR: rename"; return; }
	check "$CUR: a renamed event" wait_event "$out" renamed "xren$$" 3
	check_eq "$CUR: naming the old name" "$(field "$out" renamed "xren$$" old_iface)" veth0
	check_eq "$CUR: sent 100" "$(send "$B" veth1 100 64)" 100
	wait_packets "$out" "xren$$" 100
	stop TERM
	check_eq "$CUR: exit status" "$XRC" 0
	check_eq "$CUR: stats under the new name" "$(field "$out" stats "xren$$" packets)" 100
	check_eq "$CUR: detached under the new name" "$(field "$out" detached "xren$$" packets)" 100
	check_eq "$CUR: nothing left" "$(xdp_id "$A" "xren$$")" ""
}

# --keep-going: the other interface keeps counting; exit 1 at the end.
test_keep_going_counts_on_the_other_interface() {
	local out
	need_bin && need_sendframes && fault_setup keep || return
	veth "$A" veth2 "$B" veth3 || { fail "$CUR: setup"; return; }
	out=$WORK/keep.out
	start_attached "$A" "$out" veth0 veth2 -- --json -i 0.2 --keep-going --textfile "$out.prom" || return
	ip -n "$A" link del veth0
	check "$CUR: a lost event for veth0" wait_event "$out" lost veth0 3
	check "$CUR: still running" kill -0 "$XPID"
	check_eq "$CUR: sent 500 on veth3" "$(send "$B" veth3 500 64)" 500
	wait_packets "$out" veth2 500
	# per-device liveness in the metrics (issue 23)
	check "$CUR: the textfile says veth0 is lost" \
		grep -qxF 'xdpcount_attach_state{device="veth0",state="lost"} 1' "$out.prom"
	check "$CUR: and down" grep -qxF 'xdpcount_device_up{device="veth0"} 0' "$out.prom"
	check "$CUR: veth2 is up" grep -qxF 'xdpcount_device_up{device="veth2"} 1' "$out.prom"
	stop TERM
	check_eq "$CUR: exit status" "$XRC" 1
	check_eq "$CUR: veth2 totals" "$(field "$out" detached veth2 packets)" 500
	check_match "$CUR: stderr names the loss, then the summary" "$(cat "$out.err")" \
		"lost veth0: the interface was deleted.*goes on"
	check_match "$CUR: the summary" "$(tail -n 1 "$out.err")" "1 of 2 lost"
}

# A blocked stdout (a reader that never reads): the stop takes at most the
# output deadline (2 s), the program is detached, exit 1 says lines were lost.
test_blocked_stdout_does_not_hold_the_stop() {
	local start took rc i ifs=(veth0)
	need_bin && fault_setup block || return
	for i in 2 4 6; do # more lines per interval: the pipe fills sooner
		veth "$A" "veth$i" "$B" "veth$((i + 1))" || { fail "$CUR: setup"; return; }
		ifs+=("veth$i")
	done
	# shellcheck disable=SC2216 # a reader that never reads is the point
	# ip netns exec execs xdpcount, so $! is xdpcount's own pid (not found by
	# its command line: another test run on the machine may run the same one)
	( ip netns exec "$A" "$BIN" -j -i 0.01 --attach netlink "${ifs[@]}" 2>"$WORK/block.err" &
	  echo $! >"$WORK/block.pid"; wait $!
	  echo $? >"$WORK/block.rc" ) | sleep 30 &
	BGPIDS+=("$!")
	sleep 2.5 # 64 KiB of pipe are full after about 1.5 s
	XPID=$(cat "$WORK/block.pid" 2>/dev/null)
	[ -n "$XPID" ] && kill -0 "$XPID" 2>/dev/null ||
		{ fail "$CUR: xdpcount is not running"; show "$WORK/block.err"; return; }
	start=$(date +%s%N)
	kill -TERM "$XPID"
	check "$CUR: it exits within 3 s" wait_pid_gone "$XPID" 3
	took=$((($(date +%s%N) - start) / 1000000))
	echo "      stop took $took ms"
	sleep 0.2
	rc=$(cat "$WORK/block.rc" 2>/dev/null)
	check_eq "$CUR: exit status tells lines were lost" "$rc" 1
	check_match "$CUR: the line says so" "$(cat "$WORK/block.err")" "stdout.*lost"
	for i in "${ifs[@]}"; do
		check_eq "$CUR: nothing left on $i" "$(xdp_id "$A" "$i")" ""
	done
}

# `xdpcount detach` on an interface where an xdpcount counts, in every mode
# (XDP link, XDP netlink, tcx, clsact): refused, naming the live run's pid,
# exit 1, nothing removed (the run goes on counting and stops cleanly).
test_detach_refuses_a_live_run_in_every_mode() {
	local out how args err rc
	need_bin && need_sendframes && fault_setup live || return
	for how in link netlink tcx clsact; do
		case $how in
		link|netlink) args=(--attach "$how") ;;
		tcx) args=(-m tc --attach link) ;;
		clsact) args=(-m tc --attach netlink) ;;
		esac
		out=$WORK/live-$how.out err=$WORK/live-$how.detach
		start_attached "$A" "$out" veth0 -- --json -i 0.2 "${args[@]}" || return
		ip netns exec "$A" "$BIN" detach veth0 >"$err" 2>"$err.err"
		rc=$?
		check_eq "$CUR ($how): detach exits 1" "$rc" 1
		check_match "$CUR ($how): one line naming the live run's pid" "$(cat "$err.err")" \
			"^xdpcount: cannot detach from veth0: xdpcount pid $XPID counts here \\(program id $(field "$out" attached veth0 program_id),.*nothing was removed"
		check_eq "$CUR ($how): one line on stderr" "$(grep -c . "$err.err")" 1
		check_eq "$CUR ($how): nothing on stdout" "$(cat "$err")" ""
		check_eq "$CUR ($how): sent 100" "$(send "$B" veth1 100 64)" 100
		check "$CUR ($how): it still counts" wait_packets "$out" veth0 100
		stop TERM
		check_eq "$CUR ($how): and stops cleanly" "$XRC" 0
		check_eq "$CUR ($how): with its total" "$(field "$out" detached veth0 packets)" 100
		[ "$FAILED" -eq "$T_FAILED0" ] || { show "$err.err"; show "$out.err"; }
	done
}

# pins_left: our pins in the test's private bpffs.
pins_left() {
	find "$BPFFS/xdpcount" -mindepth 1 2>/dev/null | wc -l
}

# term_kill_cycles ARGS...: 10 runs on veth0, each stopped by SIGTERM and
# then kill -9 0-9 ms later (a service manager's stop timeout).
term_kill_cycles() {
	local c out=$WORK/term-kill.out
	for ((c = 0; c < 10; c++)); do
		start "$A" "$out" --json -i 0.2 "$@" veth0
		wait_event "$out" attached veth0 || { fail "$CUR: cycle $c: not attached"; show "$out.err"; return 1; }
		kill -TERM "$XPID"; sleep "0.00$c"; kill -KILL "$XPID" 2>/dev/null
		wait "$XPID" 2>/dev/null
	done
}

# No pin of ours outlives what it pinned (netlink and clsact): the interface
# deleted while counting; SIGTERM then kill -9 within 0-9 ms; kill -9 and
# then the interface deleted. Whatever a killed run left, the next run, or
# `detach` (of any interface), removes.
test_no_pin_outlives_its_program() {
	local out how args
	need_bin && bpffs_private && fault_setup pins || return
	for how in netlink clsact; do
		[ $how = netlink ] && args=(--attach netlink) || args=(-m tc --attach netlink)
		out=$WORK/pins-$how.out
		veth "$A" veth2 "$B" veth3 || { fail "$CUR: setup"; return; }
		start_attached "$A" "$out" veth2 -- --json -i 0.2 "${args[@]}" || return
		check_eq "$CUR ($how): pinned while counting" "$(pins_left)" 1
		ip -n "$B" link del veth3 # takes veth2 with it
		check "$CUR ($how, deleted): exits" wait_exit 1500
		check_eq "$CUR ($how, deleted): exit status" "${XRC:-}" 1
		check_eq "$CUR ($how, deleted): no pin left" "$(pins_left)" 0
		term_kill_cycles "${args[@]}" || return
		ip netns exec "$A" "$BIN" detach -q veth0
		check_eq "$CUR ($how, TERM then KILL): detach exits 0" "$?" 0
		check_eq "$CUR ($how, TERM then KILL): no pin left after detach" "$(pins_left)" 0
		check_eq "$CUR ($how, TERM then KILL): no program left" "$(xdp_id "$A" veth0)" ""
		check "$CUR ($how, TERM then KILL): no clsact qdisc left" eval "! has_clsact $A veth0"
		term_kill_cycles "${args[@]}" || return
		timeout 20 ip netns exec "$A" "$BIN" --json -c 1 -i 0.1 "${args[@]}" veth0 >"$out" 2>"$out.err"
		check_eq "$CUR ($how, TERM then KILL): the next run exits 0" "$?" 0
		check_eq "$CUR ($how, TERM then KILL): no pin left after it" "$(pins_left)" 0
		check "$CUR ($how, TERM then KILL): nor a clsact qdisc" eval "! has_clsact $A veth0"
		veth "$A" veth2 "$B" veth3 || { fail "$CUR: setup"; return; }
		start_attached "$A" "$out" veth2 -- --json -i 0.2 "${args[@]}" || return
		stop KILL
		ip -n "$B" link del veth3
		ip netns exec "$A" "$BIN" detach -q veth0
		check_eq "$CUR ($how, killed, then deleted): detach of another removes its pin" \
			"$(pins_left)" 0
		[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
	done
}

# The pin of a killed netlink run in another namespace X goes with the first
# detach (or run: next-run) anywhere once its program is nowhere the pin
# says: X deleted (its veth with it), or X still there but the interface
# deleted; it stays
# while the program is still attached in X, so that the next run there
# recognises it as ours.
test_pins_of_dead_runs_elsewhere_are_swept() {
	local x out id case
	need_bin && bpffs_private && fault_setup elsewhere || return
	for case in netns-deleted iface-deleted still-attached next-run; do
		ns_new x "elsewhere-$case" && veth "$x" veth4 "$B" veth5 ||
			{ fail "$CUR: setup"; return; }
		out=$WORK/elsewhere-$case.out
		start_attached "$x" "$out" veth4 -- --json -i 0.2 --attach netlink || return
		id=$(xdp_id "$x" veth4)
		stop KILL
		check_eq "$CUR ($case): the killed run's pin" "$(pins_left)" 1
		case $case in
		netns-deleted|next-run) ip netns del "$x" ;;
		iface-deleted) ip -n "$B" link del veth5 ;;
		esac
		if [ $case = next-run ]; then # a run, not detach, in another namespace
			timeout 20 ip netns exec "$A" "$BIN" --json -c 1 -i 0.1 veth0 >"$out.detach" 2>&1
			check_eq "$CUR ($case): a run in another namespace exits 0" "$?" 0
		else
			ip netns exec "$A" "$BIN" detach veth0 >"$out.detach" 2>&1
			check_eq "$CUR ($case): detach in another namespace exits 0" "$?" 0
		fi
		if [ $case = next-run ]; then
			: # the run says nothing of the pins it sweeps
		elif [ $case = still-attached ]; then
			check_eq "$CUR ($case): the pin stays" "$(pins_left)" 1
			timeout 20 ip netns exec "$x" "$BIN" --json -c 1 -i 0.1 --attach netlink veth4 \
				>"$out" 2>"$out.err"
			check_eq "$CUR ($case): the next run there exits 0" "$?" 0
			check_eq "$CUR ($case): having replaced the leftover as ours" \
				"$(field "$out" stale_removed veth4 program_id)" "$id"
		else
			check_match "$CUR ($case): detach says it removed the pin" \
				"$(cat "$out.detach")" "removed 1 pin of xdpcount runs that are gone"
		fi
		check_eq "$CUR ($case): no pin left" "$(pins_left)" 0
		check "$CUR ($case): program $id is gone" wait_prog_gone "$id"
		[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out.detach"; show "$out.err"; }
		ip -n "$B" link del veth5 2>/dev/null # what is left of the pair
	done
}

# wait_prog_gone ID: true once no BPF program has ID (5 s at most: freeing
# is deferred).
wait_prog_gone() {
	local i
	for ((i = 0; i < 100; i++)); do
		bpftool prog show id "$1" >/dev/null 2>&1 || return 0
		sleep 0.05
	done
	return 1
}

# A run killed with kill -9 whose parent has not reaped it yet (a zombie:
# its fds, and so its hold on the program, are gone) is no live owner: the
# next run replaces its leftover instead of refusing "pid N counts on it".
test_a_killed_run_not_yet_reaped_is_no_live_owner() {
	local out xpid i id
	need_bin && bpffs_private && fault_setup zombie || return
	out=$WORK/zombie.out
	# sh starts xdpcount, then becomes a sleep that never reaps it
	ip netns exec "$A" sh -c '"$0" --json -i 0.2 --attach netlink veth0 >"$1" 2>&1 & exec sleep 60' \
		"$BIN" "$out" &
	BGPIDS+=("$!")
	check "$CUR: attached" wait_event "$out" attached veth0 || { show "$out"; return; }
	xpid=$(jq -r 'select(.event == "start") | .pid' "$out")
	id=$(xdp_id "$A" veth0)
	kill -KILL "$xpid"
	for ((i = 0; i < 100; i++)); do
		[ "$(awk '{ print $3 }' "/proc/$xpid/stat" 2>/dev/null)" = Z ] && break
		sleep 0.02
	done
	check_eq "$CUR: the killed run is a zombie" "$(awk '{ print $3 }' "/proc/$xpid/stat")" Z
	timeout 20 ip netns exec "$A" "$BIN" --json -c 1 -i 0.1 --attach netlink veth0 \
		>"$out.next" 2>"$out.next.err"
	check_eq "$CUR: the next run exits 0" "$?" 0
	check_eq "$CUR: replacing the zombie's leftover" \
		"$(field "$out.next" stale_removed veth0 program_id)" "$id"
	check_eq "$CUR: no pin left" "$(pins_left)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.next.err"
}

wait_pid_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# Signals whose default action kills: netlink mode detaches first, prints
# the totals, and then ends as the signal asks (status 128+N). That includes
# the signals that also report faults (ABRT, TRAP, BUS, SEGV, SYS, ILL, FPE)
# when another process sends them (a watchdog's SIGABRT), and the real-time
# signals the C library keeps for itself (32-34: `kill -RTMIN` from bash is
# 34). SIGKILL and SIGSTOP never can be caught.
test_every_terminating_signal_detaches_first() {
	local sig out num name
	need_bin && fault_setup sigs || return
	for sig in USR1 USR2 ALRM QUIT XCPU VTALRM PROF XFSZ RTMIN+3 ABRT TRAP BUS SEGV SYS \
		ILL FPE RTMIN 32 33; do
		out=$WORK/sig-$sig.out
		start_attached "$A" "$out" veth0 -- --json -i 0.2 --attach netlink || return
		stop "$sig"
		case $sig in
		[0-9]*) num=$sig ;;
		*) num=$(kill -l "$sig") ;;
		esac
		name=SIG$sig
		[ "$num" -ge 32 ] && name="real-time signal $num" # SIGRTMIN differs by libc
		check_eq "$CUR ($sig): ends as the signal asks" "$XRC" $((128 + num))
		check "$CUR ($sig): a detached event" test -n "$(events "$out" detached veth0)"
		check_match "$CUR ($sig): one line naming the signal" "$(cat "$out.err")" \
			"stopped by $name: detached first"
		check_eq "$CUR ($sig): nothing left on veth0" "$(xdp_id "$A" veth0)" ""
	done
}

# A fault of its own (here a SIGSYS that seccomp raises at the counting
# loop's first sleep) leaves no handler anything it could safely do but
# write: one line says what stays where and what removes it, and it dies of
# the signal; `detach` then removes the program and its pin. In link mode
# nothing stays, and the line says so.
test_a_fault_of_its_own_says_what_stays_and_where() {
	local out id num
	need_bin && need_deny && bpffs_private && fault_setup fault || return
	num=$(kill -l SYS)
	out=$WORK/fault.out
	ip netns exec "$A" "$TOOLS/deny" sleep TRAP "$BIN" --json -i 0.2 --attach netlink veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR (netlink): it dies" wait_exit 5000 || { stop KILL; return; }
	check_eq "$CUR (netlink): of SIGSYS" "${XRC:-}" $((128 + num))
	# from the kernel: a fault can end the run before its stdout thread wrote
	# the attached event (seen with the sanitizer build)
	id=$(xdp_id "$A" veth0)
	check "$CUR (netlink): the program is indeed there" test -n "$id"
	check_match "$CUR (netlink): one line says what stays where" "$(cat "$out.err")" \
		"^xdpcount: SIGSYS from within xdpcount: it cannot detach safely now; program id $id stays on veth0 \\(XDP netlink, pinned at $BPFFS/xdpcount/net[0-9]+_if[0-9]+_pid[0-9]+_[0-9]+; \`xdpcount detach veth0\` or the next run there removes it\\)$"
	check_eq "$CUR (netlink): one line on stderr" "$(grep -c . "$out.err")" 1
	check_eq "$CUR (netlink): detach removes it" "$(ip netns exec "$A" "$BIN" detach veth0)" \
		"veth0: removed 1 xdpcount program"
	check_eq "$CUR (netlink): and its pin" "$(pins_left)" 0
	ip netns exec "$A" "$TOOLS/deny" sleep TRAP "$BIN" --json -i 0.2 --attach link veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR (link): it dies" wait_exit 5000 || { stop KILL; return; }
	check_eq "$CUR (link): of SIGSYS" "${XRC:-}" $((128 + num))
	check_match "$CUR (link): the line says nothing stays" "$(cat "$out.err")" \
		"^xdpcount: SIGSYS from within xdpcount: .*nothing of ours stays attached"
	check "$CUR (link): and nothing does" wait_no_xdp "$A" veth0
}
