/* libxdp's multi-program dispatcher, spoken from its protocol description
 * (protocol.org in xdp-tools; no code of libxdp's). See loader/dispatcher.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/dispatcher.h"
#include "loader/dispatcher.h"
#include "loader/objects.h"
#include "loader/pin.h"
#include "log/log.h"
#include "probe/nl.h"
#include "probe/pin.h"
#include "probe/probe.h"

/* How often a swap that lost a race (the hook changed while we built) is
 * tried again from the start, as the protocol says. */
#define SWAP_TRIES 4

struct slot {
	int prog_fd;
	uint32_t prog_id;
	uint32_t prio, actions, flags; /* actions without XDPC_DISP_RETVAL */
};

/* A dispatcher: the one on the interface (read), or one we built. */
struct disp {
	int fd;
	uint32_t id;
	unsigned int version;
	bool frags;
	unsigned int n;
	struct slot s[XDPC_DISP_SLOTS];
	int link[XDPC_DISP_SLOTS]; /* ours only: the links into a new one */
	struct bpf_object *obj;    /* ours only */
};

static void disp_init(struct disp *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	for (unsigned int i = 0; i < XDPC_DISP_SLOTS; i++)
		d->s[i].prog_fd = d->link[i] = -1;
}

static void disp_close(struct disp *d)
{
	for (unsigned int i = 0; i < XDPC_DISP_SLOTS; i++) {
		if (d->link[i] >= 0)
			close(d->link[i]);
		if (d->s[i].prog_fd >= 0)
			close(d->s[i].prog_fd);
	}
	if (d->obj)
		bpf_object__close(d->obj); /* closes d->fd */
	else if (d->fd >= 0)
		close(d->fd);
	disp_init(d);
}

static uint32_t mode_flag(enum xdp_mode mode)
{
	return mode == XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/* <bpffs>/xdp, made if missing (as libxdp makes it: 0700). */
static int state_dir(char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/xdp", dispatcher_bpffs()) >= (int)len)
		return -ENAMETOOLONG;
	if (mkdir(buf, S_IRWXU) && errno != EEXIST)
		return -errno;
	return 0;
}

static int disp_dir(int ifindex, uint32_t id, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/xdp/dispatch-%d-%u", dispatcher_bpffs(), ifindex, id) >=
	    (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* The exclusive lock every user of the protocol takes on <bpffs>/xdp. */
static int lock_take(void)
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

static void lock_drop(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

/* The BTF id of function name in the loaded program prog_fd. */
static int func_btf_id(int prog_fd, const char *name, uint32_t *id)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct btf *btf;
	int ret;

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	if (!info.btf_id)
		return -ENOENT;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf)
		return -errno;
	ret = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	btf__free(btf);
	if (ret <= 0)
		return ret < 0 ? ret : -ENOENT;
	*id = (uint32_t)ret;
	return 0;
}

/* Loads our dispatcher of version with n slots as in s[] (config only; no
 * program linked yet). */
static int disp_load(struct disp *d, unsigned int version, const struct slot *s, unsigned int n,
		     bool frags)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "xdpc_dispatcher");
	struct xdpc_disp_config c;
	const unsigned char *data;
	struct bpf_program *prog;
	struct bpf_map *map;
	size_t size, csize = dispatcher_config_size(version);
	int err = object_dispatcher(version, &data, &size);

	if (err)
		return err;
	if (!csize || csize > sizeof(c) || n > XDPC_DISP_SLOTS)
		return -EINVAL;
	d->obj = bpf_object__open_mem(data, size, &oo);
	if (!d->obj) {
		err = -errno;
		return err ? err : -ENOEXEC;
	}
	map = bpf_object__next_map(d->obj, NULL);
	prog = bpf_object__find_program_by_name(d->obj, XDPC_DISPATCHER_NAME);
	if (!map || !prog || bpf_object__next_map(d->obj, map))
		return -ENOEXEC; /* one map, the config: what libxdp checks */
	memset(&c, 0, sizeof(c));
	c.magic = XDPC_DISP_MAGIC;
	c.dispatcher_version = (__u8)version;
	c.num_progs_enabled = (__u8)n;
	c.is_xdp_frags = frags;
	for (unsigned int i = 0; i < n; i++) {
		c.chain_call_actions[i] = s[i].actions | (1U << XDPC_DISP_RETVAL);
		c.run_prios[i] = s[i].prio;
		c.program_flags[i] = s[i].flags;
	}
	err = bpf_map__set_initial_value(map, &c, csize);
	if (!err && frags)
		err = bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_XDP_HAS_FRAGS);
	if (!err)
		err = bpf_object__load(d->obj);
	if (err)
		return err;
	d->fd = bpf_program__fd(prog);
	d->version = version;
	d->frags = frags;
	d->n = n;
	return prog_id_by_fd(d->fd, &d->id, NULL);
}

