/* plan_make() against fake kernel profiles: each test builds the struct
 * probe a real kernel of that kind would give, and checks the decisions and
 * the words of their reasons. No kernel is touched. */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/check.h"
#include "plan/plan.h"
#include "plan/reason.h"
#include "probe/facts.h"

#define KIB 1024ULL
#define MIB (1024ULL * 1024)

static struct probe p;
static struct plan plan;
static const struct plan_request req_auto = { XDP_MODE_AUTO, ATTACH_AUTO, DIRECTION_IN, 0 };

static void yes(struct fact *f) { f->state = FACT_YES; f->err = 0; }
static void no(struct fact *f, int err) { f->state = FACT_NO; f->err = err; }

/* A modern root host: everything in, memcg accounting, JIT on, BTF. */
static void kernel(const char *release, unsigned int maj, unsigned int min,
		   unsigned int patch)
{
	memset(&p, 0, sizeof(p));
	snprintf(p.release, sizeof(p.release), "%s", release);
	snprintf(p.machine, sizeof(p.machine), "x86_64");
	p.kver_major = maj;
	p.kver_minor = min;
	p.kver_patch = patch;
	p.caps_known = true;
	p.cap_bpf = p.cap_net_admin = p.cap_sys_admin = p.cap_sys_resource = true;
	p.unprivileged_bpf_disabled = 2;
	for (size_t i = 0; i < probe_n_facts; i++)
		yes(fact_at(&p, &probe_facts[i]));
	yes(&p.netdev_family);
	/* program extensions: 5.6+; linking one to a running dispatcher: 5.10+ */
	if (maj < 5 || (maj == 5 && min < 6))
		no(&p.prog_type_ext, -EINVAL);
	if (maj < 5 || (maj == 5 && min < 10))
		no(&p.freplace_link, -EINVAL);
	/* tcx: 6.6+ */
	if (maj > 6 || (maj == 6 && min >= 6))
		yes(&p.tcx);
	else
		no(&p.tcx, -EINVAL);
	p.memlock_cur = p.memlock_max = 8 * MIB;
	p.ncpus = 4;
	p.page_size = 4096;
	p.kernel_probed = p.bpf_probed = true;
}

/* An up, non-loopback interface. features < 0: xdp-features unknown. */
static struct probe_iface *iface(const char *name, const char *driver,
				 unsigned int mtu, long long features)
{
	struct probe_iface *it = &p.ifaces[p.n_ifaces];

	memset(it, 0, sizeof(*it));
	snprintf(it->name, sizeof(it->name), "%s", name);
	snprintf(it->driver, sizeof(it->driver), "%s", driver);
	it->ifindex = (int)p.n_ifaces + 2;
	it->mtu = mtu;
	it->up = true;
	if (features >= 0) {
		yes(&it->xdp_features_known);
		it->xdp_features = (uint64_t)features;
	} else {
		no(&it->xdp_features_known, -ENOENT);
	}
	p.n_ifaces++;
	return it;
}

/* What probe_bpf() leaves when bpf() itself failed with err. */
static void rest_unknown(int err)
{
	for (size_t i = 0; i < probe_n_facts; i++) {
		struct fact *f = fact_at(&p, &probe_facts[i]);

		if (probe_facts[i].flags & FACT_BY_BPF) {
			f->state = FACT_UNKNOWN;
			f->err = err;
		}
	}
}

static void make(const struct plan_request *req)
{
	plan_make(&p, req, &plan);
}

/* True if one of the verdict's reasons contains s. */
static bool reasons_have(const char *s)
{
	unsigned int i;

	for (i = 0; i < plan.n_reasons; i++)
		if (strstr(plan.reasons[i], s))
			return true;
	return false;
}

static bool reasons_mention_memlock(void)
{
	unsigned int i;

	for (i = 0; i < plan.n_reasons; i++)
		if (strcasestr(plan.reasons[i], "memlock"))
			return true;
	return false;
}

static void test_rhel8_4_18_runs_degraded_through_netlink(void)
{
	kernel("4.18.0-553.el8_10.x86_64", 4, 18, 0);
	p.cap_bpf = false; /* unknown to 4.18 */
	no(&p.link_xdp, -EINVAL);
	no(&p.xdp_frags, -EINVAL);
	no(&p.memcg_accounting, -EPERM);
	no(&p.btf_vmlinux, -ENOENT);
	no(&p.netdev_family, -ENOENT);
	p.memlock_cur = p.memlock_max = 64 * KIB;
	iface("eth0", "virtio_net", 1500, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("no XDP bpf_link"));
	CHECK(!plan.frags_available);
	CHECK_CONTAINS(plan.variant_reason, "5.18");
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	/* Root: CAP_SYS_RESOURCE lifts the 64 KiB hard limit. */
	CHECK_EQ_INT(plan.memlock, MEMLOCK_RAISE);
	CHECK_EQ_U64(plan.memlock_bytes, plan_memlock_need(4, 4096, 6));
	CHECK_CONTAINS(plan.memlock_reason, "CAP_SYS_RESOURCE");
	CHECK_EQ_INT(plan.n_ifaces, 1);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[0].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_CONTAINS(plan.ifaces[0].reason, "will try native, fall back to generic");
	CHECK_CONTAINS(plan.ifaces[0].reason, "virtio_net");
}

static void test_ubuntu_5_4_raises_soft_limit_without_cap_sys_resource(void)
{
	kernel("5.4.0-1234-aws", 5, 4, 272);
	no(&p.link_xdp, -EINVAL);
	no(&p.xdp_frags, -EINVAL);
	no(&p.memcg_accounting, -EPERM);
	no(&p.netdev_family, -ENOENT);
	p.cap_bpf = false;
	p.cap_sys_resource = false;
	p.memlock_cur = 64 * KIB;
	p.memlock_max = UINT64_MAX;
	iface("ens5", "ena", 9001, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_RAISE);
	CHECK_EQ_U64(plan.memlock_bytes, plan_memlock_need(4, 4096, 6));
	CHECK_CONTAINS(plan.memlock_reason, "64 KiB");
	/* Jumbo MTU without frags: native would be refused. */
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
	CHECK(!plan.ifaces[0].fallback_generic);
	CHECK_CONTAINS(plan.ifaces[0].reason, "MTU 9001");
	CHECK(reasons_have("ens5: generic mode"));
}

static void test_5_8_link_trap_uses_netlink(void)
{
	static const struct plan_request want_link = { XDP_MODE_AUTO, ATTACH_LINK, DIRECTION_IN, 0 };

	kernel("5.8.0-63-generic", 5, 8, 0);
	no(&p.link_xdp, -EINVAL); /* cgroup links work here, XDP links do not */
	no(&p.xdp_frags, -EINVAL);
	no(&p.memcg_accounting, -EPERM);
	no(&p.netdev_family, -ENOENT);
	iface("eth0", "ixgbe", 1500, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "no XDP bpf_link");
	CHECK(reasons_have("5.9+"));
	/* 8 MiB covers the need: nothing to raise. */
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	CHECK_CONTAINS(plan.memlock_reason, "covers");

	/* --attach link is strict: refused, and with one interface that is
	 * incompatible. */
	make(&want_link);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_ATTACH);
	CHECK_CONTAINS(plan.ifaces[0].reason, "no XDP links (5.9+)");
	CHECK(reasons_have("eth0"));
}

static void test_5_10_with_64k_memlock(void)
{
	kernel("5.10.0-30-amd64", 5, 10, 0);
	no(&p.xdp_frags, -EINVAL);
	no(&p.memcg_accounting, -EPERM);
	no(&p.netdev_family, -ENOENT);
	p.memlock_cur = p.memlock_max = 64 * KIB;
	iface("eth0", "virtio_net", 1500, -1);

	/* Root: XDP held through our dispatcher (5.10 links an extension to
	 * it), shared with libxdp users whose objects count against our limit
	 * too: unlimited, as libxdp sets it. */
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_RAISE);
	CHECK_EQ_U64(plan.memlock_bytes, UINT64_MAX);
	CHECK_CONTAINS(plan.memlock_reason, "raising it from 64 KiB to unlimited, as libxdp does "
		       "(hard limit too, with CAP_SYS_RESOURCE)");
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	/* a hard limit of infinity needs no CAP_SYS_RESOURCE */
	p.cap_sys_resource = false;
	p.memlock_max = UINT64_MAX;
	make(&req_auto);
	CHECK_EQ_U64(plan.memlock_bytes, UINT64_MAX);
	CHECK(!strstr(plan.memlock_reason, "hard limit too"));
	p.cap_sys_resource = true;
	p.memlock_max = 64 * KIB;
	/* nor does one already unlimited */
	p.memlock_cur = p.memlock_max = UINT64_MAX;
	make(&req_auto);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	p.memlock_cur = p.memlock_max = 64 * KIB;
	/* where it cannot be unlimited: the need, where the dispatcher's
	 * program and config count as one more instance */
	p.cap_sys_resource = false;
	p.memlock_max = 8 * MIB;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_RAISE);
	CHECK_EQ_U64(plan.memlock_bytes, plan_memlock_need(4, 4096, 7));
	p.cap_sys_resource = true;
	p.memlock_max = 64 * KIB;
	/* our program alone (--attach link): the need of the one instance */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_LINK, DIRECTION_IN, 0 });
	CHECK_EQ_U64(plan.memlock_bytes, plan_memlock_need(4, 4096, 6));
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);

	/* CAP_BPF + CAP_NET_ADMIN, but no CAP_SYS_RESOURCE: impossible (and
	 * no CAP_SYS_ADMIN: no dispatcher, our program alone). */
	p.cap_sys_admin = p.cap_sys_resource = false;
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_IMPOSSIBLE);
	CHECK_CONTAINS(plan.memlock_reason, "need 2176 KiB");
	CHECK_CONTAINS(plan.memlock_reason, "have 64 KiB");
	CHECK_CONTAINS(plan.memlock_reason, "CAP_SYS_RESOURCE");
	CHECK_CONTAINS(plan.memlock_reason, "ulimit -l 2176");
	CHECK_CONTAINS(plan.memlock_reason, "LimitMEMLOCK=");
	CHECK(reasons_have("RLIMIT_MEMLOCK too low"));
	CHECK_EQ_INT(plan.n_reasons, 1);

	/* A soft limit that already covers it: nothing to do. */
	p.memlock_cur = p.memlock_max = UINT64_MAX;
	make(&req_auto);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
}

