/* Output formatting: JSON escaping and shape, sizes and rates. */
#include <errno.h>
#include <stdlib.h>

#include "report/check_report.h"
#include "report/fmt.h"
#include "report/json.h"
#include "report/report.h"
#include "report/status_report.h"
#include "tests/unit/check.h"

/* Runs fn on a memory stream and returns what it wrote (caller frees). */
static char *capture(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f);
	fclose(f);
	return buf;
}

/* The clock of the events a test writes (the stats lines pass their own). */
static double fake_now(void)
{
	return 1700000001.25;
}

static void write_escapes(FILE *f)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "s", "a\"b\\c\n\t\x01\x1f\x7f");
	json_kv_string(&j, "n", NULL);
	json_key(&j, "arr");
	json_array_begin(&j);
	json_u64(&j, 18446744073709551615ULL);
	json_i64(&j, -3);
	json_double(&j, 1.5);
	json_double(&j, 1796000000.125);
	json_double(&j, 0.0 / 0.0);
	json_bool(&j, true);
	json_array_end(&j);
	json_key(&j, "o");
	json_object_begin(&j);
	json_object_end(&j);
	json_object_end(&j);
	json_line_end(&j);
}

static void write_events(FILE *f)
{
	struct report r;
	struct iface_stats s = { .iface = "veth0", .ifindex = 7, .packets = 10000, .bytes = 640000,
				  .pps = 1000.5, .bps = 512000 };

	report_init(&r, f, true, false);
	r.now = fake_now;
	report_attached(&r, "veth0", 7, XDP_MODE_NATIVE, ATTACH_LINK, 42, "why");
	report_stats(&r, 1700000000.5, &s);
	report_detached(&r, "veth0", 10000, 640000);
}

static void write_tc_attached(FILE *f)
{
	struct report r;

	report_init(&r, f, true, false);
	r.now = fake_now;
	report_attached(&r, "veth0", 7, XDP_MODE_TC, ATTACH_NETLINK, 43, "behind");
	report_init(&r, f, false, false);
	report_attached(&r, "veth0", 7, XDP_MODE_TC, ATTACH_LINK, 44, "behind");
}

static void test_tc_attached_event_says_hook_tc(void)
{
	char *out = capture(write_tc_attached);

	CHECK_EQ_STR(out,
		     "{\"event\":\"attached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"ifindex\":7,\"hook\":\"tc\","
		     "\"mode\":\"tc\",\"attach\":\"clsact\",\"direction\":\"in\",\"program_id\":43,\"reason\":\"behind\"}\n"
		     "attached to veth0 (ifindex 7): tc ingress via tcx (counts what XDP passed)\n");
	free(out);
}

static void write_human(FILE *f)
{
	struct report r;
	struct iface_stats s = { .iface = "veth0", .ifindex = 7, .packets = 10000, .bytes = 640000,
				  .pps = 1000, .bps = 512000 };

	report_init(&r, f, false, false);
	report_stats(&r, 0, &s);
}

static void test_json_escapes_every_control_byte(void)
{
	char *out = capture(write_escapes);

	CHECK_EQ_STR(out, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f\",\"n\":null,"
			  "\"arr\":[18446744073709551615,-3,1.5,1796000000.125,null,true],\"o\":{}}\n");
	free(out);
}

static void test_json_lines_events_keep_the_contract(void)
{
	char *out = capture(write_events);

	CHECK_EQ_STR(out,
		     "{\"event\":\"attached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"ifindex\":7,\"hook\":\"xdp\","
		     "\"mode\":\"native\",\"attach\":\"link\",\"direction\":\"in\",\"program_id\":42,\"reason\":\"why\"}\n"
		     "{\"event\":\"stats\",\"time\":1700000000.5,\"iface\":\"veth0\",\"ifindex\":7,"
		     "\"packets\":10000,\"bytes\":640000,\"pps\":1000.5,\"bps\":512000}\n"
		     "{\"event\":\"detached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"packets\":10000,\"bytes\":640000}\n");
	free(out);
}

