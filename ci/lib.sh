# shellcheck shell=bash
# ci/lib.sh - sourced by the build and test scripts: the cache directory,
# logging, and apt-get with a lock wait. Set ME to the script's name first.
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
