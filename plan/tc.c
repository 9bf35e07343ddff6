/* The tc half of the per-interface plan: counting at tc ingress, behind a
 * foreign XDP program (auto) or because --mode tc asked for it, and at tc
 * egress (--direction out|both), through tcx or a clsact qdisc with a
 * cls_bpf filter. Pure. */
#include <stdio.h>
#include <string.h>

#include "bpf/stats.h"
#include "plan/internal.h"

/* The tc attach: tcx (a bpf_link, 6.6+) where the kernel has it, else a
 * clsact qdisc with a cls_bpf filter (every kernel of our range). For tc,
 * --attach link means tcx and --attach netlink means clsact. Returns true
 * when clsact was chosen for want of tcx (a degradation). */
static bool decide_tc_attach(const struct probe *p, const struct plan_request *req,
			     const struct probe_iface *it, unsigned int filters,
			     enum attach_kind *attach, struct plan_iface *pi, char *why, size_t len)
{
	char qdisc[120] = "";
	/* a dispatcher is XDP's: at tc, --attach dispatcher (or shared)
	 * chooses as auto */
	struct plan_request r = *req;

	if (r.attach == ATTACH_DISPATCHER || r.attach == ATTACH_SHARED)
		r.attach = ATTACH_AUTO;
	req = &r;
	if (it->clsact.state == FACT_YES)
		reason_set(qdisc, sizeof(qdisc), "; the %s qdisc there%s is kept on exit",
			   it->clsact_kind[0] ? it->clsact_kind : "clsact",
			   filters ? " (with someone else's filters, left alone)" : "");
	else if (it->clsact.state == FACT_NO)
		reason_set(qdisc, sizeof(qdisc), "; creates a clsact qdisc and removes it on exit");
	if (req->attach == ATTACH_LINK || (req->attach == ATTACH_AUTO && p->tcx.state == FACT_YES)) {
		*attach = ATTACH_LINK;
		if (req->attach == ATTACH_AUTO)
			reason_set(why, len, "tcx (6.6+): a bpf_link, first in line, gone if xdpcount dies");
		else if (p->tcx.state == FACT_NO) {
			pi->refuse = true;
			reason_set(why, len, "tcx (bpf_link) attach requested, but the kernel has no "
				   "tcx (6.6+); --attach netlink uses a clsact qdisc");
		} else
			reason_set(why, len, "tcx (bpf_link) attach requested");
		return false;
	}
	*attach = ATTACH_NETLINK;
	if (req->attach == ATTACH_NETLINK) {
		reason_set(why, len, "clsact qdisc with a cls_bpf filter requested%s", qdisc);
		return false;
	}
	reason_set(why, len, "clsact qdisc with a cls_bpf filter: %s tcx (6.6+)%s",
		   p->tcx.state == FACT_NO ? "no" : "unknown whether the kernel has", qdisc);
	return true;
}

/* One tc hook's place: an xdpcount tc program already there (another
 * xdpcount through tcx, or a filter whose xdpcount may still run), or a
 * foreign filter at our place. A leftover of an xdpcount that no longer
 * runs (kill -9 in clsact mode) is not in the way (hook_leftover()). A
 * query: it writes only buf and *ours. */
static const char *hook_taken(const struct probe_iface *it, const struct probe_xdp_prog *tcx,
			      const struct probe_xdp_prog *x, const char *hook, char *buf,
			      size_t len, bool *ours)
{
	*ours = false;
	if (tcx->ours) {
		*ours = true;
		reason_set(buf, len, "an xdpcount tc program (tcx, program id %u) is on %s "
			   "already: another xdpcount counts here", tcx->id, hook);
		return buf;
	}
	if (!x->id)
		return NULL;
	*ours = x->ours;
	if (x->ours && x->holder_alive)
		reason_set(buf, len, "an xdpcount tc filter (program id %u) is on %s already: "
			   "xdpcount pid %d counts here", x->id, hook, x->holder_pid);
	else if (x->ours && x->holder_unknown)
		reason_set(buf, len, "an xdpcount tc filter (program id %u) is on %s already, "
			   "and whether the xdpcount that attached it still runs cannot be told here "
			   "(`xdpcount detach %s` removes it)", x->id, hook, it->name);
	else if (x->ours) {
		*ours = false; /* a leftover: hook_leftover() */
		return NULL;
	} else
		reason_set(buf, len, "the cls_bpf filter at handle 0x%x priority %u on %s (program "
			   "id %u \"%s\") is not xdpcount's: will not replace it", XDPCOUNT_TC_HANDLE,
			   XDPCOUNT_TC_PRIO, hook, x->id, x->name[0] ? x->name : "?");
	return buf;
}

/* The filter a dead clsact xdpcount left at one hook's place (kill -9), to
 * be removed first; NULL if there is none. */
static const struct probe_xdp_prog *hook_leftover(const struct probe_xdp_prog *tcx,
						  const struct probe_xdp_prog *x)
{
	return !tcx->ours && x->id && x->ours && !x->holder_alive && !x->holder_unknown ? x
											  : NULL;
}

const char *tc_slot_taken(const struct probe_iface *it, char *buf, size_t len, bool *ours)
{
	return hook_taken(it, &it->tcx_prog, &it->tc_prog, "ingress", buf, len, ours);
}

void plan_stale_tc(const struct probe_iface *it, struct plan_iface *pi)
{
	const struct probe_xdp_prog *x = hook_leftover(&it->tcx_prog, &it->tc_prog);

	pi->stale_tc_id = x ? x->id : 0;
	pi->stale_tc_pid = x ? x->holder_pid : 0;
}

