/* The layout shared by the XDP program and user space. Fixed-width fields
 * only: the same header is compiled for bpfel, bpfeb and every host. */
#ifndef XDPCOUNT_STATS_H
#define XDPCOUNT_STATS_H

#include <linux/types.h>

/* Counters of one interface on one CPU (a BPF_MAP_TYPE_PERCPU_ARRAY value). */
struct xdpcount_stats {
	__u64 packets;
	__u64 bytes; /* frame length from the Ethernet header on, as XDP sees it */
};

/* Interfaces one run can count on; slot i of the stats map is one interface,
 * counted by its own program instance (count.h). */
#define XDPCOUNT_MAX_SLOTS 64

/* Map and program names, shared so both sides spell them alike. The program
 * names begin with the ownership marker "xdpcount" (kernel names keep 15
 * characters). */
#define XDPCOUNT_MAP_STATS "xdpcount_stats"
#define XDPCOUNT_PROG_LINEAR "xdpcount_linear"
#define XDPCOUNT_PROG_FRAGS "xdpcount_frags"
#define XDPCOUNT_PROG_TC "xdpcount_tc"
#define XDPCOUNT_PROG_EGRESS "xdpcount_egress"
#define XDPCOUNT_MARKER "xdpcount"

/* Where the tc program sits when attached through a clsact qdisc (cls_bpf,
 * direct action): this filter handle at this priority, on ingress and on
 * egress alike, first in line ("xd"). A filter found there whose program
 * carries the marker is ours. */
#define XDPCOUNT_TC_HANDLE 0x7864
#define XDPCOUNT_TC_PRIO 1

#endif
