#include <errno.h>
#include <string.h>
#include <time.h>

#include "report/fmt.h"
#include "report/report.h"
#include "probe/clock.h"

/* Names on human lines go through fmt_name: no raw control bytes. */
#define NAME(n) FMT_NAME(n)

void report_init(struct report *r, FILE *f, bool json, bool quiet)
{
	r->f = f;
	r->json = json;
	r->quiet = quiet;
	r->diag = f;
	r->verbose = false;
	r->timestamps = false;
	r->header_done = false;
	r->hostname = NULL;
	r->now = unix_now;
	json_init(&r->j, f);
}

/* Every event says when: "time", unix seconds of the clock the stats lines
 * use (theirs is the pass's time; the others' the moment they are written). */
static void event_begin_at(struct report *r, const char *event, double time)
{
	json_object_begin(&r->j);
	json_kv_string(&r->j, "event", event);
	if (r->hostname)
		json_kv_string(&r->j, "hostname", r->hostname);
	json_kv_double(&r->j, "time", time);
}

static void event_begin(struct report *r, const char *event)
{
	event_begin_at(r, event, r->now());
}

static void event_end(struct report *r)
{
	json_object_end(&r->j);
	json_line_end(&r->j);
}

/* "plan NAME: SUMMARY" and, where shown, the reasons wrapped under it. */
static void plan_line(struct report *r, const char *name, const char *summary, const char *why,
		      bool show_why)
{
	char lead[FMT_NAME_LEN + 16];

	snprintf(lead, sizeof(lead), "plan %s: ", NAME(name));
	fmt_wrap(r->diag, lead, 2, summary);
	if (show_why || r->verbose)
		fmt_wrap(r->diag, "  ", 2, why);
}

void report_plan(struct report *r, const struct plan *plan, const struct plan_iface *pi)

{
	const char *mode = enum_name(xdp_mode_names, pi->mode);
	const char *attach = plan_attach_name(pi->mode, pi->attach);
	char sum[160], why[2 * PLAN_REASON_LEN + 4];

	if (r->quiet)
		return;
	if (r->json) {
		event_begin(r, "plan");
		json_kv_string(&r->j, "iface", pi->name);
		json_kv_i64(&r->j, "ifindex", pi->ifindex);
		json_kv_string(&r->j, "hook", plan_hook_name(pi->mode));
		json_kv_string(&r->j, "mode", mode);
		json_kv_bool(&r->j, "fallback_generic", pi->fallback_generic);
		json_kv_string(&r->j, "attach", attach);
		json_kv_string(&r->j, "variant", enum_name(variant_names, pi->variant));
		json_kv_string(&r->j, "reason", pi->reason);
		json_kv_string(&r->j, "variant_reason", pi->variant_reason);
		json_kv_string(&r->j, "direction", pi->rx && pi->tx ? "both" : pi->tx ? "out" : "in");
		if (pi->rx && pi->tx) {
			json_kv_string(&r->j, "egress_attach",
				       plan_attach_name(XDP_MODE_TC, pi->tx_attach));
			json_kv_string(&r->j, "egress_reason", pi->tx_reason);
		}
		json_kv_string(&r->j, "libxdp_after_us", enum_name(share_names, pi->share));
		json_kv_string(&r->j, "libxdp_reason", pi->share_reason);
		event_end(r);
		return;
	}
	/* One short line per hook; its reasons under it, wrapped, where the
	 * plan is not the best one (generic, tc ingress) or with -v. */
	if (pi->rx && pi->tx) {
		snprintf(sum, sizeof(sum), "tc egress via %s",
			 plan_attach_name(XDP_MODE_TC, pi->tx_attach));
		plan_line(r, pi->name, sum, pi->tx_reason, false);
	}
	if (!pi->rx) {
		snprintf(sum, sizeof(sum), "tc egress via %s", attach);
		plan_line(r, pi->name, sum, pi->reason, false);
	} else if (pi->mode == XDP_MODE_TC) {
		snprintf(sum, sizeof(sum), "tc ingress via %s", attach);
		plan_line(r, pi->name, sum, pi->reason, true);
	} else {
		snprintf(sum, sizeof(sum), "%s%s via %s, %s program", mode,
			 pi->fallback_generic ? " (generic if refused)" : "", attach,
			 enum_name(variant_names, pi->variant));
		snprintf(why, sizeof(why), "%s; %s", pi->reason, pi->variant_reason);
		plan_line(r, pi->name, sum, why, pi->mode == XDP_MODE_GENERIC);
	}
	if (pi->share == SHARE_BLOCKED) {
		char lead[FMT_NAME_LEN + 32];

		snprintf(lead, sizeof(lead), "plan %s: ", NAME(pi->name));
		if (r->verbose) {
			char why[PLAN_REASON_LEN + 32];

			snprintf(why, sizeof(why), "libxdp after us: %s", pi->share_reason);
			fmt_wrap(r->diag, lead, 2, why);
		}
		else
			fmt_wrap(r->diag, lead, 2, "libxdp after us: no (-v says why; --attach shared "
				 "never blocks them)");
	}
}