int dispatcher_template(unsigned int version, uint32_t *btf_id)
{
	static const struct slot one = { .prio = XDPC_DISP_OUR_PRIO,
					 .actions = XDPC_DISP_OUR_ACTIONS };
	/* two slots, so prog0 is a slot of its own (with one, the protocol
	 * replaces the whole xdp_dispatcher function) */
	struct slot two[2] = { one, one };
	struct disp d;
	int fd, err;

	disp_init(&d);
	err = disp_load(&d, version, two, 2, false);
	if (!err)
		err = func_btf_id(d.fd, "prog0", btf_id);
	if (err) {
		disp_close(&d);
		return err;
	}
	fd = fcntl(d.fd, F_DUPFD_CLOEXEC, 3);
	err = fd < 0 ? -errno : 0;
	disp_close(&d);
	return err ? err : fd;
}

/* The dispatcher on ifindex now: the program in drv or skb mode (*mode),
 * its config and its slots' pinned programs. d->id 0: XDP is free. -EEXIST:
 * what sits there is not a dispatcher we know; -EPROTO: its state in bpffs
 * is incomplete (not ours to repair). Call with the lock held. */
static int disp_read(int ifindex, struct disp *d, enum xdp_mode *mode)
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
	id = q.drv ? q.drv : q.skb;
	*mode = q.drv ? XDP_MODE_NATIVE : XDP_MODE_GENERIC;
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

/* Links every slot's program into d, in order. */
static int disp_link(struct disp *d)
{
	for (unsigned int i = 0; i < d->n; i++) {
		LIBBPF_OPTS(bpf_link_create_opts, lo);
		char fn[16];
		uint32_t btf_id = 0;
		int err;

		/* with one program the protocol replaces the whole dispatcher
		 * function: the frame skips the slot call */
		if (d->n == 1)
			snprintf(fn, sizeof(fn), "%s", XDPC_DISPATCHER_NAME);
		else
			snprintf(fn, sizeof(fn), "prog%u", i);
		err = func_btf_id(d->fd, fn, &btf_id);
		if (err)
			return err;
		lo.target_btf_id = btf_id;
		d->link[i] = bpf_link_create(d->s[i].prog_fd, d->fd, 0, &lo);
		if (d->link[i] < 0) {
			d->link[i] = -1;
			return -errno;
		}
	}
	return 0;
}

static void unpin_dir(int ifindex, uint32_t id, unsigned int n)
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
static int disp_pin(int ifindex, const struct disp *d)
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
	unpin_dir(ifindex, d->id, d->n);
	return err;
}

/* Builds nd from the slots given (their fds are dup'ed), links and pins it,
 * and swaps it in for old (or onto a free hook). Lock held. -EAGAIN: the
 * hook changed under us. */
