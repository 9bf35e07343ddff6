#!/bin/bash
# shellcheck disable=SC2015 # A && B || fail: meant for a failure of either
# The deployment artefacts: man page (mandoc lint, .TH, agrees with --help),
# bash completion (agrees with --help), make install/uninstall, the systemd
# unit and drop-ins (systemd-analyze verify and the fields that matter), the
# DaemonSet (validated against the Kubernetes API schema offline, and the
# fields that matter), the FROM scratch image (built with buildah into a
# private store), the .deb and .rpm (lintian; install, upgrade, remove and
# purge in a fresh root), and the Ansible role run against localhost twice.
#
#   tests/deploy/run.sh [BINARY]   (root: apt-get, netns, chroot; the Ansible
#                                  test needs build/ARCH/tools/deny: make tools,
#                                  which make test-deploy runs, make all does not)
#   TESTS="test_a test_b" tests/deploy/run.sh
# Ends with "N passed, N failed".
set -u
SKIP=77
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$(realpath -m "${1:-$TOP/build/xdpcount}")
ARCH=${ARCH:-$(uname -m)}
TOOLS=${TOOLS:-$TOP/build/$ARCH/tools}
PREFIX="xdpdp$$"
WORK=$(mktemp -d /tmp/xdpcount-deploy.XXXXXX)
PASSED=0 FAILED=0 SKIPPED=0 CUR="" NSS=() BGPIDS=() T_FAILED0=0
N=0 SENDFRAMES=""
. "$TOP/tests/integration/lib.sh"
ME=tests/deploy
# shellcheck source=ci/lib.sh
. "$TOP/ci/lib.sh"       # apt_install
trap teardown EXIT
trap 'exit 130' INT TERM
PY=/usr/bin/python3    # Debian's, with Debian's modules (not a pyenv shim)

setup_deploy_tools() {
	local need=() c
	for c in mandoc:mandoc ansible-playbook:ansible-core buildah:buildah \
		systemd-analyze:systemd jq:jq man:man-db lintian:lintian rpmbuild:rpm rpmlint:rpmlint; do
		command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
	done
	$PY -c 'import kubernetes, yaml' 2>/dev/null || need+=(python3-kubernetes python3-yaml)
	if [ ${#need[@]} -gt 0 ]; then
		echo "installing ${need[*]} (apt-get)"
		apt_install "${need[@]}" >"$WORK/apt.log" 2>&1 ||
			{ cat "$WORK/apt.log"; echo "cannot install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
	fi
	# trixie's buildah sets up its network backend even for a FROM scratch
	# build, and that is netavark, which it only suggests (bookworm's needs none)
	if buildah --root "$WORK/bprobe" --runroot "$WORK/brun" --storage-driver vfs from scratch 2>&1 |
		grep -q netavark; then
		echo "installing netavark (apt-get)"
		apt_install netavark >"$WORK/apt.log" 2>&1 ||
			{ cat "$WORK/apt.log"; echo "cannot install netavark"; echo "0 passed, 1 failed"; exit 1; }
	fi
	buildah --root "$WORK/bprobe" --runroot "$WORK/brun" --storage-driver vfs rm -a >/dev/null 2>&1
	rm -rf "$WORK/bprobe" "$WORK/brun"
}

# help_opts CMD: the long options `xdpcount CMD --help` lists, sorted.
# help_cmds: the commands --help lists (cli/main.c's table), help aside.
help_cmds() {
	"$BIN" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && $1 != "help" { print $1 }'
}

help_opts() {
	"$BIN" "$1" --help | grep -oE -- '^ {1,6}(-[a-zA-Z], )?--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' |
		sort -u
}

# ---------------------------------------------------------------- man page
test_man_page_lints_clean_and_carries_date_and_version() {
	local man=$WORK/xdpcount.8 lint th
	"$TOP/dist/man.sh" "$TOP/dist/xdpcount.8" v9.8.7 1700000000 >"$man"
	lint=$(mandoc -Tlint -Wstyle "$man" 2>&1)
	check_eq "$CUR: mandoc -Tlint -Wstyle has nothing to say" "$lint" ""
	th=$(grep '^\.TH' "$man")
	check_eq "$CUR: .TH" "$th" '.TH XDPCOUNT 8 "2023-11-14" "xdpcount v9.8.7" "System Administration"'
	check "$CUR: the source keeps the placeholders" grep -q '^\.TH XDPCOUNT 8 "@DATE@" "xdpcount @VERSION@"' \
		"$TOP/dist/xdpcount.8"
	check "$CUR: it renders, with its JSON section" eval "mandoc -Thtml '$man' | grep -q 'id=\"JSON_OUTPUT\"'"
}

# man_item MAN --OPTION: the lines of the OPTIONS item (from its .TP to the
# next .TP or .SH) whose first line names --OPTION.
man_item() {
	o="\\-\\-${2#--}" awk '
		BEGIN { o = ENVIRON["o"] }   # as written in roff: \-\-name
		/^\.(TP|SH)/ { if (keep) exit; tp = 1; next }
		tp && index($0, o) { keep = 1 }
		{ tp = 0 }
		keep { print }' "$1"
}

test_help_and_man_page_agree() {
	local man=$TOP/dist/xdpcount.8 cmd o ann all_help man_opts d help_cmds man_cmds
	all_help=$(for cmd in $(help_cmds); do help_opts "$cmd"; done | sort -u)
	# options documented in OPTIONS: .BR \-\-name or .B \-\-name at the start of a .TP item
	# shellcheck disable=SC1003 # a literal backslash for tr
	man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | grep -A1 '^\.TP' |
		grep -oE '^\.BR? .*' | grep -oE '\\-\\-[a-z][a-z\\-]+' | tr -d '\\' | sort -u)
	d=$(diff <(echo "$all_help") <(echo "$man_opts") | grep '^[<>]' | tr '\n' ' ')
	check_eq "$CUR: the options of --help are the man page's (< help only, > man only)" "$d" ""
	# An option's item names the commands that take it, as "(run, check)";
	# items without that line apply to every command.
	for cmd in $(help_cmds); do
		for o in $(help_opts "$cmd"); do
			ann=$(man_item "$man" "$o" | grep '^\.RB (')
			[ -z "$ann" ] || grep -qw "$cmd" <<<"$ann" ||
				fail "$CUR: the man page does not say $o is an option of $cmd ($ann)"
		done
	done
	for o in $man_opts; do
		for cmd in $(man_item "$man" "$o" | grep '^\.RB (' | grep -oE '[a-z]+' | grep -vx RB); do
			help_opts "$cmd" | grep -qxF -- "$o" ||
				fail "$CUR: the man page says $o is an option of $cmd; $cmd --help disagrees"
		done
	done
	ok "$CUR: each option's commands agree (see any failure above)"
	help_cmds=$("$BIN" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}' | sort)
	man_cmds=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" | grep -A1 '^\.TP' |
		awk '$1 == ".B" {print $2}' | sort)
	check_eq "$CUR: the commands of --help are the man page's" "$(tr '\n' ' ' <<<"$help_cmds")" "$(tr '\n' ' ' <<<"$man_cmds")"
	for cmd in $help_cmds; do
		check "$CUR: SYNOPSIS names $cmd" grep -qE "^\.B xdpcount $cmd\$|^\.RB \[ $cmd \]" "$man"
	done
}

# readme_opts CMD: the long options README.md's option table gives CMD
# (its commands column names CMD, or says all), sorted.
readme_opts() {
	sed -n '/<!-- options begin -->/,/<!-- options end -->/p' "$TOP/README.md" |
		awk -F ' [|] ' -v c="$1" 'NR > 3 && $2 ~ ("(^|, )(" c "|all)(,|$)") { print $1 }' |
		grep -oE -- '--[a-z][a-z-]+' | sort -u
}

# stop_signals FILE-OR-TEXT...: the signals named in the sentences that say
# what detaches and exits 0, sorted.
stop_signals() {
	grep -ohE '(SIG[A-Z]+(, | or | and ))*SIG[A-Z]+ detach' "$@" | grep -oE 'SIG[A-Z]+' | sort -u
}

# Issue 24: help, the man page and README.md say the same, per command.
test_help_man_and_readme_agree() {
	local man=$TOP/dist/xdpcount.8 cmd o text mentioned codes want
	for cmd in $(help_cmds); do
		check_eq "$CUR: README's option table gives $cmd what $cmd --help lists" \
			"$(readme_opts "$cmd" | tr '\n' ' ')" "$(help_opts "$cmd" | tr '\n' ' ')"
		# the options part of a command's help names only that command's options
		text=$("$BIN" "$cmd" --help | sed -n '/^Options/,/^$/p')
		mentioned=$(grep -oE -- '--[a-z][a-z-]+' <<<"$text" | sort -u)
		for o in $mentioned; do
			help_opts "$cmd" | grep -qxF -- "$o" ||
				fail "$CUR: $cmd --help speaks of $o, which $cmd does not take"
		done
		if [ "$cmd" != run ]; then
			check "$CUR: $cmd's -q and -j promise no counts nor JSON Lines" \
				eval "! grep -E -- '^  -[qj], ' <<<\"\$text\" | grep -qiE 'counts|JSON Lines'"
		fi
		check "$CUR: xdpcount help $cmd is $cmd --help" \
			eval "diff <('$BIN' help $cmd) <('$BIN' $cmd --help)"
	done
	check_eq "$CUR: the commands of README's usage block are --help's" \
		"$(sed -n '/^### Commands and options/,/^| option/p' "$TOP/README.md" |
		   awk '$1 == "xdpcount" { c = $2; if (c ~ /^\[/) c = "run"; print c }' | sort | tr '\n' ' ')" \
		"$("$BIN" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}' | sort | tr '\n' ' ')"
	want=$(stop_signals <("$BIN" --help | tr '\n' ' ') | tr '\n' ' ')
	check_eq "$CUR: --help names the signals that stop cleanly" "$want" "SIGHUP SIGINT SIGTERM "
	check_eq "$CUR: so does the man page" "$(stop_signals "$man" | tr '\n' ' ')" "$want"
	check_eq "$CUR: so does README.md" "$(stop_signals "$TOP/README.md" | tr '\n' ' ')" "$want"
	codes=$(sed -n 's/^\t\[STAGE_[A-Z_]*\] = "\([a-z_]*\)",$/\1/p' "$TOP"/cli/errors*.c | sort -u)
	check "$CUR: cli/errors.c has error codes" test "$(wc -l <<<"$codes")" -gt 15
	check_eq "$CUR: the man page lists the JSON error codes (< program only, > man only)" \
		"$(diff <(echo "$codes") <(sed -n '/error-codes begin/,/error-codes end/p' "$man" |
			grep '^\.BR' | grep -oE '[a-z_]+' | grep -vx BR | sort -u) | grep '^[<>]' | tr '\n' ' ')" ""
}