void note_stale_tc(struct plan_iface *pi)
{
	if (pi->stale_tc_id)
		reason_cat(pi->reason, PLAN_REASON_LEN,
			   "; replaces our stale tc filter (program id %u)", pi->stale_tc_id);
}

/* clsact for want of tcx: a degradation, at either hook. */
static void note_no_tcx(const struct probe *p, const struct probe_iface *it,
			struct verdict_acc *acc)
{
	char eb[24];

	acc_add(acc, VERDICT_DEGRADED, "%s: %s tcx (6.6+): the cls_bpf filter outlives a "
		"crash of xdpcount (the next run replaces it; `xdpcount detach %s` "
		"removes it)", it->name,
		p->tcx.state == FACT_NO ? "this kernel has no" :
		p->tcx.err ? plan_errno_name(p->tcx.err, eb, sizeof(eb)) : "could not tell",
		it->name);
}

/* The tc hook, forced (--mode tc) or behind a foreign XDP program (auto). */
void plan_tc(const struct probe *p, const struct plan_request *req,
		    const struct probe_iface *it, const char *foreign_id, const char *shared_why,
		    struct plan_iface *pi, struct verdict_acc *acc)
{
	char attach_why[PLAN_REASON_LEN], slot[PLAN_REASON_LEN];
	const char *taken;
	bool ours, no_tcx;

	pi->mode = XDP_MODE_TC;
	pi->fallback_generic = false;
	no_tcx = decide_tc_attach(p, req, it, it->tc_filters, &pi->attach, pi, attach_why,
				  sizeof(attach_why));
	taken = tc_slot_taken(it, slot, sizeof(slot), &ours);
	plan_stale_tc(it, pi);
	if (taken && !ours && pi->attach == ATTACH_LINK)
		taken = NULL; /* someone's filter at our clsact place: tcx does not care */
	if (pi->refuse) {
		pi->refusal = REFUSE_ATTACH;
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", attach_why);
		return;
	}
	if (taken) {
		pi->refuse = true;
		pi->refusal = ours ? REFUSE_OURS : REFUSE_FOREIGN;
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", taken);
		return;
	}
	if (foreign_id)
		reason_set(pi->reason, PLAN_REASON_LEN, "%sbehind %s, which stays: "
			   "counts only what it passes; %s",
			   req->mode == XDP_MODE_TC ? "requested; " : "", foreign_id, attach_why);
	else if (shared_why)
		reason_set(pi->reason, PLAN_REASON_LEN, "--attach shared: counting at tc ingress "
			   "so that XDP stays free for libxdp users: %s; %s", shared_why, attach_why);
	else
		reason_set(pi->reason, PLAN_REASON_LEN, "requested: counts what reaches tc, "
			   "after XDP; %s", attach_why);
	note_stale_tc(pi);
	if (!foreign_id && shared_why)
		acc_add(acc, VERDICT_DEGRADED, "%s: counting at tc ingress so that XDP stays "
			"free for libxdp users (--attach shared): %s", it->name, shared_why);
	else
		acc_add(acc, VERDICT_DEGRADED, "%s: counting at tc ingress%s%s%s", it->name,
			foreign_id ? " behind " : "", foreign_id ? foreign_id : "",
			foreign_id ? " (only what it passes)" : " (requested)");
	if (no_tcx)
		note_no_tcx(p, it, acc);
}

void plan_egress(const struct probe *p, const struct plan_request *req,
		 const struct probe_iface *it, struct plan_iface *pi, struct verdict_acc *acc)
{
	char attach_why[PLAN_REASON_LEN], slot[PLAN_REASON_LEN];
	const struct probe_xdp_prog *leftover;
	const char *taken;
	bool ours, no_tcx;

	pi->tx = true;
	pi->refuse = false;
	no_tcx = decide_tc_attach(p, req, it, it->eg_filters, &pi->tx_attach, pi, attach_why,
				  sizeof(attach_why));
	taken = hook_taken(it, &it->eg_tcx_prog, &it->eg_prog, "egress", slot, sizeof(slot), &ours);
	leftover = hook_leftover(&it->eg_tcx_prog, &it->eg_prog);
	pi->stale_tx_id = leftover ? leftover->id : 0;
	pi->stale_tx_pid = leftover ? leftover->holder_pid : 0;
	if (taken && !ours && pi->tx_attach == ATTACH_LINK)
		taken = NULL; /* someone's filter at our clsact place: tcx does not care */
	if (pi->refuse || taken) {
		pi->refusal = pi->refuse ? REFUSE_ATTACH : ours ? REFUSE_OURS : REFUSE_FOREIGN;
		pi->refuse = pi->tx_refused = true;
		reason_set(pi->tx_reason, PLAN_REASON_LEN, "tc egress: %s",
			   taken ? taken : attach_why);
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", pi->tx_reason);
		return;
	}
	reason_set(pi->tx_reason, PLAN_REASON_LEN, "counts what it transmits at tc egress (skb->len "
		   "from the Ethernet header on, GSO segments as frames); %s", attach_why);
	if (pi->stale_tx_id)
		reason_cat(pi->tx_reason, PLAN_REASON_LEN,
			   "; replaces our stale tc egress filter (program id %u)", pi->stale_tx_id);
	if (no_tcx)
		note_no_tcx(p, it, acc);
}
