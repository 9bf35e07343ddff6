/* The tc hooks: ingress, beside (after) someone else's XDP program, and
 * egress, for what an interface transmits. Either through tcx (a bpf_link,
 * 6.6+), or a clsact qdisc with a cls_bpf direct-action filter at
 * xdpcount's own handle and priority (the same place on both hooks). The
 * qdisc is created only if absent and removed only if we created it and
 * nobody else's filter is on it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/stats.h"
#include "loader/pin.h"
#include "loader/tc.h"
#include "probe/probe.h"

static void tc_hook(struct bpf_tc_hook *hook, int ifindex, enum bpf_tc_attach_point where)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = where;
}

static void our_place(struct bpf_tc_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = XDPCOUNT_TC_HANDLE;
	opts->priority = XDPCOUNT_TC_PRIO;
}

static int count_filter(void *ctx, const struct tcmsg *t, const char *kind)
{
	if (t->tcm_handle)
		(*(unsigned int *)ctx)++;
	return 0;
}

/* Filters on the clsact qdisc, ingress and egress, or -errno. */
static int clsact_filters(int ifindex)
{
	unsigned int n = 0;
	int err = probe_tc_dump(RTM_GETTFILTER, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
				count_filter, &n);

	if (!err)
		err = probe_tc_dump(RTM_GETTFILTER, ifindex,
				    TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS), count_filter, &n);
	return err ? err : (int)n;
}

int detach_empty_clsact(int ifindex)
{
	struct bpf_tc_hook hook;
	int n = clsact_filters(ifindex);

	if (n != 0)
		return n < 0 ? n : 0; /* someone's filters: the qdisc stays */
	tc_hook(&hook, ifindex, BPF_TC_INGRESS | BPF_TC_EGRESS);
	n = bpf_tc_hook_destroy(&hook);
	return n == -ENOENT || n == -EINVAL || n == -ENODEV ? 0 : n;
}

static enum bpf_tc_attach_point point(bool egress)
{
	return egress ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

static void clsact_seen(void *ctx, int ifindex, const char *kind)
{
	*(bool *)ctx = true;
}

/* 1 ifindex has a clsact (or ingress) qdisc, 0 not, -errno. */
static int clsact_present(int ifindex)
{
	bool seen = false;
	int err = probe_clsact_each(ifindex, clsact_seen, &seen);

	return err ? err : seen;
}

static int attach_clsact(int prog_fd, int ifindex, struct attachment *a)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err, present = clsact_present(ifindex);

	/* The filter outlives us: the pin says it is ours, and who holds it.
	 * Made first, marked as creating the qdisc when there is none, so
	 * that a kill -9 at any moment from here on leaves a pin that says
	 * what to remove; someone's qdisc is never marked, not even for the
	 * moment before the create says EEXIST. */
	a->pin_err = pin_add(prog_fd, ifindex, a->egress, present != 1, a->pin, sizeof(a->pin));
	if (a->pin_err)
		a->pin[0] = '\0';
	tc_hook(&hook, ifindex, point(a->egress));
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		goto fail;
	a->qdisc_created = !err;
	/* The qdisc came or went between the look and the create (someone
	 * else's doing): the mark follows. Without it, no pin may say the
	 * qdisc is ours: unpinned rather than wrong. */
	if (a->pin[0] && (err = pin_mark(a->pin, sizeof(a->pin), a->qdisc_created)) != 0) {
		if (!a->qdisc_created) {
			pin_remove(a->pin);
			a->pin[0] = '\0';
			a->pin_err = err;
		}
	}
	our_place(&opts);
	opts.prog_fd = prog_fd; /* flags 0: never replaces a filter */
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		if (a->qdisc_created)
			detach_empty_clsact(ifindex);
		a->qdisc_created = false;
		goto fail;
	}
	a->flags = opts.prog_id; /* attached: detach_tc() checks it is still ours */
	return 0;
fail:
	pin_remove(a->pin);
	a->pin[0] = '\0';
	return err;
}

