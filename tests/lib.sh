# shellcheck shell=bash
# Shared by the test runners: run a suite, keep its output, add up its
# closing "N passed, N failed" line.
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0

# tally NAME OUTPUT_FILE EXIT_CODE: adds the suite's counts to the totals. A
# suite that failed without a closing line counts as one failure.
tally() {
	local name=$1 out=$2 rc=$3 line p f
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ "$rc" -eq 77 ]; then
		TOTAL_SKIPPED=$((TOTAL_SKIPPED + 1))
		printf '  %-28s skipped\n' "$name"
		return
	fi
	if [ -z "$line" ]; then
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
		printf '  %-28s FAILED (exit %s, no result line)\n' "$name" "$rc"
		return
	fi
	p=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2/')
	f=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed, ([0-9]+) failed.*/\3/')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # a crash after the last check is a failure too
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	printf '  %-28s %s passed, %s failed\n' "$name" "$p" "$f"
}
