#!/usr/bin/env bash
# ci/deps.sh - build xdpcount's static third-party libraries (zlib, libelf
# from elfutils, libbpf) with the musl compiler of an arch, into a cache
# prefix outside the repository.
#
#   ci/deps.sh --print-prefix ARCH   print the prefix path (no side effects)
#   ci/deps.sh --print-cc ARCH       print the musl C compiler command for ARCH
#   ci/deps.sh --arch-info ARCH      print "debarch gnu-triplet musl-triplet qemu"
#   ci/deps.sh ARCH                  build unless cached; last stdout line = prefix
#
# ARCH: an arch of ci/arches (its row goes into the prefix hash)
# Cache: ${XDPCOUNT_CACHE:-$HOME/.cache/xdpcount}/{src,deps,build,apt,toolchains}
# Overrides: LIBBPF_SRC / ELFUTILS_SRC / ZLIB_SRC = already unpacked source
# trees; that dependency is then not fetched (its version is read from the
# tree, and the path goes into the prefix hash).
# Pins: deps.lock at the repository root. See ci/README-deps.md.
set -euo pipefail
# Run from make (the deps rule of make install DESTDIR=... PREFIX=... on a
# new prefix), the caller's command-line variables would reach the
# libraries' own makes through MAKEFLAGS and the environment: zlib's make
# install then staged into the caller's DESTDIR instead of the prefix. The
# libraries are built from what this script passes them, nothing else.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL DESTDIR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
LOCKFILE=$ROOT/deps.lock
ME=deps.sh
# shellcheck source=ci/lib.sh
. "$ROOT/ci/lib.sh"
DEPS="libbpf elfutils zlib"

# ---------------------------------------------------------------- arches
# Sets DEBARCH GNU_TRIPLET MUSL_TRIPLET QEMU CC_CMD NATIVE ARCH_ROW for $1,
# from its row in ci/arches. CC_CMD: musl-gcc for the machine's own arch,
# <musl>-gcc from musl-dev:<debarch> for a 'system' musl, else the wrapper
# that ci/toolchain-sysroot.sh generates under $CACHE/toolchains/<arch>/.
arch_info() {
	arch_need "$1"
	DEBARCH=$A_DEBARCH GNU_TRIPLET=$A_GNU MUSL_TRIPLET=$A_MUSL QEMU=$A_QEMU ARCH_ROW=$A_ROW
	NATIVE=0; [ "$1" = "$(uname -m)" ] && NATIVE=1
	if [ "$A_MUSLSRC" != system ]; then CC_CMD=$CACHE/toolchains/$1/bin/$A_MUSL-gcc
	elif [ $NATIVE = 1 ]; then CC_CMD=musl-gcc
	else CC_CMD=$A_MUSL-gcc
	fi
	return 0
}

# ---------------------------------------------------------------- pins
# Reads deps.lock into LOCK_<field>_<name>.
read_lock() {
	[ -f "$LOCKFILE" ] || die "missing $LOCKFILE"
	local name suite ver orig sha rest
	while read -r name suite ver orig sha rest; do
		case $name in ''|\#*) continue ;; esac
		if [ -z "$sha" ] || [ -n "$rest" ]; then die "deps.lock: malformed line for '$name'"; fi
		printf -v "LOCK_suite_$name" %s "$suite"
		printf -v "LOCK_ver_$name" %s "$ver"
		printf -v "LOCK_orig_$name" %s "$orig"
		printf -v "LOCK_sha_$name" %s "$sha"
	done < "$LOCKFILE"
	local d v
	for d in $DEPS; do
		v=LOCK_sha_$d; [ -n "${!v:-}" ] || die "deps.lock: no pin for $d"
	done
}

override_var() { case $1 in libbpf) echo LIBBPF_SRC ;; elfutils) echo ELFUTILS_SRC ;; zlib) echo ZLIB_SRC ;; esac; }