# Issue 24: every link of README.md, HACKING.md and docs/*.md goes
# somewhere: a heading of the page it names (GitHub's anchors) or a file of
# the tree (tests/deploy/md_links.py; the dist suite runs it on a tarball).
test_readme_and_docs_links_resolve() {
	local bad
	bad=$(cd "$TOP" && python3 tests/deploy/md_links.py . README.md HACKING.md docs/*.md)
	check_eq "$CUR: every link resolves" "$bad" ""
}

# caps_in TEXT: the capability names (CAP_ taken off) TEXT names, sorted.
caps_in() {
	grep -oE '\b(CAP_)?(BPF|NET_ADMIN|PERFMON|SYS_RESOURCE|SYS_ADMIN|DAC_OVERRIDE|NET_RAW)\b' <<<"$1" |
		sed 's/^CAP_//' | sort -u | tr '\n' ' '
}

# Issue 24: the capabilities the unit grants are the ones its drop-ins and
# README.md say it has; the DaemonSet's are README's too.
test_capabilities_agree_across_unit_drop_ins_daemonset_and_readme() {
	local unit ds
	unit=$(caps_in "$(grep '^AmbientCapabilities=' "$TOP/dist/xdpcount@.service")")
	check_eq "$CUR: the unit's bounding set is its ambient set" \
		"$(caps_in "$(grep '^CapabilityBoundingSet=' "$TOP/dist/xdpcount@.service")")" "$unit"
	check_eq "$CUR: textfile.conf names the unit's capabilities" \
		"$(caps_in "$(grep -A2 'capabilities' "$TOP/dist/systemd/textfile.conf" | grep '^#')")" "$unit"
	check_eq "$CUR: README's systemd paragraph names them" \
		"$(caps_in "$(sed -n '/^\*\*systemd\.\*\*/,/only, and/p' "$TOP/README.md")")" "$unit"
	ds=$(caps_in "$(grep -E '^ +add: \[' "$TOP/dist/kubernetes/xdpcount-daemonset.yaml")")
	check "$CUR: the DaemonSet adds capabilities" test -n "$ds"
	check_eq "$CUR: README's Kubernetes paragraph names the DaemonSet's" \
		"$(caps_in "$(sed -n '/^\*\*Kubernetes\.\*\*/,/capabilities/p' "$TOP/README.md")")" "$ds"
}

# -------------------------------------------------------------- completion
# complete_words WORDS...: what the completion offers for the last word, in
# the network namespace $CNS (whose interfaces are the test's own).
complete_words() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	ip netns exec "$CNS" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xdpcount
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/dist/xdpcount.bash-completion" "$@" | sort -u
}

# The interface names the completion test makes: legal in Linux, and each a
# trap for a completion that expands its word list (quotes, backslash, $, *).
# shellcheck disable=SC2016 # the names are literal
ODD_NAMES=("q'1" 'q"2' 'q\3' 'q$HOME' 'q*' 'q`id`')

