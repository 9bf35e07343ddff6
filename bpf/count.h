/* The counting logic every xdpcount program shares (XDP now, tc later):
 * one per-CPU array of counters, and the slot of the interface a loaded
 * program instance counts on, fixed before load. Include it from a BPF
 * program only. */
#ifndef XDPCOUNT_COUNT_H
#define XDPCOUNT_COUNT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stats.h"

/* Slot i counts interface i of the run, per CPU: no atomics needed. The
 * verifier inlines the lookup (no helper call, no hash). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPCOUNT_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpcount_stats);
} xdpcount_stats SEC(".maps");

/* The slot this loaded instance counts into. It lives in .rodata (global
 * data, 5.2+), which the loader (loader/counter.c) creates read-only for
 * programs, fills and freezes itself before the load: one
 * program instance per interface, and no lookup from ifindex to slot on the
 * hot path. Needs no kernel BTF. */
const volatile __u32 xdpcount_slot = 0;

/* Adds packets frames of len bytes in all to this instance's slot. */
static __always_inline void xdpcount_count(__u64 packets, __u64 len)
{
	__u32 slot = xdpcount_slot;
	struct xdpcount_stats *s = bpf_map_lookup_elem(&xdpcount_stats, &slot);

	if (!s)
		return;
	s->packets += packets;
	s->bytes += len;
}

#endif
