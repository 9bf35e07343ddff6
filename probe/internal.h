/* probe/ private helpers, shared by the probe files only. */
#ifndef XDPCOUNT_PROBE_INTERNAL_H
#define XDPCOUNT_PROBE_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "probe/facts.h"

/* Reads at most len-1 bytes of a small file into buf, NUL-terminated.
 * Returns the length, or -errno. */
int probe_read_text(const char *path, char *buf, size_t len);

/* Reads one integer from a sysctl-like file. Returns 0 or -errno. */
int probe_read_long(const char *path, long *val);

static inline void fact_set(struct fact *f, enum fact_state state, int err)
{
	f->state = state;
	f->err = err; /* -errno, 0 for none */
}

/* The usual reading of a refused probe: EPERM/EACCES mean "not allowed",
 * the errno given as "missing" means missing, anything else is unknown. */
static inline void fact_from_err(struct fact *f, int ret, int missing_errno)
{
	if (ret >= 0)
		fact_set(f, FACT_YES, 0);
	else if (ret == -missing_errno)
		fact_set(f, FACT_NO, ret);
	else if (ret == -EPERM || ret == -EACCES)
		fact_set(f, FACT_DENIED, ret);
	else
		fact_set(f, FACT_UNKNOWN, ret);
}

/* What the probes of one probe_bpf() share: the XDP_PASS program that
 * prog_type_xdp's probe loaded (-errno if it failed), for the FACT_BY_PROG
 * ones. probe_run_end() closes it. */
struct probe_run {
	int prog_fd;
};
void probe_run_end(struct probe_run *run);

/* The probes of the table's rows (probe/facts.c), each beside the code it
 * needs: probe/bpf.c, the JIT, tcx (probe/tc.c), the dispatcher's
 * (probe/ext.c). */
fact_probe_fn probe_fact_bpf_syscall, probe_fact_prog_type_xdp, probe_fact_map_percpu_array,
	probe_fact_map_hash, probe_fact_link_xdp, probe_fact_xdp_frags, probe_fact_memcg,
	probe_fact_jit_prog, probe_fact_tcx, probe_fact_kernel_btf, probe_fact_ext,
	probe_fact_bpffs_writable;

/* The id (> 0) of a generic netlink family, 0 if the kernel says ENOENT,
 * -errno if it could not be asked. */
int genl_family_id(const char *name);
/* One buffer of replies to request seq: 1 when it ends the exchange (the
 * answer in *result: the family id, 0 missing, -errno; *found: the id seen so
 * far), 0 to read on. */
int genl_parse_reply(const void *buf, int len, __u32 seq, int *found, int *result);
/* The netdev family's (id family) NETDEV_A_DEV_XDP_FEATURES of an interface:
 * 0, or -errno (-ENODATA: the answer had none). */
int genl_xdp_features(int family, int ifindex, __u64 *features);
/* Id, name and ownership of a program attached to ifindex (XDP, or our
 * cls_bpf filter): our pin or our name, and whether the xdpcount holding it
 * still runs (probe/iface.c). */
struct probe_xdp_prog;
void probe_prog_owner(struct probe_xdp_prog *x, __u32 id, int ifindex);

#endif
