/* selftest/netlink: the little rtnetlink the selftest needs to make its own
 * veth pair, with no external tool. Every call opens its own NETLINK_ROUTE
 * socket in the caller's network namespace, sends one request, reads the ACK
 * and returns 0 or the kernel's -errno. */
#ifndef XDPCOUNT_SELFTEST_NETLINK_H
#define XDPCOUNT_SELFTEST_NETLINK_H

struct nl_msg;
struct ifinfomsg;
/* Builds in m the RTM_NEWLINK request (create, exclusive) of the veth pair
 * name <-> peer, the peer moved to the network namespace of peer_netns_fd
 * when that is >= 0; returns its ifinfomsg (flags may be set; attributes of
 * the link may still be appended). */
struct ifinfomsg *veth_msg(struct nl_msg *m, const char *name, const char *peer,
			   int peer_netns_fd);

/* Creates the veth pair name <-> peer (both down). On EOPNOTSUPP (no veth in
 * the kernel) it loads veth.ko from /lib/modules/$(uname -r) and retries once. */
int veth_create(const char *name, const char *peer);

/* Sets the interface flags selected by change to the values in flags
 * (ifinfomsg ifi_flags / ifi_change), e.g. IFF_UP | IFF_NOARP. */
int link_set_flags(int ifindex, unsigned int flags, unsigned int change);

/* link_set_flags(ifindex, IFF_UP, IFF_UP). */
int link_set_up(int ifindex);

/* RTM_DELLINK; deleting one end of a veth deletes both. */
int link_delete(int ifindex);

/* The kernel's extended-ACK message of the last failed request in this
 * process (or of the module load that failed), "" if there was none. */
const char *netlink_extack(void);

#endif