/* Ubuntu 5.15: kernel BTF and extensions, so as root auto holds XDP
 * through a dispatcher of ours; with only CAP_BPF, CAP_NET_ADMIN and
 * CAP_PERFMON (no CAP_SYS_ADMIN, which reading a dispatcher by id needs) a
 * plain bpf_link, saying why others cannot join. */
static void test_5_15_native_with_fallback_and_link(void)
{
	kernel("5.15.0-107-generic", 5, 15, 0);
	no(&p.xdp_frags, -EINVAL);
	no(&p.netdev_family, -ENOENT);
	iface("eth0", "ixgbe", 1500, -1);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[0].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);

	p.cap_sys_admin = false;
	p.cap_perfmon = true;
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.n_reasons, 0);
	CHECK(!plan.frags_available);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	CHECK_CONTAINS(plan.memlock_reason, "memory cgroup (5.11+)");
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[0].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "detached automatically if xdpcount dies");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no CAP_SYS_ADMIN");
}

static void test_6_1_s390x_without_btf_is_ok(void)
{
	kernel("6.1.0-50-s390x", 6, 1, 0);
	snprintf(p.machine, sizeof(p.machine), "s390x");
	p.host_order = BYTE_ORDER_BIG;
	no(&p.btf_vmlinux, -ENOENT);
	no(&p.kernel_btf, -ENOENT);
	no(&p.netdev_family, -ENOENT);
	iface("enc1000", "qeth", 1500, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK(plan.frags_available);
	CHECK_CONTAINS(plan.variant_reason, "multi-buffer (5.18+)");
	/* MTU 1500 fits one page: the cheaper linear program. */
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[0].variant_reason, "MTU 1500 fits one page");
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	/* no kernel BTF: no dispatcher, our program alone through a link */
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no BTF of its own");
}

/* Debian unstable's 7.2.13, as tests/kernels boots it (x86_64, aarch64):
 * every probe answer is 6.12's (check --json differs in the release and the
 * BTF size only), so is the plan; major 7 passes every version gate. */
static void test_debian_7_2_is_planned_like_6_12(void)
{
	kernel("7.2.13+deb14-amd64", 7, 2, 13);
	iface("eth0", "virtio_net", 1500, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.n_reasons, 0);
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	CHECK_CONTAINS(plan.memlock_reason, "memory cgroup (5.11+)");
	CHECK(plan.frags_available);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	/* a dispatcher of ours holds XDP, so libxdp users can join */
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, PLAN_DISPATCHER_VERSION);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_EQ_INT(plan.selftest_attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.selftest_tc_attach, ATTACH_LINK);
}

static void test_6_6_xdp_features_decide_the_mode(void)
{
	static const struct plan_request native = { XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 };
	static const struct plan_request generic = { XDP_MODE_GENERIC, ATTACH_AUTO, DIRECTION_IN, 0 };

	kernel("6.6.30-gentoo", 6, 6, 30);
	iface("eth0", "mlx5_core", 1500, XDPC_XDP_ACT_BASIC |
	      XDPC_XDP_ACT_REDIRECT | XDPC_XDP_ACT_RX_SG);
	iface("ifb0", "ifb", 1500, 0);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_CONTAINS(plan.ifaces[0].reason, "driver mlx5_core reports native XDP (xdp-features)");
	CHECK_EQ_INT(plan.ifaces[1].mode, XDP_MODE_GENERIC);
	CHECK(!plan.ifaces[1].refuse);
	CHECK_CONTAINS(plan.ifaces[1].reason, "driver ifb reports no native XDP (xdp-features)");
	CHECK(reasons_have("ifb0: generic mode"));
	CHECK_EQ_INT(plan.n_reasons, 1);

	/* -m native is strict: ifb0 is refused, eth0 still runs. */
	make(&native);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(!plan.ifaces[0].refuse);
	CHECK(!plan.ifaces[0].fallback_generic);
	CHECK(plan.ifaces[1].refuse);
	CHECK_EQ_INT(plan.ifaces[1].refusal, REFUSE_MODE);
	CHECK_CONTAINS(plan.ifaces[1].reason, "native mode requested, but driver ifb");

	/* -m generic was asked for: not a degradation. */
	make(&generic);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
	CHECK_EQ_INT(plan.ifaces[1].mode, XDP_MODE_GENERIC);
}

static void test_jumbo_mtu_stays_native_with_frags(void)
{
	kernel("6.8.0-45-generic", 6, 8, 12);
	iface("eth0", "mlx5_core", 9000, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	iface("eth1", "igb", 9000, XDPC_XDP_ACT_BASIC);
	iface("eth2", "i40e", 9000, -1);
	make(&req_auto);

	CHECK(plan_reads_frags(&p)); /* a run must ask the kernel */
	CHECK(plan.frags_available);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_FRAGS);
	CHECK_CONTAINS(plan.ifaces[0].variant_reason, "MTU 9000 does not fit one page");
	/* A driver known to lack rx-sg cannot take 9000-byte frames natively;
	 * generic linearizes, so the linear program counts them whole. */
	CHECK_EQ_INT(plan.ifaces[1].mode, XDP_MODE_GENERIC);
	CHECK_CONTAINS(plan.ifaces[1].reason, "rx-sg");
	CHECK_EQ_INT(plan.ifaces[1].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[1].variant_reason, "generic XDP linearizes");
	/* Unknown features: try native, fall back if refused. */
	CHECK_EQ_INT(plan.ifaces[2].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[2].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[2].variant, VARIANT_FRAGS);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("eth1: generic mode"));
}

/* Exactly CAP_BPF + CAP_NET_ADMIN: the verifier refuses the linear
 * program's data_end - data (pointer arithmetic needs CAP_PERFMON), so the
 * frags program, which asks a helper for the length, is planned instead. */
static void test_without_cap_perfmon_the_frags_program_is_planned(void)
{
	kernel("6.18.44-fc-v782", 6, 18, 44);
	p.cap_sys_admin = false;
	iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	CHECK(plan_reads_frags(&p));
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_FRAGS);
	CHECK_CONTAINS(plan.ifaces[0].variant_reason, "without CAP_PERFMON");
	/* check's test run loads what the run will (the linear program is
	 * refused there) */
	CHECK_EQ_INT(plan.check_variant, VARIANT_FRAGS);
	p.cap_perfmon = true;
	CHECK(!plan_reads_frags(&p)); /* a run may leave the frags probe out */
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_EQ_INT(plan.check_variant, VARIANT_LINEAR);
	/* left out, it changes nothing for a 1500-byte MTU */
	p.xdp_frags.state = FACT_UNKNOWN;
	p.xdp_frags.err = -ECANCELED;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_CONTAINS(plan.variant_reason, "not asked for");
}

static void test_bpf_enosys_is_incompatible(void)
{
	kernel("6.1.0-50-s390x", 6, 1, 0);
	no(&p.bpf_syscall, -ENOSYS);
	rest_unknown(-ENOSYS);
	iface("eth0", "virtio_net", 1500, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan.n_reasons, 1);
	CHECK_CONTAINS(plan.reasons[0], "bpf() syscall (ENOSYS)");
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);
	CHECK(!reasons_mention_memlock());
}

static void test_unprivileged_is_incompatible_naming_capabilities(void)
{
	kernel("6.1.0-50-amd64", 6, 1, 0);
	p.cap_bpf = p.cap_net_admin = p.cap_sys_admin = p.cap_sys_resource = false;
	p.bpf_syscall.state = FACT_DENIED;
	p.bpf_syscall.err = -EPERM;
	rest_unknown(-EPERM);
	p.memlock_cur = p.memlock_max = 64 * KIB; /* must not be blamed */
	iface("eth0", "virtio_net", 1500, -1);
	make(&req_auto);

	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("CAP_BPF"));
	CHECK(reasons_have("CAP_NET_ADMIN"));
	CHECK(reasons_have("EPERM"));
	CHECK_EQ_INT(plan.verdict_err, -EPERM); /* the JSON errno agrees with the words */
	CHECK(reasons_have("kernel.unprivileged_bpf_disabled=2"));
	CHECK(!reasons_mention_memlock());
	CHECK_EQ_INT(plan.memlock, MEMLOCK_NONE);

	/* Before 5.8 there is no CAP_BPF to ask for. */
	p.kver_major = 5;
	p.kver_minor = 4;
	make(&req_auto);
	CHECK(reasons_have("CAP_SYS_ADMIN and CAP_NET_ADMIN (CAP_BPF needs 5.8+)"));

	/* CAP_BPF alone cannot load XDP (a net-admin program type). */
	kernel("6.1.0-50-amd64", 6, 1, 0);
	p.cap_net_admin = p.cap_sys_admin = false;
	p.prog_type_xdp.state = FACT_DENIED;
	p.prog_type_xdp.err = -EPERM;
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("missing CAP_NET_ADMIN (CAP_BPF alone"));
	CHECK(!reasons_have("seccomp"));

	/* Unprivileged bpf() allowed (sysctl 0), the XDP load is what fails. */
	kernel("5.4.0-150-generic", 5, 4, 0);
	p.cap_bpf = p.cap_net_admin = p.cap_sys_admin = p.cap_sys_resource = false;
	p.unprivileged_bpf_disabled = 0;
	p.prog_type_xdp.state = FACT_DENIED;
	p.prog_type_xdp.err = -EPERM;
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("CAP_SYS_ADMIN"));
	CHECK(!reasons_have("unprivileged_bpf_disabled"));

	/* CAP_NET_ADMIN alone: only CAP_BPF is missing, and it says so. */
	kernel("6.1.0-50-amd64", 6, 1, 0);
	p.cap_bpf = p.cap_sys_admin = false;
	p.bpf_syscall.state = FACT_DENIED;
	p.bpf_syscall.err = -EPERM;
	rest_unknown(-EPERM);
	make(&req_auto);
	CHECK(reasons_have("missing CAP_BPF (CAP_NET_ADMIN is held)"));
	CHECK(!reasons_have("CAP_BPF and CAP_NET_ADMIN"));
}

/* Root of a user namespace holds every capability there, none that bpf()
 * honours: the reason names the user namespace, not a filter. */
static void test_user_namespace_root_is_told_why(void)
{
	kernel("6.18.44-fc-v782", 6, 18, 44);
	p.in_user_ns = true;
	p.bpf_syscall.state = FACT_DENIED;
	p.bpf_syscall.err = -EPERM;
	rest_unknown(-EPERM);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("only inside a user namespace"));
	CHECK(!reasons_have("seccomp"));
}

