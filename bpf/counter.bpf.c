// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The XDP counters. No CO-RE and no global data: this object loads on kernels
 * without BTF. Two variants share the maps; user space loads exactly one. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stats.h"

/* ifindex -> slot in xdpcount_stats, filled by user space before attach. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPCOUNT_MAX_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} xdpcount_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPCOUNT_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct xdpcount_stats);
} xdpcount_stats SEC(".maps");

static __always_inline int count(struct xdp_md *ctx, __u64 len)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 *slot = bpf_map_lookup_elem(&xdpcount_slots, &ifindex);
	struct xdpcount_stats *s;

	if (!slot)
		return XDP_PASS;
	s = bpf_map_lookup_elem(&xdpcount_stats, slot);
	if (!s)
		return XDP_PASS;
	/* Per-CPU value: no other CPU writes it, so no atomics are needed. */
	s->packets++;
	s->bytes += len;
	return XDP_PASS;
}

/* Every kernel with XDP: linear frames only. */
SEC("xdp")
int xdpcount_legacy(struct xdp_md *ctx)
{
	return count(ctx, (__u64)(long)ctx->data_end - (__u64)(long)ctx->data);
}

/* 5.18+: multi-buffer aware, so jumbo-MTU interfaces can stay native. */
SEC("xdp.frags")
int xdpcount_frags(struct xdp_md *ctx)
{
	return count(ctx, bpf_xdp_get_buff_len(ctx));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
