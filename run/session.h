/* What run and check share: probe -> plan -> load. */
#ifndef XDPCOUNT_SESSION_H
#define XDPCOUNT_SESSION_H

#include "btf/btf.h"
#include "cli/opts.h"
#include "loader/counter.h"
#include "loader/objects.h"
#include "plan/plan.h"
#include "probe/probe.h"

struct session {
	const struct opts *opts;
	struct probe probe;
	struct btf_report btf;
	struct plan plan;
	const struct embedded_object *obj;
	struct counter *counter;
	const char *default_iface_note; /* set when IFACE was picked for the user */
	/* The never-attached dispatcher our extensions load against
	 * (dispatcher_template()), -1 until the first one; 0 before
	 * session_load(). */
	int disp_template_fd;
	uint32_t disp_template_btf_id;
};

enum iface_default { IFACE_DEFAULT_ROUTE, IFACE_DEFAULT_ALL_UP };

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
void session_close(struct session *s);

#endif