static void test_root_refused_by_a_filter_says_so(void)
{
	kernel("6.18.44-fc-v782", 6, 18, 44);
	p.bpf_syscall.state = FACT_DENIED;
	p.bpf_syscall.err = -EPERM;
	rest_unknown(-EPERM);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("although this process holds CAP_SYS_ADMIN"));
	CHECK(reasons_have("seccomp"));
	CHECK(!reasons_mention_memlock());

	/* Without CAP_NET_ADMIN, loading works but attaching will not. */
	kernel("6.18.44-fc-v782", 6, 18, 44);
	p.cap_sys_admin = p.cap_net_admin = false;
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("CAP_NET_ADMIN"));
}

static const struct plan_request req_native = { XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 };

static void test_foreign_program_is_refused_with_id_and_name(void)
{
	struct probe_iface *it;

	kernel("6.6.30-gentoo", 6, 6, 30);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	it->drv.id = 42;
	snprintf(it->drv.name, sizeof(it->drv.name), "xdp_dispatcher");
	/* Refused only when an XDP mode was asked for; auto goes to tc. */
	make(&req_native);

	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].reason, "id 42");
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdp_dispatcher");
	CHECK_CONTAINS(plan.ifaces[0].reason, "native mode");
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	CHECK(reasons_have("eth0: already carries XDP program id 42"));
	CHECK_CONTAINS(plan.ifaces[0].reason, "--mode native asked for XDP");

	/* Another interface is fine: the run goes on, degraded. */
	iface("eth1", "veth", 1500, XDPC_XDP_ACT_BASIC);
	make(&req_native);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(!plan.ifaces[1].refuse);
	CHECK_EQ_INT(plan.ifaces[1].refusal, REFUSE_NONE);
	CHECK(reasons_have("eth0: refused"));

	/* An interface that vanished between probe and plan. */
	p.ifaces[1].ifindex = 0;
	make(&req_native);
	CHECK_EQ_INT(plan.ifaces[1].refusal, REFUSE_MISSING);
	CHECK_EQ_STR(plan.ifaces[1].reason, "no such interface");
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	p.ifaces[1].ifindex = 3;

	/* A program of ours that a live xdpcount holds is refused, naming the
	 * pid; one that nobody holds is stale: replaced, unattended; one whose
	 * holder cannot be told is refused. */
	it->drv.id = 0;
	it->skb.id = 7;
	snprintf(it->skb.name, sizeof(it->skb.name), "xdpcount_legacy");
	it->skb.ours = true;
	it->skb.holder_pid = 4242;
	it->skb.holder_alive = true;
	make(&req_auto);
	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount pid 4242 counts on it already (program id 7, generic mode)");
	CHECK_EQ_INT(plan.ifaces[1].refusal, REFUSE_NONE);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);

	it->skb.holder_alive = false;
	make(&req_auto);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].stale_id, 7);
	CHECK_EQ_INT(plan.ifaces[0].stale_mode, XDP_MODE_GENERIC);
	CHECK_EQ_INT(plan.ifaces[0].stale_pid, 4242);
	CHECK_CONTAINS(plan.ifaces[0].reason, "replaces our stale program id 7");

	it->skb.holder_pid = 0;
	it->skb.holder_unknown = true;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot be told");

	/* Not ours, and its name unreadable (no CAP_SYS_ADMIN): foreign, and
	 * the reason says why it could not be recognised. */
	it->skb.ours = it->skb.holder_unknown = false;
	it->skb.name[0] = '\0';
	it->skb.name_unreadable = true;
	make(&req_native); /* in auto mode it would go to tc behind it */
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].reason, "not recognisably xdpcount's");
	CHECK_CONTAINS(plan.ifaces[0].reason, "CAP_SYS_ADMIN");
	/* In auto mode: tc behind it, saying what it cannot tell, why, and the
	 * command for the program's mode (issue 17 item 10); whole. */
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_STR(plan.ifaces[0].unowned_reason, "cannot tell whether XDP program id 7 "
		     "(generic mode) is a stale xdpcount program (no xdpcount pin matches it; its "
		     "name needs CAP_SYS_ADMIN): if it is, `ip link set dev eth0 xdpgeneric off` "
		     "removes it");
	/* a known program leaves it empty */
	it->skb.name_unreadable = false;
	snprintf(it->skb.name, sizeof(it->skb.name), "katran_lb");
	make(&req_auto);
	CHECK_EQ_STR(plan.ifaces[0].unowned_reason, "");
}

/* 6.6+ with a load balancer's XDP program on eth0: tc ingress through a
 * tcx link, behind it, degraded, with the foreign program named. */
static void test_foreign_xdp_sends_auto_to_tcx_on_6_6(void)
{
	struct probe_iface *it;

	kernel("6.6.30-gentoo", 6, 6, 30);
	it = iface("eth0", "mlx5_core", 1500, XDPC_XDP_ACT_BASIC);
	it->drv.id = 42;
	snprintf(it->drv.name, sizeof(it->drv.name), "katran_lb");
	iface("eth1", "mlx5_core", 1500, XDPC_XDP_ACT_BASIC);
	make(&req_auto);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_EQ_STR(plan_hook_name(plan.ifaces[0].mode), "tc");
	CHECK_EQ_STR(plan_attach_name(plan.ifaces[0].mode, plan.ifaces[0].attach), "tcx");
	CHECK_CONTAINS(plan.ifaces[0].reason, "behind XDP program id 42 \"katran_lb\" (native mode)");
	CHECK_CONTAINS(plan.ifaces[0].reason, "counts only what it passes");
	CHECK_CONTAINS(plan.ifaces[0].reason, "tcx (6.6+)");
	CHECK(!plan.ifaces[0].fallback_generic);
	/* the other interface stays on XDP, native */
	CHECK_EQ_INT(plan.ifaces[1].mode, XDP_MODE_NATIVE);
	CHECK_EQ_STR(plan_hook_name(plan.ifaces[1].mode), "xdp");
	CHECK(plan_uses_tc(&plan));
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("eth0: counting at tc ingress behind XDP program id 42"));
}

/* 6.1: no tcx. A clsact qdisc is created and removed; degraded, because the
 * filter outlives a crash (like an XDP netlink attach). */
static void test_foreign_xdp_without_tcx_uses_clsact_on_6_1(void)
{
	struct probe_iface *it;

	kernel("6.1.0-21-amd64", 6, 1, 90);
	it = iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	it->skb.id = 9;
	snprintf(it->skb.name, sizeof(it->skb.name), "ddos_filter");
	no(&it->clsact, 0);
	make(&req_auto);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_EQ_STR(plan_attach_name(plan.ifaces[0].mode, plan.ifaces[0].attach), "clsact");
	CHECK_CONTAINS(plan.ifaces[0].reason, "generic mode");
	CHECK_CONTAINS(plan.ifaces[0].reason, "no tcx");
	CHECK_CONTAINS(plan.ifaces[0].reason, "creates a clsact qdisc and removes it on exit");
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("outlives a crash"));
	CHECK(reasons_have("xdpcount detach eth0"));
	/* tcx asked for on a kernel without it: refused, pointing at clsact */
	{
		static const struct plan_request want_tcx = { XDP_MODE_TC, ATTACH_LINK, DIRECTION_IN, 0 };

		make(&want_tcx);
		CHECK(plan.ifaces[0].refuse);
		CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_ATTACH);
		CHECK_CONTAINS(plan.ifaces[0].reason, "--attach netlink");
		CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
	}
}

/* Someone's clsact qdisc with their own filter: we add ours beside it and
 * keep the qdisc on exit. The same with tcx forced off (--attach netlink). */
static void test_existing_clsact_with_a_filter_is_kept(void)
{
	static const struct plan_request tc_clsact = { XDP_MODE_TC, ATTACH_NETLINK, DIRECTION_IN, 0 };
	struct probe_iface *it;

	kernel("6.18.44-fc-v782", 6, 18, 44);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	yes(&it->clsact);
	snprintf(it->clsact_kind, sizeof(it->clsact_kind), "clsact");
	it->tc_filters = 1;
	make(&tc_clsact);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "requested: counts what reaches tc, after XDP");
	CHECK_CONTAINS(plan.ifaces[0].reason, "the clsact qdisc there (with someone else's filters, left alone) is kept on exit");
	/* requested, not forced by the kernel: no crash-survival reason, but tc
	 * is still degraded */
	CHECK(!reasons_have("outlives a crash"));
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("eth0: counting at tc ingress (requested)"));

	/* --mode tc on 6.18 with auto attach: tcx */
	{
		static const struct plan_request tc_auto = { XDP_MODE_TC, ATTACH_AUTO, DIRECTION_IN, 0 };

		make(&tc_auto);
		CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	}
}

/* Our tc filter on ingress: refused while the xdpcount that attached it
 * runs (or when that cannot be told), like an XDP netlink leftover; a
 * leftover of a clsact run killed with -9 is replaced unattended, whichever
 * hook this run counts at. A foreign filter at our handle and priority is
 * not replaced, and does not matter without tc. */
static void test_tc_leftover_is_refused_and_foreign_slot_kept(void)
{
	static const struct plan_request tc_clsact = { XDP_MODE_TC, ATTACH_NETLINK, DIRECTION_IN, 0 };
	struct probe_iface *it;

	kernel("6.1.0-21-amd64", 6, 1, 90);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	yes(&it->clsact);
	it->tc_prog.id = 77;
	snprintf(it->tc_prog.name, sizeof(it->tc_prog.name), "xdpcount_tc");
	it->tc_prog.ours = true;
	it->tc_prog.holder_pid = 4242;
	it->tc_prog.holder_alive = true;
	make(&tc_clsact);
	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount tc filter (program id 77)");
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount pid 4242 counts here");
	/* XDP would double count beside it too: refused as well */
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	/* who holds it cannot be told: refused, naming the fix */
	it->tc_prog.holder_alive = false;
	it->tc_prog.holder_pid = 0;
	it->tc_prog.holder_unknown = true;
	make(&tc_clsact);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount detach eth0");
	/* its xdpcount is gone (kill -9): replaced, at tc and for XDP alike */
	it->tc_prog.holder_unknown = false;
	it->tc_prog.holder_pid = 4242;
	make(&tc_clsact);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].stale_tc_id, 77);
	CHECK_EQ_INT(plan.ifaces[0].stale_tc_pid, 4242);
	CHECK_CONTAINS(plan.ifaces[0].reason, "replaces our stale tc filter (program id 77)");
	make(&req_auto);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.ifaces[0].stale_tc_id, 77);
	it->tc_prog.holder_pid = 0;

	it->tc_prog.ours = false;
	snprintf(it->tc_prog.name, sizeof(it->tc_prog.name), "their_cls");
	make(&tc_clsact);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].reason, "\"their_cls\") is not xdpcount's");
	{	/* through tcx, their filter at our clsact place does not matter */
		static const struct plan_request tc_link = { XDP_MODE_TC, ATTACH_LINK, DIRECTION_IN, 0 };

		p.kver_minor = 12;
		yes(&p.tcx);
		make(&tc_link);
		CHECK(!plan.ifaces[0].refuse);
		CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
		no(&p.tcx, -EINVAL);
		p.kver_minor = 1;
	}
	make(&req_auto); /* XDP does not care about someone's tc filter */
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);

	/* Another xdpcount counting through tcx: refused like its XDP twin. */
	kernel("6.12.0", 6, 12, 0);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	it->tcx_progs = 2;
	it->tcx_prog.id = 90;
	it->tcx_prog.ours = true;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "tcx, program id 90");
	CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
}

