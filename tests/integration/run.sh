#!/bin/bash
# shellcheck disable=SC2015 # A && B || fail: meant for a failure of either
# Integration tests for xdpcount, on interfaces the tests create themselves.
#
#   tests/integration/run.sh [BINARY]     (default build/xdpcount; root needed)
#   TESTS="test_a test_b" tests/integration/run.sh   runs a subset
#
# Shaped like xdp-tools' test_runner.sh: test_* functions, a teardown trap, a
# distinct skip code. Every test makes its own network namespaces (names begin
# with $PREFIX), puts veth pairs (or an ifb) inside them, silences IPv6 and ARP
# on them, and removes them afterwards. Nothing touches the host's interfaces.
# Assertions read xdpcount's JSON (--json), not its human text, except where
# the test is about the human message. The last line is "N passed, N failed"
# (one count per assertion); the exit status is non-zero on any failure.
set -u

SKIP=77                 # a test returns this when the machine cannot run it
N=10000                 # frames per exact-count test
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(realpath -m "${1:-$TOP/build/xdpcount}")
ARCH=${ARCH:-$(uname -m)}
TOOLS=${TOOLS:-$TOP/build/$ARCH/tools}
SENDFRAMES=$TOOLS/sendframes
PREFIX="xdpct$$"        # every namespace of this run starts with it
WORK=$(mktemp -d /tmp/xdpcount-it.XXXXXX)

PASSED=0 FAILED=0 SKIPPED=0
CUR=""                  # the running test
NSS=()                  # namespaces of the running test
BGPIDS=()               # background processes started by this script
MOUNTS=()               # mounts (private bpffs) of the running test

T_FAILED0=0             # FAILED when the running test began

# shellcheck source=tests/integration/lib.sh
. "$TOP/tests/integration/lib.sh"
# The test files: every *.sh here but lib.sh and this one. A test is any
# test_* function in them or here (see run_tests in lib.sh); a new file or
# function needs no list.
FILES=()
for tf in "$TOP"/tests/integration/*.sh; do
	case ${tf##*/} in lib.sh | run.sh) continue ;; esac
	FILES+=("$tf")
	# shellcheck disable=SC1090 # sourced by glob
	. "$tf"
done
unset tf
trap teardown EXIT
trap 'exit 130' INT TERM

# ==================================================================== tests

# The harness itself: sendframes delivers exactly N frames of LEN bytes to
# the peer and nothing else arrives (no IPv6, no ARP noise). Needs no xdpcount.
test_harness_sendframes_is_exact_and_quiet() {
	local a b rx
	need_sendframes || return
	ns_new a h-a && ns_new b h-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	sleep 0.2 # anything the stack wanted to say after "up" would be out now
	check_eq "$CUR: sendframes sent $N" "$(send "$b" veth1 $N 64)" "$N"
	rx=$(ip -n "$a" -j -s link show dev veth0 | jq -c '.[0].stats64.rx | [.packets, .bytes]')
	check_eq "$CUR: veth0 received exactly N frames, N x 64 bytes" "$rx" "[$N,$((N * 64))]"
	check "$CUR: sendframes rejects LEN < 60" \
		eval "! ip netns exec $b $SENDFRAMES veth1 1 59 2>/dev/null"
	check "$CUR: sendframes fails on a missing interface" \
		eval "! ip netns exec $b $SENDFRAMES nosuch0 1 2>/dev/null"
}

test_native_counts_exactly_10000_frames() {
	count_run native 100 -m native || return
	check_eq "$CUR: attached mode" "$MODE" native
}

test_generic_counts_exactly_10000_frames() {
	count_run generic 64 -m generic || return
	check_eq "$CUR: attached mode" "$MODE" generic
}

test_auto_mode_on_veth_picks_native() {
	count_run auto 64 -m auto || return
	check_eq "$CUR: attached mode" "$MODE" native
}

# ifb_setup VAR SUFFIX: a namespace (name stored in VAR) holding a quiet ifb0,
# a device without native XDP.
ifb_setup() {
	ns_new "$1" "$2" || return 1
	if ! ip -n "${!1}" link add ifb0 type ifb 2>/dev/null; then
		modprobe ifb numifbs=0 2>/dev/null
		ip -n "${!1}" link add ifb0 type ifb || return 1
	fi
	quiet "${!1}" ifb0
}

