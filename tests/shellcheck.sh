#!/usr/bin/env bash
# tests/shellcheck.sh - shellcheck over every shell script of the project (the
# files ending in .sh and those whose #! names sh or bash), following what they
# source. One line per script, then "N passed, N failed". Part of make test.
set -u
cd "$(dirname "$0")/.." || exit 1
ME=shellcheck
# shellcheck source=ci/lib.sh
. ci/lib.sh
# shellcheck source=tests/lib.sh
. tests/lib.sh

command -v shellcheck >/dev/null || apt_install shellcheck >&2 ||
	{ echo "shellcheck: cannot install shellcheck"; echo "0 passed, 1 failed"; exit 1; }

if [ -e .git ]; then list=$(git ls-files); else list=$(find . -type f ! -path './build/*' | sed 's|^\./||' | sort); fi
scripts=()
while read -r f; do
	[ -f "$f" ] || continue
	case $f in
	*.sh) scripts+=("$f") ;;
	*.*) ;;
	*) head -n 1 "$f" | grep -qE '^#!.*(/|env )(ba)?sh( |$)' && scripts+=("$f") ;;
	esac
done <<< "$list"

echo "$(shellcheck --version | sed -n 's/^version: /shellcheck /p'), ${#scripts[@]} scripts"
for f in "${scripts[@]}"; do
	if out=$(shellcheck -x -f gcc "$f" 2>&1); then
		ok "$f"
	else
		fail "$f"
		while IFS= read -r line; do echo "      $line"; done <<< "$out"
	fi
done
results_line
