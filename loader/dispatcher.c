/* libxdp's multi-program dispatcher, spoken from its protocol description
 * (protocol.org in xdp-tools; no code of libxdp's): joining and leaving the
 * one on a hook. See loader/dispatcher.h. */
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>
#include <bpf/libbpf.h>

#include "loader/disp_prog.h"
#include "loader/disp_state.h"
#include "loader/dispatcher.h"
#include "loader/pin.h"
#include "log/log.h"
#include "probe/probe.h"

/* How often a swap that lost a race (the hook changed while we built) is
 * tried again from the start, as the protocol says. */
#define SWAP_TRIES 4

static uint32_t mode_flag(enum xdp_mode mode)
{
	return mode == XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
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
	err = disp_make(&nd, version, s, n, frags);
	if (!err)
		err = disp_pin(ifindex, &nd);
	if (err)
		goto out;
	if (old->id)
		err = bpf_xdp_attach(ifindex, nd.fd, flags | XDP_FLAGS_REPLACE, &ao);
	else
		err = bpf_xdp_attach(ifindex, nd.fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err) {
		disp_unpin(ifindex, nd.id, nd.n);
		if (err == -EEXIST || err == -EBUSY)
			err = -EAGAIN; /* someone changed the hook: start over */
		goto out;
	}
	if (old->id)
		disp_unpin(ifindex, old->id, old->n);
	log_msg(LOG_VERBOSE, "xdpcount: dispatcher id %u (version %u, %u programs) on ifindex "
		"%d%s%s\n", nd.id, version, n, ifindex, old->id ? " replaces " : "",
		old->id ? "the one before" : "");
	err = (int)nd.id;
out:
	disp_close(&nd);
	return err;
}

/* One change of the dispatcher on ifindex: given it as read under the lock
 * (old, in mode; err what reading it said), makes the change and returns
 * what the caller gets (-EAGAIN: the hook changed under us). */
typedef int disp_change_fn(int ifindex, struct disp *old, enum xdp_mode mode, int err,
			   void *arg);

/* Runs change under the lock on what is there now, again from the start
 * while it says -EAGAIN, at most SWAP_TRIES times. */
static int disp_change(int ifindex, disp_change_fn *change, void *arg)
{
	int err = -EAGAIN;

	for (int t = 0; t < SWAP_TRIES && err == -EAGAIN; t++) {
		enum xdp_mode mode = XDP_MODE_NATIVE;
		struct disp old;
		int lock = disp_lock_take();

		if (lock < 0)
			return lock;
		disp_init(&old);
		err = disp_read(ifindex, &old, &mode);
		err = change(ifindex, &old, mode, err, arg);
		disp_close(&old);
		disp_lock_drop(lock);
	}
	return err;
}

struct add {
	int ext_fd;
	enum xdp_mode mode;
	unsigned int version;
};

/* Ours at the front of old's slots, or of a new dispatcher's: its id. */
static int add_change(int ifindex, struct disp *old, enum xdp_mode now, int err, void *arg)
{
	const struct add *a = arg;
	struct slot s[XDPC_DISP_SLOTS];

	if (!err && old->id && now != a->mode)
		err = -EEXIST; /* planned for another mode: the plan is stale */
	if (!err && old->n >= XDPC_DISP_SLOTS)
		err = -ENOSPC;
	if (err)
		return err;
	memset(s, 0, sizeof(s));
	s[0].prog_fd = a->ext_fd;
	s[0].prio = XDPC_DISP_OUR_PRIO;
	s[0].actions = XDPC_DISP_OUR_ACTIONS;
	for (unsigned int i = 0; i < old->n; i++)
		s[i + 1] = old->s[i];
	return disp_swap(ifindex, a->mode, old, s, old->n + 1, old->id ? old->version : a->version);
}

int dispatcher_add(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		   uint32_t *disp_id)
{
	struct add a = { .ext_fd = ext_fd, .mode = mode, .version = version };
	int err = disp_change(ifindex, add_change, &a);

	if (err > 0) {
		*disp_id = (uint32_t)err;
		return 0;
	}
	return err;
}

/* old without the slot of program *(uint32_t *)arg, or gone if it was the
 * last one. */
static int remove_change(int ifindex, struct disp *old, enum xdp_mode mode, int err, void *arg)
{
	uint32_t prog_id = *(const uint32_t *)arg;
	struct slot s[XDPC_DISP_SLOTS];
	unsigned int n = 0, ours = XDPC_DISP_SLOTS;

	if (err == -EEXIST || (!err && !old->id))
		err = -ENOENT;
	for (unsigned int i = 0; !err && i < old->n; i++) {
		if (old->s[i].prog_id == prog_id)
			ours = i;
		else
			s[n++] = old->s[i];
	}
	if (!err && ours == XDPC_DISP_SLOTS)
		err = -ENOENT;
	if (!err && n == 0) {
		/* ours was the last: the dispatcher goes, exactly that one */
		LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = old->fd);

		err = bpf_xdp_detach(ifindex, mode_flag(mode) | XDP_FLAGS_REPLACE, &ao);
		if (err == -EEXIST || err == -EBUSY)
			err = -EAGAIN;
		else if (!err)
			disp_unpin(ifindex, old->id, old->n);
	} else if (!err) {
		err = disp_swap(ifindex, mode, old, s, n, old->version);
		if (err > 0)
			err = 0;
	}
	return err;
}

int dispatcher_remove(int ifindex, uint32_t prog_id)
{
	return disp_change(ifindex, remove_change, &prog_id);
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