# ifb has no native XDP: auto falls back to generic and says why.
test_ifb_auto_falls_back_to_generic_and_says_why() {
	local a out rc reason
	need_bin || return
	ifb_setup a ifb-auto || { fail "$CUR: setup (ifb)"; return; }
	out=$WORK/ifb-auto.out
	start_attached "$a" "$out" ifb0 -- --json -i 0.2 -m auto || return
	check_eq "$CUR: attached mode" "$(field "$out" attached ifb0 mode)" generic
	reason=$(field "$out" attached ifb0 reason)
	check "$CUR: the reason is not empty" test -n "$reason" -a "$reason" != null
	check_match "$CUR: the reason explains the fallback" "$reason" "native|driver"
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check "$CUR: ifb0 carries no program after exit" wait_no_xdp "$a" ifb0
}

# Kernels before 6.3 have no xdp-features, so auto mode must really try
# native and fall back when the kernel refuses. Hiding the netdev genl family
# (seccomp) gives that kernel's view on this one. Through netlink the reason
# carries the kernel's extack message.
test_ifb_auto_falls_back_at_attach_time_without_xdp_features() {
	local a out how reason
	need_bin && need_deny || return
	ifb_setup a ifb-late || { fail "$CUR: setup (ifb)"; return; }
	for how in link netlink; do
		out=$WORK/ifb-late-$how.out
		timeout 20 ip netns exec "$a" "$TOOLS/deny" genl EPERM "$BIN" --json -c 1 -i 0.1 \
			--attach $how ifb0 >"$out" 2>"$out.err"
		check_eq "$CUR ($how): exit status" "$?" 0
		check_eq "$CUR ($how): the plan tries native first" \
			"$(field "$out" plan ifb0 mode)/$(field "$out" plan ifb0 fallback_generic)" native/true
		check_eq "$CUR ($how): a fallback event" "$(field "$out" fallback ifb0 to)" generic
		check_eq "$CUR ($how): the kernel reports generic" "$(field "$out" attached ifb0 mode)" generic
		reason=$(field "$out" attached ifb0 reason)
		check_match "$CUR ($how): the reason says native was refused" "$reason" "native refused"
		[ $how = netlink ] && check_match "$CUR ($how): with the kernel's words" "$reason" \
			"does not support XDP in native mode"
		check_eq "$CUR ($how): nothing left on ifb0" "$(xdp_id "$a" ifb0)" ""
	done
}

test_ifb_strict_native_fails_with_exit_1() {
	local a out rc lines
	need_bin || return
	ifb_setup a ifb-native || { fail "$CUR: setup (ifb)"; return; }
	out=$WORK/ifb-native.out
	timeout 20 ip netns exec "$a" "$BIN" -q -m native -c 1 -i 0.2 ifb0 \
		>"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 1
	lines=$(grep -c . "$out.err")
	check_eq "$CUR: one line on stderr" "$lines" 1
	check_match "$CUR: the message names native mode" "$(cat "$out.err")" "native"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	check_eq "$CUR: nothing attached to ifb0" "$(xdp_id "$a" ifb0)" ""
}

# Link mode: the kernel detaches the program when the process dies.
test_kill9_in_link_mode_leaves_no_program() {
	local a b out
	need_bin || return
	ns_new a k9-a && ns_new b k9-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/k9.out
	start_attached "$a" "$out" veth0 -- --json --attach link || return
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" link
	check "$CUR: a program is attached while running" test -n "$(xdp_id "$a" veth0)"
	stop KILL
	check "$CUR: no program left after kill -9" wait_no_xdp "$a" veth0
}

# Netlink mode: SIGTERM detaches, prints the final counts, exits 0.
test_sigterm_in_netlink_mode_detaches() {
	local a b out rc
	need_bin || return
	ns_new a term-a && ns_new b term-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/term.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	check_eq "$CUR: attached through" "$(field "$out" attached veth0 attach)" netlink
	check "$CUR: a program is attached while running" test -n "$(xdp_id "$a" veth0)"
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check "$CUR: a detached event was printed" test -n "$(events "$out" detached veth0)"
	check_eq "$CUR: no program left after SIGTERM" "$(xdp_id "$a" veth0)" ""
}

