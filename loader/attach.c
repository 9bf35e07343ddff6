/* The attachment module: one attach per hook with the kernel's message kept,
 * one check and one detach for every kind, and the sweep of dead runs'
 * pins. */
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "loader/attach.h"
#include "loader/disp_state.h"
#include "loader/pin.h"
#include "log/log.h"
#include "probe/netns.h"
#include "probe/nl.h"
#include "probe/probe.h"

/* The kernel's extack message of one attach, kept in a->kmsg: captured into
 * kmsg from kmsg_start() to kmsg_keep() (the hook's attach_init() clears
 * a in between). */
static void kmsg_start(char *kmsg, size_t len)
{
	log_kernel_message_to(kmsg, len);
}

static int kmsg_keep(struct attachment *a, const char *kmsg, int err)
{
	log_kernel_message_to(NULL, 0);
	memcpy(a->kmsg, kmsg, sizeof(a->kmsg));
	return err;
}

int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum attach_kind kind,
	       struct attachment *a)
{
	char kmsg[sizeof(a->kmsg)];

	kmsg_start(kmsg, sizeof(kmsg));
	return kmsg_keep(a, kmsg, xdp_attach(prog_fd, ifindex, mode, kind, a));
}

int attach_tc(int prog_fd, int ifindex, enum attach_kind kind, bool egress, struct attachment *a)
{
	char kmsg[sizeof(a->kmsg)];
	int err;

	kmsg_start(kmsg, sizeof(kmsg));
	err = kmsg_keep(a, kmsg, tc_attach(prog_fd, ifindex, kind, egress, a));
	if (!err && prog_id_by_fd(prog_fd, &a->prog_id, NULL))
		a->prog_id = 0; /* only reported */
	return err;
}

int attach_dispatcher(int ext_fd, int ifindex, enum xdp_mode mode, unsigned int version,
		      struct attachment *a)
{
	char kmsg[sizeof(a->kmsg)];

	kmsg_start(kmsg, sizeof(kmsg));
	return kmsg_keep(a, kmsg, disp_attach(ext_fd, ifindex, mode, version, a));
}

int attach_check(const struct attachment *a, uint32_t *now_id)
{
	char name[IF_NAMESIZE];
	int err;

	*now_id = 0;
	if (a->kind == ATTACH_DISPATCHER)
		return disp_check(a, now_id);
	if (a->kind == ATTACH_LINK) {
		err = attach_link_alive(a);
		if (err)
			return err;
		/* a live link is on its device */
		if (!if_indextoname((unsigned int)a->ifindex, name))
			return errno == ENXIO || errno == ENODEV ? -ENODEV : -errno;
		return 0;
	}
	return a->mode == XDP_MODE_TC ? attach_tc_check(a, now_id) : xdp_check(a, now_id);
}

int detach_attachment(struct attachment *a)
{
	if (a->kind == ATTACH_DISPATCHER && a->mode != XDP_MODE_TC)
		return disp_detach(a);
	return a->mode == XDP_MODE_TC ? tc_detach(a) : xdp_detach(a);
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
	if (!egress && (q.drv || q.skb)) {
		enum xdp_mode m;
		uint32_t disp;

		if (dispatcher_find(ifindex, id, &m, &disp) == 0)
			return 1; /* in a slot of the dispatcher there */
	}
	err = probe_tc_our_filter(ifindex, egress, &tc);
	if (err == -ENOENT || err == -EINVAL || err == -ENODEV)
		return 0; /* no filter at our place, or no clsact qdisc */
	return err ? err : tc == id;
}

/* Is a dead run's pinned program id still where the pin says? 1 yes (the
 * pin stays: it tells the next run there the program is ours), 0 no (and
 * the empty clsact qdisc the pin says that run created is removed), -errno
 * could not tell. Asked in the namespace we are in. */
static int leftover_here(const struct pin_owner *o, uint32_t id)
{
	int err = still_attached(o->ifindex, o->egress, id);

	if (err == 0 && o->qdisc)
		detach_empty_clsact(o->ifindex);
	return err;
}

struct elsewhere {
	int netns_fd;
	const struct pin_owner *o;
	uint32_t id;
	int ret;
};

/* In a thread of its own, which alone enters the pin's namespace (a
 * namespace is a thread's; the thread's end is the way back). */
static void *leftover_elsewhere(void *arg)
{
	struct elsewhere *e = arg;

	e->ret = setns(e->netns_fd, CLONE_NEWNET) ? -errno : leftover_here(e->o, e->id);
	return NULL;
}

/* leftover_here for a pin made in another network namespace: one that is
 * gone took its interfaces with it (a physical one returns to the initial
 * namespace, where no pin of that namespace names it), so 0; one that
 * still exists is entered and asked (needs CAP_SYS_ADMIN: without it,
 * -EPERM, the pin stays). */
static int leftover_there(const struct pin_owner *o, uint32_t id)
{
	struct elsewhere e = { netns_open_ino(o->netns), o, id, -EIO };
	pthread_t t;
	int err;

	if (e.netns_fd == -ENOENT)
		return 0;
	if (e.netns_fd < 0)
		return e.netns_fd;
	err = -pthread_create(&t, NULL, leftover_elsewhere, &e);
	if (!err)
		pthread_join(t, NULL);
	close(e.netns_fd);
	return err ? err : e.ret;
}

/* A pin of a run that is gone goes once its program is nowhere the pin
 * says, whatever became of the interface or its namespace. */
static int sweep_one(void *ctx, const struct pin_owner *o)
{
	int *removed = ctx;
	uint32_t id = 0;
	int fd, err;

	if (o->alive)
		return 0; /* a live run's */
	fd = pin_get(o->path);
	if (fd < 0)
		return 0;
	err = prog_id_by_fd(fd, &id, NULL);
	close(fd);
	if (err || (o->here ? leftover_here(o, id) : leftover_there(o, id)) != 0)
		return 0; /* a leftover the next run there removes (or cannot tell) */
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
