# shellcheck shell=bash disable=SC2015,SC2016,SC2086
# (A && B || fail is meant; the bash -c scripts expand inside; N is a number.)
# --metrics and --textfile against the real servers: Debian's prometheus,
# promtool and prometheus-node-exporter (unpacked by ci/prometheus.sh, never
# installed as services), plus curl and raw sockets for malformed requests.
# Sourced by run.sh. Every server runs on the loopback of the test's own
# network namespace, so fixed ports cannot clash with anything else.

MPORT=10937      # xdpcount --metrics
PPORT=9090      # prometheus
NPORT=9100      # node_exporter

# need_prom_tools: sets PROMBIN (prometheus, promtool, node_exporter) and
# makes sure curl is there.
need_prom_tools() {
	command -v curl >/dev/null ||
		ME=integration bash -c '. "$1/ci/lib.sh" && apt_install curl' _ "$TOP" >/dev/null 2>&1
	command -v curl >/dev/null || { fail "$CUR: curl is missing and could not be installed"; return 1; }
	[ -n "${PROMBIN:-}" ] && return 0
	PROMBIN=$("$TOP/ci/prometheus.sh" 2>"$WORK/prometheus-fetch.log") ||
		{ fail "$CUR: ci/prometheus.sh failed"; show "$WORK/prometheus-fetch.log"; return 1; }
}

# get NS URL: the body of an HTTP GET inside NS (empty on failure).
get() {
	ip netns exec "$1" curl -s --max-time 5 "$2"
}

# status NS URL [CURL ARGS...]: the HTTP status code curl saw.
status() {
	local ns=$1 url=$2; shift 2
	ip netns exec "$ns" curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@" "$url"
}

# raw NS DATA: sends DATA (printf %b escapes) to xdpcount's port, prints the
# status line of the answer (or nothing when the connection closed).
raw() {
	ip netns exec "$1" timeout 8 bash -c \
		'exec 3<>/dev/tcp/127.0.0.1/'$MPORT' || exit 1; printf "%b" "$1" >&3; head -n 1 <&3 | tr -d "\r"' \
		_ "$2" 2>/dev/null
}

# sample BODY SERIES: the value of SERIES (name{labels} as printed) in an
# exposition, as an integer (node_exporter re-renders 1000000 as 1e+06).
sample() {
	awk -v k="$2" '$1 == k { printf "%.0f", $2; exit }' <<<"$1"
}

# wait_http NS URL: true once URL answers 200 (10 s at most).
wait_http() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(status "$1" "$2")" == 200 ] && return 0
		sleep 0.05
	done
	return 1
}

# metrics_setup NAME: namespaces a (veth0, where xdpcount counts) and b (veth1).
metrics_setup() {
	need_bin && need_sendframes && need_prom_tools || return 1
	ns_new A "$1-a" && ns_new B "$1-b" && veth "$A" veth0 "$B" veth1 ||
		{ fail "$CUR: setup"; return 1; }
}

# bg NS CMD...: a background server in NS, killed by the test's cleanup.
bg() {
	local ns=$1; shift
	ip netns exec "$ns" "$@" >"$WORK/bg.$#.$RANDOM.log" 2>&1 &
	BGPIDS+=("$!")
}

# prom_query NS EXPR: the value of an instant query's first sample, or "".
prom_query() {
	get "$1" "http://127.0.0.1:$PPORT/api/v1/query?query=$(jq -rn --arg q "$2" '$q|@uri')" |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}