# Netlink mode survives kill -9 by design: the next run recognises the
# leftover as ours (by name here, as root; by its bpffs pin with fewer
# privileges: privilege.sh) and, since no xdpcount holds it, replaces it
# unattended. `xdpcount detach` removes a leftover too.
test_leftover_after_kill9_in_netlink_mode_is_replaced_then_detached() {
	local a b out old
	need_bin || return
	ns_new a left-a && ns_new b left-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/left.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	stop KILL
	old=$(xdp_id "$a" veth0)
	check "$CUR: the netlink program outlives kill -9" test -n "$old"
	out=$WORK/left2.out
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.2 veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: a second run exits 0" "$?" 0
	check_eq "$CUR: it removed the leftover" "$(field "$out" stale_removed veth0 program_id)" "$old"
	check_eq "$CUR: and left nothing" "$(xdp_id "$a" veth0)" ""
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	out=$WORK/left3.out
	start_attached "$a" "$out" veth0 -- --json --attach netlink || return
	stop KILL
	ip netns exec "$a" "$BIN" detach veth0 >/dev/null 2>&1
	check_eq "$CUR: detach exits 0" "$?" 0
	check_eq "$CUR: nothing is left after detach" "$(xdp_id "$a" veth0)" ""
}

# No IFACE and no IPv4 default route (a fresh netns has none): exit 2, asking
# for an interface.
test_no_default_route_asks_for_an_interface() {
	local a err
	need_bin || return
	ns_new a noroute || { fail "$CUR: setup"; return; }
	err=$WORK/noroute.err
	timeout 20 ip netns exec "$a" "$BIN" -c 1 >/dev/null 2>"$err"
	check_eq "$CUR: exit status" "$?" 2
	check_match "$CUR: it asks for an interface" "$(cat "$err")" "default route.*IFACE"
}

test_nonexistent_interface_gives_exit_2() {
	local a rc
	need_bin || return
	ns_new a noif || { fail "$CUR: setup"; return; }
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 nosuch0 \
		>"$WORK/noif.out" 2>"$WORK/noif.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 2
	check "$CUR: a message on stderr" test -s "$WORK/noif.err"
	check "$CUR: stdout stays JSON Lines" json_or_empty "$WORK/noif.out"
}

# bpf_obj SRC OBJ [CFLAGS...]: compiles tests/integration/SRC for BPF into
# $WORK/OBJ (once) and prints the object's path.
bpf_obj() {
	local src=$1 obj=$WORK/$2; shift 2
	[ -s "$obj" ] && { echo "$obj"; return; }
	if ! clang -target bpf -O2 "$@" -idirafter /usr/include \
		-idirafter "/usr/include/$(gcc -print-multiarch 2>/dev/null)" \
		-c "$TOP/tests/integration/$src" -o "$obj" 2>"$WORK/clang.err"; then
		show "$WORK/clang.err" >&2; return 1
	fi
	echo "$obj"
}

# foreign_obj: compiles foreign_xdp.c (once) and prints the object's path.
foreign_obj() {
	bpf_obj foreign_xdp.c foreign_xdp.o
}

# need_foreign_obj: skips where clang cannot build foreign_xdp.c.
need_foreign_obj() {
	foreign_obj >/dev/null || skip_because "clang cannot build tests/integration/foreign_xdp.c here"
}

# A program that is not ours, with an XDP mode asked for (-m generic): refuse,
# name it, change nothing. (Without -m, xdpcount counts at tc behind it:
# tests/integration/tc.sh.)
test_foreign_program_is_refused_and_kept() {
	local a b obj id rc out
	need_bin || return
	need_foreign_obj || return
	obj=$(foreign_obj)
	ns_new a foreign-a && ns_new b foreign-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth0 xdpgeneric obj "$obj" sec xdp ||
		{ fail "$CUR: attaching the foreign program"; return; }
	id=$(xdp_id "$a" veth0)
	out=$WORK/foreign.out
	timeout 20 ip netns exec "$a" "$BIN" --json -m generic -c 1 -i 0.2 veth0 \
		>"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 1
	check_match "$CUR: the message names program id $id" "$(cat "$out.err")" "\\b$id\\b"
	check_match "$CUR: the message says how to count anyway" "$(cat "$out.err")" \
		"without it, xdpcount counts at tc ingress"
	check_eq "$CUR: the foreign program is still attached" "$(xdp_id "$a" veth0)" "$id"
	check_eq "$CUR: nothing was counted" "$(events "$out" attached veth0)" ""
	check "$CUR: stdout stays JSON Lines" json_or_empty "$out"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	ip -n "$a" link set dev veth0 xdpgeneric off
}

