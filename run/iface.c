#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/errors.h"
#include "loader/pin.h"
#include "log/log.h"
#include "probe/clock.h"
#include "run/fault.h"
#include "run/iface.h"

void run_iface_plan(struct run_iface *ri, const struct plan_iface *pi)
{
	struct attachment *tx = ri->tx_att;

	memset(ri, 0, sizeof(*ri));
	ri->tx_att = tx;
	if (pi->tx) {
		memset(tx, 0, sizeof(*tx));
		tx->prog_fd = tx->link_fd = -1;
	}
	ri->state = RUN_PLANNED;
	ri->ifindex = pi->ifindex;
	ri->rx = pi->rx;
	ri->tx = pi->tx;
	ri->refused = pi->refusal != REFUSE_NONE;
	ri->att.prog_fd = ri->att.link_fd = -1;
	snprintf(ri->wi.name, sizeof(ri->wi.name), "%s", pi->name);
}

int run_iface_load(struct run_iface *ri, struct session *s, const struct plan_iface *pi)
{
	int err;

	if (pi->rx && pi->attach == ATTACH_DISPATCHER && pi->mode != XDP_MODE_TC)
		err = session_load_slot(s, pi->name, pi->ifindex);
	else
		err = session_load_iface(s, pi->name, pi->ifindex, pi->variant);
	if (!err && pi->rx && pi->tx)
		err = session_load_iface(s, pi->name, pi->ifindex, VARIANT_EGRESS);
	return err;
}

/* A tc attach (either hook) that failed: the one line, with the kernel's
 * words where it had any. */
static int fail_tc(const char *name, const struct attachment *a, int err)
{
	if (a->kmsg[0])
		return fail(STAGE_TC, err, name, "%s (kernel: %s)", failure_cause(STAGE_TC, err),
			    a->kmsg);
	return fail(STAGE_TC, err, name, NULL);
}

/* Removes our stale cls_bpf filter (program id, left by pid) from one tc
 * hook of pi's interface, if there is one. */
static int remove_stale_tc(struct report *rep, const struct plan_iface *pi, bool egress,
			   uint32_t id, int pid)
{
	int err;

	if (!id)
		return 0;
	err = detach_stale_tc(pi->ifindex, egress, id);
	if (err && err != -ENOENT) /* gone meanwhile: nothing to remove */
		return fail(STAGE_DETACH, err, pi->name, "cannot remove our stale tc %sfilter "
			    "(program id %u) (%s)", egress ? "egress " : "", id,
			    failure_cause(STAGE_DETACH, err));
	if (!err)
		report_stale_removed(rep, pi->name, id, pid);
	return 0;
}

/* A netlink attachment (XDP, or a clsact filter) outlives a run that dies
 * before detaching: without its pin, nothing but its name (which needs
 * CAP_SYS_ADMIN to read) tells a later run that what it left is ours. */
static void note_unpinned(const char *name, const struct attachment *a)
{
	if ((a->kind != ATTACH_NETLINK && a->kind != ATTACH_DISPATCHER) || !a->pin_err)
		return; /* a link goes with the process */
	log_msg(LOG_NORMAL, "xdpcount: %s: cannot pin the %s in %s (%s): should this run die "
		"without detaching, a later run without CAP_SYS_ADMIN cannot recognise what it "
		"leaves as xdpcount's\n", name,
		a->mode != XDP_MODE_TC ? "XDP program" : a->egress ? "tc egress filter" : "tc filter",
		pin_bpffs(), a->pin_err == -EMEDIUMTYPE ? "no bpffs mounted there"
							: strerror(-a->pin_err));
}

/* The tc egress hook of one interface, after a stale filter of ours there
 * is removed. */
static int attach_egress(struct run_iface *ri, struct session *s, struct report *rep,
			 const struct plan_iface *pi)
{
	int err = remove_stale_tc(rep, pi, true, pi->stale_tx_id, pi->stale_tx_pid);

	if (err)
		return err;
	err = attach_tc(counter_egress_prog_fd(s->counter, pi->ifindex), pi->ifindex,
			pi->tx_attach, true, ri->tx_att);
	if (err)
		return fail_tc(pi->name, ri->tx_att, err);
	note_unpinned(pi->name, ri->tx_att);
	report_attached_egress(rep, pi->name, pi->ifindex, ri->tx_att->kind, ri->tx_att->prog_id,
			       pi->tx_reason);
	return 0;
}

/* XDP as planned: directly, or through a dispatcher (joined, or ours). */
static int attach_hook(int prog_fd, const struct plan_iface *pi, enum xdp_mode mode,
		       struct attachment *a)
{
	if (pi->attach == ATTACH_DISPATCHER)
		return attach_dispatcher(prog_fd, pi->ifindex, mode, pi->disp_version, a);
	return attach_xdp(prog_fd, pi->ifindex, mode, pi->attach, a);
}