# Version of an unpacked source tree (for the overrides).
tree_version() {
	local d=$1 dir=$2 maj min pat
	case $d in
	libbpf)
		maj=$(sed -n 's/^LIBBPF_MAJOR_VERSION := //p' "$dir/src/Makefile")
		min=$(sed -n 's/^LIBBPF_MINOR_VERSION := //p' "$dir/src/Makefile")
		pat=$(sed -n 's/^LIBBPF_PATCH_VERSION := //p' "$dir/src/Makefile")
		echo "$maj.$min.$pat" ;;
	elfutils) sed -n "s/^PACKAGE_VERSION='\(.*\)'$/\1/p" "$dir/configure" | head -n1 ;;
	zlib) sed -n 's/^#define ZLIB_VERSION "\(.*\)"$/\1/p' "$dir/zlib.h" | head -n1 ;;
	esac
}

# Sets VER_<dep>, SRC_<dep> (override dir or empty), PREFIX_NAME, PREFIX.
compute_prefix() {
	local arch=$1 d ov dir v hashin
	VER_libbpf='' VER_elfutils='' VER_zlib=''
	read_lock
	hashin=$(cat "$LOCKFILE" "$HERE/deps.sh")$'\n'"arch $ARCH_ROW"
	for d in $DEPS; do
		ov=$(override_var "$d"); dir=${!ov:-}
		if [ -n "$dir" ]; then
			[ -d "$dir" ] || die "$ov=$dir is not a directory"
			dir=$(cd "$dir" && pwd)
			v=$(tree_version "$d" "$dir")
			[ -n "$v" ] || die "$ov=$dir: cannot read the $d version from that tree"
			hashin+=$'\n'"override $d $dir $v"
		else
			v=LOCK_ver_$d; v=${!v}
		fi
		printf -v "VER_$d" %s "$v"
		printf -v "SRC_$d" %s "$dir"
	done
	local h
	h=$(printf '%s' "$hashin" | sha256sum | cut -c1-10)
	PREFIX_NAME=$arch-libbpf$VER_libbpf-elfutils$VER_elfutils-zlib$VER_zlib-$h
	PREFIX=$CACHE/deps/$PREFIX_NAME
}

STAMP_NAME=.xdpcount-deps.stamp

# ---------------------------------------------------------------- fetch
# Makes sure the pinned orig tarball of $1 is in $CACHE/src and matches its
# sha256. Records the Debian source version in <orig>.debian.
fetch() {
	local d=$1 suite orig sha v tmp got dsc
	v=LOCK_suite_$d; suite=${!v}; v=LOCK_orig_$d; orig=${!v}; v=LOCK_sha_$d; sha=${!v}
	mkdir -p "$CACHE/src"
	if [ ! -f "$CACHE/src/$orig" ]; then
		log "fetching $d from $suite (apt-get source --download-only, private APT_CONFIG)"
		tmp=$CACHE/src/.fetch-$d.$$
		rm -rf "$tmp"; mkdir -p "$tmp"
		"$HERE/apt-private.sh" source "$tmp" "$suite" "$d"
		if [ ! -f "$tmp/$orig" ]; then
			got=$(cd "$tmp" && for f in *.orig.tar.*; do case $f in *.asc|'*.orig.tar.*') ;; *) printf '%s ' "$f" ;; esac; done)
			rm -rf "$tmp"
			die "$d: suite '$suite' now ships '${got% }', deps.lock pins '$orig' - update the pin"
		fi
		for dsc in "$tmp/${d}"_*.dsc; do break; done
		sed -n 's/^Version: //p' "$dsc" | head -n1 > "$tmp/$orig.debian"
		echo "$suite" >> "$tmp/$orig.debian"
		# keep .dsc / debian tarball / signature next to the orig (provenance)
		find "$tmp" -maxdepth 1 -type f -exec mv -f {} "$CACHE/src/" \;
		rm -rf "$tmp"
	fi
	got=$(sha256sum "$CACHE/src/$orig" | cut -d' ' -f1)
	if [ "$got" != "$sha" ]; then
		mv -f "$CACHE/src/$orig" "$CACHE/src/$orig.bad"
		die "sha256 mismatch for $orig: got $got, deps.lock pins $sha (file moved to $CACHE/src/$orig.bad)"
	fi
}

