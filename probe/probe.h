/* probe/: what this kernel can do. Each probe fills one field of struct probe
 * and keeps the errno that decided it. Probes never decide and never print. */
#ifndef XDPCOUNT_PROBE_H
#define XDPCOUNT_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/capability.h>

#include "bpf/dispatcher.h"

/* The byte order of this host, and of a BPF object. */
enum byte_order { BYTE_ORDER_LITTLE = 0, BYTE_ORDER_BIG };
enum byte_order host_byte_order(void);
/* "little", "big" */
const char *byte_order_name(enum byte_order order);

#ifndef CAP_BPF
#define CAP_BPF 39 /* 5.8, a17b53c4a4b5 "bpf, capability: Introduce CAP_BPF" */
#endif

/* Tri-state (plus "not allowed") answer of one probe. Zero means "not probed". */
enum fact_state {
	FACT_UNKNOWN = 0, /* not probed, or the answer could not be told */
	FACT_YES,         /* supported */
	FACT_NO,          /* missing from this kernel */
	FACT_DENIED,      /* present, but we are not allowed to use it */
};

struct fact {
	enum fact_state state;
	int err; /* -errno that decided the answer, 0 if none */
};

#define PROBE_MAX_IFACES 64
#define PROBE_PROG_NAME_LEN 16

/* One XDP program found on an interface. */
struct probe_xdp_prog {
	uint32_t id;                    /* 0: none */
	char name[PROBE_PROG_NAME_LEN]; /* kernel program name, may be empty */
	bool ours;                      /* carries xdpcount's ownership marker, or our pin */
	bool name_unreadable;           /* reading it by id needs CAP_SYS_ADMIN */
	bool pinned;                    /* recognised by our bpffs pin (see probe/pin.h) */
	int holder_pid;                 /* an xdpcount holding it, 0 none known */
	bool holder_alive;              /* holder_pid runs: it counts there now */
	bool holder_unknown;            /* ours, but who holds it could not be told */
	/* A libxdp dispatcher (probe_dispatcher()): named xdp_dispatcher, with
	 * one read-only config map whose value starts with the protocol's
	 * magic and version. */
	bool dispatcher;                /* named xdp_dispatcher */
	uint8_t dispatcher_version;     /* from its config map; 0 unread or no magic */
	bool dispatcher_size_ok;        /* the config has that version's exact size */
	uint8_t dispatcher_progs;       /* num_progs_enabled */
	bool dispatcher_state;          /* <bpffs>/xdp/dispatch-<ifindex>-<id>/ exists */
	int dispatcher_err;             /* -errno reading its config, 0 none */
};

/* One program in a libxdp dispatcher's slot (probe_dispatcher_slots()): its
 * pinned program (<bpffs>/xdp/dispatch-<ifindex>-<id>/prog<i>-prog), its run
 * priority and chain actions from the dispatcher's config. */
struct probe_disp_slot {
	uint32_t id;                    /* 0: its pin could not be read */
	char name[PROBE_PROG_NAME_LEN];
	uint32_t prio;
	uint32_t actions;               /* bit n: action n goes on to the next */
	uint32_t flags;                 /* program_flags: BPF_F_XDP_HAS_FRAGS */
	bool ours;                      /* carries xdpcount's marker */
	int pid;                        /* the xdpcount of our pin of it, 0 none */
	bool alive;                     /* that xdpcount runs */
	int err;                        /* -errno reading its pin, 0 none */
};

struct probe_disp {
	unsigned int n;                 /* slots read (num_progs_enabled) */
	int err;                        /* -errno reading them (a slot's pin, -ENOENT:
					 * its state is not in our bpffs), 0 none */
	bool frags;                     /* is_xdp_frags */
	bool devbound;                  /* is_xdp_devbound (version 3) */
	struct probe_disp_slot slot[XDPC_DISP_SLOTS];
};

