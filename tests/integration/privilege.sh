# shellcheck shell=bash disable=SC2015,SC2016
# Least-privilege tests (issue 9): ownership through a bpffs pin with exactly
# CAP_BPF + CAP_NET_ADMIN, unattended restart after kill -9, refusal of a live
# xdpcount by pid, the capability drop after attach, and the exact cause named
# for too little privilege. Sourced by run.sh.
#
# Pins go to a private bpffs mounted by the test (XDPCOUNT_BPFFS): `ip netns
# exec` hides the host's /sys/fs/bpf, and a remount of a shared bpffs would
# reach every user of it.

TWO_CAPS=(setpriv '--inh-caps=-all,+bpf,+net_admin' '--bounding-set=-all,+bpf,+net_admin')

# bpffs_private: mounts a bpffs of this test's own at $WORK/bpffs-$CUR.
bpffs_private() {
	BPFFS=$WORK/bpffs-$CUR
	mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS" || { fail "$CUR: mounting bpffs"; return 1; }
	MOUNTS+=("$BPFFS")
	export XDPCOUNT_BPFFS=$BPFFS
}

pins() {
	find "$BPFFS/xdpcount" -mindepth 1 2>/dev/null | wc -l
}

# With exactly CAP_BPF + CAP_NET_ADMIN: count in netlink mode; kill -9 leaves
# the program, pinned; a new run with the same two capabilities recognises it
# by the pin and replaces it unattended; `detach` (same capabilities) removes
# what the next kill -9 leaves. No CAP_SYS_ADMIN anywhere.
test_two_caps_restart_replaces_our_stale_program_and_detach_removes_it() {
	local a b out old new
	need_bin && need_sendframes || return
	need_cmd setpriv || return
	bpffs_private || return
	ns_new a two-caps-a && ns_new b two-caps-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/two-caps-1.out
	ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -i 0.2 --attach netlink veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR: attached with two capabilities" wait_event "$out" attached veth0
	check_eq "$CUR: one pin while it runs" "$(pins)" 1
	check_eq "$CUR: it counts" "$(send "$b" veth1 1000 64)" 1000
	wait_packets "$out" veth0 1000
	check_eq "$CUR: exactly" "$(field "$out" stats veth0 packets)" 1000
	stop KILL
	old=$(xdp_id "$a" veth0)
	check "$CUR: the program outlives kill -9" test -n "$old"
	out=$WORK/two-caps-2.out
	timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -c 1 -i 0.2 --attach netlink \
		veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: the restart exits 0" "$?" 0
	check_eq "$CUR: it removed our stale program" "$(field "$out" stale_removed veth0 program_id)" "$old"
	check_eq "$CUR: and attached its own" "$(field "$out" attached veth0 attach)" netlink
	check_eq "$CUR: nothing left after it" "$(xdp_id "$a" veth0)" ""
	check_eq "$CUR: no pin left after it" "$(pins)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	out=$WORK/two-caps-3.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --attach netlink || return
	stop KILL
	new=$(xdp_id "$a" veth0)
	ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" detach veth0 >"$out.detach" 2>&1
	check_eq "$CUR: detach with two capabilities exits 0" "$?" 0
	check_match "$CUR: detach removed it" "$(cat "$out.detach")" "removed 1 xdpcount program"
	check_eq "$CUR: program $new is gone" "$(xdp_id "$a" veth0)" ""
	check_eq "$CUR: and its pin" "$(pins)" 0
}

