# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# (A && B || fail is meant; a sed pattern is literal; N and the names are plain words.)
# A good XDP neighbour (issue 21): what check says about libxdp users after
# us, and libxdp's dispatcher recognised by the shape libxdp itself checks
# (name, config map, magic, version, exact size). This host's kernel has no
# program extensions, so no real dispatcher can be built here: dispatcher.c
# is a plain XDP program of that shape. The real one, built by Debian's
# xdp-loader, belongs to the real-kernel guests (tests/kernels). Sourced by
# run.sh.

# dispatcher_obj VERSION DEVBOUND: compiles dispatcher.c (once per variant)
# and prints the object's path.
dispatcher_obj() {
	bpf_obj dispatcher.c "dispatcher-v$1-$2.o" -g -DVERSION="$1" -DDEVBOUND="$2"
}

# check's verdict on sharing XDP follows the probes: where the kernel has
# everything (kernel BTF, freplace, its re-attach, a writable bpffs) a
# dispatcher is possible; where not, the reason names what is missing, and
# an interface counted at XDP says libxdp users are blocked, and why. --mode
# tc leaves XDP free. A read-only bpffs is named as such.
test_check_says_whether_libxdp_users_can_attach_after_us() {
	local a b out possible reason want
	need_bin || return
	bpffs_private || return
	ns_new a share-a && ns_new b share-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/share.json
	ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	check "$CUR: check prints one JSON document" is_json "$out"
	check_eq "$CUR: our private bpffs is writable" "$(jq -r .features.bpffs_writable "$out")" true
	want=$(jq -r '.features | (.kernel_btf and .prog_type_ext and .freplace_link and
		.bpffs_writable)' "$out")
	possible=$(jq -r .dispatcher.possible "$out")
	reason=$(jq -r .dispatcher.reason "$out")
	check_eq "$CUR: a dispatcher is possible exactly where the probes say so" "$possible" "$want"
	check "$CUR: the plan gives a reason" test -n "$reason"
	if [ "$possible" = false ]; then
		check_eq "$CUR: veth0 at XDP blocks libxdp users" \
			"$(jq -r '.interfaces[0].libxdp_after_us' "$out")" blocked
		check_match "$CUR: and says why, with the plan's reason" \
			"$(jq -r '.interfaces[0].libxdp_reason' "$out")" \
			"^no: our program holds XDP alone .*: $(printf '%s' "$reason" |
				sed 's/[][\.*^$()+?{}|]/\\&/g').*--mode tc leaves XDP free"
		ip netns exec "$a" "$BIN" check veth0 >"$out.txt" 2>&1
		check_match "$CUR: the human check says other XDP programs cannot join" \
			"$(grep 'XDP dispatcher' "$out.txt")" "other XDP programs cannot join ours: "
	fi
	ip netns exec "$a" "$BIN" check --json --mode tc veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: --mode tc leaves XDP to libxdp users" \
		"$(jq -r '.interfaces[0] | .libxdp_after_us + ": " + .libxdp_reason' "$out")" \
		"yes: yes: xdpcount counts at tc ingress and leaves XDP free"
	mount -o remount,ro "$BPFFS" || { fail "$CUR: remounting our bpffs read-only"; return; }
	ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: a read-only bpffs is not writable" "$(jq -r .features.bpffs_writable "$out")" \
		false
	if [ "$(jq -r '.features | (.kernel_btf and .prog_type_ext and .freplace_link)' \
		"$out")" = true ]; then
		check_match "$CUR: and is the reason" "$(jq -r .dispatcher.reason "$out")" read-only
	fi
}

