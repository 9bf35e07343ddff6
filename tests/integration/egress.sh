# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# Integration tests of transmit counting (--direction out|both, sourced by
# run.sh): xdpcount counts at tc egress of veth0 (ns a) what veth0 sends,
# through tcx (6.6+) or a clsact qdisc with a cls_bpf filter (--attach
# netlink). The frames are sent from veth0 itself (sendframes --qdisc: through
# tc egress, not around it) and the peer veth1 (ns b) must receive each of
# them. Someone's egress filter is foreign_xdp.c's foreign_cls on clsact.

EG_LEN=100   # bytes of each frame veth0 sends
EG_RX=500    # frames veth1 sends back in the both-directions test
EG_RX_LEN=80

# send_out NS IFACE COUNT LEN: sendframes --qdisc (through tc egress); prints
# the number sent, and on stderr the frames the device refused and that were
# sent again (each of them was seen at tc egress twice).
send_out() {
	ip netns exec "$1" "$SENDFRAMES" --qdisc "$2" "$3" "$4"
}

# rx_of NS IFACE: "[packets,bytes]" the interface received.
rx_of() {
	ip -n "$1" -j -s link show dev "$2" | jq -c '.[0].stats64.rx | [.packets, .bytes]'
}

# eg_filters NS IFACE: the egress filters as "PREF HANDLE NAME", sorted.
eg_filters() {
	tc -n "$1" -j filter show dev "$2" egress 2>/dev/null |
		jq -r '.[] | select(.options.handle != null) |
		       "\(.pref) \(.options.handle) \(.options.prog.name // "?")"' | sort
}

# eg_tcx NS IFACE: "ID NAME" of each tcx egress program, one per line.
eg_tcx() {
	ip netns exec "$1" "$TCXLIST" --egress "$2" 2>&1
}

# theirs_on_egress NS IFACE: someone's clsact qdisc with their filter on
# egress at pref 100; prints that filter's line.
theirs_on_egress() {
	tc -n "$1" qdisc add dev "$2" clsact &&
	tc -n "$1" filter add dev "$2" egress pref 100 bpf da obj "$(foreign_obj)" \
		sec classifier && eg_filters "$1" "$2"
}

