/* probe/ private helpers, shared by the probe files only. */
#ifndef XDPCOUNT_PROBE_INTERNAL_H
#define XDPCOUNT_PROBE_INTERNAL_H

#include <stddef.h>
#include <linux/bpf.h>

/* Reads at most len-1 bytes of a small file into buf, NUL-terminated.
 * Returns the length, or -errno. */
int probe_read_text(const char *path, char *buf, size_t len);

/* Reads one integer from a sysctl-like file. Returns 0 or -errno. */
int probe_read_long(const char *path, long *val);

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
