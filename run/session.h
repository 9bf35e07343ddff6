/* What run and check share: probe -> plan -> load. */
#ifndef XDPCOUNT_SESSION_H
#define XDPCOUNT_SESSION_H

#include "btf/btf.h"
#include "cli/opts.h"
#include "loader/counter.h"
#include "loader/objects.h"
#include "plan/plan.h"
#include "plan/select.h"
#include "probe/links.h"
#include "probe/probe.h"

struct session {
	const struct opts *opts;
	struct probe probe;
	struct btf_report btf;
	struct plan plan;
	const struct embedded_object *obj;
	struct counter *counter;
	const char *default_iface_note; /* set when IFACE was picked for the user */
	struct selector sel;            /* the interfaces asked for (opts) */
	/* The never-attached dispatcher our extensions load against
	 * (dispatcher_template()), -1 until the first one; 0 before
	 * session_load(). */
	int disp_template_fd;
	uint32_t disp_template_btf_id;
};

/* What run and check pick: the selector's interfaces (plan/select.h), or
 * with none given the interface of the IPv4 default route. A run that
 * follows (a pattern or --all) plans none at start: it probes the
 * interfaces that appear together (session_probe_ifaces) and asks the plan
 * for each (session_plan_probed) as it attaches it. check plans the
 * ones run would count on now; without a default route, none (run would
 * fail). */
enum iface_default { IFACE_DEFAULT_ROUTE, IFACE_DEFAULT_CHECK };

/* Probes the kernel and the interfaces (opts->ifaces, or the default), finds
 * BTF (when report_btf or --btf), and makes the plan. Returns 0 or -errno with the failure recorded. */
int session_plan(struct session *s, const struct opts *o, enum iface_default dflt,
		 bool report_btf);
/* Applies the memlock decision, selects the object and prepares the counter
 * (nothing loaded yet). Returns 0 or -errno, failure recorded. */
int session_load(struct session *s);
/* Loads the variant's program instance counting ifindex (name for
 * messages) through the verifier. Returns 0 or -errno, failure recorded. */
int session_load_iface(struct session *s, const char *name, int ifindex, enum variant variant);
/* The same for XDP through a dispatcher: the linear program as an
 * extension of a dispatcher slot (counter_add_slot()). */
int session_load_slot(struct session *s, const char *name, int ifindex);
/* The interfaces the selector picks now, in ifindex order (*out malloc'ed).
 * 0 or -errno, failure recorded. */
int session_select(const struct session *s, struct probe_link **out, int *n);
/* Probes the interfaces names[0..n) (n <= PROBE_MAX_IFACES) together, for
 * session_plan_probed(): at[i] is names[i]'s place among them, or -errno
 * (-ENODEV: gone meanwhile). Forgets what the last call probed. */
void session_probe_ifaces(struct session *s, const char *const *names, int n, int *at);
/* Plans the probed interface at (session_probe_ifaces) alone, as the
 * start's plan would have (pi). */
void session_plan_probed(struct session *s, int at, struct plan_iface *pi);
void session_close(struct session *s);

#endif
