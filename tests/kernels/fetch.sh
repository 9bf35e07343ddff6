#!/bin/bash
# tests/kernels/fetch.sh - fetch Debian kernel images for the kernel matrix.
#
# Usage: fetch.sh [--refresh|--offline] [TARGET...]
#        fetch.sh [--refresh|--offline] --tools ARCH...
#   TARGET is ARCH:SERIES (default: the whole matrix, i.e. every arch of
#   ci/arches with each series of its 'kernels' field). For every target it
#   prints one line "TARGET DIR" where DIR holds the extracted kernel, veth.ko
#   (+ deps) and a 'manifest' file (key=value) recording the exact package used.
#   --tools: the guest tools of tests/kernels/guest-tools.lock instead (each
#   suite's xdp-loader with its shared libraries, busybox), through the same
#   private APT of each suite: one line "ARCH SUITE DIR" for every suite the
#   lock has packages of for ARCH, DIR holding sbin/, lib/ (the ELF
#   interpreter and every library the binaries need), bpf/ (libxdp's
#   objects), bin/busybox where the suite's lines have it, and a manifest
#   (package version sha256 per line).
#
# Everything goes through a private APT_CONFIG per suite (ci/apt-private.sh
# config kernels-<suite>: own sources list with -updates and -security for a
# stable suite; for an unstable one (sid) neither, and its Release accepted
# past its Valid-Until, in that private APT only; lists, status;
# APT::Architectures = the Debian arches of ci/arches that boot a kernel of
# that suite; indexes that fail to download left out) under
#   ${XDPCOUNT_CACHE:-$HOME/.cache/xdpcount}/apt/kernels-<suite>/
# and the kernels in ${XDPCOUNT_CACHE:-$HOME/.cache/xdpcount}/kernels/.
# The archive URIs are read at run time from the system's apt sources; the
# system's configuration is never modified.  The newest ABI package each suite
# serves is resolved at run time from the metapackage (linux-image-<flavour>).
# Both packagings are read: the kernel, its config and modules in the
# linux-image package (/boot/vmlinuz-*, up to 6.x), or (7.x) a small
# linux-image package whose dependencies linux-binary-* (the kernel,
# /usr/lib/modules/<release>/vmlinuz), linux-modules-* and linux-base-*
# (/usr/lib/modules/<release>/config) are downloaded with it.
#
# Env: XDPCOUNT_CACHE       cache root (default ~/.cache/xdpcount)
#      XDPCOUNT_KERNELS_TTL seconds before package lists are refreshed (21600)
#      XDPCOUNT_OFFLINE=1   never contact the archive; use cached lists/debs
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ME=fetch  # for ci/lib.sh's log and die
# shellcheck source=ci/lib.sh
. "$HERE/../../ci/lib.sh"
KCACHE=$CACHE/kernels
TTL=${XDPCOUNT_KERNELS_TTL:-21600}
OFFLINE=${XDPCOUNT_OFFLINE:-0}
REFRESH=0
DEFAULT_TARGETS=$(for a in $(arch_list); do arch_load "$a"; for s in $A_KERNELS; do printf '%s:%s ' "$a" "$s"; done; done)

targets=() TOOLS=0
while [ $# -gt 0 ]; do
    case "$1" in
        --refresh) REFRESH=1 ;;
        --offline) OFFLINE=1 ;;
        --tools) TOOLS=1 ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *:*) targets+=("$1") ;;
        *) if [ $TOOLS = 1 ]; then targets+=("$1"); else die "bad argument: $1"; fi ;;
    esac
    shift
done
[ ${#targets[@]} -gt 0 ] || [ $TOOLS = 1 ] || read -r -a targets <<<"$DEFAULT_TARGETS"

suite_of() { series_suite "$1" || die "unknown kernel series $1 (ci/arches has no series row for it)"; }
# suite_debarches SUITE: the Debian arches that boot a kernel of SUITE, comma-separated.
suite_debarches() {
    local a s out=""
    for a in $(arch_list); do
        arch_load "$a"
        for s in $A_KERNELS; do
            [ "$(suite_of "$s")" = "$1" ] && out="$out${out:+,}$A_DEBARCH"
        done
    done
    echo "$out"
}

# ---- private apt, one per suite (ci/apt-private.sh) -----------------------
# Its lists are refreshed after TTL; the .debs go to DEBS.
DEBS=$KCACHE/debs KDEBS=$KCACHE/debs
mkdir -p "$DEBS/partial"
declare -A CFG=()

apt_setup() {  # suite: sets CFG[suite] (the APT_CONFIG path)
    local suite=$1 opts=(--ttl "$TTL" --archives "$KDEBS") d kind
    kind=$(suite_kind "$suite")
    case $kind in
        stable) opts+=(--updates) ;;
        unstable) opts+=(--no-valid-until) ;;
        *) die "suite $suite: kind '$kind' is not stable or unstable (ci/arches series rows)" ;;
    esac
    [ "$OFFLINE" = 1 ] && opts+=(--offline)
    [ "$REFRESH" = 1 ] && opts+=(--refresh)
    CFG[$suite]=$("$HERE/../../ci/apt-private.sh" config "${opts[@]}" "kernels-$suite" \
        "$(suite_debarches "$suite")" deb "$suite") || die "no package lists for $suite"
    d=$(dirname "${CFG[$suite]}")
    # downloads that failed are retried once the lists are refreshed
    [ ! "$d/updated" -nt "$d/failed" ] || rm -f "$d/failed"
}

