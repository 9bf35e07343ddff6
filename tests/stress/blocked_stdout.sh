# shellcheck shell=bash
# Sourced by tests/stress/run.sh (its namespaces $A and $B, veth0 <-> veth1,
# ok/fail/check_eq, XPID): issue 17 item 3's proof. For BLOCKED_SECONDS (60)
# stdout is a FIFO whose reader never reads, at -i 0.01 with --metrics and
# --textfile; traffic flows all along. Every scrape must answer (200 within
# 1 s), the textfile must stay fresh (at most 1 s old at every look), and
# both must count exactly; SIGTERM then ends the run within the stop
# deadline, and the textfile left says the real totals and xdpcount_up 0.
BLOCKED_SECONDS=${BLOCKED_SECONDS:-60}

# first_value REGEX: the value of the first sample whose series matches.
first_value() { awk -v re="$1" '$1 ~ re { printf "%.0f", $2; exit }'; }

blocked_stdout() {
	local fifo=$WORK/blocked.fifo err=$WORK/blocked.err prom=$WORK/blocked.prom rdr
	local url=http://127.0.0.1:9435/metrics series='^xdpcount_receive_packets_total[{]device="veth0"'
	local scrapes=0 bad=0 stale=0 worst_ms=0 oldest_ms=0 sent=0 t0 ms age n got i rc end t_stop
	command -v curl >/dev/null ||
		ME=stress bash -c '. "$1/ci/lib.sh" && apt_install curl' _ "$TOP" >/dev/null 2>&1
	command -v curl >/dev/null || { fail "blocked stdout: curl is missing"; return; }
	ip -n "$A" link set lo up
	mkfifo "$fifo"
	# shellcheck disable=SC2217 # the point: a reader that holds the FIFO and never reads
	sleep $((BLOCKED_SECONDS + 60)) <"$fifo" & # holds the FIFO open, and never reads
	rdr=$!
	ip netns exec "$A" "$BIN" --json -i 0.01 --metrics 9435 --textfile "$prom" veth0 \
		>"$fifo" 2>"$err" &
	XPID=$!
	for ((i = 0; i < 200; i++)); do
		[ "$(ip netns exec "$A" curl -s -o /dev/null -m 1 -w '%{http_code}' "$url")" == 200 ] && break
		sleep 0.05
	done
	end=$((SECONDS + BLOCKED_SECONDS))
	while [ $SECONDS -lt $end ]; do
		n=$(ip netns exec "$B" "$SENDFRAMES" veth1 2000 64 2>/dev/null)
		sent=$((sent + ${n:-0}))
		t0=$(date +%s%3N)
		got=$(ip netns exec "$A" curl -s -m 1 -w '\n%{http_code}\n' "$url")
		ms=$(($(date +%s%3N) - t0))
		scrapes=$((scrapes + 1))
		[ "$(tail -n 1 <<<"$got")" == 200 ] || bad=$((bad + 1))
		[ $ms -gt $worst_ms ] && worst_ms=$ms
		age=$(($(date +%s%3N) - $(stat -c %.3Y "$prom" | tr -d .)))
		[ $age -gt $oldest_ms ] && oldest_ms=$age
		[ $age -le 1000 ] || stale=$((stale + 1))
		sleep 0.3
	done
	sleep 0.2 # a last interval or two: the totals catch up
	got=$(ip netns exec "$A" curl -s -m 1 "$url" | first_value "$series")
	echo "  $BLOCKED_SECONDS s with stdout blocked: $scrapes scrapes, $bad not 200 within 1 s," \
		"slowest $worst_ms ms; textfile at most $oldest_ms ms old; $sent frames sent"
	check_eq "blocked stdout: stderr says so" \
		"$(grep -c 'stdout takes nothing' "$err")" 1
	check_eq "blocked stdout: every scrape answered 200 within 1 s" "$bad" 0
	check_eq "blocked stdout: the textfile was never older than 1 s" "$stale" 0
	check_eq "blocked stdout: the scrape counts exactly" "$got" "$sent"
	check_eq "blocked stdout: the textfile counts exactly" "$(first_value "$series" <"$prom")" "$sent"
	t_stop=$(date +%s%3N)
	kill -TERM "$XPID"; wait "$XPID"; rc=$?; XPID=
	echo "  SIGTERM to exit: $(($(date +%s%3N) - t_stop)) ms; stderr:"; sed 's/^/    /' "$err"
	check_eq "blocked stdout: exit 1 (the final lines were lost, and it says so)" "$rc" 1
	check_eq "blocked stdout: the textfile at exit has the real total" \
		"$(first_value "$series" <"$prom")" "$sent"
	check_eq "blocked stdout: and says xdpcount_up 0" "$(grep -cE '^xdpcount_up([{][^}]*[}])? 0$' "$prom")" 1
	kill "$rdr" 2>/dev/null; wait "$rdr" 2>/dev/null
	rm -f "$fifo"
}
