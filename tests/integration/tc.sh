# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# Integration tests of the tc path (sourced by run.sh): interfaces that carry
# someone else's XDP program are counted at tc ingress behind it, through tcx
# (6.6+) or a clsact qdisc with a cls_bpf filter (--attach netlink). The
# foreign programs come from foreign_xdp.c: foreign_pass passes everything,
# foreign_drop drops every frame longer than 128 bytes, foreign_cls is
# someone else's tc filter.

TCXLIST=$TOOLS/tcxlist
TC_SMALL=100   # frames foreign_drop passes
TC_BIG=200     # frames foreign_drop drops

need_tc_tools() {
	need_bin && need_sendframes || return 1
	[ -x "$TCXLIST" ] || { fail "$CUR: $TCXLIST is missing (run make tools)"; return 1; }
	command -v tc >/dev/null || { fail "$CUR: tc (iproute2) is missing"; return 1; }
}

# tcx_progs NS IFACE: "ID NAME" of each tcx ingress program, one per line.
tcx_progs() {
	ip netns exec "$1" "$TCXLIST" "$2" 2>&1
}

# tc_filters NS IFACE: the ingress filters as "PREF HANDLE NAME", sorted.
tc_filters() {
	tc -n "$1" -j filter show dev "$2" ingress 2>/dev/null |
		jq -r '.[] | select(.options.handle != null) |
		       "\(.pref) \(.options.handle) \(.options.prog.name // "?")"' | sort
}

# has_clsact NS IFACE: true when IFACE has a clsact qdisc.
has_clsact() {
	tc -n "$1" -j qdisc show dev "$2" 2>/dev/null | jq -e 'any(.[]; .kind == "clsact")' >/dev/null
}

# wait_no_tcx NS IFACE: true once no tcx program is on IFACE (3 s at most).
wait_no_tcx() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ -z "$(tcx_progs "$1" "$2")" ] && return 0
		sleep 0.05
	done
	return 1
}

# foreign_xdp NS IFACE SEC MODE: attaches foreign_xdp.c's SEC in MODE
# (xdpdrv or xdpgeneric) and prints its id.
foreign_xdp() {
	local obj
	obj=$(foreign_obj) || return 1
	ip -n "$1" link set dev "$2" "$4" obj "$obj" sec "$3" || return 1
	xdp_id "$1" "$2"
}

# tc_count_run HOW SEC MODE: the shared body of the tc counting tests. veth0
# (ns a) carries foreign SEC in MODE and, for clsact, someone's clsact qdisc
# with their filter at pref 100; xdpcount counts in auto mode (HOW tcx) or
# with --attach netlink (HOW clsact); N small and N big frames arrive from
# veth1. xdpcount must count exactly what the foreign program passes, touch
# neither it nor someone's filter, and leave nothing of its own.
tc_count_run() {
	local how=$1 sec=$2 mode=$3 a b id out want_p want_b theirs args=()
	need_tc_tools || return
	ns_new a tc-$how-$sec-a && ns_new b tc-$how-$sec-b &&
		veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	id=$(foreign_xdp "$a" veth0 "$sec" "$mode") && [ -n "$id" ] ||
		{ fail "$CUR: attaching the foreign program"; return; }
	if [ "$how" = clsact ]; then
		args=(--attach netlink)
		tc -n "$a" qdisc add dev veth0 clsact &&
		tc -n "$a" filter add dev veth0 ingress pref 100 bpf da \
			obj "$(foreign_obj)" sec classifier ||
			{ fail "$CUR: someone's clsact filter"; return; }
		theirs=$(tc_filters "$a" veth0)
	fi
	out=$WORK/tc-$how-$sec.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 "${args[@]}" || return
	check_eq "$CUR: attached hook" "$(field "$out" attached veth0 hook)" tc
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" "$how"
	check_match "$CUR: the reason names the foreign program" \
		"$(field "$out" attached veth0 reason)" "XDP program id $id .*only what it passes"
	check_eq "$CUR: the foreign program is untouched while counting" "$(xdp_id "$a" veth0)" "$id"
	if [ "$how" = tcx ]; then
		check_match "$CUR: our tcx program is first on ingress" \
			"$(tcx_progs "$a" veth0 | head -n 1)" '^[0-9]+ xdpcount_tc$'
	else
		check_eq "$CUR: our filter sits beside someone's" "$(tc_filters "$a" veth0)" \
			"$(printf '1 0x7864 xdpcount_tc\n%s' "$theirs")"
	fi
	check_eq "$CUR: sent $N frames of $TC_SMALL" "$(send "$b" veth1 $N $TC_SMALL)" "$N"
	check_eq "$CUR: sent $N frames of $TC_BIG" "$(send "$b" veth1 $N $TC_BIG)" "$N"
	if [ "$sec" = xdp_drop ]; then
		want_p=$N want_b=$((N * TC_SMALL))
	else
		want_p=$((2 * N)) want_b=$((N * (TC_SMALL + TC_BIG)))
	fi
	wait_packets "$out" veth0 $want_p
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: packets = what reached tc ingress" \
		"$(field "$out" detached veth0 packets)" $want_p
	check_eq "$CUR: bytes = what reached tc ingress, L2 header included" \
		"$(field "$out" detached veth0 bytes)" $want_b
	check_eq "$CUR: the foreign program is untouched after" "$(xdp_id "$a" veth0)" "$id"
	check_eq "$CUR: no tcx program left" "$(tcx_progs "$a" veth0)" ""
	if [ "$how" = clsact ]; then
		check "$CUR: someone's clsact qdisc survives our exit" has_clsact "$a" veth0
		check_eq "$CUR: someone's filter survives, ours is gone" \
			"$(tc_filters "$a" veth0)" "$theirs"
		ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>&1
		check_eq "$CUR: detach finds nothing of ours and keeps theirs" \
			"$(tc_filters "$a" veth0)" "$theirs"
	else
		check "$CUR: no clsact qdisc was created" eval "! has_clsact $a veth0"
	fi
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
	ip -n "$a" link set dev veth0 "$mode" off
}