static int disp_swap(int ifindex, enum xdp_mode mode, struct disp *old, const struct slot *s,
		     unsigned int n, unsigned int version)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old->fd);
	struct disp nd;
	bool frags = n > 0;
	uint32_t flags = mode_flag(mode);
	int err;

	for (unsigned int i = 0; i < n; i++)
		frags = frags && (s[i].flags & BPF_F_XDP_HAS_FRAGS);
	disp_init(&nd);
	err = disp_load(&nd, version, s, n, frags);
	if (err && frags) {
		/* every program left takes frags, but this kernel may not
		 * (before 5.18): the dispatcher goes without, as libxdp does */
		disp_close(&nd);
		frags = false;
		err = disp_load(&nd, version, s, n, false);
	}
	for (unsigned int i = 0; !err && i < n; i++) {
		nd.s[i] = s[i];
		nd.s[i].prog_fd = fcntl(s[i].prog_fd, F_DUPFD_CLOEXEC, 3);
		if (nd.s[i].prog_fd < 0)
			err = -errno;
	}
	if (!err)
		err = disp_link(&nd);
	if (!err)
		err = disp_pin(ifindex, &nd);
	if (err)
		goto out;
	if (old->id)
		err = bpf_xdp_attach(ifindex, nd.fd, flags | XDP_FLAGS_REPLACE, &ao);
	else
		err = bpf_xdp_attach(ifindex, nd.fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err) {
		unpin_dir(ifindex, nd.id, nd.n);
		if (err == -EEXIST || err == -EBUSY)
			err = -EAGAIN; /* someone changed the hook: start over */
		goto out;
	}
	if (old->id)
		unpin_dir(ifindex, old->id, old->n);
	log_msg(LOG_VERBOSE, "xdpcount: dispatcher id %u (version %u, %u programs) on ifindex "
		"%d%s%s\n", nd.id, version, n, ifindex, old->id ? " replaces " : "",
		old->id ? "the one before" : "");
	err = (int)nd.id;
out:
	disp_close(&nd);
	return err;
}

int dispatcher_build(unsigned int version, const int *ext_fds, unsigned int n,
		     struct disp **out, int *fd)
{
	struct slot s[XDPC_DISP_SLOTS];
	struct disp *d;
	int err = 0;

	if (!n || n > XDPC_DISP_SLOTS)
		return -EINVAL;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	disp_init(d);
	memset(s, 0, sizeof(s));
	for (unsigned int i = 0; i < n; i++)
		s[i] = (struct slot){ .prog_fd = ext_fds[i], .prio = XDPC_DISP_OUR_PRIO,
				      .actions = XDPC_DISP_OUR_ACTIONS };
	err = disp_load(d, version, s, n, false);
	for (unsigned int i = 0; !err && i < n; i++) {
		d->s[i] = s[i];
		d->s[i].prog_fd = fcntl(ext_fds[i], F_DUPFD_CLOEXEC, 3);
		if (d->s[i].prog_fd < 0)
			err = -errno;
	}
	if (!err)
		err = disp_link(d);
	if (err) {
		dispatcher_built_free(d);
		return err;
	}
	*out = d;
	*fd = d->fd;
	return 0;
}

void dispatcher_built_free(struct disp *d)
{
	if (d) {
		disp_close(d);
		free(d);
	}
}

int dispatcher_add(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		   uint32_t *disp_id)
{
	int err = -EAGAIN;

	for (int t = 0; t < SWAP_TRIES && err == -EAGAIN; t++) {
		struct slot s[XDPC_DISP_SLOTS];
		enum xdp_mode now = mode;
		struct disp old;
		int lock = lock_take();

		if (lock < 0)
			return lock;
		disp_init(&old);
		err = disp_read(ifindex, &old, &now);
		if (!err && old.id && now != mode)
			err = -EEXIST; /* planned for another mode: the plan is stale */
		if (!err && old.n >= XDPC_DISP_SLOTS)
			err = -ENOSPC;
		if (!err) {
			memset(s, 0, sizeof(s));
			s[0].prog_fd = ext_fd;
			s[0].prio = XDPC_DISP_OUR_PRIO;
			s[0].actions = XDPC_DISP_OUR_ACTIONS;
			for (unsigned int i = 0; i < old.n; i++)
				s[i + 1] = old.s[i];
			err = disp_swap(ifindex, mode, &old, s, old.n + 1,
					old.id ? old.version : version);
		}
		disp_close(&old);
		lock_drop(lock);
		if (err > 0) {
			*disp_id = (uint32_t)err;
			return 0;
		}
	}
	return err;
}

