#!/bin/sh
# tests/kernels/guest/neighbour.sh VERSION [ARG...] - issue 21's scenarios
# in a kernel-matrix guest: xdpcount beside Debian's own xdp-loader VERSION
# (libxdp's multi-program protocol), on a veth pair of a network namespace of
# its own (run.sh runs it under busybox unshare -n). It judges nothing: it
# prints what it saw, one "fact VERSION SCENARIO KEY VALUE..." line each,
# and ktool.py report judges them. ARGs go to the xdpcount that comes first
# (before any xdp-loader program); without them it runs as an operator
# would, with no --attach: auto holds the hook through a dispatcher of the
# version of the libxdp installed (2 for libxdp 1.3-1.5, 3 for 1.6: each
# refuses the other's), which it reads from the library's name.
#
# In the guest: /bin/busybox, /xdpcount, /tools/{sendframes,rxcount},
# /guest/{drop_odd,pass,dispatcher_v9}.o and /xt/VERSION/ (sbin/xdp-loader,
# its lib/ and ELF interpreter named in ld, libxdp's bpf/ objects, and
# libxdp1's libxdp.so.1.N.M with the directory it installs it in, libdir).
#
# The frames: N frames of sendframes out of veth1, which arrive at veth0,
# where the programs are. drop_odd.o drops the odd sequence numbers; rxcount
# on veth0 counts what every program passed.
#
# Scenarios (issue 21's acceptance, (a)-(d)):
#   base  xdp-loader alone: load drop_odd and pass, both in its dispatcher
#   a     xdpcount first, then xdp-loader load; xdpcount stops (TERM)
#   b     xdp-loader load first, then xdpcount; xdpcount stops (TERM)
#   c1    xdpcount first, xdp-loader load, kill -9 xdpcount, xdpcount detach
#   c2    xdp-loader load first, xdpcount, kill -9, a new xdpcount run
#   d9    a dispatcher of unknown version (9), attached alone, then xdpcount
#   dp    a plain program (not in a dispatcher), then xdpcount
#   f     xdpcount first, then xdp-filter load (the issue's own example)
#   s1    xdpcount --attach shared first (the shipped units), then xdp-loader
#   s2    xdp-loader load first, then xdpcount --attach shared
V=$1
shift
[ -e /bin/sh ] || /bin/busybox --install -s /bin
export PATH=/bin:/tools
X=/xt/$V
W=/tmp/neighbour-$V
N=200
S=-
rm -rf "$W"
mkdir -p "$W"
# no IPv6: no router or neighbour solicitations on the veths beside the frames
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6

fact() { echo "fact $V $S $*"; }

xt() {  # TOOL ARGS: xdp-loader or xdp-filter of this version
	t=$1
	shift
	LIBXDP_OBJECT_PATH=$X/bpf "$X/lib/$(cat "$X/ld")" --library-path "$X/lib" "$X/sbin/$t" "$@"
}
xl() { xt xdp-loader "$@"; }

# lines FILE KEY: every line of FILE as a fact KEY LINE.
lines() { while IFS= read -r l; do fact "$2" "$l"; done <"$1"; }

# wait_for FILE PATTERN TENTHS: until FILE has a line matching PATTERN.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le "$3" ] || return 1
		sleep 0.1
	done
}

fresh() {
	S=$1
	ip link del veth1 2>/dev/null
	if ! { ip link add veth1 type veth && ip link set veth0 up && ip link set veth1 up; }; then
		fact setup_failed 1
	fi
}

status() {  # fact KEY: xdp-loader status of veth0 (its rc, then each line)
	xl status veth0 >"$W/st" 2>&1
	fact "$1_rc" $?
	lines "$W/st" "$1"
}

xstatus() {  # KEY: xdpcount status of veth0 (its rc, then each line)
	/xdpcount status veth0 >"$W/xst" 2>&1
	fact "$1_rc" $?
	lines "$W/xst" "$1"
}

load() {  # KEY OBJ [ARGS]: xdp-loader load veth0 OBJ
	k=$1 o=$2
	shift 2
	xl load "$@" veth0 "$o" >"$W/ld" 2>&1
	fact "$k" $?
	lines "$W/ld" "$k-out"
}

# traffic KEY: N frames out of veth1; facts KEY sent N, KEY rx frames N odd N even N lost N.
traffic() {
	rm -f "$W/rx"
	rxcount veth0 >"$W/rx" 2>"$W/rx.err" &
	rp=$!
	wait_for "$W/rx" ready 50 || fact "$1_rx_not_ready" 1
	fact "$1_sent" "$(sendframes veth1 $N 2>"$W/tx.err")"
	sleep 0.3
	kill -TERM $rp
	wait $rp
	fact "$1_rx" "$(grep frames "$W/rx")"
	lines "$W/rx.err" "$1_rx_err"
	lines "$W/tx.err" "$1_tx_err"
}

xc_start() {  # KEY ARGS: xdpcount -j ARGS veth0 in the background, until attached
	k=$1
	shift
	rm -f "$W/$k.out"
	/xdpcount -j -i 0.2 "$@" veth0 >"$W/$k.out" 2>"$W/$k.err" &
	xp=$!
	if wait_for "$W/$k.out" '"event":"attached"' 300; then
		fact "${k}_plan" "$(grep '"event":"plan"' "$W/$k.out" | head -n1)"
		fact "${k}_attached" "$(grep '"event":"attached"' "$W/$k.out" | head -n1)"
	else
		fact "${k}_attached" none
		lines "$W/$k.err" "${k}_err"
	fi
}

