/* The nsid -> name lookup: one RTM_GETNSID (nl_request) per /run/netns
 * entry; and a namespace found by its inode (nsfs mounts, then
 * /proc/PID/ns/net). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/capability.h>

#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "probe/netns.h"
#include "probe/nl.h"
#include "probe/probe.h"

#define NS_PATH_LEN 256 /* a mount point or /proc path: %255s below */

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

/* The RTM_NEWNSID of the answer: its nsid into ctx. */
static int nsid_seen(void *ctx, const struct nlmsghdr *nh)
{
	int id = netns_parse_nsid(nh, (int)nh->nlmsg_len);

	if (id >= 0)
		*(int *)ctx = id;
	return 0;
}

/* The nsid (as seen from here) of the namespace behind fd, or -errno. */
static int nsid_of(int ns_fd)
{
	struct nl_msg m;
	struct rtgenmsg *g = nl_msg_init(&m, RTM_GETNSID, 0, sizeof(*g));
	int id = -ENOENT, err;
	struct nl_answer answer = { .fn = nsid_seen, .ctx = &id };

	g->rtgen_family = AF_UNSPEC;
	nl_msg_attr(&m, NETNSA_FD, &ns_fd, sizeof(ns_fd));
	err = nl_msg_request(NETLINK_ROUTE, &m, &answer);
	return err ? err : id;
}

int netns_name(int nsid, char *name, size_t len)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int ret = -ENOENT;

	if (!d)
		return -errno;
	while (ret == -ENOENT && (e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nsid_of(fd) == nsid && strlen(e->d_name) < len) {
			memcpy(name, e->d_name, strlen(e->d_name) + 1);
			ret = 0;
		}
		close(fd);
	}
	closedir(d);
	return ret;
}

/* Is the mount point in one /proc/self/mountinfo line an nsfs mount of
 * net:[ino]? Its path (unescaped) into path. */
static bool nsfs_mount_of(const char *line, unsigned long long ino, char *path, size_t len)
{
	char root[64], point[NS_PATH_LEN], want[64];
	const char *sep = strstr(line, " - ");
	size_t j = 0;

	if (!sep || strncmp(sep, " - nsfs ", 8) ||
	    sscanf(line, "%*s %*s %*s %63s %255s", root, point) != 2)
		return false;
	snprintf(want, sizeof(want), "net:[%llu]", ino);
	if (strcmp(root, want))
		return false;
	for (const char *c = point; *c && j + 1 < len; c++) {
		if (c[0] == '\\' && c[1] >= '0' && c[1] <= '3' && c[2] >= '0' && c[2] <= '7' &&
		    c[3] >= '0' && c[3] <= '7') { /* \040 and the like */
			path[j++] = (char)((c[1] - '0') * 64 + (c[2] - '0') * 8 + (c[3] - '0'));
			c += 3;
		} else
			path[j++] = *c;
	}
	path[j] = '\0';
	return true;
}

int netns_open_ino(unsigned long long ino)
{
	char line[1024], path[NS_PATH_LEN];
	struct dirent *e;
	bool denied = false, in_user_ns = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	uint64_t eff = 0;
	DIR *proc;
	int fd = -ENOENT;

	while (f && fd == -ENOENT && fgets(line, sizeof(line), f))
		if (nsfs_mount_of(line, ino, path, sizeof(path))) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				fd = -ENOENT; /* gone meanwhile: look on */
		}
	if (f)
		fclose(f);
	if (fd >= 0)
		return fd;
	proc = opendir("/proc");
	if (!proc)
		return -errno;
	while (fd < 0 && (e = readdir(proc))) {
		struct stat st;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "/proc/%.32s/ns/net", e->d_name) >=
		    sizeof(path))
			continue;
		if (stat(path, &st)) {
			denied |= errno == EACCES || errno == EPERM;
			continue;
		}
		if ((unsigned long long)st.st_ino == ino)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	closedir(proc);
	if (fd >= 0 || !denied)
		return fd;
	/* With CAP_SYS_ADMIN, a process still closed to us is beyond our
	 * reach (another user namespace's, an LSM's): not in a namespace an
	 * xdpcount of ours counted in. Without it, any process might be. */
	return probe_caps_now(&eff, &in_user_ns) == 0 && (eff >> CAP_SYS_ADMIN & 1) ? -ENOENT
										    : -EACCES;
}