test_bash_completion_agrees_with_help() {
	local cmd got want n i word
	ns_new CNS compl || { fail "$CUR: setup (netns)"; return; }
	for ((i = 0; i < ${#ODD_NAMES[@]}; i += 2)); do
		ip -n "$CNS" link add "${ODD_NAMES[i]}" type veth peer name "${ODD_NAMES[i + 1]}" ||
			{ fail "$CUR: setup (veth ${ODD_NAMES[i]} ${ODD_NAMES[i + 1]})"; return; }
	done
	check_eq "$CUR: run's options" "$(complete_words xdpcount -- | tr '\n' ' ')" \
		"$(help_opts run | tr '\n' ' ')"
	for cmd in check objects detach status; do
		check_eq "$CUR: $cmd's options" "$(complete_words xdpcount $cmd -- | tr '\n' ' ')" \
			"$(help_opts $cmd | tr '\n' ' ')"
	done
	got=$(complete_words xdpcount "" | tr '\n' ' ')
	for want in run check objects detach status help lo; do
		check_match "$CUR: the first word offers $want" "$got" "(^| )$want( |$)"
	done
	# the values --help lists first in the option's text: "auto|native|generic|tc"
	for o in mode attach direction; do
		check_eq "$CUR: --$o values as --help lists them" \
			"$(complete_words xdpcount --$o "" | tr '\n' ' ')" \
			"$("$BIN" run --help | grep -E -- "--$o " |
			   grep -oE '[a-z]+(\|[a-z]+)+' | head -n 1 | tr '|' '\n' | sort | tr '\n' ' ')"
	done
	check_eq "$CUR: help offers the commands" "$(complete_words xdpcount help "" | tr '\n' ' ')" \
		"check detach objects run status "
	check_eq "$CUR: -m n" "$(complete_words xdpcount check -m n | tr '\n' ' ')" "native "
	check_eq "$CUR: --dump" "$(complete_words xdpcount objects --dump "" | tr '\n' ' ')" "big little "
	check_match "$CUR: interfaces after run's options" "$(complete_words xdpcount -i 1 "" | tr '\n' ' ')" '(^| )lo( |$)'
	check_eq "$CUR: status completes interfaces" "$(complete_words xdpcount status l)" lo
	# Any name: each offered quoted, and the shell reads it back as the name.
	check_eq "$CUR: every odd name, quoted" "$(complete_words xdpcount status q | tr '\n' ' ')" \
		"$(printf '%q\n' "${ODD_NAMES[@]}" | sort | tr '\n' ' ')"
	for n in "${ODD_NAMES[@]}"; do
		word=$(complete_words xdpcount detach "$(printf %q "${n:0:2}")")
		check_eq "$CUR: ${n:0:2} (typed quoted) completes to ${n@Q} only" "$word" "$(printf %q "$n")"
		eval "set -- $word"
		check_eq "$CUR: the shell reads the completion of ${n@Q} back as the name" "${1-}" "$n"
	done
	check_eq "$CUR: a name typed inside double quotes" "$(complete_words xdpcount '"q\"')" "$(printf %q 'q"2')"
}

# ------------------------------------------------------------------ install
test_make_install_and_uninstall_with_destdir() {
	local d=$WORK/destdir p f list
	for p in /usr/local /usr; do
		rm -rf "$d"
		make -s -C "$TOP" install PREFIX=$p DESTDIR="$d" >"$WORK/install.log" 2>&1
		check_eq "$CUR ($p): make install exit status" "$?" 0 || sed 's/^/      /' "$WORK/install.log" | tail -n 5
		list=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
		check_eq "$CUR ($p): the files" "$list" "$(printf '.%s ' "$p/bin/xdpcount" \
			"$p/lib/systemd/system/xdpcount.service" "$p/lib/systemd/system/xdpcount@.service" \
			"$p/share/bash-completion/completions/xdpcount" \
			"$p/share/doc/xdpcount/systemd/metrics.conf" \
			"$p/share/doc/xdpcount/systemd/strict.conf" \
			"$p/share/doc/xdpcount/systemd/textfile.conf" \
			"$p/share/man/man8/xdpcount.8")"
		check "$CUR ($p): the installed binary runs" eval "'$d$p/bin/xdpcount' --version >/dev/null"
		check_eq "$CUR ($p): the binary is mode 755" "$(stat -c %a "$d$p/bin/xdpcount")" 755
		check_match "$CUR ($p): the man page has a date and the version" \
			"$(grep '^\.TH' "$d$p/share/man/man8/xdpcount.8")" \
			"^\.TH XDPCOUNT 8 \"[0-9]{4}-[0-9]{2}-[0-9]{2}\" \"xdpcount [^@\"]+\""
		check_eq "$CUR ($p): the unit and drop-ins run $p/bin/xdpcount" \
			"$(cat "$d$p/lib/systemd/system/xdpcount@.service" "$d$p"/share/doc/xdpcount/systemd/*.conf |
			   grep -oE '/[a-z/]+/xdpcount ' | sort -u | tr -d ' ')" "$p/bin/xdpcount"
		make -s -C "$TOP" uninstall PREFIX=$p DESTDIR="$d" >/dev/null 2>&1
		check_eq "$CUR ($p): make uninstall leaves no file" "$(find "$d" -type f | wc -l)" 0
	done
}

# ------------------------------------------------------------------ systemd
# exposure UNIT: systemd-analyze security's overall exposure of UNIT (0-10).
exposure() {
	systemd-analyze security --offline=yes "$1" 2>&1 |
		sed -n 's/^→ Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}

test_systemd_unit_and_drop_ins_verify() {
	local p=$WORK/pfx u=$WORK/units f out base
	make -s -C "$TOP" install PREFIX="$p" >/dev/null 2>&1 || { fail "$CUR: make install PREFIX=$p"; return; }
	mkdir -p "$u"
	base=$p/lib/systemd/system/xdpcount@.service
	cp "$base" "$u/"
	local dd=$p/share/doc/xdpcount/systemd combo v score args line
	for combo in metrics textfile strict metrics+textfile metrics+textfile+strict; do
		# the drop-ins' lines, as if appended (what systemd does with them)
		args=("$base")
		for v in ${combo//+/ }; do args+=("$dd/$v.conf"); done
		cat "${args[@]}" >"$u/xdpcount-${combo//+/-}@.service"
	done
	local least
	for f in "$u"/*.service; do
		out=$(MANPATH=$p/share/man systemd-analyze verify "$f" 2>&1)
		check_eq "$CUR: systemd-analyze verify $(basename "$f")" "$?/$out" "0/"
		# exposure 0 (sandboxed) to 10 (unprotected); "2.1 OK" at most
		# without libxdp's dispatcher's capabilities (the drop-in that
		# takes them away: tc everywhere, as the unit says), and with them
		# no more than their own weight in systemd's table (CAP_SYS_ADMIN
		# 0.3, CAP_DAC_* 0.2): nothing else of the sandbox is given up
		score=$(exposure "$f")
		{ cat "$f"; printf '[Service]\nAmbientCapabilities=~CAP_SYS_ADMIN CAP_DAC_OVERRIDE\nCapabilityBoundingSet=~CAP_SYS_ADMIN CAP_DAC_OVERRIDE\n'; } \
			>"$WORK/least@.service"
		least=$(exposure "$WORK/least@.service")
		echo "  ($(basename "$f"): systemd-analyze security exposure $score, $least without the dispatcher's capabilities)"
		check "$CUR: $(basename "$f") without the dispatcher's capabilities is sandboxed (exposure $least <= 2.1)" \
			awk -v s="$least" 'BEGIN { exit !(s != "" && s <= 2.1) }'
		check "$CUR: $(basename "$f"): the dispatcher's capabilities cost only their weight ($score <= $least + 0.5)" \
			awk -v s="$score" -v l="$least" 'BEGIN { exit !(s != "" && s <= l + 0.5 + 1e-9) }'
	done
	# metrics.conf and textfile.conf compose: each sets its own variable
	line=$($PY "$TOP/tests/deploy/unit_exec.py" 'br\x2dlan' "$base" "$dd/metrics.conf" "$dd/textfile.conf" |
	       tr '\n' ' ')
	check_eq "$CUR: both drop-ins in one ExecStart (instance br\\x2dlan)" "$line" \
		"$p/bin/xdpcount -q --interval 10 --attach shared --metrics 10937 --textfile /var/lib/prometheus/node-exporter/xdpcount-br-lan.prom br-lan "
	check_eq "$CUR: systemd-escape gives the documented instance name" "$(systemd-escape br-lan)" 'br\x2dlan'
	check "$CUR: the unit documents systemd-escape" grep -q 'systemd-escape br-lan' "$base"
	check "$CUR: the device unit is the escaped name (%i), the rest the real one (%I)" \
		grep -qx 'BindsTo=sys-subsystem-net-devices-%i.device' "$base"
	check "$CUR: the unit denies IP traffic" grep -qx 'IPAddressDeny=any' "$base"
	check "$CUR: the unit checks before it starts" grep -qx "ExecStartPre=$p/bin/xdpcount check %I" "$base"
	# --attach shared (never blocks other XDP users) with what its dispatcher
	# needs: CAP_SYS_ADMIN, the host's bpffs, CAP_DAC_OVERRIDE for the
	# dynamic user in root's /sys/fs/bpf; and the trade-off said
	for f in "$base" "$p/lib/systemd/system/xdpcount.service"; do
		check "$CUR: $(basename "$f"): --attach shared" \
			grep -qE '^Environment="XDPCOUNT_OPTS=.*--attach shared' "$f"
		check_eq "$CUR: $(basename "$f"): the dispatcher's capabilities, in both sets" \
			"$(grep -cE '^(AmbientCapabilities|CapabilityBoundingSet)=.*CAP_SYS_ADMIN.*CAP_DAC_OVERRIDE' "$f")" 2
		check "$CUR: $(basename "$f"): the host's bpffs writable" grep -qx 'ReadWritePaths=/sys/fs/bpf' "$f"
		check "$CUR: $(basename "$f"): no private bpffs" eval "! grep -qE '^(TemporaryFileSystem|BindPaths|InaccessiblePaths)=.*bpf' '$f'"
		check "$CUR: $(basename "$f"): the trade-off and the alternatives said" eval \
			"grep -q 'tc costs more per' '$f' && grep -q 'counts only what a later XDP program passes' '$f' && grep -q -- '--attach auto (our program alone' '$f'"
	done
	f=$p/share/doc/xdpcount/systemd/metrics.conf
	check "$CUR: metrics drop-in listens" grep -q -- '--metrics ' "$f"
	check "$CUR: metrics drop-in allows the scrapers" grep -qx 'IPAddressAllow=localhost' "$f"
	f=$p/share/doc/xdpcount/systemd/textfile.conf
	local tf dir
	tf=$(grep -oE -- '--textfile [^ "]+' "$f" | cut -d' ' -f2)
	dir=$(grep -oE '^ReadWritePaths=.*' "$f" | cut -d= -f2)
	check_eq "$CUR: textfile drop-in may write the textfile's directory" "$(dirname "$tf")" "$dir"
	check_match "$CUR: the textfile is a .prom file per instance" "$tf" '-%I\.prom$'
	check "$CUR: textfile drop-in keeps IPAddressDeny" eval "! grep -q '^IPAddress' '$f'"
	f=$p/share/doc/xdpcount/systemd/strict.conf
	check_eq "$CUR: strict drop-in replaces ExecStartPre" "$(grep '^ExecStartPre=' "$f" | tr '\n' '|')" \
		"ExecStartPre=|ExecStartPre=$p/bin/xdpcount check --strict %I|"
	# the drop-ins' options are real options: xdpcount parses the whole line
	for f in metrics textfile; do
		local opts
		opts=$($PY "$TOP/tests/deploy/unit_exec.py" lo "$base" "$dd/$f.conf" | sed 1d | tr '\n' ' ')
		check "$CUR: $f's command line parses ($opts)" eval "'$BIN' --help $opts >/dev/null 2>&1"
	done
}

# Issue 20: xdpcount.service, one process for every interface a selector
# matches (default --all), with the metrics drop-in's one port.
test_selector_unit_is_one_process_for_every_interface() {
	local p=$WORK/pfx-sel u f out score least line
	make -s -C "$TOP" install PREFIX="$p" >/dev/null 2>&1 || { fail "$CUR: make install PREFIX=$p"; return; }
	u=$p/lib/systemd/system/xdpcount.service
	check "$CUR: installed" test -f "$u"
	out=$(MANPATH=$p/share/man systemd-analyze verify "$u" 2>&1)
	check_eq "$CUR: systemd-analyze verify" "$?/$out" "0/"
	score=$(exposure "$u")
	{ cat "$u"; printf '[Service]\nAmbientCapabilities=~CAP_SYS_ADMIN CAP_DAC_OVERRIDE\nCapabilityBoundingSet=~CAP_SYS_ADMIN CAP_DAC_OVERRIDE\n'; } \
		>"$WORK/least-sel.service"
	least=$(exposure "$WORK/least-sel.service")
	check "$CUR: sandboxed without the dispatcher's capabilities (exposure $least <= 2.1)" \
		awk -v s="$least" 'BEGIN { exit !(s != "" && s <= 2.1) }'
	check "$CUR: with them, only their weight more ($score <= $least + 0.5)" \
		awk -v s="$score" -v l="$least" 'BEGIN { exit !(s != "" && s <= l + 0.5 + 1e-9) }'
	# as a template instance without %I: the same expansion rules
	line=$($PY "$TOP/tests/deploy/unit_exec.py" x "$u" "$p/share/doc/xdpcount/systemd/metrics.conf" |
	       tr '\n' ' ')
	check_eq "$CUR: one ExecStart, --all and one metrics port" "$line" \
		"$p/bin/xdpcount -q --interval 10 --attach shared --metrics 10937 --all "
	check "$CUR: it parses" eval "'$BIN' --help ${line#* } >/dev/null 2>&1"
	check "$CUR: check takes the same selector" \
		grep -qx "ExecStartPre=$p/bin/xdpcount check -q \$XDPCOUNT_SELECT" "$u"
	check "$CUR: no per-interface device binding" eval "! grep -q '^BindsTo=' '$u'"
}

# One version, from dist/version.sh, in a form every consumer takes.
test_one_version_from_dist_version_sh() {
	local v
	v=$("$TOP/dist/version.sh" --dirty)
	check_match "$CUR: the form is X.Y.Z[.N.gHASH][.dirty] ($v)" "$v" \
		'^[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+\.g[0-9a-f]{12})?(\.dirty)?$'
	check_eq "$CUR: the binary says it (-V --json)" "$("$BIN" --version --json | jq -r .version)" "$v"
	check_match "$CUR: and -V" "$("$BIN" --version)" "^xdpcount $v "
	check "$CUR: a valid Debian version" dpkg --validate-version "$v"
	check_match "$CUR: a valid image tag" "$v" '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$'
}

# --------------------------------------------------------------- kubernetes
yq() { # FILE PYEXPR: evaluates PYEXPR with d = the DaemonSet document
	$PY -c 'import sys, yaml, json
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
d = [x for x in docs if x["kind"] == "DaemonSet"][0]
print(json.dumps(eval(sys.argv[2]), sort_keys=True))' "$1" "$2"
}

test_daemonset_validates_and_has_the_fields_that_matter() {
	local m=$TOP/dist/kubernetes/xdpcount-daemonset.yaml out port listen
	out=$($PY "$TOP/tests/deploy/k8s_validate.py" "$m" 2>&1)
	check_eq "$CUR: valid against the Kubernetes API schema" "$?/$out" "0/2 documents, 0 problems"
	# the validator can fail: a typo, a wrong type, a missing required field
	sed -e 's/hostNetwork:/hostNetwrk:/' -e 's/containerPort: 10937/containerPort: "10937"/' \
		-e '/^  selector:/,/^  updateStrategy:/{/^  updateStrategy:/!d}' "$m" >"$WORK/bad.yaml"
	out=$($PY "$TOP/tests/deploy/k8s_validate.py" "$WORK/bad.yaml" 2>&1)
	check_match "$CUR: a typo is caught" "$out" 'hostNetwrk: no such field'
	check_match "$CUR: a wrong type is caught" "$out" 'containerPort: expected int'
	check_match "$CUR: a missing selector is caught" "$out" 'selector'
	local pod='d["spec"]["template"]["spec"]'
	check_eq "$CUR: hostNetwork" "$(yq "$m" "${pod}[\"hostNetwork\"]")" true
	for c in initContainers containers; do
		check_eq "$CUR: $c: capabilities" \
			"$(yq "$m" "${pod}[\"$c\"][0][\"securityContext\"][\"capabilities\"]")" \
			'{"add": ["BPF", "NET_ADMIN", "PERFMON", "SYS_ADMIN"], "drop": ["ALL"]}'
		check_eq "$CUR: $c: the node's bpffs, as it is mounted" \
			"$(yq "$m" "${pod}[\"$c\"][0][\"volumeMounts\"]")" \
			'[{"mountPath": "/sys/fs/bpf", "mountPropagation": "HostToContainer", "name": "bpffs"}]'
		check_eq "$CUR: $c: AppArmor lets it write there" \
			"$(yq "$m" "d[\"spec\"][\"template\"][\"metadata\"][\"annotations\"][\"container.apparmor.security.beta.kubernetes.io/\" + ${pod}[\"$c\"][0][\"name\"]]")" \
			'"unconfined"'
		check_eq "$CUR: $c: --attach shared" \
			"$(yq "$m" "${pod}[\"$c\"][0][\"args\"][${pod}[\"$c\"][0][\"args\"].index(\"--attach\") + 1]")" \
			'"shared"'
		check_eq "$CUR: $c: not privileged, no escalation, read-only root" \
			"$(yq "$m" "[${pod}[\"$c\"][0][\"securityContext\"][k] for k in (\"privileged\", \"allowPrivilegeEscalation\", \"readOnlyRootFilesystem\")]")" \
			'[false, false, true]'
		check_eq "$CUR: $c: requests and a memory limit" \
			"$(yq "$m" "sorted(list(${pod}[\"$c\"][0][\"resources\"][\"requests\"])) + list(${pod}[\"$c\"][0][\"resources\"][\"limits\"])")" \
			'["cpu", "memory", "memory"]'
	done
	check_eq "$CUR: Linux nodes only" "$(yq "$m" "${pod}[\"nodeSelector\"]")" '{"kubernetes.io/os": "linux"}'
	check_eq "$CUR: the image is the release's placeholder (make dist pins tag and digest)" \
		"$(yq "$m" "sorted({c[\"image\"] for k in (\"initContainers\", \"containers\") for c in ${pod}[k]})")" \
		'["registry.example.com/xdpcount:0.0.0"]'
	check_eq "$CUR: one volume, the node's bpffs (libxdp's dispatcher state)" \
		"$(yq "$m" "$pod.get(\"volumes\")")" \
		'[{"hostPath": {"path": "/sys/fs/bpf", "type": "Directory"}, "name": "bpffs"}]'
	check "$CUR: the trade-off and the alternatives said" eval \
		"grep -q 'tc costs' '$m' && grep -q 'counts only what a later XDP program passes' '$m' && grep -q 'drop \"SYS_ADMIN\" (tc everywhere' '$m'"
	check_eq "$CUR: the init container checks what the counter counts on (--all), as it counts" \
		"$(yq "$m" "${pod}[\"initContainers\"][0][\"args\"]")" '["check", "--all", "--attach", "shared"]'
	check_eq "$CUR: one counter process for every interface (--all)" \
		"$(yq "$m" "${pod}[\"containers\"][0][\"args\"][0]")" '"--all"'
	check_eq "$CUR: its reasons become the termination message" \
		"$(yq "$m" "${pod}[\"initContainers\"][0][\"terminationMessagePolicy\"]")" '"FallbackToLogsOnError"'
	check_eq "$CUR: one image for both" \
		"$(yq "$m" "${pod}[\"initContainers\"][0][\"image\"] == ${pod}[\"containers\"][0][\"image\"]")" true
	listen=$(yq "$m" "${pod}[\"containers\"][0][\"args\"][${pod}[\"containers\"][0][\"args\"].index(\"--metrics\") + 1]" |
		tr -d '"')
	port=${listen##*:}
	# shellcheck disable=SC2016 # the literal $(NODE_IP), which Kubernetes expands
	check_eq "$CUR: --metrics listens on the node's IP, not 0.0.0.0" "${listen%:*}" '$(NODE_IP)'
	check_eq "$CUR: NODE_IP is the node's IP (downward API)" \
		"$(yq "$m" "{e[\"name\"]: e[\"valueFrom\"][\"fieldRef\"][\"fieldPath\"] for e in ${pod}[\"containers\"][0][\"env\"]}")" \
		'{"NODE_IP": "status.hostIP"}'
	check "$CUR: the port is no well-known exporter's (not 9100-9999)" test "$port" -gt 9999
	check_eq "$CUR: scrape annotations match the --metrics port" \
		"$(yq "$m" "{k: v for k, v in d[\"spec\"][\"template\"][\"metadata\"][\"annotations\"].items() if k.startswith(\"prometheus.io/\")}")" \
		"{\"prometheus.io/path\": \"/metrics\", \"prometheus.io/port\": \"$port\", \"prometheus.io/scrape\": \"true\"}"
	check_eq "$CUR: the container port is the --metrics port" \
		"$(yq "$m" "${pod}[\"containers\"][0][\"ports\"][0][\"containerPort\"]")" "$port"
	# the API server's rule for hostNetwork pods, which the models do not carry
	check_eq "$CUR: hostPort equals containerPort (hostNetwork)" \
		"$(yq "$m" "${pod}[\"containers\"][0][\"ports\"][0][\"hostPort\"]")" "$port"
	check_eq "$CUR: DNS as a host-network pod needs it" \
		"$(yq "$m" "${pod}[\"dnsPolicy\"]")" '"ClusterFirstWithHostNet"'
	# shellcheck disable=SC2016 # as above
	check "$CUR: the container's args parse" eval \
		"'$BIN' --help $(yq "$m" "' '.join(${pod}[\"containers\"][0][\"args\"])" | tr -d '"' |
			sed 's/\$(NODE_IP)/192.0.2.1/') >/dev/null 2>&1"
}

# ------------------------------------------------------- prometheus, grafana
test_rules_dashboard_and_operator_manifests() {
	local pb r=$TOP/dist/prometheus/xdpcount-rules.yml k=$TOP/dist/kubernetes out
	pb=$("$TOP/ci/prometheus.sh" 2>"$WORK/prometheus-fetch.log") ||
		{ fail "$CUR: ci/prometheus.sh"; show "$WORK/prometheus-fetch.log"; return; }
	out=$("$pb/promtool" check rules "$r" 2>&1)
	check_eq "$CUR: promtool check rules" "$?" 0 || echo "$out"
	out=$("$pb/promtool" test rules "$TOP/tests/deploy/rules-test.yml" 2>&1)
	check_eq "$CUR: promtool test rules on synthetic series" "$?" 0 || echo "$out"
	# the tests can fail: a rule that waits too long misses its alert
	mkdir -p "$WORK/rt/tests/deploy" "$WORK/rt/dist/prometheus"
	cp "$TOP/tests/deploy/rules-test.yml" "$WORK/rt/tests/deploy/"
	sed 's/for: 10m/for: 30m/' "$r" >"$WORK/rt/dist/prometheus/xdpcount-rules.yml"
	check_match "$CUR: a changed rule fails them" \
		"$("$pb/promtool" test rules "$WORK/rt/tests/deploy/rules-test.yml" 2>&1)" 'alertname: XdpcountStalled'
	# and so does a liveness that believes a killed instance's last word, or
	# one with a fixed age limit that a long --interval exceeds
	sed 's/< bool 3 \* xdpcount_textfile_interval_seconds + 10/> bool -1/' "$r" \
		>"$WORK/rt/dist/prometheus/xdpcount-rules.yml"
	check_match "$CUR: believing a killed instance's file fails them" \
		"$("$pb/promtool" test rules "$WORK/rt/tests/deploy/rules-test.yml" 2>&1)" 'instance="n5:9100"'
	sed 's/< bool 3 \* xdpcount_textfile_interval_seconds + 10/< bool 300/' "$r" \
		>"$WORK/rt/dist/prometheus/xdpcount-rules.yml"
	check_match "$CUR: a fixed age limit fails them" \
		"$("$pb/promtool" test rules "$WORK/rt/tests/deploy/rules-test.yml" 2>&1)" 'instance="n6:9100"'
	check_eq "$CUR: the PrometheusRule carries the same groups" "$($PY -c 'import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["groups"]
b = yaml.safe_load(open(sys.argv[2]))
print(b["apiVersion"], b["kind"], b["spec"]["groups"] == a)' "$r" "$k/xdpcount-prometheusrule.yaml")" \
		"monitoring.coreos.com/v1 PrometheusRule True"
	check_eq "$CUR: the PodMonitor selects the DaemonSet's pods by its metrics port" "$($PY -c 'import sys, yaml
ds = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "DaemonSet"][0]
pm = yaml.safe_load(open(sys.argv[2]))
pod = ds["spec"]["template"]
ports = [p["name"] for p in pod["spec"]["containers"][0]["ports"]]
sel = pm["spec"]["selector"]["matchLabels"]
print(pm["kind"], all(pod["metadata"]["labels"].get(l) == v for l, v in sel.items()),
      [e["port"] for e in pm["spec"]["podMetricsEndpoints"]] == ports[:1],
      pm["spec"]["namespaceSelector"]["matchNames"] == [ds["metadata"]["namespace"]])' \
		"$k/xdpcount-daemonset.yaml" "$k/xdpcount-podmonitor.yaml")" "PodMonitor True True True"
	out=$($PY "$TOP/tests/deploy/grafana_check.py" "$TOP/dist/grafana/xdpcount-dashboard.json" \
		"$WORK/dash-rules.yml" 2>&1)
	check_match "$CUR: the dashboard's structure" "$out" '^7 panels, 12 expressions, 0 problems$'
	out=$("$pb/promtool" check rules "$WORK/dash-rules.yml" 2>&1)
	check_eq "$CUR: every query of the dashboard parses (promtool)" "$?" 0 || echo "$out"
	sed 's/rate(xdpcount_receive_bytes_total/rate(xdpcount_receive_bytes_total{/' \
		"$TOP/dist/grafana/xdpcount-dashboard.json" >"$WORK/bad-dash.json"
	$PY "$TOP/tests/deploy/grafana_check.py" "$WORK/bad-dash.json" "$WORK/bad-dash-rules.yml" >/dev/null
	check "$CUR: a query that does not parse is caught" \
		eval "! '$pb/promtool' check rules '$WORK/bad-dash-rules.yml' >/dev/null 2>&1"
}

test_container_image_from_scratch() {
	local ctx=$WORK/ctx b c mnt cfg files
	b=(buildah --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs)
	mkdir -p "$ctx/licenses/libbpf"
	cp "$BIN" "$ctx/xdpcount" && cp "$TOP/LICENSE" "$TOP/README.md" "$ctx/" &&
		echo licence >"$ctx/licenses/libbpf/LICENSE"
	"${b[@]}" bud -q -f "$TOP/dist/kubernetes/Containerfile" -t xdpcount:test "$ctx" \
		>"$WORK/bud.log" 2>&1
	check_eq "$CUR: buildah builds it" "$?" 0 || { show "$WORK/bud.log"; return; }
	cfg=$("${b[@]}" inspect --type image xdpcount:test | jq -c '.OCIv1.config | {User, Entrypoint}')
	check_eq "$CUR: entrypoint and user" "$cfg" '{"User":"0","Entrypoint":["/xdpcount"]}'
	c=$("${b[@]}" from xdpcount:test) && mnt=$("${b[@]}" mount "$c") ||
		{ fail "$CUR: buildah from/mount"; return; }
	files=$(cd "$mnt" && find . -type f | sort | tr '\n' ' ')
	check_eq "$CUR: nothing but the binary and its papers" "$files" \
		"./usr/share/doc/xdpcount/LICENSE ./usr/share/doc/xdpcount/README.md ./usr/share/doc/xdpcount/licenses/libbpf/LICENSE ./xdpcount "
	check_eq "$CUR: the static binary runs in the empty root" \
		"$(chroot "$mnt" /xdpcount --version --json | jq -r .version)" "$("$BIN" --version --json | jq -r .version)"
	"${b[@]}" umount "$c" >/dev/null; "${b[@]}" rm "$c" >/dev/null
	"${b[@]}" rmi -a >/dev/null 2>&1
}

# ----------------------------------------------------------------- packages
# stage_release DIR VERSION: DIR/xdpcount-VERSION-linux-ARCH as a release
# tarball unpacks (the test's binary); prints the directory.
stage_release() {
	local d=$1/xdpcount-$2-linux-$ARCH
	mkdir -p "$d/licenses/libbpf"
	cp "$BIN" "$TOP"/dist/xdpcount*.service "$TOP/dist/xdpcount.bash-completion" \
		"$TOP/README.md" "$TOP/HACKING.md" "$TOP/LICENSE" "$d/"
	cp -R "$TOP/dist/systemd" "$TOP/dist/prometheus" "$TOP/dist/grafana" "$d/"
	mkdir -p "$d/docs" && cp "$TOP"/docs/*.md "$d/docs/"   # as dist/build.sh
	echo "libbpf's licence" >"$d/licenses/libbpf/LICENSE"
	"$TOP/dist/man.sh" "$TOP/dist/xdpcount.8" "$2" "$SOURCE_DATE_EPOCH" >"$d/xdpcount.8"
	echo "$d"
}

# min_root DIR: a root with nothing but an empty dpkg database, /dev/null, a
# shell and rm for the maintainer scripts, and a systemctl and deb-systemd-invoke that
# write what they are asked to DIR/calls (as if systemd ran: /run/systemd/system).
min_root() {
	local r=$1 p l
	mkdir -p "$r"/var/lib/dpkg/{info,updates,triggers} "$r/var/log" "$r/run/systemd/system" \
		"$r/usr/bin" "$r/bin" "$r/etc"
	: >"$r/var/lib/dpkg/status"
	: >"$r/var/lib/dpkg/available"
	mkdir -p "$r/dev" && mknod -m 666 "$r/dev/null" c 1 3
	for p in /bin/sh /bin/rm; do
		cp -L "$p" "$r$p"
		for l in $(ldd "$(readlink -f "$p")" | grep -oE '/[^ ]+'); do
			mkdir -p "$r$(dirname "$l")" && cp -L "$l" "$r$l"
		done
	done
	for p in systemctl deb-systemd-invoke; do
		printf '#!/bin/sh\necho "%s $*" >>/calls\n' "$p" >"$r/usr/bin/$p"
		chmod 755 "$r/usr/bin/$p"
	done
}

# two_packages deb|rpm: the test binary's package (dist/deb.sh or
# dist/rpm.sh) at this tree's version and at a bumped one, the next build;
# sets V, V2, PKG and PKG2 (SOURCE_DATE_EPOCH: the commit's time, as make's).
two_packages() {
	local d t0=$SECONDS
	export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || date +%s)}
	V=$("$TOP/dist/version.sh" --dirty) V2=$V.1
	d=$(stage_release "$WORK/$1-1" "$V") && PKG=$("$TOP/dist/$1.sh" "$d" "$ARCH" "$V" "$WORK/$1s") &&
		d=$(stage_release "$WORK/$1-2" "$V2") && PKG2=$("$TOP/dist/$1.sh" "$d" "$ARCH" "$V2" "$WORK/$1s") ||
		{ fail "$CUR: dist/$1.sh"; return 1; }
	echo "  (built 2 packages in $((SECONDS - t0)) s; $(basename "$PKG"): $(stat -c %s "$PKG") bytes)"
}

test_deb_installs_upgrades_removes_and_purges_in_a_fresh_root() {
	local v v2 deb deb2 r=$WORK/root st files before after lint t0
	two_packages deb || return
	v=$V v2=$V2 deb=$PKG deb2=$PKG2
	check_eq "$CUR: its version" "$(dpkg-deb -f "$deb" Version)" "$v"
	check_eq "$CUR: its architecture" "$(dpkg-deb -f "$deb" Architecture)" "$(dpkg --print-architecture)"
	check_eq "$CUR: no dependencies (a static binary)" "$(dpkg-deb -f "$deb" Depends Pre-Depends)" ""
	check "$CUR: rebuilt, the same bytes" eval "cmp '$deb' \"\$('$TOP/dist/deb.sh' '$WORK/deb-1/xdpcount-$v-linux-$ARCH' '$ARCH' '$v' '$WORK/debs-again')\""
	t0=$SECONDS
	lint=$(lintian --display-level '>=pedantic' --display-info --display-experimental --pedantic "$deb" 2>&1 |
		grep -v 'running with root privileges')
	check_eq "$CUR: lintian (pedantic, experimental, info) has nothing to say ($((SECONDS - t0)) s)" "$lint" ""
	check_eq "$CUR: four overrides, each with its reason" \
		"$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/share/lintian/overrides/xdpcount |
		   awk '/^#/ { c = 1; next } /^xdpcount: / { n++; if (!c) bare++ } END { print n "/" bare + 0 }')" 4/0

	min_root "$r"
	before=$(cd "$r" && find . | sort | grep -vE '^\./var/(lib/dpkg|log)(/|$)')
	dpkg --root="$r" -i "$deb" >"$WORK/dpkg-i.log" 2>&1
	check_eq "$CUR: dpkg -i in a fresh root" "$?" 0 || show "$WORK/dpkg-i.log"
	check_eq "$CUR: its scripts say nothing" \
		"$(grep -vE '^(Selecting|\(Reading|Preparing|Unpacking|Setting up)' "$WORK/dpkg-i.log")" ""
	st=$(dpkg-query --root="$r" -W -f '${Status} ${Version}' xdpcount 2>&1)
	check_eq "$CUR: installed" "$st" "install ok installed $v"
	check_eq "$CUR: the binary runs there (-V --json)" \
		"$(chroot "$r" /usr/bin/xdpcount --version --json | jq -r .version)" "$("$BIN" --version --json | jq -r .version)"
	files=$(dpkg-query --root="$r" -L xdpcount | tr '\n' ' ')
	for f in /usr/bin/xdpcount /usr/share/man/man8/xdpcount.8.gz /usr/share/bash-completion/completions/xdpcount \
		/lib/systemd/system/xdpcount@.service /usr/share/doc/xdpcount/copyright \
		/usr/share/doc/xdpcount/changelog.gz /usr/share/doc/xdpcount/README.md \
		/usr/share/doc/xdpcount/HACKING.md /usr/share/doc/xdpcount/docs/json.md \
		/usr/share/doc/xdpcount/examples/systemd/textfile.conf; do
		check_match "$CUR: it has $f" "$files" " $f "
	done
	check_eq "$CUR: the unit runs /usr/bin/xdpcount" \
		"$(grep -ohE '/[a-z/]+/xdpcount ' "$r/lib/systemd/system/xdpcount@.service" "$r"/usr/share/doc/xdpcount/examples/systemd/*.conf |
		   sort -u | tr -d ' ')" /usr/bin/xdpcount
	check "$CUR: the man page reads" eval "zcat '$r/usr/share/man/man8/xdpcount.8.gz' | mandoc -Tlint -Wwarning"
	check_eq "$CUR: every link of its doc pages resolves (README.md to HACKING.md, docs/)" \
		"$($PY "$TOP/tests/deploy/md_links.py" --tree "$r/usr/share/doc/xdpcount" | tr '\n' ';')" ""
	check_eq "$CUR: systemd was only reloaded (nothing enabled or started)" "$(tr '\n' '|' <"$r/calls")" \
		'systemctl --system daemon-reload|'
	check_eq "$CUR: no instance enabled (systemctl --root)" \
		"$(systemctl --root="$r" is-enabled xdpcount@eth0.service 2>&1)" disabled
	if [ -f "$TOP/dist/xdpcount.service" ]; then
		check_match "$CUR: it has the selector's unit" "$files" " /lib/systemd/system/xdpcount.service "
		check_eq "$CUR: and does not enable it" "$(systemctl --root="$r" is-enabled xdpcount.service 2>&1)" disabled
	fi
	check_eq "$CUR: no .wants link" "$(find "$r/etc" -name '*.wants' | wc -l)" 0
	: >"$r/calls"
	dpkg --root="$r" -i "$deb2" >"$WORK/dpkg-u.log" 2>&1
	check_eq "$CUR: upgrade to the bumped build" "$?" 0 || show "$WORK/dpkg-u.log"
	check_eq "$CUR: upgraded" "$(dpkg-query --root="$r" -W -f '${Status} ${Version}' xdpcount)" "install ok installed $v2"
	check_eq "$CUR: the upgrade reloads and restarts only running instances" "$(tr '\n' '|' <"$r/calls")" \
		"systemctl --system daemon-reload|deb-systemd-invoke try-restart xdpcount@*.service|"
	mkdir -p "$r/var/lib/prometheus/node-exporter"
	echo 'xdpcount_up{textfile="xdpcount-eth0.prom"} 0' >"$r/var/lib/prometheus/node-exporter/xdpcount-eth0.prom"
	: >"$r/calls"
	dpkg --root="$r" -r xdpcount >"$WORK/dpkg-r.log" 2>&1
	check_eq "$CUR: dpkg -r" "$?" 0 || show "$WORK/dpkg-r.log"
	check "$CUR: the binary is gone" test ! -e "$r/usr/bin/xdpcount"
	check_eq "$CUR: removal stops the instances, then reloads" "$(tr '\n' '|' <"$r/calls")" \
		"deb-systemd-invoke stop xdpcount@*.service|systemctl --system daemon-reload|"
	check "$CUR: a textfile stays until purge" test -e "$r/var/lib/prometheus/node-exporter/xdpcount-eth0.prom"
	dpkg --root="$r" -P xdpcount >"$WORK/dpkg-p.log" 2>&1
	check_eq "$CUR: dpkg -P" "$?" 0 || show "$WORK/dpkg-p.log"
	check_eq "$CUR: purged" "$(dpkg-query --root="$r" -W -f '${Status}' xdpcount 2>&1 | grep -c 'installed')" 0
	check "$CUR: purge removes the textfile" test ! -e "$r/var/lib/prometheus/node-exporter/xdpcount-eth0.prom"
	rm -rf "$r/var/lib/prometheus" "$r/calls"
	after=$(cd "$r" && find . | sort | grep -vE '^\./var/(lib/dpkg|log)(/|$)')
	check_eq "$CUR: nothing left but dpkg's records (the textfile too)" \
		"$(diff <(echo "$before") - <<<"$after" | grep '^[<>]' | tr '\n' ' ')" ""
}

# The RPM of the same files, with Debian's rpm: built, queried, installed,
# upgraded to a bumped build and erased in a fresh root (rpm --root;
# --nodeps: no package of that root's rpmdb provides /bin/sh, which it has;
# --force-debian: Debian's rpm otherwise warns that Debian is no RPM system).
test_rpm_installs_upgrades_and_erases_in_a_fresh_root() {
	local v v2 rpm rpm2 r=$WORK/rroot q
	two_packages rpm || return
	v=$V v2=$V2 rpm=$PKG rpm2=$PKG2
	q=$(rpm -qp --queryformat '%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}' "$rpm" 2>&1)
	check_eq "$CUR: rpm -qp" "$q" "xdpcount $v 1 $ARCH GPL-2.0-only OR BSD-2-Clause"
	check_eq "$CUR: it needs nothing but a shell for its scriptlets" \
		"$(rpm -qpR "$rpm" | grep -v '^rpmlib(' | sort -u | tr '\n' ' ')" "/bin/sh "
	check "$CUR: rebuilt, the same bytes" eval "cmp '$rpm' \"\$('$TOP/dist/rpm.sh' '$WORK/rpm-1/xdpcount-$v-linux-$ARCH' '$ARCH' '$v' '$WORK/rpms-again')\""
	check_eq "$CUR: rpmlint has nothing to say but its closing line (dist/rpmlint.toml)" \
		"$(rpmlint -c "$TOP/dist/rpmlint.toml" "$rpm" 2>&1 | sed -n '/^checks:/,$p' | grep -v '^checks:' | grep . |
		   sed 's/; has taken .*//')" ' 1 packages and 0 specfiles checked; 0 errors, 0 warnings, 0 badness'
	min_root "$r"
	rpmdb --root="$r" --initdb || { fail "$CUR: rpmdb --initdb"; return; }
	rpm --root="$r" --force-debian --nodeps -i "$rpm" >"$WORK/rpm-i.log" 2>&1
	check_eq "$CUR: rpm -i in a fresh root says nothing" "$?/$(cat "$WORK/rpm-i.log")" 0/
	check_eq "$CUR: installed" "$(rpm --root="$r" -q --queryformat '%{VERSION}' xdpcount)" "$v"
	check_eq "$CUR: the binary runs there" \
		"$(chroot "$r" /usr/bin/xdpcount --version --json | jq -r .version)" "$("$BIN" --version --json | jq -r .version)"
	check_eq "$CUR: the unit is the release's, running /usr/bin/xdpcount" \
		"$(cat "$r/usr/lib/systemd/system/xdpcount@.service")" \
		"$(sed 's|/usr/local/bin/xdpcount|/usr/bin/xdpcount|g' "$TOP/dist/xdpcount@.service")"
	check "$CUR: rpm -V: the files are as packaged" rpm --root="$r" --nodeps -V xdpcount
	check_eq "$CUR: every link of its doc pages resolves (README.md to HACKING.md, docs/)" \
		"$($PY "$TOP/tests/deploy/md_links.py" --tree "$r/usr/share/doc/xdpcount" | tr '\n' ';')" ""
	check_eq "$CUR: systemd only reloaded" "$(tr '\n' '|' <"$r/calls")" 'systemctl daemon-reload|'
	check_eq "$CUR: no instance enabled (systemctl --root)" \
		"$(systemctl --root="$r" is-enabled xdpcount@eth0.service 2>&1)" disabled
	if [ -f "$TOP/dist/xdpcount.service" ]; then
		check_eq "$CUR: nor the selector's unit" "$(systemctl --root="$r" is-enabled xdpcount.service 2>&1)" disabled
	fi
	: >"$r/calls"
	rpm --root="$r" --force-debian --nodeps -U "$rpm2" >"$WORK/rpm-u.log" 2>&1
	check_eq "$CUR: rpm -U to the bumped build" "$?/$(cat "$WORK/rpm-u.log")" 0/
	check_eq "$CUR: upgraded" "$(rpm --root="$r" -q --queryformat '%{VERSION}' xdpcount)" "$v2"
	check_eq "$CUR: the upgrade reloads and restarts only running instances" "$(tr '\n' '|' <"$r/calls")" \
		'systemctl daemon-reload|systemctl daemon-reload|systemctl try-restart xdpcount@*.service|'
	: >"$r/calls"
	rpm --root="$r" --force-debian --nodeps -e xdpcount >"$WORK/rpm-e.log" 2>&1
	check_eq "$CUR: rpm -e" "$?/$(cat "$WORK/rpm-e.log")" 0/
	check_eq "$CUR: erased" "$(rpm --root="$r" -q xdpcount 2>&1)" "package xdpcount is not installed"
	check_eq "$CUR: erase stops the instances, then reloads" "$(tr '\n' '|' <"$r/calls")" \
		'systemctl stop xdpcount@*.service|systemctl daemon-reload|'
	check_eq "$CUR: no file of it left" "$(find "$r/usr" -name '*xdpcount*' | wc -l)" 0
}

# ------------------------------------------------------------------ ansible
# A systemctl that records what it is asked and keeps unit states in files
# (this machine's PID 1 is not systemd), for the role's enable and start.
fake_systemctl() { # DIR
	mkdir -p "$1/bin" "$1/state"
	cat >"$1/bin/systemctl" <<-'EOF2'
		#!/bin/bash
		st=$FAKE_SYSTEMCTL/state
		echo "$*" >>"$FAKE_SYSTEMCTL/calls"
		u=${2:-}
		case $1 in
		daemon-reload) ;;
		show)
			a=inactive e=disabled
			[ -e "$st/active.$u" ] && a=active
			[ -e "$st/enabled.$u" ] && e=enabled
			printf 'Id=%s\nLoadState=loaded\nActiveState=%s\nSubState=x\nUnitFileState=%s\n' "$u" $a $e ;;
		is-enabled) [ -e "$st/enabled.$u" ] && { echo enabled; exit 0; }; echo disabled; exit 1 ;;
		is-active) [ -e "$st/active.$u" ] && { echo active; exit 0; }; echo inactive; exit 3 ;;
		enable) touch "$st/enabled.$u" ;;
		start | restart) touch "$st/active.$u" ;;
		*) echo "fake systemctl: $* not known" >&2; exit 1 ;;
		esac
	EOF2
	chmod 755 "$1/bin/systemctl"
}

