#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "cli/errors.h"
#include "run/session.h"
#include "log/log.h"
#include "loader/disp_prog.h"
#include "loader/memlock.h"
#include "probe/clock.h"

int session_select(const struct session *s, struct probe_link **out, int *n)
{
	struct probe_link *ls;
	int k = 0, m, err = probe_links(&ls, &m);

	if (err)
		return fail(STAGE_PICK, err, NULL, "cannot list the interfaces (%s)", strerror(-err));
	for (int i = 0; i < m; i++)
		if (select_match(&s->sel, ls[i].name, ls[i].kind, ls[i].flags & IFF_LOOPBACK, NULL))
			ls[k++] = ls[i];
	*out = ls;
	*n = k;
	return 0;
}

/* check, or a run that follows: the interfaces the selector picks now
 * (a run that follows plans them one by one: none here). */
static int probe_selected(struct session *s, bool for_check)
{
	struct probe_link *ls;
	int n, err = session_select(s, &ls, &n);

	if (err)
		return err;
	if (!n)
		log_msg(LOG_NORMAL, "xdpcount: no interface matches the selection (yet)\n");
	for (int i = 0; for_check && i < n; i++) {
		err = probe_iface(&s->probe, ls[i].name);
		if (err == -E2BIG) {
			/* a node with hundreds of veths: check the first ones */
			log_msg(LOG_NORMAL, "xdpcount: %d interfaces match; checking the first %d "
				"(name interfaces to check others)\n", n, PROBE_MAX_IFACES);
			break;
		}
		/* Gone meanwhile (-ENODEV): skip it. */
	}
	free(ls);
	return 0;
}

static int probe_ifaces(struct session *s, const struct opts *o, enum iface_default dflt)
{
	static char route_iface[IF_NAMESIZE];
	int err;

	if (select_follows(&s->sel))
		return probe_selected(s, dflt == IFACE_DEFAULT_CHECK);
	if (o->n_ifaces == 0) {
		err = probe_default_route_iface(route_iface);
		if (err && dflt == IFACE_DEFAULT_CHECK) {
			/* check what run would count on: without a default route,
			 * no interface, and the kernel's own facts */
			log_msg(LOG_NORMAL, "xdpcount: no interface given and no IPv4 default route: "
				"checking the kernel alone (run would need an interface)\n");
			return 0;
		}
		if (err)
			return fail(STAGE_PICK, err, NULL, NULL);
		s->default_iface_note = route_iface;
		err = probe_iface(&s->probe, route_iface);
		return err ? fail(STAGE_IFACE, err, route_iface, NULL) : 0;
	}
	for (int i = 0; i < o->n_ifaces; i++) {
		const char *why;

		for (int k = 0; k < i; k++)
			if (strcmp(o->ifaces[k], o->ifaces[i]) == 0)
				return fail(STAGE_USAGE, -EINVAL, NULL, "interface %s given twice",
					    o->ifaces[i]);
		if (strlen(o->ifaces[i]) >= IF_NAMESIZE)
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], "name longer than %d characters",
				    IF_NAMESIZE - 1);
		if (!select_match(&s->sel, o->ifaces[i], NULL, false, &why)) {
			log_msg(LOG_NORMAL, "xdpcount: %s: %s\n", o->ifaces[i], why);
			continue;
		}
		err = probe_iface(&s->probe, o->ifaces[i]);
		if (err == -EEXIST)
			return fail(STAGE_USAGE, -EINVAL, NULL, "interface %s given twice (it names the "
				    "same device as an interface before it)", o->ifaces[i]);
		if (err)
			return fail(STAGE_IFACE, err, o->ifaces[i], NULL);
	}
	if (!s->probe.n_ifaces)
		return fail(STAGE_USAGE, -EINVAL, NULL, "the exclusions leave out every interface named");
	return 0;
}

void session_probe_ifaces(struct session *s, const char *const *names, int n, int *at)
{
	const struct opts *o = s->opts;

	s->probe.n_ifaces = 0; /* the interfaces probed before are attached by now */
	for (int i = 0; i < n; i++) {
		int err = probe_iface(&s->probe, names[i]);

		at[i] = err ? err : (int)s->probe.n_ifaces - 1;
	}
	/* one qdisc dump for all of them (the kernel sends every interface's,
	 * whatever the request names): O(interfaces) once per batch, not
	 * once per new interface */
	if (s->probe.n_ifaces)
		probe_tc_ifaces(&s->probe, plan_counts_tx(o->direction));
}

void session_plan_probed(struct session *s, int at, struct plan_iface *pi)
{
	const struct opts *o = s->opts;
	struct plan_request req = { .mode = o->mode, .attach = o->attach,
				    .direction = o->direction,
				    .dispatcher_version = o->dispatcher_version };

	plan_one_iface(&s->probe, &req, &s->probe.ifaces[at], &s->plan, pi);
}