static void test_loopback_goes_generic(void)
{
	struct probe_iface *it;

	kernel("6.18.44-fc-v782", 6, 18, 44);
	it = iface("lo", "", 65536, 0);
	it->loopback = true;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "loopback");
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
}

static void test_jit_disabled_is_degraded(void)
{
	kernel("5.15.0-107-generic", 5, 15, 0);
	no(&p.jit, 0);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("JIT is disabled"));
	/* No interfaces at all is not incompatible by itself. */
	CHECK_EQ_INT(plan.n_ifaces, 0);
}

/* Debian's s390x kernels: no JIT built, so no sysctl; the probe program
 * loaded without JITed code. */
static void test_no_jit_in_the_kernel_is_degraded(void)
{
	kernel("6.1.0-50-s390x", 6, 1, 0);
	no(&p.jit, -EOPNOTSUPP);
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("load without JITed code"));
	CHECK(!reasons_have("JIT is disabled"));
}

static void test_too_many_reasons_are_summarised(void)
{
	unsigned int i;

	kernel("6.6.30-gentoo", 6, 6, 30);
	for (i = 0; i < 20; i++) {
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "ifb%u", i);
		iface(name, "ifb", 1500, 0);
	}
	make(&req_auto);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.n_reasons, PLAN_MAX_REASONS);
	CHECK_CONTAINS(plan.reasons[PLAN_MAX_REASONS - 1], "and 13 more");
}

/* Which program each interface gets, and why: linear wherever it is exact
 * and native can take it, frags only for a native jumbo MTU. */
static void test_variant_per_interface_with_reasons(void)
{
	static const struct plan_request generic = { XDP_MODE_GENERIC, ATTACH_AUTO, DIRECTION_IN, 0 };
	static const struct plan_request native = { XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 };

	kernel("6.12.0-1-amd64", 6, 12, 0);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	iface("eth1", "ixgbe", PLAN_XDP_LINEAR_MTU, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	iface("eth2", "ixgbe", PLAN_XDP_LINEAR_MTU + 1, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[0].variant_reason, "no helper call");
	CHECK_EQ_INT(plan.ifaces[1].variant, VARIANT_LINEAR);
	CHECK_EQ_INT(plan.ifaces[2].variant, VARIANT_FRAGS);
	CHECK_CONTAINS(plan.ifaces[2].variant_reason, "bpf_xdp_get_buff_len");

	/* Generic mode linearizes: linear even at a jumbo MTU. */
	make(&generic);
	CHECK_EQ_INT(plan.ifaces[2].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[2].variant_reason, "generic XDP linearizes");

	/* 5.15: no multi-buffer, the jumbo interface counts in generic mode
	 * with the linear program, and says so. */
	no(&p.xdp_frags, -EINVAL);
	make(&req_auto);
	CHECK(!plan.frags_available);
	CHECK_EQ_INT(plan.ifaces[2].mode, XDP_MODE_GENERIC);
	CHECK_EQ_INT(plan.ifaces[2].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.variant_reason, "jumbo MTUs count in generic mode");
	/* Strict native without multi-buffer: the linear program, and the
	 * reason says why native will not take it. */
	make(&native);
	CHECK_EQ_INT(plan.ifaces[2].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[2].variant_reason, "which this kernel lacks");
}

static void test_memlock_need_formula(void)
{
	/* 4 CPUs, 4 KiB pages, one instance: stats 8 KiB + prog 16 KiB +
	 * .rodata 4 KiB + 2 MiB margin. */
	CHECK_EQ_U64(plan_memlock_need(4, 4096, 1), 28 * KIB + 2 * MIB);
	CHECK_EQ_U64(plan_memlock_need(4, 4096, 0), plan_memlock_need(4, 4096, 1));
	/* 68 instances of 20 KiB (64 interfaces and 4 more). */
	CHECK_EQ_U64(plan_memlock_need(4, 4096, 68), 8 * KIB + 68 * 20 * KIB + 2 * MIB);
	/* 256 CPUs: the per-CPU values dominate (256 KiB of them). */
	CHECK_EQ_U64(plan_memlock_need(256, 4096, 1),
		     260 * KIB + 20 * KIB + 2 * MIB);
	/* Unknown CPUs count as PLAN_NCPUS_UNKNOWN, unknown pages as 4 KiB. */
	CHECK_EQ_U64(plan_memlock_need(0, 0, 1),
		     plan_memlock_need(PLAN_NCPUS_UNKNOWN, 4096, 1));
	/* 64 KiB pages (aarch64, ppc64le): every object rounds up. */
	CHECK_EQ_U64(plan_memlock_need(4, 65536, 1), 6 * 64 * KIB + 2 * MIB);
	CHECK(plan_memlock_need(64, 4096, 1) > plan_memlock_need(4, 4096, 1));
}

static void test_plan_is_pure(void)
{
	static struct plan a, b;

	kernel("5.10.0-30-amd64", 5, 10, 0);
	no(&p.memcg_accounting, -EPERM);
	p.memlock_cur = p.memlock_max = 64 * KIB;
	iface("eth0", "virtio_net", 1500, -1);
	memset(&a, 0xaa, sizeof(a));
	memset(&b, 0x55, sizeof(b));
	plan_make(&p, &req_auto, &a);
	plan_make(&p, &req_auto, &b);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	plan_make(&p, NULL, &b); /* NULL request means auto/auto */
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

/* The selftest attaches the way the kernel can: XDP link on 5.9+, else
 * netlink; tcx on 6.6+, else clsact. The test run loads the linear program
 * (with CAP_PERFMON: test_without_cap_perfmon_the_frags_program_is_planned). */
static void test_check_attach_kinds_follow_the_kernel(void)
{
	kernel("6.6.0", 6, 6, 0);
	make(&req_auto);
	CHECK_EQ_INT(plan.selftest_attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.selftest_tc_attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.check_variant, VARIANT_LINEAR);
	CHECK_EQ_STR(plan_variant_prog(plan.check_variant), "xdpcount_linear");

	kernel("5.8.0-63-generic", 5, 8, 0);
	no(&p.link_xdp, -EINVAL);
	make(&req_auto);
	CHECK_EQ_INT(plan.selftest_attach, ATTACH_NETLINK);
	CHECK_EQ_INT(plan.selftest_tc_attach, ATTACH_NETLINK);
}

/* One name per variant, the ones the embedded object carries. */
static void test_variant_program_names(void)
{
	CHECK_EQ_STR(plan_variant_prog(VARIANT_LINEAR), "xdpcount_linear");
	CHECK_EQ_STR(plan_variant_prog(VARIANT_FRAGS), "xdpcount_frags");
	CHECK_EQ_STR(plan_variant_prog(VARIANT_TC), "xdpcount_tc");
}

/* Native refused: auto mode falls back to generic unless the kernel said no
 * to us (EPERM) or a program is in the way (EEXIST, EBUSY); strict native
 * and generic never fall back. */
static void test_native_fallback_only_for_native_refusals(void)
{
	static const struct plan_request want_native = { XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 };

	kernel("5.15.0", 5, 15, 0);
	iface("eth0", "ixgbe", 1500, -1);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan_may_fall_back(&plan.ifaces[0], -EOPNOTSUPP));
	CHECK(plan_may_fall_back(&plan.ifaces[0], -EINVAL));
	CHECK(plan_may_fall_back(&plan.ifaces[0], -ERANGE));
	CHECK(!plan_may_fall_back(&plan.ifaces[0], 0));
	CHECK(!plan_may_fall_back(&plan.ifaces[0], -EPERM));
	CHECK(!plan_may_fall_back(&plan.ifaces[0], -EEXIST));
	CHECK(!plan_may_fall_back(&plan.ifaces[0], -EBUSY));

	make(&want_native);
	CHECK(!plan_may_fall_back(&plan.ifaces[0], -EOPNOTSUPP));

	iface("lo", "", 65536, -1)->loopback = true; /* generic from the start */
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[1].mode, XDP_MODE_GENERIC);
	CHECK(!plan_may_fall_back(&plan.ifaces[1], -EOPNOTSUPP));
}

/* Each fact the table says the counter needs makes its absence
 * incompatible; each it wants, degraded at worst; and every row names a
 * distinct field, key and version. */
static void test_fact_table_drives_the_verdict(void)
{
	for (size_t i = 0; i < probe_n_facts; i++) {
		const struct fact_desc *d = &probe_facts[i];

		CHECK(d->key && d->key[0] && d->since && d->yes && d->no);
		for (size_t k = 0; k < i; k++) {
			CHECK(probe_facts[k].offset != d->offset);
			CHECK(strcmp(probe_facts[k].key, d->key) != 0);
		}
		if (d->offset == offsetof(struct probe, bpf_syscall))
			continue; /* without bpf() the rest is not probed */
		kernel("6.6.0", 6, 6, 0);
		iface("eth0", "ixgbe", 1500, -1);
		no(fact_at(&p, d), -EINVAL);
		make(&req_auto);
		if (d->need == FACT_NEEDED)
			CHECK_EQ_INT(plan.verdict, VERDICT_INCOMPATIBLE);
		else
			CHECK(plan.verdict != VERDICT_INCOMPATIBLE);
	}
}

