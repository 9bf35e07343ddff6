/* probe/netns: which named network namespace (ip netns, /run/netns) an nsid
 * seen from here is, and where a namespace known by its inode is kept. */
#ifndef XDPCOUNT_PROBE_NETNS_H
#define XDPCOUNT_PROBE_NETNS_H

#include <stddef.h>

/* The name under /run/netns of the namespace with this nsid as seen from
 * here. 0, or -ENOENT when it has none. */
int netns_name(int nsid, char *name, size_t len);
/* The nsid in an RTM_NEWNSID reply, or -errno. */
int netns_parse_nsid(const void *buf, int len);
/* An fd of the network namespace whose inode is ino (a pin's netns), found
 * where namespaces are kept: an nsfs bind mount (`ip netns add`'s
 * /run/netns/NAME) or a process in it. -ENOENT none found: the namespace is
 * gone (or kept only where this process cannot see: an open fd, a socket,
 * another mount namespace); -EACCES some process could not be looked at
 * (without CAP_SYS_ADMIN; with it, such a process is beyond our reach). */
int netns_open_ino(unsigned long long ino);

#endif
