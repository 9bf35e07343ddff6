/* The nsid -> name lookup: one RTM_GETNSID per /run/netns entry. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "probe/netns.h"

int netns_parse_nsid(const void *buf, int len)
{
	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		const struct rtgenmsg *g = NLMSG_DATA(h);
		int alen = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));

		if (h->nlmsg_type == NLMSG_ERROR)
			return -EIO;
		if (h->nlmsg_type != RTM_NEWNSID)
			continue;
		for (const struct rtattr *r = (const struct rtattr *)((const char *)g + NLMSG_ALIGN(sizeof(*g)));
		     RTA_OK(r, alen); r = RTA_NEXT(r, alen)) {
			int id;

			if (r->rta_type == NETNSA_NSID && RTA_PAYLOAD(r) >= sizeof(int)) {
				memcpy(&id, RTA_DATA(r), sizeof(int));
				return id;
			}
		}
	}
	return -ENOENT;
}

/* The nsid (as seen from here) of the namespace behind fd, or -errno. */
static int nsid_of(int nl, int ns_fd)
{
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
		char attrs[16];
	} req;
	char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct rtattr *a;
	ssize_t got;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_type = RTM_GETNSID;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = 1;
	req.g.rtgen_family = AF_UNSPEC;
	a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(req.g))));
	a->rta_type = NETNSA_FD;
	a->rta_len = RTA_LENGTH(sizeof(int));
	memcpy(RTA_DATA(a), &ns_fd, sizeof(int));
	req.h.nlmsg_len = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(req.g))) + RTA_ALIGN(a->rta_len);
	if (send(nl, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;
	got = recv(nl, buf, sizeof(buf), 0);
	if (got < 0)
		return -errno;
	return netns_parse_nsid(buf, (int)got);
}

int netns_name(int nsid, char *name, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int nl, ret = -ENOENT;

	if (!d)
		return -errno;
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0) {
		closedir(d);
		return -errno;
	}
	while (ret == -ENOENT && (e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nsid_of(nl, fd) == nsid && strlen(e->d_name) < len) {
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
			ret = 0;
		}
		close(fd);
	}
	close(nl);
	closedir(d);
	return ret;
}
