#!/usr/bin/env bash
# ci/apt-private.sh - fetch Debian source/binary packages through a PRIVATE apt
# configuration (own sources list, lists dir, cache dir, empty dpkg status),
# so that the system's sources.list is never modified and the system never
# sees another suite's (or another architecture's) packages.
#
# The archive URIs are not hard-coded: they are read at run time from the
# system's own apt sources (deb822 *.sources or classic *.list) - the entry
# that serves the system's own codename (e.g. "bookworm") for the archive, the
# one serving "<codename>-security" for the security archive. This is the
# project's one parser of the system's apt sources. Set XDPCOUNT_DEBIAN_URI to
# override the archive.
#
# Usage:
#   apt-private.sh source  OUTDIR SUITE PKG...      apt-get source --download-only PKG/SUITE
#   apt-private.sh download OUTDIR SUITE DEBARCH PKG...  apt-get download PKG:DEBARCH/SUITE
#   apt-private.sh uri [SUITE]                       print the archive URI (of the
#                                                    entry serving SUITE)
#   apt-private.sh sources                           print "ARCHIVE_URI SECURITY_URI KEYRING"
#   apt-private.sh config [OPTIONS] NAME DEBARCH[,DEBARCH...] deb|deb-src SUITE...
#                     set up (and update when due) the private configuration
#                     NAME and print its APT_CONFIG path; its lists are fresh
#                     when NAME's 'updated' file (next to it) is. Options:
#       --updates     also SUITE-updates and SUITE-security (deb only)
#       --no-valid-until
#                     accept the suites' Release files past their Valid-Until
#                     (check-valid-until=no on this private configuration's
#                     entries only; the system's apt is untouched). For sid,
#                     whose Release the mirror reachable here serves expired;
#                     the signatures are still checked.
#       --archives D  downloaded .debs go to D (default: NAME's own cache)
#       --ttl S       update only when the lists are older than S seconds
#                     (default: only when the configuration changed)
#       --refresh     update now
#       --offline     never update (also XDPCOUNT_OFFLINE=1): the lists must
#                     be there (source and download refuse to run offline)
#     An index that fails to download (one architecture of a dist mid-sync)
#     makes apt drop the whole dist: such (dist, arch) pairs are left out,
#     said so, and the update retried, so that the other architectures stay
#     usable; they are tried again at the next update.
#
# Everything lives under ${XDPCOUNT_CACHE:-$HOME/.cache/xdpcount}/apt/<name>/.
set -euo pipefail

ME=apt-private.sh  # for ci/lib.sh's log and die
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KEYRING_DEFAULT=/usr/share/keyrings/debian-archive-keyring.gpg

# Print "URI KEYRING" of the system's apt entry that serves SUITE (default: the
# system's own codename, i.e. the main Debian archive).
system_archive() {
	if [ -n "${XDPCOUNT_DEBIAN_URI:-}" ] && [ -z "${1:-}" ]; then
		echo "$XDPCOUNT_DEBIAN_URI $KEYRING_DEFAULT"; return
	fi
	local codename=${1:-} sl sp f
	[ -n "$codename" ] || codename=$(system_codename)
	# ask apt (without our private config) where the system's lists are
	eval "$(env -u APT_CONFIG apt-config shell sl Dir::Etc::sourcelist/f sp Dir::Etc::sourceparts/d)"
	sl=${sl:-/etc/apt/sources.list}; sp=${sp:-/etc/apt/sources.list.d/}
	{
		for f in "$sp"*.sources; do
			[ -f "$f" ] || continue
			awk -v cn="$codename" '
			function flush() {
				if (types ~ /(^| )deb(-src)?( |$)/ && enabled != "no" && (" " suites " ") ~ (" " cn " ") && uris != "") {
					split(uris, u, " "); k = signedby
					if (k !~ /^\//) k = ""
					print u[1], k
				}
				types = suites = uris = signedby = ""; enabled = "yes"; last = ""
			}
			BEGIN { enabled = "yes" }
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ { next }  # continuation line (e.g. inline key)
			{
				key = tolower($1); sub(/:.*/, "", key)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				gsub(/[ \t]+/, " ", val)
				if (key == "types") types = val
				else if (key == "suites") suites = val
				else if (key == "uris") uris = val
				else if (key == "signed-by") signedby = val
				else if (key == "enabled") enabled = tolower(val)
			}
			END { flush() }' "$f"
		done
		for f in "$sl" "$sp"*.list; do
			[ -f "$f" ] || continue
			awk -v cn="$codename" '
			/^[ \t]*deb(-src)?[ \t]/ {
				line = $0; sb = ""
				if (match(line, /\[[^]]*\]/)) {
					opts = substr(line, RSTART + 1, RLENGTH - 2)
					line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
					n = split(opts, o, /[ \t]+/)
					for (i = 1; i <= n; i++) if (o[i] ~ /^signed-by=/) { sb = o[i]; sub(/^signed-by=/, "", sb) }
				}
				split(line, w, /[ \t]+/)
				if (w[3] == cn) print w[2], sb
			}' "$f"
		done
	} | awk 'NF { sub(/\/+$/, "", $1); if ($2 == "") $2 = "'"$KEYRING_DEFAULT"'"; print; exit }' | grep . \
		|| die "no apt source for the system suite '$codename' found in $sl or $sp (set XDPCOUNT_DEBIAN_URI)"
}