# egress_run HOW THEIRS: the shared body of the exact egress tests. HOW tcx
# (the default here) or clsact (--attach netlink); THEIRS yes puts someone's
# clsact qdisc and egress filter on veth0 first. N frames of EG_LEN sent from
# veth0 must be counted exactly at its egress and received by veth1; their
# filter and qdisc are untouched, and nothing of ours is left.
egress_run() {
	local how=$1 theirs=$2 a b out rx0 theirs_line="" args=()
	need_tc_tools || return
	ns_new a eg-$how-$theirs-a && ns_new b eg-$how-$theirs-b &&
		veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	[ "$how" = clsact ] && args=(--attach netlink)
	if [ "$theirs" = yes ]; then
		theirs_line=$(theirs_on_egress "$a" veth0) && [ -n "$theirs_line" ] ||
			{ fail "$CUR: someone's egress filter"; return; }
	fi
	out=$WORK/eg-$how-$theirs.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --direction out "${args[@]}" || return
	check_eq "$CUR: attached hook" "$(field "$out" attached veth0 hook)" tc
	check_eq "$CUR: attached direction" "$(field "$out" attached veth0 direction)" out
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" "$how"
	if [ "$how" = tcx ]; then
		check_match "$CUR: our tcx program is on egress" \
			"$(eg_tcx "$a" veth0 | head -n 1)" '^[0-9]+ xdpcount_egress$'
		check_eq "$CUR: their egress filters untouched while counting" \
			"$(eg_filters "$a" veth0)" "$theirs_line"
	else
		check_eq "$CUR: our filter first on egress, theirs beside it" \
			"$(eg_filters "$a" veth0)" \
			"$(printf '1 0x7864 xdpcount_egress%s' "${theirs_line:+$'\n'$theirs_line}")"
	fi
	check_eq "$CUR: nothing of ours on ingress" "$(tc_filters "$a" veth0)$(tcx_progs "$a" veth0)" ""
	rx0=$(rx_of "$b" veth1)
	check_eq "$CUR: sent $N frames of $EG_LEN from veth0" \
		"$(send_out "$a" veth0 $N $EG_LEN 2>"$out.send")" "$N"
	check_eq "$CUR: the device refused none of them (else they count twice)" \
		"$(cat "$out.send")" ""
	wait_tx "$out" veth0 $N
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: the peer received them all" "$(rx_of "$b" veth1)" \
		"$(jq -cn --argjson r "$rx0" "[\$r[0] + $N, \$r[1] + $N * $EG_LEN]")"
	check_eq "$CUR: tx_packets = what veth0 sent" "$(field "$out" detached veth0 tx_packets)" $N
	check_eq "$CUR: tx_bytes = what veth0 sent, L2 header included" \
		"$(field "$out" detached veth0 tx_bytes)" $((N * EG_LEN))
	check_eq "$CUR: no receive figures when only transmit is counted" \
		"$(field "$out" stats veth0 packets)$(field "$out" detached veth0 packets)" nullnull
	check_eq "$CUR: no tcx egress program left" "$(eg_tcx "$a" veth0)" ""
	check_eq "$CUR: only their egress filter is left" "$(eg_filters "$a" veth0)" "$theirs_line"
	if [ "$theirs" = yes ]; then
		check "$CUR: their clsact qdisc stays" has_clsact "$a" veth0
	else
		check "$CUR: no clsact qdisc left" eval "! has_clsact $a veth0"
	fi
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

# wait_tx FILE IFACE WANT: waits (5 s at most) for a stats event showing
# WANT transmitted packets.
wait_tx() {
	wait_packets "$1" "$2" "$3" tx_packets
}

test_egress_tcx_counts_exactly_what_the_interface_sends() {
	egress_run tcx no
}

test_egress_tcx_beside_someones_egress_filter_counts_exactly_and_keeps_it() {
	egress_run tcx yes
}

test_egress_clsact_counts_exactly_and_removes_its_qdisc() {
	egress_run clsact no
}

test_egress_clsact_beside_someones_egress_filter_counts_exactly_and_keeps_it() {
	egress_run clsact yes
}

# --direction both: what veth0 receives (XDP) and what it sends (tc egress),
# each exact, in one stats event; with clsact for the transmit side too.
both_run() {
	local how=$1 a b out args=()
	need_tc_tools || return
	ns_new a eg-both-$how-a && ns_new b eg-both-$how-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	[ "$how" = clsact ] && args=(--attach netlink)
	out=$WORK/eg-both-$how.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --direction both "${args[@]}" || return
	check_eq "$CUR: attached twice: receive, then transmit" \
		"$(events "$out" attached veth0 | jq -r '"\(.hook) \(.direction)"' | tr '\n' ' ')" \
		"xdp in tc out "
	check_eq "$CUR: sent $N from veth0" "$(send_out "$a" veth0 $N $EG_LEN 2>"$out.send")" "$N"
	check_eq "$CUR: sent $EG_RX to veth0" "$(send "$b" veth1 $EG_RX $EG_RX_LEN)" "$EG_RX"
	check_eq "$CUR: the device refused none" "$(cat "$out.send")" ""
	wait_tx "$out" veth0 $N
	wait_packets "$out" veth0 $EG_RX
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	check_eq "$CUR: the last stats: received and transmitted, exact" \
		"$(events "$out" stats veth0 | tail -n 1 |
		   jq -c '[.packets, .bytes, .tx_packets, .tx_bytes]')" \
		"[$EG_RX,$((EG_RX * EG_RX_LEN)),$N,$((N * EG_LEN))]"
	check_eq "$CUR: the final totals too" \
		"$(events "$out" detached veth0 | jq -c '[.packets, .bytes, .tx_packets, .tx_bytes]')" \
		"[$EG_RX,$((EG_RX * EG_RX_LEN)),$N,$((N * EG_LEN))]"
	check_eq "$CUR: nothing left on egress" "$(eg_filters "$a" veth0)$(eg_tcx "$a" veth0)" ""
	check "$CUR: no clsact qdisc left" eval "! has_clsact $a veth0"
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

test_egress_both_directions_at_once_are_exact() {
	both_run tcx
}

test_egress_both_directions_through_clsact_are_exact_and_remove_the_qdisc() {
	both_run clsact
}

# eg_our_id NS IFACE: the program id of the filter at our clsact egress place.
eg_our_id() {
	tc -n "$1" -j filter show dev "$2" egress 2>/dev/null |
		jq -r '.[] | select(.options.handle == "0x7864") | .options.prog.id // empty'
}

# kill -9 while counting both ways through tcx: nothing is left on either
# hook (the links went with the process), and the next run counts at once.
test_egress_kill9_in_tcx_mode_leaves_nothing() {
	local a b out
	need_tc_tools && bpffs_private || return
	ns_new a eg-k9-a && ns_new b eg-k9-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/eg-k9.out
	start_attached "$a" "$out" veth0 -- --json --direction out || return
	check_match "$CUR: our tcx egress program while running" "$(eg_tcx "$a" veth0)" \
		'^[0-9]+ xdpcount_egress$'
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 --direction both veth0 \
		>/dev/null 2>"$out.second"
	check_eq "$CUR: a second xdpcount counting transmit there exits 1" "$?" 1
	check_match "$CUR: it says another xdpcount counts transmit here" "$(cat "$out.second")" \
		'tc egress: an xdpcount tc program \(tcx, program id [0-9]+\) is on egress already'
	stop KILL
	check "$CUR: no tcx egress program left after kill -9" wait_until_empty eg_tcx "$a" veth0
	check "$CUR: no clsact qdisc either" eval "! has_clsact $a veth0"
	check_eq "$CUR: no pin either" "$(pins)" 0
}

# wait_until_empty FN ARGS...: true once FN ARGS prints nothing (3 s at most).
wait_until_empty() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ -z "$("$@")" ] && return 0
		sleep 0.05
	done
	return 1
}