void report_fallback(struct report *r, const char *iface, const char *why)
{
	if (r->json) {
		event_begin(r, "fallback");
		json_kv_string(&r->j, "iface", iface);
		json_kv_string(&r->j, "from", "native");
		json_kv_string(&r->j, "to", "generic");
		json_kv_string(&r->j, "reason", why);
		event_end(r);
		return;
	}
	{
		char text[PLAN_REASON_LEN + 96];

		snprintf(text, sizeof(text), "%s: native mode refused (%s); falling back to generic",
			 NAME(iface), why);
		fmt_wrap(r->diag, "", 2, text);
	}
}

static void attached(struct report *r, const char *iface, int ifindex, enum xdp_mode mode,
		     enum attach_kind attach, bool egress, unsigned int prog_id, const char *reason)
{
	if (r->json) {
		event_begin(r, "attached");
		json_kv_string(&r->j, "iface", iface);
		json_kv_i64(&r->j, "ifindex", ifindex);
		json_kv_string(&r->j, "hook", plan_hook_name(mode));
		json_kv_string(&r->j, "mode", enum_name(xdp_mode_names, mode));
		json_kv_string(&r->j, "attach", plan_attach_name(mode, attach));
		json_kv_string(&r->j, "direction", egress ? "out" : "in");
		json_kv_u64(&r->j, "program_id", prog_id);
		json_kv_string(&r->j, "reason", reason);
		event_end(r);
		return;
	}
	if (r->quiet)
		return;
	if (egress)
		fprintf(r->diag, "attached to %s (ifindex %d): tc egress via %s (counts what it "
			"transmits)\n", NAME(iface), ifindex, plan_attach_name(mode, attach));
	else if (mode == XDP_MODE_TC)
		fprintf(r->diag, "attached to %s (ifindex %d): tc ingress via %s (counts what XDP passed)\n",
			NAME(iface), ifindex, plan_attach_name(mode, attach));
	else
		fprintf(r->diag, "attached to %s (ifindex %d): %s mode via %s\n", NAME(iface), ifindex,
			enum_name(xdp_mode_names, mode), enum_name(attach_kind_names, attach));
}

void report_attached(struct report *r, const char *iface, int ifindex, enum xdp_mode mode,
		     enum attach_kind attach, unsigned int prog_id, const char *reason)
{
	attached(r, iface, ifindex, mode, attach, false, prog_id, reason);
}

void report_attached_egress(struct report *r, const char *iface, int ifindex,
			    enum attach_kind attach, unsigned int prog_id, const char *reason)
{
	attached(r, iface, ifindex, XDP_MODE_TC, attach, true, prog_id, reason);
}

/* Received (no prefix, as before directions) and transmitted ("tx_")
 * totals, and with rates their rates, of the directions s counts. */
