#!/usr/bin/env bash
# tests/house.sh - the data flow of the tree, read from its #include lines:
# probe -> plan -> loader -> report -> run, each stage including only the
# stages before it (and the shared bpf/ and log/), never one after it; cli/
# parses the command line and drives them all. One line per folder, naming
# any include that goes upstream; one per folder whose files call each other
# in a circle (read from the built objects: run make first); one line per
# kind of dependency file the build writes, read back by make; then
# "N passed, N failed". Part of make test.
set -u
cd "$(dirname "$0")/.." || exit 1
ME=house
# shellcheck source=ci/lib.sh
. ci/lib.sh
# shellcheck source=tests/lib.sh
. tests/lib.sh

# folder: the project folders its .c and .h files may include (besides
# itself); a folder/file.h entry allows that one header of a later folder.
# run/ reads two of cli/'s declarations: the parsed options and the failure
# recorder (fail()), which every stage that gives up records into.
declare -A MAY=(
	[bpf]=""
	[log]=""
	[probe]="bpf log btf"
	[btf]="bpf log probe"      # the BTF probe fills struct probe
	[plan]="bpf log probe btf"
	[loader]="bpf log probe btf plan"
	[selftest]="bpf log probe btf plan loader"
	[report]="bpf log probe btf plan loader selftest"
	[metrics]="bpf log probe btf plan loader selftest report"
	[run]="bpf log probe btf plan loader selftest report metrics cli/opts.h cli/errors.h"
	[cli]="bpf log probe btf plan loader selftest report metrics run"
)
ORDER="bpf log probe btf plan loader selftest report metrics run cli"

