#!/usr/bin/env bash
# tests/cross/run.sh - the release binaries under qemu-user (make test-cross).
#
#   tests/cross/run.sh [ARCH...]          build/<arch>/xdpcount, built if missing
#   tests/cross/run.sh --dist DIR [ARCH...]  the binaries inside DIR/*.tar.gz
#
# qemu-user has no bpf() (ENOSYS), so this proves what needs no kernel and
# that the binary fails gracefully where it needs one. Every arch, x86_64
# included, runs under qemu-<arch>-static (called directly, no binfmt), so the
# native binary is held to the same "no bpf()" behaviour.
#
# Per arch: static ELF of the right machine/byte order with no PT_INTERP;
# --version runs and names the arch; objects --json lists both objects (valid
# ELF, dump matches sha256/size) with exactly one selected, of the arch's byte
# order (big on s390x); check --json exits 1 with verdict incompatible, a
# reason naming the missing bpf() syscall, features.bpf_syscall false, valid
# JSON and no crash.
#
# ARCH defaults to the release set, ci/arches. Required arches must build; a
# wanted one whose toolchain cannot be installed is reported as skipped with
# the reason. Ends with the line "N passed, N failed"; exits 1 on any failure.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
ME=cross
# shellcheck source=ci/lib.sh
. ci/lib.sh
# shellcheck source=tests/lib.sh
. tests/lib.sh

REQUIRED=$(arch_list_release required)
WANTED=$(arch_list_release wanted)
TIMEOUT=${CROSS_TIMEOUT:-120}   # seconds per qemu run (TCG, cold page cache)

DIST=
if [ "${1:-}" = --dist ]; then
	DIST=$(realpath "${2:?--dist needs a directory}"); shift 2
fi
ARCHES=${*:-$REQUIRED $WANTED}