# recap FILE: "ok=N changed=N failed=N" of the play's one host.
recap() {
	grep -oE 'ok=[0-9]+ +changed=[0-9]+ +unreachable=[0-9]+ +failed=[0-9]+' "$1" | tail -n 1 |
		sed 's/unreachable=[0-9]* *//; s/  */ /g'
}

# role_arches DIR: the xdpcount_arches of the role in DIR/ansible, as JSON.
role_arches() {
	$PY -c 'import sys, yaml, json
print(json.dumps(yaml.safe_load(open(sys.argv[1]))["xdpcount_arches"], sort_keys=True))' \
		"$1/ansible/roles/xdpcount/defaults/main.yml"
}

# table_arches [TABLE]: ci/arches' (or TABLE's) uname -> arch, as JSON.
table_arches() {
	XDPCOUNT_ARCHES_FILE=${1:-$TOP/ci/arches} $PY -c 'import sys, json
sys.path.insert(0, sys.argv[1])
import arches
print(json.dumps({u: a for a, r in arches.rows().items() for u in r["unames"]}, sort_keys=True))' "$TOP/ci"
}

# The role's xdpcount_arches comes from ci/arches (dist/stamp.sh writes it):
# a new arch is its row, and the role knows it.
test_ansible_arches_come_from_the_arch_table() {
	local d=$WORK/arches-1 d2=$WORK/arches-2 t=$WORK/arches-plus
	check "$CUR: the tree's role keeps no list of its own" \
		grep -qx 'xdpcount_arches: {}' "$TOP/dist/ansible/roles/xdpcount/defaults/main.yml"
	mkdir -p "$d" "$d2" && cp -R "$TOP/dist/ansible" "$d/" && cp -R "$TOP/dist/ansible" "$d2/"
	"$TOP/dist/stamp.sh" "$d" 1.2.3 || { fail "$CUR: dist/stamp.sh"; return; }
	check_eq "$CUR: the stamped role's map is ci/arches' (uname: arch)" "$(role_arches "$d")" "$(table_arches)"
	check_match "$CUR: where they differ too" "$(role_arches "$d")" '"armv7l": "armhf"'
	check_match "$CUR: every machine name of a row (armhf on a 64-bit kernel)" "$(role_arches "$d")" '"armv8l": "armhf"'
	# a table with one more row (riscv64's, renamed)
	{ cat "$TOP/ci/arches"; awk -F'|' -v OFS='|' '$1 ~ /^riscv64 / { $1 = "loong64 "; $6 = " loongarch64 "; print }' \
		"$TOP/ci/arches"; } >"$t"
	XDPCOUNT_ARCHES_FILE=$t "$TOP/dist/stamp.sh" "$d2" 1.2.3 || { fail "$CUR: dist/stamp.sh with $t"; return; }
	check_match "$CUR: a new row is a new entry" "$(role_arches "$d2")" '"loongarch64": "loong64"'
	check_eq "$CUR: and the map is that table's" "$(role_arches "$d2")" "$(table_arches "$t")"
}

