/* The one table of kernel facts (as libbpf's feature_probes[]): each row
 * names a field of struct probe, its JSON key and human label in the check
 * report, the kernel version it appeared in, and how much its absence
 * matters. Probing, planning, both check renderers and the fake kernels of
 * tests/unit/test_plan.c walk it: adding a probe is one row here (and its
 * probe code). */
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
};

struct fact_desc {
	size_t offset;         /* of the struct fact in struct probe */
	const char *key;       /* JSON key in check's "kernel" object */
	const char *label;     /* check's human row; NULL: a row of its own elsewhere, or none */
	const char *since;     /* kernel version it appeared in */
	enum fact_need need;
	unsigned int flags;    /* enum fact_flags */
	const char *yes, *no;  /* the human row's words */
};

extern const struct fact_desc probe_facts[];
extern const size_t probe_n_facts;

static inline struct fact *fact_at(struct probe *p, const struct fact_desc *d)
{
	return (struct fact *)((char *)p + d->offset);
}

static inline const struct fact *fact_of(const struct probe *p, const struct fact_desc *d)
{
	return (const struct fact *)((const char *)p + d->offset);
}

#endif
