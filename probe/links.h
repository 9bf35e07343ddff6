/* The interfaces of this network namespace, as a selector needs them: name,
 * ifindex, kind (IFLA_INFO_KIND: "veth", "bridge", "ifb", "" for a
 * physical device) and flags. One RTM_GETLINK dump, without statistics. */
#ifndef XDPCOUNT_PROBE_LINKS_H
#define XDPCOUNT_PROBE_LINKS_H

#include <net/if.h>
#include <stdbool.h>
#include <linux/netlink.h>

struct probe_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];
	unsigned int flags; /* IFF_UP, IFF_LOOPBACK, ... */
};

/* One RTM_NEWLINK message (a dump's, or a notification's) into l. 0, or
 * -EINVAL when it is no RTM_NEWLINK or has no name. */
int probe_link_parse(const struct nlmsghdr *h, struct probe_link *l);
/* Every interface, in ifindex order, into *out (malloc'ed; the caller
 * frees it), *n of them. 0 or -errno. */
int probe_links(struct probe_link **out, int *n);

#endif