static int attach_rx(struct run_iface *ri, struct session *s, struct report *rep,
		     const struct plan_iface *pi)
{
	int prog_fd = counter_prog_fd(s->counter, pi->ifindex);
	char reason[PLAN_REASON_LEN + 160];
	int err;

	snprintf(reason, sizeof(reason), "%s", pi->reason);
	if (pi->stale_id) {
		err = detach_stale(pi->ifindex, pi->stale_id, pi->stale_mode);
		if (err)
			return fail(STAGE_DETACH, err, pi->name, "cannot remove our stale program id %u "
				    "(%s)", pi->stale_id, failure_cause(STAGE_DETACH, err));
		report_stale_removed(rep, pi->name, pi->stale_id, pi->stale_pid);
	}
	err = remove_stale_tc(rep, pi, false, pi->stale_tc_id, pi->stale_tc_pid);
	if (err)
		return err;
	if (pi->mode == XDP_MODE_TC) {
		err = attach_tc(counter_tc_prog_fd(s->counter, pi->ifindex), pi->ifindex, pi->attach,
				false, &ri->att);
		if (err)
			return fail_tc(pi->name, &ri->att, err);
		goto attached;
	}
	if (pi->stale_slot_id) {
		err = disp_detach_stale(pi->ifindex, pi->stale_slot_id);
		if (err && err != -ENOENT)
			return fail(STAGE_DETACH, err, pi->name, "cannot remove our stale dispatcher "
				    "slot (program id %u) (%s)", pi->stale_slot_id,
				    failure_cause(STAGE_DETACH, err));
		if (!err)
			report_stale_removed(rep, pi->name, pi->stale_slot_id, pi->stale_slot_pid);
	}
	err = attach_hook(prog_fd, pi, pi->mode, &ri->att);
	if (plan_may_fall_back(pi, err)) {
		const char *kmsg = ri->att.kmsg[0] ? ri->att.kmsg : NULL;
		char why[sizeof(ri->att.kmsg) + 64];

		snprintf(why, sizeof(why), "%s%s%s", failure_cause(STAGE_ATTACH, err),
			 kmsg ? ": " : "", kmsg ? kmsg : "");
		report_fallback(rep, pi->name, why);
		snprintf(reason, sizeof(reason), "native refused (%s); generic fallback", why);
		err = attach_hook(prog_fd, pi, XDP_MODE_GENERIC, &ri->att);
	}
	if (err) {
		const char *kmsg = ri->att.kmsg[0] ? ri->att.kmsg : NULL;

		if (kmsg)
			return fail(STAGE_ATTACH, err, pi->name, "%s (kernel: %s)",
				    failure_cause(STAGE_ATTACH, err), kmsg);
		return fail(STAGE_ATTACH, err, pi->name, NULL);
	}
attached:
	note_unpinned(pi->name, &ri->att);
	if (pi->mode == XDP_MODE_TC && pi->unowned_reason[0])
		log_msg(LOG_NORMAL, "xdpcount: %s: counting at tc: %s\n", pi->name, pi->unowned_reason);
	report_attached(rep, pi->name, pi->ifindex, ri->att.mode, ri->att.kind, ri->att.prog_id,
			reason);
	return 0;
}

int run_iface_attach(struct run_iface *ri, struct session *s, struct report *rep,
		     const struct plan_iface *pi)
{
	int err;

	if (!pi->rx) {
		err = attach_egress(ri, s, rep, pi);
		goto out;
	}
	err = attach_rx(ri, s, rep, pi);
	if (!err && pi->tx) {
		err = attach_egress(ri, s, rep, pi);
		if (err)
			detach_attachment(&ri->att);
	}
out:
	ri->attached = !err;
	if (err)
		ri->refused = true; /* for the metrics: it will not count */
	else
		ri->state = RUN_ATTACHED, ri->since = mono_now();
	return err;
}

const struct attachment *run_iface_watched(const struct run_iface *ri)
{
	return ri->rx ? &ri->att : ri->tx_att;
}

void run_iface_count(struct run_iface *ri, struct watch *w)
{
	char name[IF_NAMESIZE];

	memcpy(name, ri->wi.name, sizeof(name));
	memset(&ri->wi, 0, sizeof(ri->wi));
	ri->wi.att = run_iface_watched(ri);
	ri->wi.tx_att = ri->rx && ri->tx ? ri->tx_att : NULL;
	ri->wi.new_nsid = -1;
	memcpy(ri->wi.name, name, sizeof(name));
	watch_add(w, &ri->wi);
	ri->state = RUN_COUNTING;
}

const char *run_iface_name(const struct run_iface *ri)
{
	return ri->wi.name;
}

