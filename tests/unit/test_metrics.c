/* The Prometheus renderer, the HTTP request parser and the --metrics
 * address parser: pure functions, no kernel, no sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "check.h"
#include "metrics/http.h"
#include "metrics/metrics.h"
#include "report/prom.h"

static int parse(const char *s)
{
	struct http_request req;

	return http_request_parse(s, strlen(s), &req);
}

static void test_a_get_of_metrics_is_200_and_says_how_long_it_was(void)
{
	const char *r = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
	struct http_request req;

	CHECK_EQ_INT(http_request_parse(r, strlen(r), &req), 200);
	CHECK_EQ_INT(req.method, HTTP_GET);
	CHECK_EQ_INT(req.consumed, strlen(r));
	CHECK_EQ_INT(parse("HEAD /metrics HTTP/1.0\r\n\r\n"), 200);
	CHECK_EQ_INT(parse("GET /metrics?x=1 HTTP/1.1\n\n"), 200);
}

static void test_incomplete_requests_ask_for_more(void)
{
	CHECK_EQ_INT(parse(""), HTTP_NEED_MORE);
	CHECK_EQ_INT(parse("GE"), HTTP_NEED_MORE);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\n"), HTTP_NEED_MORE);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n"), HTTP_NEED_MORE);
}

static void test_wrong_path_method_and_version_get_their_status(void)
{
	CHECK_EQ_INT(parse("GET / HTTP/1.1\r\n\r\n"), 404);
	CHECK_EQ_INT(parse("GET /metricsx HTTP/1.1\r\n\r\n"), 404);
	CHECK_EQ_INT(parse("POST /metrics HTTP/1.1\r\n\r\n"), 405);
	CHECK_EQ_INT(parse("DELETE /x HTTP/1.1\r\n\r\n"), 405);
	CHECK_EQ_INT(parse("GET /metrics HTTP/2.0\r\n\r\n"), 505);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.2\r\n\r\n"), 505);
}

static void test_garbage_is_400_as_soon_as_it_shows(void)
{
	const char nul[] = "GET /me\0trics HTTP/1.1\r\n\r\n";
	struct http_request req;

	CHECK_EQ_INT(parse("\x16\x03\x01"), 400);           /* a TLS hello */
	CHECK_EQ_INT(parse("GET\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics\r\n\r\n"), 400);    /* HTTP/0.9 */
	CHECK_EQ_INT(parse("GET  /metrics HTTP/1.1\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET metrics HTTP/1.1\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1 \r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics FTP/1.1\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\nNoColon\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\nBad Name: x\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"), 400);
	CHECK_EQ_INT(parse("GET /metrics HTTP/1.1\r\nA: b\x01\r\n\r\n"), 400);
	CHECK_EQ_INT(http_request_parse(nul, sizeof(nul) - 1, &req), 400);
}

