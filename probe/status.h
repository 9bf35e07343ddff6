/* `xdpcount status`: which XDP programs sit on which interface, read-only,
 * and at tc ingress and egress the tcx programs and the cls_bpf filter at xdpcount's
 * clsact place (where xdpcount counts behind someone's XDP program). For
 * each program: mode, id, name, tag, attach kind (XDP: a bpf_link, or
 * netlink when no XDP link points at it; tc: tcx or clsact), whether it is
 * xdpcount's, when it was loaded, and which processes hold it open. */
#ifndef XDPCOUNT_PROBE_STATUS_H
#define XDPCOUNT_PROBE_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/probe.h"

#define STATUS_MAX_PIDS 8

/* TC and TC_EGRESS last: the tc hooks, ingress and egress. */
enum status_mode { STATUS_NATIVE, STATUS_GENERIC, STATUS_OFFLOAD, STATUS_TC, STATUS_TC_EGRESS };

/* per interface: 3 XDP modes, tcx programs and our filter on each tc hook */
#define STATUS_MAX_PROGS 12

struct status_prog {
	enum status_mode mode;
	uint32_t id;
	bool info_known;        /* name, tag, load time: need CAP_SYS_ADMIN */
	char name[16];
	char tag[17];
	bool ours;              /* xdpcount's (by its name marker) */
	bool link;              /* through a bpf_link (XDP, tcx); else netlink (XDP), clsact (tc) */
	bool attach_known;      /* the XDP links could be listed (privilege) */
	uint32_t link_id;       /* LINK only */
	double loaded_at;       /* unix seconds; 0 unknown */
	unsigned int n_pids;    /* processes holding the program or its link */
	int pids[STATUS_MAX_PIDS];
	bool pids_known;        /* every process's fdinfo was readable (or root) */
};

struct status_iface {
	char name[16];
	int ifindex;
	unsigned int n_progs;
	struct status_prog progs[STATUS_MAX_PROGS];
	int err;                /* the query's -errno, or 0 */
	/* A libxdp dispatcher holding XDP (native first): its id (0: none),
	 * protocol version and slots, as `xdp-loader status` shows them. */
	uint32_t disp_id;
	unsigned int disp_version;
	struct probe_disp disp;
};

/* Queries each interface's XDP programs (one RTM_GETLINK each) and tc
 * ingress programs (tcx; our clsact place where there is a clsact qdisc,
 * from one qdisc dump), and describes each. The link and pid lookups are
 * done once per call over all interfaces. 0 or -errno. */
int status_query(struct status_iface *ifs, unsigned int n);
/* The modes' names are an enum table: status_mode_names (plan/plan.h). */

#endif
