/* plan: a pure function from what the kernel can do (struct probe) and what
 * the operator asked for (struct plan_request) to decisions, each with a reason.
 * No syscalls here: tests feed it fake kernel profiles. */
#ifndef XDPCOUNT_PLAN_H
#define XDPCOUNT_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include "probe/probe.h"

/* TC is not an XDP mode but the other hook: tc ingress, after XDP. */
enum xdp_mode { XDP_MODE_AUTO = 0, XDP_MODE_NATIVE, XDP_MODE_GENERIC, XDP_MODE_TC };
/* DISPATCHER: XDP through libxdp's multi-program dispatcher (netlink), our
 * program an extension in its front slot (loader/dispatcher.h). SHARED, a
 * request only (never an interface's attach): never block another XDP user,
 * on any kernel: XDP through a dispatcher (joined, or ours) where the kernel
 * and the process can, else tc ingress, never our XDP program alone. */
enum attach_kind { ATTACH_AUTO = 0, ATTACH_LINK, ATTACH_NETLINK, ATTACH_DISPATCHER,
		   ATTACH_SHARED };
/* The program loaded for one interface: LINEAR (XDP, data_end - data, every
 * kernel), FRAGS (XDP, multi-buffer aware, bpf_xdp_get_buff_len, 5.18+), TC
 * (tc ingress, skb->len), or EGRESS (tc egress, the same count under its own
 * name). */
enum variant { VARIANT_LINEAR = 0, VARIANT_FRAGS, VARIANT_TC, VARIANT_EGRESS };
#define VARIANT_COUNT 4
/* What is counted: what interfaces receive (IN, the default: XDP, or tc
 * ingress), what they transmit (OUT: tc egress), or both. */
enum direction { DIRECTION_IN = 0, DIRECTION_OUT, DIRECTION_BOTH };
enum memlock_action { MEMLOCK_NONE = 0, MEMLOCK_RAISE, MEMLOCK_IMPOSSIBLE };
enum verdict { VERDICT_OK = 0, VERDICT_DEGRADED, VERDICT_INCOMPATIBLE };

/* One {name, value} table per enum, shared by the option parser, the human
 * output and JSON, so names cannot drift. */
struct enum_name {
	const char *name;
	int value;
};
extern const struct enum_name xdp_mode_names[];
extern const struct enum_name attach_kind_names[];
extern const struct enum_name variant_names[];
extern const struct enum_name direction_names[];
extern const struct enum_name memlock_action_names[];
extern const struct enum_name verdict_names[];
extern const struct enum_name fact_state_names[]; /* enum fact_state */
extern const struct enum_name share_names[];      /* enum share */
extern const struct enum_name disp_version_from_names[]; /* enum disp_version_from */
extern const struct enum_name xdp_feature_names[]; /* XDPC_XDP_ACT_* bits (probe/probe.h) */
extern const struct enum_name status_mode_names[]; /* enum status_mode (probe/status.h) */
extern const struct enum_name errno_names[];      /* EPERM, ... by the positive errno */
/* The name of value, "?" if the table has none. */
const char *enum_name(const struct enum_name *table, int value);
/* The same, NULL if the table has none. */
const char *enum_find(const struct enum_name *table, int value);
/* Returns the value, or -EINVAL if name is not in the table. */
int enum_parse(const struct enum_name *table, const char *name);

#define PLAN_REASON_LEN 256
#define PLAN_MAX_REASONS 8

struct plan_request {
	enum xdp_mode mode;      /* AUTO: native first, generic on refusal,
				  * tc behind a foreign XDP program */
	enum attach_kind attach; /* AUTO: link where the kernel has XDP links
				  * (tcx for tc); for tc, LINK is tcx and
				  * NETLINK a clsact qdisc with cls_bpf.
				  * SHARED: a dispatcher, else tc (tcx or
				  * clsact as auto chooses); the option
				  * parser refuses it with --mode native or
				  * generic; given here, a dispatcher runs
				  * in that mode, and tc where none can */
	enum direction direction; /* IN: receive only (today's plan) */
	/* The protocol version of a dispatcher we create on a free hook: 2
	 * for libxdp 1.3-1.5, 3 for 1.6+, which each refuse the other's. 0:
	 * the host's (plan->disp_version). Joining keeps the version of the
	 * dispatcher there. */
	unsigned int dispatcher_version;
};