# Candidates (newest first): the ABI package the metapackage depends on, then
# every other ABI of the same series and flavour the index offers (no rt/cloud
# flavours), each signed image followed by its -unsigned twin (same build).
# series_re SERIES: the release's regex of a series: 6.12 -> 6\.12\.[0-9]+,
# 7.x -> 7\.[0-9]+\.[0-9]+ (any 7.*).
series_re() {
    case $1 in
        *.x) echo "${1%.x}\\.[0-9]+\\.[0-9]+" ;;
        *) echo "${1//./\\.}\\.[0-9]+" ;;
    esac
}

candidates() {  # suite debarch flavour series
    local suite=$1 da=$2 fl=$3 series=$4 cfg=${CFG[$1]} meta dep sre
    sre=$(series_re "$series")
    meta=linux-image-$fl
    dep=$(APT_CONFIG=$cfg apt-cache show --no-all-versions "$meta:$da" 2>/dev/null |
          sed -n 's/^Depends: //p' | tr ',' '\n' |
          sed -n "s/^ *\(linux-image-[0-9][^ ]*-$fl\)\( .*\)\?$/\1/p" | head -n1)
    [ -n "$dep" ] || die "$suite: metapackage $meta:$da has no linux-image dependency"
    grep -qE "^linux-image-$sre" <<<"$dep" || die "$suite: $meta:$da -> $dep is not series $series"
    {
        APT_CONFIG=$cfg apt-cache madison "$dep:$da" | awk -F'|' '{gsub(/ /,"",$1);sub(/:.*/,"",$1);gsub(/ /,"",$2);print $1, $2, 0}'
        APT_CONFIG=$cfg apt-cache pkgnames "linux-image-${series%x}" |
            sed "s/:$da\$//" | grep -E "^linux-image-$sre(-[0-9]+|\+deb[0-9]+)-$fl(-unsigned)?\$" | sort -u |
            while read -r p; do
                [ "$p" = "$dep" ] && continue
                APT_CONFIG=$cfg apt-cache madison "$p:$da" | awk -F'|' '{gsub(/ /,"",$1);sub(/:.*/,"",$1);gsub(/ /,"",$2);print $1, $2, 1}'
            done
    } | python3 "$HERE/ktool.py" sortcand --flavour "$fl"
}

complete() {  # dir: manifest (of the current extract version), kernel and modules all present
    local f
    grep -qx "extract=$(python3 -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import ktool; print(ktool.EXTRACT_VERSION)' "$HERE")" "$1/manifest" || return 1
    for f in $(sed -n 's/^kernel=//p; s/^modules=//p' "$1/manifest" | tr '\n' ' '); do
        [ -s "$1/$f" ] || return 1
    done
}

# The kernel's BPF JIT default (bpf_jit=, from the config in its package), for
# a manifest written without it (older extractions): added, not re-extracted.
ensure_facts() {  # dir
    local m=$1/manifest deb debs args=()
    grep -q '^bpf_jit=' "$m" && return 0
    read -r -a debs < <(sed -n 's/^deb=//p' "$m")
    for deb in "${debs[@]}"; do args+=(--deb="$DEBS/$deb"); done
    python3 "$HERE/ktool.py" kconfig "${args[@]}" >>"$m"
}

fetch_target() {  # arch series
    local line
    line=$(fetch_one "$@") || return 1
    ensure_facts "${line#* }" || { log "error: $1 $2: cannot read the kernel config"; return 1; }
    echo "$line"
}