struct probe_iface {
	char name[IF_NAMESIZE];
	int ifindex;          /* 0 if the interface does not exist */
	char driver[32];      /* ethtool driver name, "" if unknown */
	unsigned int mtu;
	bool up;
	bool loopback;
	/* Programs attached now, per mode (one RTM_GETLINK: nl_link_xdp_ids). */
	struct probe_xdp_prog drv, skb, hw;
	/* The slots of the libxdp dispatcher among them (native first), if
	 * any (probe_dispatcher_slots()). */
	struct probe_disp disp;
	/* tc ingress (probe_tc_iface): a clsact (or ingress) qdisc is there
	 * now (FACT_YES, and its kind), how many ingress filters on it are
	 * not ours, and the program of the cls_bpf filter at xdpcount's handle
	 * and priority (a leftover of a killed run, id 0 if none). */
	struct fact clsact;
	char clsact_kind[16];
	unsigned int tc_filters;
	struct probe_xdp_prog tc_prog;
	/* The first xdpcount program on tcx ingress (another xdpcount counting
	 * here), id 0 if none; and how many tcx ingress programs there are. */
	struct probe_xdp_prog tcx_prog;
	unsigned int tcx_progs;
	/* The same facts of tc egress, where probe_tc_ifaces() was asked for
	 * them (egress true): someone's filters on the clsact qdisc's egress,
	 * the program at our place there, the first xdpcount tcx egress
	 * program and how many tcx egress programs there are. */
	unsigned int eg_filters;
	struct probe_xdp_prog eg_prog;
	struct probe_xdp_prog eg_tcx_prog;
	unsigned int eg_tcx_progs;
	/* Driver XDP features (netdev family, 6.3+): FACT_YES when known. */
	struct fact xdp_features_known;
	uint64_t xdp_features; /* NETDEV_XDP_ACT_* bits */
};

/* NETDEV_XDP_ACT_* from linux/netdev.h (6.3+), which older UAPI headers lack. */
#define XDPC_XDP_ACT_BASIC        (1ULL << 0)
#define XDPC_XDP_ACT_REDIRECT     (1ULL << 1)
#define XDPC_XDP_ACT_NDO_XMIT     (1ULL << 2)
#define XDPC_XDP_ACT_XSK_ZEROCOPY (1ULL << 3)
#define XDPC_XDP_ACT_HW_OFFLOAD   (1ULL << 4)
#define XDPC_XDP_ACT_RX_SG        (1ULL << 5)
#define XDPC_XDP_ACT_NDO_XMIT_SG  (1ULL << 6)

/* Which libxdp generation this host speaks (probe/libxdp.c): the version of
 * a dispatcher xdpcount creates on a free hook follows it (plan/share.c). */
#define XDPC_DISP_VERSION_MAX 3
struct probe_libxdp {
	bool probed;                 /* probe_libxdp() ran */
	/* libxdp dispatchers of a known version (2, 3) attached now to an
	 * interface of this network namespace, found by their state in libxdp's
	 * bpffs (xdp/dispatch-<ifindex>-<id>/), per version, with the first of
	 * each; disp_err the -errno that kept one from being read (its
	 * directory or a config), 0 none. */
	unsigned int disp_n[XDPC_DISP_VERSION_MAX + 1];
	int disp_ifindex[XDPC_DISP_VERSION_MAX + 1];
	uint32_t disp_id[XDPC_DISP_VERSION_MAX + 1];
	int disp_err;
	/* The newest libxdp.so.1.N[.M] (a regular file, or a link to one)
	 * under the usual library directories. */
	bool lib_found;
	unsigned int lib_minor, lib_patch;
	char lib_path[160];
};

struct probe {
	/* Kernel identity (uname, /proc/version_signature). */
	char release[65];
	char machine[65];
	unsigned int kver_major, kver_minor, kver_patch; /* 0.0.0 if unparsable */
	enum byte_order host_order;

