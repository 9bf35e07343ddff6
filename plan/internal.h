/* plan/ private: the reason collector and helpers shared by plan.c and
 * ifaces.c. Pure, like the rest of the plan. */
#ifndef XDPCOUNT_PLAN_INTERNAL_H
#define XDPCOUNT_PLAN_INTERNAL_H

#include "plan/plan.h"
#include "plan/reason.h"

#define PLAN_ACC_MAX 16

/* Reasons collected per severity; plan_make() keeps only those of the final
 * verdict (a degraded detail is noise next to "incompatible"). */
struct verdict_acc {
	unsigned int n[3], dropped[3];
	char r[3][PLAN_ACC_MAX][PLAN_REASON_LEN];
	int err[3]; /* the -errno behind the first reason of each verdict; 0: none said */
};

/* The next reason for v, if it is the first, comes from err (-errno). */
static inline void acc_cause(struct verdict_acc *acc, enum verdict v, int err)
{
	if (!acc->n[v] && !acc->dropped[v])
		acc->err[v] = err;
}

/* plan/reason.c. One reason for verdict v (dropped, and counted, past
 * PLAN_ACC_MAX). */
void acc_add(struct verdict_acc *acc, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));


/* plan/ifaces.c. Does the verifier take the linear program's data_end - data
 * (CAP_PERFMON or CAP_SYS_ADMIN held, or the capabilities unknown)? */
bool verifier_allows_ptr_math(const struct probe *p);

void plan_ifaces(const struct probe *p, const struct plan_request *req,
		 struct plan *plan, struct verdict_acc *acc);

/* plan/tc.c. The reason why xdpcount's tc ingress place on this interface
 * is taken (another xdpcount through tcx or a live one's filter, *ours set;
 * or someone's filter at our handle and priority), in buf; NULL if it is
 * free. A query: nothing else is written. */
const char *tc_slot_taken(const struct probe_iface *it, char *buf, size_t len, bool *ours);
/* pi->stale_tc_id and _pid: the filter a dead clsact xdpcount left at our
 * tc ingress place, which the run removes first (0: none). */
void plan_stale_tc(const struct probe_iface *it, struct plan_iface *pi);
/* Appends "replaces our stale tc filter" to pi->reason when there is one. */
void note_stale_tc(struct plan_iface *pi);
/* Plans pi at tc ingress; foreign_id names the foreign XDP program (NULL
 * when --mode tc asked for tc, or shared_why says why --attach shared
 * counts at tc on a free hook: why no dispatcher can hold it). */
void plan_tc(const struct probe *p, const struct plan_request *req,
	     const struct probe_iface *it, const char *foreign_id, const char *shared_why,
	     struct plan_iface *pi, struct verdict_acc *acc);
/* Plans pi's tc egress hook (--direction out|both): tx, tx_attach,
 * tx_reason, stale_tx_*; a place taken there (or tcx asked for and
 * missing) refuses the interface, tx_refused set. */
void plan_egress(const struct probe *p, const struct plan_request *req,
		 const struct probe_iface *it, struct plan_iface *pi, struct verdict_acc *acc);

/* plan/share.c: whether this kernel can host a dispatcher (before the
 * interfaces are planned), joining one, and why not. */
void plan_dispatcher(const struct probe *p, struct plan *plan);
bool plan_join(const struct probe *p, const struct plan_request *req,
	       const struct probe_iface *it, const struct plan *plan, struct plan_iface *pi);
const char *plan_no_join(const struct probe_iface *it, const struct plan *plan);
/* Fills each interface's share and share_reason; call after plan_ifaces(). */
void plan_share(const struct probe *p, const struct plan_request *req, struct plan *plan);
/* plan->disp_version, its source and reason: the version a dispatcher we
 * create speaks. Call before plan_ifaces(). */
void plan_dispatcher_version(const struct probe *p, const struct plan_request *req,
			     struct plan *plan);
/* "libxdp 1.3-1.5" (version 2) or "libxdp 1.6+" (3). */
const char *plan_disp_generation(unsigned int v);
/* "libxdp dispatcher id 7 (version 3, 2 programs, native mode)", or the
 * plain "XDP program id 7 "name" (native mode)" when its version is unknown. */
void plan_dispatcher_desc(const struct probe_xdp_prog *x, const char *mode, char *buf,
			  size_t len);

#endif
