/* probe/: the parsers (kernel release, default route), the enum name tables,
 * and a smoke run of the real probes on this kernel (skipped, not failed,
 * where bpf() cannot be used). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tests/unit/check.h"
#include "probe/facts.h"
#include "probe/pin.h"
#include "probe/nl.h"
#include "probe/probe.h"
#include "plan/plan.h"

struct kver_case {
	const char *release, *signature;
	int ret;
	unsigned int maj, min, patch;
};

static void test_kver_parse_handles_distro_strings(void)
{
	static const struct kver_case cases[] = {
		{ "5.4.0-1234-aws", NULL, 0, 5, 4, 0 },
		{ "6.1.0-50-s390x", NULL, 0, 6, 1, 0 },
		{ "6.18.44-fc-v782", NULL, 0, 6, 18, 44 },
		/* Debian's trixie and sid (7.x) releases */
		{ "6.12.118+deb13-arm64", NULL, 0, 6, 12, 118 },
		{ "7.2.13+deb14-amd64", NULL, 0, 7, 2, 13 },
		{ "4.18.0-553.el8_10.x86_64", NULL, 0, 4, 18, 0 },
		{ "5.10", NULL, 0, 5, 10, 0 },
		{ "5.10.0+", NULL, 0, 5, 10, 0 },
		{ "6.6.30-gentoo", NULL, 0, 6, 6, 30 },
		{ "3.10.0-1160.119.1.el7.x86_64", NULL, 0, 3, 10, 0 },
		{ "5.15.153.1-microsoft-standard-WSL2", NULL, 0, 5, 15, 153 },
		/* Ubuntu: the signature's last field is the upstream version. */
		{ "5.4.0-1234-aws", "Ubuntu 5.4.0-1234.1234-aws 5.4.272\n", 0, 5, 4, 272 },
		{ "6.8.0-45-generic", "Ubuntu 6.8.0-45.45-generic 6.8.12", 0, 6, 8, 12 },
		/* A signature that does not parse falls back to the release. */
		{ "5.4.0-1234-aws", "garbage", 0, 5, 4, 0 },
		{ "5.4.0-1234-aws", "", 0, 5, 4, 0 },
		/* Garbage. */
		{ "", NULL, -EINVAL, 0, 0, 0 },
		{ NULL, NULL, -EINVAL, 0, 0, 0 },
		{ "linux", NULL, -EINVAL, 0, 0, 0 },
		{ "5", NULL, -EINVAL, 0, 0, 0 },
		{ "5.", NULL, -EINVAL, 0, 0, 0 },
		{ ".5.4", NULL, -EINVAL, 0, 0, 0 },
		{ "5.x", NULL, -EINVAL, 0, 0, 0 },
		{ "5.4x", NULL, -EINVAL, 0, 0, 0 },
		{ "0.0.0", NULL, -EINVAL, 0, 0, 0 },
		{ "99999999999.1", NULL, -EINVAL, 0, 0, 0 },
		{ "v5.10", NULL, -EINVAL, 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kver_case *c = &cases[i];
		unsigned int maj = 7, min = 7, patch = 7;
		int ret = kver_parse(c->release, c->signature, &maj, &min, &patch);

		if (ret != c->ret || maj != c->maj || min != c->min ||
		    patch != c->patch)
			fprintf(stderr, "    kver_parse(\"%s\", \"%s\") = %d %u.%u.%u\n",
				c->release ? c->release : "(null)",
				c->signature ? c->signature : "(null)",
				ret, maj, min, patch);
		CHECK_EQ_INT(ret, c->ret);
		CHECK_EQ_INT(maj, c->maj);
		CHECK_EQ_INT(min, c->min);
		CHECK_EQ_INT(patch, c->patch);
	}
}

