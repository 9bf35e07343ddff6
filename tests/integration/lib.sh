# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# (A && B || fail is meant; the sh -c scripts expand inside; N is a number.)
# Helpers for tests/integration/run.sh (sourced; not run on its own):
# assertions, network namespaces, and running xdpcount in them. Expects BIN,
# SENDFRAMES, PREFIX, WORK and N from run.sh.

# ---------------------------------------------------------------- reporting
# ok, fail, check, check_eq, check_match, lacks: the project's assertion
# helpers, from tests/lib.sh (log, die, apt_install from ci/lib.sh).
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../ci/lib.sh"
# shellcheck source=tests/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Shows a captured file when a test needs explaining.
show() {
	[ -s "$1" ] || return 0
	sed -e "s/^/      $(basename "$1"): /" "$1" | head -n 20
}

# -------------------------------------------------------------- skips
# A test that needs what this machine lacks (a command, user namespaces, ...)
# probes for it first and, without it, returns through skip_because: the
# reason is kept, run_test prints it and counts the skip, and closing_line
# names every skipped test with its reason before "N passed, N failed, N
# skipped". (The runner sets SKIP=77, the integration tests' skip code.)
SKIPS=()

# skip_because WHY...: returns SKIP, keeping WHY for run_test.
skip_because() {
	SKIP_WHY=$*
	return "${SKIP:?the runner sets SKIP}"
}

# need_cmd CMD...: skips unless every CMD is on PATH.
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null && continue
		skip_because "no $c on this machine"
		return
	done
}

# need_userns: skips where this process may not create a user namespace
# (in a chroot, the kernel refuses CLONE_NEWUSER; a container's seccomp
# profile or user.max_user_namespaces=0 refuse it too), with unshare's words.
need_userns() {
	local err
	need_cmd unshare || return
	err=$(unshare -U -r true 2>&1) && return 0
	skip_because "cannot create a user namespace here (${err:-unshare -U -r failed})"
}

# run_test NAME: runs one test function, counts a skip with its reason,
# fails a test that neither skipped nor asserted anything, and cleans up
# after it.
run_test() {
	local rc asserted0=$((PASSED + FAILED))
	CUR=$1
	T_FAILED0=$FAILED
	SKIP_WHY=
	echo "== $CUR"
	"$CUR"
	rc=$?
	if [ "$rc" -eq "$SKIP" ]; then
		SKIPPED=$((SKIPPED + 1))
		SKIPS+=("$CUR: ${SKIP_WHY:-no reason given}")
		echo "  skip  $CUR: ${SKIP_WHY:-no reason given}"
	elif [ $((PASSED + FAILED)) -eq "$asserted0" ]; then
		fail "$CUR: ended (status $rc) without a single assertion"
	fi
	cleanup_test
}

# A test is a function whose name begins with test_, defined at the start of
# a line in one of the runner's test files; nothing else registers it.

# defined_tests FILE...: "NAME FILE:LINE" for every test_* function the files
# define, in the order written (a name defined twice appears twice).
defined_tests() {
	awk 'match($0, /^[ \t]*(function[ \t]+)?test_[A-Za-z0-9_]+[ \t]*\(\)/) {
		s = substr($0, RSTART, RLENGTH)
		sub(/^[ \t]*(function[ \t]+)?/, "", s); sub(/[ \t]*\(\)$/, "", s)
		print s, FILENAME ":" FNR
	}' "$@"
}

# run_tests FILE...: runs the test_* functions that bash knows (declare -F),
# in the order the FILEs define them, or only those named in TESTS. Fails a
# name in TESTS that is not a test, and (without TESTS) every test the FILEs
# define that did not run: one defined twice, where only the last counts, or
# one whose definition was never executed.
run_tests() {
	local defs t where ran=" "
	defs=$(defined_tests "$@")
	for t in $(awk '{ print $1 }' <<<"$defs" | sort | uniq -d); do
		fail "$t is defined more than once ($(awk -v t="$t" '$1 == t { print $2 }' <<<"$defs" | paste -sd' ')): only the last runs"
	done
	if [ -n "${TESTS:-}" ]; then
		for t in $TESTS; do
			if [[ $t == test_* ]] && declare -F "$t" >/dev/null; then
				run_test "$t"
			else
				fail "TESTS names $t, which is not a test of $(basename "$0")"
			fi
		done
		return
	fi
	for t in $(declare -F | awk '$3 ~ /^test_/ { print $3 }' |
		awk 'NR == FNR { if (!($1 in at)) at[$1] = NR; next } { print (($1 in at) ? at[$1] : 0), $1 }' \
			<(printf '%s\n' "$defs") - | sort -n -s | awk '{ print $2 }'); do
		run_test "$t"
		ran+="$t "
	done
	while read -r t where; do
		[ -n "$t" ] && [[ $ran != *" $t "* ]] && fail "$t ($where) is defined but was not run"
	done <<<"$defs"
}