static void json_dirs(struct json *j, const struct iface_stats *s, bool rates)
{
	if (!s->no_rx) {
		json_kv_u64(j, "packets", s->packets);
		json_kv_u64(j, "bytes", s->bytes);
		if (rates) {
			json_kv_double(j, "pps", s->pps);
			json_kv_double(j, "bps", s->bps);
		}
	}
	if (s->tx) {
		json_kv_u64(j, "tx_packets", s->tx_packets);
		json_kv_u64(j, "tx_bytes", s->tx_bytes);
		if (rates) {
			json_kv_double(j, "tx_pps", s->tx_pps);
			json_kv_double(j, "tx_bps", s->tx_bps);
		}
	}
}

/* The count lines: a header once, then per interface and interval one line
 * per direction that fits FMT_WIDTH (with the time and the direction):
 * [TIME] INTERFACE [DIR] PACKETS BYTES PACKET-RATE BIT-RATE. -v shows the
 * exact byte total instead of the scaled one (wider). */
#define COLS_IFACE "%-15s"
#define COLS_REST " %13s %11s %12s %13s"

static void count_lead(struct report *r, char *buf, size_t len, double time, const char *iface,
		       const char *dir)
{
	size_t n = 0;

	buf[0] = '\0';
	if (r->timestamps) {
		struct tm tm;
		time_t t = (time_t)time;

		if (time > 0 && localtime_r(&t, &tm))
			n += strftime(buf, len, "%H:%M:%S ", &tm);
		else
			n += (size_t)snprintf(buf, len, "%-8s ", "");
	}
	snprintf(buf + n, len - n, COLS_IFACE "%s%s", iface, dir[0] ? " " : "", dir);
}

static void count_header(struct report *r, bool dirs)
{
	char lead[64];

	if (r->header_done)
		return;
	r->header_done = true;
	count_lead(r, lead, sizeof(lead), 0, "interface", dirs ? "  " : "");
	if (r->timestamps)
		memcpy(lead, "time    ", 8);
	fprintf(r->f, "%s" COLS_REST "\n", lead, "packets", "bytes", "packet rate", "bit rate");
}

static void stats_line(struct report *r, double time, const char *iface, const char *dir,
		       uint64_t packets, uint64_t bytes, double pps_v, double bps_v)
{
	char lead[96], size[FMT_LEN], pps[FMT_LEN], bps[FMT_LEN];

	char pk[24];

	count_lead(r, lead, sizeof(lead), time, NAME(iface), dir);
	snprintf(pk, sizeof(pk), "%llu", (unsigned long long)packets);
	if (r->verbose)
		snprintf(size, sizeof(size), "%llu B", (unsigned long long)bytes);
	else
		fmt_bytes(size, bytes);
	fprintf(r->f, "%s" COLS_REST "\n", lead, pk, size, fmt_rate(pps, pps_v, "pps"),
		fmt_rate(bps, bps_v, "bit/s"));
}

void report_stats(struct report *r, double time, const struct iface_stats *s)
{
	if (r->json) {
		event_begin_at(r, "stats", time);
		json_kv_string(&r->j, "iface", s->iface);
		json_kv_i64(&r->j, "ifindex", s->ifindex);
		json_dirs(&r->j, s, true);
		event_end(r);
		return;
	}
	count_header(r, s->tx);
	if (!s->no_rx)
		stats_line(r, time, s->iface, s->tx ? "rx" : "", s->packets, s->bytes, s->pps, s->bps);
	if (s->tx)
		stats_line(r, time, s->iface, "tx", s->tx_packets, s->tx_bytes, s->tx_pps, s->tx_bps);
}