test_prometheus_server_scrapes_exactly_10000_frames() {
	local out i got=""
	metrics_setup prom || return
	out=$WORK/prom.out
	cat >"$WORK/prometheus.yml" <<-EOF2
		global:
		  scrape_interval: 1s
		scrape_configs:
		  - job_name: xdpcount
		    static_configs:
		      - targets: ['127.0.0.1:$MPORT']
	EOF2
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --metrics $MPORT || return
	bg "$A" "$PROMBIN/prometheus" --config.file="$WORK/prometheus.yml" \
		--storage.tsdb.path="$WORK/prom-data" --web.listen-address=127.0.0.1:$PPORT
	wait_http "$A" "http://127.0.0.1:$PPORT/-/ready" ||
		{ fail "$CUR: prometheus did not become ready"; return; }
	check_eq "$CUR: sendframes sent $N" "$(send "$B" veth1 $N 64)" "$N"
	for ((i = 0; i < 300; i++)); do # 30 s at most: scrapes are 1 s apart
		got=$(prom_query "$A" 'xdpcount_receive_packets_total{device="veth0"}')
		[ "$got" == "$N" ] && break
		sleep 0.1
	done
	check_eq "$CUR: prometheus query shows xdpcount_receive_packets_total" "$got" "$N"
	check_eq "$CUR: bytes" "$(prom_query "$A" 'xdpcount_receive_bytes_total{device="veth0"}')" $((N * 64))
	check_eq "$CUR: xdpcount_up" "$(prom_query "$A" 'xdpcount_up')" 1
	check_eq "$CUR: the scrape target is up" "$(prom_query "$A" 'up{job="xdpcount"}')" 1
	check_eq "$CUR: attach state native" \
		"$(prom_query "$A" 'xdpcount_attach_state{device="veth0",state="native"}')" 1
	check_eq "$CUR: attach info" \
		"$(prom_query "$A" 'xdpcount_attach_info{device="veth0",hook="xdp",mode="native",attach="link"}')" 1
	check_eq "$CUR: device up" "$(prom_query "$A" 'xdpcount_device_up{device="veth0"}')" 1
	# the join the names are for: one device label on every per-device series
	check_eq "$CUR: joins on device without label_replace" \
		"$(prom_query "$A" 'count(xdpcount_receive_packets_total * on(device) group_left xdpcount_device_up)')" 1
	check_eq "$CUR: build info" \
		"$(prom_query "$A" 'count(xdpcount_build_info{arch!="",libbpf!="",version!="",object_byte_order!=""})')" 1
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	check_eq "$CUR: detached packets" "$(field "$out" detached veth0 packets)" $N
}

test_node_exporter_textfile_collector_reads_exactly_10000_frames() {
	local out dir i body="" line
	metrics_setup ntxt || return
	out=$WORK/ntxt.out
	dir=$WORK/textfile
	mkdir -p "$dir"
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --textfile "$dir/xdpcount.prom" || return
	bg "$A" "$PROMBIN/prometheus-node-exporter" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" \
		--web.listen-address=127.0.0.1:$NPORT
	wait_http "$A" "http://127.0.0.1:$NPORT/metrics" ||
		{ fail "$CUR: node_exporter did not answer"; return; }
	check_eq "$CUR: sendframes sent $N" "$(send "$B" veth1 $N 100)" "$N"
	line='xdpcount_receive_packets_total{device="veth0"}'
	for ((i = 0; i < 100; i++)); do
		body=$(get "$A" "http://127.0.0.1:$NPORT/metrics")
		[ "$(sample "$body" "$line")" == $N ] && break
		sleep 0.1
	done
	check_eq "$CUR: node_exporter serves $line" "$(sample "$body" "$line")" $N
	check_eq "$CUR: bytes too" \
		"$(sample "$body" 'xdpcount_receive_bytes_total{device="veth0"}')" $((N * 100))
	check "$CUR: node_exporter read the file without error" \
		grep -qxF 'node_textfile_scrape_error 0' <<<"$body"
	check "$CUR: the textfile passes promtool" \
		eval "'$PROMBIN/promtool' check metrics <'$dir/xdpcount.prom' >/dev/null 2>&1"
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	check "$CUR: the last textfile says xdpcount_up 0" \
		grep -qxF 'xdpcount_up{textfile="xdpcount.prom"} 0' "$dir/xdpcount.prom"
	check "$CUR: and the device is down" \
		grep -qxF 'xdpcount_device_up{device="veth0"} 0' "$dir/xdpcount.prom"
	check "$CUR: with its final total" \
		grep -qxF "xdpcount_receive_packets_total{device=\"veth0\"} $N" "$dir/xdpcount.prom"
	check_eq "$CUR: no temporary file is left" "$(ls -A "$dir")" xdpcount.prom
}