static void check_round_trip(const struct enum_name *t, int n)
{
	int v;

	for (v = 0; v < n; v++)
		CHECK_EQ_INT(enum_parse(t, enum_name(t, v)), v);
	CHECK_EQ_STR(enum_name(t, n), "?");
	CHECK_EQ_INT(enum_parse(t, "no-such-name"), -EINVAL);
	CHECK_EQ_INT(enum_parse(t, NULL), -EINVAL);
	CHECK_EQ_INT(enum_parse(t, ""), -EINVAL);
}

static void test_enum_tables_round_trip(void)
{
	check_round_trip(xdp_mode_names, 4);
	check_round_trip(attach_kind_names, 5);
	check_round_trip(variant_names, 4);
	check_round_trip(direction_names, 3);
	check_round_trip(memlock_action_names, 3);
	check_round_trip(verdict_names, 3);
	check_round_trip(fact_state_names, 4);
	for (int b = 0; b < 7; b++) /* bits, not 0..n-1 */
		CHECK_EQ_INT(enum_parse(xdp_feature_names, enum_name(xdp_feature_names, 1 << b)),
			     1 << b);
	CHECK_EQ_STR(enum_name(xdp_feature_names, XDPC_XDP_ACT_RX_SG), "rx-sg");
	CHECK(enum_find(xdp_feature_names, 1 << 7) == NULL);
	/* The spellings the CLI and the JSON contract rely on. */
	CHECK_EQ_INT(enum_parse(xdp_mode_names, "native"), XDP_MODE_NATIVE);
	CHECK_EQ_INT(enum_parse(xdp_mode_names, "generic"), XDP_MODE_GENERIC);
	CHECK_EQ_INT(enum_parse(attach_kind_names, "netlink"), ATTACH_NETLINK);
	CHECK_EQ_INT(enum_parse(attach_kind_names, "dispatcher"), ATTACH_DISPATCHER);
	CHECK_EQ_INT(enum_parse(attach_kind_names, "shared"), ATTACH_SHARED);
	CHECK_EQ_STR(enum_name(verdict_names, VERDICT_INCOMPATIBLE), "incompatible");
	CHECK_EQ_STR(enum_name(memlock_action_names, MEMLOCK_RAISE), "raised");
	CHECK_EQ_STR(enum_name(variant_names, VARIANT_FRAGS), "frags");
	CHECK_EQ_INT(enum_parse(direction_names, "both"), DIRECTION_BOTH);
	CHECK_EQ_INT(enum_parse(direction_names, "out"), DIRECTION_OUT);
}

static void test_default_route_picks_lowest_metric(void)
{
	static const char two_defaults[] =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
		"eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
		"eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
	static const char down_default[] =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"eth1\t00000000\t0102A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
		"eth1\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
	char name[IF_NAMESIZE] = "";

	CHECK_EQ_INT(route_default_iface_parse(two_defaults, name), 0);
	CHECK_EQ_STR(name, "eth0");
	CHECK_EQ_INT(route_default_iface_parse(down_default, name), -ENOENT);
	CHECK_EQ_INT(route_default_iface_parse("", name), -ENOENT);
	CHECK_EQ_INT(route_default_iface_parse("garbage\n\n\n", name), -ENOENT);
}

static struct probe real;

static void test_probe_iface_errors(void)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(probe_iface(&p, "xdpc-nonexist0"), -ENODEV);
	CHECK_EQ_INT(probe_iface(&p, "a-name-far-too-long-for-ifnamsiz"), -ENODEV);
	CHECK_EQ_INT(probe_iface(&p, ""), -ENODEV);
	CHECK_EQ_INT(p.n_ifaces, 0);
	CHECK_EQ_INT(probe_iface(&p, "lo"), 0);
	CHECK_EQ_INT(probe_iface(&p, "lo"), -EEXIST);
	CHECK_EQ_INT(p.n_ifaces, 1);
	CHECK(p.ifaces[0].loopback);
	CHECK(p.ifaces[0].ifindex > 0);
	CHECK(p.ifaces[0].mtu > 0);
	p.n_ifaces = PROBE_MAX_IFACES;
	CHECK_EQ_INT(probe_iface(&p, "lo2"), -E2BIG);
}

