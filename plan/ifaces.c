/* The per-interface half of the plan: native or generic, link or netlink,
 * or refuse. Pure. */
#include <stdio.h>
#include <string.h>

#include "plan/internal.h"

/* Why native XDP cannot work on this interface, or NULL if it may. */
static const char *native_impossible(const struct probe_iface *it,
				     char *buf, size_t len)
{
	if (it->loopback) {
		reason_set(buf, len, "%s is a loopback device, which has no "
			   "native XDP", it->name);
		return buf;
	}
	if (it->xdp_features_known.state == FACT_YES &&
	    !(it->xdp_features & XDPC_XDP_ACT_BASIC)) {
		reason_set(buf, len, "driver %s reports no native XDP "
			   "(xdp-features)", it->driver[0] ? it->driver : "?");
		return buf;
	}
	return NULL;
}

/* Why native XDP will likely be refused for the MTU, or NULL. Frames above
 * PLAN_XDP_LINEAR_MTU do not fit one page: native needs the frags variant
 * and a driver with rx-sg (when xdp-features can tell). */
static const char *native_mtu_problem(const struct plan *plan,
				      const struct probe_iface *it,
				      char *buf, size_t len)
{
	if (it->mtu <= PLAN_XDP_LINEAR_MTU)
		return NULL;
	if (!plan->frags_available) {
		reason_set(buf, len, "MTU %u does not fit one page without XDP "
			   "multi-buffer (5.18+): native XDP would be refused",
			   it->mtu);
		return buf;
	}
	if (it->xdp_features_known.state == FACT_YES &&
	    !(it->xdp_features & XDPC_XDP_ACT_RX_SG)) {
		reason_set(buf, len, "MTU %u needs XDP multi-buffer, which driver "
			   "%s does not report (xdp-features rx-sg)", it->mtu,
			   it->driver[0] ? it->driver : "?");
		return buf;
	}
	return NULL;
}

static void decide_mode(const struct probe_iface *it,
			const struct plan_request *req, struct plan *plan,
			struct plan_iface *pi, char *why, size_t len,
			struct verdict_acc *acc)
{
	char b1[200], b2[200];
	const char *impossible = native_impossible(it, b1, sizeof(b1));
	const char *mtu = native_mtu_problem(plan, it, b2, sizeof(b2));
	const char *drv = it->driver[0] ? it->driver : "?";

	switch (req->mode) {
	case XDP_MODE_GENERIC:
		pi->mode = XDP_MODE_GENERIC;
		reason_set(why, len, "generic mode requested");
		return;
	case XDP_MODE_NATIVE:
		pi->mode = XDP_MODE_NATIVE;
		if (impossible) {
			/* Strict: no fallback, and the kernel would refuse. */
			pi->refuse = true;
			reason_set(why, len, "native mode requested, but %s",
				   impossible);
		} else if (mtu) {
			reason_set(why, len, "native mode requested; %s", mtu);
		} else {
			reason_set(why, len, "native mode requested");
		}
		return;
	case XDP_MODE_AUTO:
	default:
		break;
	}
	if (impossible || mtu) {
		pi->mode = XDP_MODE_GENERIC;
		reason_set(why, len, "generic: %s", impossible ? impossible : mtu);
		acc_add(acc, VERDICT_DEGRADED, "%s: generic mode: %s", it->name,
			impossible ? impossible : mtu);
		return;
	}
	pi->mode = XDP_MODE_NATIVE;
	pi->fallback_generic = true;
	if (it->xdp_features_known.state == FACT_YES)
		reason_set(why, len, "native: driver %s reports native XDP "
			   "(xdp-features)", drv);
	else
		reason_set(why, len, "driver %s: will try native, fall back to "
			   "generic if refused", drv);
}

/* Linear wherever it is exact: a program without the frags flag only ever
 * sees linear frames (generic XDP linearizes the skb; drivers refuse to
 * attach it, or drop, where frames would not fit), so data_end - data is
 * the whole frame and no helper is called. Frags only where native mode
 * needs it to attach at all. */
