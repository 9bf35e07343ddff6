// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The XDP counters. No CO-RE: this object loads on kernels without BTF. Two
 * variants share the counting logic (count.h); user space loads one of them
 * per interface, with that interface's slot in .rodata. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "count.h"

/* Every kernel: a program without the frags flag only ever sees linear
 * frames (the kernel linearizes or refuses the rest), so data_end - data is
 * the whole frame, without a helper call. */
SEC("xdp")
int xdpcount_linear(struct xdp_md *ctx)
{
	xdpcount_count((__u64)(long)ctx->data_end - (__u64)(long)ctx->data);
	return XDP_PASS;
}

/* 5.18+: multi-buffer aware, for interfaces whose MTU does not fit one page
 * in native mode; bpf_xdp_get_buff_len counts every fragment. */
SEC("xdp.frags")
int xdpcount_frags(struct xdp_md *ctx)
{
	xdpcount_count(bpf_xdp_get_buff_len(ctx));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
