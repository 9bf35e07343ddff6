# shellcheck shell=bash disable=SC2015 # A && B || fail: meant for a failure of either
# Sourced by run.sh: exact counts for every program variant the plan can
# pick (linear and frags, by MTU; native and generic), and a full run of 64
# interfaces (one program instance and counter slot each).

# MTU 1500 fits one page: the linear program (data_end - data), native.
test_native_linear_mtu_uses_linear_program_and_counts_exactly() {
	count_run linear 1514 -m native || return
	check_eq "$CUR: attached mode" "$MODE" native
	check_eq "$CUR: planned program" "$VARIANT" linear
}

# MTU 9000 in native mode needs the multi-buffer program: 8000-byte frames
# arrive in fragments, and bpf_xdp_get_buff_len counts them whole.
test_native_jumbo_mtu_uses_frags_program_and_counts_exactly() {
	MTU=9000 count_run jumbo 8000 -m native || return
	check_eq "$CUR: attached mode" "$MODE" native
	check_eq "$CUR: planned program" "$VARIANT" frags
}

# Generic XDP linearizes every frame: the linear program counts jumbo
# frames exactly.
test_generic_jumbo_mtu_uses_linear_program_and_counts_exactly() {
	MTU=9000 count_run genjumbo 8000 -m generic || return
	check_eq "$CUR: attached mode" "$MODE" generic
	check_eq "$CUR: planned program" "$VARIANT" linear
}

# 64 interfaces, the most one run takes: each counts only its own frames
# (interface i gets i + 1 frames of 60 + i bytes).
test_64_interfaces_count_exactly_each() {
	local a b out i ifs=() bad=0 n
	need_bin && need_sendframes || return
	ns_new a many-a && ns_new b many-b || { fail "$CUR: setup"; return; }
	for ((i = 0; i < 64; i++)); do
		veth "$a" "m$i" "$b" "p$i" || { fail "$CUR: setup m$i"; return; }
		ifs+=("m$i")
	done
	out=$WORK/many.out
	start_attached "$a" "$out" "${ifs[@]}" -- --json -i 0.2 || return
	ok "$CUR: 64 attached events"
	for ((i = 0; i < 64; i++)); do
		n=$(send "$b" "p$i" $((i + 1)) $((60 + i)))
		[ "$n" == $((i + 1)) ] || bad=$((bad + 1))
	done
	check_eq "$CUR: every sendframes sent its frames" "$bad" 0
	wait_packets "$out" m63 64
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	bad=0
	for ((i = 0; i < 64; i++)); do
		[ "$(field "$out" detached "m$i" packets)/$(field "$out" detached "m$i" bytes)" == \
			"$((i + 1))/$(((i + 1) * (60 + i)))" ] || bad=$((bad + 1))
	done
	check_eq "$CUR: interfaces with wrong totals" "$bad" 0
	[ "$FAILED" -eq "$T_FAILED0" ] || show "$out.err"
}
