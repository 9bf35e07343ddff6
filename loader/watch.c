#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "loader/watch.h"

int watch_open(struct watch *w)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };

	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (w->fd < 0)
		return -errno;
	if (bind(w->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(w->fd);
		w->fd = -1;
		return err;
	}
	return 0;
}

void watch_close(struct watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

static struct watch_iface *find(struct watch_iface *wi, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (wi[i].att->ifindex == ifindex && wi[i].fault == WATCH_OK)
			return &wi[i];
	return NULL;
}

static void set_fault(struct watch_iface *w, enum watch_fault f)
{
	w->fault = f;
	w->fault_new = true;
}

static void rename_to(struct watch_iface *w, const char *name)
{
	if (!name[0] || strcmp(name, w->name) == 0)
		return;
	if (!w->renamed) /* keep the oldest unreported name */
		memcpy(w->old_name, w->name, sizeof(w->old_name));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->renamed = true;
}

/* One RTM_NEWLINK/RTM_DELLINK message. */
static void on_link(struct watch_iface *wi, int n, const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	char name[IF_NAMESIZE] = "";
	int nsid = -1, new_ifindex = 0;
	bool moved = false;
	struct watch_iface *w;

	if (len < 0 || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	w = find(wi, n, ifi->ifi_index);
	if (!w)
		return;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t plen = RTA_PAYLOAD(a);

		switch (a->rta_type) {
		case IFLA_IFNAME:
			if (plen > 0 && plen <= IF_NAMESIZE) {
				memcpy(name, RTA_DATA(a), plen);
				name[plen - 1] = '\0';
			}
			break;
		case IFLA_NEW_NETNSID:
			if (plen >= sizeof(int)) {
				memcpy(&nsid, RTA_DATA(a), sizeof(int));
				moved = true;
			}
			break;
		case IFLA_NEW_IFINDEX:
			if (plen >= sizeof(int))
				memcpy(&new_ifindex, RTA_DATA(a), sizeof(int));
			break;
		}
	}
	if (h->nlmsg_type == RTM_NEWLINK) {
		rename_to(w, name);
		return;
	}
	w->new_nsid = nsid;
	w->new_ifindex = new_ifindex;
	set_fault(w, moved ? WATCH_MOVED : WATCH_DELETED);
}

void watch_parse(struct watch_iface *wi, int n, const void *buf, int len)
{
	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
		if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
			on_link(wi, n, h);
}

static void drain(struct watch *w, struct watch_iface *wi, int n)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t got = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (got < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue; /* ENOBUFS: some were lost; the checks cover them */
			return;
		}
		if (got == 0)
			return;
		watch_parse(wi, n, buf, (int)got);
	}
}

static void check(struct watch_iface *w)
{
	char name[IF_NAMESIZE];
	int err = attach_check(w->att, &w->now_id);

	switch (err) {
	case 0:
		if (if_indextoname((unsigned int)w->att->ifindex, name))
			rename_to(w, name);
		return;
	case -ENODEV:
		set_fault(w, WATCH_GONE);
		return;
	case -ENOENT:
		set_fault(w, WATCH_PROG_GONE);
		return;
	case -ENOLINK:
		set_fault(w, WATCH_LINK_GONE);
		return;
	default:
		return; /* could not tell (e.g. out of memory): ask again next time */
	}
}

int watch_poll(struct watch *w, struct watch_iface *wi, int n)
{
	int news = 0;

	if (w->fd >= 0)
		drain(w, wi, n);
	for (int i = 0; i < n; i++) {
		if (wi[i].fault == WATCH_OK)
			check(&wi[i]);
		news += wi[i].renamed || wi[i].fault_new;
	}
	return news;
}

static const char *const fault_names[] = {
	[WATCH_OK] = "ok",
	[WATCH_DELETED] = "deleted",
	[WATCH_MOVED] = "moved",
	[WATCH_GONE] = "gone",
	[WATCH_PROG_GONE] = "program_gone",
	[WATCH_LINK_GONE] = "link_gone",
};

const char *watch_fault_name(enum watch_fault f)
{
	return fault_names[f];
}

int watch_parse_nsid(const void *buf, int len)
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
	return watch_parse_nsid(buf, (int)got);
}

int watch_netns_name(int nsid, char *name, size_t len)
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
