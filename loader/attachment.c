/* One attachment's set-up, link and ownership, shared by the XDP and tc
 * hooks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "loader/attachment.h"
#include "loader/pin.h"
#include "probe/probe.h"

void attach_init(struct attachment *a, int prog_fd, int ifindex, enum xdp_mode mode,
		 enum attach_kind kind)
{
	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->kind = kind;
	a->mode = mode;
	a->prog_fd = prog_fd;
	a->link_fd = -1;
}

void detach_forget(struct attachment *a)
{
	pin_remove(a->pin);
	a->pin[0] = '\0';
	if (a->link_fd >= 0)
		close(a->link_fd);
	a->link_fd = -1;
}

int detach_link(struct attachment *a)
{
	int err = 0;

	if (a->link_fd < 0)
		return 0;
	/* bpf_link_detach works even if another process holds the link */
	if (bpf_link_detach(a->link_fd) && errno != EINVAL && errno != ENOLINK)
		err = -errno;
	close(a->link_fd);
	a->link_fd = -1;
	return err;
}

int attach_link_alive(const struct attachment *a)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	if (a->link_fd < 0)
		return -ENOLINK;
	memset(&info, 0, sizeof(info));
	if (bpf_link_get_info_by_fd(a->link_fd, &info, &len))
		return -errno;
	/* the kernel clears the ifindex when the link is detached (xdp and
	 * tcx links both keep it first in their union member) */
	return info.xdp.ifindex == 0 ? -ENOLINK : 0;
}

int attach_ours_fd(int ifindex, uint32_t id, char *pin, size_t pin_len)
{
	char name[PROBE_PROG_NAME_LEN];
	struct pin_owner o;
	int fd, err;

	pin[0] = '\0';
	if (pin_find(ifindex, id, &o) == 0) {
		fd = pin_get(o.path);
		if (fd >= 0) {
			snprintf(pin, pin_len, "%s", o.path);
			return fd;
		}
	}
	err = prog_name_by_id(id, name, &fd);
	if (err)
		return err == -EACCES ? -EPERM : err;
	if (!prog_name_ours(name)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}