/* The version of a dispatcher we create where nothing on the host tells
 * (no libxdp dispatcher runs, no libxdp installed): libxdp 1.3-1.5's, what
 * Debian bookworm and trixie ship. */
#define PLAN_DISPATCHER_VERSION 2
/* The first libxdp 1.N that writes (and accepts only) version 3. */
#define PLAN_LIBXDP_V3_MINOR 6

/* Does direction d count what interfaces receive / transmit? */
bool plan_counts_rx(enum direction d);
bool plan_counts_tx(enum direction d);

struct plan_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	enum xdp_mode mode;    /* NATIVE or GENERIC: what to try first; TC:
				* the tc ingress hook */
	bool fallback_generic; /* auto mode: may fall back at attach time */
	enum attach_kind attach; /* LINK or NETLINK (tc: tcx or clsact) */
	enum variant variant;  /* the program instance loaded for it */
	char variant_reason[PLAN_REASON_LEN];
	bool refuse;           /* will not attach here; refusal says why */
	enum refusal {
		REFUSE_NONE = 0,
		REFUSE_FOREIGN,    /* another XDP program is attached */
		REFUSE_MODE,       /* strict native the driver cannot do */
		REFUSE_ATTACH,     /* strict link the kernel cannot do */
		REFUSE_MISSING,    /* no such interface */
		REFUSE_OURS,       /* an xdpcount program is attached already */
	} refusal;
	char reason[PLAN_REASON_LEN];
	/* REFUSE_OURS: the live xdpcount holding our program here (0: it
	 * cannot be told). REFUSE_FOREIGN: the ip-link keyword that removes
	 * the foreign program in its mode ("xdpdrv", "xdpgeneric",
	 * "xdpoffload"; NULL for a libxdp dispatcher, which xdp-loader
	 * removes). */
	int ours_pid;
	const char *foreign_off;
	/* Our own program left by an xdpcount that no longer runs (kill -9 in
	 * netlink mode): removed before attaching, unattended. 0: none. */
	uint32_t stale_id;
	enum xdp_mode stale_mode;
	int stale_pid;         /* the xdpcount that left it, 0 unknown */
	/* The same for our cls_bpf filter on tc ingress (kill -9 in clsact
	 * mode), whichever hook this run counts at. 0: none. */
	uint32_t stale_tc_id;
	int stale_tc_pid;
	/* Receive is counted as planned above (mode, attach, variant) unless
	 * --direction out: then rx is false and those fields describe the tc
	 * egress hook (mode TC, variant EGRESS). */
	bool rx;
	/* Transmit (--direction out|both): the tc egress hook through tcx
	 * (LINK) or clsact (NETLINK), with its reason, and a stale egress
	 * filter of ours to remove first (0: none). A refusal at egress
	 * refuses the interface (refuse, refusal, reason say so; tx_refused
	 * tells it was egress). */
	bool tx;
	bool tx_refused;
	enum attach_kind tx_attach;
	char tx_reason[PLAN_REASON_LEN];
	uint32_t stale_tx_id;
	int stale_tx_pid;
	/* attach DISPATCHER: the dispatcher joined (0: XDP free, we create
	 * one), the protocol version of the result, and a slot of ours a
	 * killed xdpcount left in it, removed first (0: none). */
	uint32_t join_id;
	unsigned int disp_version;
	uint32_t stale_slot_id;
	int stale_slot_pid;
	/* Could a libxdp user (xdp-loader, xdp-filter, ...) still attach an XDP
	 * program here after us, and why (plan/share.c). */
	enum share {
		SHARE_YES = 0,     /* XDP stays free, or holds a dispatcher others add to */
		SHARE_BLOCKED,     /* no: our program holds XDP alone */
		SHARE_FOREIGN,     /* no, as before us: a program that is not libxdp's holds it */
	} share;
	char share_reason[PLAN_REASON_LEN];
	/* The XDP program counted behind at tc could be a stale xdpcount
	 * program nobody here can recognise (no pin of ours matches it, and
	 * its name needs CAP_SYS_ADMIN): what, why, and the command that
	 * removes it if it is one. "" when the program is known. */
	char unowned_reason[PLAN_REASON_LEN];
};

