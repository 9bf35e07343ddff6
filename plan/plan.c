/* plan_make(): from what the kernel can do and what the operator asked for
 * to decisions with reasons. Pure: no syscalls, no state; the probe results
 * come in as a plain struct, so tests feed it fake kernels.
 *
 * Verdict rules:
 *  incompatible  bpf() missing or not allowed, no XDP program type, a map
 *                type of the counter missing, no CAP_NET_ADMIN to attach,
 *                RLIMIT_MEMLOCK impossible, or every interface refused;
 *  degraded      it runs, but worse than it could: generic mode forced by
 *                the kernel or the driver (generic asked for with -m generic
 *                is not degraded: that is what the operator wanted), netlink
 *                attach because XDP links are missing (--attach netlink
 *                asked for is not), the JIT disabled, or some (not all)
 *                interfaces refused;
 *  ok            otherwise. Raising RLIMIT_MEMLOCK is an action, not a
 *                degradation, and a kernel without BTF is ok (no CO-RE). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf/stats.h"
#include "plan/internal.h"
#include "probe/facts.h"

static bool kver_known(const struct probe *p)
{
	return p->kver_major != 0;
}

static bool kver_before(const struct probe *p, unsigned int maj,
			unsigned int min)
{
	return kver_known(p) && (p->kver_major < maj ||
				 (p->kver_major == maj && p->kver_minor < min));
}

static const struct fact *first_denied(const struct probe *p)
{
	for (size_t i = 0; i < probe_n_facts; i++) {
		const struct fact *f = fact_of(p, &probe_facts[i]);

		if (probe_facts[i].flags & FACT_DENIABLE && f->state == FACT_DENIED)
			return f;
	}
	return NULL;
}

/* bpf() refused: name what is missing. Never blames RLIMIT_MEMLOCK for an
 * unprivileged caller; with the capabilities held, the refusal comes from a
 * filter (or, before 5.11, possibly from the limit). */
static void privilege_reason(const struct probe *p, const struct fact *f,
			     struct verdict_acc *acc)
{
	char eb[24], extra[96] = "";
	const char *e = plan_errno_name(f->err, eb, sizeof(eb));
	/* XDP is a "net admin" program type: CAP_BPF alone cannot load it
	 * (5.8+: CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN). */
	bool held = p->caps_known &&
		    (p->cap_sys_admin || (p->cap_bpf && p->cap_net_admin));

	acc_cause(acc, VERDICT_INCOMPATIBLE, f->err);

	if (p->in_user_ns && p->caps_known && (p->cap_sys_admin || p->cap_bpf)) {
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"bpf() is not allowed (%s): this process holds its capabilities only "
			"inside a user namespace, and bpf() and XDP need CAP_BPF and "
			"CAP_NET_ADMIN in the initial user namespace; run it outside the user "
			"namespace with those capabilities", e);
		return;
	}
	if (held) {
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"bpf() is refused (%s) although this process holds %s: "
			"a seccomp filter or an LSM (SELinux, AppArmor, lockdown) "
			"blocks it%s", e,
			p->cap_sys_admin ? "CAP_SYS_ADMIN" : "CAP_BPF and CAP_NET_ADMIN",
			kver_before(p, 5, 11) ?
			", or RLIMIT_MEMLOCK is too low (kernels before 5.11 charge BPF memory to it)" : "");
		return;
	}
	if (p->unprivileged_bpf_disabled > 0)
		reason_set(extra, sizeof(extra),
			   "; kernel.unprivileged_bpf_disabled=%d forbids bpf() "
			   "to unprivileged users", p->unprivileged_bpf_disabled);
	acc_add(acc, VERDICT_INCOMPATIBLE,
		"bpf() is not allowed (%s): missing %s; %s%s", e,
		kver_before(p, 5, 8) ?
		"CAP_SYS_ADMIN and CAP_NET_ADMIN (CAP_BPF needs 5.8+)" :
		p->caps_known && p->cap_bpf ?
		"CAP_NET_ADMIN (CAP_BPF alone cannot load XDP programs)" :
		p->caps_known && p->cap_net_admin ?
		"CAP_BPF (CAP_NET_ADMIN is held)" :
		"CAP_BPF and CAP_NET_ADMIN (or CAP_SYS_ADMIN)",
		p->euid_root ? "this root lacks them (a container or a capability bounding set "
		"took them): grant them" : "run as root, or grant them", extra);
}

