// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The counters. No CO-RE: this object loads on kernels without BTF. Two XDP
 * variants and two tc programs (ingress, egress) share the counting logic
 * (count.h); user space loads one of them per interface and hook, with that
 * instance's slot in .rodata. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "count.h"

/* Every kernel: a program without the frags flag only ever sees linear
 * frames (the kernel linearizes or refuses the rest), so data_end - data is
 * the whole frame, without a helper call. */
SEC("xdp")
int xdpcount_linear(struct xdp_md *ctx)
{
	xdpcount_count(1, (__u64)(long)ctx->data_end - (__u64)(long)ctx->data);
	return XDP_PASS;
}

/* 5.18+: multi-buffer aware, for interfaces whose MTU does not fit one page
 * in native mode; bpf_xdp_get_buff_len counts every fragment. */
SEC("xdp.frags")
int xdpcount_frags(struct xdp_md *ctx)
{
	xdpcount_count(1, bpf_xdp_get_buff_len(ctx));
	return XDP_PASS;
}

/* What a tc program counts of one skb, at either hook. The MAC header is
 * in skb->len there: at ingress the kernel pushes it back before running the
 * program (cls_bpf_classify, tcx_run), and at egress the skb already starts
 * with it (dev_queue_xmit), so skb->len is the frame from the Ethernet header
 * on, like XDP's data_end - data, without the FCS. A GSO skb counts as the
 * frames it is made of (gso_segs: the frames GRO merged at ingress, those
 * GSO/TSO will cut at egress; 0 for a plain skb). TC_ACT_UNSPEC (TCX_NEXT):
 * the packet goes on as if we were not there. */
static __always_inline int xdpcount_skb(struct __sk_buff *skb)
{
	__u32 segs = skb->gso_segs;

	xdpcount_count(segs > 1 ? segs : 1, skb->len);
	return TC_ACT_UNSPEC;
}

/* tc ingress (tcx link, or a cls_bpf direct-action filter on clsact), for
 * interfaces that carry someone else's XDP program: it sees what that
 * program passed. */
SEC("tc")
int xdpcount_tc(struct __sk_buff *skb)
{
	return xdpcount_skb(skb);
}

/* tc egress (tcx link, or cls_bpf on clsact egress): what the interface
 * transmits (--direction out|both), first in line on that hook. Its own
 * name, so status and bpftool tell the two hooks apart. */
SEC("tc/egress")
int xdpcount_egress(struct __sk_buff *skb)
{
	return xdpcount_skb(skb);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
