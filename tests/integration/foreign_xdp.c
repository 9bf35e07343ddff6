// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* "Foreign" programs for the integration tests: things that are not
 * xdpcount's, already attached to an interface, which xdpcount must never
 * replace or disturb. Compiled at test time with clang -target bpf; test-only.
 *  foreign_pass  XDP, passes everything;
 *  foreign_drop  XDP, drops every frame longer than FOREIGN_DROP_ABOVE bytes
 *                (a known subset: the tests send small and large frames);
 *  foreign_cls   tc (cls_bpf), someone else's filter: counts nothing, passes. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#define FOREIGN_DROP_ABOVE 128

__attribute__((section("xdp"), used))
int foreign_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

__attribute__((section("xdp_drop"), used))
int foreign_drop(struct xdp_md *ctx)
{
	long len = (long)ctx->data_end - (long)ctx->data;

	return len > FOREIGN_DROP_ABOVE ? XDP_DROP : XDP_PASS;
}

__attribute__((section("classifier"), used))
int foreign_cls(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

__attribute__((section("license"), used))
char LICENSE[] = "Dual BSD/GPL";
