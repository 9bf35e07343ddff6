/* tc facts: does the kernel have tcx (6.6+), and per interface, is there a
 * clsact qdisc, which ingress (and egress) filters sit on it, and is one of
 * them a leftover of ours. Read-only: nothing is created, nothing attached. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/stats.h"
#include "probe/probe.h"
#include "probe/internal.h"
#include "probe/nl.h"
#include "probe/sys.h"

/* tcx: 6.6, e420bed02507 "bpf: Add fd-based tcx multi-prog infra with link
 * support". BPF_PROG_QUERY of attach type BPF_TCX_INGRESS on lo: with tcx it
 * answers (0, no programs), before it the attach type is unknown and
 * bpf_prog_query() says EINVAL. Nothing is created or attached. The query
 * itself needs CAP_NET_ADMIN (EPERM without). */
void probe_fact_tcx(struct probe *p, struct fact *f, struct probe_run *run)
{
	union bpf_attr attr;
	unsigned int lo = if_nametoindex("lo");

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = lo ? lo : 1; /* target_ifindex in newer UAPI */
	attr.query.attach_type = XDPC_BPF_TCX_INGRESS;
	fact_from_err(f, probe_sys_bpf(BPF_PROG_QUERY, &attr), EINVAL);
}

struct tc_req {
	struct nlmsghdr nh;
	struct tcmsg tc;
};

/* The TCA_KIND attribute of one RTM_NEWQDISC/RTM_NEWTFILTER message. */
static const char *tc_kind(const struct nlmsghdr *nh, const struct tcmsg *t)
{
	const struct rtattr *a = (const struct rtattr *)((const char *)t + NLMSG_ALIGN(sizeof(*t)));
	int len = (int)nh->nlmsg_len - NLMSG_LENGTH(sizeof(*t));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == TCA_KIND && RTA_PAYLOAD(a) > 0 &&
		    ((const char *)RTA_DATA(a))[RTA_PAYLOAD(a) - 1] == '\0')
			return RTA_DATA(a);
	return "";
}

struct tc_dump {
	probe_tc_fn fn;
	void *ctx;
	int ifindex;
};

/* One message of a dump: a tcmsg of our interface goes to the caller's fn. */
static int tc_msg(void *ctx, const struct nlmsghdr *nh)
{
	const struct tc_dump *d = ctx;
	const struct tcmsg *t = NLMSG_DATA(nh);

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*t)) || (d->ifindex && t->tcm_ifindex != d->ifindex))
		return 0;
	return d->fn(d->ctx, t, tc_kind(nh, t));
}

/* One RTM_GET* dump. ifindex 0: every interface's messages reach fn (the
 * kernel does not filter qdisc dumps by interface). */
int probe_tc_dump(int type, int ifindex, uint32_t parent, probe_tc_fn fn, void *ctx)
{
	struct tc_dump dump = { fn, ctx, ifindex };
	struct nl_answer answer = { .fn = tc_msg, .ctx = &dump };
	struct tc_req req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.tc));
	req.nh.nlmsg_type = (__u16)type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.tc.tcm_family = AF_UNSPEC;
	req.tc.tcm_ifindex = ifindex;
	req.tc.tcm_parent = parent;
	return nl_request(NETLINK_ROUTE, &req, req.nh.nlmsg_len, &answer);
}

struct clsact_each {
	probe_clsact_fn fn;
	void *ctx;
};

static int clsact_msg(void *ctx, const struct tcmsg *t, const char *kind)
{
	const struct clsact_each *c = ctx;

	/* clsact, or the older ingress qdisc: both own the ffff: handle */
	if (t->tcm_handle == TC_H_MAKE(TC_H_CLSACT, 0) &&
	    (!strcmp(kind, "clsact") || !strcmp(kind, "ingress")))
		c->fn(c->ctx, t->tcm_ifindex, kind);
	return 0;
}

int probe_clsact_each(int ifindex, probe_clsact_fn fn, void *ctx)
{
	struct clsact_each c = { fn, ctx };

	return probe_tc_dump(RTM_GETQDISC, ifindex, 0, clsact_msg, &c);
}

static void qdisc_seen(void *ctx, int ifindex, const char *kind)
{
	struct probe *p = ctx;

	for (unsigned int i = 0; i < p->n_ifaces; i++) {
		struct probe_iface *it = &p->ifaces[i];

		if (it->ifindex != ifindex)
			continue;
		it->clsact.state = FACT_YES;
		snprintf(it->clsact_kind, sizeof(it->clsact_kind), "%s", kind);
	}
}

/* One tc hook's facts of an interface: ingress or egress. */
struct hook_facts {
	unsigned int *filters;         /* someone's filters on clsact */
	struct probe_xdp_prog *filter; /* the program at our place */
	struct probe_xdp_prog *tcx;    /* the first xdpcount tcx program */
	unsigned int *tcx_progs;
	bool egress;
};