	/* Privilege. */
	bool cap_bpf, cap_net_admin, cap_sys_admin, cap_sys_resource;
	bool cap_perfmon; /* 5.8+: lets the verifier accept pointer arithmetic such as data_end - data */
	bool caps_known; /* capget() answered; the cap_* fields are meaningless otherwise */
	bool in_user_ns; /* not the initial user namespace: its capabilities do not count for bpf() */
	bool euid_root;  /* effective uid 0: "run as root" would not help it */
	int unprivileged_bpf_disabled; /* sysctl value, -1 if unreadable */

	/* BPF itself. */
	struct fact bpf_syscall;      /* ENOSYS: no BPF; EPERM/EACCES: denied */
	struct fact prog_type_xdp;
	struct fact map_percpu_array;
	struct fact map_hash;
	struct fact link_xdp;         /* XDP through bpf_link, 5.9+ */
	struct fact xdp_frags;        /* BPF_F_XDP_HAS_FRAGS, 5.18+ */
	struct fact memcg_accounting; /* BPF memory charged to memcg, 5.11+ */
	struct fact jit;              /* net.core.bpf_jit_enable != 0 */
	struct fact btf_vmlinux;      /* kernel BTF found (see btf/) */
	struct fact tcx;              /* tc ingress through bpf_link (tcx), 6.6+ */
	/* What other XDP programs need to share the hook with ours through
	 * libxdp's dispatcher (probe/ext.c). */
	struct fact kernel_btf;       /* /sys/kernel/btf/vmlinux, 5.4+ */
	struct fact prog_type_ext;    /* freplace, BPF_PROG_TYPE_EXT, 5.6+ */
	struct fact freplace_link;    /* an extension linked to another program, 5.10+ */
	struct fact bpffs_writable;   /* the bpffs in use is mounted and writable */
	struct probe_libxdp libxdp;   /* probe_libxdp(), with those (PROBE_SKIP_EXT) */

	/* RLIMIT_MEMLOCK as found at start. UINT64_MAX means infinity. */
	uint64_t memlock_cur, memlock_max;
	unsigned int ncpus; /* possible CPUs, 0 if unknown */
	unsigned int page_size; /* 0 if unknown */

	/* The netdev generic netlink family (6.3+), which answers the
	 * xdp-features: without it "no features" cannot be told apart. */
	struct fact netdev_family;
	int netdev_family_id;         /* its generic netlink id, when YES */

	bool kernel_probed, bpf_probed; /* probe_kernel() / probe_bpf() ran */

	unsigned int n_ifaces;
	struct probe_iface ifaces[PROBE_MAX_IFACES];
};

/* Kernel identity, privilege, RLIMIT_MEMLOCK, possible CPUs, JIT sysctl.
 * No bpf(). Returns 0, or -errno if uname() fails. Cached. */
int probe_kernel(struct probe *p);
/* The effective capabilities now (bit n: capability n), and whether this
 * process lives in a user namespace other than the initial one. */
int probe_caps_now(uint64_t *effective, bool *in_user_ns);
/* Does this /proc/self/uid_map text belong to a non-initial user namespace? */
bool probe_uid_map_nested(const char *uid_map);

/* "5.4.0-1234-aws" -> 5.4.0. version_signature (Ubuntu's
 * /proc/version_signature, may be NULL) wins when it parses: it carries the
 * upstream version ("Ubuntu 5.4.0-1234.1234-aws 5.4.272" -> 5.4.272).
 * Returns 0, or -EINVAL (then *maj, *min, *patch are 0). */
int kver_parse(const char *release, const char *version_signature,
	       unsigned int *maj, unsigned int *min, unsigned int *patch);

