/* Recognising libxdp's multi-program dispatcher on an interface, the way
 * libxdp itself does (check_dispatcher_version() in libxdp.c): the program
 * is named xdp_dispatcher, has exactly one map, that map is a one-entry,
 * program-read-only array keyed by a u32, and its value starts with the
 * magic byte and the dispatcher version. Version 2 (libxdp 1.3-1.5) and 3
 * (1.6) are known, each with its exact size. Its state lives in bpffs,
 * $LIBXDP_BPFFS/xdp/dispatch-<ifindex>-<prog id>/. Read-only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "probe/pin.h"
#include "probe/probe.h"

const char *dispatcher_bpffs(void)
{
	const char *d = getenv("LIBXDP_BPFFS");

	return d && d[0] ? d : pin_bpffs();
}

/* The id of the only map of program id, or -errno (-ENOENT: not one map). */
static int only_map(uint32_t id, uint32_t *map_id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), ids[2];
	int fd = bpf_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 2;
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_prog_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (info.nr_map_ids != 1)
		return -ENOENT;
	*map_id = ids[0];
	return 0;
}

int probe_dispatcher_config(uint32_t prog_id, void *buf, size_t len, uint32_t *size)
{
	struct bpf_map_info mi;
	__u32 mlen = sizeof(mi), key = 0, map_id = 0;
	unsigned char value[256];
	int fd, err;

	err = only_map(prog_id, &map_id);
	if (err)
		return err;
	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0)
		return -errno;
	memset(&mi, 0, sizeof(mi));
	err = bpf_map_get_info_by_fd(fd, &mi, &mlen) ? -errno : 0;
	if (!err && (mi.key_size != sizeof(key) || mi.max_entries != 1 || mi.value_size < 2 ||
		     mi.value_size > sizeof(value) || !(mi.map_flags & BPF_F_RDONLY_PROG)))
		err = -EPROTO; /* not a dispatcher's config map */
	if (!err && bpf_map_lookup_elem(fd, &key, value))
		err = -errno;
	close(fd);
	if (err)
		return err;
	memset(buf, 0, len);
	memcpy(buf, value, mi.value_size < len ? mi.value_size : len);
	*size = mi.value_size;
	return 0;
}

static int read_config(struct probe_xdp_prog *x)
{
	unsigned char buf[4];
	uint32_t size = 0;
	int err = probe_dispatcher_config(x->id, buf, sizeof(buf), &size);

	if (err)
		return err;
	if (buf[0] != XDPC_DISPATCHER_MAGIC)
		return 0; /* version 1 (libxdp before 1.3) has no magic: version 0 */
	x->dispatcher_version = buf[1];
	x->dispatcher_size_ok = size == dispatcher_config_size(buf[1]);
	x->dispatcher_progs = buf[2];
	return 0;
}

void probe_dispatcher(struct probe_xdp_prog *x, int ifindex)
{
	char path[PIN_PATH_LEN];
	struct stat st;

	if (strcmp(x->name, XDPC_DISPATCHER_NAME) != 0)
		return;
	x->dispatcher = true;
	x->dispatcher_err = read_config(x);
	if (snprintf(path, sizeof(path), "%s/xdp/dispatch-%d-%u", dispatcher_bpffs(), ifindex,
		     x->id) < (int)sizeof(path))
		x->dispatcher_state = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One slot's pinned program: id, name, and our pin's owner if it is ours. */
static void read_slot(const char *dir, unsigned int i, int ifindex, struct probe_disp_slot *s)
{
	char path[PIN_PATH_LEN];
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct pin_owner o;
	int fd;

	if (snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i) >= (int)sizeof(path))
		return;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		s->err = -errno;
		return;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len) == 0) {
		s->id = info.id;
		memcpy(s->name, info.name, sizeof(s->name) - 1);
		s->ours = prog_name_ours(s->name);
	}
	close(fd);
	if (s->id && pin_find(ifindex, s->id, &o) == 0) {
		s->ours = true;
		s->pid = o.pid;
		s->alive = o.alive;
	}
}

void probe_dispatcher_slots(struct probe_iface *it)
{
	const struct probe_xdp_prog *x = it->drv.dispatcher ? &it->drv : it->skb.dispatcher
							? &it->skb : NULL;
	struct xdpc_disp_config c;
	char dir[PIN_PATH_LEN];
	uint32_t size = 0;
	int err;

	memset(&it->disp, 0, sizeof(it->disp));
	if (!x || !x->dispatcher_version || !x->dispatcher_size_ok)
		return;
	err = probe_dispatcher_config(x->id, &c, sizeof(c), &size);
	if (!err && snprintf(dir, sizeof(dir), "%s/xdp/dispatch-%d-%u", dispatcher_bpffs(),
			     it->ifindex, x->id) >= (int)sizeof(dir))
		err = -ENAMETOOLONG;
	if (err) {
		it->disp.err = err;
		return;
	}
	it->disp.n = c.num_progs_enabled <= XDPC_DISP_SLOTS ? c.num_progs_enabled : 0;
	it->disp.frags = c.is_xdp_frags;
	it->disp.devbound = x->dispatcher_version >= 3 && c.is_xdp_devbound;
	for (unsigned int i = 0; i < it->disp.n; i++) {
		struct probe_disp_slot *s = &it->disp.slot[i];

		s->prio = c.run_prios[i];
		s->actions = c.chain_call_actions[i] & ~(1U << XDPC_DISP_RETVAL);
		s->flags = c.program_flags[i];
		read_slot(dir, i, it->ifindex, s);
		if (s->err && !it->disp.err)
			it->disp.err = s->err; /* its state is not in our bpffs */
	}
}
