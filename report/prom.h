/* The Prometheus text exposition (format 0.0.4) of the counter: a pure
 * renderer from a snapshot to bytes, shared by the /metrics listener and the
 * --textfile writer. */
#ifndef XDPCOUNT_PROM_H
#define XDPCOUNT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

/* How an interface is attached, for the xdpcount_attach_state gauge. */
enum prom_state {
	PROM_STATE_PENDING = 0, /* planned, not attached (yet) */
	PROM_STATE_NATIVE,
	PROM_STATE_GENERIC,
	PROM_STATE_REFUSED,
	PROM_STATE_TC,          /* tc ingress, beside someone else's XDP program */
};

struct prom_iface {
	char name[32];
	enum prom_state state;
	uint64_t packets, bytes; /* totals since attach */
};

struct prom_snapshot {
	const char *version, *arch, *libbpf, *byte_order; /* build info labels */
	bool up;                 /* counting right now */
	unsigned int n_ifaces;
	struct prom_iface ifaces[PROBE_MAX_IFACES];
};

/* Writes the exposition into buf (at most cap bytes, NUL-terminated when cap
 * > 0) and returns the length it needs without the NUL, like snprintf: a
 * return >= cap means buf was too small. */
size_t prom_render(char *buf, size_t cap, const struct prom_snapshot *s);
/* The mode label ("native", "generic") or state name of a state. */
const char *prom_state_name(enum prom_state st);

#endif