# Issue 23: two instances (the per-interface systemd template) write two
# textfiles into node_exporter's one directory. Their process series used to
# be the same (xdpcount_up with no labels): node_exporter refused them as
# "collected before", and a stopped instance still showed up 1. A killed one
# (kill -9) writes no last word: its file says up 1 forever, and the real
# Prometheus, with the shipped rules, shows it down by its file's age.
test_node_exporter_reads_two_instances_and_shows_the_stopped_and_killed_down() {
	local out1 out2 dir i body="" p1 p2 want t0 got
	metrics_setup ntwo || return
	veth "$A" veth2 "$B" veth3 || { fail "$CUR: setup"; return; }
	out1=$WORK/ntwo1.out out2=$WORK/ntwo2.out dir=$WORK/textfile2
	mkdir -p "$dir"
	start_attached "$A" "$out1" veth0 -- --json -i 0.2 --textfile "$dir/xdpcount-veth0.prom" || return
	p1=$XPID
	start_attached "$A" "$out2" veth2 -- --json -i 0.2 --textfile "$dir/xdpcount-veth2.prom" || return
	p2=$XPID
	bg "$A" "$PROMBIN/prometheus-node-exporter" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" \
		--web.listen-address=127.0.0.1:$NPORT
	wait_http "$A" "http://127.0.0.1:$NPORT/metrics" ||
		{ fail "$CUR: node_exporter did not answer"; return; }
	cat >"$WORK/prometheus-nx.yml" <<-EOF2
		global:
		  scrape_interval: 1s
		  evaluation_interval: 1s
		rule_files: ['$TOP/dist/prometheus/xdpcount-rules.yml']
		scrape_configs:
		  - job_name: node
		    static_configs:
		      - targets: ['127.0.0.1:$NPORT']
	EOF2
	bg "$A" "$PROMBIN/prometheus" --config.file="$WORK/prometheus-nx.yml" \
		--storage.tsdb.path="$WORK/prom-nx" --web.listen-address=127.0.0.1:$PPORT
	wait_http "$A" "http://127.0.0.1:$PPORT/-/ready" ||
		{ fail "$CUR: prometheus did not become ready"; return; }
	check_eq "$CUR: sendframes sent 100 on veth1" "$(send "$B" veth1 100 64)" 100
	check_eq "$CUR: sendframes sent 200 on veth3" "$(send "$B" veth3 200 64)" 200
	for ((i = 0; i < 100; i++)); do
		body=$(get "$A" "http://127.0.0.1:$NPORT/metrics")
		[ "$(sample "$body" 'xdpcount_receive_packets_total{device="veth0"}')" == 100 ] &&
			[ "$(sample "$body" 'xdpcount_receive_packets_total{device="veth2"}')" == 200 ] && break
		sleep 0.1
	done
	check_eq "$CUR: veth0 counted by the first" \
		"$(sample "$body" 'xdpcount_receive_packets_total{device="veth0"}')" 100
	check_eq "$CUR: veth2 counted by the second" \
		"$(sample "$body" 'xdpcount_receive_packets_total{device="veth2"}')" 200
	check "$CUR: node_exporter read both files without error" \
		grep -qxF 'node_textfile_scrape_error 0' <<<"$body"
	check_eq "$CUR: both instances up" \
		"$(sample "$body" 'xdpcount_up{textfile="xdpcount-veth0.prom"}')/$(sample "$body" 'xdpcount_up{textfile="xdpcount-veth2.prom"}')" 1/1
	check_eq "$CUR: one build_info per instance" "$(grep -c '^xdpcount_build_info{' <<<"$body")" 2
	got=$(sample "$body" 'xdpcount_textfile_write_timestamp_seconds{textfile="xdpcount-veth2.prom"}')
	check "$CUR: the file says when it was written (now: $got, $(date +%s))" \
		test "$(($(date +%s) - ${got:-0}))" -le 5
	local fam undoc=""
	while read -r fam; do
		grep -qF "| \`$fam\` |" "$TOP/README.md" && grep -qwE "^\.B.*$fam" "$TOP/dist/xdpcount.8" ||
			undoc+=" $fam"
	done < <(grep -oE '^# TYPE xdpcount_[a-z_]+' <<<"$body" | cut -d' ' -f3)
	check_eq "$CUR: every family of the textfile is in README's table and the man page" "$undoc" ""
	check_eq "$CUR: and how often (--interval)" \
		"$(grep '^xdpcount_textfile_interval_seconds{textfile="xdpcount-veth2.prom"}' <<<"$body" | cut -d' ' -f2)" 0.2
	for ((i = 0; i < 300; i++)); do # 30 s at most: scrapes and rules are 1 s apart
		got=$(prom_query "$A" 'sum(xdpcount:up)')
		[ "$got" == 2 ] && break
		sleep 0.1
	done
	check_eq "$CUR: prometheus, with the shipped rules: both up (xdpcount:up)" "$got" 2
	XPID=$p1
	stop TERM
	check_eq "$CUR: the first exits 0 after SIGTERM" "$XRC" 0
	want='xdpcount_up{textfile="xdpcount-veth0.prom"}'
	for ((i = 0; i < 50; i++)); do
		body=$(get "$A" "http://127.0.0.1:$NPORT/metrics")
		[ "$(sample "$body" "$want")" == 0 ] && break
		sleep 0.1
	done
	check_eq "$CUR: the stopped instance shows as down" "$(sample "$body" "$want")" 0
	check_eq "$CUR: its device too" "$(sample "$body" 'xdpcount_device_up{device="veth0"}')" 0
	check_eq "$CUR: the other is still up" \
		"$(sample "$body" 'xdpcount_up{textfile="xdpcount-veth2.prom"}')/$(sample "$body" 'xdpcount_device_up{device="veth2"}')" 1/1
	check "$CUR: still no scrape error" grep -qxF 'node_textfile_scrape_error 0' <<<"$body"
	check "$CUR: node_exporter never saw a collision" \
		eval "! grep -h 'collected before' '$WORK'/bg.*.log"
	XPID=$p2
	stop KILL
	t0=$SECONDS
	body=$(get "$A" "http://127.0.0.1:$NPORT/metrics")
	check_eq "$CUR: the killed instance's file still says up 1" \
		"$(sample "$body" 'xdpcount_up{textfile="xdpcount-veth2.prom"}')" 1
	want='xdpcount:up{textfile="xdpcount-veth2.prom"}'
	for ((i = 0; i < 400; i++)); do # 3 x 0.2 s + 10 s old, then a scrape and a rule
		got=$(prom_query "$A" "$want")
		[ "$got" == 0 ] && break
		sleep 0.1
	done
	check_eq "$CUR: prometheus shows the killed instance down ($((SECONDS - t0)) s after kill -9)" "$got" 0
	check_eq "$CUR: and the stopped one" "$(prom_query "$A" 'xdpcount:up{textfile="xdpcount-veth0.prom"}')" 0
}

