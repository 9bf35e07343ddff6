/* The counter program: open the embedded object, load one variant, map
 * interfaces to counter slots, read per-CPU sums. */
#ifndef XDPCOUNT_COUNTER_H
#define XDPCOUNT_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/stats.h"
#include "loader/objects.h"
#include "plan/plan.h"

struct counter;

/* Opens the object (no kernel needed) and keeps only the variant's program
 * for loading. btf_path (may be NULL) is passed to libbpf as btf_custom_path. */
int counter_open(const struct embedded_object *obj, enum variant variant,
		 const char *btf_path, struct counter **out);
/* Loads program and maps into the kernel (the verifier runs here). On
 * failure, counter_verifier_log() holds the kernel's words where it has any. */
int counter_load(struct counter *c);
void counter_close(struct counter *c);

/* Loads the tc program too (call before counter_load): for interfaces the
 * plan counts at tc ingress. Same maps, same counting. */
int counter_enable_tc(struct counter *c);
/* The tc program's fd, or -ENOENT when it was not enabled. */
int counter_tc_prog_fd(const struct counter *c);
/* Runs the tc program once on a sample frame (BPF_PROG_TEST_RUN, which
 * hands it to the program as tc ingress on loopback would). */
int counter_tc_test_run(struct counter *c, unsigned int frame_len, uint32_t *retval);

int counter_prog_fd(const struct counter *c);
const char *counter_prog_name(const struct counter *c);
/* Instructions after verification (xlated), 0 if unknown. */
unsigned int counter_insns(const struct counter *c);
/* The last line of the verifier log that explains a failed load, or "". */
const char *counter_verifier_log(const struct counter *c);

/* Gives ifindex its own counter slot (idempotent). -ENOSPC when full. */
int counter_add_iface(struct counter *c, int ifindex);
/* Sums of ifindex's counters over all CPUs. -ENOENT if it has no slot. */
int counter_read(const struct counter *c, int ifindex, struct xdpcount_stats *sum);

/* Runs the program once on a sample frame with BPF_PROG_TEST_RUN. */
int counter_test_run(struct counter *c, unsigned int frame_len, uint32_t *retval);

/* Lists the programs and maps of an object without loading it. fn is called
 * with kind "program" or "map"; the list ends at the first non-zero return. */
int object_names(const struct embedded_object *obj,
		 void (*fn)(void *ctx, const char *kind, const char *name), void *ctx);

#endif