WORK=$(mktemp -d /tmp/xdpcount-cross.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# first FILE...: the first of the files a glob matched (none: nothing)
first() { [ -e "$1" ] && echo "$1"; return 0; }
# exactly one JSON object in FILE (jq 1.6 -e accepts an empty file)
json_ok() { [ "$(jq -s 'length == 1 and (.[0] | type == "object")' "$1" 2>/dev/null)" = true ]; }
is_required() { [[ " $REQUIRED " == *" $1 "* ]]; }

# ------------------------------------------------------------------ setup
need=()
command -v jq >/dev/null || need+=(jq)
command -v file >/dev/null || need+=(file)
command -v readelf >/dev/null || need+=(binutils)
command -v sha256sum >/dev/null || need+=(coreutils)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
if [ ${#need[@]} -gt 0 ]; then
	apt_install "${need[@]}" >&2 || { echo "cross: setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# Makes build/<arch>/xdpcount up to date (make is a no-op when it is).
# Returns 0 built, 1 failed, 2 toolchain unavailable (wanted arches only).
build_arch() {
	local a=$1 log
	log=$WORK/build-$a.log
	if ! ci/toolchain.sh "$a" > "$log" 2>&1; then
		is_required "$a" && { tail -n 15 "$log" | sed 's/^/    /'; return 1; }
		REASON=$(grep -v '^\s*$' "$log" | tail -n 1)
		return 2
	fi
	# `make ARCH=<cross>` alone asks for build/xdpcount, the native copy: name
	# the arch's binary.
	if ! make --no-print-directory ARCH="$a" "build/$a/xdpcount" >> "$log" 2>&1; then
		tail -n 15 "$log" | sed 's/^/    /'
		return 1
	fi
}

# runq OUT ARGS...: runs the binary under qemu; OUT.out/.err/.rc
runq() {
	local out=$1; shift
	timeout "$TIMEOUT" "$QEMU" "$BIN" "$@" > "$out.out" 2> "$out.err"
	echo $? > "$out.rc"
}

test_arch() {
	local a=$1 w v rc n got want o
	w=$WORK/$a
	mkdir -p "$w"
	arch_load "$a" || { fail "$a: unknown arch (not in ci/arches)"; return; }
	QEMU=$A_QEMU ORDER=$A_ORDER
	command -v "$QEMU" >/dev/null || { fail "$a: $QEMU not installed"; return; }

	# --- the ELF itself
	file -b "$BIN" > "$w/file"
	check "$a: file says statically linked ($(cut -c1-60 < "$w/file")...)" \
		grep -Eq 'statically linked|static-pie linked' "$w/file"
	got=$(python3 ci/arches.py elfcheck "$BIN" "$a")
	check "$a: ELF class, machine and byte order of ci/arches ($A_ELF $A_ORDER)${got:+: $got}" test -z "$got"
	readelf -h -l -W "$BIN" > "$w/readelf" 2>&1
	check "$a: no INTERP program header" eval "! grep -q '^ *INTERP' '$w/readelf'"
	check "$a: no DYNAMIC program header" eval "! grep -q '^ *DYNAMIC' '$w/readelf'"
	got=$(sed -n 's/^ *Class: *ELF\([0-9]*\)$/\1/p' "$w/readelf")
	check_eq "$a: readelf: ELF class" "$got" "${A_ELF%/*}"
	got=$(sed -n 's/^ *Data: *2.s complement, \([a-z]*\) endian.*/\1/p' "$w/readelf")
	check_eq "$a: readelf: ELF byte order" "$got" "$ORDER"

	# --- --version
	runq "$w/version" --version
	check_eq "$a: --version exits 0" "$(cat "$w/version.rc")" 0
	v=$(head -n 1 "$w/version.out")
	check "$a: --version names the arch: $v" grep -q "^xdpcount .*($a, libbpf v\{0,1\}[0-9]" "$w/version.out"
	check "$a: --version has a version (not 'unknown')" eval "! grep -q '^xdpcount unknown ' '$w/version.out'"
	check_eq "$a: --version lists 2 object sha256s" \
		"$(grep -cE 'bpf object .* sha256 [0-9a-f]{64}$' "$w/version.out")" 2

	# --- objects --json
	runq "$w/objects" objects --json
	o=$w/objects.out
	check_eq "$a: objects --json exits 0" "$(cat "$w/objects.rc")" 0
	if json_ok "$o"; then
		ok "$a: objects --json is one valid JSON object"
		check_eq "$a: objects: one little and one big object" \
			"$(jq -c '[.objects[].byte_order] | sort' "$o")" '["big","little"]'
		check_eq "$a: objects: exactly one selected" \
			"$(jq '[.objects[] | select(.selected == true)] | length' "$o")" 1
		check_eq "$a: objects: selected byte_order" \
			"$(jq -r '[.objects[] | select(.selected == true)][0].byte_order' "$o")" "$ORDER"
		check_eq "$a: objects: both ELF-valid" \
			"$(jq -c '[.objects[].elf_valid]' "$o")" '[true,true]'
		for n in little big; do
			runq "$w/dump-$n" objects --dump "$n"
			got="$(cat "$w/dump-$n.rc") $(stat -c %s "$w/dump-$n.out") $(sha256sum < "$w/dump-$n.out" | cut -d' ' -f1)"
			want="0 $(jq -r --arg n "$n" '.objects[] | select(.byte_order == $n) | "\(.size) \(.sha256)"' "$o")"
			check_eq "$a: objects --dump $n matches its size and sha256" "$got" "$want"
		done
		if [ -z "$DIST" ] && [ -f build/bpf/counter.bpfeb.o ]; then
			# the embedded big object is the one make built (catches stale embeds)
			check_eq "$a: embedded big object is build/bpf/counter.bpfeb.o" \
				"$(jq -r '.objects[] | select(.byte_order == "big") | .sha256' "$o")" \
				"$(sha256sum < build/bpf/counter.bpfeb.o | cut -d' ' -f1)"
		fi
	else
		fail "$a: objects --json is one valid JSON object: $(head -c 200 "$o"; head -n 3 "$w/objects.err")"
	fi

	# --- check --json: graceful refusal without bpf()
	runq "$w/check" check --json
	o=$w/check.out
	rc=$(cat "$w/check.rc")
	check "$a: check --json did not crash (exit $rc; 124 timeout, >128 signal)" \
		test "$rc" -lt 124
	check_eq "$a: check --json exits 1" "$rc" 1
	if json_ok "$o"; then
		ok "$a: check --json is one valid JSON object"
		check_eq "$a: check: verdict" "$(jq -r .verdict "$o")" incompatible
		check_eq "$a: check: a reason names the missing bpf() syscall" \
			"$(jq '[.reasons[] | select(test("bpf\\(\\)") and test("syscall|ENOSYS"))] | length > 0' "$o")" true
		check_eq "$a: check: features.bpf_syscall" "$(jq -c .features.bpf_syscall "$o")" false
	else
		fail "$a: check --json is one valid JSON object: $(head -c 200 "$o"; head -n 3 "$w/check.err")"
	fi
	[ "$FAILED" -eq "$FAILED0" ] || {
		echo "    stderr of check: $(head -n 3 "$w/check.err")"
		echo "    --version: $v"
	}
}

start=$SECONDS
for a in $ARCHES; do
	FAILED0=$FAILED
	t0=$SECONDS
	if [ -n "$DIST" ]; then
		tb=$(first "$DIST"/xdpcount-*-linux-"$a".tar.gz)
		if [ -z "$tb" ]; then
			if is_required "$a"; then fail "$a: no release tarball in $DIST"
			else skip "$a: no release tarball in $DIST"; fi
			continue
		fi
		mkdir -p "$WORK/x-$a"
		tar -xzf "$tb" -C "$WORK/x-$a"
		BIN=$(first "$WORK/x-$a"/*/xdpcount)
		check "$a: $(basename "$tb") holds the binary" test -x "${BIN:-/nonexistent}" || continue
	else
		BIN=$TOP/build/$a/xdpcount
		REASON=
		build_arch "$a"
		case $? in
		0) ok "$a: build/$a/xdpcount is built and up to date" ;;
		1) fail "$a: make ARCH=$a build/$a/xdpcount"; continue ;;
		2) skip "$a: toolchain unavailable: $REASON"; continue ;;
		esac
	fi
	test_arch "$a"
	echo "  ($a: $((SECONDS - t0)) s)"
done
echo "cross: $SKIPPED arch(es) skipped; took $((SECONDS - start)) s"
results_line
