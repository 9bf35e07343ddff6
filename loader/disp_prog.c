/* Building a dispatcher program: its config, loading, linking its slots.
 * See loader/disp_prog.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader/disp_prog.h"
#include "loader/objects.h"
#include "probe/probe.h"

void disp_init(struct disp *d)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	for (unsigned int i = 0; i < XDPC_DISP_SLOTS; i++)
		d->s[i].prog_fd = d->link[i] = -1;
}

void disp_close(struct disp *d)
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

int disp_make(struct disp *d, unsigned int version, const struct slot *s, unsigned int n,
	      bool frags)
{
	int err;

	disp_init(d);
	err = disp_load(d, version, s, n, frags);
	if (err && frags) {
		/* every program left takes frags, but this kernel may not
		 * (before 5.18): the dispatcher goes without, as libxdp does */
		disp_close(d);
		err = disp_load(d, version, s, n, false);
	}
	for (unsigned int i = 0; !err && i < n; i++) {
		d->s[i] = s[i];
		d->s[i].prog_fd = fcntl(s[i].prog_fd, F_DUPFD_CLOEXEC, 3);
		if (d->s[i].prog_fd < 0)
			err = -errno;
	}
	if (!err)
		err = disp_link(d);
	return err;
}

int dispatcher_build(unsigned int version, const int *ext_fds, unsigned int n,
		     struct disp **out, int *fd)
{
	struct slot s[XDPC_DISP_SLOTS];
	struct disp *d;
	int err;

	if (!n || n > XDPC_DISP_SLOTS)
		return -EINVAL;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	memset(s, 0, sizeof(s));
	for (unsigned int i = 0; i < n; i++)
		s[i] = (struct slot){ .prog_fd = ext_fds[i], .prio = XDPC_DISP_OUR_PRIO,
				      .actions = XDPC_DISP_OUR_ACTIONS };
	err = disp_make(d, version, s, n, false);
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
