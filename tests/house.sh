#!/usr/bin/env bash
# tests/house.sh - the data flow of the tree, read from its #include lines:
# probe -> plan -> loader -> report -> run, each stage including only the
# stages before it (and the shared bpf/ and log/), never one after it; cli/
# parses the command line and drives them all. One line per folder, naming any include that goes upstream; one
# line per kind of dependency file the build writes, read back by make; then
# "N passed, N failed". Part of make test.
set -u
cd "$(dirname "$0")/.." || exit 1
ME=house
# shellcheck source=ci/lib.sh
. ci/lib.sh

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
rm -rf "$deps_tmp"
results_line