/* data_end - data is pointer arithmetic, which the verifier allows only
 * with CAP_PERFMON (or CAP_SYS_ADMIN): with just CAP_BPF and CAP_NET_ADMIN,
 * the linear program is refused (EACCES). */
bool verifier_allows_ptr_math(const struct probe *p)
{
	return !p->caps_known || p->cap_perfmon || p->cap_sys_admin;
}

bool plan_reads_frags(const struct probe *p)
{
	if (!verifier_allows_ptr_math(p))
		return true;
	for (unsigned int i = 0; i < p->n_ifaces; i++)
		if (p->ifaces[i].mtu > PLAN_XDP_LINEAR_MTU)
			return true;
	return false;
}

static void decide_variant(const struct probe *p, const struct plan *plan,
			   const struct probe_iface *it, struct plan_iface *pi)
{
	bool big = it->mtu > PLAN_XDP_LINEAR_MTU;
	bool ptr_math = verifier_allows_ptr_math(p);

	pi->variant = VARIANT_LINEAR;
	if (!ptr_math && plan->frags_available) {
		pi->variant = VARIANT_FRAGS;
		reason_set(pi->variant_reason, PLAN_REASON_LEN, "frags: without CAP_PERFMON the "
			   "verifier refuses the linear program's data_end - data; the frags "
			   "program counts with bpf_xdp_get_buff_len");
	} else if (pi->mode == XDP_MODE_GENERIC)
		reason_set(pi->variant_reason, PLAN_REASON_LEN, "linear: generic XDP "
			   "linearizes every frame, so data_end - data is its length "
			   "(no helper call)");
	else if (!big)
		reason_set(pi->variant_reason, PLAN_REASON_LEN, "linear: MTU %u fits "
			   "one page, so data_end - data is the frame's length (no "
			   "helper call)", it->mtu);
	else if (plan->frags_available) {
		pi->variant = VARIANT_FRAGS;
		reason_set(pi->variant_reason, PLAN_REASON_LEN, "frags: MTU %u does "
			   "not fit one page, so native XDP needs the multi-buffer "
			   "program (5.18+), which counts every fragment "
			   "(bpf_xdp_get_buff_len)", it->mtu);
	} else
		reason_set(pi->variant_reason, PLAN_REASON_LEN, "linear: MTU %u needs "
			   "XDP multi-buffer (5.18+) in native mode, which this kernel "
			   "lacks", it->mtu);
}

/* The attach kind auto takes for XDP: a link where the kernel has them. */
static void plain_attach(const struct probe *p, struct plan_iface *pi)
{
	pi->attach = p->link_xdp.state == FACT_YES ? ATTACH_LINK : ATTACH_NETLINK;
}

/* Our own dispatcher on a free hook (auto where the kernel and our
 * privileges can host one, or --attach dispatcher): its words. */
static void hold_through_dispatcher(const struct plan_request *req, const struct plan *plan,
				    struct plan_iface *pi, char *why, size_t len)
{
	pi->attach = ATTACH_DISPATCHER;
	pi->join_id = 0;
	pi->disp_version = plan->disp_version;
	reason_set(why, len, "%sholds XDP through libxdp's dispatcher (version %u, %s; netlink): "
		   "%s users join it; a kill -9 leaves our slot to the next run or detach",
		   req->attach == ATTACH_DISPATCHER ? "--attach dispatcher: " :
		   req->attach == ATTACH_SHARED ? "--attach shared: " : "",
		   pi->disp_version, plan->disp_version_src, plan_disp_generation(pi->disp_version));
}

static void decide_attach(const struct probe *p,
			  const struct plan_request *req, const struct plan *plan,
			  struct plan_iface *pi, char *why, size_t len)
{
	char eb[24];

