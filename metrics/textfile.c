#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	int fd, err = temp_name(tmp, sizeof(tmp), path);

	if (err)
		return err;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmp);
	return 0;
}