static void write_every_event(FILE *f)
{
	struct report r;
	struct plan_iface pi = { .name = "veth0", .ifindex = 7, .mode = XDP_MODE_NATIVE, .rx = true };
	struct iface_stats s = { .iface = "veth0", .ifindex = 7, .packets = 1, .bytes = 64 };

	report_init(&r, f, true, false);
	r.now = fake_now;
	r.hostname = "node1";
	report_plan(&r, NULL, &pi);
	report_fallback(&r, "veth0", "why");
	report_stale_removed(&r, "veth0", 41, 4242);
	report_attached(&r, "veth0", 7, XDP_MODE_NATIVE, ATTACH_LINK, 42, "why");
	report_attached_egress(&r, "veth0", 7, ATTACH_LINK, 43, "why");
	report_stats(&r, 1700000000.5, &s);
	report_renamed(&r, "veth0", "wan0", 7);
	report_lost(&r, "wan0", 7, "moved", 1, 2, &s, "gone");
	report_detached_stats(&r, &s);
	report_error_event(f, "no_such_interface", "ENODEV", 1, "no such interface");
}

/* Every JSON event says when it happened: "time" after the event and the
 * hostname, unix seconds of the clock the stats lines use (theirs is the
 * pass's), so that a follower learns when an interface was attached. */
static void test_every_event_says_when(void)
{
	char *out = capture(write_every_event), *line, *save = NULL;
	static const char *const events[] = { "plan", "fallback", "stale_removed", "attached",
					      "attached", "stats", "renamed", "lost", "detached",
					      "error" };
	const size_t n_events = sizeof(events) / sizeof(events[0]);
	char lead[96];
	size_t n = 0;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		const char *want = "1700000001.25,", *t;

		CHECK(n < n_events);
		if (n >= n_events)
			break;
		if (!strcmp(events[n], "stats"))
			want = "1700000000.5,";
		else if (!strcmp(events[n], "error"))
			want = "17"; /* the real clock, identity_get's */
		snprintf(lead, sizeof(lead), "{\"event\":\"%s\",\"hostname\":\"", events[n]);
		CHECK_EQ_STR(strstr(line, lead) == line ? lead : line, lead);
		t = strchr(line + strlen(lead), '"'); /* the hostname's end */
		CHECK(t && !strncmp(t, "\",\"time\":", 9));
		CHECK(t && !strncmp(t + 9, want, strlen(want)));
	}
	CHECK_EQ_INT((int)n, (int)n_events);
	free(out);
}

static void test_human_line_has_name_totals_and_rates(void)
{
	char *out = capture(write_human);

	CHECK_EQ_STR(out,
		     "interface             packets       bytes  packet rate      bit rate\n"
		     "veth0                   10000     625 KiB    1.00 kpps    512 kbit/s\n");
	free(out);
}

/* Issue 24: every human line of a run fits 80 columns, with the time and
 * both directions, a long reason wrapped; the plan and attach lines go to
 * diag (stderr in a run), the header and counts to f; -v shows exact bytes. */
static FILE *diag_file;

static void write_wide(FILE *f)
{
	struct report r;
	struct plan_iface pi = { .mode = XDP_MODE_GENERIC, .attach = ATTACH_LINK, .rx = true,
				 .variant = VARIANT_LINEAR, .share = SHARE_BLOCKED };
	struct iface_stats both = { "averylongname15", 7, 123456789012ULL, 987654321098765ULL,
				    9.9e6, 9.9e11, false, true, 123456789012ULL, 987654321098765ULL,
				    9.9e6, 9.9e11 };

	snprintf(pi.name, sizeof(pi.name), "averylongname15");
	for (int i = 0; i < 12; i++) /* 168 of PLAN_REASON_LEN */
		strcat(pi.reason, "a reason word ");
	snprintf(pi.variant_reason, sizeof(pi.variant_reason), "linear");
	snprintf(pi.share_reason, sizeof(pi.share_reason), "blocked");
	report_init(&r, f, false, false);
	r.diag = diag_file;
	r.timestamps = true;
	report_plan(&r, NULL, &pi);
	report_attached(&r, "averylongname15", 7, XDP_MODE_GENERIC, ATTACH_LINK, 1, "x");
	report_stats(&r, 1700000000.5, &both);
	report_stats(&r, 1700000001.5, &both);
	report_detached_stats(&r, &both);
	r.verbose = true;
	report_stats(&r, 1700000002.5, &both);
}

