/* Our bpffs pins, write side: made at attach, removed at detach. The names
 * and how they are read are probe/pin.h's. */
#include <errno.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "loader/pin.h"

int pin_add(int prog_fd, int ifindex, char *path, size_t len)
{
	char dir[PIN_PATH_LEN];
	int err = pin_dir(dir, sizeof(dir), true);

	if (!err)
		err = pin_name(dir, ifindex, path, len);
	if (err)
		return err;
	unlink(path); /* a pin of a pid that ran before with the same start: gone */
	if (bpf_obj_pin(prog_fd, path))
		return -errno;
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
