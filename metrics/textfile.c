#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "metrics/textfile.h"

/* The temporary name sits in the same directory (rename is atomic only
 * within one file system) and does not end in .prom, so node_exporter's
 * textfile collector never reads a half-written file. */
static int temp_name(char *out, size_t cap, const char *path)
{
	int n = snprintf(out, cap, "%s.%ld.tmp", path, (long)getpid());

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int textfile_write(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	size_t off = 0;
	int fd, err = temp_name(tmp, sizeof(tmp), path);

	if (err)
		return err;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* readable by node_exporter's user whatever our umask (systemd: 0077) */
	if (fchmod(fd, 0644))
		err = -errno;
	while (!err && off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int textfile_check(const char *path)
{
	char tmp[4096];
	struct stat st;
	int fd, err = temp_name(tmp, sizeof(tmp), path);

	if (err)
		return err;
	/* rename() would fail on a directory only after attaching, and would
	 * replace a device node or a FIFO */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return -EINVAL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmp);
	return 0;
}

/* The directory part of path into buf ("." for a bare name). */
static void dir_of(char *buf, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

const char *textfile_dir_fs(const char *path, char *dir, size_t len)
{
	struct statfs sf;
	struct stat st;

	dir_of(dir, len, path);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode) || statfs(dir, &sf))
		return NULL;
	switch ((unsigned long)sf.f_type) {
	case PROC_SUPER_MAGIC: return "the proc file system";
	case SYSFS_MAGIC: return "the sysfs file system";
	case DEBUGFS_MAGIC: return "the debugfs file system";
	case CGROUP2_SUPER_MAGIC: return "the cgroup2 file system";
	case BPF_FS_MAGIC: return "the bpf file system";
	default: return "its file system";
	}
}

int textfile_sweep(const char *path)
{
	char dir[4096];
	const char *base = strrchr(path, '/');
	size_t blen;
	struct dirent *de;
	DIR *d;
	int n = 0;

	base = base ? base + 1 : path;
	blen = strlen(base);
	dir_of(dir, sizeof(dir), path);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		const char *p = de->d_name;
		char *end;
		long pid;

		if (strncmp(p, base, blen) || p[blen] != '.' || p[blen + 1] < '1' || p[blen + 1] > '9')
			continue;
		pid = strtol(p + blen + 1, &end, 10);
		if (strcmp(end, ".tmp") || pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
			continue;
		/* ESRCH: no such process here; a live writer (or one we may not
		 * signal, EPERM) keeps its file */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd(d), p, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}
