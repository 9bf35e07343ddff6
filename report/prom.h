/* The Prometheus text exposition (format 0.0.4) of the counter: a pure
 * renderer from a snapshot to bytes, shared by the /metrics listener and the
 * --textfile writer. Names and labels follow node_exporter's: the interface
 * is `device`, counters carry no mode (a fallback does not start a new
 * series), and what may change lives in xdpcount_attach_info/_state. */
#ifndef XDPCOUNT_PROM_H
#define XDPCOUNT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

/* Where an interface is, for xdpcount_attach_state and xdpcount_device_up. */
enum prom_state {
	PROM_STATE_PENDING = 0, /* planned, not attached (yet) */
	PROM_STATE_NATIVE,
	PROM_STATE_GENERIC,
	PROM_STATE_REFUSED,
	PROM_STATE_TC,          /* tc ingress, beside someone else's XDP program */
	PROM_STATE_LOST,        /* was counting; the interface or our program went */
};

struct prom_iface {
	char name[32];
	enum prom_state state;
	const char *hook, *attach; /* attach info labels ("xdp", "link"); NULL: none */
	uint64_t packets, bytes;   /* received: totals since attach */
	bool no_rx;                /* receive is not counted (--direction out) */
	bool tx;                   /* transmit is counted (--direction out|both): */
	const char *tx_attach;     /* at tc egress through "tcx" or "clsact" */
	uint64_t tx_packets, tx_bytes;
};

/* As many as a run that follows can count (run/run.c). */
#define PROM_MAX_IFACES 1024

struct prom_snapshot {
	const char *version, *arch, *libbpf, *byte_order; /* build info labels */
	/* The textfile's base name, the `textfile` label of xdpcount_up and
	 * xdpcount_build_info (NULL: no label): node_exporter merges every
	 * file of its directory, and file names there are unique. */
	const char *textfile;
	/* With a textfile: when it was written (Unix time, seconds) and how
	 * often it is rewritten. A kill -9 leaves its last file saying up 1;
	 * these let a rule see that it is no longer rewritten (the
	 * XdpcountDown alert of dist/prometheus/xdpcount-rules.yml). */
	double written, interval;
	bool up;                 /* running: attached and counting */
	unsigned int n_ifaces;
	struct prom_iface ifaces[PROM_MAX_IFACES];
};

/* Writes the exposition into buf (at most cap bytes, NUL-terminated when cap
 * > 0) and returns the length it needs without the NUL, like snprintf: a
 * return >= cap means buf was too small. */
size_t prom_render(char *buf, size_t cap, const struct prom_snapshot *s);
/* The state name ("native", "lost") of a state. */
const char *prom_state_name(enum prom_state st);

#endif