# xc_counted KEY WANT: waits (up to 10 s) for a stats event of WANT packets.
xc_counted() {
	wait_for "$W/$1.out" "\"packets\":$2[,}]" 100
}

# xc_counted_path KEY: as xc_counted, for what its path sees: every frame
# at XDP, what drop_odd passed at tc (the judge asks which it should be),
# so that where no dispatcher can be, b and c2 do not wait the 10 s out.
xc_counted_path() {
	if grep -q '"hook":"xdp"' "$W/$1.out"; then xc_counted "$1" $N; else xc_counted "$1" $((N / 2)); fi
}

xc_stop() {  # KEY SIGNAL: stops xdpcount; facts KEY_rc, the detached event, stderr
	kill "-$2" $xp
	wait $xp
	fact "$1_rc" $?
	fact "$1_detached" "$(grep '"event":"detached"' "$W/$1.out" | tail -n1)"
	lines "$W/$1.err" "$1_err"
}

# loader_first SCENARIO ARGS: xdp-loader load first, then xdpcount ARGS
# (b and s2).
loader_first() {
	fresh "$1"
	shift
	load load /guest/drop_odd.o
	status before
	xc_start xc "$@"
	status status
	traffic t
	xc_counted_path xc
	xc_stop xc TERM
	status after
	traffic t2
	xl unload --all veth0 >/dev/null 2>&1
}

fact info "$(xl 2>&1 | head -n1)"
fact first_args "$*"

# libxdp installed as Debian's libxdp1 installs it: libxdp.so.1.N.M in its
# multiarch directory with the libxdp.so.1 link beside it (removed at the
# end, before the next version's run).
LD=
if [ -s "$X/libdir" ]; then
	LD=/$(cat "$X/libdir")
	mkdir -p "$LD"
	for l in "$X"/lib/libxdp.so.1.*; do
		[ -e "$l" ] || continue
		ln -sf "$l" "$LD/${l##*/}"
		ln -sf "${l##*/}" "$LD/libxdp.so.1"
		fact libxdp "$LD/${l##*/}"
	done
fi

# base: xdp-loader alone builds its dispatcher with both programs.
fresh base
load load1 /guest/drop_odd.o
load load2 /guest/pass.o
status status
traffic t
xl unload --all veth0 >"$W/ul" 2>&1
fact unload $?
status after

# (a) xdpcount first, then xdp-loader.
fresh a
xc_start xc "$@"
load load /guest/drop_odd.o
status status
xstatus xstatus
traffic t
xc_counted xc $N
xc_stop xc TERM
status after
traffic t2
xl unload --all veth0 >/dev/null 2>&1

# (b) xdp-loader first, then xdpcount.
loader_first b

# (s1) xdpcount --attach shared first (what the shipped units and DaemonSet
# run), then xdp-loader: never the reason it cannot load, on any kernel.
fresh s1
xc_start xc --attach shared
load load /guest/drop_odd.o
status status
traffic t
xc_counted_path xc
xc_stop xc TERM
status after
traffic t2
xl unload --all veth0 >/dev/null 2>&1

# (s2) xdp-loader first, then xdpcount --attach shared.
loader_first s2 --attach shared

# (c1) xdpcount first, xdp-loader, kill -9, detach.
fresh c1
xc_start xc "$@"
load load /guest/drop_odd.o
xc_stop xc KILL
status killed
xstatus xkilled
/xdpcount detach veth0 >"$W/det" 2>&1
fact detach $?
lines "$W/det" detach-out
status after
traffic t
xl unload --all veth0 >/dev/null 2>&1

# (c2) xdp-loader first, xdpcount, kill -9, a new run.
fresh c2
load load /guest/drop_odd.o
xc_start xc
xc_stop xc KILL
status killed
xc_start xc2
status status
traffic t
xc_counted_path xc2
xc_stop xc2 TERM
status after
xl unload --all veth0 >/dev/null 2>&1

# behind SCENARIO OBJ PASSED: OBJ attached alone (not in a dispatcher of
# xdp-loader's), then xdpcount, which should count PASSED frames behind it.
behind() {
	fresh "$1"
	export LIBXDP_SKIP_DISPATCHER=1
	load load "$2"
	unset LIBXDP_SKIP_DISPATCHER
	status before
	xc_start xc
	traffic t
	xc_counted xc "$3"
	xc_stop xc TERM
	status after
	xl unload --all veth0 >/dev/null 2>&1
}

# (d9) a dispatcher of a version xdpcount does not know; (dp) a plain program.
behind d9 /guest/dispatcher_v9.o $N
behind dp /guest/drop_odd.o $((N / 2))
# (f) xdpcount first, then xdp-filter (its default: allow, every feature).
fresh f
xc_start xc "$@"
xt xdp-filter load veth0 >"$W/xf" 2>&1
fact load $?
lines "$W/xf" load-out
status status
traffic t
xc_counted xc $N
xc_stop xc TERM
status after
xt xdp-filter unload veth0 >"$W/xf" 2>&1
fact unload $?
lines "$W/xf" unload-out
status gone

ip link del veth1 2>/dev/null
[ -z "$LD" ] || rm -f "$LD"/libxdp.so.1*
S=-
fact "done" 1