# The same in clsact mode (tc ingress, --mode tc --attach netlink): the
# filter's program is pinned while it counts, so a run with only CAP_BPF +
# CAP_NET_ADMIN recognises a leftover as ours and replaces it unattended.
test_two_caps_restart_replaces_our_stale_clsact_filter() {
	local a b out old
	need_bin && need_sendframes || return
	need_cmd setpriv tc || return
	bpffs_private || return
	ns_new a two-tc-a && ns_new b two-tc-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/two-tc-1.out
	ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -i 0.2 --mode tc --attach netlink veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR: attached with two capabilities" wait_event "$out" attached veth0 ||
		{ show "$out.err"; return; }
	check_eq "$CUR: one pin while it runs" "$(pins)" 1
	stop KILL
	old=$(field "$out" attached veth0 program_id)
	out=$WORK/two-tc-2.out
	timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -c 1 -i 0.2 --mode tc \
		--attach netlink veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: the restart exits 0" "$?" 0
	check_eq "$CUR: it removed our stale filter" "$(field "$out" stale_removed veth0 program_id)" "$old"
	check_eq "$CUR: the killed run's pid, from the pin" \
		"$(field "$out" stale_removed veth0 pid | grep -c '^[0-9][0-9]*$')" 1
	check_eq "$CUR: nothing left after it" \
		"$(tc -n "$a" -j filter show dev veth0 ingress 2>/dev/null | jq 'map(select(.options.handle != null)) | length')" 0
	check_eq "$CUR: no pin left after it" "$(pins)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# A live xdpcount holds the program: a second run refuses, naming its pid, in
# both attach kinds (netlink: the pin names it; link: /proc/PID/fdinfo).
test_live_xdpcount_is_refused_by_pid() {
	local a b out how err
	need_bin || return
	bpffs_private || return
	ns_new a live-a && ns_new b live-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	for how in netlink link; do
		out=$WORK/live-$how.out
		start_attached "$a" "$out" veth0 -- --json -i 0.2 --attach $how || return
		err=$WORK/live-$how.err2
		timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" -c 1 veth0 >/dev/null 2>"$err"
		check_eq "$CUR ($how): the second run exits 1" "$?" 1
		check_match "$CUR ($how): naming the pid" "$(cat "$err")" "xdpcount pid $XPID counts on it already"
		check "$CUR ($how): the first one still runs" kill -0 "$XPID"
		stop TERM
		check_eq "$CUR ($how): which then stops cleanly" "$XRC" 0
	done
}

# A foreign program is never touched by the unattended restart, nor by
# detach, with or without CAP_SYS_ADMIN; without it, the message says why it
# cannot be recognised.
test_foreign_program_is_never_replaced_unattended() {
	local a b obj id err
	need_bin || return
	need_foreign_obj || return
	obj=$(foreign_obj)
	bpffs_private || return
	ns_new a foreign2-a && ns_new b foreign2-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpdrv obj "$obj" sec xdp || { fail "$CUR: foreign"; return; }
	id=$(xdp_id "$a" veth0)
	err=$WORK/foreign2.err
	# -m native: in auto mode xdpcount would count at tc ingress behind it
	timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" -m native -c 1 veth0 >/dev/null 2>"$err"
	check_eq "$CUR: run exits 1" "$?" 1
	check_match "$CUR: it cannot be recognised, and says why" "$(cat "$err")" \
		"id $id .*not recognisably xdpcount's.*CAP_SYS_ADMIN"
	ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" detach veth0 >/dev/null 2>"$err"
	check_eq "$CUR: detach exits 1" "$?" 1
	check_match "$CUR: detach says why" "$(cat "$err")" "will not detach from veth0: program id $id"
	ip netns exec "$a" "$BIN" detach veth0 >"$err" 2>&1
	check_match "$CUR: detach as root leaves it too" "$(cat "$err")" "removed 0"
	check_eq "$CUR: the foreign program is still there" "$(xdp_id "$a" veth0)" "$id"
	ip -n "$a" link set dev veth0 xdpdrv off
}

# After attaching, the counter keeps only CAP_NET_ADMIN (netlink, for the
# detach at exit) or nothing (link); it still counts and detaches.
test_capabilities_dropped_after_attach() {
	local a b out how want
	need_bin && need_sendframes || return
	ns_new a drop-a && ns_new b drop-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	for how in link netlink; do
		out=$WORK/drop-$how.out
		start_attached "$a" "$out" veth0 -- --json -i 0.2 --attach $how || return
		sleep 0.3
		want=0000000000000000
		[ $how = netlink ] && want=0000000000001000
		check_eq "$CUR ($how): CapEff" "$(awk '/^CapEff/ {print $2}' "/proc/$XPID/status")" $want
		check_eq "$CUR ($how): CapPrm" "$(awk '/^CapPrm/ {print $2}' "/proc/$XPID/status")" $want
		check_eq "$CUR ($how): counts" "$(send "$b" veth1 500 64)" 500
		wait_packets "$out" veth0 500
		stop TERM
		check_eq "$CUR ($how): exit status" "$XRC" 0
		check_eq "$CUR ($how): final count" "$(field "$out" detached veth0 packets)" 500
		check_eq "$CUR ($how): nothing left" "$(xdp_id "$a" veth0)" ""
	done
}

# priv_run NAME WRAPPER...: xdpcount -c 1 on a fresh veth0 under WRAPPER;
# stderr in ERR, status in RC.
priv_run() {
	local name=$1 a b; shift
	ns_new a "$name-a" && ns_new b "$name-b" && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return 1; }
	ERR=$WORK/$name.err
	timeout 20 ip netns exec "$a" "$@" "$BIN" -c 1 -i 0.2 veth0 >/dev/null 2>"$ERR"
	RC=$?
	check_eq "$CUR: nothing attached" "$(xdp_id "$a" veth0)" ""
}

test_only_cap_net_admin_names_cap_bpf() {
	need_bin || return
	priv_run netadm setpriv --inh-caps=-all,+net_admin --bounding-set=-all,+net_admin || return
	check_eq "$CUR: exit status" "$RC" 1
	check_match "$CUR: it names CAP_BPF as missing" "$(cat "$ERR")" "missing CAP_BPF \\(CAP_NET_ADMIN is held\\)"
}

