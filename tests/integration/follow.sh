# shellcheck shell=bash disable=SC2015,SC2016
# Following the node (issue 20): selectors (names, globs, --all,
# exclusions), check and run agreeing on them, and a run that follows
# interfaces as they appear, go away and are renamed. --all is only ever run
# under `ip netns exec` in a namespace of the test's own (on the host it would
# take eth0): in_own_ns refuses anything else. Sourced by run.sh.

# in_own_ns NS ARGS...: xdpcount ARGS in NS, one of this test's namespaces.
in_own_ns() {
	local ns=$1; shift
	case " ${NSS[*]} " in
	*" $ns "*) ip netns exec "$ns" "$BIN" "$@" ;;
	*) echo "in_own_ns: $ns is not one of this test's namespaces" >&2; return 99 ;;
	esac
}

# follow_setup NAME: namespace a with veth0 and veth1 (peers p0 and p1 in b),
# and vx0 (peer q0 in b). Sets A B.
follow_setup() {
	ns_new A "$1-a" && ns_new B "$1-b" && veth "$A" veth0 "$B" p0 && veth "$A" veth1 "$B" p1 &&
		veth "$A" vx0 "$B" q0 || { fail "$CUR: setup"; return 1; }
}

# checked NS ARGS...: the interfaces check --json ARGS looks at, one line.
checked() {
	local ns=$1; shift
	in_own_ns "$ns" check --json "$@" 2>/dev/null | jq -r '[.interfaces[].name] | sort | join(" ")'
}

# counted NS ARGS...: the interfaces a one-report run ARGS attaches, one line.
counted() {
	local ns=$1; shift
	in_own_ns "$ns" --json -c 1 -i 0.1 "$@" 2>/dev/null |
		jq -r -s '[.[] | select(.event == "attached") | .iface] | sort | join(" ")'
}

test_selectors_pick_names_globs_all_and_exclusions() {
	need_bin && follow_setup sel || return
	ip -n "$A" link add ifb7 type ifb 2>/dev/null && ip -n "$A" link set ifb7 up
	check_eq "$CUR: a glob" "$(counted "$A" 'veth*')" "veth0 veth1"
	check_eq "$CUR: a bracket glob" "$(counted "$A" 'v[x]0')" "vx0"
	check_eq "$CUR: --exclude wins over the glob" "$(counted "$A" 'veth*' --exclude veth1)" "veth0"
	check_eq "$CUR: !PATTERN, before the glob too" "$(counted "$A" '!veth0' 'veth*')" "veth1"
	check_eq "$CUR: --all: every one but lo and ifb" "$(counted "$A" --all)" "veth0 veth1 vx0"
	check_eq "$CUR: --all with exclusions" "$(counted "$A" --all '!vx*' --exclude veth0)" "veth1"
	check_eq "$CUR: a name and a glob" "$(counted "$A" vx0 'veth1*')" "veth1 vx0"
	check_eq "$CUR: a name that is excluded is left out" "$(counted "$A" vx0 veth0 '!veth0')" "vx0"
	check_eq "$CUR: exclusions alone are a usage error" \
		"$(in_own_ns "$A" -c 1 --exclude 'veth*' >/dev/null 2>&1; echo $?)" 2
	check_eq "$CUR: --all on the host is refused by the test helper" \
		"$(in_own_ns not-ours --all -c 1 >/dev/null 2>&1; echo $?)" 99
}

test_check_checks_what_run_counts_on() {
	local sel
	need_bin && follow_setup agree || return
	for sel in "veth*" "--all" "--all !veth1" "vx0 veth0" "v?? !vx0"; do
		# shellcheck disable=SC2086 # the selector's words
		check_eq "$CUR: check and run agree on '$sel'" "$(checked "$A" $sel)" "$(counted "$A" $sel)"
	done
	# no interface given: both take the default route's (none in a bare
	# namespace: check checks the kernel alone, run refuses)
	check_eq "$CUR: no interface, no default route: check checks none" "$(checked "$A")" ""
	check_eq "$CUR: and run counts on none" "$(counted "$A")" ""
}

