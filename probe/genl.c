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

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

int genl_parse_reply(const void *buf, int len, __u32 seq, int *found, int *result)
{
	for (const struct nlmsghdr *nh = buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				*result = -EIO;
			else if (e->error == 0) /* the ACK */
				*result = *found;
			else
				*result = e->error == -ENOENT ? 0 : e->error;
			return 1;
		}
		if (nh->nlmsg_type == GENL_ID_CTRL)
			*found = 1;
		if (nh->nlmsg_type == NLMSG_DONE) {
			*result = *found;
			return 1;
		}
	}
	return 0;
}

/* Reads replies until the ACK or an error for our sequence number. */
static int genl_wait(int fd, __u32 seq)
{
	char buf[8192] __attribute__((aligned(4)));
	int found = 0, result = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		if (genl_parse_reply(buf, (int)n, seq, &found, &result))
			return result;
	}
}

int genl_family_exists(const char *name)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	struct genl_req req;
	struct nlattr *a;
	size_t nlen = strlen(name) + 1;
	__u32 seq = 1;
	int fd, ret;

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
	ret = genl_wait(fd, seq);
out:
	close(fd);
	return ret;
}
