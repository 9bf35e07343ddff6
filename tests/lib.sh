# shellcheck shell=bash
# tests/lib.sh - sourced by the test scripts: the assertions (ok, fail, skip,
# check, check_eq, check_match, lacks, results_line), and for the runners
# the tally of each suite's closing "N passed, N failed" line. Build and CI
# plumbing (log, die, apt_install, the arch table) is ci/lib.sh's.

# ---------------------------------------------------------------- assertions
# For the test scripts: one line per assertion, counted in PASSED / FAILED /
# SKIPPED, and results_line for the closing "N passed, N failed" that tally
# (below) reads.
PASSED=${PASSED:-0} FAILED=${FAILED:-0} SKIPPED=${SKIPPED:-0}
ok()   { PASSED=$((PASSED + 1)); echo "  ok    $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL  $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "  skip  $*"; }

# check DESC CMD...: one assertion, passes when CMD succeeds.
check() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else fail "$1 (got '$2', want '$3')"; fi
}

# check_match DESC TEXT REGEX (extended, case-insensitive)
check_match() {
	if grep -qiE -- "$3" <<<"$2"; then ok "$1"
	else fail "$1 ('$2' does not match /$3/)"; fi
}

# lacks TEXT REGEX: true when TEXT has no match (extended, case-insensitive).
lacks() {
	! grep -qiE -- "$2" <<<"$1"
}

# results_line: prints "N passed, N failed" (", N skipped" when something
# was) and returns 1 if anything failed.
results_line() {
	echo "$PASSED passed, $FAILED failed$([ "$SKIPPED" -eq 0 ] || echo ", $SKIPPED skipped")"
	[ "$FAILED" -eq 0 ]
}

# ---------------------------------------------------------------- tally
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0

SKIPPED_TESTS=()

# tally NAME OUTPUT_FILE EXIT_CODE: adds the suite's counts (", N skipped"
# too) to the totals, and keeps its "skipped: TEST: WHY" lines in
# SKIPPED_TESTS (skipped_lines prints them). A suite that failed without a
# closing line counts as one failure; one that exited 77 is one skip.
tally() {
	local name=$1 out=$2 rc=$3 line p f s
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ "$rc" -eq 77 ]; then
		TOTAL_SKIPPED=$((TOTAL_SKIPPED + 1))
		SKIPPED_TESTS+=("$name: $(grep -m1 '^SKIP: ' "$out" | sed 's/^SKIP: //')")
		printf '  %-28s skipped\n' "$name"
		return
	fi
	while IFS= read -r s; do
		SKIPPED_TESTS+=("$name: ${s#skipped: }")
	done < <(grep '^skipped: ' "$out")
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
	s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
	TOTAL_PASSED=$((TOTAL_PASSED + p))
	TOTAL_FAILED=$((TOTAL_FAILED + f))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + ${s:-0}))
	printf '  %-28s %s passed, %s failed%s\n' "$name" "$p" "$f" "${s:+, $s skipped}"
}

# skipped_lines: "skipped: SUITE: TEST: WHY" for every skip tally saw.
skipped_lines() {
	local s
	for s in "${SKIPPED_TESTS[@]}"; do echo "skipped: $s"; done
}

# totals_line: the closing "N passed, N failed[, N skipped]" of the totals.
totals_line() {
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed$([ "$TOTAL_SKIPPED" -eq 0 ] || echo ", $TOTAL_SKIPPED skipped")"
}
