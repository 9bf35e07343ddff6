/* Minimal rtnetlink: veth creation, link flags, link deletion. */
#include "selftest/netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "probe/nl.h"

/* finit_module flag, 5.17+ (kernel/module: in-kernel decompression). */
#define XDPC_MODULE_INIT_COMPRESSED_FILE 4

static char extack_msg[256];

const char *netlink_extack(void)
{
	return extack_msg;
}

static struct ifinfomsg *nl_ifi(struct nl_msg *r)
{
	return NLMSG_DATA(&r->nh);
}

/* Sends the request and waits for its ACK (nl_request). Returns 0 or the
 * kernel's -errno, its message in extack_msg. */
static int nl_talk(struct nl_msg *r)
{
	struct nl_answer answer = { .extack = extack_msg, .extack_len = sizeof(extack_msg) };

	extack_msg[0] = '\0';
	return nl_msg_request(NETLINK_ROUTE, r, &answer);
}

/* Loads the first veth module file found for the running kernel. The kernel
 * decompresses .xz/.zst/.gz itself where it can (MODULE_INIT_COMPRESSED_FILE). */
static int veth_module_load(void)
{
	static const char *const exts[] = { "", ".xz", ".zst", ".gz" };
	struct utsname u;
	char path[256];
	unsigned int i;
	int fd, err = -ENOENT;

	if (uname(&u) < 0)
		return -errno;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		snprintf(path, sizeof(path),
			 "/lib/modules/%s/kernel/drivers/net/veth.ko%s",
			 u.release, exts[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (syscall(SYS_finit_module, fd, "",
			    i ? XDPC_MODULE_INIT_COMPRESSED_FILE : 0) == 0 ||
		    errno == EEXIST)
			err = 0;
		else
			err = -errno;
		close(fd);
		if (err)
			snprintf(extack_msg, sizeof(extack_msg),
				 "loading %.200s failed: %s", path, strerror(-err));
		goto out;
	}
out:
	return err;
}

struct ifinfomsg *veth_msg(struct nl_msg *m, const char *name, const char *peer,
			   int peer_netns_fd)
{
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };

	nl_msg_init(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	nl_ifi(m)->ifi_family = AF_UNSPEC;
	nl_msg_attr_str(m, IFLA_IFNAME, name);
	nl_msg_nest_begin(m, IFLA_LINKINFO);
	nl_msg_attr_str(m, IFLA_INFO_KIND, "veth");
	nl_msg_nest_begin(m, IFLA_INFO_DATA);
	nl_msg_nest_begin(m, VETH_INFO_PEER);
	nl_msg_put(m, &peer_ifi, sizeof(peer_ifi));
	nl_msg_attr_str(m, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		nl_msg_attr(m, IFLA_NET_NS_FD, &peer_netns_fd, sizeof(peer_netns_fd));
	nl_msg_nest_end(m);
	nl_msg_nest_end(m);
	nl_msg_nest_end(m);
	return nl_ifi(m);
}

static int veth_request(const char *name, const char *peer)
{
	struct nl_msg r;

	veth_msg(&r, name, peer, -1);
	return nl_talk(&r);
}

int veth_create(const char *name, const char *peer)
{
	int err;

	err = veth_request(name, peer);
	if (err != -EOPNOTSUPP)
		goto out;
	if (veth_module_load())
		goto out; /* keep EOPNOTSUPP: there is no veth here */
	err = veth_request(name, peer);
out:
	return err;
}

int link_set_flags(int ifindex, unsigned int flags, unsigned int change)
{
	struct nl_msg r;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -EINVAL;
	nl_msg_init(&r, RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	ifi = nl_ifi(&r);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return nl_talk(&r);
}

int link_set_up(int ifindex)
{
	return link_set_flags(ifindex, IFF_UP, IFF_UP);
}

int link_delete(int ifindex)
{
	struct nl_msg r;

	if (ifindex <= 0)
		return -EINVAL;
	nl_msg_init(&r, RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	nl_ifi(&r)->ifi_family = AF_UNSPEC;
	nl_ifi(&r)->ifi_index = ifindex;
	return nl_talk(&r);
}