# A refusal on one interface of two changes nothing on the other either (here
# in netlink mode, where a program left behind would stay).
test_refusal_on_one_of_two_interfaces_changes_nothing() {
	local a b obj id rc out
	need_bin || return
	need_foreign_obj || return
	obj=$(foreign_obj)
	ns_new a one-of-two-a && ns_new b one-of-two-b &&
		veth "$a" veth0 "$b" veth1 && veth "$a" veth2 "$b" veth3 ||
		{ fail "$CUR: setup"; return; }
	ip -n "$a" link set dev veth2 xdpgeneric obj "$obj" sec xdp ||
		{ fail "$CUR: attaching the foreign program"; return; }
	id=$(xdp_id "$a" veth2)
	out=$WORK/one-of-two.out
	timeout 20 ip netns exec "$a" "$BIN" --json -m native --attach netlink -c 1 -i 0.2 \
		veth0 veth2 >"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 1
	check_eq "$CUR: nothing attached to veth0" "$(xdp_id "$a" veth0)" ""
	check_eq "$CUR: the foreign program is still on veth2" "$(xdp_id "$a" veth2)" "$id"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
	ip -n "$a" link set dev veth2 xdpgeneric off
}

test_check_json_on_veth_is_ok_native_and_attaches_nothing() {
	local a b out rc
	need_bin || return
	ns_new a check-a && ns_new b check-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/check.out
	timeout 20 ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>"$out.err"
	rc=$?
	check_eq "$CUR: exit status" "$rc" 0
	check "$CUR: stdout is one JSON document" is_json "$out"
	check_eq "$CUR: verdict" "$(jq -r .verdict "$out" 2>/dev/null)" ok
	check_eq "$CUR: veth0 mode" \
		"$(jq -r '.interfaces[] | select(.name == "veth0") | .mode' "$out" 2>/dev/null)" native
	check_eq "$CUR: nothing attached to veth0" "$(xdp_id "$a" veth0)" ""
	check_eq "$CUR: nothing attached to veth1" "$(xdp_id "$b" veth1)" ""
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

test_check_on_ifb_says_generic_with_reason() {
	local a out
	need_bin || return
	ifb_setup a check-ifb || { fail "$CUR: setup (ifb)"; return; }
	out=$WORK/check-ifb.out
	timeout 20 ip netns exec "$a" "$BIN" check --json ifb0 >"$out" 2>"$out.err"
	check_eq "$CUR: ifb0 mode" \
		"$(jq -r '.interfaces[] | select(.name == "ifb0") | .mode' "$out" 2>/dev/null)" generic
	check "$CUR: ifb0 has a reason" test -n \
		"$(jq -r '.interfaces[] | select(.name == "ifb0") | .reason // empty' "$out" 2>/dev/null)"
	check_eq "$CUR: nothing attached to ifb0" "$(xdp_id "$a" ifb0)" ""
}

test_check_selftest_counts_exactly_in_both_modes() {
	local a out rc before after m
	need_bin || return
	ns_new a selftest || { fail "$CUR: setup"; return; }
	out=$WORK/selftest.out
	before=$(ip netns list | cut -d' ' -f1 | sort)
	timeout 60 ip netns exec "$a" "$BIN" check --selftest --json >"$out" 2>"$out.err"
	rc=$?
	# names that appeared meanwhile, except other test runs' own (xdpct<pid>-*),
	# which may be running on the same machine
	after=$(ip netns list | cut -d' ' -f1 | sort | comm -13 <(echo "$before") - |
		grep -Ev '^xdpct[0-9]+-' | tr '\n' ' ')
	check_eq "$CUR: exit status" "$rc" 0
	check_eq "$CUR: selftest.ran" "$(jq -r .selftest.ran "$out" 2>/dev/null)" true
	for m in native generic tc; do
		check_eq "$CUR: $m ok" "$(jq -r ".selftest.$m.ok" "$out" 2>/dev/null)" true
		check "$CUR: $m sent frames" \
			test "$(jq -r ".selftest.$m.sent // 0" "$out" 2>/dev/null)" -gt 0
		check_eq "$CUR: $m counted == sent" \
			"$(jq -r ".selftest.$m.counted" "$out" 2>/dev/null)" \
			"$(jq -r ".selftest.$m.sent" "$out" 2>/dev/null)"
		check_eq "$CUR: $m bytes_counted == bytes_sent" \
			"$(jq -r ".selftest.$m.bytes_counted" "$out" 2>/dev/null)" \
			"$(jq -r ".selftest.$m.bytes_sent" "$out" 2>/dev/null)"
	done
	check_match "$CUR: tc through tcx (6.6+) or clsact" \
		"$(jq -r .selftest.tc_attach "$out" 2>/dev/null)" '^(tcx|clsact)$'
	check_eq "$CUR: no named netns left behind" "$after" ""
	check_eq "$CUR: no interface added to the calling netns" \
		"$(ip -n "$a" -br link | grep -vc '^lo ')" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

# Without CAP_SYS_ADMIN there is no namespace to be had: the selftest says it
# did not run, and why, promptly; it neither hangs nor touches the host.
test_check_selftest_without_netns_privilege_did_not_run() {
	local a out start
	need_bin || return
	ns_new a selftest-noadmin || { fail "$CUR: setup"; return; }
	out=$WORK/selftest-noadmin.out
	start=$SECONDS
	timeout 60 ip netns exec "$a" setpriv --bounding-set=-sys_admin \
		--inh-caps=-sys_admin "$BIN" check --selftest --json >"$out" 2>"$out.err"
	check "$CUR: stdout is one JSON document" is_json "$out"
	check_eq "$CUR: selftest.ran" "$(jq -r .selftest.ran "$out" 2>/dev/null)" false
	check_match "$CUR: the reason says why" \
		"$(jq -r .selftest.reason "$out" 2>/dev/null)" "namespace|CAP_SYS_ADMIN|permitted"
	check "$CUR: it answered within 10 s" test $((SECONDS - start)) -le 10
	[ "$FAILED" -eq "$T_FAILED0" ] || { show "$out"; show "$out.err"; }
}

test_two_interfaces_count_separately() {
	local a b out rc
	need_bin && need_sendframes || return
	ns_new a two-a && ns_new b two-b &&
		veth "$a" veth0 "$b" veth1 && veth "$a" veth2 "$b" veth3 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/two.out
	start_attached "$a" "$out" veth0 veth2 -- --json -i 0.2 || return
	check_eq "$CUR: sent $N on veth1" "$(send "$b" veth1 $N 64)" $N
	check_eq "$CUR: sent 3000 on veth3" "$(send "$b" veth3 3000 300)" 3000
	wait_packets "$out" veth0 $N
	wait_packets "$out" veth2 3000
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	check_eq "$CUR: veth0 packets" "$(field "$out" detached veth0 packets)" $N
	check_eq "$CUR: veth0 bytes" "$(field "$out" detached veth0 bytes)" $((N * 64))
	check_eq "$CUR: veth2 packets" "$(field "$out" detached veth2 packets)" 3000
	check_eq "$CUR: veth2 bytes" "$(field "$out" detached veth2 bytes)" $((3000 * 300))
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}

# check_env_run NAME WRAPPER...: `xdpcount check --json veth0` in a namespace of
# its own, under WRAPPER (seccomp, setpriv); stdout in $WORK/NAME.out, exit
# status in RC, the reasons joined in REASONS.
check_env_run() {
	local name=$1 a b; shift
	ns_new a "$name-a" && ns_new b "$name-b" && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return 1; }
	timeout 20 ip netns exec "$a" "$@" "$BIN" check --json veth0 \
		>"$WORK/$name.out" 2>"$WORK/$name.err"
	RC=$?
	REASONS=$(jq -r '(.reasons // []) | join("; ")' "$WORK/$name.out" 2>/dev/null)
	check "$CUR: stdout is one JSON document" is_json "$WORK/$name.out"
	check_eq "$CUR: nothing attached to veth0" "$(xdp_id "$a" veth0)" ""
}

need_deny() {
	[ -x "$TOOLS/deny" ] && return 0
	fail "$CUR: $TOOLS/deny is missing (run make tools)"
	return 1
}

test_check_with_bpf_enosys_is_incompatible() {
	need_bin && need_deny || return
	check_env_run enosys "$TOOLS/deny" bpf ENOSYS || return
	check_eq "$CUR: exit status" "$RC" 1
	check_eq "$CUR: verdict" "$(jq -r .verdict "$WORK/enosys.out" 2>/dev/null)" incompatible
	check_eq "$CUR: features.bpf_syscall" \
		"$(jq -r .features.bpf_syscall "$WORK/enosys.out" 2>/dev/null)" false
	check_match "$CUR: the reason names the cause" "$REASONS" \
		"ENOSYS|not implemented|no bpf|without bpf|not available"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$WORK/enosys.out"
}

test_check_with_bpf_eperm_is_incompatible() {
	need_bin && need_deny || return
	check_env_run eperm "$TOOLS/deny" bpf EPERM || return
	check_eq "$CUR: exit status" "$RC" 1
	check_eq "$CUR: verdict" "$(jq -r .verdict "$WORK/eperm.out" 2>/dev/null)" incompatible
	check_match "$CUR: the reason names the cause" "$REASONS" \
		"EPERM|not permitted|denied|not allowed|seccomp|privilege"
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$WORK/eperm.out"
}

test_check_unprivileged_is_incompatible_for_privilege() {
	need_bin || return
	need_cmd setpriv || return
	check_env_run unpriv setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all || return
	check_eq "$CUR: exit status" "$RC" 1
	check_eq "$CUR: verdict" "$(jq -r .verdict "$WORK/unpriv.out" 2>/dev/null)" incompatible
	check_match "$CUR: the reason is about privilege" "$REASONS" \
		"CAP_BPF|CAP_SYS_ADMIN|CAP_NET_ADMIN|root|privilege"
	check "$CUR: the reason does not blame memlock" lacks "$REASONS" memlock
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$WORK/unpriv.out"
}

# The counter itself, unprivileged: exit 1, one line naming the capabilities.
test_run_unprivileged_names_capabilities_not_memlock() {
	local a b err lines
	need_bin || return
	need_cmd setpriv || return
	ns_new a unrun-a && ns_new b unrun-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	err=$WORK/unrun.err
	timeout 20 ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$BIN" -q -c 1 veth0 >/dev/null 2>"$err"
	check_eq "$CUR: exit status" "$?" 1
	lines=$(grep -c . "$err")
	check_eq "$CUR: one line on stderr" "$lines" 1
	check_match "$CUR: it names CAP_BPF and CAP_NET_ADMIN" "$(cat "$err")" "CAP_BPF.*CAP_NET_ADMIN"
	check "$CUR: it does not blame memlock" lacks "$(cat "$err")" memlock
	check_eq "$CUR: nothing attached" "$(xdp_id "$a" veth0)" ""
}

test_check_btf_missing_garbage_truncated_exit_2() {
	local a f rc
	need_bin || return
	ns_new a btf || { fail "$CUR: setup"; return; }
	head -c 4096 /dev/urandom >"$WORK/garbage.btf"
	if [ -r /sys/kernel/btf/vmlinux ]; then
		head -c 100000 /sys/kernel/btf/vmlinux >"$WORK/truncated.btf"
	else
		printf '\x9f\xeb\x01\x00\x18\x00\x00\x00' >"$WORK/truncated.btf"
	fi
	mkdir -p "$WORK/dir.btf"
	for f in "$WORK/missing.btf" "$WORK/garbage.btf" "$WORK/truncated.btf" \
		 "$WORK/dir.btf"; do
		timeout 20 ip netns exec "$a" "$BIN" check --json --btf "$f" \
			>"$WORK/btf.out" 2>"$WORK/btf.err"
		rc=$?
		check_eq "$CUR: --btf $(basename "$f") exit status" "$rc" 2
		check "$CUR: --btf $(basename "$f") says why on stderr" test -s "$WORK/btf.err"
	done
}

# ===================================================================== main
main() {
	local start=$SECONDS left
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: the integration tests need root (netns, veth, XDP)"
		echo "0 passed, 0 failed"
		exit $SKIP
	fi
	setup_tools
	if ! left=$(ip netns add "$PREFIX-probe" 2>&1); then
		echo "SKIP: cannot create a network namespace here ($left)"
		echo "0 passed, 0 failed"
		exit $SKIP
	fi
	ip netns del "$PREFIX-probe"
	echo "binary: $BIN$([ -x "$BIN" ] || echo ' (MISSING)')"
	echo "tools:  $TOOLS"
	run_tests "$TOP/tests/integration/run.sh" "${FILES[@]}"
	echo "== leak check"
	check_eq "no namespace of this run is left" "$(ns_left | tr '\n' ' ')" ""
	echo "($((SECONDS - start)) s, $SKIPPED skipped)"
	closing_line
}

main