	switch (req->attach) {
	case ATTACH_SHARED: /* plan_rx() sent it to tc where no dispatcher can be */
	case ATTACH_DISPATCHER:
		if (plan->dispatcher_possible) {
			hold_through_dispatcher(req, plan, pi, why, len);
			return;
		}
		/* asked to leave XDP open, which this kernel cannot: our
		 * program alone, and the reason says others cannot join */
		plain_attach(p, pi);
		reason_set(why, len, "--attach dispatcher asked for, but %s: holds XDP alone (%s), "
			   "so other XDP users cannot join ours", plan->dispatcher_reason,
			   pi->attach == ATTACH_LINK ? "bpf_link" : "netlink");
		return;
	case ATTACH_NETLINK:
		pi->attach = ATTACH_NETLINK;
		reason_set(why, len, "netlink attach requested");
		return;
	case ATTACH_LINK:
		pi->attach = ATTACH_LINK;
		if (p->link_xdp.state == FACT_NO) {
			pi->refuse = true;
			reason_set(why, len, "bpf_link attach requested, but the "
				   "kernel has no XDP links (5.9+)");
		} else {
			reason_set(why, len, "bpf_link attach requested");
		}
		return;
	case ATTACH_AUTO:
	default:
		break;
	}
	/* auto: leave XDP open to libxdp users where this kernel and this
	 * process can (plan/share.c), else our program alone */
	if (plan->dispatcher_possible) {
		hold_through_dispatcher(req, plan, pi, why, len);
		return;
	}
	if (p->link_xdp.state == FACT_YES) {
		pi->attach = ATTACH_LINK;
		reason_set(why, len, "bpf_link (5.9+): detached automatically if "
			   "xdpcount dies");
	} else {
		pi->attach = ATTACH_NETLINK;
		if (p->link_xdp.state == FACT_NO)
			reason_set(why, len, "netlink: no XDP bpf_link in this "
				   "kernel (5.9+)");
		else
			reason_set(why, len, "netlink: XDP bpf_link support "
				   "unknown (%s)",
				   plan_errno_name(p->link_xdp.err, eb, sizeof(eb)));
	}
}

/* A program already attached that is not ours: never replace it. One of
 * ours is refused while the xdpcount that attached it runs (naming its pid),
 * or when that cannot be told; a stale one (its xdpcount is gone) is noted in
 * pi->stale_* to be replaced. */