for d in $ORDER; do
	[ -d "$d" ] || { fail "$d: the folder is missing"; continue; }
	bad=""
	for f in "$d"/*.c "$d"/*.h; do
		[ -e "$f" ] || continue
		while read -r inc; do
			to=${inc%%/*}
			[ "$to" = "$d" ] && continue
			case " ${MAY[$d]} " in
			*" $to "* | *" $inc "*) ;;
			*) bad="$bad $f:$inc" ;;
			esac
		done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$f")
	done
	what=itself
	[ -n "${MAY[$d]}" ] && what="itself and ${MAY[$d]// /, }"
	if [ -z "$bad" ]; then
		ok "$d includes only $what"
	else
		fail "$d includes a later stage:$bad"
	fi
done
# a folder of sources the table does not know is a new stage: place it
for d in $(git ls-files 2>/dev/null | sed -n 's|^\([a-z_]*\)/[^/]*\.[ch]$|\1|p' | sort -u); do
	case " $ORDER tests dist ci " in
	*" $d "*) ;;
	*) fail "$d: a folder of C sources not in tests/house.sh's table" ;;
	esac
done

# No circle inside a folder: file A calls into B (A's object needs a symbol
# B's defines), then B never calls back into A, directly or around a longer
# circle, so each folder's files stack as layers too. Read from the built
# objects (nm), since a folder's shared header hides who calls whom.
# circles DIR: one "a.o b.o" line per circle of calls among DIR's objects
# (its members, in tsort's order), nothing when there is none.
circles() {
	local dir=$1
	{
		nm -A -g --defined-only "$dir"/*.o 2>/dev/null |
			awk '{ f = $1; sub(/:.*/, "", f); print "D", f, $NF }'
		nm -A -u "$dir"/*.o 2>/dev/null |
			awk '{ f = $1; sub(/:.*/, "", f); print "U", f, $NF }'
	} | awk '
		$1 == "D" { def[$3] = $2; next }
		{ use[NR] = $2 " " $3 }
		END {
			for (i in use) {
				split(use[i], u, " ")
				if ((u[2] in def) && def[u[2]] != u[1]) print u[1], def[u[2]]
			}
		}' | sort -u | tsort 2>&1 >/dev/null |
		awk '/input contains a loop/ { if (c != "") print c; c = ""; next }
		     { sub(/^tsort: /, ""); n = $0; sub(/.*\//, "", n); c = c (c == "" ? "" : " ") n }
		     END { if (c != "") print c }' |
		while read -r line; do tr ' ' '\n' <<<"$line" | sort | paste -sd ' '; done
}

# The check itself can fail: two files that call each other are a circle,
# so are three around, a chain is not (built with the host's cc in a
# scratch folder).
circ_tmp=$(mktemp -d /tmp/xdpcount-house-circ.XXXXXX)
mkdir -p "$circ_tmp/circle" "$circ_tmp/around" "$circ_tmp/chain"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$circ_tmp/around/a.c"
printf 'int c(void);\nint b(void) { return c(); }\n' >"$circ_tmp/around/b.c"
printf 'int a(void);\nint c(void) { return a(); }\n' >"$circ_tmp/around/c.c"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$circ_tmp/circle/a.c"
printf 'int a(void);\nint b(void) { return a() + 1; }\n' >"$circ_tmp/circle/b.c"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$circ_tmp/chain/a.c"
printf 'int b(void) { return 1; }\n' >"$circ_tmp/chain/b.c"
if for f in "$circ_tmp"/*/*.c; do cc -c "$f" -o "${f%.c}.o" || exit 1; done; then
	check_eq "the circle check finds a.c <-> b.c" "$(circles "$circ_tmp/circle")" "a.o b.o"
	check_eq "the circle check finds a.c -> b.c -> c.c -> a.c" "$(circles "$circ_tmp/around")" "a.o b.o c.o"
	check_eq "the circle check passes a chain a.c -> b.c" "$(circles "$circ_tmp/chain")" ""
else
	fail "the circle check's own test: cc could not build two one-line files"
fi
rm -rf "$circ_tmp"

OBJ=build/${ARCH:-$(uname -m)}/obj
for d in $ORDER; do
	[ "$d" = bpf ] && continue # the kernel side: one program, no objects here
	stale=""
	for f in "$d"/*.c; do
		[ -e "$f" ] || continue
		o=$OBJ/${f%.c}.o
		[ "$o" -nt "$f" ] || stale="$stale $f"
	done
	if [ -n "$stale" ]; then
		fail "$d: no circle check: $OBJ has no up-to-date object of$stale (run make first)"
		continue
	fi
	compgen -G "$d/*.c" >/dev/null || continue
	found=$(circles "$OBJ/$d")
	if [ -z "$found" ]; then
		ok "$d: no circle of calls among its files"
	else
		while read -r c; do
			fail "$d: its files call each other in a circle: ${c//.o/.c}"
		done <<<"$found"
	fi
done

# The build reads back every dependency file it writes (-MMD), so a header
# edit rebuilds what includes it: a .d with a marker in each place the
# Makefile's rules write one (objects, unit tests and tools, for this
# build, the sanitizer's and the fuzzers'), under scratch build folders,
# must show up in make's database.
deps_tmp=$(mktemp -d /tmp/xdpcount-house.XXXXXX)
declare -A DEPFILE=(
	[obj]=b/obj/cli/main.d [unit]=b/unit/.test_plan.d [tool]=b/tools/.deny.d
	[san-obj]=s/obj/cli/main.d [san-unit]=s/unit/.test_plan.d
	[fuzz-obj]=f/obj/cli/opts.d [fuzz]=f/.fuzz_opts.d
)
for k in "${!DEPFILE[@]}"; do
	mkdir -p "$(dirname "$deps_tmp/${DEPFILE[$k]}")"
	echo "house_dep_${k//-/_}: ;" >"$deps_tmp/${DEPFILE[$k]}"
done
db=$(make -pq BUILD="$deps_tmp/b" SAN="$deps_tmp/s" FUZZ="$deps_tmp/f" FORCE 2>/dev/null)
for k in $(printf '%s\n' "${!DEPFILE[@]}" | sort); do
	if grep -q "^house_dep_${k//-/_}:" <<<"$db"; then
		ok "make reads the $k dependency files (${DEPFILE[$k]#?/})"
	else
		fail "make never reads the $k dependency files (${DEPFILE[$k]#?/}): a header edit would not rebuild them"
	fi
done
# A generated file depends on what generates it (the script its rule runs),
# or is remade each time (FORCE): otherwise an edit of the generator leaves a
# stale file newer than its inputs, and what includes it fails to build.
while read -r target prereqs; do
	target=${target%:}
	gen=
	for p in $prereqs; do
		case $p in
		FORCE) gen=FORCE ;;
		build/*) ;;
		*.sh | *.py) [ -f "$p" ] && gen=$p ;;
		esac
	done
	if [ -n "$gen" ]; then
		ok "${target#"$deps_tmp"/b/} depends on what generates it ($gen)"
	else
		fail "${target#"$deps_tmp"/b/} does not depend on what generates it: an edit of its rule leaves it stale"
	fi
done < <(grep -E "^$deps_tmp/b/gen/[^:]+:" <<<"$db")
rm -rf "$deps_tmp"
results_line