/* The real kernel: this host is 6.18 with BTF, where every feature is in. */
static void test_real_kernel_smoke(void)
{
	CHECK_EQ_INT(probe_kernel(&real), 0);
	CHECK(real.release[0] != '\0');
	CHECK(real.machine[0] != '\0');
	CHECK(real.ncpus > 0);
	CHECK(real.page_size >= 4096);
	CHECK(real.caps_known);
	if (geteuid() != 0 || !real.cap_sys_admin) {
		CHECK_SKIP_PART("real-kernel BPF smoke: not root (CAP_SYS_ADMIN)");
		return;
	}
	CHECK_EQ_INT(probe_bpf(&real, 0), 0);
	if (real.bpf_syscall.state == FACT_NO) {
		CHECK_SKIP_PART("real-kernel BPF smoke: bpf() is ENOSYS here");
		return;
	}
	CHECK_EQ_INT(real.bpf_syscall.state, FACT_YES);
	CHECK_EQ_INT(real.prog_type_xdp.state, FACT_YES);
	CHECK_EQ_INT(real.map_percpu_array.state, FACT_YES);
	CHECK_EQ_INT(real.map_hash.state, FACT_YES);
	if (real.kver_major > 5 || (real.kver_major == 5 && real.kver_minor >= 18)) {
		CHECK_EQ_INT(real.link_xdp.state, FACT_YES);
		CHECK_EQ_INT(real.link_xdp.err, -EOPNOTSUPP);
		CHECK_EQ_INT(real.xdp_frags.state, FACT_YES);
		CHECK_EQ_INT(real.memcg_accounting.state, FACT_YES);
	}
	/* Cached: a second call changes nothing, and the memcg probe gave
	 * the limit back. */
	real.link_xdp.state = FACT_UNKNOWN;
	CHECK_EQ_INT(probe_bpf(&real, 0), 0);
	CHECK_EQ_INT(real.link_xdp.state, FACT_UNKNOWN);
	{
		struct probe again;

		memset(&again, 0, sizeof(again));
		probe_kernel(&again);
		CHECK_EQ_U64(again.memlock_cur, real.memlock_cur);
		CHECK_EQ_U64(again.memlock_max, real.memlock_max);
	}
}

/* A run leaves out what its plan does not read: those facts stay unknown,
 * saying why; the others are asked as always. */
static void test_real_probe_skips_what_it_is_told(void)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	probe_kernel(&p);
	if (geteuid() != 0 || !p.cap_sys_admin) {
		CHECK_SKIP_PART("real-kernel BPF skip flags: not root (CAP_SYS_ADMIN)");
		return;
	}
	CHECK_EQ_INT(probe_bpf(&p, PROBE_SKIP_MAP_HASH | PROBE_SKIP_FRAGS), 0);
	if (p.bpf_syscall.state != FACT_YES)
		return;
	CHECK_EQ_INT(p.map_hash.state, FACT_UNKNOWN);
	CHECK_EQ_INT(p.map_hash.err, -ECANCELED);
	CHECK_EQ_INT(p.xdp_frags.state, FACT_UNKNOWN);
	CHECK_EQ_INT(p.xdp_frags.err, -ECANCELED);
	CHECK_EQ_INT(p.prog_type_xdp.state, FACT_YES);
	CHECK_EQ_INT(p.map_percpu_array.state, FACT_YES);
	CHECK(p.link_xdp.state != FACT_UNKNOWN);
}

