/* The run loop (run/run.h): attach, count, report, detach. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* The interfaces one run can hold at once. Named ones: the plan's
 * (PROBE_MAX_IFACES). A run that follows: RUN_MAX_IFACES, one counter slot
 * each per direction counted (its stats map has RUN_MAX_IFACES entries:
 * 16 bytes per CPU each, kernel memory), and it reuses the slots of
 * interfaces that went away. */
#define RUN_MAX_IFACES 1024
_Static_assert(RUN_MAX_IFACES <= PROM_MAX_IFACES, "the metrics show them all");

/* A run that follows holds two descriptors per interface (program, link):
 * the soft RLIMIT_NOFILE (1024 by default) goes up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			log_msg(LOG_VERBOSE, "xdpcount: cannot raise RLIMIT_NOFILE (%s)\n",
				strerror(errno));
	}
}

/* What the run holds: one object per interface (run/iface.h), in the
 * plan's order, then as they appear (slots of interfaces gone are
 * reused). */
struct run {
	struct session *s;
	struct report *rep;
	struct health *h;
	struct run_iface *ifs;
	struct attachment *txs; /* ifs[i].tx_att is &txs[i] */
	struct run_iface **all; /* &ifs[i], the order the sinks show them in */
	int n;                  /* slots used so far (some may be free again) */
	bool follow;            /* a pattern or --all: interfaces come and go */
	bool full_said;         /* "no free slot" said */
	struct run_iface *live[RUN_MAX_IFACES]; /* those counting, for the watch */
};