static struct hook_facts facts_of(struct probe_iface *it, bool egress)
{
	struct hook_facts f = { &it->tc_filters, &it->tc_prog, &it->tcx_prog, &it->tcx_progs,
				false };

	if (egress)
		f = (struct hook_facts){ &it->eg_filters, &it->eg_prog, &it->eg_tcx_prog,
					 &it->eg_tcx_progs, true };
	return f;
}

static int filter_seen(void *ctx, const struct tcmsg *t, const char *kind)
{
	unsigned int *filters = ctx;

	if (!t->tcm_handle)
		return 0; /* the chain's head, not a filter */
	if (t->tcm_handle == XDPCOUNT_TC_HANDLE &&
	    TC_H_MAJ(t->tcm_info) >> 16 == XDPCOUNT_TC_PRIO && !strcmp(kind, "bpf"))
		return 0; /* ours (or at our place): probe_tc_ours() looks at it */
	(*filters)++;
	return 0;
}

static void prog_facts(struct probe_xdp_prog *x, __u32 id)
{
	x->id = id;
	if (prog_name_by_id(id, x->name, NULL) == 0)
		x->ours = prog_name_ours(x->name);
}

/* The programs on tcx ingress or egress (6.6+; nothing to find before). */
static void probe_tcx_progs(const struct probe_iface *it, const struct hook_facts *f)
{
	__u32 ids[64];
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = 64);

	if (!it->ifindex ||
	    bpf_prog_query_opts(it->ifindex, f->egress ? XDPC_BPF_TCX_EGRESS : XDPC_BPF_TCX_INGRESS,
				&q))
		return;
	*f->tcx_progs = q.count;
	for (__u32 i = 0; i < q.count && i < 64; i++) {
		struct probe_xdp_prog x;

		memset(&x, 0, sizeof(x));
		prog_facts(&x, ids[i]);
		if (x.ours) {
			*f->tcx = x;
			return;
		}
	}
}

int probe_tc_our_filter(int ifindex, bool egress, uint32_t *prog_id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XDPCOUNT_TC_HANDLE, .priority = XDPCOUNT_TC_PRIO);
	int err = bpf_tc_query(&hook, &opts);

	*prog_id = err ? 0 : opts.prog_id;
	return err;
}

/* The program of the cls_bpf filter at our handle and priority, if any. */
static void probe_tc_ours(struct probe_iface *it, const struct hook_facts *f)
{
	uint32_t id;

	if (probe_tc_our_filter(it->ifindex, f->egress, &id) || !id)
		return;
	/* a clsact filter outlives its xdpcount: who holds it decides */
	probe_prog_owner(f->filter, id, it->ifindex);
}

/* The filters on one hook of a clsact qdisc, and our place among them. */
static void probe_tc_filters(struct probe_iface *it, const struct hook_facts *f)
{
	int err = probe_tc_dump(RTM_GETTFILTER, it->ifindex,
				TC_H_MAKE(TC_H_CLSACT,
					  f->egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS),
				filter_seen, f->filters);

	if (err) {
		it->clsact.err = err; /* present; its filters unknown */
		return;
	}
	probe_tc_ours(it, f);
}

/* Forgets what an earlier probe found on one hook, and asks tcx. */
static void probe_tc_hook(struct probe_iface *it, bool egress)
{
	struct hook_facts f = facts_of(it, egress);

	*f.filters = 0;
	memset(f.filter, 0, sizeof(*f.filter));
	memset(f.tcx, 0, sizeof(*f.tcx));
	*f.tcx_progs = 0;
	probe_tcx_progs(it, &f);
}

void probe_tc_ifaces(struct probe *p, bool egress)
{
	unsigned int i;
	int err;

	for (i = 0; i < p->n_ifaces; i++) {
		p->ifaces[i].clsact.state = FACT_NO;
		p->ifaces[i].clsact.err = 0;
		probe_tc_hook(&p->ifaces[i], false);
		if (egress)
			probe_tc_hook(&p->ifaces[i], true);
	}
	/* One dump for all of them: the kernel sends every interface's
	 * qdiscs whatever the request names. */
	err = probe_clsact_each(0, qdisc_seen, p);
	for (i = 0; i < p->n_ifaces; i++) {
		struct probe_iface *it = &p->ifaces[i];

		if (err) {
			it->clsact.state = FACT_UNKNOWN;
			it->clsact.err = err;
		} else if (it->clsact.state == FACT_YES && it->ifindex) {
			struct hook_facts in = facts_of(it, false), out = facts_of(it, true);

			probe_tc_filters(it, &in);
			if (egress)
				probe_tc_filters(it, &out);
		}
	}
}