test_tc_tcx_behind_a_passing_xdp_program_counts_exactly() {
	tc_count_run tcx xdp xdpdrv
}

test_tc_tcx_behind_a_dropping_xdp_program_counts_what_it_passes() {
	tc_count_run tcx xdp_drop xdpgeneric
}

test_tc_clsact_behind_a_passing_xdp_program_counts_exactly() {
	tc_count_run clsact xdp xdpgeneric
}

test_tc_clsact_behind_a_dropping_xdp_program_counts_what_it_passes() {
	tc_count_run clsact xdp_drop xdpdrv
}

# --mode tc without any XDP program: counts everything that arrives, with the
# same figures XDP gives for the same frames; the clsact qdisc we created is
# gone after exit.
test_tc_mode_counts_like_xdp_and_removes_its_qdisc() {
	local a b out
	need_tc_tools || return
	ns_new a tc-mode-a && ns_new b tc-mode-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/tc-mode.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 -m tc --attach netlink || return
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" clsact
	check "$CUR: a clsact qdisc while counting" has_clsact "$a" veth0
	check_eq "$CUR: sent" "$(send "$b" veth1 $N 64)" "$N"
	wait_packets "$out" veth0 $N
	stop INT
	check_eq "$CUR: packets" "$(field "$out" detached veth0 packets)" $N
	check_eq "$CUR: bytes, as XDP counts them" "$(field "$out" detached veth0 bytes)" $((N * 64))
	check "$CUR: the qdisc we created is gone" eval "! has_clsact $a veth0"
}