void report_detached_stats(struct report *r, const struct iface_stats *s)
{
	char size[FMT_LEN], tsize[FMT_LEN], text[320], lead[FMT_NAME_LEN + 24];

	if (r->json) {
		event_begin(r, "detached");
		json_kv_string(&r->j, "iface", s->iface);
		json_dirs(&r->j, s, false);
		event_end(r);
		return;
	}
	snprintf(lead, sizeof(lead), "detached from %s: ", NAME(s->iface));
	if (!s->tx)
		snprintf(text, sizeof(text), "%llu packets, %llu bytes (%s) in total",
			 (unsigned long long)s->packets, (unsigned long long)s->bytes,
			 fmt_bytes(size, s->bytes));
	else if (s->no_rx)
		snprintf(text, sizeof(text), "transmitted %llu packets, %llu bytes (%s) in total",
			 (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
			 fmt_bytes(tsize, s->tx_bytes));
	else {
		snprintf(text, sizeof(text), "received %llu packets, %llu bytes (%s);",
			 (unsigned long long)s->packets, (unsigned long long)s->bytes,
			 fmt_bytes(size, s->bytes));
		fmt_wrap(r->f, lead, 2, text);
		snprintf(lead, sizeof(lead), "  ");
		snprintf(text, sizeof(text), "transmitted %llu packets, %llu bytes (%s) in total",
			 (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
			 fmt_bytes(tsize, s->tx_bytes));
	}
	fmt_wrap(r->f, lead, 2, text);
}

void report_detached(struct report *r, const char *iface, uint64_t packets, uint64_t bytes)
{
	struct iface_stats s = { .iface = iface, .packets = packets, .bytes = bytes };

	report_detached_stats(r, &s);
}

void report_renamed(struct report *r, const char *old_name, const char *new_name, int ifindex)
{
	char nb2[FMT_NAME_LEN];

	if (r->json) {
		event_begin(r, "renamed");
		json_kv_string(&r->j, "iface", new_name);
		json_kv_string(&r->j, "old_iface", old_name);
		json_kv_i64(&r->j, "ifindex", ifindex);
		event_end(r);
		return;
	}
	fprintf(r->diag, "%s is now named %s (ifindex %d); counting goes on\n", NAME(old_name),
		fmt_name(nb2, sizeof(nb2), new_name),
		ifindex);
}

void report_lost(struct report *r, const char *iface, int ifindex, const char *what,
		 int nsid, int new_ifindex, const struct iface_stats *totals, const char *message)
{
	if (!r->json)
		return;
	event_begin(r, "lost");
	json_kv_string(&r->j, "iface", iface);
	json_kv_i64(&r->j, "ifindex", ifindex);
	json_kv_string(&r->j, "what", what);
	if (nsid >= 0)
		json_kv_i64(&r->j, "netnsid", nsid);
	if (new_ifindex > 0)
		json_kv_i64(&r->j, "new_ifindex", new_ifindex);
	json_dirs(&r->j, totals, false);
	json_kv_string(&r->j, "message", message);
	event_end(r);
}

void report_stale_removed(struct report *r, const char *iface, unsigned int prog_id, int pid)
{
	if (r->json) {
		event_begin(r, "stale_removed");
		json_kv_string(&r->j, "iface", iface);
		json_kv_u64(&r->j, "program_id", prog_id);
		if (pid > 0)
			json_kv_i64(&r->j, "pid", pid);
		event_end(r);
		return;
	}
	if (pid > 0)
		fprintf(r->diag, "%s: removed our stale program id %u (its xdpcount, pid %d, no longer "
			"runs)\n", NAME(iface), prog_id, pid);
	else
		fprintf(r->diag, "%s: removed our stale program id %u (no xdpcount holds it)\n", NAME(iface),
			prog_id);
}

void report_start(struct report *r, const struct identity *id, long pid)
{
	if (!r->json)
		return;
	json_object_begin(&r->j);
	json_kv_string(&r->j, "event", "start");
	json_identity(&r->j, id);
	json_kv_double(&r->j, "time", id->time);
	json_kv_i64(&r->j, "pid", pid);
	event_end(r);
}

int report_flush(struct report *r)
{
	if (fflush(r->f) || ferror(r->f))
		return errno ? -errno : -EIO;
	return 0;
}

void report_error_event(FILE *f, const char *code, const char *errno_name, int exit_code,
			const char *message)
{
	struct identity id;
	struct json j;

	identity_get(&id);
	json_init(&j, f);
	json_object_begin(&j);
	json_kv_string(&j, "event", "error");
	json_kv_string(&j, "hostname", id.hostname);
	json_kv_double(&j, "time", id.time);
	json_kv_string(&j, "code", code);
	json_kv_string(&j, "errno", errno_name);
	json_kv_i64(&j, "exit_code", exit_code);
	json_kv_string(&j, "message", message);
	json_object_end(&j);
	json_line_end(&j);
}
