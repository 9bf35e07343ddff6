/* The protocol's state in bpffs and reading the dispatcher on a hook. See
 * loader/disp_state.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <bpf/bpf.h>

#include "loader/disp_state.h"
#include "log/log.h"
#include "probe/nl.h"
#include "probe/pin.h"
#include "probe/probe.h"

/* <bpffs>/xdp, made if missing (as libxdp makes it: 0700). */
static int state_dir(char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/xdp", dispatcher_bpffs()) >= (int)len)
		return -ENAMETOOLONG;
	if (mkdir(buf, S_IRWXU) && errno != EEXIST)
		return -errno;
	return 0;
}

/* <bpffs>/xdp/dispatch-<ifindex>-<id>: the pins of dispatcher id. */
static int disp_dir(int ifindex, uint32_t id, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/xdp/dispatch-%d-%u", dispatcher_bpffs(), ifindex, id) >=
	    (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* The exclusive lock every user of the protocol takes on <bpffs>/xdp. */
int disp_lock_take(void)
{
	char dir[PIN_PATH_LEN];
	int fd, err = state_dir(dir, sizeof(dir));

	if (err)
		return err;
	fd = open(dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

void disp_lock_drop(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

/* What holds XDP in drv or skb mode (0 nothing), and in which (*mode). */
static uint32_t hook_id(const struct nl_xdp_ids *q, enum xdp_mode *mode)
{
	*mode = q->drv ? XDP_MODE_NATIVE : XDP_MODE_GENERIC;
	return q->drv ? q->drv : q->skb;
}

int disp_read(int ifindex, struct disp *d, enum xdp_mode *mode)
{
	struct nl_xdp_ids q;
	struct xdpc_disp_config c;
	char name[BPF_OBJ_NAME_LEN], dir[PIN_PATH_LEN], path[PIN_PATH_LEN + 32];
	uint32_t size = 0, id;
	int err = nl_link_xdp_ids(ifindex, &q);

	if (err)
		return err;
	if (q.hw)
		return -EEXIST;
	id = hook_id(&q, mode);
	if (!id)
		return 0;
	d->fd = bpf_prog_get_fd_by_id(id);
	if (d->fd < 0)
		return -errno;
	err = prog_id_by_fd(d->fd, &d->id, name);
	if (err)
		return err;
	if (strcmp(name, XDPC_DISPATCHER_NAME))
		return -EEXIST;
	err = probe_dispatcher_config(id, &c, sizeof(c), &size);
	if (err)
		return err == -ENOENT || err == -EPROTO ? -EEXIST : err;
	if (c.magic != XDPC_DISP_MAGIC || size != dispatcher_config_size(c.dispatcher_version) ||
	    c.num_progs_enabled > XDPC_DISP_SLOTS || (c.dispatcher_version >= 3 && c.is_xdp_devbound))
		return -EEXIST;
	d->version = c.dispatcher_version;
	d->frags = c.is_xdp_frags;
	d->n = c.num_progs_enabled;
	err = disp_dir(ifindex, id, dir, sizeof(dir));
	if (err)
		return err;
	for (unsigned int i = 0; i < d->n; i++) {
		struct slot *s = &d->s[i];

		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		s->prog_fd = bpf_obj_get(path);
		if (s->prog_fd < 0)
			return errno == ENOENT ? -EPROTO : -errno;
		err = prog_id_by_fd(s->prog_fd, &s->prog_id, NULL);
		if (err)
			return err;
		s->prio = c.run_prios[i];
		s->actions = c.chain_call_actions[i] & ~(1U << XDPC_DISP_RETVAL);
		s->flags = c.program_flags[i];
	}
	return 0;
}

void disp_unpin(int ifindex, uint32_t id, unsigned int n)
{
	char dir[PIN_PATH_LEN], path[PIN_PATH_LEN + 32];

	if (disp_dir(ifindex, id, dir, sizeof(dir)))
		return;
	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/prog%u-link", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		unlink(path);
	}
	if (rmdir(dir) && errno != ENOENT)
		log_msg(LOG_VERBOSE, "xdpcount: cannot remove %s: %s\n", dir, strerror(errno));
}

/* The state libxdp's tools read: prog<i>-link and prog<i>-prog. */
int disp_pin(int ifindex, const struct disp *d)
{
	char dir[PIN_PATH_LEN], path[PIN_PATH_LEN + 32];
	int err = disp_dir(ifindex, d->id, dir, sizeof(dir));

	if (err)
		return err;
	if (mkdir(dir, S_IRWXU) && errno != EEXIST)
		return -errno;
	for (unsigned int i = 0; i < d->n; i++) {
		snprintf(path, sizeof(path), "%s/prog%u-link", dir, i);
		if (bpf_obj_pin(d->link[i], path))
			goto fail;
		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		if (bpf_obj_pin(d->s[i].prog_fd, path))
			goto fail;
	}
	return 0;
fail:
	err = -errno;
	disp_unpin(ifindex, d->id, d->n);
	return err;
}

int dispatcher_find(int ifindex, uint32_t prog_id, enum xdp_mode *mode, uint32_t *disp_id)
{
	struct nl_xdp_ids q;
	char dir[PIN_PATH_LEN], path[PIN_PATH_LEN + 32];
	int err = nl_link_xdp_ids(ifindex, &q);

	*disp_id = 0;
	if (err)
		return err;
	*disp_id = hook_id(&q, mode);
	if (!*disp_id)
		return -ENOENT;
	/* our slot is one of its pinned programs (reading the pins needs no
	 * CAP_SYS_ADMIN, and no lock: a pin is there or not) */
	err = disp_dir(ifindex, *disp_id, dir, sizeof(dir));
	for (unsigned int i = 0; !err && i < XDPC_DISP_SLOTS; i++) {
		uint32_t id = 0;
		int fd;

		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		fd = bpf_obj_get(path);
		if (fd < 0)
			break;
		err = prog_id_by_fd(fd, &id, NULL);
		close(fd);
		if (!err && id == prog_id)
			return 0;
	}
	return err ? err : -ENOENT;
}