# A run with a glob: veth2 created after the start is attached within an
# interval and counted exactly from its attach; deleting it gives lost with
# its totals, and counting goes on on the others; renames move interfaces in
# and out of the selection.
test_a_glob_follows_interfaces_as_they_come_and_go() {
	local out
	need_bin && need_sendframes && follow_setup come || return
	out=$WORK/come.out
	start_attached "$A" "$out" veth0 veth1 -- --json -i 0.2 'veth*' || return
	check_eq "$CUR: vx0 is not attached" "$(events "$out" attached vx0)" ""
	veth "$A" veth2 "$B" p2 || { fail "$CUR: veth2"; return; }
	check "$CUR: veth2, created after the start, is attached" wait_event "$out" attached veth2 3
	check_eq "$CUR: 1000 frames sent to veth2" "$(send "$B" p2 1000 100)" 1000
	check "$CUR: veth2 counts exactly 1000" wait_packets "$out" veth2 1000
	ip -n "$A" link del veth2
	check "$CUR: its deletion is reported lost" wait_event "$out" lost veth2 3
	check_eq "$CUR: with its final totals" "$(field "$out" lost veth2 packets)" 1000
	check "$CUR: the run goes on" kill -0 "$XPID"
	ip -n "$A" link set veth1 name other1
	check "$CUR: renamed out of the selection: detached" wait_event "$out" detached other1 3
	check_eq "$CUR: other1 carries no program" "$(xdp_id "$A" other1)" ""
	ip -n "$A" link set vx0 name veth9
	check "$CUR: renamed into it: attached" wait_event "$out" attached veth9 3
	check_eq "$CUR: 10 frames to veth0" "$(send "$B" p0 10 100)" 10
	check "$CUR: veth0 still counts them" wait_packets "$out" veth0 10
	stop INT
	check_eq "$CUR: exit 0 (a lost interface is no failure when following)" "$XRC" 0
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: veth0 and veth9 detached at the end" \
		"$(events "$out" detached | jq -r .iface | sort | tr '\n' ' ')" "other1 veth0 veth9 "
}

# A new interface is attached as it appears, not at the next tick: with -i 5,
# veth2 created a second after the start gets its attached event before the
# first stats line, well within 2.5 s (before: at the tick, about 4 s after),
# and the passes keep their pace (the first stats 5 s after the start). The
# early attach counts exactly from its attach, as the tick's did.
test_a_new_interface_is_attached_before_the_next_tick() {
	local out t0 dt i seen t_att stats_then first_stats line_att line_stats first_pkts first_pps first_t
	need_bin && need_sendframes && follow_setup early || return
	out=$WORK/early.out
	start_attached "$A" "$out" veth0 veth1 -- --json -i 5 'veth*' || return
	sleep 1
	t0=$EPOCHREALTIME
	veth "$A" veth2 "$B" p2 || { fail "$CUR: veth2"; return; }
	seen=''
	for ((i = 0; i < 120; i++)); do # 6 s: past the tick, so the old way shows as slow
		[ -n "$(events "$out" attached veth2)" ] && { seen=$EPOCHREALTIME; break; }
		sleep 0.05
	done
	stats_then=$(events "$out" stats | wc -l)
	check "$CUR: veth2 is attached" [ -n "$seen" ]
	[ -n "$seen" ] || { stop KILL; return; }
	# the event says when (the stats lines' clock): after the creation began,
	# not after it was seen here
	t_att=$(events "$out" attached veth2 | head -n 1 | jq -r .time)
	check "$CUR: its event has the time of the attach (between $t0 and $seen: $t_att)" \
		awk -v a="$t0" -v t="$t_att" -v b="$seen" 'BEGIN {exit !(t + 0 > a && t + 0 <= b)}'
	dt=$(awk -v a="$t0" -v b="$t_att" 'BEGIN {printf "%.2f", b - a}')
	check "$CUR: within 2.5 s of its creation (took $dt s; the tick is 5 s)" \
		awk -v d="$dt" -v a="$t0" -v b="$seen" 'BEGIN {exit !(d < 2.5 && b - a < 2.5)}'
	check_eq "$CUR: before any stats line (the passes did not move)" "$stats_then" 0
	line_att=$(grep -n '"event":"attached".*"iface":"veth2"' "$out" | head -n 1 | cut -d: -f1)
	check_eq "$CUR: 1000 frames sent to veth2" "$(send "$B" p2 1000 100)" 1000
	for ((i = 0; i < 240; i++)); do # the tick's stats (up to two intervals)
		[ "$(events "$out" stats veth2 | tail -n 1 | jq -r .packets)" == 1000 ] && break
		sleep 0.05
	done
	check_eq "$CUR: veth2 counts exactly 1000" "$(events "$out" stats veth2 | tail -n 1 | jq -r .packets)" 1000
	# its first rate is over the time it counted (attach to tick), not the
	# whole 5 s interval: times the seconds since its attached event, its
	# 1000 frames (the interval's rate would give about 780)
	read -r first_pkts first_pps first_t < <(events "$out" stats veth2 | head -n 1 |
		jq -r '"\(.packets) \(.pps) \(.time)"')
	check_eq "$CUR: its first stats line has the 1000" "$first_pkts" 1000
	check "$CUR: and their rate over its time attached (pps $first_pps, attached at $t_att, tick at $first_t)" \
		awk -v p="$first_pps" -v a="$t_att" -v t="$first_t" \
		'BEGIN {n = p * (t - a); exit !(n > 900 && n < 1100)}'
	line_stats=$(grep -n '"event":"stats"' "$out" | head -n 1 | cut -d: -f1)
	check "$CUR: its attached event comes before the first stats line" \
		awk -v a="${line_att:-0}" -v s="${line_stats:-0}" 'BEGIN {exit !(a > 0 && a < s)}'
	first_stats=$(events "$out" stats veth0 | head -n 1 | jq -r .time)
	check "$CUR: the first pass is on its tick (5 s after the start, not moved by the attach)" \
		awk -v s="$(events "$out" start | jq -r .time)" -v f="$first_stats" \
		'BEGIN {exit !(f - s > 4.5 && f - s < 6)}'
	stop INT
	check_eq "$CUR: exit 0" "$XRC" 0
	check_eq "$CUR: veth2 detached with its 1000" "$(field "$out" detached veth2 packets)" 1000
}