/* The kernel-fact probes: each row of the table in probe/facts.c that has
 * one, in table order (jit only when the sysctl could not tell). Cheap: a few map creations and program loads, all
 * closed again; nothing is attached. Cached: a second call does nothing.
 * Temporarily lowers RLIMIT_MEMLOCK (memcg probe) and restores it.
 * Returns 0; a probe that cannot answer leaves its fact FACT_UNKNOWN with
 * the errno. skip: PROBE_SKIP_* bits of probes left out (their facts stay
 * FACT_UNKNOWN with -ECANCELED): a run asks only what its plan will read;
 * check asks everything. */
#define PROBE_SKIP_MAP_HASH (1U << 0) /* no plan reads it; check reports it */
#define PROBE_SKIP_FRAGS (1U << 1)    /* a program load; see plan_reads_frags() */
#define PROBE_SKIP_EXT (1U << 2)      /* a BTF and three program loads; see probe/ext.c */
int probe_bpf(struct probe *p, unsigned int skip);

/* Appends p->ifaces[p->n_ifaces++] for interface name, under the device's
 * own name (an alias such as eth0:1, or an altname, names its device).
 * -ENODEV: no such interface; -EEXIST: that device is probed already;
 * -E2BIG: PROBE_MAX_IFACES reached.
 * Other failures (ethtool, RTM_GETLINK, netdev genl) leave that field
 * unknown. */
int probe_iface(struct probe *p, const char *name);

/* probe_iface() for every interface that is up and not a loopback, in
 * ifindex order. -E2BIG when there are more than PROBE_MAX_IFACES (the
 * first ones are kept). */
int probe_default_ifaces(struct probe *p);

/* BPF_TCX_INGRESS, BPF_TCX_EGRESS and BPF_F_BEFORE (6.6), which older UAPI
 * headers lack. */
#define XDPC_BPF_TCX_INGRESS 46
#define XDPC_BPF_TCX_EGRESS 47
#define XDPC_BPF_F_BEFORE (1U << 3)

/* Fills clsact, clsact_kind, tc_filters, tc_prog, tcx_prog and tcx_progs
 * of every probed interface (and with egress the eg_* facts too): one qdisc
 * dump for all, then per interface with a clsact qdisc its filters.
 * Read-only. Call after the interfaces are probed (probe_iface(),
 * probe_default_ifaces()). */
void probe_tc_ifaces(struct probe *p, bool egress);

/* The one ownership check by name (the way that needs CAP_SYS_ADMIN; the
 * bpffs pin of probe/pin.h needs only CAP_BPF): the kernel's name of
 * program id into name (PROBE_PROG_NAME_LEN bytes) and, if fd is not NULL,
 * an fd of the program (the caller closes it). 0 or -errno. */
int prog_name_by_id(uint32_t id, char *name, int *fd);
/* The kernel's id of the program behind fd, and its name into name
 * (PROBE_PROG_NAME_LEN bytes) unless name is NULL. 0 or -errno. */
int prog_id_by_fd(int fd, uint32_t *id, char *name);
/* The program of the cls_bpf filter at xdpcount's clsact place on ingress
 * or egress (XDPCOUNT_TC_HANDLE, XDPCOUNT_TC_PRIO): 0 with *prog_id, or bpf_tc_query's
 * -errno (-ENOENT: no filter there; -EINVAL: no clsact qdisc). */
int probe_tc_our_filter(int ifindex, bool egress, uint32_t *prog_id);

/* libxdp's dispatcher protocol (lib/libxdp/protocol.org in xdp-tools). */
#define XDPC_DISPATCHER_NAME "xdp_dispatcher"
#define XDPC_DISPATCHER_MAGIC XDPC_DISP_MAGIC
#define XDPC_DISPATCHER_SLOTS XDPC_DISP_SLOTS
#define XDPC_DISPATCHER_V2_SIZE 124   /* libxdp 1.3-1.5 */
#define XDPC_DISPATCHER_V3_SIZE 128   /* libxdp 1.6: + is_xdp_devbound */
/* The config size of a dispatcher version we know (2, 3), 0 for others. */
static inline unsigned int dispatcher_config_size(unsigned int version)
{
	return version == 2 ? XDPC_DISPATCHER_V2_SIZE
	       : version == 3 ? XDPC_DISPATCHER_V3_SIZE : 0;
}
/* Is x a libxdp dispatcher of a version xdpcount knows (2, 3), its config
 * read and of that version's exact size? */
