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

static int read_config(struct probe_xdp_prog *x)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi), key = 0, map_id = 0;
	unsigned char buf[256];
	int fd, err;

	err = only_map(x->id, &map_id);
	if (err)
		return err;
	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0)
		return -errno;
	memset(&mi, 0, sizeof(mi));
	err = bpf_map_get_info_by_fd(fd, &mi, &len) ? -errno : 0;
	if (!err && (mi.key_size != sizeof(key) || mi.max_entries != 1 || mi.value_size < 2 ||
		     mi.value_size > sizeof(buf) || !(mi.map_flags & BPF_F_RDONLY_PROG)))
		err = -EPROTO; /* not a dispatcher's config map */
	if (!err && bpf_map_lookup_elem(fd, &key, buf))
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (buf[0] != XDPC_DISPATCHER_MAGIC)
		return 0; /* version 1 (libxdp before 1.3) has no magic: version 0 */
	x->dispatcher_version = buf[1];
	x->dispatcher_size_ok = mi.value_size == dispatcher_config_size(buf[1]);
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
