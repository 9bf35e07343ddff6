/* Our bpffs pins, write side: made at attach, removed at detach (those of
 * runs that are gone: pin_sweep, loader/attach.c). The names and how they
 * are read are probe/pin.h's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "loader/pin.h"

int pin_add(int prog_fd, int ifindex, bool egress, bool qdisc, char *path, size_t len)
{
	char dir[PIN_PATH_LEN];
	int err = pin_dir(dir, sizeof(dir), true);

	if (!err)
		err = pin_name(dir, ifindex, egress, qdisc, path, len);
	if (err)
		return err;
	unlink(path); /* a pin of a pid that ran before with the same start: gone */
	if (bpf_obj_pin(prog_fd, path))
		return -errno;
	return 0;
}

int pin_mark(char *path, size_t len, bool qdisc)
{
	size_t n = strlen(path), m = strlen(PIN_QDISC);
	bool marked = n >= m && !strcmp(path + n - m, PIN_QDISC);
	char to[PIN_PATH_LEN];

	if (marked == qdisc)
		return 0;
	if (qdisc && (size_t)snprintf(to, sizeof(to), "%s%s", path, PIN_QDISC) >= sizeof(to))
		return -ENAMETOOLONG;
	if (!qdisc)
		snprintf(to, sizeof(to), "%.*s", (int)(n - m), path);
	if (rename(path, to))
		return -errno;
	snprintf(path, len, "%s", to);
	return 0;
}

int pin_remove(const char *path)
{
	if (!path || !path[0])
		return 0;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int pin_get(const char *path)
{
	int fd = bpf_obj_get(path);

	return fd < 0 ? -errno : fd;
}
