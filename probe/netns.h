/* probe/netns: which named network namespace (ip netns, /run/netns) an nsid
 * seen from here is. */
#ifndef XDPCOUNT_PROBE_NETNS_H
#define XDPCOUNT_PROBE_NETNS_H

#include <stddef.h>

/* The name under /run/netns of the namespace with this nsid as seen from
 * here. 0, or -ENOENT when it has none. */
int netns_name(int nsid, char *name, size_t len);
/* The nsid in an RTM_NEWNSID reply, or -errno. */
int netns_parse_nsid(const void *buf, int len);

#endif
