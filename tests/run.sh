#!/usr/bin/env bash
# make test: every suite in turn, then one closing "N passed, N failed" line.
# Suites: shellcheck (every shell script), house (no #include goes upstream:
# probe -> plan -> loader -> report; no folder's files call each other in a
# circle), arches (ci/arches is consistent with
# itself and dpkg-architecture), ktool (the kernel matrix's extractor on both
# Debian kernel packagings, built as small .debs), unit, integration (veth in
# our own netns), san
# (both again with the ASan+UBSan build), deploy (man page, completion,
# install, systemd, Kubernetes, image, Ansible), cross (qemu-user), dist
# (release tarballs twice: reproducible, SBOM, checksums), kernels
# (qemu-system). SUITES="unit integration" picks some.
set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
ARCH=${ARCH:-$(uname -m)}
SUITES=${SUITES:-shellcheck house arches ktool unit integration san deploy cross dist kernels}
logdir=build/test-logs
mkdir -p "$logdir"

run_suite() {
	local name=$1; shift
	local start=$SECONDS rc
	echo "== $name: $*"
	"$@" 2>&1 | tee "$logdir/$name.log"
	rc=${PIPESTATUS[0]}
	echo "== $name took $((SECONDS - start)) s"
	tally "$name" "$logdir/$name.log" "$rc"
}

for s in $SUITES; do
	case $s in
	shellcheck) run_suite shellcheck tests/shellcheck.sh ;;
	house) run_suite house tests/house.sh ;;
	arches) run_suite arches python3 ci/arches.py check ;;
	ktool) run_suite ktool python3 tests/kernels/test_ktool.py ;;
	unit) run_suite unit tests/run-unit.sh build/"$ARCH"/unit/test_* ;;
	integration) run_suite integration tests/integration/run.sh build/xdpcount ;;
	san) run_suite san tests/san/run.sh ;;
	deploy) run_suite deploy tests/deploy/run.sh build/xdpcount ;;
	cross) [ -x tests/cross/run.sh ] && run_suite cross tests/cross/run.sh ;;
	dist) run_suite dist dist/test-reproducible.sh ;;
	kernels) [ -x tests/kernels/run.sh ] && run_suite kernels tests/kernels/run.sh ;;
	*) echo "unknown suite $s"; TOTAL_FAILED=$((TOTAL_FAILED + 1)) ;;
	esac
done
echo "suites took $SECONDS s in all"
skipped_lines
totals_line
[ "$TOTAL_FAILED" -eq 0 ]
