# shellcheck shell=bash disable=SC2015,SC2016
# Messages and input (issue 9, items 7 and 8): strict numbers, extra words,
# --btf edge cases, check --strict with a selftest that could not run, and
# interface names that are not UTF-8. Sourced by run.sh.

# usage_exit_2 DESC REGEX ARGS...: xdpcount ARGS exits 2 with one line
# matching REGEX.
usage_exit_2() {
	local desc=$1 re=$2 err=$WORK/usage.err; shift 2
	timeout 20 "$BIN" "$@" >/dev/null 2>"$err"
	check_eq "$CUR: $desc: exit status" "$?" 2
	check_eq "$CUR: $desc: one line" "$(grep -c . "$err")" 1
	check_match "$CUR: $desc: the line" "$(cat "$err")" "$re"
}

test_numbers_and_extra_words_are_refused() {
	need_bin || return
	usage_exit_2 "-i 0x10" "invalid interval '0x10'.*decimal" -i 0x10 lo
	usage_exit_2 "-i 4e-324" "invalid interval '4e-324'.*from 0.01" -i 4e-324 lo
	usage_exit_2 "-i 0.001" "invalid interval" -i 0.001 lo
	usage_exit_2 "-c +3" "invalid count" -c +3 lo
	usage_exit_2 "objects ra0" "objects takes no IFACE \\(got 'ra0'\\)" objects ra0
	usage_exit_2 "--btf ''" "--btf needs a file name" check --btf ''
	usage_exit_2 "--btf 5000 characters" "cannot use BTF file /{10,}\\.\\.\\.: the path is too long" \
		check --btf "$(printf '/%.0s' {1..5000})x"
}

# detach A B with B missing touches nothing, not even A.
test_detach_checks_every_name_first() {
	local a b out id
	need_bin || return
	ns_new a det2-a && ns_new b det2-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/det2.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	stop KILL
	id=$(xdp_id "$a" veth0)
	timeout 20 ip netns exec "$a" "$BIN" detach veth0 nosuch0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit status" "$?" 2
	check_match "$CUR: names the missing one" "$(cat "$out.err")" "nosuch0: no such interface"
	check_eq "$CUR: veth0 untouched" "$(xdp_id "$a" veth0)" "$id"
	ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>&1
}

# --strict promises "exit 0 if this box can run it": with --selftest, a
# selftest that could not run (no CAP_SYS_ADMIN for its namespace) is no proof.
test_check_strict_selftest_that_did_not_run_exits_3() {
	local a b out
	need_bin || return
	ns_new a strict-st-a && ns_new b strict-st-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/strict-st.out
	timeout 60 ip netns exec "$a" setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		"$BIN" check --selftest --strict --json veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit status" "$?" 3
	check_eq "$CUR: selftest.ran" "$(jq -r .selftest.ran "$out" 2>/dev/null)" false
	check_match "$CUR: stderr says why" "$(cat "$out.err")" "strict: the selftest did not run"
}

# A legal name that is not UTF-8, with an escape byte in it: JSON stays valid
# UTF-8 (stray bytes as \u00XX), human lines carry no raw control byte.
test_non_utf8_interface_name() {
	local a b name out
	need_bin || return
	need_cmd iconv || return
	ns_new a utf-a && ns_new b utf-b || { fail "$CUR: setup"; return; }
	name=$'v\xff\x1b[1m'
	veth "$a" "$name" "$b" veth1 || { fail "$CUR: a veth named v\\xff\\x1b[1m"; return; }
	out=$WORK/utf.out
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 "$name" >"$out" 2>"$out.err"
	check_eq "$CUR: JSON run exits 0" "$?" 0
	check "$CUR: stdout is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$out" -o /dev/null
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: the name, escaped" "$(jq -j 'select(.event == "attached") | .iface' "$out" |
		od -An -tx1 | tr -d ' \n')" "76c3bf1b5b316d"
	timeout 20 ip netns exec "$a" "$BIN" -c 1 -i 0.1 "$name" >"$out" 2>"$out.err"
	check_eq "$CUR: human run exits 0" "$?" 0
	check_eq "$CUR: no raw ESC byte in the human output" "$(cat "$out" "$out.err" | tr -cd '\033' | wc -c)" 0
	check_match "$CUR: the name shown escaped in the counts" "$(cat "$out")" '^v\\xff\\x1b\[1m '
	check_match "$CUR: and on stderr" "$(cat "$out.err")" 'attached to v\\xff\\x1b\[1m'
	# (ip -j prints such a name raw, which jq refuses: check and remove it here)
	check "$CUR: nothing left on it" lacks "$(ip -n "$a" -d link show)" "prog/xdp"
	ip -n "$a" link del "$name"
}