# Unpacks (or copies, for overrides) the source of $1 into $2.
unpack() {
	local d=$1 dest=$2 v orig dir
	v=SRC_$d; dir=${!v}
	rm -rf "$dest"; mkdir -p "$dest"
	if [ -n "$dir" ]; then
		log "using $d from $dir ($(override_var "$d"))"
		cp -a "$dir/." "$dest/"
		# the tree may hold an earlier build: clean the copy, not the user's tree
		case $d in
		libbpf)   make -C "$dest/src" clean >/dev/null 2>&1 || true ;;
		elfutils) [ ! -f "$dest/config.status" ] || make -C "$dest" distclean >/dev/null 2>&1 || true ;;
		zlib)     [ ! -f "$dest/configure.log" ] || make -C "$dest" distclean >/dev/null 2>&1 || true ;;
		esac
	else
		v=LOCK_orig_$d; orig=${!v}
		tar -xf "$CACHE/src/$orig" -C "$dest" --strip-components=1 --no-same-owner
	fi
}

# ---------------------------------------------------------------- build
run_logged() { # run_logged NAME cmd...  (output to $B/logs/NAME.log)
	local name=$1; shift
	log "  $name"
	if ! "$@" > "$B/logs/$name.log" 2>&1; then
		tail -n 25 "$B/logs/$name.log" >&2
		die "step '$name' failed for $ARCH (full log: $B/logs/$name.log)"
	fi
}

make_tools() { # deterministic ar / ranlib wrappers for this arch
	local real=ar
	if [ $NATIVE = 0 ]; then
		if command -v "$GNU_TRIPLET-ar" >/dev/null; then real=$GNU_TRIPLET-ar
		elif command -v llvm-ar >/dev/null; then real=llvm-ar
		else die "no ar for $ARCH ($GNU_TRIPLET-ar or llvm-ar)"; fi
	fi
	real=$(command -v "$real")
	mkdir -p "$B/bin"
	cat > "$B/bin/xd-ar" <<-EOF
	#!/bin/sh
	# deterministic ar: add the D modifier to the operation ('u' makes no
	# sense with D and is dropped: automake's default ARFLAGS is "cru")
	op=\$1; shift
	case \$op in
	--*|-[!a-zA-Z]*|'') exec "$real" \${op:+"\$op"} "\$@" ;;
	esac
	op=\$(printf %s "\${op#-}" | tr -d u)
	exec "$real" "\${op}D" "\$@"
	EOF
	cat > "$B/bin/xd-ranlib" <<-EOF
	#!/bin/sh
	exec "$real" sD "\$@"
	EOF
	chmod +x "$B/bin/xd-ar" "$B/bin/xd-ranlib"
	AR=$B/bin/xd-ar RANLIB=$B/bin/xd-ranlib
}

