# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# xdpcount status: ours and others', mode, id, name, attach kind, pid and
# load time, read-only. Sourced by run.sh.

# prog FILE IFACE JQ: a field of the first program on IFACE in a status document.
prog() {
	jq -r --arg i "$2" ".interfaces[] | select(.name == \$i) | .programs[0] | $3" "$1" 2>/dev/null
}

# unwrap: status rows as one line each (an owner wrapped to 80 columns goes
# on under the name column, 35 spaces in).
unwrap() {
	awk '/^ {35}[^ ]/ { sub(/^ +/, " "); printf "%s", $0; next }
	     { if (NR > 1) print ""; printf "%s", $0 } END { print "" }'
}

test_status_shows_ours_and_others_and_changes_nothing() {
	local a b out pid1 pid2 obj before after human
	need_bin || return
	need_foreign_obj || return
	obj=$(foreign_obj)
	ns_new a st-a && ns_new b st-b && veth "$a" veth0 "$b" veth1 &&
		ip -n "$a" link add veth2 type veth peer name veth3 netns "$b" &&
		quiet "$a" veth2 && quiet "$b" veth3 &&
		ip -n "$a" link add veth4 type veth peer name veth5 netns "$b" &&
		quiet "$a" veth4 && quiet "$b" veth5 || { fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth4 xdpgeneric obj "$obj" sec xdp ||
		{ fail "$CUR: attaching the foreign program"; return; }
	start_attached "$a" "$WORK/st1.out" veth0 -- --json -i 1 --attach link || return
	pid1=$XPID
	start_attached "$a" "$WORK/st2.out" veth2 -- --json -i 1 --attach netlink -m generic || return
	pid2=$XPID
	out=$WORK/status.json
	before=$(for i in veth0 veth2 veth4; do xdp_id "$a" $i; done | tr '\n' ' ')
	ip netns exec "$a" "$BIN" status --json >"$out" 2>"$out.err"
	check_eq "$CUR: exit 0" "$?" 0
	check "$CUR: one JSON document" is_json "$out"
	check_eq "$CUR: veth0: ours, native, link, its pid" \
		"$(prog "$out" veth0 '[.ours, .mode, .attach, (.pids | join(","))] | join(" ")')" \
		"true native link $pid1"
	check_eq "$CUR: veth0: the id ip link shows" "$(prog "$out" veth0 .id)" "$(xdp_id "$a" veth0)"
	check "$CUR: veth0: a link id" test "$(prog "$out" veth0 .link_id)" -gt 0
	check_match "$CUR: veth0: loaded at (RFC 3339)" "$(prog "$out" veth0 .loaded_at)" \
		'^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$'
	check_match "$CUR: veth0: our program's name" "$(prog "$out" veth0 .name)" '^xdpcount_'
	check_eq "$CUR: veth2: ours, generic, netlink, its pid" \
		"$(prog "$out" veth2 '[.ours, .mode, .attach, (.pids | join(","))] | join(" ")')" \
		"true generic netlink $pid2"
	check_eq "$CUR: veth4: another program, generic, netlink, no link" \
		"$(prog "$out" veth4 '[.ours, .mode, .attach, .link_id] | join(" ")')" "false generic netlink "
	check_eq "$CUR: veth4: the foreign program's name" "$(prog "$out" veth4 .name)" \
		"$(ip -n "$a" -j -d link show dev veth4 | jq -r '.[0].xdp.prog.name // .[0].xdp.attached[0].prog.name')"
	check_eq "$CUR: veth1 is not in this namespace" \
		"$(jq -r '[.interfaces[].name] | index("veth1")' "$out")" null
	human=$(ip netns exec "$a" "$BIN" status veth0 veth4 lo 2>&1 | unwrap)
	check_match "$CUR: human: veth0 row" "$human" "^veth0 +native +[0-9]+ +xdpcount_[a-z]+ +link +xdpcount, pid $pid1, since "
	check_match "$CUR: human: veth4 row" "$human" "^veth4 +generic +[0-9]+ .* netlink +another program"
	check_match "$CUR: human: lo has none" "$human" '^lo +-$'
	ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BIN" status --json veth0 >"$out.nobody" 2>/dev/null
	check_eq "$CUR: unprivileged: exit 0" "$?" 0
	check_eq "$CUR: unprivileged: the id and mode, and null for what it cannot know" \
		"$(prog "$out.nobody" veth0 '[.mode, .id, .name, .ours, .attach, .pids] | map(tostring) | join(" ")')" \
		"native $(xdp_id "$a" veth0) null null null null"
	after=$(for i in veth0 veth2 veth4; do xdp_id "$a" $i; done | tr '\n' ' ')
	check_eq "$CUR: status changed nothing" "$after" "$before"
	stop INT
	XPID=$pid1
	stop INT
	ip -n "$a" link set dev veth4 xdpgeneric off
	ip netns exec "$a" "$BIN" status nosuch0 >/dev/null 2>&1
	check_eq "$CUR: a missing interface is bad usage" "$?" 2
}

test_status_names_a_netlink_leftover_after_kill9() {
	local a b out human
	need_bin || return
	ns_new a stl-a && ns_new b stl-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	start_attached "$a" "$WORK/stl.out" veth0 -- --json -i 1 --attach netlink || return
	stop KILL
	out=$WORK/stl.json
	ip netns exec "$a" "$BIN" status --json veth0 >"$out"
	check_eq "$CUR: ours, netlink, no process" \
		"$(prog "$out" veth0 '[.ours, .attach, (.pids | length)] | join(" ")')" "true netlink 0"
	human=$(ip netns exec "$a" "$BIN" status veth0 | unwrap)
	check_match "$CUR: human says leftover and how to remove it" "$human" \
		'no process \(a leftover: xdpcount detach veth0\)'
	ip netns exec "$a" "$BIN" detach veth0 >/dev/null
}

# xdpcount counting at tc ingress: through tcx behind someone's XDP program
# (auto), and through clsact (--mode tc --attach netlink). status lists our
# tc programs beside the XDP ones, with their attach kind and pid.
test_status_shows_our_tc_programs() {
	local a b out pid1 pid2 obj human
	need_bin || return
	need_foreign_obj || return
	obj=$(foreign_obj)
	ns_new a stt-a && ns_new b stt-b && veth "$a" veth0 "$b" veth1 &&
		ip -n "$a" link add veth2 type veth peer name veth3 netns "$b" &&
		quiet "$a" veth2 && quiet "$b" veth3 || { fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$obj" sec xdp ||
		{ fail "$CUR: attaching the foreign program"; return; }
	start_attached "$a" "$WORK/stt1.out" veth0 -- --json -i 1 || return
	pid1=$XPID
	start_attached "$a" "$WORK/stt2.out" veth2 -- --json -i 1 --mode tc --attach netlink || return
	pid2=$XPID
	out=$WORK/status-tc.json
	ip netns exec "$a" "$BIN" status --json veth0 veth2 >"$out" 2>"$out.err"
	check_eq "$CUR: exit 0" "$?" 0
	check_eq "$CUR: veth0: the foreign XDP program first" \
		"$(prog "$out" veth0 '[.ours, .mode] | join(" ")')" "false generic"
	check_eq "$CUR: veth0: ours at tc, through tcx, its pid" \
		"$(jq -r '.interfaces[] | select(.name == "veth0") | .programs[] | select(.mode == "tc") |
			[.ours, .attach, (.link_id > 0), (.pids | join(","))] | join(" ")' "$out")" \
		"true tcx true $pid1"
	check_eq "$CUR: veth0: the id it attached" \
		"$(jq -r '.interfaces[] | select(.name == "veth0") | .programs[] | select(.mode == "tc") | .id' "$out")" \
		"$(field "$WORK/stt1.out" attached veth0 program_id)"
	check_eq "$CUR: veth2: ours at tc, through clsact, no link, its pid" \
		"$(prog "$out" veth2 '[.ours, .mode, .attach, .link_id, (.pids | join(","))] | join(" ")')" \
		"true tc clsact  $pid2"
	human=$(ip netns exec "$a" "$BIN" status veth0 veth2 2>&1)
	check_match "$CUR: human: veth0's tc row, under its XDP one" "$human" "^ +tc +[0-9]+ +xdpcount_tc +tcx +xdpcount, pid $pid1"
	check_match "$CUR: human: veth2's tc row" "$human" "^veth2 +tc +[0-9]+ +xdpcount_tc +clsact +xdpcount, pid $pid2"
	stop INT
	XPID=$pid1
	stop INT
	ip -n "$a" link set dev veth0 xdpgeneric off
}
