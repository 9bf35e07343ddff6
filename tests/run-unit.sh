#!/usr/bin/env bash
# Runs each unit-test binary given as an argument; ends with "N passed, N failed".
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
echo "unit tests:"
for bin in "$@"; do
	name=$(basename "$bin")
	"$bin" >"$log/$name" 2>&1
	rc=$?
	tally "$name" "$log/$name" "$rc"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		sed 's/^/    /' "$log/$name" | grep -v ' passed, ' | tail -n 20
	fi
done
skipped_lines
totals_line
[ "$TOTAL_FAILED" -eq 0 ]
