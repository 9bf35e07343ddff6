// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The bench's other programs: the floor, and the live-frame generator. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The floor: an XDP program that does nothing. */
SEC("xdp")
int bench_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The generator: with BPF_F_TEST_XDP_LIVE_FRAMES and the context's ingress
 * ifindex set to one veth end, XDP_TX puts each frame into the peer's ring. */
SEC("xdp")
int bench_tx(struct xdp_md *ctx)
{
	return XDP_TX;
}

/* The tc floor: a tc program that does nothing (TC_ACT_UNSPEC, 5.10+: -1). */
SEC("tc")
int bench_empty_tc(struct __sk_buff *skb)
{
	return -1;
}

/* The tc egress floor: the same, loaded from the egress section, beside
 * which xdpcount's egress program is measured. */
SEC("tc/egress")
int bench_empty_egress(struct __sk_buff *skb)
{
	return -1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
