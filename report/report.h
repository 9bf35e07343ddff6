/* The counter's events, in human lines or JSON Lines. It formats; it does
 * not compute counts. */
#ifndef XDPCOUNT_REPORT_H
#define XDPCOUNT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/identity.h"
#include "report/json.h"
#include "plan/plan.h"

struct report {
	FILE *f;
	/* Human mode: the plan, attach, fallback, rename and stale-removal
	 * lines go here (stderr in a run), so that f has only the header, the
	 * counts and the totals. report_init makes it f; JSON ignores it. */
	FILE *diag;
	bool json;
	bool quiet;
	bool verbose;    /* human: the plan's reasons, exact byte totals */
	bool timestamps; /* human: each count line starts with the local time */
	bool header_done;
	struct json j;
	const char *hostname; /* JSON events carry it when set */
	double (*now)(void);  /* the "time" of JSON events: unix_now (tests fake it) */
};

struct iface_stats {
	const char *iface;
	int ifindex;
	uint64_t packets, bytes; /* received: totals since attach */
	double pps, bps;         /* received: over the last interval */
	bool no_rx;              /* receive is not counted (--direction out) */
	bool tx;                 /* transmit is counted (--direction out|both): */
	uint64_t tx_packets, tx_bytes;
	double tx_pps, tx_bps;
};

void report_init(struct report *r, FILE *f, bool json, bool quiet);
void report_plan(struct report *r, const struct plan *plan, const struct plan_iface *pi);
void report_fallback(struct report *r, const char *iface, const char *why);
void report_attached(struct report *r, const char *iface, int ifindex, enum xdp_mode mode,
		     enum attach_kind attach, unsigned int prog_id, const char *reason);
/* The same of the tc egress hook (what iface transmits). */
void report_attached_egress(struct report *r, const char *iface, int ifindex,
			    enum attach_kind attach, unsigned int prog_id, const char *reason);
void report_stats(struct report *r, double time, const struct iface_stats *s);
void report_detached(struct report *r, const char *iface, uint64_t packets, uint64_t bytes);
/* The final totals of each direction s counts (the rates are not used). */
void report_detached_stats(struct report *r, const struct iface_stats *s);
/* The interface was renamed while counting: counts go on under the new name. */
void report_renamed(struct report *r, const char *old_name, const char *new_name, int ifindex);
/* We lost what we counted on iface (what: "deleted", "moved", ...); message
 * is the one human line. JSON only: the human line goes to stderr. nsid and
 * new_ifindex are written when >= 0 / > 0; the totals of each direction
 * counted (the rates are not used). */
void report_lost(struct report *r, const char *iface, int ifindex, const char *what,
		 int nsid, int new_ifindex, const struct iface_stats *totals, const char *message);
/* Our own stale program (its xdpcount is gone) was removed before attaching. */
void report_stale_removed(struct report *r, const char *iface, unsigned int prog_id, int pid);
/* JSON only: the first event of a stream, with the identity (schema
 * version, version, hostname, timestamp) and the pid. */
void report_start(struct report *r, const struct identity *id, long pid);
/* Flushes; returns 0 or -errno when the output could not be written. */
int report_flush(struct report *r);
/* The {"event":"error"} line of a failure in --json mode (cli/errors.h's
 * failure_info: its stable code, errno name, exit code and message), so that
 * a pipeline reading only stdout learns why it stopped. */
void report_error_event(FILE *f, const char *code, const char *errno_name, int exit_code,
			const char *message);

#endif