static void test_limits_give_414_and_431(void)
{
	static char big[HTTP_MAX_REQUEST + 64];
	size_t n;

	/* a request line that never ends */
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', HTTP_MAX_LINE);
	CHECK_EQ_INT(http_request_parse(big, HTTP_MAX_LINE + 5, &(struct http_request){ 0 }), 414);
	/* a request line one byte over, complete */
	n = (size_t)snprintf(big, sizeof(big), "GET /%0*d HTTP/1.1\r\n\r\n",
			     HTTP_MAX_LINE - 15, 0);
	CHECK_EQ_INT(http_request_parse(big, n, &(struct http_request){ 0 }), 414);
	/* exactly at the limit is fine (404: the path is not /metrics) */
	n = (size_t)snprintf(big, sizeof(big), "GET /%0*d HTTP/1.1\r\n\r\n",
			     HTTP_MAX_LINE - 16, 0);
	CHECK_EQ_INT(http_request_parse(big, n, &(struct http_request){ 0 }), 404);
	/* too many headers */
	n = (size_t)snprintf(big, sizeof(big), "GET /metrics HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%d: y\r\n", i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
	CHECK_EQ_INT(http_request_parse(big, n, &(struct http_request){ 0 }), 431);
	/* headers that never end and fill the buffer */
	n = (size_t)snprintf(big, sizeof(big), "GET /metrics HTTP/1.1\r\nX: ");
	memset(big + n, 'y', HTTP_MAX_REQUEST - n);
	CHECK_EQ_INT(http_request_parse(big, HTTP_MAX_REQUEST, &(struct http_request){ 0 }), 431);
}

static struct prom_snapshot sample(void)
{
	struct prom_snapshot s = { .version = "v1.2", .arch = "x86_64", .libbpf = "v1.5",
				   .byte_order = "little", .up = true, .n_ifaces = 4 };

	snprintf(s.ifaces[0].name, sizeof(s.ifaces[0].name), "eth0");
	s.ifaces[0].state = PROM_STATE_NATIVE;
	s.ifaces[0].hook = "xdp";
	s.ifaces[0].attach = "link";
	s.ifaces[0].packets = 10000;
	s.ifaces[0].bytes = 18446744073709551615ULL;
	snprintf(s.ifaces[1].name, sizeof(s.ifaces[1].name), "we\"ird\\");
	s.ifaces[1].state = PROM_STATE_GENERIC;
	s.ifaces[1].hook = "xdp";
	s.ifaces[1].attach = "netlink";
	s.ifaces[1].packets = 7;
	snprintf(s.ifaces[2].name, sizeof(s.ifaces[2].name), "ifb0");
	s.ifaces[2].state = PROM_STATE_REFUSED;
	snprintf(s.ifaces[3].name, sizeof(s.ifaces[3].name), "gone0");
	s.ifaces[3].state = PROM_STATE_LOST;
	s.ifaces[3].packets = 3;
	return s;
}

/* Transmit (--direction out|both): its own families, node_exporter's
 * naming, and an attach_info sample of the tc egress hook; only where it is
 * counted, and no receive samples where receive is not counted (absent, not
 * 0). Receive only: no transmit family at all. */
static void test_transmit_has_its_own_families_where_counted(void)
{
	struct prom_snapshot s = sample();
	char buf[8192];

	CHECK_EQ_INT(prom_render(buf, sizeof(buf), &s), strlen(buf));
	CHECK(!strstr(buf, "transmit"));
	s.ifaces[0].tx = true;
	s.ifaces[0].tx_attach = "tcx";
	s.ifaces[0].tx_packets = 30;
	s.ifaces[0].tx_bytes = 3000;
	s.ifaces[1].tx = s.ifaces[1].no_rx = true;
	s.ifaces[1].state = PROM_STATE_TC;
	s.ifaces[1].hook = s.ifaces[1].attach = NULL;
	s.ifaces[1].tx_attach = "clsact";
	s.ifaces[1].tx_packets = 5;
	prom_render(buf, sizeof(buf), &s);
	CHECK_CONTAINS(buf, "# TYPE xdpcount_transmit_packets_total counter\n");
	CHECK_CONTAINS(buf, "\nxdpcount_transmit_packets_total{device=\"eth0\"} 30\n");
	CHECK_CONTAINS(buf, "\nxdpcount_transmit_bytes_total{device=\"eth0\"} 3000\n");
	CHECK_CONTAINS(buf, "\nxdpcount_receive_packets_total{device=\"eth0\"} 10000\n");
	CHECK_CONTAINS(buf, "\nxdpcount_transmit_packets_total{device=\"we\\\"ird\\\\\"} 5\n");
	CHECK(!strstr(buf, "xdpcount_receive_packets_total{device=\"we"));
	CHECK(!strstr(buf, "xdpcount_transmit_packets_total{device=\"ifb0\""));
	CHECK_CONTAINS(buf, "\nxdpcount_attach_info{device=\"eth0\",hook=\"xdp\",mode=\"native\","
		       "attach=\"link\"} 1\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_info{device=\"eth0\",hook=\"tc_egress\",mode=\"tc\","
		       "attach=\"tcx\"} 1\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_info{device=\"we\\\"ird\\\\\",hook=\"tc_egress\","
		       "mode=\"tc\",attach=\"clsact\"} 1\n");
	CHECK(!strstr(buf, "xdpcount_attach_info{device=\"we\\\"ird\\\\\",hook=\"xdp"));
}

static void test_exposition_has_the_counters_states_build_info_and_up(void)
{
	struct prom_snapshot s = sample();
	char buf[8192];
	size_t n = prom_render(buf, sizeof(buf), &s);

	CHECK_EQ_INT(n, strlen(buf));
	CHECK_CONTAINS(buf, "# TYPE xdpcount_receive_packets_total counter\n");
	CHECK_CONTAINS(buf, "\nxdpcount_receive_packets_total{device=\"eth0\"} 10000\n");
	CHECK_CONTAINS(buf, "\nxdpcount_receive_bytes_total{device=\"eth0\"} 18446744073709551615\n");
	CHECK_CONTAINS(buf, "\nxdpcount_receive_packets_total{device=\"we\\\"ird\\\\\"} 7\n");
	CHECK(!strstr(buf, "xdpcount_receive_packets_total{device=\"ifb0\""));
	/* a lost device keeps its (frozen) counters, and is down */
	CHECK_CONTAINS(buf, "\nxdpcount_receive_packets_total{device=\"gone0\"} 3\n");
	CHECK_CONTAINS(buf, "\nxdpcount_device_up{device=\"gone0\"} 0\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_state{device=\"gone0\",state=\"lost\"} 1\n");
	CHECK(!strstr(buf, "xdpcount_attach_info{device=\"gone0\""));
	CHECK_CONTAINS(buf, "\nxdpcount_device_up{device=\"eth0\"} 1\n");
	CHECK_CONTAINS(buf, "\nxdpcount_device_up{device=\"ifb0\"} 0\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_info{device=\"eth0\",hook=\"xdp\",mode=\"native\",attach=\"link\"} 1\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_info{device=\"we\\\"ird\\\\\",hook=\"xdp\",mode=\"generic\",attach=\"netlink\"} 1\n");
	CHECK(!strstr(buf, "xdpcount_attach_info{device=\"ifb0\""));
	CHECK_CONTAINS(buf, "\nxdpcount_attach_state{device=\"ifb0\",state=\"refused\"} 1\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_state{device=\"ifb0\",state=\"native\"} 0\n");
	CHECK_CONTAINS(buf, "\nxdpcount_attach_state{device=\"eth0\",state=\"native\"} 1\n");
	/* no mode on a counter: a fallback must not start a new series */
	CHECK(!strstr(buf, "_total{device=\"eth0\",mode"));
	CHECK_CONTAINS(buf, "\nxdpcount_build_info{version=\"v1.2\",arch=\"x86_64\",libbpf=\"v1.5\",object_byte_order=\"little\"} 1\n");
	CHECK_CONTAINS(buf, "# HELP xdpcount_up ");
	CHECK_CONTAINS(buf, "\nxdpcount_up 1\n");
	CHECK_EQ_INT(buf[n - 1], '\n');
}

/* node_exporter merges the textfiles of one directory: the process's own
 * series say which file they are from, so two instances never collide. */
static void test_textfile_instances_label_up_and_build_info(void)
{
	struct prom_snapshot s = sample();
	char buf[8192];

	s.textfile = "xdpcount-eth0.prom";
	s.up = false;
	prom_render(buf, sizeof(buf), &s);
	CHECK_CONTAINS(buf, "\nxdpcount_up{textfile=\"xdpcount-eth0.prom\"} 0\n");
	CHECK_CONTAINS(buf, "\nxdpcount_build_info{textfile=\"xdpcount-eth0.prom\",version=\"v1.2\",");
	/* a stopped run's devices are down too */
	CHECK_CONTAINS(buf, "\nxdpcount_device_up{device=\"eth0\"} 0\n");
}

/* A textfile outlives a kill -9 with its last word, up 1: it says when it
 * was written and how often it is rewritten, so a rule sees it go stale.
 * A listener's scrape is its own liveness: no such series there. */
static void test_textfile_says_when_it_was_written_and_how_often(void)
{
	struct prom_snapshot s = sample();
	char buf[8192];

	s.written = 1700000000.25;
	s.interval = 10;
	prom_render(buf, sizeof(buf), &s);
	CHECK(!strstr(buf, "xdpcount_textfile_"));
	s.textfile = "xdpcount-eth0.prom";
	prom_render(buf, sizeof(buf), &s);
	CHECK_CONTAINS(buf, "# TYPE xdpcount_textfile_write_timestamp_seconds gauge\n");
	CHECK_CONTAINS(buf, "\nxdpcount_textfile_write_timestamp_seconds{textfile=\"xdpcount-eth0.prom\"} "
			    "1700000000.250\n");
	CHECK_CONTAINS(buf, "\nxdpcount_textfile_interval_seconds{textfile=\"xdpcount-eth0.prom\"} 10\n");
	s.interval = 0.2;
	prom_render(buf, sizeof(buf), &s);
	CHECK_CONTAINS(buf, "\nxdpcount_textfile_interval_seconds{textfile=\"xdpcount-eth0.prom\"} 0.2\n");
}

/* Issue 17: a name that is not UTF-8 put raw bytes into the label, and
 * promtool rejected the scrape. Each stray byte is read as Latin-1, as the
 * JSON output's \u00XX does; well-formed UTF-8 is kept. */
static void test_a_name_that_is_not_utf8_yields_a_utf8_label(void)
{
	struct prom_snapshot s = sample();
	char buf[8192];

	s.n_ifaces = 1;
	snprintf(s.ifaces[0].name, sizeof(s.ifaces[0].name), "a\xff\xc3(\xe2\x82\xac\xed\xa0\x80");
	prom_render(buf, sizeof(buf), &s);
	/* ff -> U+00FF, c3 before ( -> U+00C3, the euro sign kept, a UTF-16
	 * surrogate (ed a0 80, not UTF-8) byte by byte */
	CHECK_CONTAINS(buf, "\nxdpcount_receive_packets_total{device=\"a\xc3\xbf\xc3\x83(\xe2\x82\xac"
			    "\xc3\xad\xc2\xa0\xc2\x80\"} 10000\n");
}

static void test_a_short_buffer_gets_the_length_it_needs(void)
{
	struct prom_snapshot s = sample();
	char full[8192], small[100];
	size_t n = prom_render(full, sizeof(full), &s);

	CHECK_EQ_INT(prom_render(small, sizeof(small), &s), n);
	CHECK_EQ_INT(strlen(small), sizeof(small) - 1);
	CHECK_EQ_INT(prom_render(NULL, 0, &s), n);
}

static void test_listen_specs(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	CHECK_EQ_INT(metrics_parse_listen("10937", &ss, &len, &fd), 0);
	CHECK_EQ_INT(in4->sin_family, AF_INET);
	CHECK_EQ_INT(ntohl(in4->sin_addr.s_addr), INADDR_LOOPBACK);
	CHECK_EQ_INT(ntohs(in4->sin_port), 10937);
	CHECK_EQ_INT(fd, -1);
	CHECK_EQ_INT(metrics_parse_listen("0.0.0.0:80", &ss, &len, &fd), 0);
	CHECK_EQ_INT(in4->sin_addr.s_addr, 0);
	CHECK_EQ_INT(metrics_parse_listen("[::1]:10937", &ss, &len, &fd), 0);
	CHECK_EQ_INT(in6->sin6_family, AF_INET6);
	CHECK_EQ_INT(len, sizeof(*in6));
	CHECK_EQ_INT(metrics_parse_listen("fd://3", &ss, &len, &fd), 0);
	CHECK_EQ_INT(fd, 3);
	CHECK_EQ_INT(metrics_parse_listen("", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("0", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("65536", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("-1", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("localhost:80", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("::1:80", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("[::1]80", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen(":80", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("1.2.3.4:", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("fd://", &ss, &len, &fd), -EINVAL);
	CHECK_EQ_INT(metrics_parse_listen("fd://x", &ss, &len, &fd), -EINVAL);
}

/* A deterministic fuzz pass until tests/fuzz has a libFuzzer harness: seed
 * requests mutated byte by byte (flips, inserts, truncations, NULs, CR/LF).
 * The parser must never read past len, and must answer with a known status;
 * a complete request must say how much it consumed. */
static void test_parser_survives_200000_mutated_requests(void)
{
	static const char *const seeds[] = {
		"GET /metrics HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
		"HEAD /metrics?x HTTP/1.0\n\n",
		"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
	};
	static const int known[] = { HTTP_NEED_MORE, 200, 400, 404, 405, 414, 431, 505 };
	unsigned int seed = 12345, bad = 0, bad_consumed = 0;

	for (int n = 0; n < 200000; n++) {
		char *buf, tmp[256];
		size_t len = strlen(seeds[n % 3]);
		struct http_request req;
		int st, ok = 0;

		memcpy(tmp, seeds[n % 3], len);
		for (int k = 0; k < 1 + n % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (len + 1);
			static const char pool[] = "\r\n :/\0\tGET HTTP/1.1x\x80\xff";

			switch ((seed >> 4) % 4) {
			case 0: if (at < len) tmp[at] = pool[(seed >> 16) % (sizeof(pool) - 1)]; break;
			case 1: if (len < sizeof(tmp) - 1) { memmove(tmp + at + 1, tmp + at, len - at); tmp[at] = pool[(seed >> 16) % (sizeof(pool) - 1)]; len++; } break;
			case 2: len = at; break;
			default: if (at < len) tmp[at] ^= (char)(1 << ((seed >> 12) % 8)); break;
			}
		}
		buf = malloc(len ? len : 1); /* exactly len bytes: an overread would be a bug */
		memcpy(buf, tmp, len);
		st = http_request_parse(buf, len, &req);
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= st == known[i];
		bad += !ok;
		if (st == 200 || st == 404 || st == 405)
			bad_consumed += req.consumed == 0 || req.consumed > len;
		free(buf);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(bad_consumed, 0);
}

int main(void)
{
	test_a_get_of_metrics_is_200_and_says_how_long_it_was();
	test_incomplete_requests_ask_for_more();
	test_wrong_path_method_and_version_get_their_status();
	test_garbage_is_400_as_soon_as_it_shows();
	test_limits_give_414_and_431();
	test_exposition_has_the_counters_states_build_info_and_up();
	test_transmit_has_its_own_families_where_counted();
	test_textfile_instances_label_up_and_build_info();
	test_textfile_says_when_it_was_written_and_how_often();
	test_a_name_that_is_not_utf8_yields_a_utf8_label();
	test_a_short_buffer_gets_the_length_it_needs();
	test_listen_specs();
	test_parser_survives_200000_mutated_requests();
	CHECK_DONE();
}