# --all in netlink mode: a new interface is found, and its deletion leaves
# nothing behind (the program went with it).
test_all_follows_in_netlink_mode() {
	local out
	need_bin && bpffs_private && follow_setup allnl || return
	out=$WORK/allnl.out
	start_attached "$A" "$out" veth0 veth1 vx0 -- --json -i 0.2 --attach netlink --all || return
	veth "$A" new0 "$B" n0 || { fail "$CUR: new0"; return; }
	check "$CUR: new0 is attached" wait_event "$out" attached new0 3
	check_eq "$CUR: through netlink" "$(field "$out" attached new0 attach)" netlink
	ip -n "$A" link del new0
	check "$CUR: its deletion is reported lost" wait_event "$out" lost new0 3
	stop TERM
	check_eq "$CUR: exit 0" "$XRC" 0
}

# Named interfaces keep the strict behaviour: one deleted ends the run, exit 1.
test_named_interfaces_stay_strict() {
	local out
	need_bin && follow_setup strict || return
	out=$WORK/strict.out
	start_attached "$A" "$out" veth0 veth1 -- --json -i 0.2 || return
	ip -n "$A" link del veth1
	check "$CUR: lost" wait_event "$out" lost veth1 3
	for _ in $(seq 40); do kill -0 "$XPID" 2>/dev/null || break; sleep 0.05; done
	stop TERM
	check_eq "$CUR: exit 1" "$XRC" 1
}

# The one probe that reads every interface of the namespace, the qdisc dump
# (the kernel filters a qdisc dump by nothing, tcm_ifindex included), is
# done once per batch of new interfaces, not once per interface: 70 veths a
# run picks up at its start cost the start's dump and one per 64 of them, 3
# in all (71 when each asked alone: O(n^2) work under rtnl to reach 1024).
test_new_interfaces_share_one_qdisc_dump_per_batch() {
	local out n=70 i dumps
	need_bin && need_cmd strace && ns_new A qd || return
	for ((i = 0; i < n; i++)); do echo "link add s$i type veth peer name t$i"; done |
		ip -n "$A" -batch - &&
		for ((i = 0; i < n; i++)); do echo "link set s$i up"; echo "link set t$i up"; done |
		ip -n "$A" -batch - || { fail "$CUR: $n veth pairs"; return; }
	out=$WORK/qd.out
	# LeakSanitizer cannot run under ptrace (the sanitizer build's)
	ip netns exec "$A" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=sendto -o "$WORK/qd.strace" \
		"$BIN" --json -c 1 -i 0.2 's*' >"$out" 2>"$WORK/qd.err"
	check_eq "$CUR: exit 0" "$?" 0
	check_eq "$CUR: all $n attached" "$(grep -c '"event":"attached"' "$out")" "$n"
	# RTM_GETQDISC (0x26) with NLM_F_DUMP (0x300), whether or not strace
	# decodes the socket's protocol
	dumps=$(grep -Ec 'nlmsg_type=(RTM_GETQDISC|0x26 )[^}]*nlmsg_flags=[^,]*(NLM_F_DUMP|0x300)' \
		"$WORK/qd.strace")
	check_eq "$CUR: qdisc dumps: the start's and one per 64 new interfaces" "$dumps" 3
}