# dispatcher_run VERSION DEVBOUND: a dispatcher-shaped program of that
# version (and config size) on veth0, generic mode. Known ones (2 and 3 of
# their exact size) are named as libxdp's and counted behind at tc, exactly;
# others are named as of unknown version, with the reason, also behind at
# tc; and with an XDP mode asked for, refused. Never replaced, never
# touched.
dispatcher_run() {
	local v=$1 dev=$2 a b obj id out known
	need_bin && need_sendframes || return
	obj=$(dispatcher_obj "$v" "$dev") ||
		{ skip_because "clang cannot build tests/integration/dispatcher.c here"; return; }
	ns_new a disp-$v$dev-a && ns_new b disp-$v$dev-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$obj" sec xdp &&
		id=$(xdp_id "$a" veth0) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the dispatcher-shaped program"; return; }
	known=false
	{ [ "$v" = 2 ] && [ "$dev" = 0 ]; } || { [ "$v" = 3 ] && [ "$dev" = 1 ]; } && known=true
	out=$WORK/disp-$v$dev.json
	ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: planned at tc" "$(jq -r '.interfaces[0].hook' "$out")" tc
	if [ "$known" = true ]; then
		check_match "$CUR: recognised as libxdp's, with its version" \
			"$(jq -r '.interfaces[0].reason' "$out")" \
			"^behind libxdp dispatcher id $id \\(version $v, 1 programs, generic mode\\)"
		check_match "$CUR: libxdp users add to it" \
			"$(jq -r '.interfaces[0].libxdp_reason' "$out")" "add their programs to it"
	else
		check_match "$CUR: of unknown version" "$(jq -r '.interfaces[0].reason' "$out")" \
			"^behind dispatcher id $id of unknown version \\(generic mode\\)"
		check_match "$CUR: untouched, and why" "$(jq -r '.interfaces[0].libxdp_reason' "$out")" \
			"dispatcher id $id stays on XDP, untouched: version $v"
	fi
	out=$WORK/disp-$v$dev.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 || return
	check_eq "$CUR: counts at tc" "$(field "$out" attached veth0 hook)" tc
	check_eq "$CUR: the dispatcher is untouched while counting" "$(xdp_id "$a" veth0)" "$id"
	check_eq "$CUR: sent $N frames" "$(send "$b" veth1 $N 64)" "$N"
	wait_packets "$out" veth0 $N
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check_eq "$CUR: counted every frame it passed" "$(field "$out" detached veth0 packets)" $N
	ip netns exec "$a" "$BIN" --json -i 0.2 -m generic veth0 >"$out" 2>"$out.err"
	check "$CUR: -m generic refuses rather than replace it" test $? -ne 0
	check_eq "$CUR: the dispatcher is untouched after" "$(xdp_id "$a" veth0)" "$id"
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# The version of a dispatcher xdpcount would create follows the host's
# libxdp: a libxdp dispatcher running here, found by its state in libxdp's
# bpffs (xdp/dispatch-IFINDEX-ID, attached to that interface, the program's
# config read by id), gives its own; one on an interface of the run is
# named; detached (even if a pin still holds it) or gone, the installed
# library's or 2. Read by
# check on this host, where no dispatcher of ours can be built.
test_dispatcher_version_follows_one_running_here() {
	local a b c out obj id idx v
	need_bin || return
	bpffs_private || return
	obj=$(dispatcher_obj 3 1) ||
		{ skip_because "clang cannot build tests/integration/dispatcher.c here"; return; }
	ns_new a dver-a && ns_new b dver-b && ns_new c dver-c && veth "$a" veth0 "$b" veth1 &&
		veth "$a" veth2 "$c" veth3 || { fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$obj" sec xdp &&
		id=$(xdp_id "$a" veth0) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the dispatcher-shaped program"; return; }
	idx=$(ip -n "$a" -o link show dev veth0 | cut -d: -f1)
	out=$WORK/dver.json
	ip netns exec "$a" "$BIN" check --json veth2 >"$out" 2>"$out.err"
	v=$(jq -r '.dispatcher | "\(.version) \(.version_from)"' "$out")
	# no state in libxdp's bpffs: not seen from veth2 (no libxdp here: 2,
	# or the installed library's)
	check_match "$CUR: without its state, the library's version or the default" "$v" \
		'^[23] (library|default)$'
	mkdir -p "$BPFFS/xdp/dispatch-$idx-$id" ||
		{ fail "$CUR: making its state directory"; return; }
	ip netns exec "$a" "$BIN" check --json veth2 >"$out" 2>"$out.err"
	check_eq "$CUR: with its state in libxdp's bpffs: its version, from it" \
		"$(jq -r '.dispatcher | "\(.version) \(.version_from)"' "$out")" "3 dispatcher"
	check_match "$CUR: and the reason names it" "$(jq -r .dispatcher.version_reason "$out")" \
		"version 3, which libxdp 1\\.6\\+ users join: as libxdp's dispatcher id $id here \\(ifindex $idx, its state in libxdp's bpffs\\)"
	ip netns exec "$a" "$BIN" check --json veth2 veth0 >"$out" 2>"$out.err"
	check_match "$CUR: on an interface of the run, named" "$(jq -r .dispatcher.version_reason "$out")" \
		"as libxdp's dispatcher id $id on veth0\$"
	check_eq "$CUR: --dispatcher-version overrides it" \
		"$(ip netns exec "$a" "$BIN" check --json --dispatcher-version 2 veth2 2>/dev/null |
			jq -r '.dispatcher | "\(.version) \(.version_from)"')" "2 option"
	# detached but still held (as the pinned links of a killed run's slots
	# hold a dispatcher whose interface is gone): not running here
	if command -v bpftool >/dev/null; then
		bpftool prog pin id "$id" "$BPFFS/held" ||
			{ fail "$CUR: pinning the dispatcher-shaped program"; return; }
	fi
	ip -n "$a" link set dev veth0 xdpgeneric off
	ip netns exec "$a" "$BIN" check --json veth2 >"$out" 2>"$out.err"
	check_match "$CUR: detached (held by a pin, or gone), its directory says nothing" \
		"$(jq -r '.dispatcher | "\(.version) \(.version_from)"' "$out")" '^[23] (library|default)$'
	rm -f "$BPFFS/held"
	# ip made xdp a link to its tc/ (iproute2's bpffs layout): only our
	# directory goes; the private bpffs goes with the test
	rmdir "$BPFFS/xdp/dispatch-$idx-$id"
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

test_dispatcher_v2_is_recognised_and_counted_behind() { dispatcher_run 2 0; }
test_dispatcher_v3_is_recognised_and_counted_behind() { dispatcher_run 3 1; }
test_dispatcher_of_unknown_version_is_never_touched() { dispatcher_run 9 1; }
test_dispatcher_v3_of_the_wrong_size_is_never_touched() { dispatcher_run 3 0; }

# --attach dispatcher (hold XDP through libxdp's dispatcher, so libxdp users
# add theirs beside ours) follows the plan: where the kernel cannot (this
# host: no program extensions), the run counts with our program alone, as
# auto would, and the plan's reason (and a degraded verdict) say why others
# cannot join; it counts exactly and leaves nothing. Where the kernel can,
# the real-kernel guests prove the dispatcher itself (tests/kernels, with
# Debian's xdp-loader).
test_attach_dispatcher_follows_the_plan_and_says_why_not() {
	local a b out possible reason
	need_bin && need_sendframes || return
	bpffs_private || return
	ns_new a hold-a && ns_new b hold-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/hold.json
	ip netns exec "$a" "$BIN" check --json --attach dispatcher veth0 >"$out" 2>"$out.err"
	possible=$(jq -r .dispatcher.possible "$out")
	reason=$(jq -r .dispatcher.reason "$out")
	if [ "$possible" = true ]; then
		check_eq "$CUR: planned through a dispatcher" \
			"$(jq -r '.interfaces[0].attach' "$out")" dispatcher
		check_eq "$CUR: libxdp users can add beside ours" \
			"$(jq -r '.interfaces[0].libxdp_after_us' "$out")" yes
		return
	fi
	check_eq "$CUR: where the kernel cannot, our program alone" \
		"$(jq -r '.interfaces[0].attach' "$out")" link
	check_match "$CUR: with the plan's reason" "$(jq -r '.interfaces[0].reason' "$out")" \
		"--attach dispatcher asked for, but $(printf '%.40s' "$reason" |
			sed 's/[][\.*^$()+?{}|]/\\&/g').*so other XDP users cannot join ours"
	check_eq "$CUR: the verdict says it is not what was asked" "$(jq -r .verdict "$out")" degraded
	check_eq "$CUR: libxdp users are blocked, and told" \
		"$(jq -r '.interfaces[0].libxdp_after_us' "$out")" blocked
	out=$WORK/hold.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --attach dispatcher || return
	check_eq "$CUR: attached with a bpf_link" "$(field "$out" attached veth0 attach)" link
	check_eq "$CUR: sent $N frames" "$(send "$b" veth1 $N 64)" "$N"
	wait_packets "$out" veth0 $N
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check_eq "$CUR: counted every frame" "$(field "$out" detached veth0 packets)" $N
	check_eq "$CUR: nothing left on XDP" "$(xdp_id "$a" veth0)" ""
	check "$CUR: no dispatcher state in bpffs" test ! -e "$BPFFS/xdp"
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

# --attach shared (the shipped units' and DaemonSet's choice) never blocks
# another XDP user: through a dispatcher where the kernel can host one, else
# at tc ingress, never our program alone. On this host (no program
# extensions) it counts at tc, exactly, with the plan's reason, and a plain
# XDP program (ip link, as xdp-loader would attach one where libxdp falls
# back to a single program) attaches on veth0 while we count and stays after
# we stop; nothing of ours is left at either hook.
test_attach_shared_counts_at_tc_and_leaves_xdp_free() {
	local a b out possible reason id
	need_bin && need_sendframes && need_foreign_obj || return
	bpffs_private || return
	ns_new a shared-a && ns_new b shared-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/shared.json
	ip netns exec "$a" "$BIN" check --json --attach shared veth0 >"$out" 2>"$out.err"
	check "$CUR: check prints one JSON document" is_json "$out"
	possible=$(jq -r .dispatcher.possible "$out")
	reason=$(jq -r .dispatcher.reason "$out")
	check_eq "$CUR: libxdp users can attach after us" \
		"$(jq -r '.interfaces[0].libxdp_after_us' "$out")" yes
	if [ "$possible" = true ]; then
		check_eq "$CUR: planned through a dispatcher" \
			"$(jq -r '.interfaces[0].attach' "$out")" dispatcher
		skip_because "this kernel can host a dispatcher: the real-kernel guests prove it"
		return
	fi
	check_eq "$CUR: where no dispatcher can be, at tc" "$(jq -r '.interfaces[0].hook' "$out")" tc
	check_match "$CUR: with the plan's reason" "$(jq -r '.interfaces[0].reason' "$out")" \
		"^--attach shared: counting at tc ingress so that XDP stays free for libxdp users: $(
			printf '%.40s' "$reason" | sed 's/[][\.*^$()+?{}|]/\\&/g')"
	check_match "$CUR: and check's libxdp reason says so" \
		"$(jq -r '.interfaces[0].libxdp_reason' "$out")" \
		"^yes: xdpcount counts at tc ingress and leaves XDP free \\(--attach shared"
	out=$WORK/shared.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 --attach shared || return
	check_eq "$CUR: counts at tc" "$(field "$out" attached veth0 hook)" tc
	check_eq "$CUR: the plan event says libxdp users can attach after us" \
		"$(field "$out" plan veth0 libxdp_after_us)" yes
	check_eq "$CUR: XDP is free while we count" "$(xdp_id "$a" veth0)" ""
	id=$(foreign_xdp "$a" veth0 xdp xdpgeneric) && [ -n "$id" ]
	check "$CUR: a plain XDP program attaches while we count" test -n "$id"
	check_eq "$CUR: sent $N frames" "$(send "$b" veth1 $N 64)" "$N"
	wait_packets "$out" veth0 $N
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check_eq "$CUR: counted every frame it passed" "$(field "$out" detached veth0 packets)" $N
	check_eq "$CUR: the other program stays after we stop" "$(xdp_id "$a" veth0)" "$id"
	check_eq "$CUR: nothing of ours left at tc" "$(tcx_progs "$a" veth0)" ""
	# (ip's loader makes xdp/, tc/ and ip/ in the first bpffs it finds)
	check_eq "$CUR: no dispatcher state in bpffs" \
		"$(find "$BPFFS/xdp" -mindepth 1 -name 'dispatch-*' 2>/dev/null)" ""
	check_eq "$CUR: no pin of ours left" "$(pins)" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# status lists a libxdp dispatcher's slots as xdp-loader status does: each
# pinned program (<bpffs>/xdp/dispatch-IFINDEX-ID/prog<i>-prog), its run
# priority and chain actions from the dispatcher's config, and whose it is.
# Here the dispatcher-shaped program (one slot: priority 50, XDP_PASS) has
# its slot's pin made by hand (bpftool), as libxdp would make it.
test_status_lists_dispatcher_slots_like_xdp_loader() {
	local a b obj id ifindex dir out
	need_bin && need_cmd bpftool || return
	bpffs_private || return
	obj=$(dispatcher_obj 2 0) ||
		{ skip_because "clang cannot build tests/integration/dispatcher.c here"; return; }
	ns_new a slots-a && ns_new b slots-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$obj" sec xdp &&
		id=$(xdp_id "$a" veth0) && [ -n "$id" ] ||
		{ fail "$CUR: attaching the dispatcher-shaped program"; return; }
	ifindex=$(ip netns exec "$a" cat /sys/class/net/veth0/ifindex)
	dir=$BPFFS/xdp/dispatch-$ifindex-$id
	mkdir -p "$dir" && bpftool prog pin id "$id" "$dir/prog0-prog" ||
		{ fail "$CUR: pinning the slot"; return; }
	out=$WORK/slots.json
	ip netns exec "$a" "$BIN" status --json veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: the dispatcher, its version" \
		"$(jq -c '.interfaces[0].dispatcher | [.id, .version]' "$out")" "[$id,2]"
	check_eq "$CUR: its slot: program, priority, chain actions, owner" \
		"$(jq -c '.interfaces[0].dispatcher.slots[] | [.slot, .id, .name, .priority,
			.chain_call_actions, .ours]' "$out")" \
		"[0,$id,\"xdp_dispatcher\",50,\"XDP_PASS\",false]"
	ip netns exec "$a" "$BIN" status veth0 >"$out.txt" 2>&1
	check_match "$CUR: the table lists the slot under it" "$(tr -s ' \n' '  ' <"$out.txt")" \
		"slot 0 $id xdp_dispatcher freplace another program; priority 50, chain XDP_PASS"
	check_eq "$CUR: status changed nothing" "$(xdp_id "$a" veth0)" "$id"
	check "$CUR: nor the pin" test -e "$dir/prog0-prog"
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.txt"; }
	ip -n "$a" link set dev veth0 xdpgeneric off
}