# Issue 17: the kernel takes any bytes but '/', ':', NUL and white space in
# a name; the Prometheus format takes only UTF-8. promtool used to reject the
# whole exposition ("invalid label value").
test_a_name_that_is_not_utf8_passes_promtool() {
	local out name=$'v\xff\xc3(' dir lint
	metrics_setup nutf || return
	ip -n "$A" link set veth0 down && ip -n "$A" link set veth0 name "$name" &&
		ip -n "$A" link set "$name" up || { fail "$CUR: rename"; return; }
	out=$WORK/nutf.out dir=$WORK/nutf
	mkdir -p "$dir"
	# (start_attached matches the JSON name, which is the UTF-8 reading)
	start "$A" "$out" --json -i 0.2 --textfile "$dir/x.prom" "$name"
	wait_event "$out" attached || { fail "$CUR: not attached"; show "$out.err"; stop KILL; return; }
	stop TERM
	check_eq "$CUR: exit status after SIGTERM" "$XRC" 0
	lint=$("$PROMBIN/promtool" check metrics <"$dir/x.prom" 2>&1)
	check_eq "$CUR: promtool check metrics exit status" "$?" 0
	check_eq "$CUR: promtool has nothing to say" "$lint" ""
	# each stray byte read as Latin-1, as the JSON events say it
	check "$CUR: the label reads v\\u00ff\\u00c3(" \
		grep -qxF "xdpcount_device_up{device=\"v$(printf '\xc3\xbf\xc3\x83')(\"} 0" "$dir/x.prom"
	check_eq "$CUR: the JSON events name it the same" \
		"$(jq -j 'select(.event == "attached") | .iface' "$out" | od -An -tx1 | tr -d ' \n')" \
		"$(printf 'v\xc3\xbf\xc3\x83(' | od -An -tx1 | tr -d ' \n')"
}

test_promtool_check_metrics_is_clean() {
	local out body lint
	metrics_setup lint || return
	out=$WORK/lint.out
	# generic mode too, so both mode labels are linted
	start_attached "$A" "$out" veth0 -- --json -i 0.2 -m generic --metrics $MPORT || return
	send "$B" veth1 10 64 >/dev/null
	wait_packets "$out" veth0 10
	body=$(get "$A" "http://127.0.0.1:$MPORT/metrics")
	check_match "$CUR: the counter carries no mode" "$body" '^xdpcount_receive_packets_total\{device="veth0"\} 10$'
	lint=$("$PROMBIN/promtool" check metrics <<<"$body" 2>&1)
	check_eq "$CUR: promtool check metrics exit status" "$?" 0
	check_eq "$CUR: promtool has nothing to say" "$lint" ""
	check_match "$CUR: generic mode is in the info metric" "$body" \
		'^xdpcount_attach_info\{device="veth0",hook="xdp",mode="generic",attach="link"\} 1$'
	check_match "$CUR: HELP and TYPE for every family" \
		"$(grep -c '^# TYPE xdpcount_' <<<"$body")/$(grep -c '^# HELP xdpcount_' <<<"$body")" '^7/7$'
	stop INT
}

