#include <errno.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "cli/errors.h"
#include "run/session.h"
#include "log/log.h"
#include "loader/dispatcher.h"
#include "loader/memlock.h"
#include "probe/clock.h"

static int probe_ifaces(struct session *s, const struct opts *o, enum iface_default dflt)
{
	static char route_iface[IF_NAMESIZE];
	int err;

	if (o->n_ifaces == 0 && dflt == IFACE_DEFAULT_ALL_UP) {
		err = probe_default_ifaces(&s->probe);
		if (err == -E2BIG) {
			/* a node with hundreds of veths: check the first ones */
			log_msg(LOG_NORMAL, "xdpcount: more than %d interfaces are up; checking the first %d "
				"(name interfaces to check others)\n", PROBE_MAX_IFACES, PROBE_MAX_IFACES);
			return 0;
		}
		return err ? fail(STAGE_PICK, err, NULL, "cannot list the interfaces that are up (%s)", strerror(-err)) : 0;
	}
	if (o->n_ifaces == 0) {
		err = probe_default_route_iface(route_iface);
		if (err)
			return fail(STAGE_PICK, err, NULL, NULL);
		s->default_iface_note = route_iface;
		err = probe_iface(&s->probe, route_iface);
		return err ? fail(STAGE_IFACE, err, route_iface, NULL) : 0;
	}
	for (int i = 0; i < o->n_ifaces; i++) {
		for (int k = 0; k < i; k++)
			if (strcmp(o->ifaces[k], o->ifaces[i]) == 0)
				return fail(STAGE_USAGE, -EINVAL, NULL, "interface %s given twice",
					    o->ifaces[i]);
		if (strlen(o->ifaces[i]) >= IF_NAMESIZE)
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], "name longer than %d characters",
				    IF_NAMESIZE - 1);
		err = probe_iface(&s->probe, o->ifaces[i]);
		if (err == -EEXIST)
			return fail(STAGE_USAGE, -EINVAL, NULL, "interface %s given twice (it names the "
				    "same device as an interface before it)", o->ifaces[i]);
		if (err)
			return fail(STAGE_IFACE, err, o->ifaces[i], NULL);
	}
	return 0;
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