# clsact egress survives kill -9 by design: the pinned filter names its
# (dead) run, so the next run replaces it unattended (a stale_removed event)
# and counts exactly; `xdpcount detach` removes the next leftover, with the
# qdisc the killed run created. A live run's egress filter is refused.
test_egress_leftover_after_kill9_in_clsact_mode_is_replaced_then_detached() {
	local a b out old pid
	need_tc_tools && bpffs_private || return
	ns_new a eg-left-a && ns_new b eg-left-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/eg-left.out
	start_attached "$a" "$out" veth0 -- --json --direction out --attach netlink || return
	pid=$XPID
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 --direction out veth0 \
		>/dev/null 2>"$out.live"
	check_eq "$CUR: a second run while it counts exits 1" "$?" 1
	check_match "$CUR: it names the running xdpcount" "$(cat "$out.live")" \
		"tc egress: an xdpcount tc filter \\(program id [0-9]+\\) is on egress already: xdpcount pid $pid counts here"
	ip netns exec "$a" "$BIN" status --json veth0 >"$out.status" 2>/dev/null
	check_eq "$CUR: status lists it at tc_egress, clsact, its pid" \
		"$(jq -r '.interfaces[0].programs[] | select(.mode == "tc_egress") |
			[.ours, .name, .attach, (.pids | join(","))] | join(" ")' "$out.status")" \
		"true xdpcount_egress clsact $pid"
	check_match "$CUR: human status: a tc_egress row" \
		"$(ip netns exec "$a" "$BIN" status veth0 2>&1)" "tc_egress +[0-9]+ +xdpcount_egress +clsact"
	stop KILL
	old=$(eg_our_id "$a" veth0)
	check_eq "$CUR: our egress filter outlives kill -9" "$(eg_filters "$a" veth0)" \
		"1 0x7864 xdpcount_egress"
	out=$WORK/eg-left-2.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --direction out --attach netlink || return
	check_eq "$CUR: the next run removed our stale egress filter" \
		"$(field "$out" stale_removed veth0 program_id)" "$old"
	check_eq "$CUR: and sent $N" "$(send_out "$a" veth0 $N $EG_LEN 2>/dev/null)" "$N"
	wait_tx "$out" veth0 $N
	stop TERM
	check_eq "$CUR: it counted exactly" "$(field "$out" detached veth0 tx_packets)" "$N"
	check_eq "$CUR: no filter left after it" "$(eg_filters "$a" veth0)" ""
	check "$CUR: nor a qdisc" eval "! has_clsact $a veth0"
	out=$WORK/eg-left-3.out
	start_attached "$a" "$out" veth0 -- --json --direction both --attach netlink || return
	stop KILL
	check_eq "$CUR: both hooks' filters outlive kill -9" \
		"$(eg_filters "$a" veth0) $(tc_filters "$a" veth0)" \
		"1 0x7864 xdpcount_egress "
	ip netns exec "$a" "$BIN" detach veth0 >"$out.detach" 2>&1
	check_eq "$CUR: detach exits 0" "$?" 0
	check_eq "$CUR: no egress filter left after detach" "$(eg_filters "$a" veth0)" ""
	check "$CUR: nor the qdisc" eval "! has_clsact $a veth0"
	check "$CUR: nor the XDP program" wait_no_xdp "$a" veth0
	check_eq "$CUR: nor a pin" "$(pins)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out.err"; show "$out.detach"; }
}

