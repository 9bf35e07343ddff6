#!/bin/bash
# tests/kernels/run.sh - boot xdpcount on real Debian kernels under qemu-system
# (TCG) and check what `xdpcount check --selftest --json` and a short counting
# run report.  Entry point of `make test-kernels`.
#
# Usage: tests/kernels/run.sh [options] [TARGET...]
#   TARGET        ARCH:SERIES (x86_64:6.1), ARCH (s390x) or SERIES (5.10);
#                 default: the whole matrix, every arch of ci/arches with each
#                 series of its 'kernels' field. A kernel whose BPF JIT is
#                 built but off by default (its config) boots twice: as
#                 shipped, and with sysctl.net.core.bpf_jit_enable=1 (the
#                 row ARCH:SERIES+jit).
#   --bin ARCH=PATH   xdpcount binary for ARCH (repeatable); default
#                     build/ARCH/xdpcount under the repository root, first
#                     brought up to date (ci/toolchain.sh ARCH; make ARCH=ARCH
#                     build/ARCH/xdpcount) unless --no-build
#   --skip-missing  kernels whose arch has no binary are skipped, not failed
#   --no-jit-rows   boot each kernel once, as shipped
#   -j N          parallel boots (default: the number of CPUs)
#   --timeout S   wall-clock bound of one boot (default 240)
#   --offline     use only cached package lists and kernels
#   --refresh     refresh the package lists now (else after 6 h)
#   -v            print the console log of every failing boot
# Env: XDPCOUNT_BIN_<arch> (= --bin), XDPCOUNT_KERNELS_JOBS, XDPCOUNT_BOOT_TIMEOUT,
#      XDPCOUNT_KERNELS_OUT (logs, initramfs, results; default build/kernels),
#      XDPCOUNT_CACHE (downloads; default ~/.cache/xdpcount), XDPCOUNT_OFFLINE=1,
#      XDPCOUNT_CHECK_ARGS / XDPCOUNT_COUNT_ARGS / XDPCOUNT_COUNTTC_ARGS /
#      XDPCOUNT_COUNTBOTH_ARGS (the commands run in the guest; the third at tc
#      ingress, the fourth at tc ingress and egress: --direction both),
#      XDPCOUNT_CHECK_TIMEOUT (120) / XDPCOUNT_COUNT_TIMEOUT (60): their in-guest bounds.
#      XDPCOUNT_NEIGHBOURS: the targets (ARCH:SERIES, ARCH or SERIES; 'all':
#      every one with guest tools; '' none) that also run issue 21's
#      scenarios beside Debian's own xdp-loader (guest/neighbour.sh, once per
#      xdp-tools version of tests/kernels/guest-tools.lock; default
#      x86_64:6.12), XDPCOUNT_NEIGHBOUR_VERSIONS the versions (default: all the
#      lock has), XDPCOUNT_NEIGHBOUR_TIMEOUT (240) the bound of each; those
#      boots also measure the dispatcher's cost (xdpbench disppkt).
# Output: one table row per kernel, the failed assertions, and the last line
# "N passed, N failed"; exit status 1 on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ME=kernels
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"
die() { echo "kernels: $*" >&2; exit 2; }
MATRIX=$(for a in $(arch_list); do arch_load "$a"; for s in $A_KERNELS; do printf '%s:%s ' "$a" "$s"; done; done)
OUT=${XDPCOUNT_KERNELS_OUT:-$ROOT/build/kernels}
JOBS=${XDPCOUNT_KERNELS_JOBS:-$(nproc 2>/dev/null || echo 2)}
TIMEOUT=${XDPCOUNT_BOOT_TIMEOUT:-240}
JIT_ROWS=1
SKIP_MISSING=0
VERBOSE=0
FETCH_ARGS=()
CHECK_ARGS=${XDPCOUNT_CHECK_ARGS:-check --selftest --json}
COUNT_ARGS=${XDPCOUNT_COUNT_ARGS:---json -m generic -c 2 -i 0.2 lo}
COUNTTC_ARGS=${XDPCOUNT_COUNTTC_ARGS:---json -m tc -c 2 -i 0.2 lo}
COUNTBOTH_ARGS=${XDPCOUNT_COUNTBOTH_ARGS:---json -m tc --direction both -c 2 -i 0.2 lo}
NEIGHBOURS=${XDPCOUNT_NEIGHBOURS-x86_64:6.12}
NEIGHBOUR_VERSIONS=${XDPCOUNT_NEIGHBOUR_VERSIONS:-}
NEIGHBOUR_TIMEOUT=${XDPCOUNT_NEIGHBOUR_TIMEOUT:-240}
DISPBENCH_ROUNDS=5 DISPBENCH_REPEAT=200000
CHECK_TIMEOUT=${XDPCOUNT_CHECK_TIMEOUT:-120}   # in-guest alarm() bounds, seconds
COUNT_TIMEOUT=${XDPCOUNT_COUNT_TIMEOUT:-60}
BUILD=1
declare -A BIN=() GIVEN=()
for a in $(arch_list); do
    v=XDPCOUNT_BIN_$a
    if [ -n "${!v:-}" ]; then BIN[$a]=${!v}; GIVEN[$a]=1; else BIN[$a]=$ROOT/build/$a/xdpcount; fi
