/* The XDP hook: bpf_link (5.9+) or netlink, native or generic. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader/pin.h"
#include "loader/xdp.h"
#include "probe/nl.h"

static uint32_t mode_flag(enum xdp_mode mode)
{
	return mode == XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

int xdp_attach(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a)
{
	int err;

	attach_init(a, prog_fd, ifindex, mode, kind);
	if (kind == ATTACH_NETLINK) {
		/* a netlink program outlives us: the pin says it is ours. Made
		 * first, so that no kill -9 leaves our program unpinned. */
		a->pin_err = pin_add(prog_fd, ifindex, false, false, a->pin, sizeof(a->pin));
		if (a->pin_err)
			a->pin[0] = '\0';
	}
	if (kind == ATTACH_LINK) {
		LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = mode_flag(mode));
		int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

		if (fd < 0)
			return -errno;
		a->link_fd = fd;
	} else {
		a->flags = mode_flag(mode);
		err = bpf_xdp_attach(ifindex, prog_fd, a->flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (err) {
			a->flags = 0;
			detach_forget(a);
			return err;
		}
	}
	err = attach_query_mode(a);
	if (err)
		xdp_detach(a); /* nothing stays half-attached */
	return err;
}

int attach_query_mode(struct attachment *a)
{
	struct nl_xdp_ids q;
	uint32_t id = 0;
	int err = prog_id_by_fd(a->prog_fd, &id, NULL);

	if (err)
		return err;
	a->prog_id = id;
	err = nl_link_xdp_ids(a->ifindex, &q);
	if (err)
		return err;
	if (q.drv == id)
		a->mode = XDP_MODE_NATIVE;
	else if (q.skb == id)
		a->mode = XDP_MODE_GENERIC;
	else
		return -ENOENT; /* attached, yet not ours: someone raced us */
	return 0;
}

int xdp_check(const struct attachment *a, uint32_t *now_id)
{
	struct nl_xdp_ids q;
	int err = nl_link_xdp_ids(a->ifindex, &q); /* -ENODEV: gone from here */
	if (err)
		return err;
	if (q.drv == a->prog_id || q.skb == a->prog_id)
		return 0;
	*now_id = q.drv ? q.drv : q.skb;
	return -ENOENT;
}

int xdp_detach(struct attachment *a)
{
	int err = 0;

	if (a->kind == ATTACH_LINK)
		return detach_link(a);
	if (a->flags) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = a->prog_fd);

		err = bpf_xdp_detach(a->ifindex, a->flags | XDP_FLAGS_REPLACE, &opts);
		if (err == -EEXIST)
			err = 0; /* no longer ours: someone else's now */
		a->flags = 0;
		detach_forget(a); /* even when it stays elsewhere: no pin may leak it */
	}
	return err;
}

static int detach_exact(int ifindex, int fd, uint32_t flag)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd);

	return bpf_xdp_detach(ifindex, flag | XDP_FLAGS_REPLACE, &opts);
}

int detach_stale(int ifindex, uint32_t id, enum xdp_mode mode)
{
	char pin[PIN_PATH_LEN];
	int fd = attach_ours_fd(ifindex, id, pin, sizeof(pin));
	int err;

	if (fd < 0)
		return fd;
	err = detach_exact(ifindex, fd, mode_flag(mode));
	close(fd);
	if (!err)
		pin_remove(pin);
	return err;
}

int detach_ours(int ifindex, uint32_t *unknown_id)
{
	struct nl_xdp_ids q;
	struct { uint32_t id; uint32_t flag; } slots[3];
	int err = nl_link_xdp_ids(ifindex, &q);
	int removed = 0;

	*unknown_id = 0;
	if (err)
		return err;
	slots[0].id = q.drv, slots[0].flag = XDP_FLAGS_DRV_MODE;
	slots[1].id = q.skb, slots[1].flag = XDP_FLAGS_SKB_MODE;
	slots[2].id = q.hw, slots[2].flag = XDP_FLAGS_HW_MODE;
	for (int i = 0; i < 3; i++) {
		char pin[PIN_PATH_LEN];
		int fd;

		if (!slots[i].id)
			continue;
		fd = attach_ours_fd(ifindex, slots[i].id, pin, sizeof(pin));
		if (fd == -ENOENT)
			continue;
		if (fd == -EPERM) {
			*unknown_id = slots[i].id;
			continue;
		}
		if (fd < 0)
			return fd;
		err = detach_exact(ifindex, fd, slots[i].flag);
		close(fd);
		if (err)
			return err;
		pin_remove(pin);
		removed++;
	}
	return removed;
}