# arches_check TABLE [README]: ci/arches.py check's output on TABLE (and
# README), then "rc=N".
arches_check() {
	local rc=0 out
	out=$(XDPCOUNT_ARCHES_FILE=$1 XDPCOUNT_README=${2:-$TOP/README.md} $PY "$TOP/ci/arches.py" check 2>&1) || rc=$?
	printf '%s\nrc=%s\n' "$out" "$rc"
}

# README.md's prose lists of the arches are hand-written; ci/arches.py check
# (the arches suite) holds them to the table, and a row the README does not
# name, an arch it names that the table has not, or a row's other uname -m
# it does not say fails there. As is, the check passes.
test_readme_arch_lists_are_the_arch_table() {
	local t=$WORK/readme-arches r=$WORK/readme-arches.md out
	mkdir -p "$t"
	out=$(arches_check "$TOP/ci/arches")
	check_match "$CUR: the tree's README names the tree's arches" "$out" '^rc=0$'
	check_eq "$CUR: both of its lists are checked" \
		"$(grep -cE '^  ok +README.md: .* list names exactly' <<<"$out")" 2
	# a table with one more row (riscv64's, renamed): the README lacks it
	{ cat "$TOP/ci/arches"; awk -F'|' -v OFS='|' '$1 ~ /^riscv64 / { $1 = "loong64 "; $6 = " loongarch64 "; print }' \
		"$TOP/ci/arches"; } >"$t/plus"
	out=$(arches_check "$t/plus")
	check_match "$CUR: a new row the README does not name fails the check" "$out" '^rc=1$'
	check_eq "$CUR: in both lists, saying so" \
		"$(grep -cE "^  FAIL +README.md: .* list names exactly ci/arches' arches \(.*loong64; README: " <<<"$out")" 2
	# a table without riscv64's row: the README names one arch too many
	grep -v '^riscv64 ' "$TOP/ci/arches" >"$t/minus"
	out=$(arches_check "$t/minus")
	check_match "$CUR: an arch the table has not fails it" "$out" '^rc=1$'
	check_match "$CUR: naming the list" "$out" "FAIL +README.md: the quick start's arch names list names exactly"
	# a README whose quick start does not say armv8l
	sed '/says .armv7l., or$/s/, or$/:/; s/^.armv8l. under a 32-bit personality on an arm64 kernel: name/name/' "$TOP/README.md" >"$r"
	check "$CUR: (the copy lost armv8l)" eval "! grep -q armv8l '$r'"
	out=$(arches_check "$TOP/ci/arches" "$r")
	check_match "$CUR: a uname -m of a row the README does not say fails it" "$out" '^rc=1$'
	check_match "$CUR: saying which" "$out" "FAIL +README.md: the quick start's arch names list says armhf's uname -m \(armv7l armv8l"
	# a machine name in two rows fails the check too (the role's map would
	# have it twice)
	sed -E 's/^(riscv64 .*\| )riscv64( +\| riscv64-linux-gnu)/\1armv8l \2/' "$TOP/ci/arches" >"$t/dup"
	check "$CUR: (the copy has armv8l in riscv64's row)" grep -qE '^riscv64 .*\| armv8l +\|' "$t/dup"
	out=$(arches_check "$t/dup")
	check_match "$CUR: a machine name in two rows fails" "$out" "FAIL +riscv64: uname 'armv8l'"
	check_match "$CUR: for both rows" "$out" "FAIL +armhf: uname 'armv7l armv8l'"
}

