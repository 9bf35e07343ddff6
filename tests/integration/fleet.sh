# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# Fleet identity and the JSON contract: --version --json, the start and error
# events, decoded xdp_features, and the documented field lists (docs/json.md and
# the man page) against what the program prints. Sourced by run.sh.

# doc_fields FILE: "NAME FIELD" pairs of the json-fields block of docs/json.md
# or dist/xdpcount.8, sorted.
doc_fields() {
	sed -n '/json-fields begin/,/json-fields end/p' "$1" |
		grep -vE 'json-fields|^```|^\.(PP|nf|fi)' |
		awk '{ for (i = 2; i <= NF; i++) print $1, $i }' | sort -u
}

# json_fields NAME FILE...: "NAME FIELD" pairs of every JSON value in the
# files (a.b for objects, a[].b for arrays of objects), sorted.
json_fields() {
	local name=$1; shift
	cat "$@" | jq -r --arg n "$name" '
		[paths | map(if type == "number" then "[]" else . end) | join(".")
		 | gsub("\\.\\[\\]"; "[]")] | map(select(endswith("[]") | not))[]
		| "\($n) \(.)"' 2>/dev/null | sort -u
}

# event_fields FILE...: "EVENT FIELD" pairs of the JSON Lines events.
event_fields() {
	cat "$@" | jq -r '.event as $e | keys_unsorted[] | "\($e) \(.)"' 2>/dev/null | sort -u
}

test_json_fields_match_the_documented_contract() {
	local a b c out got want man d
	need_bin && need_deny || return
	ns_new a jf-a && ns_new b jf-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	ifb_setup c jf-ifb || { fail "$CUR: setup (ifb)"; return; }
	out=$WORK/jf
	mkdir -p "$out"
	# every event: a run with a report; a fallback (native refused at attach
	# time); an error (a missing interface)
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 veth0 >"$out/run" 2>/dev/null
	# both directions: the transmit fields, and the plan's egress ones
	timeout 20 ip netns exec "$a" "$BIN" --json -c 1 -i 0.1 --direction both veth0 \
		>"$out/both" 2>/dev/null
	timeout 20 ip netns exec "$c" "$TOOLS/deny" genl EPERM "$BIN" --json -c 1 -i 0.1 ifb0 \
		>"$out/fallback" 2>/dev/null
	ip netns exec "$a" "$BIN" --json nosuch0 >"$out/error" 2>/dev/null
	timeout 60 ip netns exec "$a" "$BIN" check --json --selftest veth0 >"$out/check" 2>/dev/null
	"$BIN" --version --json >"$out/version"
	start_attached "$a" "$out/bg" veth0 -- --json -i 1 || return
	ip netns exec "$a" "$BIN" status --json veth0 >"$out/status" 2>/dev/null
	stop INT
	# the events of trouble: a netlink leftover (pinned, so it names its
	# pid) replaced by the next run, which sees veth0 renamed, then moved
	bpffs_private || return
	start_attached "$a" "$out/k9" veth0 -- --json -i 0.1 --attach netlink || return
	stop KILL
	start_attached "$a" "$out/trouble" veth0 -- --json -i 0.1 --attach netlink --direction both ||
		return
	ip -n "$a" link set dev veth0 name jf$$
	check "$CUR: a renamed event" wait_event "$out/trouble" renamed "jf$$" 3
	ip -n "$a" link set dev "jf$$" netns "$b"
	check "$CUR: a lost event" wait_event "$out/trouble" lost "jf$$" 3
	stop TERM
	ip -n "$b" link set dev "jf$$" xdp off 2>/dev/null # left there, as it says
	got=$( { event_fields "$out/run" "$out/both" "$out/fallback" "$out/error" "$out/trouble"
		 json_fields check "$out/check"; json_fields version "$out/version"
		 json_fields status "$out/status"; } | sort -u)
	for d in start plan fallback attached stats detached error renamed lost stale_removed; do
		check "$CUR: the program printed a $d event" grep -q "^$d " <<<"$got"
	done
	want=$(doc_fields "$TOP/docs/json.md")
	check "$CUR: docs/json.md has a field list" test "$(wc -l <<<"$want")" -gt 50
	d=$(diff <(echo "$want") <(echo "$got"))
	check_eq "$CUR: docs/json.md lists exactly the fields printed (< documented only, > printed only)" \
		"$(printf %s "$d" | tr '\n' ' ')" ""
	man=$(doc_fields "$TOP/dist/xdpcount.8")
	check_eq "$CUR: the man page lists the same fields as docs/json.md" \
		"$(diff <(echo "$want") <(echo "$man") | tr '\n' ' ')" ""
}

test_version_json_says_who_and_what() {
	local out=$WORK/version.json
	need_bin || return
	"$BIN" --version --json >"$out"
	check_eq "$CUR: exit 0" "$?" 0
	check "$CUR: one JSON document" is_json "$out"
	check_eq "$CUR: schema_version" "$(jq -r .schema_version "$out")" 1
	check_eq "$CUR: version matches --version" "$(jq -r .version "$out")" \
		"$("$BIN" --version | head -n 1 | awk '{print $2}')"
	check_eq "$CUR: hostname" "$(jq -r .hostname "$out")" "$(uname -n)"
	check_match "$CUR: RFC 3339 UTC timestamp" "$(jq -r .timestamp "$out")" \
		'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
	check_eq "$CUR: both objects with their sha256" \
		"$(jq -r '[.objects[] | .byte_order + ":" + (.sha256 | length | tostring)] | join(",")' "$out")" \
		"little:64,big:64"
	check_eq "$CUR: the dispatchers of both versions and byte orders with their sha256" \
		"$(jq -r '[.dispatchers[] | (.version | tostring) + .byte_order + ":" + (.sha256 | length | tostring)] | join(",")' "$out")" \
		"2little:64,2big:64,3little:64,3big:64"
	# the build's own objects, where this tree built the binary's
	if [ -e "$TOP/build/bpf/dispatcher3.bpfel.o" ] && [ "$BIN" -nt "$TOP/build/bpf/dispatcher3.bpfel.o" ]; then
		check_eq "$CUR: the version 3 little-endian dispatcher's sha256 is the built object's" \
			"$(jq -r '.dispatchers[2].sha256' "$out")" \
			"$(sha256sum "$TOP/build/bpf/dispatcher3.bpfel.o" | cut -d' ' -f1)"
	fi
}