static const char *foreign_prog(const struct probe_iface *it, const struct plan *plan, char *buf,
				size_t len, const char **ours, char *ours_buf,
				size_t ours_len, char *id_buf, size_t id_len, struct plan_iface *pi)
{
	const struct {
		const struct probe_xdp_prog *x;
		const char *mode;
		enum xdp_mode m;
		const char *off; /* ip link set dev X <off> off */
	} m[] = {
		{ &it->drv, "native", XDP_MODE_NATIVE, "xdpdrv" },
		{ &it->skb, "generic", XDP_MODE_GENERIC, "xdpgeneric" },
		{ &it->hw, "offload", XDP_MODE_NATIVE, "xdpoffload" },
	};
	size_t i;

	*ours = NULL;
	pi->ours_pid = 0;
	pi->foreign_off = NULL;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const struct probe_xdp_prog *x = m[i].x;

		if (!x->id)
			continue;
		if (x->ours && x->holder_alive) {
			reason_set(ours_buf, ours_len, "xdpcount pid %d counts on it already "
				   "(program id %u, %s mode)", x->holder_pid, x->id, m[i].mode);
			pi->ours_pid = x->holder_pid;
			*ours = ours_buf;
			continue;
		}
		if (x->ours && x->holder_unknown) {
			reason_set(ours_buf, ours_len, "an xdpcount program (id %u, %s mode) is "
				   "attached already, and whether the xdpcount that attached it still "
				   "runs cannot be told here", x->id, m[i].mode);
			*ours = ours_buf;
			continue;
		}
		if (x->ours && i < 2) {
			pi->stale_id = x->id;
			pi->stale_mode = m[i].m;
			pi->stale_pid = x->holder_pid;
			continue;
		}
		if (x->name_unreadable) {
			reason_set(id_buf, id_len, "XDP program id %u (%s mode)", x->id, m[i].mode);
			reason_set(pi->unowned_reason, PLAN_REASON_LEN, "cannot tell whether %s is "
				   "a stale xdpcount program (no xdpcount pin matches it; its name "
				   "needs CAP_SYS_ADMIN): if it is, `ip link set dev %s %s off` "
				   "removes it", id_buf, it->name,
				   i == 0 ? "xdpdrv" : i == 1 ? "xdpgeneric" : "xdpoffload");
			reason_set(buf, len, "already carries %s, not recognisably xdpcount's (no pin "
				   "of ours; its name needs CAP_SYS_ADMIN): will not replace it", id_buf);
		} else if (x->dispatcher) {
			/* libxdp's: counted behind at tc, never replaced; one of a
			 * version we do not know is not touched at all */
			plan_dispatcher_desc(x, m[i].mode, id_buf, id_len);
			if (probe_dispatcher_known(x))
				reason_set(buf, len, "already carries %s, which xdpcount cannot join: "
					   "%s: will not replace it", id_buf, plan_no_join(it, plan));
			else
				reason_set(buf, len, "already carries %s, a dispatcher of a version "
					   "xdpcount does not know (2 and 3): will not replace it", id_buf);
		} else {
			reason_set(id_buf, id_len, "XDP program id %u \"%s\" (%s mode)",
				   x->id, x->name[0] ? x->name : "?", m[i].mode);
			reason_set(buf, len, "already carries %s, not xdpcount's: will not "
				   "replace it", id_buf);
		}
		if (!x->dispatcher)
			pi->foreign_off = m[i].off;
		return buf;
	}
	return NULL;
}

/* pi at tc ingress: behind the foreign XDP program fid names (NULL:
 * none), asked for (--mode tc), or on a free hook where --attach shared
 * finds no dispatcher to count in (shared_why says why; NULL otherwise). */
static void rx_at_tc(const struct probe *p, const struct plan_request *req,
		     const struct probe_iface *it, const struct plan *plan, const char *fid,
		     const char *shared_why, struct plan_iface *pi, struct verdict_acc *acc)
{
	plan_tc(p, req, it, fid, shared_why, pi, acc);
	if (fid && !pi->refuse && req->mode != XDP_MODE_TC &&
	    probe_dispatcher_known(it->drv.id ? &it->drv : &it->skb)) {
		reason_cat(pi->reason, PLAN_REASON_LEN, "; xdpcount cannot join it: "
			 "%s", plan_no_join(it, plan));
	}
	pi->variant = VARIANT_TC;
	reason_set(pi->variant_reason, PLAN_REASON_LEN, "tc: counts at tc ingress "
		   "(skb->len from the Ethernet header on, GRO segments as frames)");
}

/* What the interface receives: XDP, or tc ingress. */
static void plan_rx(const struct probe *p, const struct plan_request *req,
		    const struct probe_iface *it, struct plan *plan,
		    struct plan_iface *pi, struct verdict_acc *acc)
{
	char mode_why[PLAN_REASON_LEN], attach_why[PLAN_REASON_LEN];
	char foreign[PLAN_REASON_LEN], ours_why[PLAN_REASON_LEN], fid[128] = "";
	char slot[PLAN_REASON_LEN];
	const char *f, *ours, *taken;
	bool mode_refused, attach_refused, tc_ours;
	/* --attach shared: never our XDP program alone */
	bool shared = req->attach == ATTACH_SHARED;

