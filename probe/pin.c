/* Ownership of attached programs through our bpffs pins, read side (see
 * probe/pin.h); loader/pin.c makes and removes the pins. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "probe/fdinfo.h"
#include "probe/internal.h"
#include "probe/pin.h"
#include "probe/probe.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

const char *pin_bpffs(void)
{
	const char *d = getenv("XDPCOUNT_BPFFS");

	return d && d[0] ? d : "/sys/fs/bpf";
}

int pin_dir(char *buf, size_t len, bool create)
{
	struct statfs st;
	const char *fs = pin_bpffs();

	if (statfs(fs, &st))
		return -errno;
	if ((unsigned long)st.f_type != (unsigned long)BPF_FS_MAGIC)
		return -EMEDIUMTYPE;
	if ((size_t)snprintf(buf, len, "%s/xdpcount", fs) >= len)
		return -ENAMETOOLONG;
	if (create && mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int netns_ino(unsigned long long *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

int pin_parse_stat_start(const char *buf, unsigned long long *t)
{
	const char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	char *end;

	if (!p)
		return -EIO;
	p++;
	/* p is at the space before field 3, the state: a zombie (Z) or a dead
	 * task (X) has closed its fds already; only its parent has not
	 * reaped it yet */
	if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X' || p[1] == 'x'))
		return -ESRCH;
	for (int field = 3; field < 22; field++) {
		if (!*p) /* the text ends before field 22 */
			return -EIO;
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	errno = 0;
	*t = strtoull(p + 1, &end, 10);
	if (end == p + 1 || errno)
		return -EIO;
	return 0;
}

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks. */
static int start_time(int pid, unsigned long long *t)
{
	char path[64], buf[1024];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = probe_read_text(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? n : -EIO;
	return pin_parse_stat_start(buf, t);
}

int pin_name(const char *dir, int ifindex, bool egress, bool qdisc, char *path, size_t len)
{
	unsigned long long ino = 0, start = 0;
	int err = netns_ino(&ino);

	if (!err)
		err = start_time(getpid(), &start);
	if (err)
		return err;
	if ((size_t)snprintf(path, len, "%s/net%llu_if%d_pid%d_%llu%s%s", dir, ino, ifindex,
			     (int)getpid(), start, egress ? PIN_EGRESS : "",
			     qdisc ? PIN_QDISC : "") >= len)
		return -ENAMETOOLONG;
	return 0;
}

int pin_each(pin_fn fn, void *ctx)
{
	unsigned long long ino = 0;
	char dir[PIN_PATH_LEN];
	struct dirent *e;
	int err = pin_dir(dir, sizeof(dir), false);
	DIR *d;

	if (!err)
		err = netns_ino(&ino);
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? -ENOENT : -errno;
	err = 0;
	while (!err && (e = readdir(d))) {
		unsigned long long start = 0, now = 0;
		struct pin_owner o;
		int used = 0;

		memset(&o, 0, sizeof(o));
		if (sscanf(e->d_name, "net%llu_if%d_pid%d_%llu%n", &o.netns, &o.ifindex, &o.pid,
			   &start, &used) != 4)
			continue;
		o.egress = !strncmp(e->d_name + used, PIN_EGRESS, strlen(PIN_EGRESS));
		if (o.egress)
			used += (int)strlen(PIN_EGRESS);
		if (e->d_name[used] && strcmp(e->d_name + used, PIN_QDISC))
			continue;
		if ((size_t)snprintf(o.path, sizeof(o.path), "%s/%s", dir, e->d_name) >=
		    sizeof(o.path))
			continue;
		o.qdisc = e->d_name[used] != '\0';
		o.here = o.netns == ino;
		o.alive = start_time(o.pid, &now) == 0 && now == start;
		err = fn(ctx, &o);
	}
	closedir(d);
	return err;
}

struct find {
	int ifindex;
	uint32_t prog_id;
	struct pin_owner *o;
	int err; /* -EPERM/-EACCES when a pin could not be opened */
};

static int find_one(void *ctx, const struct pin_owner *o)
{
	struct find *f = ctx;
	uint32_t id = 0;
	int fd;

	if (!o->here || o->ifindex != f->ifindex)
		return 0;
	fd = bpf_obj_get(o->path);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			f->err = -errno;
		return 0;
	}
	if (prog_id_by_fd(fd, &id, NULL) == 0 && id == f->prog_id) {
		*f->o = *o;
		f->o->prog_id = f->prog_id;
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int pin_find(int ifindex, uint32_t prog_id, struct pin_owner *o)
{
	struct find f = { ifindex, prog_id, o, -ENOENT };
	int err = pin_each(find_one, &f);

	return err == 1 ? 0 : err ? err : f.err;
}

struct holder {
	uint32_t prog_id;
	int unknown; /* xdpcounts we may not look into */
};

static int holds(void *ctx, int pid, const char *text)
{
	const struct holder *h = ctx;

	return fdinfo_value(text, "prog_id") == h->prog_id ? pid : 0;
}

static void closed(void *ctx, int pid, int err)
{
	struct holder *h = ctx;

	/* only an xdpcount we may not look into leaves the answer open */
	h->unknown += (err == EACCES || err == EPERM) && pin_process_is_xdpcount(pid);
}

int pin_holder_scan(uint32_t prog_id)
{
	struct holder h = { prog_id, 0 };
	int found = fdinfo_each(true, holds, closed, &h);

	if (found)
		return found;
	return h.unknown ? -EACCES : 0;
}

bool pin_process_is_xdpcount(int pid)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	return probe_read_text(path, comm, sizeof(comm)) > 0 && strcmp(comm, "xdpcount\n") == 0;
}
