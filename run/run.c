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
#include "run/iface.h"
#include "run/metrics.h"
#include "run/session.h"
#include "run/sink.h"
#include "run/stop.h"
#include "loader/attach.h"
#include "loader/pin.h"
#include "log/log.h"
#include "report/fmt.h"
#include "report/report.h"
#include "probe/clock.h"

/* Sleeps until the absolute monotonic time `until`, or until a signal. */
static void sleep_until(double until)
{
	struct timespec ts;

	ts.tv_sec = (time_t)until;
	ts.tv_nsec = (long)((until - (double)ts.tv_sec) * 1e9);
	while (!stop_requested() && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* What the run holds: one object per interface (run/iface.h), in the
 * plan's order. */
struct run {
	struct session *s;
	struct report *rep;
	struct health *h;
	struct run_iface *ifs;
	struct run_iface **all; /* &ifs[i], the order the sinks show them in */
	int n;
};

static int report_all(struct run *r, double dt)
{
	double t = unix_now();
	int err = counter_read_all(r->s->counter);

	if (err)
		return fail(STAGE_READ, err, r->n == 1 ? run_iface_name(&r->ifs[0]) : NULL, NULL);
	for (int i = 0; i < r->n && !err; i++)
		if (r->ifs[i].state == RUN_COUNTING)
			err = run_iface_report(&r->ifs[i], r->s->counter, r->rep, t, dt);
	if (err)
		return err;
	err = report_flush(r->rep); /* into the stdout queue: fails only once a write failed */
	return err ? fail(STAGE_OUTPUT, err, NULL, NULL) : 0;
}

/* Detaches everything attached, then reports the final totals. A netlink
 * program on an interface that left this namespace is said to stay there. */
static int detach_all(struct run *r)
{
	bool read = false, any = false;
	int ret = 0;

	for (int i = 0; i < r->n; i++) {
		int err = run_iface_detach(&r->ifs[i]);

		any |= r->ifs[i].attached && r->ifs[i].state != RUN_LOST;
		if (err && !ret)
			ret = err;
	}
	/* Everything is detached: one read has the final totals. */
	if (any)
		read = counter_read_all(r->s->counter) == 0;
	for (int i = 0; i < r->n; i++)
		run_iface_final(&r->ifs[i], r->s->counter, r->rep, read);
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
static void drop_privileges(struct run *r)
{
	struct read_probe rp = { r->s, r->n ? r->ifs[0].ifindex : 0 };
	bool netlink = false, disp = false;
	uint64_t kept;
	char names[64];
	int err;

	for (int i = 0; i < r->n; i++) {
		netlink |= (r->ifs[i].rx && r->ifs[i].att.kind == ATTACH_NETLINK) ||
			   (r->ifs[i].tx && r->ifs[i].tx_att.kind == ATTACH_NETLINK);
		disp |= r->ifs[i].rx && r->ifs[i].att.kind == ATTACH_DISPATCHER;
	}
	err = caps_drop_after_attach(netlink, disp, can_still_read, &rp, &kept);
	if (err)
		log_msg(LOG_VERBOSE, "xdpcount: could not drop capabilities (%s)\n", strerror(-err));
	else
		log_msg(LOG_VERBOSE, "xdpcount: attached; capabilities kept: %s\n",
			caps_names(kept, names, sizeof(names)));
}

/* For a death where no handler can detach (run/stop.h): what stays where. */
static void note_left(const struct run *r)
{
	char note[STOP_NOTE_LEN] = "";
	size_t len = 0;

	for (int i = 0; i < r->n; i++)
		len = run_iface_note_left(&r->ifs[i], note, len, sizeof(note));
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
	static struct run_iface ifs[PROBE_MAX_IFACES];
	static struct run_iface *all[PROBE_MAX_IFACES];
	struct report rep;
	struct run r = { &s, &rep, &h, ifs, all, 0 };
	struct sink *out = sink_open(STDOUT_FILENO); /* stdout never stalls the run */
	unsigned long reports = 0;
	bool flushed = false;
	double last, next;
	int err;

	if (!out)
		return fail(STAGE_OUTPUT, -errno, NULL, "cannot start the thread that writes stdout "
			    "(%s)", strerror(errno));
	report_init(&rep, sink_file(out), o->json, o->verbosity < 0);
	if (!o->json) /* stdout has the counts; what happens goes to stderr */
		rep.diag = stderr;
	rep.verbose = o->verbosity > 0;
	rep.timestamps = o->timestamps;
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
	for (unsigned int i = 0; i < s.plan.n_ifaces; i++) { /* planned */
		run_iface_plan(&ifs[i], &s.plan.ifaces[i]);
		all[r.n++] = &ifs[i];
	}
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

	health_init(&h, &rep, s.counter, o->keep_going);
	for (int i = 0; i < r.n && !err; i++)
		err = run_iface_load(&ifs[i], &s, &s.plan.ifaces[i]);
	if (err)
		goto detach;
	pin_sweep(); /* pins of runs that are gone, whose programs went before them */
	for (int i = 0; i < r.n && !stop_requested(); i++) {
		err = run_iface_attach(&ifs[i], &s, &rep, &s.plan.ifaces[i]);
		if (err)
			goto detach; /* nothing stays half-attached */
		note_down(&s, &s.plan.ifaces[i]);
		health_add(&h, &ifs[i]);
		note_left(&r);
	}
	err = run_metrics_publish(&met, all, r.n, true);
	if (err)
		goto detach;
	if (report_flush(&rep)) {
		err = fail(STAGE_OUTPUT, errno ? -errno : -EIO, NULL, NULL);
		goto detach;
	}
	drop_privileges(&r);

	last = mono_now();
	next = last + o->interval;
	while (!stop_requested()) {
		double t;

		if (met.listen_fd >= 0)
			metrics_serve_until(&met, next, stop_requested);
		else
			sleep_until(next);
		if (stop_requested())
			break;
		err = health_step(&h, all, h.n); /* the first h.n attached, in order */
		if (err)
			break;
		t = mono_now();
		err = report_all(&r, t - last);
		if (!err)
			err = run_metrics_publish(&met, all, r.n, true);
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
		err = health_step(&h, all, h.n); /* what changed since the last look */
	{
		int derr = detach_all(&r);
		int ferr;

		stop_note_left(NULL);
		ferr = final_flush(&rep, out);
		flushed = true;
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
	run_metrics_close(&met, all, r.n); /* the last textfile: final totals, lost ones */
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