test_metrics_http_refuses_malformed_requests_and_keeps_counting() {
	local out long hdrs i before after
	metrics_setup http || return
	out=$WORK/http.out
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --metrics $MPORT || return
	local u=http://127.0.0.1:$MPORT
	check_eq "$CUR: GET /metrics" "$(status "$A" $u/metrics)" 200
	check_eq "$CUR: content type is the Prometheus text format" \
		"$(ip netns exec "$A" curl -s -o /dev/null -w '%{content_type}' $u/metrics)" \
		'text/plain; version=0.0.4; charset=utf-8'
	check_eq "$CUR: GET / is 404" "$(status "$A" $u/)" 404
	check_eq "$CUR: GET /metrics/x is 404" "$(status "$A" $u/metrics/x)" 404
	check_eq "$CUR: POST is 405" "$(status "$A" $u/metrics -d x=1)" 405
	check_eq "$CUR: PUT is 405" "$(status "$A" $u/metrics -X PUT)" 405
	check_eq "$CUR: HEAD is 200" "$(status "$A" $u/metrics -I)" 200
	check_eq "$CUR: HTTP/1.0 is fine" "$(status "$A" $u/metrics --http1.0)" 200
	check_eq "$CUR: a query string is ignored" "$(status "$A" "$u/metrics?x=1")" 200
	long=$(head -c 2000 /dev/zero | tr '\0' a)
	check_eq "$CUR: a 2000-byte path is 414" "$(status "$A" "$u/$long")" 414
	hdrs=()
	for ((i = 0; i < 70; i++)); do hdrs+=(-H "X-H$i: v"); done
	check_eq "$CUR: 70 headers are 431" "$(status "$A" $u/metrics "${hdrs[@]}")" 431
	check_eq "$CUR: an 8 kB header is 431" \
		"$(status "$A" $u/metrics -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' b)")" 431
	check_eq "$CUR: binary garbage is 400" "$(raw "$A" '\x16\x03\x01\x02\x00\x01\x00')" \
		'HTTP/1.1 400 Bad Request'
	check_eq "$CUR: a NUL in the request is 400" "$(raw "$A" 'GET /me\x00trics HTTP/1.1\r\n\r\n')" \
		'HTTP/1.1 400 Bad Request'
	check_eq "$CUR: HTTP/0.9 is 400" "$(raw "$A" 'GET /metrics\r\n\r\n')" 'HTTP/1.1 400 Bad Request'
	check_eq "$CUR: HTTP/2.0 is 505" "$(raw "$A" 'GET /metrics HTTP/2.0\r\n\r\n')" \
		'HTTP/1.1 505 HTTP Version Not Supported'
	check_eq "$CUR: folded header is 400" "$(raw "$A" 'GET /metrics HTTP/1.1\r\nA: b\r\n c\r\n\r\n')" \
		'HTTP/1.1 400 Bad Request'

	# Twelve clients connect and say nothing. The counting loop must keep
	# its pace meanwhile, and serve (test_idle_connections_do_not_deny_scrapes
	# fills every slot).
	for ((i = 0; i < 12; i++)); do
		bg "$A" bash -c "exec 3<>/dev/tcp/127.0.0.1/$MPORT; sleep 9"
	done
	sleep 0.3
	before=$(events "$out" stats veth0 | wc -l)
	sleep 2
	after=$(events "$out" stats veth0 | wc -l)
	# 2 s at 0.2 s: 10 reports; allow for a loaded machine, not for a stall
	check "$CUR: reports kept coming while 12 silent clients held on ($((after - before)) in 2 s)" \
		test $((after - before)) -ge 7
	for ((i = 0; i < 100; i++)); do
		[ "$(status "$A" $u/metrics)" == 200 ] && break
		sleep 0.1
	done
	check_eq "$CUR: served again after the read timeout" "$(status "$A" $u/metrics)" 200
	check "$CUR: still running" kill -0 "$XPID"
	send "$B" veth1 100 64 >/dev/null
	check "$CUR: still counting" wait_packets "$out" veth0 100
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	check "$CUR: stdout is JSON Lines" all_json "$out"
}

