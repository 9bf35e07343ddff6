# shellcheck shell=bash disable=SC2015,SC2016
# Issue 24 item 5: what a person sees in an 80-column terminal. The commands
# run in a real terminal (tmux, 80 columns), and the screen is read back with
# capture-pane: no line is wider than 80 columns and none wrapped (capture-pane
# -J joins wrapped lines: with none, it changes nothing). Sourced by run.sh.

# screen_of OUT CMD: runs CMD (a shell command line) in a detached tmux
# session of 80x200 and writes its screen to OUT (OUT.joined: wrapped lines
# joined) once it has finished.
screen_of() {
	local out=$1 cmd=$2 sock=$WORK/tmux.sock i
	tmux -S "$sock" -f /dev/null new-session -d -x 80 -y 200 -s xc \
		"$cmd; echo __done__; sleep 60" || return 1
	for ((i = 0; i < 600; i++)); do
		tmux -S "$sock" capture-pane -p -t xc 2>/dev/null | grep -q '^__done__$' && break
		sleep 0.05
	done
	tmux -S "$sock" display-message -p -t xc '#{pane_width}' >"$out.width"
	tmux -S "$sock" capture-pane -p -t xc -S - | sed '/^__done__$/,$d' >"$out"
	tmux -S "$sock" capture-pane -p -J -t xc -S - | sed '/^__done__$/,$d' >"$out.joined"
	tmux -S "$sock" kill-server 2>/dev/null
}

# fits_80 DESC OUT: the screen OUT has lines, none wider than 80 columns,
# and none wrapped.
fits_80() {
	local desc=$1 out=$2
	check_eq "$CUR: $desc: the pane is 80 columns" "$(cat "$out.width")" 80
	check "$CUR: $desc: something on the screen" test -s "$out"
	check_eq "$CUR: $desc: no line wrapped" "$(diff "$out" "$out.joined" | head -n 4)" ""
	check_eq "$CUR: $desc: no line wider than 80" \
		"$(awk 'length > 80' "$out.joined" | head -n 2)" ""
}

test_human_output_fits_an_80_column_terminal() {
	local a b out bin
	need_bin && need_cmd tmux || return
	ns_new a term-a && ns_new b term-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/term
	bin=$(printf %q "$BIN")
	# a run with the time and both directions: stdout and stderr on the terminal
	screen_of "$out.run" "ip netns exec $a $bin -t -c 3 -i 0.2 --direction both veth0"
	fits_80 "run -t --direction both" "$out.run"
	check_match "$CUR: run: the header" "$(cat "$out.run")" \
		'time     interface                packets       bytes  packet rate      bit rate'
	check_match "$CUR: run: a count line with the time" "$(cat "$out.run")" \
		'[0-9]{2}:[0-9]{2}:[0-9]{2} veth0           tx +[0-9]+ '
	check_match "$CUR: run: the plan line" "$(cat "$out.run")" '^plan veth0: native'
	check_eq "$CUR: run: three reports of two directions" \
		"$(grep -cE '^[0-9:]{8} veth0 +(rx|tx) ' "$out.run")" 6
	# the plan's reasons (-v), a generic plan's without it
	screen_of "$out.gen" "ip netns exec $a $bin -m generic -c 1 -i 0.2 veth0"
	fits_80 "run -m generic" "$out.gen"
	check_match "$CUR: generic: the reason under the plan" "$(cat "$out.gen")" \
		$'plan veth0: generic via link, linear program\n  '
	screen_of "$out.check" "ip netns exec $a $bin check veth0"
	fits_80 "check" "$out.check"
	check_match "$CUR: check: the verdict" "$(cat "$out.check")" 'verdict: (ok|degraded)'
	for c in run check objects detach status; do
		screen_of "$out.help" "$bin $c --help"
		fits_80 "$c --help" "$out.help"
	done
	start_attached "$a" "$out.bg" veth0 -- --json -i 1 || return
	screen_of "$out.status" "ip netns exec $a $bin status"
	fits_80 "status with an owner" "$out.status"
	check_match "$CUR: status: the owner, wrapped under the mode" "$(cat "$out.status")" \
		"xdpcount, pid $XPID"
	stop TERM
}

# In a human run, stdout holds the header, the counts and the totals;
# everything else is on stderr.
test_human_counts_on_stdout_the_rest_on_stderr() {
	local a b out
	need_bin || return
	ns_new a split-a && ns_new b split-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/split
	timeout 20 ip netns exec "$a" "$BIN" -c 2 -i 0.2 veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit 0" "$?" 0
	check_eq "$CUR: stdout: header, two counts, totals" \
		"$(sed -E 's/^(interface|veth0|detached from veth0:).*/\1/' "$out" | tr '\n' ' ')" \
		"interface veth0 veth0 detached from veth0: "
	check_match "$CUR: stderr: the plan and attach lines" "$(cat "$out.err")" \
		$'^plan veth0: .*\nattached to veth0 \\(ifindex [0-9]+\\): native mode via link$'
}
