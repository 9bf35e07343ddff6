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

#define NL_BUF_LEN 1024
#define NL_MAX_NEST 4

/* One request under construction. */
struct nl_req {
	union {
		struct nlmsghdr nh;
		char buf[NL_BUF_LEN];
	};
	unsigned int nest[NL_MAX_NEST]; /* offsets of open nested attributes */
	unsigned int depth;
	int overflow;
};

static char extack_msg[256];

const char *netlink_extack(void)
{
	return extack_msg;
}

static void *nl_tail(struct nl_req *r)
{
	return r->buf + NLMSG_ALIGN(r->nh.nlmsg_len);
}

static void nl_init(struct nl_req *r, unsigned short type, unsigned short flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_seq = (unsigned int)time(NULL);
}

static struct ifinfomsg *nl_ifi(struct nl_req *r)
{
	return NLMSG_DATA(&r->nh);
}

/* Appends raw bytes (already aligned by the caller's accounting). */
static void *nl_put(struct nl_req *r, const void *data, unsigned int len)
{
	unsigned int off = NLMSG_ALIGN(r->nh.nlmsg_len);
	void *p;

	if (off + NLMSG_ALIGN(len) > sizeof(r->buf)) {
		r->overflow = 1;
		return NULL;
	}
	p = r->buf + off;
	memset(p, 0, NLMSG_ALIGN(len));
	if (data)
		memcpy(p, data, len);
	r->nh.nlmsg_len = off + len;
	return p;
}

static void nl_attr(struct nl_req *r, unsigned short type, const void *data,
		    unsigned int len)
{
	struct nlattr *a = nl_put(r, NULL, NLA_HDRLEN + len);

	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

static void nl_attr_str(struct nl_req *r, unsigned short type, const char *s)
{
	nl_attr(r, type, s, strlen(s) + 1);
}

static void nl_nest_begin(struct nl_req *r, unsigned short type)
{
	struct nlattr *a;

	if (r->depth >= NL_MAX_NEST) {
		r->overflow = 1;
		return;
	}
	a = nl_put(r, NULL, NLA_HDRLEN);
	if (!a)
		return;
	a->nla_type = type | NLA_F_NESTED;
	r->nest[r->depth++] = (unsigned int)((char *)a - r->buf);
}

static void nl_nest_end(struct nl_req *r)
{
	struct nlattr *a;

	if (!r->depth || r->overflow)
		return;
	a = (struct nlattr *)(r->buf + r->nest[--r->depth]);
	a->nla_len = (unsigned short)((char *)nl_tail(r) - (char *)a);
}

/* Sends the request and waits for its ACK (nl_request). Returns 0 or the
 * kernel's -errno, its message in extack_msg. */
static int nl_talk(struct nl_req *r)
{
	struct nl_answer answer = { .extack = extack_msg, .extack_len = sizeof(extack_msg) };

	extack_msg[0] = '\0';
	if (r->overflow || r->depth)
		return -EMSGSIZE;
	return nl_request(NETLINK_ROUTE, r->buf, r->nh.nlmsg_len, &answer);
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

static int veth_request(const char *name, const char *peer)
{
	struct nl_req r;
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };

	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_ifi(&r)->ifi_family = AF_UNSPEC;
	nl_attr_str(&r, IFLA_IFNAME, name);
	nl_nest_begin(&r, IFLA_LINKINFO);
	nl_attr_str(&r, IFLA_INFO_KIND, "veth");
	nl_nest_begin(&r, IFLA_INFO_DATA);
	nl_nest_begin(&r, VETH_INFO_PEER);
	nl_put(&r, &peer_ifi, sizeof(peer_ifi));
	nl_attr_str(&r, IFLA_IFNAME, peer);
	nl_nest_end(&r);
	nl_nest_end(&r);
	nl_nest_end(&r);
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
	struct nl_req r;
	struct ifinfomsg *ifi;

	if (ifindex <= 0)
		return -EINVAL;
	nl_init(&r, RTM_NEWLINK, 0);
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
	struct nl_req r;

	if (ifindex <= 0)
		return -EINVAL;
	nl_init(&r, RTM_DELLINK, 0);
	nl_ifi(&r)->ifi_family = AF_UNSPEC;
	nl_ifi(&r)->ifi_index = ifindex;
	return nl_talk(&r);
}
