/* The /proc/PID/fdinfo scan. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/fdinfo.h"

/* One process's fds: fn's nonzero value, or 0. */
static int each_fd(DIR *fds, int pid, fdinfo_fn fn, void *ctx)
{
	struct dirent *f;
	int ret = 0;

	while (!ret && (f = readdir(fds))) {
		char buf[1024];
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)f->d_name[0]))
			continue;
		fd = openat(dirfd(fds), f->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		ret = fn(ctx, pid, buf);
	}
	return ret;
}

int fdinfo_each(bool skip_self, fdinfo_fn fn, fdinfo_closed_fn closed, void *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int ret = 0;

	if (!proc)
		return -errno;
	while (!ret && (e = readdir(proc))) {
		char path[64];
		DIR *fds;
		int pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = atoi(e->d_name);
		if (pid <= 0 || (skip_self && pid == getpid()))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
		fds = opendir(path);
		if (!fds) {
			if (closed)
				closed(ctx, pid, errno);
			continue;
		}
		ret = each_fd(fds, pid, fn, ctx);
		closedir(fds);
	}
	closedir(proc);
	return ret;
}

unsigned long fdinfo_value(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; (p = strstr(p, key)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == ':')
			return strtoul(p + n + 1, NULL, 10);
	return 0;
}