# Someone removes our clsact filter while we count (tc filter del, tc qdisc
# del, or a filter of theirs put in its place): a lost event within 2
# intervals with the totals so far, no detached event (the total is not
# complete), exit 1; on exit the clsact qdisc we created goes, theirs stays.
# Without tc notifications (joining their group denied) every poll asks.
test_tc_clsact_filter_removed_is_noticed_and_the_total_not_complete() {
	local a b out how words
	need_tc_tools && need_deny || return
	for how in filter qdisc replace unnotified; do
		ns_new a tc-gone-$how-a && ns_new b tc-gone-$how-b && veth "$a" veth0 "$b" veth1 ||
			{ fail "$CUR: setup"; return; }
		out=$WORK/tc-gone-$how.out
		if [ $how = unnotified ]; then
			ip netns exec "$a" "$TOOLS/deny" join EPERM "$BIN" --json -i 0.2 -m tc \
				--attach netlink veth0 >"$out" 2>"$out.err" &
			XPID=$!; BGPIDS+=("$XPID")
			check "$CUR ($how): attached" wait_event "$out" attached veth0 || return
		else
			start_attached "$a" "$out" veth0 -- --json -i 0.2 -m tc --attach netlink || return
		fi
		check_eq "$CUR ($how): sent 100" "$(send "$b" veth1 100 64)" 100
		wait_packets "$out" veth0 100
		words="our tc filter was removed"
		case $how in
		filter|unnotified) tc -n "$a" filter del dev veth0 ingress ;;
		qdisc) tc -n "$a" qdisc del dev veth0 clsact ;;
		replace)
			tc -n "$a" filter replace dev veth0 ingress pref 1 handle 0x7864 bpf da \
				obj "$(foreign_obj)" sec classifier
			words="our tc filter was replaced by program id $(tc_our_id "$a" veth0)" ;;
		esac || { fail "$CUR ($how): removing our filter"; stop KILL; return; }
		check "$CUR ($how): exits within 2 intervals" wait_exit 1000 || stop KILL
		check_eq "$CUR ($how): exit status" "${XRC:-}" 1
		check_eq "$CUR ($how): a lost event" "$(field "$out" lost veth0 what)" program_gone
		check_eq "$CUR ($how): with the totals so far" "$(field "$out" lost veth0 packets)" 100
		check_eq "$CUR ($how): no detached event" "$(events "$out" detached)" ""
		check_match "$CUR ($how): one line says so" "$(cat "$out.err")" \
			"^xdpcount: lost veth0: $words"
		if [ $how = replace ]; then
			check_eq "$CUR ($how): their filter stays" "$(tc_filters "$a" veth0)" \
				"1 0x7864 foreign_cls"
		else
			check "$CUR ($how): the qdisc we created is gone" eval "! has_clsact $a veth0"
		fi
		[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
		cleanup_test
	done
}