/* --direction out|both: the tc egress hook, through tcx on 6.6+ and clsact
 * before (degraded, like tc ingress through clsact); receive planned as
 * before for both, not at all for out (a foreign XDP program does not
 * matter then). An xdpcount already counting transmit there refuses the
 * interface; a leftover of a killed clsact run is replaced; someone's
 * filter at our clsact egress place refuses clsact, not tcx. */
static void test_egress_is_planned_per_interface_with_reasons(void)
{
	static const struct plan_request out = { XDP_MODE_AUTO, ATTACH_AUTO, DIRECTION_OUT, 0 };
	static const struct plan_request both = { XDP_MODE_AUTO, ATTACH_AUTO, DIRECTION_BOTH, 0 };
	static const struct plan_request both_clsact = { XDP_MODE_AUTO, ATTACH_NETLINK,
							 DIRECTION_BOTH, 0 };
	struct probe_iface *it;

	kernel("6.12.0", 6, 12, 0);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	make(&req_auto);
	CHECK(plan.ifaces[0].rx && !plan.ifaces[0].tx);
	CHECK(!plan_uses_tc(&plan));
	make(&both);
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK(plan.ifaces[0].rx && plan.ifaces[0].tx);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.ifaces[0].tx_attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].tx_reason, "counts what it transmits at tc egress");
	CHECK_CONTAINS(plan.ifaces[0].tx_reason, "tcx (6.6+)");
	CHECK(plan_uses_tc(&plan));
	/* transmit only: the plan's hook is tc egress; a foreign XDP program
	 * on receive does not matter */
	it->drv.id = 12;
	snprintf(it->drv.name, sizeof(it->drv.name), "their_xdp");
	make(&out);
	CHECK(!plan.ifaces[0].refuse);
	CHECK(!plan.ifaces[0].rx && plan.ifaces[0].tx);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_EGRESS);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "at tc egress");
	it->drv.id = 0;
	/* another xdpcount counts transmit here through tcx */
	it->eg_tcx_prog.id = 90;
	it->eg_tcx_prog.ours = true;
	make(&both);
	CHECK(plan.ifaces[0].refuse && plan.ifaces[0].tx_refused);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "tc egress: an xdpcount tc program (tcx, program "
		       "id 90) is on egress already");
	memset(&it->eg_tcx_prog, 0, sizeof(it->eg_tcx_prog));
	/* a clsact leftover of a killed run: replaced first */
	yes(&it->clsact);
	it->eg_prog.id = 91;
	it->eg_prog.ours = true;
	it->eg_prog.holder_pid = 4343;
	make(&both_clsact);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].tx_attach, ATTACH_NETLINK);
	CHECK_EQ_INT(plan.ifaces[0].stale_tx_id, 91);
	CHECK_EQ_INT(plan.ifaces[0].stale_tx_pid, 4343);
	CHECK_EQ_INT(plan.ifaces[0].stale_tc_id, 0);
	CHECK_CONTAINS(plan.ifaces[0].tx_reason, "replaces our stale tc egress filter (program id 91)");
	/* while its xdpcount runs: refused, naming it */
	it->eg_prog.holder_alive = true;
	make(&both_clsact);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "is on egress already: xdpcount pid 4343 counts here");
	/* someone's filter at our egress place: clsact refused, tcx fine */
	it->eg_prog.ours = false;
	it->eg_prog.holder_alive = false;
	snprintf(it->eg_prog.name, sizeof(it->eg_prog.name), "their_cls");
	make(&both_clsact);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].reason, "on egress (program id 91 \"their_cls\") is not "
		       "xdpcount's");
	make(&both);
	CHECK(!plan.ifaces[0].refuse);
	memset(&it->eg_prog, 0, sizeof(it->eg_prog));
	/* 5.10: clsact, a degradation */
	kernel("5.10.0-30-amd64", 5, 10, 218);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	it->eg_filters = 2;
	yes(&it->clsact);
	make(&out);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "with someone else's filters, left alone");
	CHECK_CONTAINS(plan.reasons[0], "this kernel has no tcx (6.6+)");
	/* tcx asked for where there is none: refused, at egress */
	{
		static const struct plan_request out_link = { XDP_MODE_AUTO, ATTACH_LINK,
							      DIRECTION_OUT, 0 };

		make(&out_link);
		CHECK(plan.ifaces[0].refuse && plan.ifaces[0].tx_refused);
		CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_ATTACH);
		CHECK_CONTAINS(plan.ifaces[0].reason, "tc egress: tcx (bpf_link) attach requested");
	}
}

/* Sharing XDP with libxdp users (issue 21). A modern kernel with everything
 * libxdp's dispatcher needs: the plan says it can host one. */
static void test_dispatcher_possible_on_a_full_kernel(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	make(&req_auto);
	CHECK(plan.dispatcher_possible);
	CHECK_CONTAINS(plan.dispatcher_reason, "can host libxdp's dispatcher");
	/* by default XDP is held through a dispatcher of ours, at XDP, with
	 * the native-then-generic fallback of auto: libxdp users can join */
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[0].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].join_id, 0);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
	CHECK_CONTAINS(plan.ifaces[0].reason, "holds XDP through libxdp's dispatcher (version 2, "
		       "no libxdp here; netlink): libxdp 1.3-1.5 users join it");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "yes: xdpcount holds XDP through libxdp's "
		       "dispatcher (version 2");
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	CHECK_EQ_INT(plan.n_reasons, 0);

	/* our program alone, explicitly: link (or netlink); the reason says
	 * what leaving the option out would do */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_LINK, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "--attach link asked for our program alone "
		       "(without it, xdpcount holds XDP through libxdp's dispatcher)");
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "--mode tc leaves XDP free");
	CHECK_EQ_INT(plan.verdict, VERDICT_OK); /* blocking others does not degrade counting */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_NETLINK, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "--attach netlink asked for");

	/* --mode tc: XDP left free, no dispatcher */
	make(&(struct plan_request){ XDP_MODE_TC, ATTACH_AUTO, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK(plan.ifaces[0].attach != ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
}

/* A jumbo MTU needs the multi-buffer program, which no dispatcher slot can
 * be: auto holds XDP alone, saying why, and counting is not degraded. */
static void test_auto_jumbo_mtu_holds_xdp_alone(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ice", 9000, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	make(&req_auto);
	CHECK(plan.dispatcher_possible);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_FRAGS);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "MTU 9000 needs the multi-buffer program, which a "
		       "dispatcher slot cannot be: holds XDP alone (bpf_link)");
	CHECK(!strstr(plan.ifaces[0].reason, "--attach dispatcher"));
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "MTU 9000 needs the multi-buffer program");
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	/* asked for: the same, degraded */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach dispatcher asked for, but MTU 9000");
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
}

/* The version of a dispatcher we create follows the host: a libxdp
 * dispatcher running here, else the installed libxdp's soname, else 2;
 * --dispatcher-version wins. Each source is said. */
static void test_dispatcher_version_from_the_installed_libxdp(void)
{
	static const unsigned int minors[] = { 3, 5, 6, 7 };

	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		char want[128];

		kernel("6.12.48-amd64", 6, 12, 48);
		iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
		p.libxdp.probed = true;
		p.libxdp.lib_found = true;
		p.libxdp.lib_minor = minors[i];
		p.libxdp.lib_patch = 4;
		snprintf(p.libxdp.lib_path, sizeof(p.libxdp.lib_path),
			 "/usr/lib/x86_64-linux-gnu/libxdp.so.1.%u.4", minors[i]);
		make(&req_auto);
		CHECK_EQ_INT(plan.disp_version, minors[i] >= 6 ? 3 : 2);
		CHECK_EQ_INT(plan.disp_version_from, DISP_VERSION_LIBRARY);
		CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
		CHECK_EQ_INT(plan.ifaces[0].disp_version, minors[i] >= 6 ? 3 : 2);
		snprintf(want, sizeof(want), "(version %u, as the installed libxdp 1.%u.4; netlink)",
			 minors[i] >= 6 ? 3 : 2, minors[i]);
		CHECK_CONTAINS(plan.ifaces[0].reason, want);
		CHECK_CONTAINS(plan.ifaces[0].reason, minors[i] >= 6 ? "libxdp 1.6+ users join it"
								       : "libxdp 1.3-1.5 users join it");
		snprintf(want, sizeof(want), "the version the installed libxdp 1.%u.4 writes "
			 "(/usr/lib/x86_64-linux-gnu/libxdp.so.1.%u.4)", minors[i], minors[i]);
		CHECK_CONTAINS(plan.disp_version_reason, want);
	}
	/* --dispatcher-version overrides the library, for auto and dispatcher */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_AUTO, DIRECTION_IN, 2 });
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 2);
	CHECK_EQ_INT(plan.disp_version_from, DISP_VERSION_OPTION);
	CHECK_CONTAINS(plan.ifaces[0].reason, "(version 2, --dispatcher-version; netlink)");
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 2 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 2);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach dispatcher: holds XDP");
	/* --attach dispatcher without the version: the host's, as auto */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 3);
	CHECK_EQ_INT(plan.disp_version_from, DISP_VERSION_LIBRARY);
}

static void test_dispatcher_version_from_a_running_dispatcher(void)
{
	struct probe_iface *it;

	/* one in libxdp's bpffs (another interface) wins over the library */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	p.libxdp.probed = true;
	p.libxdp.lib_found = true;
	p.libxdp.lib_minor = 6;
	p.libxdp.disp_n[2] = 1;
	p.libxdp.disp_id[2] = 41;
	p.libxdp.disp_ifindex[2] = 9;
	make(&req_auto);
	CHECK_EQ_INT(plan.disp_version, 2);
	CHECK_EQ_INT(plan.disp_version_from, DISP_VERSION_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 2);
	CHECK_CONTAINS(plan.ifaces[0].reason, "(version 2, as libxdp's dispatcher id 41 here; "
		       "netlink)");
	CHECK_CONTAINS(plan.disp_version_reason, "as libxdp's dispatcher id 41 here (ifindex 9, its "
		       "state in libxdp's bpffs)");
	/* both generations running: the more common one, said */
	p.libxdp.disp_n[3] = 2;
	p.libxdp.disp_id[3] = 50;
	p.libxdp.disp_ifindex[3] = 10;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 3);
	CHECK_CONTAINS(plan.disp_version_reason, "dispatcher id 50");
	CHECK_CONTAINS(plan.disp_version_reason, "the more common version of the 1 of version 2 "
		       "and 2 of 3 running here");

	/* one on another interface of this run wins over the bpffs's */
	it = iface("eth1", "veth", 1500, XDPC_XDP_ACT_BASIC);
	it->skb.id = 35;
	snprintf(it->skb.name, sizeof(it->skb.name), "xdp_dispatcher");
	it->skb.dispatcher = true;
	it->skb.dispatcher_version = 2;
	it->skb.dispatcher_size_ok = true;
	it->skb.dispatcher_progs = 1;
	make(&req_auto);
	CHECK_EQ_INT(plan.disp_version, 2);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 2);
	CHECK_CONTAINS(plan.ifaces[0].reason, "(version 2, as libxdp's dispatcher id 35 on eth1; "
		       "netlink)");

	/* nothing on the host: 2, said */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	p.libxdp.probed = true;
	p.libxdp.disp_err = -EACCES;
	make(&req_auto);
	CHECK_EQ_INT(plan.disp_version, PLAN_DISPATCHER_VERSION);
	CHECK_EQ_INT(plan.disp_version_from, DISP_VERSION_DEFAULT);
	CHECK_CONTAINS(plan.disp_version_reason, "the default, as no libxdp dispatcher runs here "
		       "and no libxdp.so.1.N is installed");
	CHECK_CONTAINS(plan.disp_version_reason, "could not be read in its bpffs (EACCES)");
}

