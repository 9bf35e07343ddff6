/* The counter: one program instance per interface, loaded with plain bpf()
 * calls from the embedded object (loader/image.c), its slot in a frozen
 * .rodata map of its own, every instance sharing one per-CPU stats map;
 * per-CPU sums read with one batched lookup per interval. */
#ifndef XDPCOUNT_COUNTER_H
#define XDPCOUNT_COUNTER_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/stats.h"
#include "loader/objects.h"
#include "plan/plan.h"

struct counter;

/* Prepares a counter for obj (no kernel needed yet) and allocates everything
 * the read loop uses. Loading needs no BTF: nothing is relocated against the
 * kernel's types. */
int counter_open(const struct embedded_object *obj, struct counter **out);
/* Sizes the stats map (and the read buffers) for slots program instances
 * (XDPCOUNT_MAX_SLOTS until told): before the first counter_add_*. 0 or
 * -errno (-EBUSY once the map exists). */
int counter_set_slots(struct counter *c, unsigned int slots);
unsigned int counter_slots(const struct counter *c);
void counter_close(struct counter *c);

/* Gives ifindex the next counter slot and loads the variant's program for
 * it (the verifier runs here). An interface has at most one XDP instance
 * (LINEAR or FRAGS), one tc ingress instance (TC) and one tc egress instance
 * (EGRESS): adding one it has is a no-op.
 * -ENOSPC when every slot is taken. On a failed load,
 * counter_verifier_log() holds the kernel's words where it has any. */
int counter_add_iface(struct counter *c, int ifindex, enum variant variant);
/* Closes every program instance counting ifindex (detached, or never
 * attached) and frees its slots for the next interface, whose totals then
 * start from zero. */
void counter_del_iface(struct counter *c, int ifindex);

/* The same for XDP through a dispatcher (loader/dispatcher.h): the linear
 * program as an extension (freplace) of function target_btf_id of program
 * target_fd (a dispatcher slot), with its function BTF, so that it can be
 * linked into any dispatcher slot later (5.10+). */
int counter_add_slot(struct counter *c, int ifindex, int target_fd, uint32_t target_btf_id);

/* The XDP program instance counting ifindex: -ENOENT / NULL / 0 if none. */
int counter_prog_fd(const struct counter *c, int ifindex);
const char *counter_prog_name(const struct counter *c, int ifindex);
/* Instructions after verification (xlated), 0 if unknown. */
unsigned int counter_insns(const struct counter *c, int ifindex);
/* Bytes of JIT-compiled code the kernel holds for ifindex's program: 0 when
 * it runs in the interpreter (or the length is hidden from the caller). */
unsigned int counter_jited_len(const struct counter *c, int ifindex);
/* The tc ingress / tc egress program instance counting ifindex, -ENOENT if
 * none. */
int counter_tc_prog_fd(const struct counter *c, int ifindex);
int counter_egress_prog_fd(const struct counter *c, int ifindex);
/* The last line of the verifier log that explains a failed load, or "". */
const char *counter_verifier_log(const struct counter *c);

/* Reads every slot's per-CPU counters with one BPF_MAP_LOOKUP_BATCH (5.6+;
 * one lookup per slot where the kernel lacks it) and sums them. No
 * allocation. */
int counter_read_all(struct counter *c);
/* ifindex's sums as of the last counter_read_all(): received (tx false: its
 * XDP and tc ingress instances) or transmitted (tx true: its tc egress
 * instance). -ENOENT if no slot for that direction. */
int counter_sum_dir(const struct counter *c, int ifindex, bool tx, struct xdpcount_stats *sum);
/* counter_sum_dir() of what ifindex received. */
int counter_sum(const struct counter *c, int ifindex, struct xdpcount_stats *sum);
/* counter_read_all() then the sum of one direction ifindex counts (receive
 * if it counts both). */
int counter_read(struct counter *c, int ifindex, struct xdpcount_stats *sum);
/* True once counter_read_all() had to fall back to one lookup per slot. */
bool counter_batch_missing(const struct counter *c);

/* Runs ifindex's XDP program once on a sample frame with BPF_PROG_TEST_RUN. */
int counter_test_run(struct counter *c, int ifindex, unsigned int frame_len,
		     uint32_t *retval);
/* The same with ifindex's tc program (BPF_PROG_TEST_RUN hands it the frame
 * as tc ingress on loopback would). */
int counter_tc_test_run(struct counter *c, int ifindex, unsigned int frame_len,
			uint32_t *retval);

/* Lists the programs and maps of an object without loading it. fn is called
 * with kind "program" or "map"; the list ends at the first non-zero return. */
int object_names(const struct embedded_object *obj,
		 void (*fn)(void *ctx, const char *kind, const char *name), void *ctx);

#endif