test_tc_kill9_in_tcx_mode_leaves_nothing() {
	local a b id out
	need_tc_tools || return
	ns_new a tc-k9-a && ns_new b tc-k9-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	id=$(foreign_xdp "$a" veth0 xdp xdpgeneric) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the foreign program"; return; }
	out=$WORK/tc-k9.out
	start_attached "$a" "$out" veth0 -- --json || return
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" tcx
	check "$CUR: a tcx program while running" test -n "$(tcx_progs "$a" veth0)"
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 veth0 >/dev/null 2>"$out.second"
	check_eq "$CUR: a second xdpcount on the same interface exits 1" "$?" 1
	check_match "$CUR: it says another xdpcount counts here" "$(cat "$out.second")" \
		'xdpcount tc program \(tcx, program id [0-9]+\).*another xdpcount counts here'
	stop KILL
	check "$CUR: no tcx program left after kill -9" wait_no_tcx "$a" veth0
	check "$CUR: no clsact qdisc either" eval "! has_clsact $a veth0"
	check_eq "$CUR: the foreign program stays" "$(xdp_id "$a" veth0)" "$id"
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# tc_our_id NS IFACE: the program id of the filter at our clsact place.
tc_our_id() {
	tc -n "$1" -j filter show dev "$2" ingress 2>/dev/null |
		jq -r '.[] | select(.options.handle == "0x7864") | .options.prog.id // empty'
}

# clsact survives kill -9 by design (like XDP through netlink). While its
# xdpcount runs, a second run is refused, naming its pid; once it is gone, the
# next run removes the leftover unattended (a stale_removed event) and counts
# (here through tcx, the default on this kernel); `xdpcount detach` removes a
# leftover too, with the qdisc we had created.
test_tc_leftover_after_kill9_in_clsact_mode_is_replaced_unattended() {
	local a b id out err rc old pid
	need_tc_tools || return
	ns_new a tc-left-a && ns_new b tc-left-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	id=$(foreign_xdp "$a" veth0 xdp xdpgeneric) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the foreign program"; return; }
	out=$WORK/tc-left.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	pid=$XPID
	err=$WORK/tc-left-live.err
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 veth0 >/dev/null 2>"$err"
	check_eq "$CUR: a second run while it counts exits 1" "$?" 1
	check_match "$CUR: it names the running xdpcount" "$(cat "$err")" \
		"xdpcount tc filter \\(program id [0-9]+\\).*xdpcount pid $pid counts here"
	stop KILL
	old=$(tc_our_id "$a" veth0)
	check_eq "$CUR: our filter outlives kill -9" "$(tc_filters "$a" veth0)" "1 0x7864 xdpcount_tc"
	out=$WORK/tc-left-2.out
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.2 veth0 >"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: the next run exits 0" "$rc" 0
	check_eq "$CUR: it removed our stale filter" "$(field "$out" stale_removed veth0 program_id)" "$old"
	check_eq "$CUR: and counted through tcx" "$(field "$out" attached veth0 attach)" tcx
	check_eq "$CUR: no filter left after it" "$(tc_filters "$a" veth0)" ""
	check "$CUR: nor the qdisc the killed run had created" eval "! has_clsact $a veth0"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	out=$WORK/tc-left-3.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	stop KILL
	ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>&1
	check_eq "$CUR: detach exits 0" "$?" 0
	check_eq "$CUR: no filter left after detach" "$(tc_filters "$a" veth0)" ""
	check "$CUR: nor the qdisc" eval "! has_clsact $a veth0"
	check_eq "$CUR: the foreign program stays" "$(xdp_id "$a" veth0)" "$id"
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# An empty clsact qdisc left by a killed clsact run (kill -9 after it made the
# qdisc and before its filter, or after its filter went and before the
# qdisc): the next run and `detach` remove it when that run had created it
# (its pin says so), and only then: someone's empty clsact qdisc stays.
test_tc_empty_clsact_qdisc_of_a_killed_run_goes_only_if_ours() {
	local a b out theirs how
	need_tc_tools && bpffs_private || return
	ns_new a tc-empty-a && ns_new b tc-empty-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/tc-empty.out
	for how in detach run; do
		for theirs in no yes; do
			[ $theirs = yes ] && { tc -n "$a" qdisc add dev veth0 clsact ||
				{ fail "$CUR: someone's qdisc"; return; }; }
			start_attached "$a" "$out" veth0 -- --json -m tc --attach netlink || return
			stop KILL
			# what a kill -9 between our filter's removal and the qdisc's leaves
			tc -n "$a" filter del dev veth0 ingress || { fail "$CUR: filter del"; return; }
			if [ $how = detach ]; then
				ip netns exec "$a" "$BIN" detach -q veth0
				check_eq "$CUR (detach, someone's: $theirs): exits 0" "$?" 0
			else
				timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 veth0 \
					>"$out" 2>"$out.err"
				check_eq "$CUR (next run, someone's: $theirs): exits 0" "$?" 0
			fi
			if [ $theirs = yes ]; then
				check "$CUR ($how): someone's empty qdisc stays" has_clsact "$a" veth0
				tc -n "$a" qdisc del dev veth0 clsact
			else
				check "$CUR ($how): the empty qdisc of ours is gone" \
					eval "! has_clsact $a veth0"
			fi
			check_eq "$CUR ($how, someone's: $theirs): no pin left" \
				"$(find "$BPFFS/xdpcount" -mindepth 1 2>/dev/null | wc -l)" 0
		done
	done
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# Someone's clsact qdisc is never marked ours in a pin, not even for the
# moment before the create says EEXIST: a run that dies at the first rename
# (deny rename TRAP: where the mark used to be dropped) must not leave a pin
# that makes the next run or detach remove that qdisc.
test_tc_someones_qdisc_is_never_marked_ours() {
	local a b out
	need_tc_tools && need_deny && bpffs_private || return
	ns_new a tc-mark-a && ns_new b tc-mark-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	tc -n "$a" qdisc add dev veth0 clsact || { fail "$CUR: someone's qdisc"; return; }
	out=$WORK/tc-mark.out
	timeout 20 ip netns exec "$a" "$TOOLS/deny" rename TRAP "$BIN" --json -c 1 -i 0.1 -m tc \
		--attach netlink veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: the run needs no rename and exits 0" "$?" 0
	ip netns exec "$a" "$BIN" detach -q veth0
	check_eq "$CUR: detach exits 0" "$?" 0
	check "$CUR: someone's qdisc stays" has_clsact "$a" veth0
	check_eq "$CUR: no pin left" "$(find "$BPFFS/xdpcount" -mindepth 1 2>/dev/null | wc -l)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# kill -9 in clsact mode on someone's clsact qdisc: detach removes only our
# filter; their qdisc and filter stay.
test_tc_detach_after_kill9_keeps_someones_qdisc_and_filter() {
	local a b out theirs
	need_tc_tools || return
	ns_new a tc-keep-a && ns_new b tc-keep-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	tc -n "$a" qdisc add dev veth0 clsact &&
	tc -n "$a" filter add dev veth0 ingress pref 100 bpf da \
		obj "$(foreign_obj)" sec classifier || { fail "$CUR: someone's filter"; return; }
	theirs=$(tc_filters "$a" veth0)
	out=$WORK/tc-keep.out
	start_attached "$a" "$out" veth0 -- --json -m tc --attach netlink || return
	stop KILL
	check_eq "$CUR: ours and theirs after kill -9" "$(tc_filters "$a" veth0)" \
		"$(printf '1 0x7864 xdpcount_tc\n%s' "$theirs")"
	ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>&1
	check_eq "$CUR: detach exits 0" "$?" 0
	check_eq "$CUR: only theirs is left" "$(tc_filters "$a" veth0)" "$theirs"
	check "$CUR: their clsact qdisc stays" has_clsact "$a" veth0
}

# Someone's cls_bpf filter exactly at xdpcount's place (pref 1, handle
# 0x7864): refused with a tc-worded message, their filter untouched.
test_tc_foreign_filter_at_our_place_is_refused_and_kept() {
	local a b out rc theirs
	need_tc_tools || return
	ns_new a tc-place-a && ns_new b tc-place-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	tc -n "$a" qdisc add dev veth0 clsact &&
	tc -n "$a" filter add dev veth0 ingress pref 1 handle 0x7864 bpf da \
		obj "$(foreign_obj)" sec classifier || { fail "$CUR: someone's filter"; return; }
	theirs=$(tc_filters "$a" veth0)
	out=$WORK/tc-place.out
	timeout 20 ip netns exec "$a" "$BIN" --json -m tc --attach netlink -c 1 veth0 \
		>"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 1
	check_match "$CUR: the message names their program and the tc hook" "$(cat "$out.err")" \
		'tc ingress of veth0: .*"foreign_cls"\) is not xdpcount.s.*--attach link'
	check_eq "$CUR: their filter is untouched" "$(tc_filters "$a" veth0)" "$theirs"
	check "$CUR: stdout stays JSON Lines" json_or_empty "$out"
	timeout 20 ip netns exec "$a" "$BIN" --json -m tc --attach link -c 1 -i 0.1 veth0 \
		>"$out" 2>"$out.err"
	check_eq "$CUR: through tcx it does not matter: exit 0" "$?" 0
	check_eq "$CUR: attached through tcx" "$(field "$out" attached veth0 attach)" tcx
	check_eq "$CUR: their filter is still untouched" "$(tc_filters "$a" veth0)" "$theirs"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# check: per interface, which hook and why; tc is degraded.
test_tc_check_says_hook_tc_and_degraded_behind_a_foreign_program() {
	local a b id out rc
	need_tc_tools || return
	ns_new a tc-check-a && ns_new b tc-check-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	id=$(foreign_xdp "$a" veth0 xdp xdpdrv) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the foreign program"; return; }
	out=$WORK/tc-check.out
	timeout 20 ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 0
	check_eq "$CUR: verdict" "$(jq -r .verdict "$out")" degraded
	check_eq "$CUR: hook" "$(jq -r '.interfaces[0].hook' "$out")" tc
	check_eq "$CUR: attach" "$(jq -r '.interfaces[0].attach' "$out")" tcx
	check_match "$CUR: the reason names the foreign program" \
		"$(jq -r '.interfaces[0].reason' "$out")" "XDP program id $id"
	check_eq "$CUR: no clsact qdisc, no filters, no tcx programs" \
		"$(jq -c '.interfaces[0] | [.clsact, .tc_filters, .tcx_programs]' "$out")" '[false,0,0]'
	tc -n "$a" qdisc add dev veth0 clsact &&
	tc -n "$a" filter add dev veth0 ingress pref 100 bpf da obj "$(foreign_obj)" sec classifier
	timeout 20 ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: someone's clsact qdisc and filter are seen" \
		"$(jq -c '.interfaces[0] | [.clsact, .tc_filters, .tcx_programs]' "$out")" '[true,1,0]'
	check_match "$CUR: the reason says tcx, the qdisc kept" \
		"$(jq -r '.interfaces[0].reason' "$out")" "tcx \\(6.6\\+\\)"
	check_match "$CUR: a verdict reason says tc" "$(jq -r '.reasons[]' "$out")" \
		"veth0: counting at tc ingress behind XDP program id $id"
	timeout 20 ip netns exec "$a" "$BIN" check --strict veth0 >/dev/null 2>&1
	check_eq "$CUR: --strict fails on degraded" "$?" 3
	check_eq "$CUR: nothing attached by check" "$(tcx_progs "$a" veth0)" ""
	ip -n "$a" link set dev veth0 xdpdrv off
}
