/* Does a generic netlink family exist? One CTRL_CMD_GETFAMILY request. Used
 * to tell "the netdev family (6.3+, d3d854fd6a1d "netdev-genl: create a
 * simple family for netdev stuff") is missing" from "the driver reports no
 * XDP features": bpf_xdp_query() answers feature_flags 0 for both. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "probe/internal.h"
#include "probe/nl.h"

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

/* A CTRL_CMD_NEWFAMILY answer: the family exists. */
static int family_seen(void *ctx, const struct nlmsghdr *nh)
{
	if (nh->nlmsg_type == GENL_ID_CTRL)
		*(int *)ctx = 1;
	return 0;
}

/* The answer's end: 1 found, 0 missing (ENOENT), or the kernel's -errno. */
static int family_result(int ret, int found)
{
	return ret == -ENOENT ? 0 : ret < 0 ? ret : found;
}

int genl_parse_reply(const void *buf, int len, __u32 seq, int *found, int *result)
{
	struct nl_answer a = { .fn = family_seen, .ctx = found };
	int ret;

	if (!nl_parse(&a, buf, len, seq, &ret))
		return 0;
	*result = family_result(ret, *found);
	return 1;
}

int genl_family_exists(const char *name)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	struct genl_req req;
	struct nlattr *a;
	size_t nlen = strlen(name) + 1;
	__u32 seq = 1;
	int fd, ret, found = 0;
	struct nl_answer answer = { .fn = family_seen, .ctx = &found };

	if (NLA_HDRLEN + NLA_ALIGN(nlen) > sizeof(req.attrs))
		return -ENAMETOOLONG;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/* Never hang, whatever the environment. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = seq;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 2;
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = (__u16)(NLA_HDRLEN + nlen);
	memcpy((char *)a + NLA_HDRLEN, name, nlen);
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);

	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	ret = nl_wait(fd, seq, &answer);
	ret = family_result(ret, found);
out:
	close(fd);
	return ret;
}
