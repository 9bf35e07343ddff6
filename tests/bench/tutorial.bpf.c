// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The cilium/ebpf XDP tutorial's counter, for the bench's baseline rows: one
 * BPF_MAP_TYPE_ARRAY slot shared by every CPU, bumped atomically. Loaded by
 * the bench tool (C) and by the Go tutorial program (cilium/ebpf). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} pkt_count SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&pkt_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char __license[] SEC("license") = "Dual MIT/GPL";
