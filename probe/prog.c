/* Programs by id or fd: their id and name, and whether it says they are
 * ours. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf/stats.h"
#include "probe/probe.h"

int prog_name_by_id(uint32_t id, char *name, int *fd_out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	int err;

	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	err = bpf_prog_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (!err) {
		memcpy(name, info.name, PROBE_PROG_NAME_LEN);
		name[PROBE_PROG_NAME_LEN - 1] = '\0';
	}
	if (err || !fd_out)
		close(fd);
	else
		*fd_out = fd;
	return err;
}

int prog_id_by_fd(int fd, uint32_t *id, char *name)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	if (name) {
		memcpy(name, info.name, PROBE_PROG_NAME_LEN);
		name[PROBE_PROG_NAME_LEN - 1] = '\0';
	}
	return 0;
}

bool prog_name_ours(const char *name)
{
	return strncmp(name, XDPCOUNT_MARKER, strlen(XDPCOUNT_MARKER)) == 0;
}
