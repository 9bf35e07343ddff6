/* Our bpffs pins, write side: made at attach, removed at detach, and those
 * of runs that are gone swept. The names and how they are read are
 * probe/pin.h's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "loader/attach.h"
#include "loader/pin.h"
#include "probe/nl.h"
#include "probe/probe.h"

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

int pin_unmark(char *path, size_t len)
{
	size_t n = strlen(path), m = strlen(PIN_QDISC);
	char plain[PIN_PATH_LEN];

	if (n < m || n - m >= sizeof(plain) || strcmp(path + n - m, PIN_QDISC))
		return 0;
	memcpy(plain, path, n - m);
	plain[n - m] = '\0';
	if (rename(path, plain))
		return -errno;
	snprintf(path, len, "%s", plain);
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

/* Is program id still where a pin for ifindex says: XDP in any mode, or our
 * clsact place (on egress for an egress pin)? 1 yes, 0 no (the interface is
 * gone too), -errno unknown. */
static int still_attached(int ifindex, bool egress, uint32_t id)
{
	struct nl_xdp_ids q;
	uint32_t tc = 0;
	int err = nl_link_xdp_ids(ifindex, &q);

	if (err == -ENODEV)
		return 0;
	if (err)
		return err;
	if (!egress && (q.drv == id || q.skb == id || q.hw == id))
		return 1;
	err = probe_tc_our_filter(ifindex, egress, &tc);
	if (err == -ENOENT || err == -EINVAL || err == -ENODEV)
		return 0; /* no filter at our place, or no clsact qdisc */
	return err ? err : tc == id;
}

static int sweep_one(void *ctx, const struct pin_owner *o)
{
	int *removed = ctx;
	uint32_t id = 0;
	int fd, err;

	if (o->alive || !o->here)
		return 0; /* a live run's; another namespace's runs sweep their own */
	fd = pin_get(o->path);
	if (fd < 0)
		return 0;
	err = attach_prog_id(fd, &id);
	close(fd);
	if (err || still_attached(o->ifindex, o->egress, id) != 0)
		return 0; /* a leftover the next run there removes (or cannot tell) */
	if (o->qdisc)
		detach_empty_clsact(o->ifindex);
	if (pin_remove(o->path) == 0)
		(*removed)++;
	return 0;
}

int pin_sweep(void)
{
	int removed = 0;
	int err = pin_each(sweep_one, &removed);

	if (err == -ENOENT || err == -EMEDIUMTYPE)
		return 0; /* nothing pinned, or nowhere to pin */
	return err ? err : removed;
}