copy_uapi() {
	local inc pkg
	if [ $NATIVE = 1 ]; then
		inc=/usr/include; asm=$inc/$GNU_TRIPLET/asm
		# bookworm ships linux-libc-dev per arch; trixie one for all arches
		pkg=linux-libc-dev:$DEBARCH
		dpkg-query -W "$pkg" >/dev/null 2>&1 || pkg=linux-libc-dev
	else inc=/usr/$GNU_TRIPLET/include; pkg=linux-libc-dev-$DEBARCH-cross; asm=$inc/asm
	fi
	dpkg-query -W "$pkg" >/dev/null 2>&1 || die "$pkg is not installed (run ci/toolchain.sh $ARCH)"
	[ -d "$asm" ] || die "missing $asm ($pkg)"
	UAPI_PKG=$pkg UAPI_VER=$(dpkg-query -W -f='${Version}' "$pkg")
	rm -rf "$PREFIX/uapi"; mkdir -p "$PREFIX/uapi"
	# only the files that package ships (other -dev packages may add to /usr/include/linux)
	dpkg -L "$pkg" | while read -r f; do
		[ -f "$f" ] || continue
		case $f in
		"$inc"/linux/*|"$inc"/asm-generic/*) rel=${f#"$inc"/} ;;
		"$asm"/*) rel=asm/${f#"$asm"/} ;;
		*) continue ;;
		esac
		mkdir -p "$PREFIX/uapi/$(dirname "$rel")"
		cp "$f" "$PREFIX/uapi/$rel"
	done
	if [ ! -f "$PREFIX/uapi/linux/bpf.h" ] || [ ! -d "$PREFIX/uapi/asm" ]; then die "UAPI copy from $pkg incomplete"; fi
}

build_zlib() {
	local s=$B/src/zlib
	unpack zlib "$s"
	(
		cd "$s"
		export CC="$CC_CMD" CFLAGS="$BASE_CFLAGS -ffile-prefix-map=$s=." ARFLAGS=rc
		export AR RANLIB
		run_logged zlib-configure ./configure --static --prefix="$PREFIX"
		run_logged zlib-make make -j"$JOBS" libz.a
		run_logged zlib-install make install
	)
	rm -rf "$PREFIX/share"   # man page
}

build_libelf() {
	local s=$B/src/elfutils
	unpack elfutils "$s"
	(
		cd "$s"
		# configure links test programs against argp/fts/obstack, which musl
		# lacks; only libelf is built and it needs none of them, so pre-answer.
		run_logged elfutils-configure ./configure \
			--host="$MUSL_TRIPLET" --build="$(gcc -dumpmachine)" \
			--prefix="$PREFIX" \
			CC="$CC_CMD" AR="$AR" RANLIB="$RANLIB" \
			CFLAGS="$BASE_CFLAGS -ffile-prefix-map=$s=." \
			CPPFLAGS="-I$PREFIX/include" LDFLAGS="-L$PREFIX/lib" \
			ac_cv_search_argp_parse='none required' \
			ac_cv_search_fts_close='none required' \
			ac_cv_search__obstack_free='none required' \
			--disable-debuginfod --disable-libdebuginfod --disable-nls \
			--disable-symbol-versioning --disable-textrelcheck \
			--without-bzlib --without-lzma --without-zstd --without-valgrind
		# lib/ (libeu) needs argp and is only linked into the shared libelf;
		# the static libelf.a needs nothing from it, so make only libelf.a.
		run_logged elfutils-make make -C libelf -j"$JOBS" libelf.a AR="$AR" ARFLAGS=cr RANLIB="$RANLIB"
		install -d "$PREFIX/lib/pkgconfig" "$PREFIX/include/elfutils"
		install -m 644 libelf/libelf.a "$PREFIX/lib/"
		install -m 644 libelf/libelf.h libelf/gelf.h libelf/nlist.h "$PREFIX/include/"
		install -m 644 libelf/elf-knowledge.h "$PREFIX/include/elfutils/"
		install -m 644 config/libelf.pc "$PREFIX/lib/pkgconfig/"
	)
	# libelf.h includes <elf.h>: musl's own elf.h is used (upstream default,
	# --enable-install-elfh not given), so no elf.h is installed here.
}

build_libbpf() {
	local s=$B/src/libbpf
	unpack libbpf "$s"
	run_logged libbpf-make make -C "$s/src" -j"$JOBS" install \
		BUILD_STATIC_ONLY=1 NO_PKG_CONFIG=1 V=1 \
		CC="$CC_CMD" AR="$AR" \
		CFLAGS="$BASE_CFLAGS -ffile-prefix-map=$s=. -Wall -std=gnu89" \
		EXTRA_CFLAGS="-I$PREFIX/include -idirafter $PREFIX/uapi" \
		PREFIX="$PREFIX" LIBDIR="$PREFIX/lib" INCLUDEDIR="$PREFIX/include"
}

copy_licenses() {
	local l=$PREFIX/licenses f
	mkdir -p "$l"/{libbpf,elfutils,zlib,musl}
	for f in LICENSE LICENSE.BSD-2-Clause LICENSE.LGPL-2.1; do
		cp "$B/src/libbpf/$f" "$l/libbpf/"
	done
	for f in COPYING COPYING-GPLV2 COPYING-LGPLV3; do
		cp "$B/src/elfutils/$f" "$l/elfutils/"
	done
	if [ -f "$B/src/zlib/LICENSE" ]; then cp "$B/src/zlib/LICENSE" "$l/zlib/"
	else cp "$B/src/zlib/README" "$l/zlib/README"; fi
	cp "$MUSL_COPYRIGHT" "$l/musl/copyright"
}

musl_info() { # sets MUSL_VER MUSL_DEBVER MUSL_PKG MUSL_SUITE MUSL_SYSROOT MUSL_COPYRIGHT
	local info=$CACHE/toolchains/$ARCH/musl.info
	MUSL_DEB='' MUSL_DEB_SHA256='' MUSL_SUITE='' MUSL_SYSROOT=false
	if [ -f "$info" ]; then  # private sysroot made by ci/toolchain-sysroot.sh
		# shellcheck disable=SC1090 # generated by ci/toolchain-sysroot.sh
		. "$info"
		MUSL_SYSROOT=true
		[ -n "$MUSL_SUITE" ] || die "$info names no MUSL_SUITE (run ci/toolchain.sh $ARCH)"
	else
		# the system's own musl-dev: from the system's suite
		MUSL_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
		MUSL_PKG=musl-dev:$DEBARCH
		dpkg-query -W "$MUSL_PKG" >/dev/null 2>&1 || die "$MUSL_PKG is not installed (run ci/toolchain.sh $ARCH)"
		MUSL_DEBVER=$(dpkg-query -W -f='${Version}' "$MUSL_PKG")
		MUSL_COPYRIGHT=/usr/share/doc/musl/copyright
		[ -f "$MUSL_COPYRIGHT" ] || MUSL_COPYRIGHT=/usr/share/doc/musl-dev/copyright
	fi
	MUSL_VER=${MUSL_DEBVER%%-*}; MUSL_VER=${MUSL_VER#*:}
}

# The prefix's manifest.json (with python3's json: every string escaped) and
# versions.txt.
write_manifest() {
	local d v ver suite orig sha debver origin lic lib t=$PREFIX/versions.txt cc_ver deps=()
	cc_ver=$($CC_CMD --version 2>/dev/null | head -n1)
	{
		echo "# xdpcount dependency prefix $PREFIX_NAME"
		echo "# name upstream_version debian_source_version suite orig_tarball sha256"
	} > "$t"
	for d in $DEPS; do
		v=VER_$d; ver=${!v}
		v=SRC_$d
		if [ -n "${!v}" ]; then
			origin="override:${!v}"; suite=""; orig=""; sha=""; debver=""
		else
			origin=debian-archive
			v=LOCK_suite_$d; suite=${!v}; v=LOCK_orig_$d; orig=${!v}; v=LOCK_sha_$d; sha=${!v}
			debver=$(sed -n 1p "$CACHE/src/$orig.debian" 2>/dev/null || true)
		fi
		case $d in
		libbpf)   lic="LGPL-2.1-only OR BSD-2-Clause"; lib=lib/libbpf.a ;;
		elfutils) lic="GPL-2.0-or-later OR LGPL-3.0-or-later"; lib=lib/libelf.a ;;
		zlib)     lic="Zlib"; lib=lib/libz.a ;;
		esac
		deps+=("$d" "$ver" "$debver" "$suite" "$orig" "$sha" "$origin" "$lic" "$lib")
		echo "$d $ver ${debver:--} ${suite:--} ${orig:--} ${sha:--}" >> "$t"
	done
	echo "musl $MUSL_VER $MUSL_DEBVER $MUSL_SUITE $MUSL_PKG -" >> "$t"
	ARCH=$ARCH PREFIX_NAME=$PREFIX_NAME CC_CMD=$CC_CMD CC_VER=$cc_ver \
	CFLAGS_REC="${BASE_CFLAGS//$CACHE/<cache>} -ffile-prefix-map=<srcdir>=." \
	UAPI_PKG=$UAPI_PKG UAPI_VER=$UAPI_VER MUSL_VER=$MUSL_VER MUSL_PKG=$MUSL_PKG \
	MUSL_DEBVER=$MUSL_DEBVER MUSL_SUITE=$MUSL_SUITE MUSL_SYSROOT=$MUSL_SYSROOT \
	MUSL_DEB=${MUSL_DEB:-} MUSL_DEB_SHA256=${MUSL_DEB_SHA256:-} \
	python3 - "${deps[@]}" > "$PREFIX/manifest.json" <<-'EOF'
	import json, os, sys
	e = os.environ
	deps = []
	a = sys.argv[1:]
	for i in range(0, len(a), 9):
	    name, ver, debver, suite, orig, sha, origin, lic, lib = a[i:i + 9]
	    deps.append({"name": name, "upstream_version": ver, "debian_source_package": name,
	                 "debian_source_version": debver, "suite": suite, "orig_tarball": orig,
	                 "sha256": sha, "origin": origin, "license": lic,
	                 "license_dir": "licenses/" + name, "library": lib})
	musl = {"name": "musl", "upstream_version": e["MUSL_VER"],
	        "debian_binary_package": e["MUSL_PKG"], "debian_version": e["MUSL_DEBVER"],
	        "debian_suite": e["MUSL_SUITE"], "private_sysroot": e["MUSL_SYSROOT"] == "true"}
	if e["MUSL_DEB"]:
	    musl.update(debian_deb=e["MUSL_DEB"], deb_sha256=e["MUSL_DEB_SHA256"])
	musl.update({"origin": "debian-binary-package", "license": "MIT",
	             "license_dir": "licenses/musl", "library": "libc.a (linked by the compiler)"})
	deps.append(musl)
	json.dump({"schema": 2, "arch": e["ARCH"], "prefix_name": e["PREFIX_NAME"],
	           "cc": e["CC_CMD"], "cc_version": e["CC_VER"], "cflags": e["CFLAGS_REC"],
	           "uapi_headers": {"debian_package": e["UAPI_PKG"], "debian_version": e["UAPI_VER"]},
	           "dependencies": deps}, sys.stdout, indent=2)
	print()
	EOF
}

build() {
	local t0=$SECONDS d
	arch_info "$ARCH"
	compute_prefix "$ARCH"
	if [ -f "$PREFIX/$STAMP_NAME" ]; then echo "$PREFIX"; return; fi

	mkdir -p "$CACHE/deps"
	exec 9>"$CACHE/deps/.$PREFIX_NAME.lock"
	flock 9
	if [ -f "$PREFIX/$STAMP_NAME" ]; then echo "$PREFIX"; return; fi  # built meanwhile

	if ! command -v "${CC_CMD%% *}" >/dev/null; then
		die "compiler '$CC_CMD' for $ARCH not found - run ci/toolchain.sh $ARCH"
	fi
	musl_info
	log "building $PREFIX_NAME"
	for d in $DEPS; do
		v=SRC_$d; [ -n "${!v}" ] || fetch "$d"
	done

	B=$CACHE/build/$PREFIX_NAME
	rm -rf "$B" "$PREFIX"
	mkdir -p "$B/logs" "$PREFIX"
	JOBS=$(nproc 2>/dev/null || echo 2)
	BASE_CFLAGS="-O2 -ffile-prefix-map=$CACHE=/xdpcount-cache"
	make_tools
	copy_uapi
	build_zlib
	build_libelf
	build_libbpf
	copy_licenses
	write_manifest
	for f in lib/libbpf.a lib/libelf.a lib/libz.a include/bpf/libbpf.h include/libelf.h include/gelf.h include/zlib.h; do
		[ -f "$PREFIX/$f" ] || die "build finished but $PREFIX/$f is missing"
	done
	rm -rf "$B"
	echo "$PREFIX_NAME" > "$PREFIX/$STAMP_NAME"
	log "built $ARCH deps in $((SECONDS - t0))s"
	echo "$PREFIX"
}

case ${1:-} in
--print-prefix)
	[ $# = 2 ] || die "usage: deps.sh --print-prefix ARCH"
	arch_info "$2"; compute_prefix "$2"; echo "$PREFIX" ;;
--print-cc)
	[ $# = 2 ] || die "usage: deps.sh --print-cc ARCH"
	arch_info "$2"; echo "$CC_CMD" ;;
--arch-info)
	[ $# = 2 ] || die "usage: deps.sh --arch-info ARCH"
	arch_info "$2"; [ "$NATIVE" = 0 ] || QEMU=; echo "$DEBARCH $GNU_TRIPLET $MUSL_TRIPLET ${QEMU:--}" ;;
-h|--help|'')
	sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; [ $# -gt 0 ] ;;
-*) die "unknown option $1" ;;
*)
	[ $# = 1 ] || die "usage: deps.sh ARCH"
	ARCH=$1
	build ;;
esac