test_json_error_event_on_stdout_with_a_stable_code() {
	local a b out rc
	need_bin || return
	ns_new a err-a && ns_new b err-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/err.out
	ip netns exec "$a" "$BIN" --json nosuch0 >"$out" 2>"$out.err"
	check_eq "$CUR: exit 2" "$?" 2
	check "$CUR: stdout is JSON Lines" all_json "$out"
	check_eq "$CUR: the last line is the error" "$(tail -n 1 "$out" | jq -r .event)" error
	check_eq "$CUR: code and errno" "$(field "$out" error "" code)/$(field "$out" error "" errno)" \
		interface/ENODEV
	check_eq "$CUR: exit_code" "$(field "$out" error "" exit_code)" 2
	check_eq "$CUR: the message is stderr's line" "xdpcount: $(field "$out" error "" message)" \
		"$(cat "$out.err")"
	# a foreign program in the way of a strict XDP mode: the refusal code
	# (in auto mode xdpcount would count at tc ingress behind it)
	ip -n "$a" link set dev veth0 xdpgeneric obj "$(foreign_obj)" sec xdp 2>/dev/null ||
		{ fail "$CUR: cannot attach the foreign program"; return; }
	timeout 20 ip netns exec "$a" "$BIN" --json -m generic veth0 >"$out" 2>/dev/null
	check_eq "$CUR: a foreign program: exit 1" "$?" 1
	check_eq "$CUR: code foreign_program" "$(field "$out" error "" code)" foreign_program
	ip -n "$a" link set dev veth0 xdpgeneric off
	timeout 20 ip netns exec "$a" "$BIN" --json --interval 0 veth0 >"$out" 2>/dev/null
	rc=$?
	check_eq "$CUR: bad usage: code usage" "$(field "$out" error "" code)/$rc" usage/2
	ip netns exec "$a" "$BIN" veth0 --bogus >"$out" 2>/dev/null
	check_eq "$CUR: without --json stdout stays empty" "$(wc -c <"$out")" 0
}

# Issue 17 item 11: every error code the program can print is in README's
# list (`lost` was not), and a privilege refusal's errno is the EPERM its
# message names (it said EOPNOTSUPP).
test_error_codes_are_documented_and_errno_matches_the_message() {
	local a out codes doc
	need_bin || return
	codes=$(sed -n 's/^\t\[STAGE_[A-Z_]*\] = "\([a-z_]*\)",$/\1/p' "$TOP/cli/errors.c" | sort -u)
	doc=$(sed -n '/error-codes begin/,/error-codes end/s/^- \*\*`\([a-z_]*\)`\*\*.*/\1/p' \
		"$TOP/README.md" | sort -u)
	check "$CUR: cli/errors.c has error codes" test "$(wc -l <<<"$codes")" -gt 15
	check_eq "$CUR: README lists exactly the codes (< in the program only, > documented only)" \
		"$(diff <(echo "$codes") <(echo "$doc") | grep '^[<>]' | tr '\n' ' ')" ""
	ns_new a errno-a || { fail "$CUR: setup"; return; }
	out=$WORK/errno.out
	ip netns exec "$a" ip link set lo up
	timeout 20 ip netns exec "$a" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$BIN" --json -c 1 lo >"$out" 2>/dev/null
	check_eq "$CUR: unprivileged: exit 1" "$?" 1
	check_match "$CUR: the message names EPERM" "$(field "$out" error "" message)" '\(EPERM\)'
	check_eq "$CUR: and so does errno" "$(field "$out" error "" errno)" EPERM
}

test_check_json_names_xdp_features_and_identity() {
	local a b out names bits
	need_bin || return
	ns_new a xf-a && ns_new b xf-b && veth "$a" veth0 "$b" veth1 ||
		{ fail "$CUR: setup"; return; }
	out=$WORK/xf.json
	ip netns exec "$a" "$BIN" check --json veth0 >"$out" 2>/dev/null
	check_eq "$CUR: identity" "$(jq -r '[.schema_version, .hostname] | join(" ")' "$out")" \
		"1 $(uname -n)"
	if [ "$(jq -r '.interfaces[0].xdp_features' "$out")" == null ]; then
		check_eq "$CUR: no names without the kernel's mask" \
			"$(jq -r '.interfaces[0].xdp_features_names' "$out")" null
		return
	fi
	names=$(jq -r '.interfaces[0].xdp_features_names | join(",")' "$out")
	check_match "$CUR: veth has basic, redirect and rx-sg" "$names" '^basic,redirect,(.*,)?rx-sg'
	bits=$(jq -r '.interfaces[0].xdp_features' "$out")
	check_eq "$CUR: one name per bit" "$(jq -r '.interfaces[0].xdp_features_names | length' "$out")" \
		"$(awk -v v="$bits" 'BEGIN { n = 0; while (v > 0) { n += v % 2; v = int(v / 2) } print n }')"
}