/* The plain path with least privilege: CAP_BPF + CAP_NET_ADMIN (+
 * CAP_PERFMON), no CAP_SYS_ADMIN: the extension probe is refused, auto
 * counts through a link, and the reason says why others cannot join. */
static void test_auto_without_cap_sys_admin_is_plain(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	p.cap_sys_admin = false;
	p.cap_perfmon = true;
	p.prog_type_ext.state = FACT_DENIED;
	p.prog_type_ext.err = -EPERM;
	make(&req_auto);
	CHECK(!plan.dispatcher_possible);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no: our program holds XDP alone");
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "was not allowed (EPERM)");
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	/* the extension allowed, but no CAP_SYS_ADMIN to read a dispatcher */
	yes(&p.prog_type_ext);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no CAP_SYS_ADMIN");
}

/* Each missing precondition: the dispatcher is impossible, and the reason of
 * the plan and of every XDP interface says which one and what it is. */
static void expect_no_dispatcher(const char *why)
{
	make(&req_auto);
	CHECK(!plan.dispatcher_possible);
	CHECK_CONTAINS(plan.dispatcher_reason, why);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no: our program holds XDP alone");
	CHECK_CONTAINS(plan.ifaces[0].share_reason, why);
	CHECK(plan.verdict != VERDICT_INCOMPATIBLE);
}

static void test_no_ext_says_other_xdp_users_cannot_join(void)
{
	kernel("5.4.0-150-generic", 5, 4, 0);
	iface("eth0", "ixgbe", 1500, -1);
	no(&p.prog_type_ext, -EINVAL);
	no(&p.freplace_link, -EINVAL);
	expect_no_dispatcher("no program extensions (freplace, BPF_PROG_TYPE_EXT, 5.6+)");
}

/* Debian's s390x 6.1 has no kernel BTF. */
static void test_no_kernel_btf_says_other_xdp_users_cannot_join(void)
{
	kernel("6.1.0-40-s390x", 6, 1, 0);
	snprintf(p.machine, sizeof(p.machine), "s390x");
	iface("eth0", "virtio_net", 1500, -1);
	no(&p.kernel_btf, -ENOENT);
	no(&p.prog_type_ext, -EINVAL);
	no(&p.freplace_link, -EINVAL);
	expect_no_dispatcher("no BTF of its own (/sys/kernel/btf/vmlinux");
}

/* 5.6 to 5.9: extensions load, but cannot be linked to a running dispatcher. */
static void test_pre_5_10_says_other_xdp_users_cannot_join(void)
{
	kernel("5.8.0-63-generic", 5, 8, 0);
	iface("eth0", "ixgbe", 1500, -1);
	no(&p.freplace_link, -EINVAL);
	expect_no_dispatcher("cannot link a program extension to a running dispatcher (5.10+)");
	CHECK_CONTAINS(plan.dispatcher_reason, "5.8.0-63-generic");
}

/* An arch without BPF trampolines: the link says ENOTSUPP. */
static void test_no_trampoline_says_other_xdp_users_cannot_join(void)
{
	kernel("6.12.48-armmp", 6, 12, 48);
	snprintf(p.machine, sizeof(p.machine), "armv7l");
	iface("eth0", "mvneta", 1500, -1);
	no(&p.freplace_link, -524);
	expect_no_dispatcher("on armv7l (ENOTSUPP: no BPF trampoline)");
}

static void test_unwritable_bpffs_says_other_xdp_users_cannot_join(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, -1);
	no(&p.bpffs_writable, -EROFS);
	expect_no_dispatcher("the bpffs is mounted read-only");
	no(&p.bpffs_writable, -EMEDIUMTYPE);
	expect_no_dispatcher("none is mounted where xdpcount looks");
	p.bpffs_writable.state = FACT_DENIED;
	p.bpffs_writable.err = -EACCES;
	expect_no_dispatcher("this process may not write it");
}

/* This host: all capabilities, and the kernel still says EPERM to an
 * extension; without CAP_PERFMON the same EPERM names the capability. */
static void test_ext_refused_says_kernel_or_capability(void)
{
	kernel("6.18.44-fc", 6, 18, 44);
	iface("eth0", "virtio_net", 1400, XDPC_XDP_ACT_BASIC);
	no(&p.prog_type_ext, -EPERM);
	no(&p.freplace_link, -EPERM);
	expect_no_dispatcher("this kernel refuses program extensions (freplace: EPERM with "
			     "CAP_BPF and CAP_PERFMON held)");
	p.prog_type_ext.state = FACT_DENIED;
	expect_no_dispatcher("needs CAP_BPF and CAP_PERFMON");
	p.prog_type_ext.state = FACT_UNKNOWN;
	p.prog_type_ext.err = -ECANCELED;
	expect_no_dispatcher("could not be told (not probed)");
}

/* Cilium, Katran, `ip link set xdp`: not libxdp's. tc behind it, never
 * replaced; libxdp users are locked out by it, not by us. */
static void test_foreign_non_libxdp_program_goes_tc_and_blocks_libxdp_itself(void)
{
	struct probe_iface *it;

	kernel("6.12.48-amd64", 6, 12, 48);
	it = iface("eth0", "mlx5_core", 1500, XDPC_XDP_ACT_BASIC);
	it->drv.id = 42;
	snprintf(it->drv.name, sizeof(it->drv.name), "cil_xdp_entry");
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "behind XDP program id 42 \"cil_xdp_entry\"");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "no, as before xdpcount: XDP program id 42 "
			"\"cil_xdp_entry\" is not a libxdp dispatcher");
}

static struct probe_iface *iface_with_dispatcher(unsigned int version, unsigned int size_ok,
						 unsigned int progs)
{
	struct probe_iface *it;

	kernel("6.12.48-amd64", 6, 12, 48);
	it = iface("eth0", "veth", 1500, XDPC_XDP_ACT_BASIC);
	it->skb.id = 35;
	snprintf(it->skb.name, sizeof(it->skb.name), "xdp_dispatcher");
	it->skb.dispatcher = true;
	it->skb.dispatcher_version = (uint8_t)version;
	it->skb.dispatcher_size_ok = size_ok;
	it->skb.dispatcher_progs = (uint8_t)progs;
	it->skb.dispatcher_state = true;
	return it;
}

/* libxdp's dispatcher (xdp-loader load) on a kernel that can: xdpcount
 * joins it at XDP, in its front slot, in the dispatcher's own mode and
 * version; never replaced, and XDP stays open to libxdp users. */
static void test_libxdp_dispatcher_is_joined_in_front(void)
{
	for (unsigned int v = 2; v <= 3; v++) {
		iface_with_dispatcher(v, true, 2);
		make(&req_auto);
		CHECK(probe_dispatcher_known(&p.ifaces[0].skb));
		CHECK(!plan.ifaces[0].refuse);
		CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
		CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
		CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_LINEAR);
		CHECK_EQ_INT(plan.ifaces[0].join_id, 35);
		CHECK_EQ_INT(plan.ifaces[0].disp_version, v);
		CHECK_CONTAINS(plan.ifaces[0].reason, v == 2 ?
			       "joins libxdp dispatcher id 35 (version 2, 2 programs, generic mode) "
			       "in its front slot (priority 0, chaining on XDP_PASS)" :
			       "joins libxdp dispatcher id 35 (version 3, 2 programs, generic mode) "
			       "in its front slot (priority 0, chaining on XDP_PASS)");
		CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
		CHECK_CONTAINS(plan.ifaces[0].share_reason, "libxdp users go on adding their "
			       "programs to it");
		CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	}
	/* --mode generic is the dispatcher's mode: joined */
	iface_with_dispatcher(3, true, 1);
	make(&(struct plan_request){ XDP_MODE_GENERIC, ATTACH_AUTO, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	/* --mode native asks for another mode: refused, never replaced */
	make(&(struct plan_request){ XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 });
	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_FOREIGN);
	CHECK_CONTAINS(plan.ifaces[0].reason, "which xdpcount cannot join: it runs in another mode");
	/* --attach link or netlink: not through a dispatcher, tc behind it */
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_LINK, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	/* a native dispatcher is joined in native mode */
	{
		struct probe_iface *it = iface_with_dispatcher(2, true, 1);

		it->drv = it->skb;
		memset(&it->skb, 0, sizeof(it->skb));
		make(&req_auto);
		CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
		CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
		CHECK_CONTAINS(plan.ifaces[0].reason, "native mode) in its front slot");
	}
}

/* Where the kernel (or the process) cannot take part in the protocol, a
 * libxdp dispatcher is counted behind at tc, and the reason says why it
 * was not joined. */