	memcpy(pi->name, it->name, sizeof(pi->name));
	pi->ifindex = it->ifindex;
	pi->stale_id = 0;
	pi->stale_tc_id = 0;
	pi->stale_tc_pid = 0;
	pi->unowned_reason[0] = '\0';
	f = foreign_prog(it, plan, foreign, sizeof(foreign), &ours, ours_why,
			 sizeof(ours_why), fid, sizeof(fid), pi);
	if (!it->ifindex) {
		pi->refuse = true;
		pi->refusal = REFUSE_MISSING;
		reason_set(pi->reason, PLAN_REASON_LEN, "no such interface");
		return;
	}
	if (ours) {
		pi->refuse = true;
		pi->refusal = REFUSE_OURS;
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", ours);
		return;
	}
	/* libxdp's dispatcher: joined where the kernel can (our slot first). */
	pi->join_id = 0;
	pi->stale_slot_id = 0;
	if (f && plan_join(p, req, it, plan, pi))
		return;
	/* A foreign XDP program sends the interface to tc, unless an XDP mode
	 * was asked for explicitly (then it is refused below); so does
	 * --attach shared where no dispatcher can hold XDP. */
	if (req->mode == XDP_MODE_TC || (f && (req->mode == XDP_MODE_AUTO || shared)) ||
	    (shared && !plan->dispatcher_possible)) {
		rx_at_tc(p, req, it, plan, f ? fid : NULL, shared && req->mode != XDP_MODE_TC ?
			 plan->dispatcher_reason : NULL, pi, acc);
		return;
	}
	decide_attach(p, req, plan, pi, attach_why, sizeof(attach_why));
	attach_refused = pi->refuse;
	pi->refuse = false;
	decide_mode(it, req, plan, pi, mode_why, sizeof(mode_why), acc);
	mode_refused = pi->refuse;
	decide_variant(p, plan, it, pi);
	if (shared && pi->variant == VARIANT_FRAGS && !mode_refused) {
		reason_set(attach_why, sizeof(attach_why), "MTU %u needs the multi-buffer program, "
			   "which a dispatcher slot cannot be", it->mtu);
		rx_at_tc(p, req, it, plan, NULL, attach_why, pi, acc);
		return;
	}
	if (pi->attach == ATTACH_DISPATCHER && pi->variant == VARIANT_FRAGS) {
		plain_attach(p, pi);
		reason_set(attach_why, sizeof(attach_why), "%sMTU %u needs the multi-buffer program, "
			   "which a dispatcher slot cannot be: holds XDP alone (%s), so other XDP "
			   "users cannot join ours", req->attach == ATTACH_DISPATCHER ?
			   "--attach dispatcher asked for, but " : "", it->mtu,
			   pi->attach == ATTACH_LINK ? "bpf_link" : "netlink");
	}
	if (req->attach == ATTACH_DISPATCHER && pi->attach != ATTACH_DISPATCHER && !attach_refused &&
	    !mode_refused)
		acc_add(acc, VERDICT_DEGRADED, "%s: %s", it->name, attach_why);
	taken = tc_slot_taken(it, slot, sizeof(slot), &tc_ours);
	plan_stale_tc(it, pi);
	if (!tc_ours)
		taken = NULL; /* a foreign filter at our tc place does not matter to XDP */

	pi->refusal = f ? REFUSE_FOREIGN :
		      mode_refused ? REFUSE_MODE : /* a strict request the kernel cannot do */
		      attach_refused ? REFUSE_ATTACH : taken ? REFUSE_OURS : REFUSE_NONE;
	pi->refuse = pi->refusal != REFUSE_NONE;
	if (pi->refusal == REFUSE_FOREIGN)
		reason_set(pi->reason, PLAN_REASON_LEN, "%s; --mode %s asked for XDP (without it, "
			   "xdpcount counts at tc ingress behind it)", f,
			   enum_name(xdp_mode_names, req->mode));
	else if (pi->refusal == REFUSE_MODE)
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", mode_why);
	else if (pi->refusal == REFUSE_ATTACH)
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", attach_why);
	else if (pi->refusal == REFUSE_OURS)
		reason_set(pi->reason, PLAN_REASON_LEN, "%s", taken);
	if (pi->refuse)
		return;
	reason_set(pi->reason, PLAN_REASON_LEN, "%s; %s", mode_why, attach_why);
	if (pi->stale_id)
		reason_cat(pi->reason, PLAN_REASON_LEN, "; replaces our stale program id %u",
			   pi->stale_id);
	note_stale_tc(pi);
}