/* "xdp" or "tc": the hook a planned mode runs at. */
const char *plan_hook_name(enum xdp_mode mode);
/* "link"/"netlink" for XDP, "tcx"/"clsact" for tc. */
const char *plan_attach_name(enum xdp_mode mode, enum attach_kind attach);

struct plan {
	enum verdict verdict;
	int verdict_err;        /* the -errno behind reasons[0] (e.g. -EPERM), 0 unknown */
	unsigned int n_reasons; /* why degraded / incompatible */
	char reasons[PLAN_MAX_REASONS][PLAN_REASON_LEN];

	/* The kernel takes multi-buffer (frags) programs; each interface's
	 * variant is in its plan_iface. */
	bool frags_available;
	char variant_reason[PLAN_REASON_LEN];

	enum memlock_action memlock;
	uint64_t memlock_bytes; /* the limit to set when MEMLOCK_RAISE; the need otherwise */
	char memlock_reason[PLAN_REASON_LEN];

	unsigned int n_ifaces; /* mirrors probe->ifaces, same order */
	struct plan_iface ifaces[PROBE_MAX_IFACES];

	/* check: the variant its loopback test run loads, and how its
	 * selftest attaches (XDP: link where the kernel has XDP links; tc:
	 * tcx where it has tcx, else clsact). */
	enum variant check_variant;
	enum attach_kind selftest_attach;
	enum attach_kind selftest_tc_attach;

	/* Can this kernel host libxdp's multi-program dispatcher, so that
	 * other XDP programs share a hook with ours? The reason says why not
	 * (from the probes: kernel BTF, freplace, its re-attach, bpffs). */
	bool dispatcher_possible;
	char dispatcher_reason[PLAN_REASON_LEN];
	/* The protocol version of a dispatcher xdpcount creates on a free
	 * hook (auto, or --attach dispatcher), where it comes from, the short
	 * words of the interfaces' reasons ("the installed libxdp 1.6.3") and
	 * the whole reason check shows (plan/share.c). */
	unsigned int disp_version;
	enum disp_version_from {
		DISP_VERSION_DEFAULT = 0, /* nothing on the host tells: PLAN_DISPATCHER_VERSION */
		DISP_VERSION_OPTION,      /* --dispatcher-version */
		DISP_VERSION_DISPATCHER,  /* a libxdp dispatcher running on this host */
		DISP_VERSION_LIBRARY,     /* the installed libxdp.so.1.N */
	} disp_version_from;
	char disp_version_src[96];
	char disp_version_reason[PLAN_REASON_LEN];
};

/* The program name of a variant's instance (bpf/stats.h, XDPCOUNT_PROG_*). */
const char *plan_variant_prog(enum variant v);

/* A native attach of pi failed with err (-errno): may it fall back to
 * generic? Only where the plan allows it (auto mode), and not when the
 * kernel said no to us rather than to native mode: no permission (-EPERM),
 * or a program in the way (-EEXIST, -EBUSY). */
bool plan_may_fall_back(const struct plan_iface *pi, int err);

/* Does any interface of the plan count at tc (so the tc program loads)? */
bool plan_uses_tc(const struct plan *plan);

/* The steps of `xdpcount check` past the plan (cli/check.c). */
enum check_step {
	CHECK_STEP_LOAD,             /* the counter through the verifier */
	CHECK_STEP_TEST_RUN,         /* BPF_PROG_TEST_RUN of the XDP program */
	CHECK_STEP_TC_TEST_RUN,      /* the tc program: its load and test run */
	CHECK_STEP_SELFTEST_XDP,     /* --selftest native or generic */
	CHECK_STEP_SELFTEST_TC,      /* --selftest at tc ingress */
	CHECK_STEP_SELFTEST_EGRESS,  /* --selftest at tc egress */
};
/* How far a failed check step lowers check's verdict: incompatible where the
 * counter the plan runs cannot work, degraded where only a fallback path (or
 * a direction not counted unless asked for) failed. */