static void test_dispatcher_not_joined_where_the_kernel_cannot(void)
{
	iface_with_dispatcher(2, true, 2);
	no(&p.prog_type_ext, -EINVAL);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_CONTAINS(plan.ifaces[0].reason, "behind libxdp dispatcher id 35 (version 2, 2 "
		       "programs, generic mode)");
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount cannot join it: this kernel has no "
		       "program extensions");

	iface_with_dispatcher(3, true, 1);
	p.cap_sys_admin = false;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot join it: no CAP_SYS_ADMIN, which reading a "
		       "dispatcher by id needs");

	iface_with_dispatcher(3, true, 1);
	no(&p.kernel_btf, -ENOENT);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot join it: the kernel has no BTF of its own");

	/* every slot taken: nothing to join */
	iface_with_dispatcher(2, true, XDPC_DISPATCHER_SLOTS);
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot join it: all of its slots are taken");

	/* its state is in another bpffs than ours: its slots cannot be read */
	iface_with_dispatcher(2, true, 2)->disp.err = -ENOENT;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot join it: its slots are not pinned in our "
		       "bpffs");

	/* bound to the device (version 3's XDP hints) */
	iface_with_dispatcher(3, true, 1)->disp.devbound = true;
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "cannot join it: it is bound to the device");
}

/* A slot of ours left in a dispatcher by a killed xdpcount: the next run
 * removes exactly that slot first; one of a live xdpcount is refused. */
static void test_our_stale_dispatcher_slot_is_removed_first(void)
{
	struct probe_iface *it = iface_with_dispatcher(2, true, 2);

	it->disp.n = 2;
	it->disp.slot[0] = (struct probe_disp_slot){ .id = 61, .name = "xdpcount_linear",
						     .ours = true, .pid = 4242, .alive = false };
	it->disp.slot[1] = (struct probe_disp_slot){ .id = 62, .name = "xdp_drop", .prio = 50,
						     .actions = 1U << 2 };
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].stale_slot_id, 61);
	CHECK_EQ_INT(plan.ifaces[0].stale_slot_pid, 4242);
	CHECK_CONTAINS(plan.ifaces[0].reason, "removes our stale slot (program id 61) first");

	it->disp.slot[0].alive = true;
	make(&req_auto);
	CHECK(plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].refusal, REFUSE_OURS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount pid 4242 counts on it already (program id "
		       "61 in slot 0 of dispatcher id 35)");
}

/* --attach dispatcher on a free interface: xdpcount holds XDP through a
 * dispatcher of its own (version 2 unless asked), so libxdp users add
 * theirs; where the kernel cannot, our program alone as auto would, and the
 * reason says why others cannot join. */
static void test_attach_dispatcher_holds_the_hook_for_others(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(plan.ifaces[0].join_id, 0);
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 2);
	CHECK_CONTAINS(plan.ifaces[0].reason, "holds XDP through libxdp's dispatcher (version 2");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "libxdp users of that version (libxdp "
		       "1.3-1.5) add their programs beside ours");
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 3 });
	CHECK_EQ_INT(plan.ifaces[0].disp_version, 3);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "(libxdp 1.6+)");

	/* a kernel before 5.10: our program alone, as auto would, and the
	 * reason (and a degraded verdict) say that others cannot join */
	kernel("5.8.0-63-generic", 5, 8, 0);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	no(&p.freplace_link, -EINVAL);
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach dispatcher asked for, but this kernel "
		       "(5.8.0-63-generic) cannot link a program extension to a running dispatcher "
		       "(5.10+): holds XDP alone (bpf_link), so other XDP users cannot join ours");
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	/* no XDP links either: netlink, said the same way */
	no(&p.link_xdp, -EINVAL);
	make(&(struct plan_request){ XDP_MODE_AUTO, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_NETLINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "holds XDP alone (netlink)");

	/* a native MTU that needs the multi-buffer program: alone, and why */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 9000, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_NDO_XMIT_SG |
	      XDPC_XDP_ACT_RX_SG);
	make(&(struct plan_request){ XDP_MODE_NATIVE, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_FRAGS);
	CHECK_CONTAINS(plan.ifaces[0].reason, "MTU 9000 needs the multi-buffer program, which a "
		       "dispatcher slot cannot be");

	/* tc: --attach dispatcher does not change the tc hook's choice */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	make(&(struct plan_request){ XDP_MODE_TC, ATTACH_DISPATCHER, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
}

/* A dispatcher of a version we do not know (a future 4, a version 1 without
 * the magic, or a known version of the wrong size): tc, with the reason,
 * and never touched. */
static void test_unknown_dispatcher_version_is_never_touched(void)
{
	static const struct { unsigned int version, size_ok; const char *why; } cases[] = {
		{ 4, true, "version 4, which xdpcount does not know (it knows 2 and 3)" },
		{ 0, false, "no version magic (version 1, libxdp before 1.3)" },
		{ 3, false, "version 3, but its config is not that version's 128 bytes" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		iface_with_dispatcher(cases[i].version, cases[i].size_ok, 1);
		make(&req_auto);
		CHECK(!probe_dispatcher_known(&p.ifaces[0].skb));
		CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
		CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
		CHECK_CONTAINS(plan.ifaces[0].reason, "behind dispatcher id 35 of unknown version "
			       "(generic mode)");
		CHECK_CONTAINS(plan.ifaces[0].share_reason, "dispatcher id 35 stays on XDP, untouched");
		CHECK_CONTAINS(plan.ifaces[0].share_reason, cases[i].why);
		make(&(struct plan_request){ XDP_MODE_NATIVE, ATTACH_AUTO, DIRECTION_IN, 0 });
		CHECK(plan.ifaces[0].refuse);
		CHECK_CONTAINS(plan.ifaces[0].reason, "a version xdpcount does not know (2 and 3)");
	}
}

/* --mode tc never takes XDP: libxdp users attach freely. */
static void test_tc_mode_leaves_xdp_free(void)
{
	kernel("5.4.0-150-generic", 5, 4, 0);
	iface("eth0", "ixgbe", 1500, -1);
	no(&p.prog_type_ext, -EINVAL);
	make(&(struct plan_request){ XDP_MODE_TC, ATTACH_AUTO, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "leaves XDP free");
	CHECK(!plan.dispatcher_possible);
}

/* --attach shared (the shipped units' and DaemonSet's): never block another
 * XDP user. Where a dispatcher can be, XDP through ours, as auto. */
static const struct plan_request req_shared = { XDP_MODE_AUTO, ATTACH_SHARED, DIRECTION_IN, 0 };

static void test_attach_shared_holds_xdp_through_a_dispatcher_where_it_can(void)
{
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	make(&req_shared);
	CHECK(plan.dispatcher_possible);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_NATIVE);
	CHECK(plan.ifaces[0].fallback_generic);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].join_id, 0);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach shared: holds XDP through libxdp's "
		       "dispatcher (version 2");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "yes: xdpcount holds XDP through libxdp's "
		       "dispatcher");
	CHECK_EQ_INT(plan.verdict, VERDICT_OK);
	/* a libxdp dispatcher there is joined, as auto joins it */
	iface_with_dispatcher(3, true, 1);
	make(&req_shared);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
	CHECK_EQ_INT(plan.ifaces[0].join_id, 35);
	CHECK_CONTAINS(plan.ifaces[0].reason, "joins libxdp dispatcher id 35");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	/* --mode tc with it: tc, as asked */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	make(&(struct plan_request){ XDP_MODE_TC, ATTACH_SHARED, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_LINK);
	CHECK_CONTAINS(plan.ifaces[0].reason, "requested: counts what reaches tc");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	/* the parser refuses --mode native|generic with it; given here, the
	 * dispatcher runs in that mode, and tc where none can */
	make(&(struct plan_request){ XDP_MODE_GENERIC, ATTACH_SHARED, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].attach, ATTACH_DISPATCHER);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_GENERIC);
	no(&p.kernel_btf, -ENOENT);
	make(&(struct plan_request){ XDP_MODE_NATIVE, ATTACH_SHARED, DIRECTION_IN, 0 });
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
}

/* Where no dispatcher can be: tc ingress (tcx, or clsact before 6.6), never
 * our program alone; the reason says why, libxdp users can attach after us,
 * and the verdict is degraded as counting at tc is. */
static void expect_shared_at_tc(const char *why, enum attach_kind tc_attach)
{
	make(&req_shared);
	CHECK(!plan.dispatcher_possible);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_TC);
	CHECK_EQ_INT(plan.ifaces[0].attach, tc_attach);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach shared: counting at tc ingress so that "
		       "XDP stays free for libxdp users: ");
	CHECK_CONTAINS(plan.ifaces[0].reason, why);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "yes: xdpcount counts at tc ingress and "
		       "leaves XDP free (--attach shared");
	CHECK(plan_uses_tc(&plan));
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
	CHECK(reasons_have("eth0: counting at tc ingress so that XDP stays free for libxdp users "
			   "(--attach shared): "));
	CHECK(reasons_have(why));
	/* auto, on the same kernel, holds XDP alone */
	make(&req_auto);
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_BLOCKED);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "; --attach shared or --mode tc leaves XDP free");
}

static void test_attach_shared_counts_at_tc_where_no_dispatcher_can_be(void)
{
	/* no kernel BTF (Debian's s390x 6.1): clsact, no tcx before 6.6 */
	kernel("6.1.0-37-s390x", 6, 1, 140);
	iface("eth0", "virtio_net", 1500, XDPC_XDP_ACT_BASIC);
	no(&p.kernel_btf, -ENOENT);
	expect_shared_at_tc("the kernel has no BTF of its own", ATTACH_NETLINK);
	/* no program extensions (this host) */
	kernel("6.18.0", 6, 18, 0);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	no(&p.prog_type_ext, -EINVAL);
	expect_shared_at_tc("this kernel has no program extensions (freplace", ATTACH_LINK);
	/* no CAP_SYS_ADMIN: the extension refused, or a dispatcher unreadable */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	p.cap_sys_admin = false;
	p.cap_perfmon = true;
	p.prog_type_ext.state = FACT_DENIED;
	p.prog_type_ext.err = -EPERM;
	expect_shared_at_tc("loading a program extension (freplace) was not allowed (EPERM)",
			    ATTACH_LINK);
	yes(&p.prog_type_ext);
	expect_shared_at_tc("no CAP_SYS_ADMIN, which reading a dispatcher by id needs",
			    ATTACH_LINK);
	/* before 5.10 */
	kernel("5.8.0-63-generic", 5, 8, 0);
	iface("eth0", "ixgbe", 1500, XDPC_XDP_ACT_BASIC);
	expect_shared_at_tc("cannot link a program extension to a running dispatcher (5.10+)",
			    ATTACH_NETLINK);
	/* a native MTU that needs the multi-buffer program, which a slot
	 * cannot be: tc too, where auto holds XDP alone */
	kernel("6.12.48-amd64", 6, 12, 48);
	iface("eth0", "ice", 9000, XDPC_XDP_ACT_BASIC | XDPC_XDP_ACT_RX_SG);
	make(&req_shared);
	CHECK(plan.dispatcher_possible);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].variant, VARIANT_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "--attach shared: counting at tc ingress so that "
		       "XDP stays free for libxdp users: MTU 9000 needs the multi-buffer program, "
		       "which a dispatcher slot cannot be");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_EQ_INT(plan.verdict, VERDICT_DEGRADED);
}