static void test_real_lo_has_nothing_attached(void)
{
	struct probe p;

	memset(&p, 0, sizeof(p));
	CHECK_EQ_INT(probe_iface(&p, "lo"), 0);
	/* The link probe ran on lo: nothing may be left there. */
	CHECK_EQ_INT(p.ifaces[0].drv.id, 0);
	CHECK_EQ_INT(p.ifaces[0].skb.id, 0);
	CHECK_EQ_INT(p.ifaces[0].hw.id, 0);
	if (p.netdev_family.state == FACT_YES) {
		CHECK_EQ_INT(p.ifaces[0].xdp_features_known.state, FACT_YES);
		CHECK_EQ_U64(p.ifaces[0].xdp_features & XDPC_XDP_ACT_BASIC, 0);
	}
}

static size_t fact_row(size_t offset)
{
	for (size_t i = 0; i < probe_n_facts; i++)
		if (probe_facts[i].offset == offset)
			return i;
	return probe_n_facts;
}

/* probe_bpf() walks the table in order: bpf() itself comes first (without
 * it nothing else is asked), the probes that use prog_type_xdp's program
 * after it, freplace_link (filled by prog_type_ext's probe) after that, and
 * a row without a probe is one something else fills. */
static void test_fact_table_is_probed_in_a_workable_order(void)
{
	size_t xdp = fact_row(offsetof(struct probe, prog_type_xdp));
	size_t ext = fact_row(offsetof(struct probe, prog_type_ext));

	CHECK_EQ_INT(fact_row(offsetof(struct probe, bpf_syscall)), 0);
	CHECK(probe_facts[0].probe != NULL);
	CHECK(xdp < probe_n_facts && probe_facts[xdp].probe != NULL);
	for (size_t i = 0; i < probe_n_facts; i++) {
		const struct fact_desc *d = &probe_facts[i];

		if (d->flags & FACT_BY_PROG)
			CHECK(i > xdp);
		if (!d->probe)
			CHECK(d->offset == offsetof(struct probe, btf_vmlinux) ||
			      d->offset == offsetof(struct probe, freplace_link));
	}
	CHECK(fact_row(offsetof(struct probe, freplace_link)) > ext);
	CHECK_EQ_INT(probe_facts[ext].skip,
		     probe_facts[fact_row(offsetof(struct probe, freplace_link))].skip);
}

/* The features.* words of a json-fields block (docs/json.md, dist/xdpcount.8),
 * as " a b c " in out. 0, or -errno if the file cannot be read. */
static int doc_features(const char *path, char *out, size_t len)
{
	char line[512];
	bool in = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "json-fields begin"))
			in = true;
		else if (strstr(line, "json-fields end"))
			in = false;
		for (char *w = in ? strtok(line, " \t\n") : NULL; w; w = strtok(NULL, " \t\n"))
			if (!strncmp(w, "features.", 9) && strlen(out) + strlen(w) + 2 < len) {
				strcat(out, " ");
				strcat(out, w + 9);
			}
	}
	fclose(f);
	strcat(out, " ");
	return 0;
}

/* Each document's list of check's "features" names exactly the keys the
 * tables print: every row of probe_facts and probe_cap_facts, and the
 * unprivileged_bpf_disabled sysctl. */
static void test_documented_features_match_the_fact_tables(void)
{
	static const char *const docs[] = { "docs/json.md", "dist/xdpcount.8" };
	char have[2048], want[2048] = " unprivileged_bpf_disabled ";

	for (size_t i = 0; i < probe_n_facts; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s ", probe_facts[i].key);
	for (size_t i = 0; i < probe_n_cap_facts; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s ",
			 probe_cap_facts[i].key);
	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		char *w, *save = NULL, copy[2048];

		if (!CHECK(doc_features(docs[d], have, sizeof(have)) == 0)) {
			fprintf(stderr, "    %s: %s (run from the top of the tree)\n", docs[d],
				strerror(errno));
			continue;
		}
		strcpy(copy, want);
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			char key[72];

			snprintf(key, sizeof(key), " %s ", w);
			if (!CHECK(strstr(have, key)))
				fprintf(stderr, "    %s does not list features.%s\n", docs[d], w);
		}
		strcpy(copy, have);
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			char key[72];

			snprintf(key, sizeof(key), " %s ", w);
			if (!CHECK(strstr(want, key)))
				fprintf(stderr, "    %s lists features.%s, which no table has\n",
					docs[d], w);
		}
	}
}