# closing_line: one "skipped: TEST: WHY" line per skipped test, then
# "N passed, N failed[, N skipped]"; returns 1 if anything failed.
closing_line() {
	local s
	for s in "${SKIPS[@]}"; do echo "skipped: $s"; done
	results_line
}

# -------------------------------------------------------------- environment
need_bin() {
	if [ ! -x "$BIN" ]; then
		fail "$CUR: xdpcount binary $BIN is missing (run make)"
		return 1
	fi
}

need_sendframes() {
	if [ ! -x "$SENDFRAMES" ]; then
		fail "$CUR: $SENDFRAMES is missing (run make tools)"
		return 1
	fi
}

setup_tools() {
	local p missing=()
	# tmux: the 80-column terminal of tests/integration/terminal.sh (which
	# skips without it)
	for p in ip jq clang tmux; do
		command -v "$p" >/dev/null || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing ${missing[*]} (apt-get)"
	# package names match the command names, except iproute2
	apt-get install -y -qq "${missing[@]/#ip/iproute2}" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  apt-get install -y -qq "${missing[@]/#ip/iproute2}" >/dev/null 2>&1; }
	for p in ip jq; do
		command -v "$p" >/dev/null || { echo "$p is required"; exit 1; }
	done
}

# ----------------------------------------------------------------- netns
# ns_new VAR SUFFIX: creates the namespace $PREFIX-SUFFIX, quiet (no IPv6 on
# anything created in it afterwards), with lo up, and stores its name in VAR.
# A name already taken (a killed run with this pid left it) is not ours to
# delete: $PREFIX-SUFFIX.N, the first N that is free, instead.
# (Not run in $(...): the namespace must be recorded in this shell's NSS.)
ns_new() {
	local _ns="$PREFIX-$2" _n=0
	while [ -e "/run/netns/$_ns" ]; do
		_n=$((_n + 1))
		_ns="$PREFIX-$2.$_n"
	done
	ip netns add "$_ns" || return 1
	NSS+=("$_ns") RUN_NSS+=("$_ns")
	ip netns exec "$_ns" sh -c '
		for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 \
		         /proc/sys/net/ipv6/conf/default/disable_ipv6; do
			[ -w "$f" ] && echo 1 > "$f"
		done; true'
	ip -n "$_ns" link set lo up
	printf -v "$1" '%s' "$_ns"
}

# quiet NS IFACE: no IPv6, no ARP, up.
quiet() {
	ip netns exec "$1" sh -c "f=/proc/sys/net/ipv6/conf/$2/disable_ipv6;"'
		[ -w "$f" ] && echo 1 > "$f"; true'
	ip -n "$1" link set dev "$2" arp off up
}

# veth NSA IFA NSB IFB: a veth pair with IFA in NSA and IFB in NSB, quiet, up.
veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	quiet "$1" "$2" && quiet "$3" "$4"
}

# xdp_id NS IFACE: the id of the XDP program on IFACE (any mode), or "".
xdp_id() {
	ip -n "$1" -j -d link show dev "$2" 2>/dev/null |
		jq -r '.[0].xdp.prog.id // (.[0].xdp.attached[0].prog.id) // empty'
}

# wait_no_xdp NS IFACE [SECONDS]: true once IFACE carries no XDP program.
wait_no_xdp() {
	local i
	for ((i = 0; i < ${3:-3} * 20; i++)); do
		[ -z "$(xdp_id "$1" "$2")" ] && return 0
		sleep 0.05
	done
	return 1
}

# Deletes the running test's namespaces, after checking that none of their
# interfaces was left with an XDP program (the leak check per test).
cleanup_test() {
	local ns left pid m
	for pid in "${BGPIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		{ wait "$pid"; } 2>/dev/null
	done
	BGPIDS=()
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	MOUNTS=()
	unset XDPCOUNT_BPFFS
	for ns in "${NSS[@]}"; do
		left=$(ip -n "$ns" -j -d link show 2>/dev/null |
		       jq -r '.[] | select(.xdp != null) | .ifname' | tr '\n' ' ')
		check_eq "$CUR: no XDP program left in $ns" "$left" ""
		ip netns del "$ns" 2>/dev/null
	done
	NSS=()
}

teardown() {
	local ns pid m
	for pid in "${BGPIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null
	done
	for ns in $(ns_left); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}

# ns_left: the namespaces this run made that are still there.
RUN_NSS=()
ns_left() {
	local ns
	for ns in "${RUN_NSS[@]}"; do
		[ -e "/run/netns/$ns" ] && echo "$ns"
	done
}
# -------------------------------------------------------------- xdpcount
# start NS OUT ARGS...: runs xdpcount in NS in the background, stdout to
# $OUT, stderr to $OUT.err; the pid is in XPID ("ip netns exec" execs, so it
# is xdpcount's own pid).
start() {
	local ns=$1 out=$2; shift 2
	ip netns exec "$ns" "$BIN" "$@" >"$out" 2>"$out.err" &
	XPID=$!
	BGPIDS+=("$XPID")
}