# The DaemonSet's --metrics $(NODE_IP):PORT: the listener answers on that
# address only, not on the node's other addresses (loopback here).
test_metrics_bound_to_one_address_answers_there_only() {
	local out
	metrics_setup bind || return
	ip -n "$A" addr add 192.0.2.1/24 dev veth0 && ip -n "$B" addr add 192.0.2.2/24 dev veth1 &&
		ip -n "$A" link set veth0 arp on && ip -n "$B" link set veth1 arp on ||
		{ fail "$CUR: addresses"; return; }
	out=$WORK/bind.out
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --metrics 192.0.2.1:$MPORT || return
	check_eq "$CUR: scraped from the peer through that address" \
		"$(status "$B" "http://192.0.2.1:$MPORT/metrics")" 200
	check_eq "$CUR: not on loopback" "$(status "$A" "http://127.0.0.1:$MPORT/metrics")" 000
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
}

test_metrics_port_in_use_fails_before_attaching() {
	local out1 out2 rc
	metrics_setup busy || return
	out1=$WORK/busy1.out out2=$WORK/busy2.out
	start_attached "$A" "$out1" veth0 -- --json -i 0.2 --metrics $MPORT || return
	ip -n "$A" link add veth2 type veth peer name veth3
	ip -n "$A" link set veth2 up
	ip netns exec "$A" "$BIN" --json -c 1 --metrics $MPORT veth2 >"$out2" 2>"$out2.err"
	rc=$?
	check_eq "$CUR: exit 1" "$rc" 1
	check_match "$CUR: says why" "$(cat "$out2.err")" \
		"cannot serve metrics on $MPORT: the address is already in use"
	check_eq "$CUR: nothing was attached to veth2" "$(xdp_id "$A" veth2)" ""
	check_match "$CUR: a low port without CAP_NET_BIND_SERVICE says what to do" \
		"$(ip netns exec "$A" setpriv --bounding-set=-net_bind_service "$BIN" -c 1 --metrics 80 veth2 2>&1)" \
		'cannot serve metrics on 80: ports below 1024 need CAP_NET_BIND_SERVICE; use a port above 1023'
	check_eq "$CUR: a bad --metrics value is bad usage" \
		"$("$BIN" --metrics localhost:80 lo >/dev/null 2>&1; echo $?)" 2
	check_eq "$CUR: an unwritable --textfile directory exits 1 before attaching" \
		"$(ip netns exec "$A" "$BIN" -c 1 --textfile /nonexistent/x.prom veth2 >/dev/null 2>&1; echo $?)/$(xdp_id "$A" veth2)" "1/"
	stop INT
}

test_textfile_says_refused_when_native_is_refused() {
	local out a dir
	need_bin && need_prom_tools || return
	ifb_setup a txtifb || { fail "$CUR: setup"; return; }
	dir=$WORK/refused
	mkdir -p "$dir"
	ip netns exec "$a" "$BIN" --json -m native -c 1 --textfile "$dir/x.prom" ifb0 >/dev/null 2>&1
	check_eq "$CUR: exit 1" "$?" 1
	check "$CUR: xdpcount_up 0" grep -qxF 'xdpcount_up{textfile="x.prom"} 0' "$dir/x.prom"
	check "$CUR: state refused" grep -qxF \
		'xdpcount_attach_state{device="ifb0",state="refused"} 1' "$dir/x.prom"
	check "$CUR: device down" grep -qxF 'xdpcount_device_up{device="ifb0"} 0' "$dir/x.prom"
	check "$CUR: no packet counter for a refused interface" \
		eval "! grep -q '^xdpcount_receive_packets_total{' '$dir/x.prom'"
	check "$CUR: promtool clean" eval "'$PROMBIN/promtool' check metrics <'$dir/x.prom'"
}