static void plan_iface(const struct probe *p, const struct plan_request *req,
		       const struct probe_iface *it, struct plan *plan,
		       struct plan_iface *pi, struct verdict_acc *acc)
{
	pi->rx = plan_counts_rx(req->direction);
	if (pi->rx) {
		plan_rx(p, req, it, plan, pi, acc);
	} else {
		memcpy(pi->name, it->name, sizeof(pi->name));
		pi->ifindex = it->ifindex;
		if (!it->ifindex) {
			pi->refuse = true;
			pi->refusal = REFUSE_MISSING;
			reason_set(pi->reason, PLAN_REASON_LEN, "no such interface");
		}
	}
	if (pi->refuse || !plan_counts_tx(req->direction))
		return;
	plan_egress(p, req, it, pi, acc);
	if (pi->rx || pi->refuse)
		return;
	/* transmit only: the plan's hook is tc egress */
	pi->mode = XDP_MODE_TC;
	pi->attach = pi->tx_attach;
	pi->variant = VARIANT_EGRESS;
	reason_set(pi->reason, PLAN_REASON_LEN, "%s", pi->tx_reason);
	reason_set(pi->variant_reason, PLAN_REASON_LEN, "tc egress: skb->len from the Ethernet "
		   "header on, GSO segments as frames (--direction out)");
}

void plan_one_iface(const struct probe *p, const struct plan_request *req,
		    const struct probe_iface *it, struct plan *plan, struct plan_iface *pi)
{
	struct verdict_acc acc;

	memset(&acc, 0, sizeof(acc)); /* the run's verdict was made at start */
	memset(pi, 0, sizeof(*pi));
	plan_iface(p, req, it, plan, pi, &acc);
}

static bool uses_xdp(const struct plan *plan)
{
	for (unsigned int i = 0; i < plan->n_ifaces; i++)
		if (!plan->ifaces[i].refuse && plan->ifaces[i].rx &&
		    plan->ifaces[i].mode != XDP_MODE_TC)
			return true;
	return !plan->n_ifaces;
}

void plan_ifaces(const struct probe *p, const struct plan_request *req,
		 struct plan *plan, struct verdict_acc *acc)
{
	unsigned int i, refused = 0;

	plan->n_ifaces = p->n_ifaces < PROBE_MAX_IFACES ? p->n_ifaces :
							  PROBE_MAX_IFACES;
	for (i = 0; i < plan->n_ifaces; i++) {
		struct plan_iface *pi = &plan->ifaces[i];

		plan_iface(p, req, &p->ifaces[i], plan, pi, acc);
		if (pi->refuse) {
			refused++;
			acc_add(acc, VERDICT_DEGRADED, "%s: refused: %s",
				pi->name, pi->reason);
		}
	}
	if (plan->n_ifaces && refused == plan->n_ifaces) {
		if (plan->n_ifaces == 1)
			acc_add(acc, VERDICT_INCOMPATIBLE, "%s: %s",
				plan->ifaces[0].name, plan->ifaces[0].reason);
		else
			acc_add(acc, VERDICT_INCOMPATIBLE, "all %u interfaces "
				"are refused (see each one's reason)",
				plan->n_ifaces);
	}
	/* Netlink because links are missing (or could not be told): a crash
	 * of xdpcount would leave the program attached. */
	if (req->attach == ATTACH_AUTO && p->link_xdp.state != FACT_YES && uses_xdp(plan))
		acc_add(acc, VERDICT_DEGRADED, "%s XDP bpf_link (5.9+): "
			"attaching through netlink, which outlives a crash of "
			"xdpcount", p->link_xdp.state == FACT_NO ?
			"this kernel has no" : "could not tell whether this "
			"kernel has");
}
