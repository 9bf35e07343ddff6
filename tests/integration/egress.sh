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
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(events "$1" stats "$2" | tail -n 1 | jq -r .tx_packets)" == "$3" ] &&
			return 0
		sleep 0.05
	done
	return 1
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
