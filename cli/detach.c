/* xdpcount detach IFACE...: removes leftover xdpcount programs: XDP ones
 * (netlink), our slots in a libxdp dispatcher (the dispatcher rebuilt
 * without them, or removed if ours was the last), the tc filters of a
 * clsact run (ingress, egress), and the pins of runs that are gone. Programs that are not ours stay where they
 * are; so does everything of a live xdpcount, in every mode: detach refuses
 * and names its pid. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "probe/nl.h"
#include "loader/attach.h"
#include "loader/memlock.h"
#include "loader/pin.h"
#include "probe/pin.h"
#include "probe/probe.h"

/* A live xdpcount counting on it, as the probe found it: its pid (0 none),
 * with the program id and where. */
static int live_owner(const struct probe_iface *it, uint32_t *id, const char **where)
{
	const struct { const struct probe_xdp_prog *x; const char *where; } progs[] = {
		{ &it->drv, "XDP, native" }, { &it->skb, "XDP, generic" },
		{ &it->hw, "XDP, offload" }, { &it->tc_prog, "tc, clsact" },
		{ &it->eg_prog, "tc egress, clsact" },
	};
	const struct { const struct probe_xdp_prog *x; const char *where; } links[] = {
		{ &it->tcx_prog, "tc, tcx" }, { &it->eg_tcx_prog, "tc egress, tcx" },
	};
	int pid;

	for (unsigned int i = 0; i < it->disp.n; i++) {
		const struct probe_disp_slot *d = &it->disp.slot[i];

		if (d->ours && d->alive && d->pid > 0) {
			*id = d->id;
			*where = "XDP, a dispatcher slot";
			return d->pid;
		}
	}
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		const struct probe_xdp_prog *x = progs[i].x;

		if (x->id && x->ours && x->holder_alive && x->holder_pid > 0) {
			*id = x->id;
			*where = progs[i].where;
			return x->holder_pid;
		}
	}
	/* a tcx link of ours lives only as long as the xdpcount holding it */
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (links[i].x->id && (pid = pin_holder_scan(links[i].x->id)) > 0) {
			*id = links[i].x->id;
			*where = links[i].where;
			return pid;
		}
	}
	return 0;
}

static struct probe p;

/* Removes the dispatcher slots of ours on ifindex (the probe found them,
 * and no live xdpcount holds them: refuse_live()). The number removed, or
 * -errno. */
static int detach_our_slots(int ifindex)
{
	int removed = 0;

	for (unsigned int i = 0; i < p.n_ifaces; i++) {
		const struct probe_iface *it = &p.ifaces[i];

		if (it->ifindex != ifindex)
			continue;
		for (unsigned int k = 0; k < it->disp.n; k++) {
			int err;

			if (!it->disp.slot[k].ours || it->disp.slot[k].alive)
				continue;
			memlock_unlimited(); /* the rebuilt dispatcher (before 5.11) */
			err = disp_detach_stale(ifindex, it->disp.slot[k].id);
			if (err && err != -ENOENT)
				return err;
			removed += !err;
		}
	}
	return removed;
}

/* Refuses (-EBUSY) when a live xdpcount counts on any of the interfaces. */
static int refuse_live(const struct opts *o)
{
	for (int i = 0; i < o->n_ifaces; i++) {
		int err = probe_iface(&p, o->ifaces[i]);

		if (err && err != -EEXIST)
			return fail(STAGE_IFACE, err, o->ifaces[i], NULL);
	}
	probe_tc_ifaces(&p, true);
	for (unsigned int i = 0; i < p.n_ifaces; i++) {
		const char *where = "";
		uint32_t id = 0;
		int pid = live_owner(&p.ifaces[i], &id, &where);

		if (pid)
			return fail(STAGE_DETACH, -EBUSY, p.ifaces[i].name,
				    "xdpcount pid %d counts here (program id %u, %s); stop that run "
				    "to detach it (kill -TERM %d); nothing was removed", pid, id, where,
				    pid);
	}
	return 0;
}

int cmd_detach(const struct opts *o)
{
	int err, swept;

	if (o->n_ifaces == 0)
		return fail(STAGE_USAGE, -EINVAL, NULL, "detach needs at least one IFACE");
	/* every name first: a typo in the second acts on none */
	for (int i = 0; i < o->n_ifaces; i++)
		if (!if_nametoindex(o->ifaces[i]))
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], NULL);
	err = refuse_live(o); /* and a live run on any of them: acts on none */
	if (err)
		return err;
	for (int i = 0; i < o->n_ifaces; i++) {
		int ifindex = (int)if_nametoindex(o->ifaces[i]);
		uint32_t unknown;
		int n, tc;

		if (!ifindex)
			return fail(STAGE_IFACE, -ENODEV, o->ifaces[i], NULL);
		n = detach_our_slots(ifindex);
		if (n < 0)
			return fail(STAGE_DETACH, n, o->ifaces[i], "cannot remove our dispatcher slot");
		tc = n;
		n = detach_ours(ifindex, &unknown);
		if (n < 0)
			return fail(STAGE_DETACH, n, o->ifaces[i], NULL);
		n += tc;
		tc = detach_ours_tc(ifindex);
		if (tc < 0)
			return fail(STAGE_DETACH, tc, o->ifaces[i], "cannot remove the tc filter");
		n += tc;
		if (o->verbosity >= 0 && (n || !unknown)) /* a refusal alone is said on stderr */
			printf("%s: removed %d xdpcount program%s\n", o->ifaces[i], n, n == 1 ? "" : "s");
		if (unknown) {
			struct nl_xdp_ids q = { 0 };
			const char *off = "xdp";

			/* the keyword of its mode: plain "xdp off" would not touch a
			 * generic program on a driver with native XDP */
			if (!nl_link_xdp_ids(ifindex, &q))
				off = unknown == q.skb ? "xdpgeneric" : unknown == q.hw ? "xdpoffload"
				      : "xdpdrv";
			fail(STAGE_UNOWNED, -EPERM, o->ifaces[i],
			     "program id %u is not recognisably xdpcount's: no xdpcount pin in "
			     "%s matches it, and reading its name needs CAP_SYS_ADMIN; left in "
			     "place", unknown, pin_bpffs());
			failure_todo("if you know it is xdpcount's: `ip link set dev IFACE %s off`",
				     off);
			return -EPERM;
		}
	}
	swept = pin_sweep();
	if (swept > 0 && o->verbosity >= 0)
		printf("removed %d pin%s of xdpcount runs that are gone (in %s/xdpcount)\n", swept,
		       swept == 1 ? "" : "s", pin_bpffs());
	return 0;
}