# get_deb CFG DEBARCH SUITE PKG VER: the path of PKG=VER's .deb in DEBS,
# downloaded unless it is there; returns 1 (and says why) if it cannot be had.
get_deb() {
    local cfg=$1 da=$2 suite=$3 pkg=$4 ver=$5 deb
    # apt-get download's name: the epoch kept, its colon as %3a
    deb=$DEBS/${pkg}_${ver//:/%3a}_$da.deb
    [ -e "$deb" ] && { echo "$deb"; return 0; }
    [ "$OFFLINE" = 1 ] && { log "offline: $pkg $ver not cached"; return 1; }
    log "downloading $pkg=$ver ($da, $suite)"
    if ! (cd "$DEBS/partial" && APT_CONFIG=$cfg apt-get -qq download "$pkg:$da=$ver") >"$DEBS/partial/$pkg.log" 2>&1; then
        log "warning: download of $pkg=$ver failed; trying the next candidate"
        grep '^E: ' "$DEBS/partial/$pkg.log" | sed 's/^/    /' >&2
        return 1
    fi
    mv "$DEBS/partial/${pkg}_"*"_$da.deb" "$DEBS/" 2>/dev/null || true
    [ -e "$deb" ] || { log "warning: apt-get download of $pkg=$ver left no $(basename "$deb")"; return 1; }
    echo "$deb"
}

# deb_parts DEB: PKG=VER of each linux-binary-*, linux-modules-* and
# linux-base-* package that DEB depends on at an exact version (7.x
# packaging; none for a linux-image package that carries the kernel itself).
deb_parts() {
    dpkg-deb -f "$1" Depends | tr ',' '\n' |
        sed -n 's/^ *\(linux-\(binary\|modules\|base\)-[^ ]*\) *(= *\([^ )]*\))$/\1=\3/p'
}

fetch_one() {  # arch series
    local arch=$1 series=$2 suite da fl cfg out pkg ver deb debs part tries=0
    arch_load "$arch" || { log "error: unknown arch $arch (not in ci/arches)"; return 1; }
    suite=$(suite_of "$series"); da=$A_DEBARCH; fl=$A_FLAVOUR
    cfg=${CFG[$suite]}
    out=$KCACHE/$arch-$series
    # Resolved since the lists were last refreshed: nothing to do.
    if [ -e "$out/manifest" ] && [ "$out/manifest" -nt "$(dirname "$cfg")/updated" ] && complete "$out"; then
        echo "$arch:$series $out"; return 0
    fi
    local cands failed
    failed=$(dirname "$cfg")/failed
    cands=$(candidates "$suite" "$da" "$fl" "$series")
    [ -n "$cands" ] || { log "error: $arch $series: no candidate kernel package in $suite"; return 1; }
    while read -r pkg ver; do
        tries=$((tries + 1))
        # Already extracted?
        if [ -e "$out/manifest" ] && grep -qx "package=$pkg" "$out/manifest" &&
           grep -qx "version=$ver" "$out/manifest" && complete "$out"; then
            touch "$out/manifest"; echo "$arch:$series $out"; return 0
        fi
        # Failed to download since the last list refresh: skip.
        grep -qx "$pkg $ver" "$failed" 2>/dev/null && continue
        deb=$(get_deb "$cfg" "$da" "$suite" "$pkg" "$ver") || { echo "$pkg $ver" >>"$failed"; continue; }
        # 7.x: the kernel, its modules and config are in the packages the
        # (small) linux-image package depends on at its own version.
        debs=("$deb")
        for part in $(deb_parts "$deb"); do
            deb=$(get_deb "$cfg" "$da" "$suite" "${part%=*}" "${part#*=}") || { debs=(); break; }
            debs+=("$deb")
        done
        [ ${#debs[@]} -gt 0 ] || { echo "$pkg $ver" >>"$failed"; continue; }
        log "extracting $(for deb in "${debs[@]}"; do basename "$deb"; done | tr '\n' ' ')"
        if python3 "$HERE/ktool.py" extract --arch "$arch" "${debs[@]/#/--deb=}" --out "$out.new" \
               --package "$pkg" --version "$ver" --suite "$suite" --candidate "$tries"; then
            rm -rf "$out"; mv "$out.new" "$out"
            echo "$arch:$series $out"; return 0
        fi
        rm -rf "$out.new"
        log "warning: could not extract ${debs[*]}; trying the next candidate"
    done <<<"$cands"
    log "error: $arch $series: no usable kernel package (tried $tries)"; return 1
}

# ---- guest tools (--tools) ------------------------------------------------
LOCK=$HERE/guest-tools.lock
TCACHE=$CACHE/guest-tools
TREE=2  # 2: lib/libxdp.so.1.N.M and libdir

lock_lines() {  # [SUITE DEBARCH]: the lock's package lines (of that suite and arch)
    awk -v s="${1:-}" -v a="${2:-}" '/^[ \t]*(#|$)/ { next }
        NF != 5 { print "malformed: " $0 > "/dev/stderr"; exit 1 }
        s == "" || ($2 == s && $3 == a) { print $1, $2, $3, $4, $5 }' "$LOCK"
}

# index_sha CFG DEBARCH PKG VER: the SHA256 the suite's Packages index gives
# PKG:DEBARCH=VER (empty if the index has no such version).
index_sha() {
    APT_CONFIG=$1 apt-cache show "$3:$2=$4" 2>/dev/null | sed -n 's/^SHA256: //p' | head -n1
}

# tools_one ARCH SUITE: the tree of that suite's packages for ARCH.
tools_one() {
    local arch=$1 suite=$2 da cfg out pkg s a ver pin sha deb got debs=() man hash
    arch_load "$arch"; da=$A_DEBARCH
    cfg=${CFG[$suite]}
    out=$TCACHE/$arch-$suite
    # the lock's lines and the tree's layout (TREE: bumped when ktool.py
    # tooltree keeps something new) name the tree
    hash=$({ lock_lines "$suite" "$da"; echo "tree $TREE"; } | sha256sum | cut -c1-16)
    if [ -e "$out/manifest" ] && [ "$out/manifest" -nt "$(dirname "$cfg")/updated" ] &&
       grep -qx "lock $hash" "$out/manifest"; then
        echo "$arch $suite $out"; return 0
    fi
    man="lock $hash"
    while read -r pkg s a ver pin; do
        if [ "$ver" = - ]; then
            ver=$(APT_CONFIG=$cfg apt-cache show --no-all-versions "$pkg:$da" 2>/dev/null |
                  sed -n 's/^Version: //p' | head -n1)
            [ -n "$ver" ] || { log "error: $suite has no $pkg:$da"; return 1; }
        fi
        sha=$(index_sha "$cfg" "$da" "$pkg" "$ver")
        [ -n "$sha" ] || { log "error: $suite's index has no $pkg:$da=$ver (guest-tools.lock pins it)"; return 1; }
        if [ "$pin" != - ] && [ "$sha" != "$pin" ]; then
            log "error: $pkg:$da=$ver: $suite's Packages index says sha256 $sha, guest-tools.lock pins $pin"
            return 1
        fi
        deb=$(get_deb "$cfg" "$da" "$suite" "$pkg" "$ver") || return 1
        got=$(sha256sum "$deb" | cut -d' ' -f1)
        if [ "$got" != "$sha" ]; then
            mv -f "$deb" "$deb.bad"
            log "error: sha256 mismatch for $(basename "$deb"): got $got, the index says $sha (moved to $deb.bad)"
            return 1
        fi
        debs+=("$deb")
        if [ "$pin" = - ]; then man+=$'\n'"$pkg $ver $sha candidate"; else man+=$'\n'"$pkg $ver $sha pinned"; fi
    done < <(lock_lines "$suite" "$da")
    [ ${#debs[@]} -gt 0 ] || return 0
    log "unpacking the guest tools of $suite for $arch"
    python3 "$HERE/ktool.py" tooltree --out "$out.new" "${debs[@]/#/--deb=}" || { rm -rf "$out.new"; return 1; }
    printf '%s\n' "$man" >"$out.new/manifest"
    rm -rf "$out"; mv "$out.new" "$out"
    echo "$arch $suite $out"
}

fetch_tools() {  # ARCH...
    local arch suites s rc=0
    DEBS=$TCACHE/debs
    mkdir -p "$DEBS/partial"
    exec 9>"$TCACHE/.lock"
    flock -w 1800 9 || die "could not lock $TCACHE/.lock"
    lock_lines >/dev/null || die "$LOCK is malformed"
    for arch in "$@"; do
        arch_need "$arch"
        suites=$(lock_lines | awk -v a="$A_DEBARCH" '$3 == a { print $2 }' | sort -u)
        for s in $suites; do
            [ -n "${CFG[$s]:-}" ] || apt_setup "$s"
            tools_one "$arch" "$s" || { log "error: no guest tools of $s for $arch"; rc=1; }
        done
    done
    return $rc
}

if [ $TOOLS = 1 ]; then
    [ ${#targets[@]} -gt 0 ] || die "--tools needs an ARCH"
    fetch_tools "${targets[@]}"; exit
fi

# One fetch at a time per cache (run.sh from CI and by hand, say).
mkdir -p "$KCACHE"
exec 9>"$KCACHE/.lock"
flock -w 1800 9 || die "could not lock $KCACHE/.lock"

suites=$(for t in "${targets[@]}"; do suite_of "${t#*:}"; done | sort -u)
for s in $suites; do apt_setup "$s"; done
rc=0
for t in "${targets[@]}"; do
    fetch_target "${t%%:*}" "${t#*:}" || rc=1
done
# Drop downloads no extracted kernel refers to any more (superseded ABIs).
for deb in "$DEBS"/*.deb; do
    [ -e "$deb" ] || continue
    grep -qsE "^deb=(.* )?$(basename "$deb" | sed 's/[.+]/\\&/g')( |\$)" "$KCACHE"/*/manifest ||
        { log "pruning $(basename "$deb")"; rm -f "$deb"; }
done
rm -f "$DEBS/partial/"*.deb
exit $rc
