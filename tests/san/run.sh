#!/usr/bin/env bash
# The sanitizer suite (in make test): the ASan+UBSan build (make san, glibc)
# runs the unit tests and the whole integration suite (real attaches, kill -9,
# faults, signals, least privilege). Every sanitizer report goes to a log
# directory; any report is a failure, whatever the exit status was.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
SAN=build/san
logs=$(mktemp -d /tmp/xdpcount-san.XXXXXX)
trap 'rm -rf "$logs"' EXIT
chmod 777 "$logs" # runs under setpriv as another uid write here too
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"

if [ ! -x "$SAN/xdpcount" ]; then
	echo "missing $SAN/xdpcount (run make san)"
	echo "0 passed, 1 failed"
	exit 1
fi
run() {
	local name=$1 rc; shift
	"$@" >"$logs/$name.out" 2>&1
	rc=$?
	tally "san-$name" "$logs/$name.out" "$rc"
	[ "$rc" -eq 0 ] || grep -E 'FAIL|failed' "$logs/$name.out" | head -n 20 | sed 's/^/    /'
}
echo "sanitizer build: $SAN/xdpcount ($(file -b "$SAN/xdpcount" | cut -d, -f1-2))"
run unit tests/run-unit.sh "$SAN"/unit/test_*
run integration tests/integration/run.sh "$SAN/xdpcount"
reports=$(find "$logs" -name 'asan.*' -o -name 'ubsan.*' | wc -l)
if [ "$reports" -eq 0 ]; then
	TOTAL_PASSED=$((TOTAL_PASSED + 1))
	echo "  ok    no sanitizer report"
else
	TOTAL_FAILED=$((TOTAL_FAILED + reports))
	echo "  FAIL  $reports sanitizer report(s):"
	for f in "$logs"/asan.* "$logs"/ubsan.*; do
		[ -f "$f" ] || continue
		echo "  --- $f"
		head -n 30 "$f" | sed 's/^/    /'
	done
fi
skipped_lines
totals_line
[ "$TOTAL_FAILED" -eq 0 ]