int run_iface_sums(const struct run_iface *ri, struct counter *c, struct iface_stats *st)
{
	struct xdpcount_stats rx = { 0, 0 }, tx = { 0, 0 };
	int err = 0;

	st->no_rx = !ri->rx;
	st->tx = ri->tx;
	if (ri->rx)
		err = counter_sum(c, ri->ifindex, &rx);
	if (!err && ri->tx)
		err = counter_sum_dir(c, ri->ifindex, true, &tx);
	st->packets = rx.packets, st->bytes = rx.bytes;
	st->tx_packets = tx.packets, st->tx_bytes = tx.bytes;
	return err;
}

int run_iface_report(struct run_iface *ri, struct counter *c, struct report *rep, double t,
		     double now)
{
	double dt = now - ri->since;
	struct iface_stats st;
	int err = run_iface_sums(ri, c, &st);

	if (err)
		return fail(STAGE_READ, err, run_iface_name(ri), NULL);
	st.iface = run_iface_name(ri);
	st.ifindex = ri->ifindex;
	st.pps = dt > 0 ? (double)(st.packets - ri->last.packets) / dt : 0;
	st.bps = dt > 0 ? (double)(st.bytes - ri->last.bytes) * 8 / dt : 0;
	st.tx_pps = dt > 0 ? (double)(st.tx_packets - ri->last_tx.packets) / dt : 0;
	st.tx_bps = dt > 0 ? (double)(st.tx_bytes - ri->last_tx.bytes) * 8 / dt : 0;
	ri->last = (struct xdpcount_stats){ st.packets, st.bytes };
	ri->last_tx = (struct xdpcount_stats){ st.tx_packets, st.tx_bytes };
	ri->since = now;
	report_stats(rep, t, &st);
	return 0;
}

int run_iface_detach(struct run_iface *ri)
{
	const char *name = run_iface_name(ri);
	int ret = 0, err;

	if (!ri->attached)
		return 0;
	if (ri->wi.fault == WATCH_DELETED && (run_iface_watched(ri)->kind == ATTACH_NETLINK ||
					      run_iface_watched(ri)->kind == ATTACH_DISPATCHER)) {
		/* the programs went with the interface */
		detach_forget(&ri->att);
		if (ri->tx)
			detach_forget(ri->tx_att);
		return 0;
	}
	/* egress first: a clsact qdisc the receive side created goes with the
	 * receive side's filter, once nothing else is on it */
	err = ri->tx ? detach_attachment(ri->tx_att) : 0;
	if (err)
		ret = fail(STAGE_DETACH, err, name, NULL);
	err = ri->rx ? detach_attachment(&ri->att) : 0;
	if (err == -ENODEV && (ri->att.kind == ATTACH_NETLINK || ri->att.kind == ATTACH_DISPATCHER) &&
	    ri->att.mode != XDP_MODE_TC)
		err = fail_left_behind(name, &ri->wi, ri->att.prog_id);
	else if (err)
		err = fail(STAGE_DETACH, err, name, NULL);
	return ret ? ret : err;
}

void run_iface_final(struct run_iface *ri, struct counter *c, struct report *rep, bool read)
{
	struct iface_stats fin = { .iface = run_iface_name(ri) };

	if (!ri->attached)
		return;
	ri->attached = false;
	if (ri->state != RUN_COUNTING && ri->state != RUN_ATTACHED)
		return; /* lost: its "lost" event had the final totals */
	ri->state = RUN_DETACHED;
	if (!read || run_iface_sums(ri, c, &fin)) {
		fin.packets = ri->last.packets, fin.bytes = ri->last.bytes;
		fin.tx_packets = ri->last_tx.packets, fin.tx_bytes = ri->last_tx.bytes;
	}
	report_detached_stats(rep, &fin);
	/* for the last textfile */
	ri->last = (struct xdpcount_stats){ fin.packets, fin.bytes };
	ri->last_tx = (struct xdpcount_stats){ fin.tx_packets, fin.tx_bytes };
}

size_t run_iface_note_left(const struct run_iface *ri, char *note, size_t len, size_t size)
{
	for (int k = 0; k < 2 && len < size; k++) {
		const struct attachment *a = k ? ri->tx_att : &ri->att;

		if (!ri->attached || !(k ? ri->tx : ri->rx) || !a ||
		    (a->kind != ATTACH_NETLINK && a->kind != ATTACH_DISPATCHER))
			continue; /* a link goes with the process */
		len += (size_t)snprintf(note + len, size - len,
					"%sprogram id %u stays on %s (%s, pinned at %s; `xdpcount detach %s` "
					"or the next run there removes it)", len ? "; " : "", a->prog_id,
					run_iface_name(ri), a->kind == ATTACH_DISPATCHER ? "a dispatcher slot"
						      : a->mode != XDP_MODE_TC ? "XDP netlink"
						      : a->egress ? "tc egress clsact filter"
								  : "tc clsact filter",
					a->pin[0] ? a->pin : "nowhere", run_iface_name(ri));
	}
	return len;
}