# fd://3: a listening socket inherited the systemd way (systemd-socket-activate
# listens, and execs xdpcount on the first connection, which it then serves).
test_metrics_fd_socket_activation_serves_the_first_connection() {
	local out code
	need_cmd systemd-socket-activate || return
	metrics_setup sockact || return
	out=$WORK/sockact.out
	ip netns exec "$A" systemd-socket-activate -l 127.0.0.1:$MPORT \
		"$BIN" --json -i 0.2 --metrics fd://3 veth0 >"$out" 2>"$out.err" &
	XPID=$!
	BGPIDS+=("$XPID")
	sleep 0.3 # listening, xdpcount not started yet
	check_eq "$CUR: nothing attached before the first connection" "$(xdp_id "$A" veth0)" ""
	code=$(status "$A" "http://127.0.0.1:$MPORT/metrics")
	check_eq "$CUR: the first connection is served" "$code" 200
	check "$CUR: attached" wait_event "$out" attached veth0
	check_match "$CUR: and counting" "$(get "$A" "http://127.0.0.1:$MPORT/metrics")" \
		'^xdpcount_up 1$'
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
	ip netns exec "$A" "$BIN" --json -c 1 --metrics fd://0 veth0 </dev/null >"$out" 2>"$out.err"
	check_eq "$CUR: fd://0 that is not a socket: exit 1" "$?" 1
	check_match "$CUR: says so" "$(cat "$out.err")" 'cannot serve metrics on fd://0: that file descriptor is not a listening socket'
	check_eq "$CUR: nothing attached" "$(xdp_id "$A" veth0)" ""
}

# packets_of FILE: xdpcount_receive_packets_total of veth0 in an exposition file.
packets_of() {
	awk '$1 ~ /^xdpcount_receive_packets_total\{device="veth0"/ { printf "%.0f", $2; exit }' "$1"
}

# Issue 17 item 3: stdout is a FIFO whose reader never reads. Once it is
# full, scrapes must still answer at once, the textfile stay fresh, the
# counts stay exact, the watch notice our program removed, and the textfile
# left at exit carry the real totals. (A blocking stdout stalled them all.)
test_blocked_stdout_stalls_neither_metrics_textfile_nor_watch() {
	local fifo err prom i code slow=0 stale=0 scrapes=0 age got=""
	need_bin && need_sendframes && need_prom_tools || return
	ns_new A blk-a && ns_new B blk-b && veth "$A" veth0 "$B" veth1 || { fail "$CUR: setup"; return; }
	fifo=$WORK/blk.fifo err=$WORK/blk.err prom=$WORK/blk.prom
	mkfifo "$fifo"
	# shellcheck disable=SC2217 # the point: a reader that holds the FIFO and never reads
	sleep 60 <"$fifo" & # opens the FIFO for reading, and never reads
	BGPIDS+=("$!")
	ip netns exec "$A" "$BIN" --json -i 0.01 --attach netlink --metrics $MPORT --textfile "$prom" \
		veth0 >"$fifo" 2>"$err" &
	XPID=$!
	BGPIDS+=("$XPID")
	wait_http "$A" "http://127.0.0.1:$MPORT/metrics" || { fail "$CUR: no metrics"; show "$err"; return; }
	for ((i = 0; i < 200; i++)); do # 100 lines/s fill the FIFO's 64 KiB in a few seconds
		grep -q 'stdout takes nothing' "$err" && break
		sleep 0.05
	done
	check_match "$CUR: stderr says stdout blocks" "$(cat "$err")" 'stdout takes nothing.*go on'
	# capabilities are per thread: the stdout writer holds none, so the
	# process holds no more than the run loop kept after attaching
	check_eq "$CUR: threads with any capability (the run loop alone)" \
		"$(grep -h '^CapPrm' /proc/"$XPID"/task/*/status | grep -vc '0000000000000000$')" 1
	for ((i = 0; i < 15; i++)); do # 3 s of scrapes with stdout blocked
		code=$(ip netns exec "$A" curl -s -o /dev/null --max-time 1 -w '%{http_code}' \
			"http://127.0.0.1:$MPORT/metrics")
		scrapes=$((scrapes + 1))
		[ "$code" == 200 ] || slow=$((slow + 1))
		age=$(($(date +%s%3N) - $(stat -c %.3Y "$prom" | tr -d .)))
		[ "$age" -le 1000 ] || stale=$((stale + 1))
		sleep 0.2
	done
	check_eq "$CUR: scrapes that did not answer 200 within 1 s (of $scrapes)" "$slow" 0
	check_eq "$CUR: textfile older than 1 s (of $scrapes looks)" "$stale" 0
	check_eq "$CUR: sendframes sent 1000" "$(send "$B" veth1 1000 64)" 1000
	for ((i = 0; i < 100; i++)); do
		got=$(get "$A" "http://127.0.0.1:$MPORT/metrics" |
			awk '$1 ~ /^xdpcount_receive_packets_total\{device="veth0"/ { printf "%.0f", $2 }')
		[ "$got" == 1000 ] && break
		sleep 0.05
	done
	check_eq "$CUR: the scrape counts exactly" "$got" 1000
	ip -n "$A" link set dev veth0 xdp off
	for ((i = 0; i < 100; i++)); do kill -0 "$XPID" 2>/dev/null || break; sleep 0.05; done
	check "$CUR: the watch ended the run within 5 s of our program's removal" \
		eval '! kill -0 "$XPID" 2>/dev/null'
	stop KILL
	check_eq "$CUR: exit status" "$XRC" 1
	check_match "$CUR: stderr says what was lost" "$(cat "$err")" 'lost|removed'
	check_eq "$CUR: the textfile at exit has the real total" "$(packets_of "$prom")" 1000
	check "$CUR: and says xdpcount_up 0" grep -qE '^xdpcount_up(\{[^}]*\})? 0$' "$prom"
}