# A mistyped command is not taken for an interface name: `xdpcount stauts`
# says so, while an existing interface in that place still counts.
test_unknown_word_is_an_unknown_command_or_interface() {
	local a out
	need_bin || return
	ns_new a word || { fail "$CUR: setup"; return; }
	out=$WORK/word.out
	ip netns exec "$a" "$BIN" stauts >/dev/null 2>"$out.err"
	check_eq "$CUR: exit status" "$?" 2
	check_eq "$CUR: one line" "$(grep -c . "$out.err")" 1
	check_match "$CUR: the line" "$(cat "$out.err")" "unknown command or interface 'stauts'"
	ip netns exec "$a" "$BIN" stauts --json >"$out" 2>/dev/null
	check_eq "$CUR: --json: the error code" "$(field "$out" error "" code)" usage
	ip netns exec "$a" ip link set lo up
	timeout 20 ip netns exec "$a" "$BIN" lo -c 1 -i 0.1 >/dev/null 2>"$out.err"
	check_eq "$CUR: an interface there still counts" "$?" 0
}

# Issue 17 item 8: an alias (veth0:1) or an altname names its device. The
# run counts and labels it by the device's own name, and the same device
# given twice under two names is a usage error, not "another XDP program".
test_alias_and_altname_count_as_their_device() {
	local a b out
	need_bin || return
	ns_new a alias-a && ns_new b alias-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/alias.out
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 veth0:1 >"$out" 2>"$out.err"
	check_eq "$CUR: veth0:1 runs" "$?" 0
	check_eq "$CUR: and is labelled veth0" "$(field "$out" attached "" iface)" veth0
	check_eq "$CUR: its stats too" "$(events "$out" stats veth0 | wc -l)" 1
	if ip -n "$a" link property add dev veth0 altname vethalt0 2>/dev/null; then
		timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 vethalt0 >"$out" 2>"$out.err"
		check_eq "$CUR: the altname runs" "$?" 0
		check_eq "$CUR: and is labelled veth0" "$(field "$out" attached "" iface)" veth0
	fi
	timeout 20 ip netns exec "$a" "$BIN" -c 1 veth0 veth0:1 >/dev/null 2>"$out.err"
	check_eq "$CUR: veth0 veth0:1: exit status" "$?" 2
	check_eq "$CUR: veth0 veth0:1: one line" "$(grep -c . "$out.err")" 1
	check_match "$CUR: veth0 veth0:1: the duplicate" "$(cat "$out.err")" \
		"bad usage: interface veth0:1 given twice \\(it names the same device"
	check_eq "$CUR: nothing left attached" "$(xdp_id "$a" veth0)" ""
	usage_exit_2 "an empty name" "an interface name cannot be empty \\(IFACE 2 is ''\\)" -i 1 lo ''
	usage_exit_2 "an empty first word" "an interface name cannot be empty" ''
}


# Issue 17 item 10: a netlink run that cannot pin its program says so
# without -v, on one line: what, why, and that a later run without
# CAP_SYS_ADMIN could not recognise a leftover of it; in clsact mode too.
test_a_run_that_cannot_pin_says_so_without_v() {
	local a b out how args what
	need_bin || return
	ns_new a nopin-a && ns_new b nopin-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	mkdir -p "$WORK/not-bpffs"
	for how in netlink clsact; do
		[ $how = netlink ] && args=(--attach netlink) what="XDP program" ||
			args=(-m tc --attach netlink) what="tc filter"
		out=$WORK/nopin-$how.out
		XDPCOUNT_BPFFS=$WORK/not-bpffs timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 \
			"${args[@]}" veth0 >"$out" 2>"$out.err"
		check_eq "$CUR ($how): the run exits 0" "$?" 0
		check_eq "$CUR ($how): one line on stderr" "$(grep -c . "$out.err")" 1
		check_match "$CUR ($how): what, why, and what follows" "$(cat "$out.err")" \
			"^xdpcount: veth0: cannot pin the $what in $WORK/not-bpffs \\(no bpffs mounted there\\): should this run die without detaching, a later run without CAP_SYS_ADMIN cannot recognise what it leaves as xdpcount's\$"
	done
}