static int report_all(struct run *r, double now)
{
	double t = unix_now();
	int err = counter_read_all(r->s->counter);

	if (err)
		return fail(STAGE_READ, err, r->n == 1 ? run_iface_name(&r->ifs[0]) : NULL, NULL);
	for (int i = 0; i < r->n && !err; i++)
		if (r->ifs[i].state == RUN_COUNTING)
			err = run_iface_report(&r->ifs[i], r->s->counter, r->rep, t, now);
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
			   (r->ifs[i].tx && r->ifs[i].tx_att->kind == ATTACH_NETLINK);
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

/* A failure that stops one interface of a run that follows, not the run:
 * said as one line, then forgotten. */
static void note_failure(void)
{
	struct failure_info fi;

	if (failure_get(&fi))
		log_msg(LOG_QUIET, "xdpcount: %s; counting goes on on the others\n", fi.message);
	failure_clear();
}

static struct run_iface *find_ifindex(struct run *r, int ifindex)
{
	for (int i = 0; i < r->n; i++)
		if (r->ifs[i].state != RUN_FREE && !r->ifs[i].retire && r->ifs[i].ifindex == ifindex)
			return &r->ifs[i];
	return NULL;
}

static struct run_iface *free_slot(struct run *r)
{
	for (int i = 0; i < r->n; i++)
		if (r->ifs[i].state == RUN_FREE)
			return &r->ifs[i];
	if (r->n >= RUN_MAX_IFACES)
		return NULL;
	r->all[r->n] = &r->ifs[r->n];
	r->ifs[r->n].tx_att = &r->txs[r->n];
	return &r->ifs[r->n++];
}

/* Should l, which appeared (or was renamed) while following, be added now?
 * Not when it counts (renames are the watch's) or was refused under this
 * name; yes when the selector picks it. */
static bool follow_wanted(struct run *r, const struct probe_link *l)
{
	struct run_iface *ri = find_ifindex(r, l->ifindex);

	if (ri && (ri->state != RUN_PLANNED || strcmp(ri->wi.name, l->name) == 0))
		return false;
	if (ri)
		ri->state = RUN_FREE; /* refused under another name: ask again */
	return select_match(&r->s->sel, l->name, l->kind, l->flags & IFF_LOOPBACK, NULL);
}

/* The slots a new interface can still take. */
static int slots_left(const struct run *r)
{
	int k = RUN_MAX_IFACES - r->n;

	for (int i = 0; i < r->n; i++)
		k += r->ifs[i].state == RUN_FREE;
	return k;
}

static void say_full(struct run *r, const char *name)
{
	if (!r->full_said)
		log_msg(LOG_QUIET, "xdpcount: %s: not counted: all %d interface slots are "
			"taken (said once)\n", name, RUN_MAX_IFACES);
	r->full_said = true;
}

/* One probed interface (session_probe_ifaces): planned alone, loaded and
 * attached. */
static void follow_add(struct run *r, const char *name, int at)
{
	struct run_iface *ri = free_slot(r);
	struct plan_iface pi;
	int err;

	if (!ri) {
		say_full(r, name);
		return;
	}
	session_plan_probed(r->s, at, &pi);
	run_iface_plan(ri, &pi);
	if (pi.refusal != REFUSE_NONE) {
		log_msg(LOG_QUIET, "xdpcount: %s: not counted: %s\n", pi.name, pi.reason);
		ri->refused = true; /* known: not asked again until renamed or gone */
		return;
	}
	report_plan(r->rep, &r->s->plan, &pi);
	err = run_iface_load(ri, r->s, &pi);
	if (!err)
		err = run_iface_attach(ri, r->s, r->rep, &pi);
	if (err) {
		note_failure();
		counter_del_iface(r->s->counter, ri->ifindex);
		ri->refused = true;
		return;
	}
	note_down(r->s, &pi);
	health_add(r->h, ri);
	note_left(r);
}

/* The interfaces of ls the selector picks that are not counted yet, probed
 * PROBE_MAX_IFACES at a time: the facts that cost a look at every interface
 * of the namespace (the qdisc dump) are read once per batch, not once per
 * new interface, so reaching 1024 costs O(n) of that, not O(n^2). */
static void follow_add_all(struct run *r, const struct probe_link *ls, int n)
{
	const char *names[PROBE_MAX_IFACES];
	int at[PROBE_MAX_IFACES], k = 0, room = slots_left(r);

	for (int i = 0; i <= n; i++) {
		if (i < n && follow_wanted(r, &ls[i])) {
			if (k >= room) /* follow_wanted may have freed one */
				room = slots_left(r);
			if (k < room)
				names[k++] = ls[i].name;
			else
				say_full(r, ls[i].name);
		}
		if (k && (k == PROBE_MAX_IFACES || i == n)) {
			session_probe_ifaces(r->s, names, k, at);
			for (int j = 0; j < k; j++)
				if (at[j] >= 0) /* else gone meanwhile */
					follow_add(r, names[j], at[j]);
			k = 0;
			room = slots_left(r);
		}
	}
}

/* Takes one interface of a run that follows out of the count now: lost (its
 * "lost" event had its totals), or renamed out of the selector (detached,
 * with its final totals). Its slot is free from the next interval on. */
static void follow_remove(struct run *r, struct run_iface *ri)
{
	bool read;

	if (run_iface_detach(ri))
		note_failure();
	read = counter_read_all(r->s->counter) == 0;
	run_iface_final(ri, r->s->counter, r->rep, read);
	counter_del_iface(r->s->counter, ri->ifindex);
	ri->retire = true;
	note_left(r);
}

/* One interval of a run that follows: frees the slots retired last time,
 * takes out what was lost or renamed away, and adds what appeared (or,
 * after lost notifications, whatever the selector picks now). */
static void follow_step(struct run *r)
{
	struct watch_news *news = &r->h->w.news;

	for (int i = 0; i < r->n; i++) {
		struct run_iface *ri = &r->ifs[i];

		if (ri->retire) {
			memset(ri, 0, sizeof(*ri)); /* RUN_FREE */
			ri->tx_att = &r->txs[i];
			continue;
		}
		if (ri->state == RUN_LOST && ri->attached)
			follow_remove(r, ri);
		else if (ri->state == RUN_COUNTING && ri->renamed &&
			 !select_match(&r->s->sel, run_iface_name(ri), NULL, false, NULL))
			follow_remove(r, ri);
		ri->renamed = false;
	}
	if (news->overflow) {
		struct probe_link *ls;
		int n;

		if (session_select(r->s, &ls, &n) == 0) {
			follow_add_all(r, ls, n);
			free(ls);
		} else {
			note_failure();
		}
	} else {
		follow_add_all(r, news->link, news->n);
	}
	news->n = 0;
	news->overflow = false;
	report_flush(r->rep);
}

static int live(struct run *r);

/* Is ifindex that of any slot, retired ones included? */
static bool known(const struct run *r, int ifindex)
{
	for (int i = 0; i < r->n; i++)
		if (r->ifs[i].state != RUN_FREE && r->ifs[i].ifindex == ifindex)
			return true;
	return false;
}

/* Between two passes of a run that follows, woken by link notifications:
 * attaches the interfaces that appeared, one batch (PROBE_MAX_IFACES) of
 * them, until `until` at most; returns true when more wait. Everything
 * else in the news (anything about an interface the run knows: a refused
 * one renamed, a slot retiring) and what does not fit stays for the pass,
 * which handles it as it always has; so do lost news (overflow: the pass
 * lists every interface). An interface that matches nothing is dropped:
 * the pass would do nothing with it either. */
static bool follow_arrivals(struct run *r, double until)
{
	struct watch_news *news = &r->h->w.news;
	static struct probe_link batch[PROBE_MAX_IFACES];
	const char *names[PROBE_MAX_IFACES];
	int at[PROBE_MAX_IFACES], k = 0, kept = 0, room = slots_left(r);
	bool more = false;

	if (news->overflow)
		return false;
	if (room > PROBE_MAX_IFACES)
		room = PROBE_MAX_IFACES;
	for (int i = 0; i < news->n; i++) {
		const struct probe_link *l = &news->link[i];
		const bool is_known = known(r, l->ifindex);

		if (is_known || k >= room) {
			more |= k >= room && room == PROBE_MAX_IFACES && !is_known;
			news->link[kept++] = *l;
		} else if (select_match(&r->s->sel, l->name, l->kind, l->flags & IFF_LOOPBACK, NULL)) {
			batch[k++] = *l;
		}
	}
	news->n = kept;
	if (!k)
		return false;
	for (int j = 0; j < k; j++)
		names[j] = batch[j].name;
	session_probe_ifaces(r->s, names, k, at);
	for (int j = 0; j < k; j++) {
		if (mono_now() >= until) { /* the pass is due: it takes the rest */
			while (j < k)
				news->link[news->n++] = batch[j++];
			more = false;
			break;
		}
		if (at[j] >= 0) /* else gone meanwhile */
			follow_add(r, names[j], at[j]);
	}
	report_flush(r->rep);
	return more;
}

/* How long a run that follows waits, once link notifications woke it,
 * before it reads them: a burst (an orchestrator creating many interfaces)
 * is then one batch, one probe, not one wake per interface. */
#define RUN_COALESCE_S 0.015

/* Sleeps until the interval's end (serving the metrics, if any). A run
 * that follows wakes when link notifications come: true then. */
static bool sleep_until_tick(struct run *r, struct metrics *met, double next)
{
	int fd = r->follow ? watch_fd(&r->h->w) : -1;

	if (met->listen_fd >= 0)
		return metrics_serve_until(met, next, fd, stop_requested) > 0;
	if (fd < 0) {
		mono_sleep_until(next, stop_requested);
		return false;
	}
	return mono_wait_fd_until(fd, next, stop_requested) > 0;
}

/* Woken by link notifications before the tick at next: lets a burst
 * gather, reads it, and attaches what appeared (their attached events),
 * then goes back to sleep until the same tick. Losses, renames and the
 * stats stay the pass's. 0, or -errno (failure recorded) to stop. */
static int follow_early(struct run *r, struct metrics *met, double next)
{
	double gather = mono_now() + RUN_COALESCE_S;
	int err;

	if (gather > next)
		return 0; /* the pass is about to read them */
	if (met->listen_fd >= 0)
		metrics_serve_until(met, gather, -1, stop_requested);
	else
		mono_sleep_until(gather, stop_requested);
	if (stop_requested())
		return 0;
	err = health_drain(r->h, r->live, live(r));
	while (!err && follow_arrivals(r, next) && mono_now() < next && !stop_requested())
		;
	return err;
}

/* The interfaces counting now, for the watch. */
static int live(struct run *r)
{
	int k = 0;

	for (int i = 0; i < r->n; i++)
		if (r->ifs[i].state == RUN_COUNTING)
			r->live[k++] = &r->ifs[i];
	return k;
}

int run_count(const struct opts *o)
{
	static struct session s;
	static struct health h;
	static struct metrics met;
	static struct identity id;
	static struct run_iface ifs[RUN_MAX_IFACES];
	static struct run_iface *all[RUN_MAX_IFACES];
	static struct attachment txs[RUN_MAX_IFACES];
	static struct run r;
	struct report rep;
	struct sink *out = sink_open(STDOUT_FILENO); /* stdout never stalls the run */
	unsigned long reports = 0;
	bool flushed = false;
	double next;
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
	r = (struct run){ .s = &s, .rep = &rep, .h = &h, .ifs = ifs, .txs = txs, .all = all };
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
		ifs[i].tx_att = &txs[i];
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
	r.follow = h.follow = select_follows(&s.sel);
	if (r.follow) {
		raise_nofile();
		err = counter_set_slots(s.counter, RUN_MAX_IFACES *
					   (plan_counts_rx(o->direction) + plan_counts_tx(o->direction)));
		if (err) {
			err = fail(STAGE_OBJECT, err, NULL, "cannot size the counter for %d interfaces",
				   RUN_MAX_IFACES);
			goto detach;
		}
	}
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
	if (r.follow) { /* the interfaces the selector picks now, one by one */
		h.w.news.overflow = true;
		follow_step(&r);
	}
	err = run_metrics_publish(&met, all, r.n, true);
	if (err)
		goto detach;
	if (report_flush(&rep)) {
		err = fail(STAGE_OUTPUT, errno ? -errno : -EIO, NULL, NULL);
		goto detach;
	}
	if (r.follow) /* it attaches interfaces as they appear */
		log_msg(LOG_VERBOSE, "xdpcount: attached; capabilities kept: it follows the "
			"selection\n");
	else
		drop_privileges(&r);

	next = mono_now() + o->interval;
	while (!stop_requested()) {
		double t;

		if (sleep_until_tick(&r, &met, next)) {
			err = follow_early(&r, &met, next);
			if (err)
				break;
			continue; /* back to sleep, until the same tick */
		}
		if (stop_requested())
			break;
		err = health_step(&h, r.live, live(&r));
		if (err)
			break;
		if (r.follow)
			follow_step(&r);
		t = mono_now();
		err = report_all(&r, t);
		if (!err)
			err = run_metrics_publish(&met, all, r.n, true);
		if (err)
			break;
		next += o->interval;
		if (next < t) /* we fell behind (suspend): re-anchor */
			next = t + o->interval;
		if (o->count && ++reports >= o->count)
			break;
	}
detach:
	stop_arm_deadline();
	if (!err)
		err = health_step(&h, r.live, live(&r)); /* what changed since the last look */
	{
		int derr = detach_all(&r);
		int ferr;

		stop_note_left(NULL);
		ferr = final_flush(&rep, out);
		flushed = true;
		if (!err)
			err = derr ? derr : ferr;
	}
	if (!err && h.lost && !r.follow)
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
