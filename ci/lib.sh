# shellcheck shell=bash
# ci/lib.sh - sourced by the build and test scripts: the cache directory,
# logging, apt-get with a lock wait, and the arch table. Set ME to the
# script's name first. The test scripts' assertions are tests/lib.sh's.
# shellcheck source=ci/cache.sh
. "$(dirname "${BASH_SOURCE[0]}")/cache.sh"
: "${ME:=$(basename "$0")}"

log() { echo "$ME: $*" >&2; }
die() { echo "$ME: $*" >&2; exit 1; }

# apt_retry ARGS...: apt-get ARGS, waiting while another apt/dpkg run holds a
# lock (up to about 5 minutes); other failures return at once.
apt_retry() {
	local i rc err
	err=$(mktemp)
	for i in $(seq 1 150); do
		rc=0
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2> "$err" || rc=$?
		cat "$err" >&2
		[ $rc != 0 ] || break
		grep -q 'Could not get lock\|Unable to lock\|Unable to acquire' "$err" || break
		log "apt is busy, waiting ($i)"; sleep 2
	done
	rm -f "$err"
	return $rc
}

# apt_install PKG...: installs the packages that are missing (as root), with
# one apt-get update first when something must be installed.
apt_install() {
	local p need=()
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing packages (${need[*]}) and not root"
	log "installing ${need[*]}"
	apt_retry -q update || log "warning: apt-get update reported errors, trying the install anyway"
	apt_retry -q install -y --no-install-recommends "${need[@]}"
}

# ---------------------------------------------------------------- arches
# The arch table, ci/arches (XDPCOUNT_ARCHES_FILE overrides, for tests).
ARCHES_FILE=${XDPCOUNT_ARCHES_FILE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/arches}
ARCH_FIELDS="NAME RELEASE DEBARCH OCI RPM UNAME GNU MUSL MUSLSRC QEMU QSYS QPKG MACHINE CONSOLE FLAVOUR KIMAGE ELF ORDER KERNELS"

# _arch_rows KIND: the table's rows of that kind ("arch" rows or "series"),
# fields trimmed, '|'-separated.
_arch_rows() {
	awk -F'|' -v kind="$1" '
	/^[ \t]*(#|$)/ { next }
	{
		for (i = 1; i <= NF; i++) gsub(/^[ \t]+|[ \t]+$/, "", $i)
		if ((kind == "series") != ($1 == "series")) next
		s = $1; for (i = 2; i <= NF; i++) s = s "|" $i; print s
	}' "$ARCHES_FILE"
}

# arch_list: the arches of the table, in its order; arch_list_release
# required|wanted: those of that release class.
arch_list() { arch_list_release ""; }
arch_list_release() {
	_arch_rows arch | awk -F'|' -v r="$1" 'r == "" || $2 == r { print $1 }' | tr '\n' ' ' | sed 's/ $//'
}

# arch_load ARCH: sets A_NAME A_RELEASE A_DEBARCH A_OCI A_RPM A_UNAME A_GNU A_MUSL A_MUSLSRC
# A_QEMU A_QSYS A_QPKG A_MACHINE A_CONSOLE A_FLAVOUR A_KIMAGE A_ELF A_ORDER A_KERNELS
# ('-' becomes empty) and A_ROW (the row as written); returns 1 for an arch
# the table does not have.
arch_load() {
	local row f v rest
	row=$(_arch_rows arch | awk -F'|' -v a="$1" '$1 == a')
	[ -n "$row" ] || return 1
	# shellcheck disable=SC2034 # for the caller
	A_ROW=$row rest=$row
	for f in $ARCH_FIELDS; do
		v=${rest%%|*}; rest=${rest#*|}
		[ "$v" = - ] && v=
		printf -v "A_$f" %s "$v"
	done
}

# arch_need ARCH: arch_load or die naming the known arches.
arch_need() {
	arch_load "$1" || die "unknown arch '$1' (ci/arches has: $(arch_list))"
}

# series_suite SERIES: the Debian suite serving that kernel series.
series_suite() {
	_arch_rows series | awk -F'|' -v s="$1" '$2 == s { print $3; f = 1 } END { exit !f }'
}

# suite_kind SUITE: 'stable' or 'unstable', from the series rows serving it.
suite_kind() {
	_arch_rows series | awk -F'|' -v s="$1" '$3 == s { print $4; f = 1; exit } END { exit !f }'
}