/* Beside a program that is not libxdp's, or a dispatcher of a version we do
 * not know, or one we cannot join: tc behind it, untouched, as auto. */
static void test_attach_shared_beside_others_counts_at_tc(void)
{
	struct probe_iface *it;

	kernel("6.12.48-amd64", 6, 12, 48);
	it = iface("eth0", "mlx5_core", 1500, XDPC_XDP_ACT_BASIC);
	it->drv.id = 42;
	snprintf(it->drv.name, sizeof(it->drv.name), "cil_xdp_entry");
	make(&req_shared);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "behind XDP program id 42 \"cil_xdp_entry\" (native "
		       "mode), which stays");
	CHECK(!strstr(plan.ifaces[0].reason, "--attach shared"));
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_FOREIGN);

	iface_with_dispatcher(4, true, 1);
	make(&req_shared);
	CHECK(!plan.ifaces[0].refuse);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_EQ_INT(plan.ifaces[0].join_id, 0);
	CHECK_CONTAINS(plan.ifaces[0].reason, "behind dispatcher id 35 of unknown version");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
	CHECK_CONTAINS(plan.ifaces[0].share_reason, "dispatcher id 35 stays on XDP, untouched");

	iface_with_dispatcher(2, true, 2);
	no(&p.prog_type_ext, -EINVAL);
	make(&req_shared);
	CHECK_EQ_INT(plan.ifaces[0].mode, XDP_MODE_TC);
	CHECK_CONTAINS(plan.ifaces[0].reason, "xdpcount cannot join it: this kernel has no "
		       "program extensions");
	CHECK_EQ_INT(plan.ifaces[0].share, SHARE_YES);
}

/* Is s valid UTF-8 (no sequence cut in half)? */
static bool utf8_whole(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c;) {
		int n = *c < 0x80 ? 0 : (*c & 0xe0) == 0xc0 ? 1 : (*c & 0xf0) == 0xe0 ? 2
			: (*c & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0)
			return false;
		for (c++; n > 0; n--, c++)
			if ((*c & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* A reason that does not fit ends visibly with "…" (the plan cut them
 * silently with %.140s; %.110s), on a whole UTF-8 character; what fits is
 * kept byte for byte, and nothing is added after a cut. */
static void test_a_reason_that_does_not_fit_ends_with_an_ellipsis(void)
{
	char r[PLAN_REASON_LEN], small[16], word[300];

	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	reason_set(r, sizeof(r), "mode; %s", word);
	CHECK_EQ_INT(strlen(r), PLAN_REASON_LEN - 1);
	CHECK(reason_cut(r));
	CHECK(!strncmp(r, "mode; xxx", 9));
	CHECK(!strcmp(r + PLAN_REASON_LEN - 4, REASON_CUT));
	reason_cat(r, sizeof(r), "; more");
	CHECK(!strstr(r, "more"));
	/* what fits exactly is not cut */
	reason_set(small, sizeof(small), "%s", "fifteen chars..");
	CHECK_EQ_STR(small, "fifteen chars..");
	CHECK(!reason_cut(small));
	reason_cat(small, sizeof(small), "%s", "");
	CHECK_EQ_STR(small, "fifteen chars..");
	reason_cat(small, sizeof(small), "!");
	CHECK_EQ_STR(small, "fifteen char" REASON_CUT); /* 12 + 3 bytes and the NUL */
	/* appended parts: the first kept whole, the second ended visibly */
	reason_set(small, sizeof(small), "native");
	reason_cat(small, sizeof(small), "; %s", "bpf_link (5.9+)");
	CHECK_EQ_STR(small, "native; bpf_" REASON_CUT);
	/* never half a character: "é" is two bytes */
	for (size_t at = 0; at < 4; at++) {
		char s[40] = "";

		memset(s, 'a', at);
		strcat(s, "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9");
		reason_set(small, sizeof(small), "%s", s);
		CHECK(reason_cut(small));
		CHECK(utf8_whole(small));
	}
	/* a reason fits as before */
	reason_set(r, sizeof(r), "%s; %s", "generic mode requested", "netlink attach requested");
	CHECK_EQ_STR(r, "generic mode requested; netlink attach requested");
	CHECK(!reason_cut(r));
}

/* check's failed steps: the counter the plan runs failing is incompatible;
 * the tc program only where the plan counts at tc; the tc and egress
 * selftests, fallback paths and a direction asked for, degrade. */
static void test_check_failures_weigh_on_the_verdict_as_the_plan_says(void)
{
	static const struct plan_request tc = { XDP_MODE_TC, ATTACH_AUTO, DIRECTION_IN, 0 };

	kernel("6.6.0", 6, 6, 0);
	iface("eth0", "ixgbe", 1500, -1);
	make(&req_auto);
	CHECK(!plan_uses_tc(&plan));
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_LOAD), VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_TEST_RUN), VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_SELFTEST_XDP), VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_TC_TEST_RUN), VERDICT_DEGRADED);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_SELFTEST_TC), VERDICT_DEGRADED);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_SELFTEST_EGRESS), VERDICT_DEGRADED);
	make(&tc);
	CHECK(plan_uses_tc(&plan));
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_TC_TEST_RUN), VERDICT_INCOMPATIBLE);
	CHECK_EQ_INT(plan_check_failed(&plan, CHECK_STEP_SELFTEST_TC), VERDICT_DEGRADED);
}

/* A run keeps CAP_NET_ADMIN only to remove a netlink or clsact attachment
 * at exit, the bpf capabilities only where map reads need them, and never
 * one it did not hold. */
static void test_a_run_keeps_only_the_capabilities_it_needs(void)
{
	const uint64_t all = ~0ULL, na = 1ULL << CAP_NET_ADMIN, bpf = 1ULL << CAP_BPF,
		       sa = 1ULL << CAP_SYS_ADMIN;

	CHECK_EQ_U64(plan_caps_keep(all, false, false, false), 0);
	CHECK_EQ_U64(plan_caps_keep(all, true, false, false), na);
	CHECK_EQ_U64(plan_caps_keep(all, false, false, true), bpf | sa);
	CHECK_EQ_U64(plan_caps_keep(all, true, false, true), na | bpf | sa);
	CHECK_EQ_U64(plan_caps_keep(na | bpf, true, false, true), na | bpf); /* no CAP_SYS_ADMIN held */
	/* a dispatcher slot: leaving it needs all four, and CAP_DAC_OVERRIDE
	 * where held (a dynamic user in root's bpffs); only what is held */
	CHECK_EQ_U64(plan_caps_keep(all, false, true, false),
		     na | bpf | sa | 1ULL << CAP_PERFMON | 1ULL << CAP_DAC_OVERRIDE);
	CHECK_EQ_U64(plan_caps_keep(na | bpf, false, true, false), na | bpf);
	CHECK_EQ_U64(plan_caps_keep(bpf, true, false, false), 0);
}

int main(void)
{
	test_check_failures_weigh_on_the_verdict_as_the_plan_says();
	test_a_run_keeps_only_the_capabilities_it_needs();
	test_a_reason_that_does_not_fit_ends_with_an_ellipsis();
	test_egress_is_planned_per_interface_with_reasons();
	test_rhel8_4_18_runs_degraded_through_netlink();
	test_ubuntu_5_4_raises_soft_limit_without_cap_sys_resource();
	test_5_8_link_trap_uses_netlink();
	test_5_10_with_64k_memlock();
	test_5_15_native_with_fallback_and_link();
	test_6_1_s390x_without_btf_is_ok();
	test_debian_7_2_is_planned_like_6_12();
	test_6_6_xdp_features_decide_the_mode();
	test_jumbo_mtu_stays_native_with_frags();
	test_bpf_enosys_is_incompatible();
	test_unprivileged_is_incompatible_naming_capabilities();
	test_root_refused_by_a_filter_says_so();
	test_foreign_program_is_refused_with_id_and_name();
	test_foreign_xdp_sends_auto_to_tcx_on_6_6();
	test_foreign_xdp_without_tcx_uses_clsact_on_6_1();
	test_existing_clsact_with_a_filter_is_kept();
	test_tc_leftover_is_refused_and_foreign_slot_kept();
	test_loopback_goes_generic();
	test_without_cap_perfmon_the_frags_program_is_planned();
	test_user_namespace_root_is_told_why();
	test_jit_disabled_is_degraded();
	test_no_jit_in_the_kernel_is_degraded();
	test_too_many_reasons_are_summarised();
	test_memlock_need_formula();
	test_variant_per_interface_with_reasons();
	test_plan_is_pure();
	test_check_attach_kinds_follow_the_kernel();
	test_variant_program_names();
	test_native_fallback_only_for_native_refusals();
	test_fact_table_drives_the_verdict();
	test_dispatcher_possible_on_a_full_kernel();
	test_no_ext_says_other_xdp_users_cannot_join();
	test_auto_jumbo_mtu_holds_xdp_alone();
	test_dispatcher_version_from_the_installed_libxdp();
	test_dispatcher_version_from_a_running_dispatcher();
	test_auto_without_cap_sys_admin_is_plain();
	test_no_kernel_btf_says_other_xdp_users_cannot_join();
	test_pre_5_10_says_other_xdp_users_cannot_join();
	test_no_trampoline_says_other_xdp_users_cannot_join();
	test_unwritable_bpffs_says_other_xdp_users_cannot_join();
	test_ext_refused_says_kernel_or_capability();
	test_foreign_non_libxdp_program_goes_tc_and_blocks_libxdp_itself();
	test_libxdp_dispatcher_is_joined_in_front();
	test_dispatcher_not_joined_where_the_kernel_cannot();
	test_our_stale_dispatcher_slot_is_removed_first();
	test_attach_dispatcher_holds_the_hook_for_others();
	test_unknown_dispatcher_version_is_never_touched();
	test_tc_mode_leaves_xdp_free();
	test_attach_shared_holds_xdp_through_a_dispatcher_where_it_can();
	test_attach_shared_counts_at_tc_where_no_dispatcher_can_be();
	test_attach_shared_beside_others_counts_at_tc();
	CHECK_DONE();
}