int session_plan(struct session *s, const struct opts *o, enum iface_default dflt, bool report_btf)
{
	struct plan_request req = { .mode = o->mode, .attach = o->attach,
				    .direction = o->direction,
				    .dispatcher_version = o->dispatcher_version };
	double t0 = mono_now();
	int err;

	memset(s, 0, sizeof(*s));
	s->opts = o;
	s->sel = (struct selector){ o->all, (const char *const *)o->ifaces, o->n_ifaces,
				    o->exclude, o->n_exclude };
	err = probe_kernel(&s->probe);
	if (err)
		return fail(STAGE_BPF, err, NULL, "cannot read the kernel's identity");
	/* The counter needs no BTF: parse it only when asked to report or
	 * validate it (vmlinux BTF costs megabytes of memory). */
	if (report_btf || o->btf) {
		err = probe_btf(&s->probe, o->btf, &s->btf);
		if (err)
			return fail(STAGE_BTF, err, o->btf, NULL);
	}
	err = probe_ifaces(s, o, dflt);
	if (err)
		return err;
	/* bpf() facts decide the plan; an error here is kept in the facts.
	 * check reports them all; a run asks only what its plan reads. */
	probe_bpf(&s->probe, report_btf ? 0
			     : PROBE_SKIP_MAP_HASH |
				       (plan_reads_frags(&s->probe) ? 0 : PROBE_SKIP_FRAGS) |
				       (o->mode == XDP_MODE_TC ? PROBE_SKIP_EXT : 0));
	/* the egress facts only where the plan reads them (check: always) */
	probe_tc_ifaces(&s->probe, report_btf || plan_counts_tx(o->direction));
	plan_make(&s->probe, &req, &s->plan);
	log_msg(LOG_VERBOSE, "xdpcount: kernel %s on %s, %u CPUs; probed and planned in %.2f ms\n",
		s->probe.release, s->probe.machine, s->probe.ncpus,
		(mono_now() - t0) * 1e3);
	log_msg(LOG_VERBOSE, "xdpcount: verdict %s; %s program: %s; memlock: %s\n",
		enum_name(verdict_names, s->plan.verdict), s->plan.frags_available ? "frags" : "linear",
		s->plan.variant_reason, s->plan.memlock_reason);
	return 0;
}

int session_load(struct session *s)
{
	int err;

	err = memlock_apply(&s->plan);
	if (err)
		return fail(STAGE_MEMLOCK, err, NULL, "%s", s->plan.memlock_reason);
	s->disp_template_fd = -1;
	err = object_select(&s->obj);
	if (err)
		return fail(STAGE_OBJECT, err, NULL, NULL);
	err = counter_open(s->obj, &s->counter);
	if (err)
		return fail(STAGE_OBJECT, err, NULL, "cannot open the embedded object (%s)",
			    strerror(-err));
	return 0;
}

static int load_failed(struct session *s, const char *name, int err);

int session_load_slot(struct session *s, const char *name, int ifindex)
{
	int err;

	if (s->disp_template_fd < 0) {
		s->disp_template_fd = dispatcher_template(PLAN_DISPATCHER_VERSION,
							  &s->disp_template_btf_id);
		if (s->disp_template_fd < 0) {
			err = s->disp_template_fd;
			s->disp_template_fd = -1;
			return fail(STAGE_LOAD, err, name, "cannot load the dispatcher our program "
				    "extends (%s)", strerror(-err));
		}
	}
	err = counter_add_slot(s->counter, ifindex, s->disp_template_fd, s->disp_template_btf_id);
	if (err)
		return load_failed(s, name, err);
	log_msg(LOG_VERBOSE, "xdpcount: loaded %s for %s as a dispatcher slot extension\n",
		plan_variant_prog(VARIANT_LINEAR), name);
	return 0;
}

int session_load_iface(struct session *s, const char *name, int ifindex, enum variant variant)
{
	int err = counter_add_iface(s->counter, ifindex, variant);

	if (err)
		return load_failed(s, name, err);
	log_msg(LOG_VERBOSE, "xdpcount: loaded %s for %s from the %s-endian object (sha256 %.16s...)\n",
		plan_variant_prog(variant), name, byte_order_name(s->obj->order), s->obj->sha256);
	return 0;
}

static int load_failed(struct session *s, const char *name, int err)
{
	const char *why = counter_verifier_log(s->counter);

	if (err == -ENOSPC)
		return fail(STAGE_LOAD, err, name, "no free counter slot (%d at most)",
			    XDPCOUNT_MAX_SLOTS);
	if (err == -EPERM || err == -EACCES || err == -ENOSYS || !why[0])
		return fail(STAGE_LOAD, err, name, NULL);
	return fail(STAGE_LOAD, err, name, "the verifier said: %s", why);
}

void session_close(struct session *s)
{
	if (s->disp_template_fd > 0)
		close(s->disp_template_fd);
	s->disp_template_fd = -1;
	counter_close(s->counter);
	s->counter = NULL;
}