system_codename() {
	local c
	c=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$c" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
	echo "$c"
}

# "ARCHIVE SECURITY KEYRING": the security archive is the entry serving
# <codename>-security, else <archive>-security when the archive ends in /debian.
do_sources() {
	local uri key sec codename
	read -r uri key < <(system_archive)
	codename=$(system_codename)
	sec=$( (system_archive "$codename-security" 2>/dev/null || true) | cut -d' ' -f1)
	if [ -z "$sec" ]; then
		case $uri in */debian) sec=$uri-security ;; *) sec=- ;; esac
	fi
	echo "$uri $sec $key"
}

# config NAME ARCHES(comma) TYPE SUITE... (options in the globals UPDATES,
# ARCHIVES, TTL, REFRESH, OFFLINE) -> prints the APT_CONFIG path. Callers
# hold NAME's lock (see with_lock).
config() {
	local name=$1 archs=$2 type=$3; shift 3
	local d=$CACHE/apt/$name uri key sec s a dists=() spec dist keep changed=0 age
	read -r uri sec key < <(do_sources)
	mkdir -p "$d"/{sources.list.d,preferences.d,apt.conf.d,lists/partial,cache/archives/partial,state}
	[ -f "$d/state/status" ] || : > "$d/state/status"
	{
		echo "// generated by ci/apt-private.sh - private apt configuration"
		echo "Dir::Etc::sourcelist \"$d/sources.list\";"
		echo "Dir::Etc::sourceparts \"$d/sources.list.d\";"
		echo "Dir::Etc::preferences \"$d/preferences\";"
		echo "Dir::Etc::preferencesparts \"$d/preferences.d\";"
		echo "Dir::Etc::parts \"$d/apt.conf.d\";"
		echo "Dir::State \"$d/state\";"
		echo "Dir::State::Lists \"$d/lists\";"
		echo "Dir::State::status \"$d/state/status\";"
		echo "Dir::Cache \"$d/cache\";"
		echo "Dir::Cache::archives \"${ARCHIVES:-$d/cache/archives}\";"
		echo "APT::Architecture \"${archs%%,*}\";"
		printf 'APT::Architectures {'; for a in ${archs//,/ }; do printf ' "%s";' "$a"; done; echo ' };'
		echo 'APT::Sandbox::User "root";'
		echo 'Acquire::Languages "none";'
		echo 'Acquire::Retries "2";'
		echo 'Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";'
	} > "$d/apt.conf.new"
	for s in "$@"; do
		dists+=("$uri $s")
		if [ "$UPDATES" = 1 ] && [ "$type" = deb ]; then
			dists+=("$uri $s-updates")
			[ "$sec" = - ] || dists+=("$sec $s-security")
		fi
	done
	write_sources() {  # leaves out the (dist, arch) pairs in $d/exclude
		for spec in "${dists[@]}"; do
			dist=${spec#* } keep=
			if [ "$type" = deb ]; then
				for a in ${archs//,/ }; do
					grep -qx "$dist $a" "$d/exclude" 2>/dev/null || keep="$keep${keep:+,}$a"
				done
				[ -z "$keep" ] || echo "deb [${VALID}arch=$keep signed-by=$key] ${spec%% *} $dist main"
			else
				echo "deb-src [${VALID}signed-by=$key] ${spec%% *} $dist main"
			fi
		done > "$d/sources.list.new"
		mv "$d/sources.list.new" "$d/sources.list"
	}
	# what was asked (without exclusions) decides whether the lists are stale
	printf '%s\n' "$type $archs${VALID:+ no-valid-until}" "${dists[@]}" > "$d/request.new"
	cmp -s "$d/apt.conf.new" "$d/apt.conf" || changed=1
	cmp -s "$d/request.new" "$d/request" || changed=1
	mv "$d/apt.conf.new" "$d/apt.conf"; mv "$d/request.new" "$d/request"
	if [ $changed = 1 ]; then rm -f "$d/updated" "$d/exclude"; fi
	if [ ! -f "$d/sources.list" ] || [ $changed = 1 ]; then write_sources; fi

	if [ "$OFFLINE" = 1 ]; then
		[ -e "$d/updated" ] || die "offline, and no package lists cached for $name ($*)"
		echo "$d/apt.conf"; return
	fi
	if [ -e "$d/updated" ] && [ "$REFRESH" = 0 ]; then
		age=$(( $(date +%s) - $(stat -c %Y "$d/updated") ))
		if [ -z "$TTL" ] || [ "$age" -lt "$TTL" ]; then echo "$d/apt.conf"; return; fi
	fi
	log "updating the package lists of $name ($*)"
	rm -f "$d/updated" "$d/exclude"; write_sources
	if ! APT_CONFIG=$d/apt.conf apt-get -q update > "$d/update.log" 2>&1; then
		sed -n 's|^E: Failed to fetch .*/dists/\([^/]*\)/[^/]*/binary-\([a-z0-9]*\)/.*|\1 \2|p' \
			"$d/update.log" | sort -u > "$d/exclude"
		if [ -s "$d/exclude" ]; then
			log "warning: $name: indexes failed to download, left out: $(tr '\n' ';' < "$d/exclude")"
			write_sources
			APT_CONFIG=$d/apt.conf apt-get -q update > "$d/update.log" 2>&1 || true
		fi
		if grep -q '^E: ' "$d/update.log"; then
			if ls "$d/lists/"*_Packages "$d/lists/"*_Sources > /dev/null 2>&1; then
				log "warning: apt-get update for $name had errors; using the lists it got:"
				grep '^E: ' "$d/update.log" | sed 's/^/    /' >&2 || true
			else
				cat "$d/update.log" >&2
				die "apt-get update failed on the private config $d/apt.conf"
			fi
		fi
	fi
	touch "$d/updated"
	echo "$d/apt.conf"
}

with_lock() {
	local name=$1; shift
	mkdir -p "$CACHE/apt"
	exec 8>"$CACHE/apt/$name.lock"
	flock 8
	"$@"
}

UPDATES=0 ARCHIVES='' TTL='' REFRESH=0 OFFLINE=${XDPCOUNT_OFFLINE:-0} VALID=''

do_source() {
	local out=$1 suite=$2; shift 2
	local conf p args=() native
	native=$(dpkg --print-architecture)
	for p in "$@"; do args+=("$p/$suite"); done
	[ "$OFFLINE" = 0 ] || die "offline (XDPCOUNT_OFFLINE=1): cannot fetch the source of ${args[*]}"
	conf=$(config "src-$suite" "$native" deb-src "$suite")
	mkdir -p "$out"
	if ! (cd "$out" && APT_CONFIG=$conf apt-get -q source --download-only "${args[@]}" >&2); then
		# stale lists (file gone from the pool): refresh once and retry
		REFRESH=1 conf=$(config "src-$suite" "$native" deb-src "$suite")
		(cd "$out" && APT_CONFIG=$conf apt-get -q source --download-only "${args[@]}" >&2) \
			|| die "apt-get source ${args[*]} failed"
	fi
}

do_download() {
	local out=$1 suite=$2 arch=$3; shift 3
	local conf p args=()
	for p in "$@"; do args+=("$p:$arch/$suite"); done
	[ "$OFFLINE" = 0 ] || die "offline (XDPCOUNT_OFFLINE=1): cannot download ${args[*]}"
	conf=$(config "bin-$arch-$suite" "$arch" deb "$suite")
	mkdir -p "$out"
	if ! (cd "$out" && APT_CONFIG=$conf apt-get -q download "${args[@]}" >&2); then
		REFRESH=1 conf=$(config "bin-$arch-$suite" "$arch" deb "$suite")
		(cd "$out" && APT_CONFIG=$conf apt-get -q download "${args[@]}" >&2) \
			|| die "apt-get download ${args[*]} failed"
	fi
}

cmd=${1:-}; shift || true
case $cmd in
	source)   [ $# -ge 3 ] || die "usage: source OUTDIR SUITE PKG..."; with_lock "src-$2" do_source "$@" ;;
	download) [ $# -ge 4 ] || die "usage: download OUTDIR SUITE DEBARCH PKG..."; with_lock "bin-$3-$2" do_download "$@" ;;
	uri)      system_archive "${1:-}" | cut -d" " -f1 ;;
	sources)  do_sources ;;
	config)
		while [ $# -gt 0 ]; do
			case $1 in
			--updates) UPDATES=1 ;;
			--no-valid-until) VALID='check-valid-until=no ' ;;
			--archives) ARCHIVES=${2:?--archives needs a directory}; shift ;;
			--ttl) TTL=${2:?--ttl needs seconds}; shift ;;
			--refresh) REFRESH=1 ;;
			--offline) OFFLINE=1 ;;
			-*) die "config: unknown option $1" ;;
			*) break ;;
			esac
			shift
		done
		[ $# -ge 4 ] || die "usage: config [OPTIONS] NAME DEBARCH[,...] deb|deb-src SUITE..."
		case $3 in deb|deb-src) ;; *) die "config: type must be deb or deb-src, not '$3'" ;; esac
		with_lock "$1" config "$@" ;;
	*)        die "usage: apt-private.sh source|download|uri|sources|config ... (see its header)" ;;
esac
