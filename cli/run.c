/* xdpcount [run] [OPTIONS] [IFACE...]: attach, count, report, detach. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/session.h"
#include "loader/attach.h"
#include "out/log.h"
#include "out/report.h"

struct iface_run {
	const struct plan_iface *pi;
	struct attachment att;
	bool attached;
	struct xdpcount_stats last;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: a signal ends the sleep */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error, not a death */
	return 0;
}

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
	while (!stop_signal && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Attaches one interface as planned; in auto mode, falls back to generic when
 * the kernel refuses native, and says why. */
static int attach_one(struct session *s, struct report *rep, struct iface_run *ir)
{
	const struct plan_iface *pi = ir->pi;
	int prog_fd = counter_prog_fd(s->counter, pi->ifindex);
	char reason[PLAN_REASON_LEN + 160];
	int err;

	snprintf(reason, sizeof(reason), "%s", pi->reason);
	if (pi->mode == XDP_MODE_TC) {
		err = attach_tc(counter_tc_prog_fd(s->counter, pi->ifindex), pi->ifindex, pi->attach,
				&ir->att);
		goto attached;
	}
	err = attach_xdp(prog_fd, pi->ifindex, pi->mode, pi->attach, &ir->att);
	if (err && pi->mode == XDP_MODE_NATIVE && pi->fallback_generic && err != -EPERM &&
	    err != -EEXIST && err != -EBUSY) {
		const char *kmsg = log_kernel_message();
		char why[200];

		snprintf(why, sizeof(why), "%s%s%s", failure_cause(STAGE_ATTACH, err),
			 kmsg ? ": " : "", kmsg ? kmsg : "");
		report_fallback(rep, pi->name, why);
		snprintf(reason, sizeof(reason), "native refused (%s); generic fallback", why);
		err = attach_xdp(prog_fd, pi->ifindex, XDP_MODE_GENERIC, pi->attach, &ir->att);
	}
attached:
	if (err) {
		const char *kmsg = log_kernel_message();
		enum stage st = pi->mode == XDP_MODE_TC ? STAGE_TC : STAGE_ATTACH;

		if (kmsg)
			return fail(st, err, pi->name, "%s (kernel: %s)", failure_cause(st, err), kmsg);
		return fail(st, err, pi->name, NULL);
	}
	ir->attached = true;
	report_attached(rep, pi->name, pi->ifindex, ir->att.mode, ir->att.kind, reason);
	return 0;
}

static int report_all(struct session *s, struct report *rep, struct iface_run *irs, int n,
		      double dt)
{
	double t = now_unix();
	int err = counter_read_all(s->counter);

	if (err)
		return fail(STAGE_READ, err, n == 1 ? irs[0].pi->name : NULL, NULL);
	for (int i = 0; i < n; i++) {
		struct xdpcount_stats cur;
		struct iface_stats st;

		err = counter_sum(s->counter, irs[i].pi->ifindex, &cur);
		if (err)
			return fail(STAGE_READ, err, irs[i].pi->name, NULL);
		st.iface = irs[i].pi->name;
		st.ifindex = irs[i].pi->ifindex;
		st.packets = cur.packets;
		st.bytes = cur.bytes;
		st.pps = dt > 0 ? (double)(cur.packets - irs[i].last.packets) / dt : 0;
		st.bps = dt > 0 ? (double)(cur.bytes - irs[i].last.bytes) * 8 / dt : 0;
		irs[i].last = cur;
		report_stats(rep, t, &st);
	}
	if (report_flush(rep))
		return fail(STAGE_OUTPUT, errno ? errno : EIO, NULL, NULL);
	return 0;
}

/* Detaches everything attached, then reports the final totals. */
static int detach_all(struct session *s, struct report *rep, struct iface_run *irs, int n,
		      bool report)
{
	int ret = 0;
	bool read = false;

	for (int i = 0; i < n; i++) {
		int err;

		if (!irs[i].attached)
			continue;
		err = detach_xdp(&irs[i].att);
		if (err && !ret)
			ret = fail(STAGE_DETACH, err, irs[i].pi->name, NULL);
	}
	/* Everything is detached: one read has the final totals. */
	for (int i = 0; i < n; i++) {
		struct xdpcount_stats fin = irs[i].last;

		if (!irs[i].attached)
			continue;
		irs[i].attached = false;
		if (!read)
			read = counter_read_all(s->counter) == 0;
		if (read)
			counter_sum(s->counter, irs[i].pi->ifindex, &fin);
		if (report)
			report_detached(rep, irs[i].pi->name, fin.packets, fin.bytes);
	}
	report_flush(rep);
	return ret;
}

static void report_plan_all(struct session *s, struct report *rep)
{
	for (unsigned int i = 0; i < s->plan.n_ifaces; i++)
		report_plan(rep, &s->plan, &s->plan.ifaces[i]);
}

static int refuse_check(struct session *s)
{
	for (unsigned int i = 0; i < s->plan.n_ifaces; i++) {
		const struct plan_iface *pi = &s->plan.ifaces[i];

		switch (pi->refusal) {
		case REFUSE_NONE:
			break;
		case REFUSE_FOREIGN:
			if (pi->mode == XDP_MODE_TC) /* someone's filter at our tc place */
				return fail(STAGE_TC, EEXIST, pi->name, "%s", pi->reason);
			return fail(STAGE_FOREIGN, EEXIST, pi->name, "%s", pi->reason);
		case REFUSE_MODE:
			return fail(STAGE_ATTACH, EOPNOTSUPP, pi->name, "%s", pi->reason);
		case REFUSE_ATTACH:
			return fail(pi->mode == XDP_MODE_TC ? STAGE_TC : STAGE_ATTACH, ENOLINK,
				    pi->name, "%s", pi->reason);
		case REFUSE_OURS:
			return fail(STAGE_ATTACH, EEXIST, pi->name, "%s", pi->reason);
		case REFUSE_MISSING:
			return fail(STAGE_IFACE, ENODEV, pi->name, NULL);
		}
	}
	if (s->plan.verdict == VERDICT_INCOMPATIBLE)
		return fail(STAGE_PLAN, EOPNOTSUPP, NULL, "%s",
			    s->plan.n_reasons ? s->plan.reasons[0] : "the plan says no");
	return 0;
}

int cmd_run(const struct opts *o)
{
	static struct session s;
	struct iface_run irs[PROBE_MAX_IFACES];
	struct report rep;
	unsigned long reports = 0;
	double last, next;
	int n, err;

	/* One write per interval, even for 64 interfaces' lines (flushed by
	 * report_flush at the end of each). */
	static char outbuf[64 * 1024];

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	report_init(&rep, stdout, o->json, o->verbosity < 0);
	err = session_plan(&s, o, IFACE_DEFAULT_ROUTE, false);
	if (err)
		return err;
	if (s.default_iface_note && !rep.quiet)
		log_msg(LOG_NORMAL, "xdpcount: no interface given; using %s (IPv4 default route)\n",
			s.default_iface_note);
	err = refuse_check(&s);
	if (!err) {
		report_plan_all(&s, &rep);
		err = session_load(&s);
	}
	if (!err)
		err = install_signals();
	if (err)
		goto out;

	n = (int)s.plan.n_ifaces;
	memset(irs, 0, sizeof(irs));
	for (int i = 0; i < n; i++) {
		irs[i].pi = &s.plan.ifaces[i];
		err = session_load_iface(&s, irs[i].pi->name, irs[i].pi->ifindex, irs[i].pi->variant);
		if (err)
			goto detach;
	}
	for (int i = 0; i < n && !stop_signal; i++) {
		err = attach_one(&s, &rep, &irs[i]);
		if (err)
			goto detach; /* nothing stays half-attached */
	}
	if (report_flush(&rep)) {
		err = fail(STAGE_OUTPUT, errno ? errno : EIO, NULL, NULL);
		goto detach;
	}

	last = now_mono();
	next = last + o->interval;
	while (!stop_signal) {
		double t;

		sleep_until(next);
		if (stop_signal)
			break;
		t = now_mono();
		err = report_all(&s, &rep, irs, n, t - last);
		if (err)
			break;
		last = t;
		next += o->interval;
		if (next < t) /* we fell behind (suspend, slow stdout): re-anchor */
			next = t + o->interval;
		if (o->count && ++reports >= o->count)
			break;
	}
detach:
	{
		int derr = detach_all(&s, &rep, irs, n, true);

		if (!err)
			err = derr;
	}
out:
	session_close(&s);
	return err;
}