# Counting both ways, the transmit side's attachment is watched with the
# interface: our clsact egress filter removed (or replaced) is a lost event
# that says egress, with both directions' totals so far, and exit 1 (a
# silent tx of 0 from then on would be an undercount). Through tcx, the
# egress link is asked each poll like any link (next test).
test_egress_filter_removed_while_counting_both_is_lost() {
	local a b out how words
	need_tc_tools || return
	for how in filter replace; do
		ns_new a eg-gone-$how-a && ns_new b eg-gone-$how-b && veth "$a" veth0 "$b" veth1 ||
			{ fail "$CUR: setup"; return; }
		out=$WORK/eg-gone-$how.out
		start_attached "$a" "$out" veth0 -- --json -i 0.2 --direction both --attach netlink ||
			return
		check_eq "$CUR ($how): sent 100 from veth0" "$(send_out "$a" veth0 100 64)" 100
		check_eq "$CUR ($how): sent 7 to veth0" "$(send "$b" veth1 7 64)" 7
		wait_tx "$out" veth0 100
		words="our tc egress filter was removed"
		if [ $how = filter ]; then
			tc -n "$a" filter del dev veth0 egress
		else
			tc -n "$a" filter replace dev veth0 egress pref 1 handle 0x7864 bpf da \
				obj "$(foreign_obj)" sec classifier &&
			words="our tc egress filter was replaced by program id $(eg_our_id "$a" veth0)"
		fi || { fail "$CUR ($how): removing our filter"; stop KILL; return; }
		check "$CUR ($how): exits within 2 intervals" wait_exit 1000 || stop KILL
		check_eq "$CUR ($how): exit status" "${XRC:-}" 1
		check_eq "$CUR ($how): a lost event with both totals" \
			"$(events "$out" lost veth0 | jq -c '[.what, .packets, .tx_packets]')" \
			'["program_gone",7,100]'
		check_match "$CUR ($how): one line says so" "$(cat "$out.err")" \
			"^xdpcount: lost veth0: $words"
		check "$CUR ($how): the receive side was detached" wait_no_xdp "$a" veth0
		[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
		cleanup_test
	done
}

# Counting both ways through links (XDP link, tcx egress): our tcx egress
# link detached by someone else (bpftool link detach) is a lost event
# (link_gone) named for the tcx egress link, with both totals, exit 1.
test_egress_tcx_link_detached_while_counting_both_is_lost() {
	local a b out id
	need_tc_tools && need_cmd bpftool || return
	ns_new a eg-link-a && ns_new b eg-link-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/eg-link.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --direction both --attach link || return
	check_eq "$CUR: transmit counted through" \
		"$(events "$out" attached veth0 | jq -r 'select(.direction == "out") | .attach')" tcx
	check_eq "$CUR: sent 100 from veth0" "$(send_out "$a" veth0 100 64)" 100
	check_eq "$CUR: sent 7 to veth0" "$(send "$b" veth1 7 64)" 7
	wait_tx "$out" veth0 100
	id=$(events "$out" attached veth0 | jq -r 'select(.direction == "out") | .program_id')
	id=$(bpftool -j link show 2>/dev/null | jq --arg p "$id" '.[] | select(.prog_id == ($p | tonumber)) | .id')
	[ -n "$id" ] && bpftool link detach id "$id" || { fail "$CUR: detaching our tcx egress link"; stop KILL; return; }
	check "$CUR: exits within 2 intervals" wait_exit 1000 || stop KILL
	check_eq "$CUR: exit status" "${XRC:-}" 1
	check_eq "$CUR: a lost event with both totals" \
		"$(events "$out" lost veth0 | jq -c '[.what, .packets, .tx_packets]')" '["link_gone",7,100]'
	check_match "$CUR: one line names the tcx egress link" "$(cat "$out.err")" \
		"^xdpcount: lost veth0: our tcx egress link was detached from the interface by someone else"
	check "$CUR: the receive side was detached" wait_no_xdp "$a" veth0
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

# check --direction: the egress plan per interface, with its reason and the
# facts at tc egress (someone's filters counted, not touched); nothing is
# attached by check.
test_egress_check_shows_the_egress_plan_and_attaches_nothing() {
	local a b out theirs
	need_tc_tools || return
	ns_new a eg-check-a && ns_new b eg-check-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	theirs=$(theirs_on_egress "$a" veth0) || { fail "$CUR: someone's egress filter"; return; }
	out=$WORK/eg-check.out
	timeout 20 ip netns exec "$a" "$BIN" check --json --direction both veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit status" "$?" 0
	check_eq "$CUR: verdict" "$(jq -r .verdict "$out")" ok
	check_eq "$CUR: receive at XDP, transmit at tc egress through tcx, their filter seen" \
		"$(jq -c '.interfaces[0] | [.hook, .direction, .egress_attach, .egress_tc_filters]' "$out")" \
		'["xdp","both","tcx",1]'
	check_match "$CUR: the egress reason" "$(jq -r '.interfaces[0].egress_reason' "$out")" \
		'counts what it transmits at tc egress.*tcx \(6.6\+\)'
	timeout 20 ip netns exec "$a" "$BIN" check --json --direction out --attach netlink veth0 \
		>"$out" 2>"$out.err"
	check_match "$CUR: clsact: the qdisc and their filters are kept" \
		"$(jq -r '.interfaces[0].reason' "$out")" "with someone else's filters, left alone"
	check_eq "$CUR: transmit only: the plan's hook is tc egress" \
		"$(jq -c '.interfaces[0] | [.hook, .attach, .variant]' "$out")" '["tc","clsact","egress"]'
	check_match "$CUR: human check shows the egress row" \
		"$(ip netns exec "$a" "$BIN" check --direction both veth0 2>&1)" "tc egress via tcx: counts"
	check_eq "$CUR: nothing attached by check" "$(eg_filters "$a" veth0)$(eg_tcx "$a" veth0)" \
		"$theirs"
}

# Least privilege: with exactly CAP_BPF + CAP_NET_ADMIN, transmit counts
# through clsact (its filter pinned), keeping only CAP_NET_ADMIN after the
# attach (the detach at exit) and nothing through tcx; exact both times. A
# kill -9 leftover is recognised by its pin with the same two capabilities
# and replaced unattended.
test_egress_with_two_capabilities_drops_them_and_replaces_its_leftover() {
	local a b out how want old
	need_tc_tools && need_cmd setpriv && bpffs_private || return
	ns_new a eg-caps-a && ns_new b eg-caps-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	for how in link netlink; do
		out=$WORK/eg-caps-$how.out
		ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -i 0.2 --direction out \
			--attach $how veth0 >"$out" 2>"$out.err" &
		XPID=$!; BGPIDS+=("$XPID")
		check "$CUR ($how): attached with two capabilities" wait_event "$out" attached veth0 ||
			{ show "$out.err"; return; }
		sleep 0.3
		want=0000000000000000
		[ $how = netlink ] && want=0000000000001000
		check_eq "$CUR ($how): CapEff after the attach" \
			"$(awk '/^CapEff/ {print $2}' "/proc/$XPID/status")" $want
		check_eq "$CUR ($how): sent 500" "$(send_out "$a" veth0 500 64 2>/dev/null)" 500
		wait_tx "$out" veth0 500
		check_eq "$CUR ($how): counted exactly" "$(field "$out" stats veth0 tx_packets)" 500
		[ $how = link ] && { stop TERM; check_eq "$CUR ($how): exit 0" "$XRC" 0; continue; }
		check_eq "$CUR ($how): one pin while it runs" "$(pins)" 1
		stop KILL
		old=$(field "$out" attached veth0 program_id)
		out=$WORK/eg-caps-restart.out
		timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -c 1 -i 0.2 \
			--direction out --attach netlink veth0 >"$out" 2>"$out.err"
		check_eq "$CUR: the restart with two capabilities exits 0" "$?" 0
		check_eq "$CUR: it removed our stale egress filter" \
			"$(field "$out" stale_removed veth0 program_id)" "$old"
		check_eq "$CUR: nothing left after it" "$(eg_filters "$a" veth0)" ""
		check_eq "$CUR: no pin left after it" "$(pins)" 0
		[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	done
}
