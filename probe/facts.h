/* The one table of kernel facts (as libbpf's feature_probes[]): each row
 * names a field of struct probe, the probe that fills it, its JSON key and
 * human label in the check report, the kernel version it appeared in, and
 * how much its absence matters. probe_bpf() runs the probes in table order;
 * planning, both check renderers, the fake kernels of tests/unit/test_plan.c
 * and the documentation test of tests/unit/test_probe.c walk it: adding a
 * probe is one row here, its field in struct probe and its function (declared
 * in probe/internal.h). */
#ifndef XDPCOUNT_FACTS_H
#define XDPCOUNT_FACTS_H

#include <stddef.h>

#include "probe/probe.h"

enum fact_need {
	FACT_NEEDED,   /* missing: the counter cannot run (incompatible) */
	FACT_WANTED,   /* missing: it runs, degraded */
	FACT_OPTIONAL, /* missing: another way serves as well */
};

enum fact_flags {
	FACT_BY_BPF = 1 << 0,   /* probed through bpf(): unknown when bpf() fails */
	FACT_DENIABLE = 1 << 1, /* a refusal here means bpf() is not allowed */
	FACT_BY_PROG = 1 << 2,  /* probed with the XDP program of prog_type_xdp's
				 * probe: unknown, with its errno, when that failed */
};

/* What the probes of one probe_bpf() share (probe/internal.h). */
struct probe_run;
/* Fills f (and at most the facts its comment names), keeping the errno. */
typedef void fact_probe_fn(struct probe *p, struct fact *f, struct probe_run *run);

struct fact_desc {
	size_t offset;         /* of the struct fact in struct probe */
	const char *key;       /* JSON key in check's "kernel" object */
	const char *label;     /* check's human row; NULL: a row of its own elsewhere, or none */
	const char *since;     /* kernel version it appeared in */
	enum fact_need need;
	unsigned int flags;    /* enum fact_flags */
	const char *yes, *no;  /* the human row's words */
	fact_probe_fn *probe;  /* NULL: filled elsewhere (its row says where) */
	unsigned int skip;     /* the PROBE_SKIP_* bit that leaves it out, 0 none */
};

extern const struct fact_desc probe_facts[];
extern const size_t probe_n_facts;

/* The capabilities check reports (its "features" object), which
 * probe_kernel() reads with capget(): a bool of struct probe each. */
struct cap_desc {
	size_t offset; /* of the bool in struct probe */
	const char *key;
};

extern const struct cap_desc probe_cap_facts[];
extern const size_t probe_n_cap_facts;

static inline struct fact *fact_at(struct probe *p, const struct fact_desc *d)
{
	return (struct fact *)((char *)p + d->offset);
}

static inline const struct fact *fact_of(const struct probe *p, const struct fact_desc *d)
{
	return (const struct fact *)((const char *)p + d->offset);
}

static inline bool cap_of(const struct probe *p, const struct cap_desc *d)
{
	return *(const bool *)((const char *)p + d->offset);
}

#endif