static int widest(const char *text)
{
	int w = 0, c = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			w = c > w ? c : w;
			c = 0;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			c++;
		}
	}
	return c > w ? c : w;
}

static void test_human_lines_fit_80_columns(void)
{
	char *diag = NULL, *out;
	size_t dlen = 0;

	diag_file = open_memstream(&diag, &dlen);
	out = capture(write_wide);
	fclose(diag_file);
	CHECK(strstr(out, "time     interface                packets") == out);
	CHECK(strstr(out, "plan ") == NULL && strstr(out, "attached to") == NULL);
	CHECK(strstr(diag, "plan averylongname15: generic via link, linear program\n  a reason") == diag);
	CHECK_CONTAINS(diag, "attached to averylongname15 (ifindex 7): generic mode via link\n");
	CHECK_CONTAINS(out, " averylongname15 rx  123456789012");
	CHECK_CONTAINS(out, "detached from averylongname15: received 123456789012 packets");
	/* the -v line has the exact bytes, and may be wider */
	CHECK_CONTAINS(out, "987654321098765 B");
	*strstr(out, "987654321098765 B") = '\0';
	CHECK(widest(out) <= 80);
	CHECK(widest(diag) <= 80);
	free(out);
	free(diag);
}

static void write_directions(FILE *f)
{
	struct report r;
	struct iface_stats both = { "veth0", 7, 10, 640, 1, 512, false, true, 20, 2000, 2, 1600 };
	struct iface_stats out = { "veth0", 7, 0, 0, 0, 0, true, true, 20, 2000, 2, 1600 };

	report_init(&r, f, true, false);
	r.now = fake_now;
	report_attached_egress(&r, "veth0", 7, ATTACH_LINK, 45, "egress");
	report_stats(&r, 1700000000.5, &both);
	report_stats(&r, 1700000000.5, &out);
	report_detached_stats(&r, &both);
	report_detached_stats(&r, &out);
	report_init(&r, f, false, false);
	report_attached_egress(&r, "veth0", 7, ATTACH_NETLINK, 46, "egress");
	report_stats(&r, 0, &both);
	report_stats(&r, 0, &out);
	report_detached_stats(&r, &both);
	report_detached_stats(&r, &out);
}

/* Transmit figures are their own tx_ fields (receive keeps its names and
 * meaning, so schema_version stays); without receive counted, receive's
 * fields are absent, not 0. Human lines say rx and tx. */
static void test_directions_have_their_own_fields_and_lines(void)
{
	char *out = capture(write_directions);

	CHECK_EQ_STR(out,
		     "{\"event\":\"attached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"ifindex\":7,\"hook\":\"tc\","
		     "\"mode\":\"tc\",\"attach\":\"tcx\",\"direction\":\"out\",\"program_id\":45,"
		     "\"reason\":\"egress\"}\n"
		     "{\"event\":\"stats\",\"time\":1700000000.5,\"iface\":\"veth0\",\"ifindex\":7,"
		     "\"packets\":10,\"bytes\":640,\"pps\":1,\"bps\":512,\"tx_packets\":20,"
		     "\"tx_bytes\":2000,\"tx_pps\":2,\"tx_bps\":1600}\n"
		     "{\"event\":\"stats\",\"time\":1700000000.5,\"iface\":\"veth0\",\"ifindex\":7,"
		     "\"tx_packets\":20,\"tx_bytes\":2000,\"tx_pps\":2,\"tx_bps\":1600}\n"
		     "{\"event\":\"detached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"packets\":10,\"bytes\":640,"
		     "\"tx_packets\":20,\"tx_bytes\":2000}\n"
		     "{\"event\":\"detached\",\"time\":1700000001.25,\"iface\":\"veth0\",\"tx_packets\":20,\"tx_bytes\":2000}\n"
		     "attached to veth0 (ifindex 7): tc egress via clsact (counts what it transmits)\n"
		     "interface                packets       bytes  packet rate      bit rate\n"
		     "veth0           rx            10       640 B        1 pps     512 bit/s\n"
		     "veth0           tx            20    1.95 KiB        2 pps   1.60 kbit/s\n"
		     "veth0           tx            20    1.95 KiB        2 pps   1.60 kbit/s\n"
		     "detached from veth0: received 10 packets, 640 bytes (640 B);\n"
		     "  transmitted 20 packets, 2000 bytes (1.95 KiB) in total\n"
		     "detached from veth0: transmitted 20 packets, 2000 bytes (1.95 KiB) in total\n");
	free(out);
}