test_only_cap_bpf_names_cap_net_admin() {
	need_bin || return
	priv_run bpfonly setpriv --inh-caps=-all,+bpf --bounding-set=-all,+bpf || return
	check_eq "$CUR: exit status" "$RC" 1
	check_match "$CUR: it names CAP_NET_ADMIN as missing" "$(cat "$ERR")" "missing CAP_NET_ADMIN \\(CAP_BPF alone"
}

test_user_namespace_root_is_told_why() {
	need_bin && need_userns || return
	priv_run userns unshare -U -r || return
	check_eq "$CUR: exit status" "$RC" 1
	check_match "$CUR: it names the user namespace" "$(cat "$ERR")" \
		"only inside a user namespace.*initial user namespace"
	check "$CUR: it does not blame seccomp" lacks "$(cat "$ERR")" "seccomp"
}

# The capabilities our systemd unit grants (and the DaemonSet: the deploy
# suite checks it adds the same) are enough for the linear program, the
# cheapest; with exactly CAP_BPF + CAP_NET_ADMIN the verifier refuses its
# data_end - data and the plan loads the frags program, saying why. Both count
# exactly.
test_the_units_capabilities_load_the_cheapest_program() {
	local a b out caps set
	need_bin && need_sendframes || return
	need_cmd setpriv || return
	# the unit's list, less what this machine does not give (CAP_SYS_RESOURCE
	# here; it only raises RLIMIT_MEMLOCK on kernels before 5.11)
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$TOP/dist/xdpcount@.service" |
		tr 'A-Z ' 'a-z\n' | sed -n 's/^cap_\(.*\)/+\1/p' |
		while read -r c; do setpriv "--inh-caps=$c" true 2>/dev/null && echo "$c"; done |
		paste -sd, -)
	check_match "$CUR: the unit grants CAP_PERFMON" "$caps" '\+perfmon'
	ns_new a unit-caps-a && ns_new b unit-caps-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	for set in unit two; do
		out=$WORK/unit-caps-$set.out
		if [ "$set" = unit ]; then
			ip netns exec "$a" setpriv "--inh-caps=-all,$caps" "--bounding-set=-all,$caps" \
				"$BIN" --json -i 0.2 veth0 >"$out" 2>"$out.err" &
		else
			ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" --json -i 0.2 veth0 >"$out" 2>"$out.err" &
		fi
		XPID=$!; BGPIDS+=("$XPID")
		check "$CUR ($set): attached" wait_event "$out" attached veth0 ||
			{ show "$out.err"; return; }
		check_eq "$CUR ($set): sent 1000" "$(send "$b" veth1 1000 64)" 1000
		wait_packets "$out" veth0 1000
		stop TERM
		check_eq "$CUR ($set): exact" "$(field "$out" detached veth0 packets)" 1000
	done
	check_eq "$CUR: the unit's capabilities: linear" \
		"$(field "$WORK/unit-caps-unit.out" plan veth0 variant)" linear
	check_eq "$CUR: two capabilities: frags" "$(field "$WORK/unit-caps-two.out" plan veth0 variant)" frags
	check_match "$CUR: and the plan says why" \
		"$(field "$WORK/unit-caps-two.out" plan veth0 variant_reason)" 'CAP_PERFMON'
}

# With CAP_BPF and CAP_NET_ADMIN alone the verifier refuses the linear
# program's data_end - data, so a run loads the frags program: check's test
# run loads that one too (it loaded the linear one and said incompatible,
# while the run counted), and says CAP_PERFMON is missing.
test_check_with_two_capabilities_test_loads_the_program_a_run_loads() {
	local a b out rc
	need_bin || return
	need_cmd setpriv || return
	ns_new a chk2-a && ns_new b chk2-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/check-two-caps.out
	timeout 20 ip netns exec "$a" "${TWO_CAPS[@]}" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit 0" "$rc" 0
	check "$CUR: one JSON document" is_json "$out"
	check_eq "$CUR: features.cap_perfmon" "$(jq -r .features.cap_perfmon "$out")" false
	check_eq "$CUR: the test run's variant" "$(jq -r .object.variant "$out")" frags
	check_eq "$CUR: its program" "$(jq -r .object.program "$out")" xdpcount_frags
	check_eq "$CUR: the verifier took it" "$(jq -r .verifier.loaded "$out")" true
	check_eq "$CUR: it counted" "$(jq -r .test_run.ok "$out")" true
	check_eq "$CUR: the plan's variant is the same" \
		"$(jq -r '.interfaces[] | select(.name == "veth0") | .variant' "$out")" frags
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}