# uid 65534 with only CAP_BPF + CAP_NET_ADMIN
NOBODY_TWO_CAPS=(setpriv --reuid=65534 --regid=65534 --clear-groups
	'--inh-caps=-all,+bpf,+net_admin' '--ambient-caps=+bpf,+net_admin'
	'--bounding-set=-all,+bpf,+net_admin')

# Issue 17 item 10: as uid 65534 with CAP_BPF + CAP_NET_ADMIN and a bpffs it
# cannot write, a netlink run says it cannot pin; killed, it leaves its
# program, which the next run (the same user) cannot recognise: it counts at
# tc behind it, and says it cannot tell whether that is a stale xdpcount
# program, why, and the command that removes it.
test_unpinned_leftover_is_said_to_be_unrecognisable() {
	local a b out id
	need_bin && bpffs_private || return
	ns_new a unpin-a && ns_new b unpin-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	mkdir -m 700 "$BPFFS/xdpcount" # root's: uid 65534 cannot pin there
	out=$WORK/unpin-1.out
	ip netns exec "$a" "${NOBODY_TWO_CAPS[@]}" "$BIN" --json -i 0.2 --attach netlink veth0 \
		>"$out" 2>"$out.err" &
	XPID=$!; BGPIDS+=("$XPID")
	check "$CUR: attached as uid 65534" wait_event "$out" attached veth0 || { show "$out.err"; return; }
	check_match "$CUR: it says it cannot pin, without -v" "$(cat "$out.err")" \
		"^xdpcount: veth0: cannot pin the XDP program in $BPFFS \\(Permission denied\\): should this run die without detaching, a later run without CAP_SYS_ADMIN cannot recognise"
	stop KILL
	id=$(xdp_id "$a" veth0)
	check "$CUR: its program stays" test -n "$id"
	out=$WORK/unpin-2.out
	timeout 20 ip netns exec "$a" "${NOBODY_TWO_CAPS[@]}" "$BIN" --json -c 1 -i 0.1 veth0 \
		>"$out" 2>"$out.err"
	check_eq "$CUR: the next run exits 0" "$?" 0
	check_eq "$CUR: it counts at tc" "$(field "$out" attached veth0 hook)" tc
	check_eq "$CUR: one line on stderr" "$(grep -c . "$out.err")" 1
	check_match "$CUR: it says what it cannot tell, why, and what to do" "$(cat "$out.err")" \
		"^xdpcount: veth0: counting at tc: cannot tell whether XDP program id $id \\(native mode\\) is a stale xdpcount program \\(no xdpcount pin matches it; its name needs CAP_SYS_ADMIN\\): if it is, \`ip link set dev veth0 xdpdrv off\` removes it\$"
	ip -n "$a" link set dev veth0 xdpdrv off
	check_eq "$CUR: which that command does" "$(xdp_id "$a" veth0)" ""
}