static void write_non_utf8(FILE *f)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	/* é and € and U+10348 as UTF-8; a lone 0xff; an overlong '/'; a
	 * surrogate; a truncated sequence at the end */
	json_kv_string(&j, "s", "\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88|\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
	json_object_end(&j);
	json_line_end(&j);
}

/* A legal interface name need not be UTF-8: the JSON stays valid UTF-8, each
 * stray byte written as \u00XX (the byte read as Latin-1, documented). */
static void test_json_escapes_bytes_that_are_not_utf8(void)
{
	char *out = capture(write_non_utf8);

	CHECK_EQ_STR(out, "{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88|\\u00ff|\\u00c0\\u00af|"
			  "\\u00ed\\u00a0\\u0080|\\u00e2\\u0082\"}\n");
	free(out);
}

/* Human lines carry no raw control bytes (C0, DEL, C1) or stray bytes. */
static void test_names_are_safe_on_a_terminal(void)
{
	char buf[FMT_NAME_LEN];

	CHECK_EQ_STR(fmt_name(buf, sizeof(buf), "eth0"), "eth0");
	CHECK_EQ_STR(fmt_name(buf, sizeof(buf), "e\x1b[2Jx"), "e\\x1b[2Jx");
	CHECK_EQ_STR(fmt_name(buf, sizeof(buf), "a\x7f\xc2\x9b\xff\\"), "a\\x7f\\xc2\\x9b\\xff\\\\");
	CHECK_EQ_STR(fmt_name(buf, sizeof(buf), "caf\xc3\xa9"), "caf\xc3\xa9");
	/* fifteen bytes, all escaped, still fit */
	CHECK_EQ_STR(fmt_name(buf, sizeof(buf), "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"),
		     "\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\x09\\x0a\\x0b\\x0c\\x0d\\x0e\\x0f");
}

static void write_status_raw_names(FILE *f)
{
	static struct status_iface ifs[3];

	memset(ifs, 0, sizeof(ifs));
	snprintf(ifs[0].name, sizeof(ifs[0].name), "v\x1b[2J");
	ifs[0].n_progs = 1;
	ifs[0].progs[0].id = 7;
	ifs[0].progs[0].info_known = ifs[0].progs[0].ours = ifs[0].progs[0].pids_known = true;
	snprintf(ifs[0].progs[0].name, sizeof(ifs[0].progs[0].name), "p\x07x");
	snprintf(ifs[1].name, sizeof(ifs[1].name), "w\x1b]0;");
	ifs[1].err = -EPERM;
	snprintf(ifs[2].name, sizeof(ifs[2].name), "u\x9b\xff");
	status_print_human(f, ifs, 3, false);
}

/* The status table is for a terminal: interface and program names go
 * through fmt_name like every other human line. */
static void test_status_table_escapes_names(void)
{
	char *out = capture(write_status_raw_names);

	CHECK(out && !strpbrk(out, "\x1b\x07\x9b\xff"));
	CHECK_CONTAINS(out, "v\\x1b[2J");
	CHECK_CONTAINS(out, "p\\x07x");
	CHECK_CONTAINS(out, "w\\x1b]0;");
	CHECK_CONTAINS(out, "u\\x9b\\xff");
	CHECK_CONTAINS(out, "xdpcount detach v\\x1b[2J)");
	free(out);
}