# Issue 17 item 5: idle connections must not deny scrapes. 40 clients
# connect and say nothing (more than the slots), then an attacker keeps
# opening new idle ones (200 in 4 s, each held 3 s); every scrape meanwhile
# answers 200 within 1 s. (With 8 slots and a 5 s read timeout, 8 idle
# connections turned every scrape away.)
test_idle_connections_do_not_deny_scrapes() {
	local out u i bad=0 n=0
	metrics_setup idle || return
	out=$WORK/idle.out
	start_attached "$A" "$out" veth0 -- --json -i 0.2 --metrics $MPORT || return
	u=http://127.0.0.1:$MPORT/metrics
	for ((i = 0; i < 40; i++)); do
		bg "$A" bash -c "exec 3<>/dev/tcp/127.0.0.1/$MPORT; sleep 12"
	done
	sleep 0.5
	for ((i = 0; i < 16; i++, n++)); do
		[ "$(ip netns exec "$A" curl -s -o /dev/null --max-time 1 -w '%{http_code}' $u)" == 200 ] ||
			bad=$((bad + 1))
	done
	bg "$A" bash -c "for ((i = 0; i < 200; i++)); do
		{ exec 3<>/dev/tcp/127.0.0.1/$MPORT; sleep 3; } & sleep 0.02; done; wait"
	sleep 0.3
	for ((i = 0; i < 20; i++, n++)); do
		[ "$(ip netns exec "$A" curl -s -o /dev/null --max-time 1 -w '%{http_code}' $u)" == 200 ] ||
			bad=$((bad + 1))
		sleep 0.1
	done
	check_eq "$CUR: scrapes not answered 200 within 1 s beside idle connections (of $n)" "$bad" 0
	check "$CUR: still counting" kill -0 "$XPID"
	stop INT
	check_eq "$CUR: exit status after SIGINT" "$XRC" 0
}

# Issue 17 items 10 and 11: a --textfile that cannot work fails before
# anything is attached, with the real reason; a temporary file left by a
# writer killed between write and rename is removed by the next run.
test_textfile_paths_fail_first_and_stale_temporaries_go() {
	local a b out dir pid=4194303
	need_bin || return
	ns_new a tfp-a && ns_new b tfp-b && veth "$a" veth0 "$b" veth1 || { fail "$CUR: setup"; return; }
	out=$WORK/tfp.out dir=$WORK/tfp
	mkdir -p "$dir/sub"
	timeout 20 ip netns exec "$a" "$BIN" -c 1 --textfile "$dir/sub" veth0 >/dev/null 2>"$out.err"
	check_eq "$CUR: a directory: exit 1" "$?" 1
	check_match "$CUR: says it is a directory" "$(cat "$out.err")" "textfile $dir/sub: it is a directory"
	check_eq "$CUR: a directory: nothing was attached" "$(grep -c 'attached' "$out.err")" 0
	timeout 20 ip netns exec "$a" "$BIN" -c 1 --textfile /proc/x.prom veth0 >/dev/null 2>"$out.err"
	check_eq "$CUR: /proc/x.prom: exit 1" "$?" 1
	check_match "$CUR: says why, not that /proc is missing" "$(cat "$out.err")" \
		'/proc exists, but the proc file system does not let files be created there'
	kill -0 $pid 2>/dev/null && { fail "$CUR: pid $pid runs"; return; }
	: >"$dir/x.prom.$pid.tmp"
	: >"$dir/x.prom.$$.tmp" # a live process's: kept
	timeout 20 ip netns exec "$a" "$BIN" -c 1 -i 0.1 --textfile "$dir/x.prom" veth0 >"$out" 2>"$out.err"
	check_eq "$CUR: the run exits 0" "$?" 0
	check_eq "$CUR: the dead writer's temporary is gone, the live one's kept" \
		"$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" \
		"sub x.prom x.prom.$$.tmp "
}