static inline bool probe_dispatcher_known(const struct probe_xdp_prog *x)
{
	return x->dispatcher && !x->dispatcher_err && x->dispatcher_size_ok &&
	       dispatcher_config_size(x->dispatcher_version) &&
	       x->dispatcher_progs <= XDPC_DISPATCHER_SLOTS;
}
/* Fills x's dispatcher_* fields when its name (read already) says it is a
 * dispatcher: reads the config map (needs CAP_SYS_ADMIN, as the name does)
 * and looks for its state directory in bpffs. */
void probe_dispatcher(struct probe_xdp_prog *x, int ifindex);
/* Reads the slots of the dispatcher holding XDP on it into it->disp: each
 * pinned program's id and name, our pin's owner, its priority and chain
 * actions. Needs the config read by probe_dispatcher(). */
void probe_dispatcher_slots(struct probe_iface *it);
/* The whole config value of dispatcher prog_id (its only map): *size gets
 * the map's value size. 0 or -errno. */
int probe_dispatcher_config(uint32_t prog_id, void *buf, size_t len, uint32_t *size);
/* The bpffs of libxdp's state: $LIBXDP_BPFFS, else pin_bpffs(). */
const char *dispatcher_bpffs(void);

/* probe/libxdp.c. p->libxdp: the dispatchers in dispatcher_bpffs() and the
 * library under probe_libxdp_dirs (probe_bpf() calls it unless
 * PROBE_SKIP_EXT). The two halves take their places, for tests. */
void probe_libxdp(struct probe *p);
void probe_libxdp_dispatchers(struct probe_libxdp *l, const char *bpffs);
void probe_libxdp_lib(struct probe_libxdp *l, const char *const *dirs);
/* /usr/lib, /lib, /usr/lib64, /lib64, /usr/local/lib{,64} (and each one's
 * *-linux-* multiarch subdirectories), NULL-terminated. */
extern const char *const probe_libxdp_dirs[];
/* "libxdp.so.1.6.3" -> 6, 3 ("libxdp.so.1.6": 6, 0). 0, or -EINVAL for any
 * other name (libxdp.so.1 itself says no version). */
int libxdp_soname_parse(const char *name, unsigned int *minor, unsigned int *patch);

/* Does a program name carry xdpcount's marker (bpf/stats.h)? */
bool prog_name_ours(const char *name);

/* Dumps RTM_GETQDISC or RTM_GETTFILTER (parent: the filters' parent) of one
 * interface; fn sees each message of that interface with its TCA_KIND and
 * stops the walk by returning non-zero (returned). 0 or -errno. */
struct tcmsg;
typedef int (*probe_tc_fn)(void *ctx, const struct tcmsg *t, const char *kind);
int probe_tc_dump(int type, int ifindex, uint32_t parent, probe_tc_fn fn, void *ctx);
/* Calls fn for every clsact qdisc (or the older ingress one: both own the
 * ffff: handle) on ifindex (0: on every interface), from one RTM_GETQDISC
 * dump. 0 or -errno. */
typedef void (*probe_clsact_fn)(void *ctx, int ifindex, const char *kind);
int probe_clsact_each(int ifindex, probe_clsact_fn fn, void *ctx);

/* The interface of the IPv4 default route with the lowest metric
 * (/proc/net/route). -ENOENT if there is none. */
int probe_default_route_iface(char name[IF_NAMESIZE]);
/* The same, from the text of /proc/net/route (for tests). */
int route_default_iface_parse(const char *text, char name[IF_NAMESIZE]);

#endif