/* The start time of /proc/PID/stat (a pin's owner), past a name with
 * spaces and parentheses; a zombie is no owner: it has closed its fds, only
 * its parent has not reaped it (a pin of a killed run must not look alive
 * until then). */
static void test_stat_start_time_and_zombies(void)
{
	const char *rest = " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 123456 19 20";
	char buf[256];
	unsigned long long t = 0;

	snprintf(buf, sizeof(buf), "42 (x (y) z) S%s", rest);
	CHECK_EQ_INT(pin_parse_stat_start(buf, &t), 0);
	CHECK(t == 123456);
	snprintf(buf, sizeof(buf), "42 (xdpcount) Z%s", rest);
	CHECK_EQ_INT(pin_parse_stat_start(buf, &t), -ESRCH);
	snprintf(buf, sizeof(buf), "42 (a) Z) R%s", rest); /* a name that looks like a zombie */
	CHECK_EQ_INT(pin_parse_stat_start(buf, &t), 0);
	CHECK_EQ_INT(pin_parse_stat_start("42 (xdpcount) S 1 2", &t), -EIO);
}

/* The one netlink request builder (the selftest's veth, genl, RTM_GETNSID):
 * nests close at the right length, attributes land aligned, and a request
 * that does not fit is never sent. */
static void test_netlink_request_builder(void)
{
	struct nl_msg m;
	struct ifinfomsg *ifi = nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE, sizeof(*ifi));
	const struct nlattr *outer, *name;
	struct nl_answer a = { 0 };
	char big[200];

	CHECK(ifi == NLMSG_DATA(&m.nh));
	CHECK_EQ_INT(m.nh.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE);
	CHECK_EQ_INT(m.nh.nlmsg_len, NLMSG_LENGTH(sizeof(*ifi)));
	nl_msg_nest_begin(&m, IFLA_LINKINFO);
	nl_msg_attr_str(&m, IFLA_INFO_KIND, "veth"); /* 4 + 5 bytes */
	nl_msg_nest_end(&m);
	outer = (const struct nlattr *)(m.buf + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(*ifi))));
	name = (const struct nlattr *)((const char *)outer + NLA_HDRLEN);
	CHECK_EQ_INT(outer->nla_type, IFLA_LINKINFO | NLA_F_NESTED);
	CHECK_EQ_INT(outer->nla_len, NLA_HDRLEN + NLA_ALIGN(9));
	CHECK_EQ_INT(name->nla_len, 9);
	CHECK_EQ_STR((const char *)name + NLA_HDRLEN, "veth");
	nl_msg_nest_begin(&m, IFLA_LINKINFO); /* left open: never sent */
	CHECK_EQ_INT(nl_msg_request(NETLINK_ROUTE, &m, &a), -EMSGSIZE);
	nl_msg_init(&m, RTM_NEWLINK, 0, sizeof(*ifi));
	memset(big, 'x', sizeof(big));
	for (int i = 0; i < 6; i++)
		nl_msg_attr(&m, IFLA_IFALIAS, big, sizeof(big));
	CHECK(m.overflow);
	CHECK(m.nh.nlmsg_len <= sizeof(m.buf));
	CHECK_EQ_INT(nl_msg_request(NETLINK_ROUTE, &m, &a), -EMSGSIZE);
}

/* libxdp's version from its file name, and the newest one under a set of
 * library directories (their multiarch subdirectories too); names that are
 * no libxdp.so.1.N, directories and dangling links do not count. */
