// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The other XDP program of the kernel matrix's neighbour scenarios
 * (neighbour.sh): drops the frames of sendframes (ethertype 0x88B5) whose
 * sequence number is odd, passes everything else, so what it drops is known
 * and rxcount on the same interface sees only the even ones. With BTF (-g),
 * as libxdp needs to put it in a dispatcher slot. Compiled by run.sh with
 * clang -target bpfel: the guests with an xdp-loader are little-endian. */
#include <linux/bpf.h>

__attribute__((section("xdp"), used))
int xdp_drop_odd(struct xdp_md *ctx)
{
	unsigned char *d = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;

	if (d + 18 > end || d[12] != 0x88 || d[13] != 0xB5)
		return XDP_PASS;
	return d[17] & 1 ? XDP_DROP : XDP_PASS;
}

__attribute__((section("license"), used))
char LICENSE[] = "GPL";