static void plan_kernel(const struct probe *p, struct verdict_acc *acc)
{
	const struct fact *denied = first_denied(p);
	char eb[24];

	if (p->bpf_syscall.state == FACT_NO) {
		acc_cause(acc, VERDICT_INCOMPATIBLE, p->bpf_syscall.err ? p->bpf_syscall.err : -ENOSYS);
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"the kernel has no bpf() syscall (%s): built without "
			"CONFIG_BPF_SYSCALL, or an emulator or seccomp filter "
			"hides it",
			plan_errno_name(p->bpf_syscall.err ? p->bpf_syscall.err : -ENOSYS,
					eb, sizeof(eb)));
		return;
	}
	if (p->bpf_syscall.state == FACT_UNKNOWN && p->bpf_syscall.err) {
		/* Not even a one-slot array map: nothing else will load. */
		acc_cause(acc, VERDICT_INCOMPATIBLE, p->bpf_syscall.err);
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"bpf() fails (%s): not even a one-slot array map can be "
			"created",
			plan_errno_name(p->bpf_syscall.err, eb, sizeof(eb)));
		return;
	}
	if (denied)
		privilege_reason(p, denied, acc);
	if (p->prog_type_xdp.state == FACT_NO)
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"the kernel has no XDP program type (BPF_PROG_TYPE_XDP, "
			"4.8+): %s",
			plan_errno_name(p->prog_type_xdp.err, eb, sizeof(eb)));
	if (p->map_percpu_array.state == FACT_NO)
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"the kernel has no per-CPU array maps "
			"(BPF_MAP_TYPE_PERCPU_ARRAY, 4.6+), which the counter uses");
	/* Loading works but attaching (RTM_SETLINK, bpf_link) needs
	 * CAP_NET_ADMIN: say so now rather than at attach time. */
	if (!denied && p->caps_known && p->prog_type_xdp.state == FACT_YES &&
	    !p->cap_net_admin && !p->cap_sys_admin) {
		acc_cause(acc, VERDICT_INCOMPATIBLE, -EPERM);
		acc_add(acc, VERDICT_INCOMPATIBLE,
			"attaching XDP programs needs CAP_NET_ADMIN, which this "
			"process lacks; %s", p->euid_root ? "this root lacks it (a container or a "
			"capability bounding set took it): grant it" : "run as root, or grant it");
	}
	if (p->jit.state == FACT_NO)
		acc_add(acc, VERDICT_DEGRADED,
			p->jit.err == -EOPNOTSUPP
				? "BPF programs load without JITed code here (this kernel "
				  "has no BPF JIT, or net.core.bpf_jit_enable=0, which only "
				  "the initial network namespace shows): the counter runs "
				  "interpreted, several times slower"
				: "the BPF JIT is disabled (net.core.bpf_jit_enable=0): "
				  "the counter runs interpreted, several times slower");
}