done


sel=()
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) [ $# -ge 2 ] || die "--bin needs ARCH=PATH"; BIN[${2%%=*}]=${2#*=}; GIVEN[${2%%=*}]=1; shift ;;
        --bin=*) v=${1#--bin=}; BIN[${v%%=*}]=${v#*=}; GIVEN[${v%%=*}]=1 ;;
        --no-build) BUILD=0 ;;
        --no-jit-rows) JIT_ROWS=0 ;;
        --skip-missing) SKIP_MISSING=1 ;;
        -j) JOBS=$2; shift ;;
        -j*) JOBS=${1#-j} ;;
        --timeout) TIMEOUT=$2; shift ;;
        --offline) FETCH_ARGS+=(--offline) ;;
        --refresh) FETCH_ARGS+=(--refresh) ;;
        -v) VERBOSE=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) sel+=("$1") ;;
    esac
    shift
done

targets=()
for t in $MATRIX; do
    if [ ${#sel[@]} -eq 0 ]; then targets+=("$t"); continue; fi
    for s in "${sel[@]}"; do
        case "$s" in "$t"|"${t%%:*}"|"${t#*:}") targets+=("$t"); break ;; esac
    done
done
[ ${#targets[@]} -gt 0 ] || die "no kernel in the matrix matches: ${sel[*]}"

T0=$(date +%s.%N)
"$HERE/setup.sh" || die "setup failed"
mkdir -p "$OUT"

# ---- guest programs: /init per arch --------------------------------------
# The project's static musl compiler when ci/deps.sh names one that exists;
# else the gcc (cross) compiler of ci/arches with -static.
guest_cc() {
    local arch=$1 cc=""
    if [ -x "$ROOT/ci/deps.sh" ]; then
        cc=$("$ROOT/ci/deps.sh" --print-cc "$arch" 2>/dev/null || true)
        if [ -n "$cc" ] && command -v "${cc%% *}" >/dev/null 2>&1; then echo "$cc"; return; fi
    fi
    arch_load "$arch"
    if [ "$arch" = "$(uname -m)" ]; then echo gcc; else echo "$A_GNU-gcc"; fi
}

build_guest() {  # arch src out
    local arch=$1 src=$2 out=$3 cc
    if [ -x "$out" ] && [ "$out" -nt "$src" ]; then return 0; fi
    cc=$(guest_cc "$arch")
    mkdir -p "$(dirname "$out")"
    # shellcheck disable=SC2086
    $cc -O2 -Wall -static -s -o "$out.tmp" "$src" >"$out.log" 2>&1 &&
        python3 "$HERE/ktool.py" elfcheck "$out.tmp" "$arch" >>"$out.log" &&
        mv "$out.tmp" "$out" && return 0
    log "building $(basename "$src") for $arch with '$cc' failed:"; cat "$out.log" >&2
    return 1
}

# ---- issue 21's neighbour scenarios: which targets, and their pieces -------
# neighbour_wanted TARGET: does TARGET run them (XDPCOUNT_NEIGHBOURS)?
neighbour_wanted() {
    local n
    for n in $NEIGHBOURS; do
        case "$n" in all|"$1"|"${1%%:*}"|"${1#*:}") return 0 ;; esac
    done
    return 1
}

# The BPF objects of the scenarios (little-endian, BTF), once.
neighbour_objs() {
    local d=$OUT/guest/bpf mi
    mi=$(gcc -print-multiarch 2>/dev/null)
    mkdir -p "$d"
    bpfc() {  # out src [cflags]
        local o=$1 src=$2; shift 2
        [ "$d/$o" -nt "$src" ] && return 0
        clang -target bpfel -O2 -g "$@" -idirafter /usr/include -idirafter "/usr/include/$mi" \
            -c "$src" -o "$d/$o" >"$d/$o.log" 2>&1 || { cat "$d/$o.log" >&2; return 1; }
    }
    bpfc drop_odd.o "$HERE/guest/drop_odd.c" && bpfc pass.o "$HERE/guest/pass.c" &&
        bpfc dispatcher_v9.o "$ROOT/tests/integration/dispatcher.c" -DVERSION=9 -DDEVBOUND=1
}

# neighbour_arch ARCH: the guest tools of ARCH (fetch.sh --tools: NTOOLS[ARCH]
# = "VERSION=DIR ...", NBB[ARCH] = busybox) and its test tools, when a target
# of ARCH runs the scenarios; said, and left out, when they cannot be had.
declare -A NTOOLS=() NBB=() NERR=()
neighbour_arch() {
    local a=$1 t want=0 line dir v
    for t in "${targets[@]}"; do
        [ "${t%%:*}" = "$a" ] && neighbour_wanted "$t" && want=1
    done
    [ $want = 1 ] || return 0
    if ! grep -qE "^[a-z0-9-]+ +[a-z]+ +$(arch_load "$a"; echo "$A_DEBARCH") " "$HERE/guest-tools.lock"; then
        log "$a: no guest tools in guest-tools.lock; no neighbour scenarios"; return 0
    fi
    neighbour_objs || { NERR[$a]="the scenarios' BPF objects do not build"; return 0; }
    make -C "$ROOT" --no-print-directory ARCH="$a" "build/$a/tools/sendframes" "build/$a/tools/rxcount" \
        "build/$a/tools/xdpbench" build/bpf/bench.o >>"$OUT/build-$a.log" 2>&1 ||
        { NERR[$a]="building sendframes, rxcount and xdpbench failed (see $OUT/build-$a.log)"; return 0; }
    while read -r line; do
        dir=${line##* }
        [ -x "$dir/bin/busybox" ] && NBB[$a]=$dir/bin/busybox
        v=$(sed -n 's/^xdp-tools \([^-]*\)-.*/\1/p' "$dir/manifest")
        [ -n "$v" ] || continue
        if [ -n "$NEIGHBOUR_VERSIONS" ] && [[ " $NEIGHBOUR_VERSIONS " != *" $v "* ]]; then continue; fi
        NTOOLS[$a]="${NTOOLS[$a]:-}${NTOOLS[$a]:+ }$v=$dir"
    done < <("$HERE/fetch.sh" "${FETCH_ARGS[@]}" --tools "$a")
    NTOOLS[$a]=$(tr ' ' '\n' <<<"${NTOOLS[$a]:-}" | sort -V | tr '\n' ' ')
    NTOOLS[$a]=${NTOOLS[$a]% }
    if [ -z "${NBB[$a]:-}" ] || [ -z "${NTOOLS[$a]:-}" ]; then
        NERR[$a]="no guest tools (see fetch.sh --tools $a above)"; NTOOLS[$a]=""
    fi
}

# neighbour_entries ARCH WORKDIR: the initramfs entries and /steps lines of
# the scenarios (ENTS and the steps file).
neighbour_entries() {
    local a=$1 w=$2 vd v dir f b=$OUT/guest/bpf
    ents+=(bin/ bin/busybox="${NBB[$a]}:755" tools/ guest/ xt/
           tools/sendframes="$ROOT/build/$a/tools/sendframes:755"
           tools/rxcount="$ROOT/build/$a/tools/rxcount:755"
           tools/xdpbench="$ROOT/build/$a/tools/xdpbench:755" bench/ bench/bench.o="$ROOT/build/bpf/bench.o"
           guest/neighbour.sh="$HERE/guest/neighbour.sh:755"
           guest/drop_odd.o="$b/drop_odd.o" guest/pass.o="$b/pass.o"
           guest/dispatcher_v9.o="$b/dispatcher_v9.o")
    # the dispatcher's cost (make bench's rows; TCG: instructions exact, times indicative)
    printf 'dispbench 120 0 /tools/xdpbench disppkt /bench 1 %s %s\n' "$DISPBENCH_ROUNDS" "$DISPBENCH_REPEAT" \
        >>"$w/steps"
    for vd in ${NTOOLS[$a]}; do
        v=${vd%%=*} dir=${vd#*=}
        ents+=("xt/$v/" "xt/$v/ld=$dir/ld" "xt/$v/sbin/" "xt/$v/lib/" "xt/$v/bpf/")
        [ -e "$dir/libdir" ] && ents+=("xt/$v/libdir=$dir/libdir")
        for f in "$dir"/sbin/* "$dir"/lib/*; do
            ents+=("xt/$v/${f#"$dir"/}=$f:755")
        done
        for f in "$dir"/bpf/xdp-dispatcher.o "$dir"/bpf/xsk_def_xdp_prog*.o "$dir"/bpf/xdpfilt_*_all.o; do
            [ -e "$f" ] && ents+=("xt/$v/bpf/${f##*/}=$f")
        done
        printf 'neighbour-%s %s 0 /bin/busybox unshare -n /bin/busybox sh /guest/neighbour.sh %s %s\n' \
            "$v" "$NEIGHBOUR_TIMEOUT" "$v" "${XDPCOUNT_NEIGHBOUR_FIRST_ARGS:-}" >>"$w/steps"
    done
}

arches=$(printf '%s\n' "${targets[@]}" | cut -d: -f1 | sort -u)
declare -A MISSING=()
for a in $arches; do
    # The default binaries are brought up to date the way tests/cross does
    # (the toolchain also gives the init its compiler).
    blog=$OUT/build-$a.log
    if ! "$ROOT/ci/toolchain.sh" "$a" >"$blog" 2>&1; then
        log "ci/toolchain.sh $a failed (see $blog):"; tail -n 8 "$blog" | sed 's/^/    /' >&2
    elif [ $BUILD = 1 ] && [ -z "${GIVEN[$a]:-}" ] &&
         ! make -C "$ROOT" --no-print-directory ARCH="$a" "build/$a/xdpcount" >>"$blog" 2>&1; then
        log "building build/$a/xdpcount failed (see $blog):"; tail -n 8 "$blog" | sed 's/^/    /' >&2
    fi
    build_guest "$a" "$HERE/init.c" "$OUT/guest/$a/init" || die "cannot build the init for $a"
    neighbour_arch "$a"
    why=$(python3 "$HERE/ktool.py" elfcheck "${BIN[$a]}" "$a") || {
        MISSING[$a]="${BIN[$a]}: $why"
        log "no usable xdpcount for $a: ${MISSING[$a]}"
    }
done

# ---- kernels ------------------------------------------------------------
TF0=$(date +%s.%N)
declare -A KDIR=()
while read -r t d; do
    KDIR[$t]=$d
done < <("$HERE/fetch.sh" "${FETCH_ARGS[@]}" "${targets[@]}")
TF1=$(date +%s.%N)

# ---- one boot -------------------------------------------------------------
# TARGET is ARCH:SERIES, or ARCH:SERIES+jit: the same kernel with the BPF JIT
# switched on from the command line.
boot() {  # target -> writes $OUT/<arch>-<series>[-jit]/result.json
    local t=$1 kt=${1%+jit} arch=${1%%:*} d w k kernel qemu t0 t1 to=0 rc jit=0
    [ "$kt" != "$t" ] && jit=1
    w=$OUT/$(workname "$t")
    d=${KDIR[$kt]}
    rm -rf "$w"; mkdir -p "$w"
    k=$(sed -n 's/^kernel=//p' "$d/manifest")
    kernel=$d/$k
    # initramfs: /init, /xdpcount, /modules/NN-name.ko (load order), /steps
    local ents=(init="$OUT/guest/$arch/init:755" xdpcount="${BIN[$arch]}:755" modules/) i=10 m
    for m in $(sed -n 's/^modules=//p' "$d/manifest" | tr '\n' ' '); do
        ents+=("modules/$i-$m=$d/$m"); i=$((i + 1))
    done
    printf 'check %s 0 /xdpcount %s\ncount %s 1 /xdpcount %s\n' "$CHECK_TIMEOUT" "$CHECK_ARGS" \
        "$COUNT_TIMEOUT" "$COUNT_ARGS" >"$w/steps"
    printf 'counttc %s 1 /xdpcount %s\n' "$COUNT_TIMEOUT" "$COUNTTC_ARGS" >>"$w/steps"
    printf 'countboth %s 1 /xdpcount %s\n' "$COUNT_TIMEOUT" "$COUNTBOTH_ARGS" >>"$w/steps"
    local nerr=""
    if [ $jit = 0 ] && neighbour_wanted "$kt"; then
        if [ -n "${NTOOLS[$arch]:-}" ]; then neighbour_entries "$arch" "$w"; else nerr=${NERR[$arch]:-}; fi
    fi
    ents+=(steps="$w/steps")
    python3 "$HERE/ktool.py" cpio --out "$w/initramfs.cpio.gz" "${ents[@]}" || return 1
    local append="panic=-1 quiet loglevel=3 oops=panic"
    arch_load "$arch"
    [ -n "$A_CONSOLE" ] && append="console=$A_CONSOLE $append"
    [ $jit = 1 ] && append="$append sysctl.net.core.bpf_jit_enable=1"
    # shellcheck disable=SC2206 # the machine options are words
    qemu=("$A_QSYS" $A_MACHINE -m 1G)
    qemu+=(-smp 1 -nographic -no-reboot -net none -kernel "$kernel"
           -initrd "$w/initramfs.cpio.gz" -append "$append")
    printf '%q ' "${qemu[@]}" >"$w/qemu.cmd"; echo >>"$w/qemu.cmd"
    t0=$(date +%s.%N)
    # each neighbour step has its own in-guest bound: the host's comes after them
    local bound=$((TIMEOUT + $(grep -c '^neighbour-' "$w/steps") * NEIGHBOUR_TIMEOUT))
    timeout -k 5 "$bound" "${qemu[@]}" </dev/null >"$w/console.log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    [ $rc = 124 ] || [ $rc = 137 ] && to=1
    python3 "$HERE/ktool.py" report --log "$w/console.log" --manifest "$d/manifest" --target "$kt" \
        --jit-cmdline "$jit" --neighbour-error "$nerr" --boot-secs "$(awk "BEGIN{print $t1 - $t0}")" --timed-out "$to" \
        --out "$w/result.json"
}

workname() { local t=${1%+jit}; echo "${t%%:*}-${t#*:}${1#"$t"}" | sed 's/+jit$/-jit/'; }

# The JIT-on rows: kernels whose config builds the JIT but leaves it off.
boots=()
for t in "${targets[@]}"; do
    boots+=("$t")
    if [ $JIT_ROWS = 1 ] && [ -n "${KDIR[$t]:-}" ] && grep -qx 'bpf_jit=off' "${KDIR[$t]}/manifest"; then
        boots+=("$t+jit")
    fi
done
declare -A RES=()
for t in "${boots[@]}"; do RES[$t]=$OUT/$(workname "$t")/result.json; done
# Longest first (by the last run's boot time), so that -j boots end together.
mapfile -t order < <(for t in "${boots[@]}"; do
    r=$OUT/$(workname "$t")/result.json
    s=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["row"]["boot"])' "$r" 2>/dev/null || echo 999)
    echo "$s $t"
done | sort -k1,1nr | cut -d' ' -f2)

skipped=0
running=0
for t in "${order[@]}"; do
    arch=${t%%:*}
    if [ -z "${KDIR[${t%+jit}]:-}" ]; then
        log "$t: no kernel (see fetch errors above)"
        printf '{"target":"%s","manifest":{},"row":{"arch":"%s","series":"%s","release":"?"},"asserts":[{"name":"kernel fetched","ok":false,"detail":"fetch.sh failed"}],"pass":false,"log":"-"}\n' \
            "$t" "$arch" "${t#*:}" >"$OUT/$(workname "$t").nokernel.json"
        RES[$t]=$OUT/$(workname "$t").nokernel.json; continue
    fi
    if [ -n "${MISSING[$arch]:-}" ]; then
        if [ $SKIP_MISSING = 1 ]; then skipped=$((skipped + 1)); unset "RES[$t]"; continue; fi
        printf '{"target":"%s","manifest":{},"row":{"arch":"%s","series":"%s","release":"%s"},"asserts":[{"name":"xdpcount binary for %s","ok":false,"detail":%s}],"pass":false,"log":"-"}\n' \
            "$t" "$arch" "${t#*:}" "$(sed -n 's/^release=//p' "${KDIR[${t%+jit}]}/manifest")" "$arch" \
            "$(python3 -c 'import json,sys;print(json.dumps(sys.argv[1]))' "${MISSING[$arch]}")" \
            >"$OUT/$(workname "$t").nobin.json"
        RES[$t]=$OUT/$(workname "$t").nobin.json; continue
    fi
    rm -f "$OUT/$(workname "$t")".no*.json
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
    boot "$t" &
    running=$((running + 1))
    
done
wait
T1=$(date +%s.%N)
results=()
for t in "${boots[@]}"; do [ -z "${RES[$t]:-}" ] || results+=("${RES[$t]}"); done

echo "kernel packages:"
for t in "${targets[@]}"; do
    [ -n "${KDIR[$t]:-}" ] || continue
    m=${KDIR[$t]}/manifest
    printf '  %-13s %s %s (%s, %s)\n' "$t" "$(sed -n 's/^package=//p' "$m")" \
        "$(sed -n 's/^version=//p' "$m")" "$(sed -n 's/^suite=//p' "$m")" "$(sed -n 's/^kernel_format=//p' "$m")"
done
for a in $arches; do echo "binary $a: ${BIN[$a]}"; done
echo
for r in "${results[@]}"; do
    [ -e "$r" ] || printf '{"target":"?","manifest":{},"row":{"arch":"?","series":"?"},"asserts":[{"name":"boot produced a result","ok":false,"detail":"%s missing"}],"pass":false,"log":"-"}\n' "$r" >"$r"
done
python3 "$HERE/ktool.py" table --skipped "$skipped" "${results[@]}" >"$OUT/summary.txt"
status=$?
head -n -1 "$OUT/summary.txt"
if [ $VERBOSE = 1 ]; then
    for r in "${results[@]}"; do
        l=$(python3 -c 'import json,sys;r=json.load(open(sys.argv[1]));print("" if r["pass"] else r["log"])' "$r")
        [ -n "$l" ] && [ -e "$l" ] && { echo "---- $l"; tail -n 60 "$l"; }
    done
fi
printf 'times: fetch %.1fs, boots %.1fs, total %.1fs (logs in %s)\n' \
    "$(awk "BEGIN{print $TF1 - $TF0}")" "$(awk "BEGIN{print $T1 - $TF1}")" "$(awk "BEGIN{print $T1 - $T0}")" "$OUT"
tail -n 1 "$OUT/summary.txt"
exit $status