static void test_libxdp_soname(void)
{
	char root[] = "/tmp/xdpcount-libxdp-XXXXXX", path[256], d0[128];
	const char *dirs[3] = { NULL, NULL, NULL };
	struct probe_libxdp l;
	unsigned int minor = 0, patch = 0;
	static const char *const files[] = {
		"lib/libxdp.so.1.3.1", "lib/x86_64-linux-gnu/libxdp.so.1.5.4", "lib/libxdp.so.1",
		"lib/libxdp.so.1.9x", "lib/libxdp.so.2.0.0", "usr/libxdp.so.1.4",
	};
	int fd;

	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.6.3", &minor, &patch), 0);
	CHECK_EQ_INT(minor, 6);
	CHECK_EQ_INT(patch, 3);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.5", &minor, &patch), 0);
	CHECK_EQ_INT(minor, 5);
	CHECK_EQ_INT(patch, 0);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.10.0", &minor, &patch), 0);
	CHECK_EQ_INT(minor, 10);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1", &minor, &patch), -EINVAL);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.", &minor, &patch), -EINVAL);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.6.", &minor, &patch), -EINVAL);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.1.6.3.debug", &minor, &patch), -EINVAL);
	CHECK_EQ_INT(libxdp_soname_parse("libxdp.so.2.0.0", &minor, &patch), -EINVAL);
	CHECK_EQ_INT(libxdp_soname_parse("libbpf.so.1.6.0", &minor, &patch), -EINVAL);

	if (!mkdtemp(root)) {
		CHECK_SKIP_PART("no temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/lib", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/usr", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/x86_64-linux-gnu", root);
	mkdir(path, 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	/* a directory and a dangling link of newer names: not libraries */
	snprintf(path, sizeof(path), "%s/lib/libxdp.so.1.8.0", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/libxdp.so.1.7.0", root);
	CHECK_EQ_INT(symlink("/nonexistent/libxdp.so.1.7.0", path), 0);

	snprintf(d0, sizeof(d0), "%s/lib", root);
	dirs[0] = d0;
	memset(&l, 0, sizeof(l));
	probe_libxdp_lib(&l, dirs);
	CHECK(l.lib_found);
	CHECK_EQ_INT(l.lib_minor, 5);
	CHECK_EQ_INT(l.lib_patch, 4);
	snprintf(path, sizeof(path), "%s/lib/x86_64-linux-gnu/libxdp.so.1.5.4", root);
	CHECK_EQ_STR(l.lib_path, path);
	/* a link to a library counts, as Debian's libxdp.so.1 links do */
	snprintf(path, sizeof(path), "%s/lib/libxdp.so.1.6.3", root);
	CHECK_EQ_INT(symlink("libxdp.so.1.3.1", path), 0);
	memset(&l, 0, sizeof(l));
	probe_libxdp_lib(&l, dirs);
	CHECK_EQ_INT(l.lib_minor, 6);
	CHECK_EQ_INT(l.lib_patch, 3);
	/* none there */
	snprintf(d0, sizeof(d0), "%s/nothing", root);
	memset(&l, 0, sizeof(l));
	probe_libxdp_lib(&l, dirs);
	CHECK(!l.lib_found);
	/* no xdp/ in a bpffs: no dispatchers, -ENOENT */
	memset(&l, 0, sizeof(l));
	probe_libxdp_dispatchers(&l, root);
	CHECK_EQ_INT(l.disp_err, -ENOENT);
	CHECK_EQ_INT(l.disp_n[2] + l.disp_n[3], 0);

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	CHECK_EQ_INT(system(path), 0);
}

int main(void)
{
	test_libxdp_soname();
	test_netlink_request_builder();
	test_stat_start_time_and_zombies();
	test_fact_table_is_probed_in_a_workable_order();
	test_documented_features_match_the_fact_tables();
	test_real_probe_skips_what_it_is_told();
	test_kver_parse_handles_distro_strings();
	test_enum_tables_round_trip();
	test_default_route_picks_lowest_metric();
	test_probe_iface_errors();
	test_real_kernel_smoke();
	test_real_lo_has_nothing_attached();
	CHECK_DONE();
}