static void plan_variant(const struct probe *p, struct plan *plan)
{
	char eb[24];

	plan->frags_available = p->xdp_frags.state == FACT_YES;
	if (plan->frags_available)
		reason_set(plan->variant_reason, PLAN_REASON_LEN,
			   "kernel supports XDP multi-buffer (5.18+): the frags "
			   "program where a native MTU does not fit one page, the "
			   "cheaper linear one elsewhere");
	else if (p->xdp_frags.err == -ECANCELED)
		reason_set(plan->variant_reason, PLAN_REASON_LEN,
			   "XDP multi-buffer not asked for (no MTU here needs it): the "
			   "linear program everywhere");
	else if (p->xdp_frags.state == FACT_NO)
		reason_set(plan->variant_reason, PLAN_REASON_LEN,
			   "kernel lacks XDP multi-buffer (BPF_F_XDP_HAS_FRAGS, "
			   "5.18+): the linear program everywhere; jumbo MTUs "
			   "count in generic mode");
	else
		reason_set(plan->variant_reason, PLAN_REASON_LEN,
			   "XDP multi-buffer support unknown (%s): the linear "
			   "program everywhere; jumbo MTUs count in generic mode",
			   plan_errno_name(p->xdp_frags.err, eb, sizeof(eb)));
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

uint64_t plan_memlock_need(unsigned int ncpus, unsigned int page_size,
			   unsigned int instances)
{
	uint64_t page = page_size ? page_size : 4096;
	uint64_t cpus = ncpus ? ncpus : PLAN_NCPUS_UNKNOWN;
	uint64_t slots = XDPCOUNT_MAX_SLOTS;
	uint64_t n = instances ? instances : 1;
	uint64_t stats_map, per_instance;

	stats_map = round_up(1024 + slots * 8 + slots * 16 * cpus, page);
	per_instance = 4 * page + page;
	return stats_map + n * per_instance + PLAN_MEMLOCK_MARGIN;
}

/* "64 KiB", or "unlimited". Whole KiB: `ulimit -l` speaks KiB too. */
static const char *kib(uint64_t bytes, char *buf, size_t len)
{
	if (bytes == UINT64_MAX)
		return "unlimited";
	reason_set(buf, len, "%llu KiB",
		   (unsigned long long)((bytes + 1023) / 1024));
	return buf;
}

static void plan_memlock(const struct probe *p, const struct plan_request *req,
			 struct plan *plan, struct verdict_acc *acc)
{
	/* one instance per interface and direction, and check's: XDP and tc
	 * on loopback for the test runs, XDP, tc and tc egress on the
	 * selftest's veth */
	unsigned int dirs = plan_counts_rx(req->direction) + plan_counts_tx(req->direction);
	/* and where XDP is held through libxdp's dispatcher, its program and
	 * config map beside our extension: one more per interface */
	bool disp = plan->dispatcher_possible && plan_counts_rx(req->direction) &&
		    req->mode != XDP_MODE_TC &&
		    (req->attach == ATTACH_AUTO || req->attach == ATTACH_DISPATCHER ||
		     req->attach == ATTACH_SHARED);
	uint64_t need = plan_memlock_need(p->ncpus, p->page_size,
					  p->n_ifaces * (dirs + (disp ? 1 : 0)) + 5);
	char b1[32], b2[32], b3[32], eb[24];

	plan->memlock = MEMLOCK_NONE;
	plan->memlock_bytes = need;
	if (p->memcg_accounting.state == FACT_YES) {
		reason_set(plan->memlock_reason, PLAN_REASON_LEN,
			   "BPF memory is charged to the memory cgroup (5.11+): "
			   "RLIMIT_MEMLOCK does not matter");
		return;
	}
	if (p->memcg_accounting.state != FACT_NO) {
		/* Unknown (bpf() unusable, say): claim nothing. */
		reason_set(plan->memlock_reason, PLAN_REASON_LEN,
			   "BPF memory accounting unknown (%s): RLIMIT_MEMLOCK "
			   "left as it is",
			   plan_errno_name(p->memcg_accounting.err, eb, sizeof(eb)));
		return;
	}
	/* Through libxdp's dispatcher the hook is shared: each rebuild (when
	 * xdpcount comes or goes, and when a libxdp user adds a program) loads a
	 * program and a map, checked against the uid's total locked memory,
	 * which the other libxdp users' programs and maps fill (xdp-filter's
	 * tables, more than any margin): unlimited, as libxdp itself sets it,
	 * where this process may. (The 5.10 guests: removing our slot beside
	 * xdp-filter was EPERM under the computed need.) */
	if (disp && p->memlock_cur != UINT64_MAX &&
	    (p->memlock_max == UINT64_MAX || (p->caps_known && p->cap_sys_resource))) {
		plan->memlock = MEMLOCK_RAISE;
		plan->memlock_bytes = UINT64_MAX;
		reason_set(plan->memlock_reason, PLAN_REASON_LEN,
			   "the kernel charges BPF memory to RLIMIT_MEMLOCK (before 5.11), and "
			   "libxdp's dispatcher is shared with libxdp users whose programs and maps "
			   "count too: raising it from %s to unlimited, as libxdp does%s",
			   kib(p->memlock_cur, b1, sizeof(b1)), p->memlock_max == UINT64_MAX ? "" :
			   " (hard limit too, with CAP_SYS_RESOURCE)");
		return;
	}
	if (p->memlock_cur >= need) {
		reason_set(plan->memlock_reason, PLAN_REASON_LEN,
			   "the kernel charges BPF memory to RLIMIT_MEMLOCK (before "
			   "5.11); the limit %s covers the %s needed",
			   kib(p->memlock_cur, b1, sizeof(b1)),
			   kib(need, b2, sizeof(b2)));
		return;
	}
	if (p->memlock_max >= need || (p->caps_known && p->cap_sys_resource)) {
		plan->memlock = MEMLOCK_RAISE;
		reason_set(plan->memlock_reason, PLAN_REASON_LEN,
			   "the kernel charges BPF memory to RLIMIT_MEMLOCK (before "
			   "5.11): raising it from %s to %s%s",
			   kib(p->memlock_cur, b1, sizeof(b1)),
			   kib(need, b2, sizeof(b2)),
			   p->memlock_max >= need ? "" :
			   " (hard limit too, with CAP_SYS_RESOURCE)");
		return;
	}
	plan->memlock = MEMLOCK_IMPOSSIBLE;
	reason_set(plan->memlock_reason, PLAN_REASON_LEN,
		   "RLIMIT_MEMLOCK too low: need %s, have %s (hard %s), "
		   "no CAP_SYS_RESOURCE; fix: run as root with CAP_SYS_RESOURCE, "
		   "`ulimit -l %llu`, or systemd LimitMEMLOCK=%lluK",
		   kib(need, b1, sizeof(b1)), kib(p->memlock_cur, b2, sizeof(b2)),
		   kib(p->memlock_max, b3, sizeof(b3)),
		   (unsigned long long)((need + 1023) / 1024),
		   (unsigned long long)((need + 1023) / 1024));
	acc_add(acc, VERDICT_INCOMPATIBLE, "%s", plan->memlock_reason);
}

static void plan_verdict(struct plan *plan, const struct verdict_acc *acc)
{
	enum verdict v = VERDICT_OK;
	unsigned int i, n, total;

	if (acc->n[VERDICT_INCOMPATIBLE])
		v = VERDICT_INCOMPATIBLE;
	else if (acc->n[VERDICT_DEGRADED])
		v = VERDICT_DEGRADED;
	plan->verdict = v;
	plan->verdict_err = acc->err[v];
	total = acc->n[v] + acc->dropped[v];
	n = acc->n[v] < PLAN_MAX_REASONS ? acc->n[v] : PLAN_MAX_REASONS;
	for (i = 0; i < n; i++)
		memcpy(plan->reasons[i], acc->r[v][i], PLAN_REASON_LEN);
	if (total > PLAN_MAX_REASONS)
		reason_set(plan->reasons[PLAN_MAX_REASONS - 1], PLAN_REASON_LEN,
			   "... and %u more", total - (PLAN_MAX_REASONS - 1));
	plan->n_reasons = n;
}

enum verdict plan_check_failed(const struct plan *plan, enum check_step step)
{
	switch (step) {
	case CHECK_STEP_TC_TEST_RUN: /* the tc path is a fallback, unless the plan counts there */
		return plan_uses_tc(plan) ? VERDICT_INCOMPATIBLE : VERDICT_DEGRADED;
	case CHECK_STEP_SELFTEST_TC: /* the fallback path: it does not forbid XDP */
	case CHECK_STEP_SELFTEST_EGRESS: /* transmit is counted only when asked for */
		return VERDICT_DEGRADED;
	case CHECK_STEP_LOAD:
	case CHECK_STEP_TEST_RUN:
	case CHECK_STEP_SELFTEST_XDP:
		break;
	}
	return VERDICT_INCOMPATIBLE;
}

uint64_t plan_caps_keep(uint64_t permitted, bool netlink, bool dispatcher,
			bool bpf_reads_need_caps)
{
	uint64_t keep = netlink ? 1ULL << CAP_NET_ADMIN : 0;

	if (dispatcher)
		keep |= 1ULL << CAP_NET_ADMIN | 1ULL << CAP_SYS_ADMIN | 1ULL << CAP_BPF |
			1ULL << CAP_PERFMON | 1ULL << CAP_DAC_OVERRIDE;
	if (bpf_reads_need_caps)
		keep |= 1ULL << CAP_BPF | 1ULL << CAP_SYS_ADMIN;
	return keep & permitted;
}

static void plan_check(const struct probe *probe, struct plan *plan)
{
	/* linear loads on every kernel, but without CAP_PERFMON the verifier
	 * refuses it, and a run loads the frags program there (plan/ifaces.c) */
	plan->check_variant = !verifier_allows_ptr_math(probe) && plan->frags_available
				      ? VARIANT_FRAGS : VARIANT_LINEAR;
	plan->selftest_attach = probe->link_xdp.state == FACT_YES ? ATTACH_LINK : ATTACH_NETLINK;
	plan->selftest_tc_attach = probe->tcx.state == FACT_YES ? ATTACH_LINK : ATTACH_NETLINK;
}

bool plan_may_fall_back(const struct plan_iface *pi, int err)
{
	return err && pi->mode == XDP_MODE_NATIVE && pi->fallback_generic && err != -EPERM &&
	       err != -EEXIST && err != -EBUSY;
}

void plan_make(const struct probe *probe, const struct plan_request *req,
	       struct plan *plan)
{
	static const struct plan_request defaults;
	struct verdict_acc acc;

	memset(plan, 0, sizeof(*plan));
	memset(&acc, 0, sizeof(acc));
	if (!req)
		req = &defaults;
	plan_kernel(probe, &acc);
	plan_variant(probe, plan);
	plan_dispatcher(probe, plan);
	plan_memlock(probe, req, plan, &acc);
	plan_dispatcher_version(probe, req, plan);
	plan_ifaces(probe, req, plan, &acc);
	plan_share(probe, req, plan);
	plan_check(probe, plan);
	plan_verdict(plan, &acc);
}