# Issue 17 item 10: as uid 65534 with CAP_BPF + CAP_NET_ADMIN, detach of an
# interface whose program it cannot recognise says so on stderr only (no
# "removed 0" on stdout beside the refusal).
test_detach_that_refuses_prints_no_removed_0() {
	local a b out
	need_bin || return
	ns_new a unrec-a && ns_new b unrec-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$(foreign_obj)" sec xdp 2>/dev/null ||
		{ fail "$CUR: cannot attach the foreign program"; return; }
	out=$WORK/unrec.out
	timeout 20 ip netns exec "$a" "${NOBODY_TWO_CAPS[@]}" "$BIN" detach veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit 1" "$?" 1
	check_eq "$CUR: nothing on stdout" "$(cat "$out")" ""
	check_match "$CUR: the refusal on stderr" "$(cat "$out.err")" "not recognisably xdpcount's"
	# issue 24: the command of the program's own mode, with the real name
	check_match "$CUR: the command for a generic program" "$(cat "$out.err")" \
		"; if you know it is xdpcount's: \`ip link set dev veth0 xdpgeneric off\`\$"
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# says_exactly DESC RC LINE ARGS...: xdpcount ARGS exits RC with exactly
# LINE on stderr.
says_exactly() {
	local desc=$1 rc=$2 want=$3 err=$WORK/exact.err got; shift 3
	timeout 20 "$BIN" "$@" >/dev/null 2>"$err"
	got=$?
	check_eq "$CUR: $desc: exit status" "$got" "$rc"
	check_eq "$CUR: $desc: the line" "$(cat "$err")" "$want"
}

# Issue 24 item 4: options before the command are the command's; a near
# miss of a command or an option is answered with the nearest one; an
# option of another command names it (run --selftest: check --selftest);
# help COMMAND is COMMAND --help.
test_command_line_habits() {
	local out=$WORK/habits.out
	need_bin || return
	"$BIN" -j status >"$out" 2>"$out.err"
	check_eq "$CUR: -j status: exit 0" "$?" 0
	check "$CUR: -j status: one JSON document" is_json "$out"
	check_eq "$CUR: -j status: a status document" "$(jq -r 'has("interfaces")' "$out")" true
	"$BIN" -q -- status >/dev/null 2>"$out.err"
	check_match "$CUR: after --, status is an interface" "$(cat "$out.err")" \
		"^xdpcount: cannot use interface status: no such interface"
	says_exactly "chekc" 2 \
		"xdpcount: bad usage: unknown command or interface 'chekc' (did you mean 'check'?); see xdpcount --help" \
		chekc
	says_exactly "-j chekc" 2 \
		"xdpcount: bad usage: unknown command or interface 'chekc' (did you mean 'check'?); see xdpcount --help" \
		-j chekc
	says_exactly "--jsn" 2 \
		"xdpcount: bad usage: unknown option '--jsn' (did you mean '--json'?); see xdpcount --help" \
		--jsn
	says_exactly "run --selftest" 2 \
		"xdpcount: bad usage: '--selftest' is not an option of run but of check (xdpcount check --selftest); see xdpcount --help" \
		run --selftest
	says_exactly "detach --json" 2 \
		"xdpcount: bad usage: '--json' is not an option of detach but of run (xdpcount run --json); see xdpcount --help" \
		detach --json lo
	says_exactly "help chekc" 2 \
		"xdpcount: bad usage: unknown command 'chekc' (did you mean 'check'?); see xdpcount --help" \
		help chekc
	"$BIN" help >"$out" 2>&1
	check_eq "$CUR: help is --help" "$(cat "$out")" "$("$BIN" --help)"
	"$BIN" help check >"$out" 2>&1
	check_eq "$CUR: help check is check --help" "$(cat "$out")" "$("$BIN" check --help)"
}

# Issue 24 item 6: raw ELF never goes to a terminal (script gives the
# command one); through a pipe it is the object itself. objects --json says
# who speaks, as every document does.
test_objects_dump_refuses_a_terminal_and_json_has_identity() {
	local out=$WORK/dump.out
	need_bin && need_cmd script || return
	script -qec "'$BIN' objects --dump big" /dev/null >"$out" 2>&1
	check_eq "$CUR: refused on a terminal: exit 2" "$?" 2
	check_eq "$CUR: the line, and no ELF" "$(tr -d '\r' <"$out")" \
		"xdpcount: bad usage: refusing to write the raw big-endian ELF object to a terminal; pipe it (xdpcount objects --dump big | llvm-objdump -d -) or redirect it to a file; see xdpcount --help"
	check_eq "$CUR: through a pipe, the ELF object" "$("$BIN" objects --dump big | head -c 4 | od -An -c | tr -d ' ')" \
		'177ELF'
	"$BIN" objects --json >"$out"
	check_eq "$CUR: objects --json: who speaks" \
		"$(jq -r '[.schema_version, .version, .hostname, (.timestamp | length > 0)] | join(" ")' "$out")" \
		"1 $("$BIN" -V | awk 'NR == 1 {print $2}') $(uname -n) true"
}

# Issue 24 item 3: a foreign program in the way of a strict mode is named
# with the command that removes it in its own mode (plain `xdp off` does
# nothing to a generic program on a driver with native XDP), and that
# command, run as written, removes it.
test_foreign_program_message_gives_the_command_of_its_mode() {
	local a b out m off cmd
	need_bin && need_foreign_obj || return
	ns_new a fmode-a && ns_new b fmode-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/fmode.out
	for m in generic native; do
		off=$([ $m = generic ] && echo xdpgeneric || echo xdpdrv)
		ip -n "$a" link set dev veth0 "$off" obj "$(foreign_obj)" sec xdp ||
			{ fail "$CUR: $m: cannot attach the foreign program"; continue; }
		timeout 20 ip netns exec "$a" "$BIN" -m "$m" -c 1 veth0 >/dev/null 2>"$out.err"
		check_eq "$CUR: $m: exit 1" "$?" 1
		check_eq "$CUR: $m: the line" "$(cat "$out.err")" \
			"xdpcount: refusing to attach to veth0: already carries XDP program id $(xdp_id "$a" veth0) \"foreign_pass\" ($m mode), not xdpcount's: will not replace it; --mode $m asked for XDP (without it, xdpcount counts at tc ingress behind it); remove that program first (\`ip link set dev veth0 $off off\`), or count on another interface"
		cmd=$(grep -o '`ip link set dev [^`]*`' "$out.err" | tr -d '`')
		# shellcheck disable=SC2086 # the command as the message writes it
		ip -n "$a" ${cmd#ip } 2>/dev/null
		check_eq "$CUR: $m: the command removes it" "$(xdp_id "$a" veth0)" ""
		ip -n "$a" link set dev veth0 "$off" off 2>/dev/null
	done
}

# Issue 24 item 3: a second run, and detach, name the pid of the run that
# holds the interface and what to do; no literal IFACE anywhere.
test_a_live_run_is_named_with_what_to_do() {
	local a b out id
	need_bin || return
	ns_new a held-a && ns_new b held-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/held.out
	start_attached "$a" "$out" veth0 -- --json -i 1 || return
	id=$(xdp_id "$a" veth0)
	timeout 20 ip netns exec "$a" "$BIN" -c 1 veth0 >/dev/null 2>"$out.2"
	check_eq "$CUR: a second run: exit 1" "$?" 1
	check_eq "$CUR: a second run: the line" "$(cat "$out.2")" \
		"xdpcount: cannot attach to veth0: xdpcount pid $XPID counts on it already (program id $id, native mode); stop that run first (kill -TERM $XPID), or count on another interface"
	timeout 20 ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>"$out.3"
	check_eq "$CUR: detach: exit 1" "$?" 1
	check_eq "$CUR: detach: the line" "$(cat "$out.3")" \
		"xdpcount: cannot detach from veth0: xdpcount pid $XPID counts here (program id $id, XDP, native); stop that run to detach it (kill -TERM $XPID); nothing was removed"
	check_eq "$CUR: still attached" "$(xdp_id "$a" veth0)" "$id"
	stop TERM
}

# Issue 24 item 3: root without CAP_BPF and CAP_NET_ADMIN is told that
# root lacks them, not to run as root; errno is the EPERM the line names.
test_root_without_capabilities_is_not_told_to_run_as_root() {
	local a out
	need_bin && need_cmd setpriv || return
	ns_new a capless || { fail "$CUR: setup"; return; }
	ip netns exec "$a" ip link set lo up
	out=$WORK/capless.out
	timeout 20 ip netns exec "$a" setpriv --inh-caps=-all --bounding-set=-all \
		"$BIN" --json -c 1 lo >"$out" 2>"$out.err"
	check_eq "$CUR: exit 1" "$?" 1
	check_match "$CUR: the line" "$(cat "$out.err")" \
		'^xdpcount: cannot run on this machine: bpf\(\) is not allowed \(EPERM\): missing CAP_BPF and CAP_NET_ADMIN \(or CAP_SYS_ADMIN\); this root lacks them \(a container or a capability bounding set took them\): grant them'
	check "$CUR: not told to run as root" lacks "$(cat "$out.err")" "run as root"
	check_eq "$CUR: JSON errno is the cause named" "$(field "$out" error "" errno)" EPERM
	check_eq "$CUR: one line" "$(grep -c . "$out.err")" 1
}

# Issue 24 item 4: a down interface is attached, and said so with the
# command that brings it up (counting starts then; a unit may start before
# its link is up).
test_a_down_interface_is_attached_with_a_word() {
	local a out
	need_bin || return
	ns_new a down || { fail "$CUR: setup"; return; }
	ip -n "$a" link add dn0 type veth peer name dn1 || { fail "$CUR: setup"; return; }
	out=$WORK/down.out
	timeout 20 ip netns exec "$a" "$BIN" -q -c 1 -i 0.1 dn0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit 0" "$?" 0
	check_eq "$CUR: the line" "$(cat "$out.err")" \
		"xdpcount: dn0 is down: it receives and sends nothing until it is up (ip link set dev dn0 up); counting goes on"
	check_match "$CUR: and it counted" "$(cat "$out")" '^dn0 '
}