static void test_sizes_and_rates(void)
{
	char b[FMT_LEN];

	CHECK_EQ_STR(fmt_bytes(b, 0), "0 B");
	CHECK_EQ_STR(fmt_bytes(b, 1023), "1023 B");
	CHECK_EQ_STR(fmt_bytes(b, 1536), "1.50 KiB");
	CHECK_EQ_STR(fmt_bytes(b, 640000), "625 KiB");
	CHECK_EQ_STR(fmt_bytes(b, 5ULL << 30), "5.00 GiB");
	CHECK_EQ_STR(fmt_rate(b, 999, "pps"), "999 pps");
	CHECK_EQ_STR(fmt_rate(b, 1234567, "pps"), "1.23 Mpps");
	CHECK_EQ_STR(fmt_rate(b, 9.6e9, "bit/s"), "9.60 Gbit/s");
	CHECK_EQ_STR(fmt_rate(b, -5, "pps"), "0 pps");
}

/* 16 levels are written as asked; a 17th is an error the caller sees (it
 * was clamped silently, and the commas went wrong). */
static void test_json_nesting_past_the_limit_is_an_error(void)
{
	char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	json_init(&j, f);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
	CHECK_EQ_INT(json_error(&j), 0);
	json_array_begin(&j);
	CHECK_EQ_INT(json_error(&j), -E2BIG);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_end(&j);
	json_line_end(&j);
	CHECK_EQ_INT(json_error(&j), -E2BIG); /* sticky */
	fclose(f);
}

static struct check_result check_fake;

static void write_check_human(FILE *f)
{
	check_print_human(f, &check_fake);
}

static void write_check_json(FILE *f)
{
	check_print_json(f, &check_fake);
}

/* check shows CAP_PERFMON, on which the program variant depends: a row of
 * its own in human output, and features.cap_perfmon in JSON. */
static void test_check_shows_cap_perfmon(void)
{
	static struct probe p;
	static struct plan plan;
	static struct btf_report btf;
	static const struct {
		bool known, perfmon, sys_admin;
		const char *row;
	} cases[] = {
		{ true, true, false, "\u2713 CAP_PERFMON            held: " },
		{ true, false, true, "\u2713 CAP_PERFMON            not held; CAP_SYS_ADMIN lets" },
		{ true, false, false, "! CAP_PERFMON            not held: the verifier refuses" },
		{ false, false, false, "? CAP_PERFMON            unknown" },
	};

	check_fake.probe = &p;
	check_fake.plan = &plan;
	check_fake.btf = &btf;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *human, *json;

		p.caps_known = cases[i].known;
		p.cap_perfmon = cases[i].perfmon;
		p.cap_sys_admin = cases[i].sys_admin;
		human = capture(write_check_human);
		json = capture(write_check_json);
		if (!CHECK(strstr(human, cases[i].row)))
			fprintf(stderr, "    case %zu:\n%s", i, human);
		CHECK(strstr(json, cases[i].perfmon ? "\"cap_perfmon\":true"
						    : "\"cap_perfmon\":false"));
		free(human);
		free(json);
	}
}

/* A reason check adds (a verifier log can be long) that does not fit ends
 * with "…" instead of being cut silently; it raises the verdict. */
static void test_a_long_check_reason_ends_visibly(void)
{
	static struct check_result c;
	char log[400];

	memset(log, 'v', sizeof(log) - 1);
	log[sizeof(log) - 1] = '\0';
	check_add_reason(&c, VERDICT_INCOMPATIBLE, "loading the counter failed: %s", log);
	CHECK_EQ_INT(c.verdict, VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(c.n_reasons, 1);
	CHECK_EQ_INT(strlen(c.reasons[0]), PLAN_REASON_LEN - 1);
	CHECK(!strcmp(c.reasons[0] + PLAN_REASON_LEN - 4, "\u2026"));
}

int main(void)
{
	test_check_shows_cap_perfmon();
	test_a_long_check_reason_ends_visibly();
	test_json_nesting_past_the_limit_is_an_error();
	test_json_escapes_every_control_byte();
	test_json_lines_events_keep_the_contract();
	test_every_event_says_when();
	test_human_line_has_name_totals_and_rates();
	test_human_lines_fit_80_columns();
	test_tc_attached_event_says_hook_tc();
	test_directions_have_their_own_fields_and_lines();
	test_sizes_and_rates();
	test_json_escapes_bytes_that_are_not_utf8();
	test_names_are_safe_on_a_terminal();
	test_status_table_escapes_names();
	CHECK_DONE();
}