# events FILE EVENT [IFACE]: the JSON lines of one event (for one iface).
events() {
	jq -c --arg e "$2" --arg i "${3:-}" \
		'select(.event == $e and ($i == "" or .iface == $i))' "$1" 2>/dev/null
}

# wait_event FILE EVENT [IFACE [SECONDS]]: true once the event is in FILE;
# false if xdpcount ($XPID) exits first or time runs out.
wait_event() {
	local i
	for ((i = 0; i < ${4:-10} * 20; i++)); do
		[ -n "$(events "$1" "$2" "${3:-}")" ] && return 0
		kill -0 "$XPID" 2>/dev/null || {
			[ -n "$(events "$1" "$2" "${3:-}")" ]; return; }
		sleep 0.05
	done
	return 1
}

# start_attached NS OUT IFACE... -- ARGS...: starts xdpcount with ARGS and
# the interfaces, and waits for each one's attached event. On failure it says
# so, shows what xdpcount printed, kills it and returns 1.
start_attached() {
	local ns=$1 out=$2 ifaces=() i; shift 2
	while [ "$1" != "--" ]; do ifaces+=("$1"); shift; done
	shift
	start "$ns" "$out" "$@" "${ifaces[@]}"
	for i in "${ifaces[@]}"; do
		wait_event "$out" attached "$i" && continue
		fail "$CUR: no attached event for $i"; show "$out"; show "$out.err"
		stop KILL
		return 1
	done
}

# wait_packets FILE IFACE WANT [FIELD]: waits (5 s at most) for a stats event
# showing WANT packets (or WANT in FIELD: tx_packets), so the stop below does
# not race the counters.
wait_packets() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(events "$1" stats "$2" | tail -n 1 | jq -r ".${4:-packets}")" == "$3" ] &&
			return 0
		sleep 0.05
	done
	return 1
}

# stop SIG: signals xdpcount and waits for it (10 s, then SIGKILL); leaves
# its exit status in XRC. (Not run in $(...): only this shell can reap it.)
stop() {
	local i
	{	# stderr off: no "Killed" notice from bash's job reaping
		kill "-$1" "$XPID"
		for ((i = 0; i < 200; i++)); do
			kill -0 "$XPID" || break
			sleep 0.05
		done
		kill -0 "$XPID" && kill -KILL "$XPID"
		wait "$XPID"
		XRC=$?
	} 2>/dev/null
}

# field FILE EVENT IFACE KEY: KEY of the last such event.
field() {
	events "$1" "$2" "$3" | tail -n 1 | jq -r ".$4"
}

# is_json FILE: FILE holds one JSON document.
is_json() {
	jq -e . "$1" >/dev/null 2>&1
}

# all_json FILE: every line of FILE is a JSON object.
all_json() {
	[ -s "$1" ] && jq -e -s 'all(type == "object")' "$1" >/dev/null 2>&1
}

# json_or_empty FILE: FILE is empty or JSON Lines (errors stay on stderr).
json_or_empty() {
	[ ! -s "$1" ] || all_json "$1"
}

# send NS IFACE COUNT LEN: sendframes, which prints the number sent.
send() {
	ip netns exec "$1" "$SENDFRAMES" "$2" "$3" "$4" 2>&1
}

# count_run NAME ARGS...: the shared body of the exact-count tests: veth0 (in
# ns a) <-> veth1 (in ns b), xdpcount ARGS on veth0, N frames of LEN from
# veth1, SIGINT; checks the attached event, the exit status and the totals.
# Sets MODE (the mode the attached event reports) and VARIANT (the program
# the plan event names). MTU=N in the environment sets both ends' MTU first.
count_run() {
	local name=$1 len=$2 a b out; shift 2
	need_bin && need_sendframes || return
	ns_new a "$name-a" && ns_new b "$name-b" &&
		veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	if [ -n "${MTU:-}" ]; then
		ip -n "$a" link set veth0 mtu "$MTU" && ip -n "$b" link set veth1 mtu "$MTU" ||
			{ fail "$CUR: setup MTU $MTU"; return; }
	fi
	out=$WORK/$name.out
	start_attached "$a" "$out" veth0 -- --json -i 0.2 "$@" || return
	ok "$CUR: attached event"
	# shellcheck disable=SC2034 # read by the callers in run.sh
	MODE=$(field "$out" attached veth0 mode)
	# shellcheck disable=SC2034 # read by the callers
	VARIANT=$(field "$out" plan veth0 variant)
	check_eq "$CUR: sendframes sent $N" "$(send "$b" veth1 $N "$len")" "$N"
	wait_packets "$out" veth0 $N
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: detached packets" "$(field "$out" detached veth0 packets)" $N
	check_eq "$CUR: detached bytes" "$(field "$out" detached veth0 bytes)" \
		$((N * len))
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}
