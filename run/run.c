/* The run loop (run/run.h): attach, count, report, detach. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/caps.h"
#include "run/fault.h"
#include "run/run.h"
#include "cli/errors.h"
#include "run/health.h"
#include "run/metrics.h"
#include "run/session.h"
#include "run/sink.h"
#include "run/stop.h"
#include "loader/attach.h"
#include "loader/pin.h"
#include "log/log.h"
#include "report/fmt.h"
#include "report/report.h"

struct iface_run {
	const struct plan_iface *pi;
	struct attachment att;    /* receive: XDP or tc ingress (pi->rx) */
	struct attachment tx_att; /* transmit: tc egress (pi->tx) */
	bool attached;            /* whatever of the two the plan has */
	struct xdpcount_stats last, last_tx;
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_unix(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps until the absolute monotonic time `until`, or until a signal. */
static void sleep_until(double until)
{
	struct timespec ts;

	ts.tv_sec = (time_t)until;
	ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
	while (!stop_requested() && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
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
static int attach_egress(struct session *s, struct report *rep, struct iface_run *ir)
{
	const struct plan_iface *pi = ir->pi;
	int err = remove_stale_tc(rep, pi, true, pi->stale_tx_id, pi->stale_tx_pid);

	if (err)
		return err;
	err = attach_tc(counter_egress_prog_fd(s->counter, pi->ifindex), pi->ifindex,
			pi->tx_attach, true, &ir->tx_att);
	if (err)
		return fail_tc(pi->name, &ir->tx_att, err);
	note_unpinned(pi->name, &ir->tx_att);
	report_attached_egress(rep, pi->name, pi->ifindex, ir->tx_att.kind, ir->tx_att.prog_id,
			       pi->tx_reason);
	return 0;
}

/* XDP as planned: directly, or through a dispatcher (joined, or ours). */
static int attach_rx(int prog_fd, const struct plan_iface *pi, enum xdp_mode mode,
		     struct attachment *a)
{
	if (pi->attach == ATTACH_DISPATCHER)
		return attach_dispatcher(prog_fd, pi->ifindex, mode, pi->disp_version, a);
	return attach_xdp(prog_fd, pi->ifindex, mode, pi->attach, a);
}

/* Attaches one interface as planned: what it receives (in auto mode
 * falling back to generic when the kernel refuses native, and saying why),
 * then what it transmits. Nothing stays half-attached: a failed egress
 * attach detaches the receive side again. */
static int attach_one(struct session *s, struct report *rep, struct iface_run *ir)
{
	const struct plan_iface *pi = ir->pi;
	int prog_fd = counter_prog_fd(s->counter, pi->ifindex);
	char reason[PLAN_REASON_LEN + 160];
	int err;

	if (!pi->rx) {
		err = attach_egress(s, rep, ir);
		ir->attached = !err;
		return err;
	}
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
				false, &ir->att);
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
	err = attach_rx(prog_fd, pi, pi->mode, &ir->att);
	if (plan_may_fall_back(pi, err)) {
		const char *kmsg = ir->att.kmsg[0] ? ir->att.kmsg : NULL;
		char why[200];

		snprintf(why, sizeof(why), "%s%s%s", failure_cause(STAGE_ATTACH, err),
			 kmsg ? ": " : "", kmsg ? kmsg : "");
		report_fallback(rep, pi->name, why);
		snprintf(reason, sizeof(reason), "native refused (%s); generic fallback", why);
		err = attach_rx(prog_fd, pi, XDP_MODE_GENERIC, &ir->att);
	}
attached:
	if (err && pi->mode == XDP_MODE_TC)
		return fail_tc(pi->name, &ir->att, err);
	if (err) {
		const char *kmsg = ir->att.kmsg[0] ? ir->att.kmsg : NULL;

		if (kmsg)
			return fail(STAGE_ATTACH, err, pi->name, "%s (kernel: %s)",
				    failure_cause(STAGE_ATTACH, err), kmsg);
		return fail(STAGE_ATTACH, err, pi->name, NULL);
	}
	ir->attached = true;
	note_unpinned(pi->name, &ir->att);
	if (pi->mode == XDP_MODE_TC && pi->unowned_reason[0])
		log_msg(LOG_NORMAL, "xdpcount: %s: counting at tc: %s\n", pi->name, pi->unowned_reason);
	report_attached(rep, pi->name, pi->ifindex, ir->att.mode, ir->att.kind,
			ir->att.prog_id,
			reason);
	if (pi->tx) {
		err = attach_egress(s, rep, ir);
		if (err) {
			detach_xdp(&ir->att);
			ir->attached = false;
			return err;
		}
	}
	return 0;
}

/* The attachment the watch follows: receive's, or egress's when only
 * transmit is counted. */
static const struct attachment *watched(const struct iface_run *ir)
{
	return ir->pi->rx ? &ir->att : &ir->tx_att;
}

/* Interface i's totals of each direction it counts, as of the last read. */
static int sums(struct session *s, const struct iface_run *ir, struct iface_stats *st)
{
	struct xdpcount_stats rx = { 0, 0 }, tx = { 0, 0 };
	int err = 0;

	st->no_rx = !ir->pi->rx;
	st->tx = ir->pi->tx;
	if (ir->pi->rx)
		err = counter_sum(s->counter, ir->pi->ifindex, &rx);
	if (!err && ir->pi->tx)
		err = counter_sum_dir(s->counter, ir->pi->ifindex, true, &tx);
	st->packets = rx.packets, st->bytes = rx.bytes;
	st->tx_packets = tx.packets, st->tx_bytes = tx.bytes;
	return err;
}

static int report_all(struct session *s, struct report *rep, const struct health *h,
		      struct iface_run *irs, int n, double dt)
{
	double t = now_unix();
	int err = counter_read_all(s->counter);

	if (err)
		return fail(STAGE_READ, err, n == 1 ? health_name(h, 0) : NULL, NULL);
	for (int i = 0; i < n; i++) {
		struct iface_run *ir = &irs[i];
		struct iface_stats st;

		if (health_fault(h, i) != WATCH_OK)
			continue;
		err = sums(s, ir, &st);
		if (err)
			return fail(STAGE_READ, err, health_name(h, i), NULL);
		st.iface = health_name(h, i);
		st.ifindex = ir->pi->ifindex;
		st.pps = dt > 0 ? (double)(st.packets - ir->last.packets) / dt : 0;
		st.bps = dt > 0 ? (double)(st.bytes - ir->last.bytes) * 8 / dt : 0;
		st.tx_pps = dt > 0 ? (double)(st.tx_packets - ir->last_tx.packets) / dt : 0;
		st.tx_bps = dt > 0 ? (double)(st.tx_bytes - ir->last_tx.bytes) * 8 / dt : 0;
		ir->last = (struct xdpcount_stats){ st.packets, st.bytes };
		ir->last_tx = (struct xdpcount_stats){ st.tx_packets, st.tx_bytes };
		report_stats(rep, t, &st);
	}
	err = report_flush(rep); /* into the stdout queue: fails only once a write failed */
	return err ? fail(STAGE_OUTPUT, err, NULL, NULL) : 0;
}

/* Detaches everything attached, then reports the final totals. A netlink
 * program on an interface that left this namespace is said to stay there. */
static int detach_all(struct session *s, struct report *rep, struct health *h,
		      struct iface_run *irs, int n)
{
	int ret = 0;
	bool read = false;

	for (int i = 0; i < n; i++) {
		int err;

		if (!irs[i].attached)
			continue;
		if (health_fault(h, i) == WATCH_DELETED && (watched(&irs[i])->kind == ATTACH_NETLINK ||
							     watched(&irs[i])->kind == ATTACH_DISPATCHER)) {
			/* the programs went with the interface */
			detach_forget(&irs[i].att);
			detach_forget(&irs[i].tx_att);
			continue;
		}
		/* egress first: a clsact qdisc the receive side created goes
		 * with the receive side's filter, once nothing else is on it */
		err = irs[i].pi->tx ? detach_xdp(&irs[i].tx_att) : 0;
		if (err) {
			err = fail(STAGE_DETACH, err, health_name(h, i), NULL);
			if (!ret)
				ret = err;
		}
		err = irs[i].pi->rx ? detach_xdp(&irs[i].att) : 0;
		if (err == -ENODEV && (irs[i].att.kind == ATTACH_NETLINK ||
				       irs[i].att.kind == ATTACH_DISPATCHER) &&
		    irs[i].att.mode != XDP_MODE_TC)
			err = fail_left_behind(health_name(h, i), health_iface(h, i),
					       irs[i].att.prog_id);
		else if (err)
			err = fail(STAGE_DETACH, err, health_name(h, i), NULL);
		if (err && !ret)
			ret = err;
	}
	/* Everything is detached: one read has the final totals. */
	for (int i = 0; i < n; i++) {
		struct iface_stats fin = { .iface = health_name(h, i) };

		if (!irs[i].attached)
			continue;
		irs[i].attached = false;
		if (health_fault(h, i) != WATCH_OK)
			continue; /* its "lost" event had the final totals */
		if (!read)
			read = counter_read_all(s->counter) == 0;
		if (!read || sums(s, &irs[i], &fin)) {
			fin.packets = irs[i].last.packets, fin.bytes = irs[i].last.bytes;
			fin.tx_packets = irs[i].last_tx.packets, fin.tx_bytes = irs[i].last_tx.bytes;
		}
		report_detached_stats(rep, &fin);
		/* for the last textfile */
		irs[i].last = (struct xdpcount_stats){ fin.packets, fin.bytes };
		irs[i].last_tx = (struct xdpcount_stats){ fin.tx_packets, fin.tx_bytes };
	}
	return ret;
}

/* The final lines, within the stop deadline: a blocked stdout loses them
 * (and says so through the exit status) instead of holding the exit. */
static int final_flush(struct report *rep, struct sink *out)
{
	int err = report_flush(rep);

	if (!err)
		err = sink_drain(out, STOP_OUTPUT_DEADLINE_S);
	stop_disarm_deadline();
	if (err == -ETIMEDOUT) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null >= 0) { /* nothing may block at exit either (the JSON error event) */
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	}
	return err ? fail(STAGE_OUTPUT, err, NULL, NULL) : 0;
}

struct read_probe {
	struct session *s;
	int ifindex;
};

static int can_still_read(void *ctx)
{
	struct read_probe *rp = ctx;
	struct xdpcount_stats st;

	return counter_read(rp->s->counter, rp->ifindex, &st);
}

/* After attaching, keep only what the rest of the run needs. */
static void drop_privileges(struct session *s, struct iface_run *irs, int n)
{
	struct read_probe rp = { s, n ? irs[0].pi->ifindex : 0 };
	bool netlink = false, disp = false;
	uint64_t kept;
	char names[64];
	int err;

	for (int i = 0; i < n; i++) {
		netlink |= (irs[i].pi->rx && irs[i].att.kind == ATTACH_NETLINK) ||
			   (irs[i].pi->tx && irs[i].tx_att.kind == ATTACH_NETLINK);
		disp |= irs[i].pi->rx && irs[i].att.kind == ATTACH_DISPATCHER;
	}
	err = caps_drop_after_attach(netlink, disp, can_still_read, &rp, &kept);
	if (err)
		log_msg(LOG_VERBOSE, "xdpcount: could not drop capabilities (%s)\n", strerror(-err));
	else
		log_msg(LOG_VERBOSE, "xdpcount: attached; capabilities kept: %s\n",
			caps_names(kept, names, sizeof(names)));
}

/* For a death where no handler can detach (cli/stop.h): what stays where. */
static void note_left(struct iface_run *irs, int n)
{
	char note[STOP_NOTE_LEN] = "";
	size_t len = 0;

	for (int i = 0; i < n * 2 && len < sizeof(note); i++) {
		const struct iface_run *ir = &irs[i / 2];
		const struct attachment *a = i % 2 ? &ir->tx_att : &ir->att;

		if (!ir->attached || !(i % 2 ? ir->pi->tx : ir->pi->rx) ||
		    (a->kind != ATTACH_NETLINK && a->kind != ATTACH_DISPATCHER))
			continue; /* a link goes with the process */
		len += (size_t)snprintf(note + len, sizeof(note) - len,
					"%sprogram id %u stays on %s (%s, pinned at %s; `xdpcount detach %s` "
					"or the next run there removes it)", len ? "; " : "", a->prog_id,
					ir->pi->name, a->kind == ATTACH_DISPATCHER ? "a dispatcher slot"
						      : a->mode != XDP_MODE_TC ? "XDP netlink"
						      : a->egress ? "tc egress clsact filter"
								  : "tc clsact filter",
					a->pin[0] ? a->pin : "nowhere", ir->pi->name);
	}
	stop_note_left(len ? note : NULL);
}

static void report_plan_all(struct session *s, struct report *rep)
{
	for (unsigned int i = 0; i < s->plan.n_ifaces; i++)
		report_plan(rep, &s->plan, &s->plan.ifaces[i]);
}

/* A down interface is attached and counted from when it comes up (a unit
 * may start before its link does): said on stderr, not refused. */
static void note_down(const struct session *s, const struct plan_iface *pi)
{
	for (unsigned int k = 0; k < s->probe.n_ifaces; k++) {
		const struct probe_iface *it = &s->probe.ifaces[k];

		if (it->ifindex == pi->ifindex && !it->up)
			log_msg(LOG_QUIET, "xdpcount: %s is down: it receives and sends nothing "
				"until it is up (ip link set dev %s up); counting goes on\n",
				FMT_NAME(pi->name), FMT_NAME(pi->name));
	}
}

int run_refusal(const struct plan *plan)
{
	for (unsigned int i = 0; i < plan->n_ifaces; i++) {
		const struct plan_iface *pi = &plan->ifaces[i];

		switch (pi->refusal) {
		case REFUSE_NONE:
			break;
		case REFUSE_FOREIGN:
			if (pi->mode == XDP_MODE_TC || pi->tx_refused) /* someone's filter at our tc place */
				return fail(STAGE_TC, -EEXIST, pi->name, "%s", pi->reason);
			fail(STAGE_FOREIGN, -EEXIST, pi->name, "%s", pi->reason);
			if (pi->foreign_off)
				failure_todo("remove that program first (`ip link set dev IFACE %s "
					     "off`), or count on another interface", pi->foreign_off);
			else
				failure_todo("remove it with libxdp (`xdp-loader unload IFACE "
					     "--all`), or count on another interface");
			return -EEXIST;
		case REFUSE_MODE:
			return fail(STAGE_ATTACH, -EOPNOTSUPP, pi->name, "%s", pi->reason);
		case REFUSE_ATTACH:
			return fail(pi->mode == XDP_MODE_TC || pi->tx_refused ? STAGE_TC : STAGE_ATTACH,
				    -ENOLINK,
				    pi->name, "%s", pi->reason);
		case REFUSE_OURS:
			fail(STAGE_ATTACH, -EEXIST, pi->name, "%s", pi->reason);
			if (pi->ours_pid)
				failure_todo("stop that run first (kill -TERM %d), or count on "
					     "another interface", pi->ours_pid);
			return -EEXIST;
		case REFUSE_MISSING:
			return fail(STAGE_IFACE, -ENODEV, pi->name, NULL);
		}
	}
	if (plan->verdict == VERDICT_INCOMPATIBLE)
		return fail(STAGE_PLAN, plan->verdict_err ? plan->verdict_err : -EOPNOTSUPP, NULL, "%s",
			    plan->n_reasons ? plan->reasons[0] : "the plan says no");
	return 0;
}

int run_count(const struct opts *o)
{
	static struct session s;
	static struct health h;
	static struct metrics met;
	static struct identity id;
	struct iface_run irs[PROBE_MAX_IFACES];
	struct report rep;
	struct sink *out = sink_open(STDOUT_FILENO); /* stdout never stalls the run */
	unsigned long reports = 0;
	bool flushed = false;
	double last, next;
	int n = 0, err;

	if (!out)
		return fail(STAGE_OUTPUT, -errno, NULL, "cannot start the thread that writes stdout "
			    "(%s)", strerror(errno));
	report_init(&rep, sink_file(out), o->json, o->verbosity < 0);
	identity_get(&id);
	rep.hostname = id.hostname;
	report_start(&rep, &id, (long)getpid());
	err = session_plan(&s, o, IFACE_DEFAULT_ROUTE, false);
	if (err) {
		final_flush(&rep, out);
		sink_close(out);
		return err;
	}
	if (s.default_iface_note && !rep.quiet)
		log_msg(LOG_NORMAL, "xdpcount: no interface given; using %s (IPv4 default route)\n",
			s.default_iface_note);
	err = run_metrics_open(&met, o, &s); /* a busy port fails before anything loads */
	if (!err)
		err = run_refusal(&s.plan);
	if (!err) {
		report_plan_all(&s, &rep);
		err = session_load(&s);
	}
	if (!err && stop_install())
		err = fail(STAGE_SIGNAL, -errno, NULL, NULL);
	if (err)
		goto out;

	n = (int)s.plan.n_ifaces;
	memset(irs, 0, sizeof(irs));
	health_init(&h, &rep, s.counter, o->keep_going);
	for (int i = 0; i < n; i++) {
		irs[i].pi = &s.plan.ifaces[i];
		if (irs[i].pi->rx && irs[i].pi->attach == ATTACH_DISPATCHER &&
		    irs[i].pi->mode != XDP_MODE_TC)
			err = session_load_slot(&s, irs[i].pi->name, irs[i].pi->ifindex);
		else
			err = session_load_iface(&s, irs[i].pi->name, irs[i].pi->ifindex,
						 irs[i].pi->variant);
		if (!err && irs[i].pi->rx && irs[i].pi->tx)
			err = session_load_iface(&s, irs[i].pi->name, irs[i].pi->ifindex,
						 VARIANT_EGRESS);
		if (err)
			goto detach;
	}
	pin_sweep(); /* pins of runs that are gone, whose programs went before them */
	for (int i = 0; i < n && !stop_requested(); i++) {
		err = attach_one(&s, &rep, &irs[i]);
		run_metrics_attached(&met, i, err, irs[i].pi->rx ? &irs[i].att : NULL,
				     irs[i].pi->tx ? &irs[i].tx_att : NULL);
		if (err)
			goto detach; /* nothing stays half-attached */
		note_down(&s, irs[i].pi);
		health_add(&h, i, watched(&irs[i]),
			   irs[i].pi->rx && irs[i].pi->tx ? &irs[i].tx_att : NULL, irs[i].pi->name);
		note_left(irs, i + 1);
	}
	err = run_metrics_publish(&met, true);
	if (err)
		goto detach;
	if (report_flush(&rep)) {
		err = fail(STAGE_OUTPUT, errno ? -errno : -EIO, NULL, NULL);
		goto detach;
	}
	drop_privileges(&s, irs, n);

	last = now_mono();
	next = last + o->interval;
	while (!stop_requested()) {
		double t;

		if (met.listen_fd >= 0)
			metrics_serve_until(&met, next, stop_requested);
		else
			sleep_until(next);
		if (stop_requested())
			break;
		err = health_step(&h);
		if (err)
			break;
		t = now_mono();
		err = report_all(&s, &rep, &h, irs, n, t - last);
		for (int i = 0; i < n && !err; i++)
			run_metrics_counts(&met, i, health_name(&h, i),
					   health_fault(&h, i) != WATCH_OK, irs[i].last.packets,
					   irs[i].last.bytes, irs[i].last_tx.packets,
					   irs[i].last_tx.bytes);
		if (!err)
			err = run_metrics_publish(&met, true);
		if (err)
			break;
		last = t;
		next += o->interval;
		if (next < t) /* we fell behind (suspend): re-anchor */
			next = t + o->interval;
		if (o->count && ++reports >= o->count)
			break;
	}
detach:
	stop_arm_deadline();
	if (!err)
		err = health_step(&h); /* what changed since the last look */
	{
		int derr = detach_all(&s, &rep, &h, irs, n);
		int ferr;

		stop_note_left(NULL);
		ferr = final_flush(&rep, out);

		flushed = true;
		for (int i = 0; i < h.n; i++) /* the last textfile: final totals, lost ones */
			run_metrics_counts(&met, i, health_name(&h, i),
					   health_fault(&h, i) != WATCH_OK, irs[i].last.packets,
					   irs[i].last.bytes, irs[i].last_tx.packets,
					   irs[i].last_tx.bytes);

		if (!err)
			err = derr ? derr : ferr;
	}
	if (!err && h.lost)
		err = fail(STAGE_LOST, -ENODEV, h.lost == 1 ? "1 interface" : "interfaces",
			   "%d of %d lost while counting (reported above)", h.lost, h.n);
	health_close(&h);
out:
	if (!flushed) { /* what was said before the failure */
		int ferr = final_flush(&rep, out);

		if (!err)
			err = ferr;
	}
	run_metrics_close(&met);
	session_close(&s);
	sink_close(out);
	if (stop_requested() && !stop_is_normal(stop_requested())) {
		fflush(stdout);
		if (!err)
			fail(STAGE_STOPPED, -EINTR, stop_signal_name(stop_requested()), NULL);
		failure_report();
		stop_reraise(stop_requested());
	}
	return err;
}
