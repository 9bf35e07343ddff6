// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The counters. No CO-RE and no global data: this object loads on kernels
 * without BTF. Two XDP variants and one tc program share the maps; user space
 * loads exactly one. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
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

/* The counting itself, shared by every hook: add packets and bytes to the
 * slot of ifindex, if user space gave it one. */
static __always_inline void count(__u32 ifindex, __u64 packets, __u64 len)
{
	__u32 *slot = bpf_map_lookup_elem(&xdpcount_slots, &ifindex);
	struct xdpcount_stats *s;

	if (!slot)
		return;
	s = bpf_map_lookup_elem(&xdpcount_stats, slot);
	if (!s)
		return;
	/* Per-CPU value: no other CPU writes it, so no atomics are needed. */
	s->packets += packets;
	s->bytes += len;
}

/* Every kernel with XDP: linear frames only. */
SEC("xdp")
int xdpcount_legacy(struct xdp_md *ctx)
{
	count(ctx->ingress_ifindex, 1,
	      (__u64)(long)ctx->data_end - (__u64)(long)ctx->data);
	return XDP_PASS;
}

/* 5.18+: multi-buffer aware, so jumbo-MTU interfaces can stay native. */
SEC("xdp.frags")
int xdpcount_frags(struct xdp_md *ctx)
{
	count(ctx->ingress_ifindex, 1, bpf_xdp_get_buff_len(ctx));
	return XDP_PASS;
}

/* tc ingress (tcx link, or a cls_bpf direct-action filter on clsact), for
 * interfaces that carry someone else's XDP program: it sees what that
 * program passed. At ingress the kernel pushes the MAC header back before
 * running the program (cls_bpf_classify, tcx_run), so skb->len is the frame
 * from the Ethernet header on, like XDP's data_end - data. An skb that GRO
 * merged counts as the frames it was made of (gso_segs, 0 for a plain skb).
 * TC_ACT_UNSPEC (TCX_NEXT): the packet goes on as if we were not there. */
SEC("tc")
int xdpcount_tc(struct __sk_buff *skb)
{
	__u32 segs = skb->gso_segs;

	count(skb->ifindex, segs > 1 ? segs : 1, skb->len);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