int tc_attach(int prog_fd, int ifindex, enum attach_kind kind, bool egress,
	      struct attachment *a)
{
	attach_init(a, prog_fd, ifindex, XDP_MODE_TC, kind);
	a->egress = egress;
	if (kind == ATTACH_LINK) {
		/* First in line: what reaches the hook, before other tcx
		 * programs or legacy filters can drop it or end the chain
		 * (a program that says TCX_PASS before us would hide the
		 * packet from us: an undercount; one that drops it after us
		 * is the README's difference from tx_packets). */
		LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDPC_BPF_F_BEFORE);
		int fd = bpf_link_create(prog_fd, ifindex,
					 egress ? XDPC_BPF_TCX_EGRESS : XDPC_BPF_TCX_INGRESS, &opts);

		if (fd < 0)
			return -errno;
		a->link_fd = fd;
		return 0;
	}
	return attach_clsact(prog_fd, ifindex, a);
}

/* The program of the filter at a's place (on its hook), as
 * probe_tc_our_filter. */
static int filter_at(const struct attachment *a, uint32_t *id)
{
	return probe_tc_our_filter(a->ifindex, a->egress, id);
}

int attach_tc_check(const struct attachment *a, uint32_t *now_id)
{
	uint32_t id = 0;
	int err = filter_at(a, &id);

	*now_id = 0;
	if (err == -ENOENT || err == -EINVAL) /* no filter there; no clsact qdisc */
		return -ENOENT;
	if (err)
		return err; /* -ENODEV: the interface is gone */
	if (id == a->prog_id)
		return 0;
	*now_id = id;
	return -ENOENT;
}

int tc_detach(struct attachment *a)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	uint32_t id = 0, now = 0;
	int err;

	if (a->kind == ATTACH_LINK)
		return detach_link(a);
	if (!a->flags)
		return 0;
	/* The filter, then the qdisc, then the pin: a kill -9 meanwhile
	 * leaves the pin that says what is left (pin_sweep, the next run). */
	err = filter_at(a, &now);
	if (err && err != -ENOENT && err != -EINVAL && err != -ENODEV)
		return err;
	/* Ours still there (not replaced by someone meanwhile): remove it. */
	if (!err && prog_id_by_fd(a->prog_fd, &id, NULL) == 0 && now == id) {
		tc_hook(&hook, a->ifindex, point(a->egress));
		our_place(&opts);
		err = bpf_tc_detach(&hook, &opts);
		if (err && err != -ENOENT)
			return err;
	}
	err = 0;
	/* A qdisc we created goes, unless someone's filter is on it now. */
	if (a->qdisc_created)
		err = detach_empty_clsact(a->ifindex);
	a->flags = 0;
	a->qdisc_created = false;
	detach_forget(a);
	return err;
}

/* Removes our filter at our place on one hook (only program want_id, if not
 * 0), then the clsact qdisc if nothing else is on it. 1 removed, 0 nothing
 * of ours there (or not want_id), -errno. */
static int remove_ours(int ifindex, bool egress, uint32_t want_id)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	char pin[PIN_PATH_LEN];
	uint32_t id;
	int err, fd;

	err = probe_tc_our_filter(ifindex, egress, &id);
	if (err)
		return err == -ENOENT || err == -EINVAL ? 0 : err; /* no filter, or no qdisc */
	if (want_id && id != want_id)
		return 0;
	fd = attach_ours_fd(ifindex, id, pin, sizeof(pin));
	if (fd == -ENOENT)
		return 0; /* someone's filter at our place */
	if (fd < 0)
		return fd;
	close(fd);
	tc_hook(&hook, ifindex, point(egress));
	our_place(&opts);
	err = bpf_tc_detach(&hook, &opts);
	if (err)
		return err;
	pin_remove(pin);
	/* Whoever created the qdisc, an empty one counts nothing: a leftover
	 * of ours goes with our filter, anyone else's filters keep it. */
	err = detach_empty_clsact(ifindex);
	return err ? err : 1;
}

int detach_ours_tc(int ifindex)
{
	int in = remove_ours(ifindex, false, 0), out;

	if (in < 0)
		return in;
	out = remove_ours(ifindex, true, 0);
	return out < 0 ? out : in + out;
}

int detach_stale_tc(int ifindex, bool egress, uint32_t id)
{
	int n = remove_ours(ifindex, egress, id);

	return n < 0 ? n : n ? 0 : -ENOENT;
}