# need_deny: true if the test helper deny (tests/tools/deny.c) is built, else
# fails saying what builds it (make all does not; make tools and
# make test-deploy do), as the integration suite does.
need_deny() {
	[ -x "$TOOLS/deny" ] && return 0
	fail "$CUR: $TOOLS/deny is missing (run make tools)"
	return 1
}

test_ansible_role_verifies_stages_checks_then_installs_idempotently() {
	local a b rel=$WORK/release ver name d out root=$WORK/ans fs=$WORK/fakesd t0 sum
	need_deny || return   # for the gate on a host without bpf()
	ns_new a ans-a && ns_new b ans-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	ver=$("$TOP/dist/version.sh" --dirty)
	name=xdpcount-$ver-linux-$ARCH
	d=$rel/$name
	mkdir -p "$d" "$WORK/anstmp"
	cp "$BIN" "$TOP/dist/xdpcount@.service" "$TOP/dist/xdpcount.service" "$TOP/dist/xdpcount.bash-completion" "$d/"
	cp -R "$TOP/dist/ansible" "$d/"
	"$TOP/dist/stamp.sh" "$d" "$ver" || { fail "$CUR: dist/stamp.sh"; return; }
	"$TOP/dist/man.sh" "$TOP/dist/xdpcount.8" "$ver" 0 >"$d/xdpcount.8"
	tar -C "$rel" -czf "$rel/$name.tar.gz" "$name"
	(cd "$rel" && sha256sum "$name.tar.gz" >SHA256SUMS)
	# as shipped: the release downloaded to $rel, one tarball unpacked there
	# for its playbook; the role's defaults find the rest (no version or
	# release directory given)
	fake_systemctl "$fs"
	run_role() { # OUT ROOT IFACES [WRAPPER...]: the role inside netns a, installing under ROOT
		local o=$1 r=$2 ifs=$3
		shift 3
		ip netns exec "$a" env ANSIBLE_LOCAL_TEMP="$WORK/anstmp" ANSIBLE_REMOTE_TEMP="$WORK/anstmp" \
			ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 PATH="$fs/bin:$PATH" FAKE_SYSTEMCTL="$fs" "$@" \
			ansible-playbook -i localhost, -c local "$d/ansible/xdpcount.yml" \
			-e ansible_python_interpreter=$PY \
			-e "{\"xdpcount_interfaces\": $ifs, \"xdpcount_select\": ${SEL:-[]}, \"xdpcount_systemd\": true}" \
			-e xdpcount_stage_dir="$r/stage" -e xdpcount_bindir="$r/bin" -e xdpcount_mandir="$r/man" \
			-e xdpcount_completiondir="$r/compl" -e xdpcount_unitdir="$r/units" >"$o" 2>&1
	}
	mkdir -p "$root"/{bin,man/man8,compl,units}
	out=$WORK/ansible-1.log t0=$SECONDS
	SEL='["veth*"]' run_role "$out" "$root" '["veth0"]'
	check_eq "$CUR: the first run passes on a host that can count ($((SECONDS - t0)) s)" "$?" 0 || show "$out"
	check "$CUR: it installed the binary" cmp "$BIN" "$root/bin/xdpcount"
	check_eq "$CUR: mode 755" "$(stat -c %a "$root/bin/xdpcount")" 755
	check "$CUR: the man page and completion" test -s "$root/man/man8/xdpcount.8" -a -s "$root/compl/xdpcount"
	check_eq "$CUR: the unit runs the installed binary" \
		"$(grep -oE '^ExecStart=[^ ]+' "$root/units/xdpcount@.service")" "ExecStart=$root/bin/xdpcount"
	check_match "$CUR: the gate says the verdict" "$(cat "$out")" \
		"verdict ok, xdpcount $("$BIN" --version --json | jq -r .version)"
	check_match "$CUR: it enabled and started xdpcount@veth0" "$(tr '\n' ' ' <"$fs/calls")" \
		'daemon-reload .*enable xdpcount@veth0.service'
	check "$CUR: and it runs" test -e "$fs/state/active.xdpcount@veth0.service"
	check "$CUR: and xdpcount.service, for the selector" test -e "$fs/state/enabled.xdpcount.service" -a \
		-e "$fs/state/active.xdpcount.service"
	check_eq "$CUR: whose drop-in says it" "$(grep '^Environment' "$root/units/xdpcount.service.d/select.conf")" \
		'Environment="XDPCOUNT_SELECT=veth*"'
	check_eq "$CUR: both units run the installed binary" \
		"$(grep -ohE '^ExecStart=[^ ]+' "$root/units/xdpcount.service" "$root/units/xdpcount@.service" | sort -u)" \
		"ExecStart=$root/bin/xdpcount"
	check_eq "$CUR: nothing attached by the check" "$(xdp_id "$a" veth0)" ""
	: >"$fs/calls"
	out=$WORK/ansible-2.log t0=$SECONDS
	SEL='["veth*"]' run_role "$out" "$root" '["veth0"]'
	check_eq "$CUR: the second run passes ($((SECONDS - t0)) s)" "$?" 0 || show "$out"
	check_match "$CUR: and changes nothing" "$(recap "$out")" '^ok=[0-9]+ changed=0 failed=0$'
	echo "  (second run: $(recap "$out"))"
	check_eq "$CUR: no enable, start or reload the second time" \
		"$(grep -cvE '^(show|is-enabled|is-active) ' "$fs/calls")" 0
	# a stale or tampered staging directory does not win
	echo junk >>"$root/stage/$name/xdpcount"
	out=$WORK/ansible-3.log
	run_role "$out" "$root" '["veth0"]'
	check_eq "$CUR: a run over a tampered stage passes" "$?" 0 || show "$out"
	check "$CUR: the stage is the release's again" cmp "$BIN" "$root/stage/$name/xdpcount"
	check "$CUR: and the installed binary too" cmp "$BIN" "$root/bin/xdpcount"
	# nothing to count on: installed, nothing enabled or started
	: >"$fs/calls"
	out=$WORK/ansible-none.log
	mkdir -p "$WORK/ans-none"/{bin,man/man8,compl,units}
	run_role "$out" "$WORK/ans-none" '[]'
	check_eq "$CUR: without interfaces it installs" "$?/$(cmp "$BIN" "$WORK/ans-none/bin/xdpcount" && echo same)" 0/same ||
		show "$out"
	check_match "$CUR: and says nothing was started" "$(cat "$out")" 'no interface in xdpcount_interfaces and no xdpcount_select: no unit enabled or started'
	check_eq "$CUR: no enable or start" "$(grep -cE '^(enable|start|restart) ' "$fs/calls")" 0
	# the gate: a host where bpf() is missing gets nothing installed
	out=$WORK/ansible-nobpf.log
	mkdir -p "$WORK/ans-nobpf"/{bin,man/man8,compl,units}
	run_role "$out" "$WORK/ans-nobpf" '["veth0"]' "$TOOLS/deny" bpf ENOSYS
	check "$CUR: the role fails where bpf() is missing" test $? -ne 0
	check_match "$CUR: and says why" "$(cat "$out")" "verdict incompatible \(.*\); nothing was installed"
	check_eq "$CUR: and installed nothing (staged only)" \
		"$(find "$WORK/ans-nobpf" -type f -not -path "*/stage/*" | wc -l)" 0
	# SHA256SUMS vouches for the tarball, or nothing is staged
	sum=$(cut -d' ' -f1 "$rel/SHA256SUMS")
	# its last digit changed (to 0, or 1 if it was 0: a sum ending in 0
	# stayed the same, and the test failed, one time in 16)
	echo "${sum:0:63}$([ "${sum:63}" = 0 ] && echo 1 || echo 0)  $name.tar.gz" >"$rel/SHA256SUMS"
	check "$CUR: (SHA256SUMS now names another sum)" test "$(cut -d' ' -f1 "$rel/SHA256SUMS")" != "$sum"
	out=$WORK/ansible-sum.log
	mkdir -p "$WORK/ans-sum"/{bin,man/man8,compl,units}
	run_role "$out" "$WORK/ans-sum" '["veth0"]'
	check "$CUR: a tarball SHA256SUMS does not vouch for fails" test $? -ne 0
	check_match "$CUR: and says so" "$(cat "$out")" "$name.tar.gz does not match SHA256SUMS"
	check_eq "$CUR: nothing staged or installed" "$(find "$WORK/ans-sum" -type f | wc -l)" 0
}

main() {
	local start=$SECONDS
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: the deploy tests need root"; echo "0 passed, 0 failed"; exit $SKIP
	fi
	[ -x "$BIN" ] || { echo "$BIN is missing (run make)"; echo "0 passed, 1 failed"; exit 1; }
	setup_deploy_tools
	run_tests "$TOP/tests/deploy/run.sh"
	echo "($((SECONDS - start)) s, $SKIPPED skipped)"
	closing_line
}

main