int dispatcher_remove(int ifindex, uint32_t prog_id)
{
	int err = -EAGAIN;

	for (int t = 0; t < SWAP_TRIES && err == -EAGAIN; t++) {
		struct slot s[XDPC_DISP_SLOTS];
		enum xdp_mode mode = XDP_MODE_NATIVE;
		unsigned int n = 0, ours = XDPC_DISP_SLOTS;
		struct disp old;
		int lock = lock_take();

		if (lock < 0)
			return lock;
		disp_init(&old);
		err = disp_read(ifindex, &old, &mode);
		if (err == -EEXIST || (!err && !old.id))
			err = -ENOENT;
		for (unsigned int i = 0; !err && i < old.n; i++) {
			if (old.s[i].prog_id == prog_id)
				ours = i;
			else
				s[n++] = old.s[i];
		}
		if (!err && ours == XDPC_DISP_SLOTS)
			err = -ENOENT;
		if (!err && n == 0) {
			/* ours was the last: the dispatcher goes, exactly that one */
			LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old.fd);

			err = bpf_xdp_detach(ifindex, mode_flag(mode) | XDP_FLAGS_REPLACE, &ao);
			if (err == -EEXIST || err == -EBUSY)
				err = -EAGAIN;
			else if (!err)
				unpin_dir(ifindex, old.id, old.n);
		} else if (!err) {
			err = disp_swap(ifindex, mode, &old, s, n, old.version);
			if (err > 0)
				err = 0;
		}
		disp_close(&old);
		lock_drop(lock);
	}
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
	*disp_id = q.drv ? q.drv : q.skb;
	*mode = q.drv ? XDP_MODE_NATIVE : XDP_MODE_GENERIC;
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

int disp_attach(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		struct attachment *a)
{
	uint32_t disp_id = 0;
	int err;

	attach_init(a, ext_fd, ifindex, mode, ATTACH_DISPATCHER);
	err = prog_id_by_fd(ext_fd, &a->prog_id, NULL);
	if (err)
		return err;
	/* our pin first: a kill -9 at any moment after leaves a slot whose
	 * owner the next run can prove */
	a->pin_err = pin_add(ext_fd, ifindex, false, false, a->pin, sizeof(a->pin));
	if (a->pin_err)
		a->pin[0] = '\0';
	err = dispatcher_add(ext_fd, ifindex, mode, version, &disp_id);
	if (err) {
		detach_forget(a);
		return err;
	}
	a->flags = mode_flag(mode);
	a->mode = mode;
	return 0;
}

int disp_check(const struct attachment *a, uint32_t *now_id)
{
	enum xdp_mode m;

	return dispatcher_find(a->ifindex, a->prog_id, &m, now_id);
}

int disp_detach(struct attachment *a)
{
	int err = 0;

	if (!a->flags)
		return 0;
	/* only our slot goes: the others run on in a dispatcher rebuilt
	 * without it, swapped in with no gap */
	err = dispatcher_remove(a->ifindex, a->prog_id);
	if (err == -ENOENT)
		err = 0; /* no longer in it: someone removed it */
	if (err == -ENODEV)
		return err; /* it stays where the interface went */
	a->flags = 0;
	detach_forget(a);
	return err;
}

int disp_detach_stale(int ifindex, uint32_t id)
{
	struct pin_owner o;
	int err = dispatcher_remove(ifindex, id);

	if ((!err || err == -ENOENT) && pin_find(ifindex, id, &o) == 0 && !o.alive)
		pin_remove(o.path);
	return err;
}