enum verdict plan_check_failed(const struct plan *plan, enum check_step step);

/* The capabilities a run keeps once attached, of those it holds (permitted,
 * bit n: capability n): CAP_NET_ADMIN where a netlink or clsact attachment
 * is removed at exit (netlink), and CAP_BPF and CAP_SYS_ADMIN too where this
 * kernel checks them on every map read (bpf_reads_need_caps: before 6.4
 * with kernel.unprivileged_bpf_disabled set). A slot in libxdp's dispatcher
 * (dispatcher) keeps CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF and CAP_PERFMON:
 * leaving reads the dispatcher by id, loads a new one and re-links the
 * others; and CAP_DAC_OVERRIDE where held (a unit's dynamic user: the xdp/
 * directory of the bpffs is root's, 0700, and leaving locks it and unpins
 * our slot there). Nothing else. */
uint64_t plan_caps_keep(uint64_t permitted, bool netlink, bool dispatcher,
			bool bpf_reads_need_caps);
/* Will plan_make() read xdp_frags for these interfaces? Only for a native
 * MTU that does not fit one page, or where the verifier will refuse the
 * linear program (no CAP_PERFMON). Pure: lets a run leave the frags probe
 * out (PROBE_SKIP_FRAGS). Call with the interfaces probed. */
bool plan_reads_frags(const struct probe *p);

/* Fills *plan. Never fails and never touches the kernel. */
void plan_make(const struct probe *probe, const struct plan_request *req,
	       struct plan *plan);
/* One interface (it, probed into p) planned as plan_make() would plan it in
 * plan (made for the same request), alone: for an interface that appears
 * while a run follows a selector. Its refusal, if any, is in pi. */
void plan_one_iface(const struct probe *p, const struct plan_request *req,
		    const struct probe_iface *it, struct plan *plan, struct plan_iface *pi);

/* Largest MTU whose frames fit one page with XDP headroom and
 * skb_shared_info (the strictest common driver limit, mlx5's 3498): above
 * it, native XDP needs the multi-buffer (frags) variant and a driver with
 * rx-sg. */
#define PLAN_XDP_LINEAR_MTU 3498
/* CPUs assumed when the number of possible CPUs is unknown. */
#define PLAN_NCPUS_UNKNOWN 256
/* Head room of the memlock estimate, see plan_memlock_need(). */
#define PLAN_MEMLOCK_MARGIN (2ULL << 20)

/* RLIMIT_MEMLOCK bytes one xdpcount needs on a kernel that charges BPF
 * memory to it (before 5.11), following the kernel's own cost formulas:
 *   stats  per-CPU array: page_round(1 KiB header + 64 x 8 B pointers
 *          + 64 slots x 16 B x ncpus)
 *   per program instance (one per interface and direction, one more per
 *          interface whose XDP is held through libxdp's dispatcher: its
 *          program and config map, plus check's five: XDP and tc on
 *          loopback, XDP, tc and tc egress on the selftest's veth):
 *          4 pages of program (a few dozen instructions, realloc slack)
 *          + 1 page of .rodata array (the slot)
 *   margin PLAN_MEMLOCK_MARGIN, 2 MiB: transient objects of libbpf's feature
 *          probes and of the verifier, and the other BPF objects of the same
 *          uid (the kernel checks the uid's total locked memory against this
 *          process's limit; as root that includes systemd's cgroup programs).
 * ncpus 0 means unknown (PLAN_NCPUS_UNKNOWN), page_size 0 means 4096,
 * instances 0 means 1. Pure. */
uint64_t plan_memlock_need(unsigned int ncpus, unsigned int page_size,
			   unsigned int instances);

#endif
