#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target for FUZZ_SECONDS (default 100) on a
# copy of its seed corpus (tests/fuzz/corpus/NAME, where a regression input
# for every finding is kept), and reports exec counts and crashes.
#   tests/fuzz/run.sh build/fuzz/fuzz_opts ...
#   FUZZ_SECONDS=600 FUZZ_JOBS=2 make fuzz
# A crash leaves its input in build/fuzz/crashes/NAME/: copy it into the
# corpus as regress-* once fixed. Ends with "N passed, N failed" (a target
# passes when it ran its time without a crash).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
SECS=${FUZZ_SECONDS:-100}
JOBS=${FUZZ_JOBS:-1}
top=$PWD
work=build/fuzz/work
mkdir -p "$work" build/fuzz/crashes
printf '%-14s %8s %12s %10s %s\n' target seconds execs exec/s result
total_execs=0
for bin in "$@"; do
	case $bin in /*) ;; *) bin=$top/$bin ;; esac
	name=$(basename "$bin"); name=${name#fuzz_}
	seeds=tests/fuzz/corpus/$name
	corpus=$work/corpus-$name
	crashes=build/fuzz/crashes/$name
	mkdir -p "$corpus" "$crashes"
	cp -n "$seeds"/* "$corpus"/ 2>/dev/null
	log=$work/$name.log
	# the corpus grows in build/fuzz/work; the seeds in the repo stay as they are
	par=()
	[ "$JOBS" -gt 1 ] && par=(-jobs="$JOBS" -workers="$JOBS") # output then in fuzz-N.log
	# run in the work directory: -jobs writes its fuzz-N.log files there
	( cd "$work" && "$bin" -max_total_time="$SECS" "${par[@]}" -print_final_stats=1 \
		-artifact_prefix="$top/$crashes/" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		"$top/$corpus" ) >"$log" 2>&1
	rc=$?
	execs=$(cat "$log" "$work"/fuzz-*.log 2>/dev/null |
		sed -n 's/^stat::number_of_executed_units: *//p' | awk '{ s += $1 } END { print s + 0 }')
	rm -f "$work"/fuzz-*.log
	found=$(find "$crashes" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]; then
		TOTAL_PASSED=$((TOTAL_PASSED + 1)); result=ok
	else
		TOTAL_FAILED=$((TOTAL_FAILED + 1)); result="FAIL (exit $rc, $found crash input(s) in $crashes)"
		grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/    /'
	fi
	total_execs=$((total_execs + execs))
	printf '%-14s %8s %12s %10s %s\n' "$name" "$SECS" "$execs" "$((execs / (SECS > 0 ? SECS : 1)))" "$result"
done
echo "fuzz: $total_execs executions in all"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
