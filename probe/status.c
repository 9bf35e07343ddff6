/* `xdpcount status`, read side: the XDP and tc programs on interfaces, and
 * who holds them (probe/status.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/stats.h"
#include "probe/status.h"
#include "probe/fdinfo.h"
#include "probe/nl.h"
#include "probe/probe.h"
#include "probe/clock.h"

static void prog_info(struct status_prog *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(p->id);

	if (fd < 0)
		return; /* unprivileged: ids and modes only */
	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len) == 0) {
		p->info_known = true;
		snprintf(p->name, sizeof(p->name), "%s", info.name);
		for (int i = 0; i < 8; i++)
			snprintf(p->tag + 2 * i, 3, "%02x", info.tag[i]);
		p->ours = prog_name_ours(info.name);
		p->loaded_at = info.load_time ? boot_ns_to_unix(info.load_time) : 0;
	}
	close(fd);
}

/* XDP links: which (ifindex, prog id) pairs are attached through a link. */
static void find_links(struct status_iface *ifs, unsigned int n)
{
	uint32_t id = 0;
	int err;

	while ((err = bpf_link_get_next_id(id, &id)) == 0) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (bpf_link_get_info_by_fd(fd, &info, &len) == 0 && info.type == BPF_LINK_TYPE_XDP)
			for (unsigned int i = 0; i < n; i++)
				for (unsigned int k = 0; k < ifs[i].n_progs; k++)
					if (ifs[i].progs[k].mode < STATUS_TC &&
					    ifs[i].ifindex == (int)info.xdp.ifindex &&
					    ifs[i].progs[k].id == info.prog_id) {
						ifs[i].progs[k].link = true;
						ifs[i].progs[k].link_id = info.id;
					}
		close(fd);
	}
	if (err != -ENOENT) /* not the end of the list: EPERM without privilege */
		return;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < ifs[i].n_progs; k++)
			ifs[i].progs[k].attach_known = true;
}

static void add_pid(struct status_prog *p, int pid)
{
	for (unsigned int i = 0; i < p->n_pids; i++)
		if (p->pids[i] == pid)
			return;
	if (p->n_pids < STATUS_MAX_PIDS)
		p->pids[p->n_pids++] = pid;
}

struct held {
	struct status_iface *ifs;
	unsigned int n;
	bool all; /* every process could be looked into (or is gone) */
};

/* One fd: a BPF program ("prog_id:") or link ("link_id:") of ours? */
static int holds(void *ctx, int pid, const char *text)
{
	struct held *h = ctx;
	unsigned long prog = fdinfo_value(text, "prog_id"), link = fdinfo_value(text, "link_id");

	if (!prog && !link)
		return 0;
	for (unsigned int i = 0; i < h->n; i++)
		for (unsigned int k = 0; k < h->ifs[i].n_progs; k++) {
			struct status_prog *p = &h->ifs[i].progs[k];

			if ((prog && p->id == prog) || (link && p->link_id && p->link_id == link))
				add_pid(p, pid);
		}
	return 0;
}

static void closed(void *ctx, int pid, int err)
{
	struct held *h = ctx;

	/* gone is fine; unreadable means the list may be short, unless we are
	 * root and it is a process of another user namespace or sandbox,
	 * which cannot hold our programs' fds anyway */
	h->all &= err == ENOENT;
}

/* Which processes hold the programs: every /proc/PID/fdinfo that names a
 * BPF program or link id. */
static void find_pids(struct status_iface *ifs, unsigned int n)
{
	struct held h = { ifs, n, true };

	if (fdinfo_each(false, holds, closed, &h) < 0)
		return;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < ifs[i].n_progs; k++)
			ifs[i].progs[k].pids_known = h.all || geteuid() == 0;
}

static struct status_prog *add_prog(struct status_iface *s, enum status_mode m, uint32_t id,
				   bool link)
{
	struct status_prog *p;

	if (!id || s->n_progs >= STATUS_MAX_PROGS)
		return NULL;
	p = &s->progs[s->n_progs++];
	memset(p, 0, sizeof(*p));
	p->mode = m;
	p->id = id;
	p->link = link;
	prog_info(p);
	return p;
}

struct clsact_seen {
	struct status_iface *ifs;
	unsigned int n;
	bool *has;
};

static void clsact_seen(void *ctx, int ifindex, const char *kind)
{
	struct clsact_seen *c = ctx;

	for (unsigned int i = 0; i < c->n; i++)
		if (c->ifs[i].ifindex == ifindex)
			c->has[i] = true;
}

/* One tc hook (ingress or egress): the tcx programs (6.6+), and the
 * cls_bpf filter at our place on a clsact qdisc. Someone's filters
 * elsewhere on it are not listed. */
static void find_tc_hook(struct status_iface *s, bool has_clsact, bool egress)
{
	__u32 ids[STATUS_MAX_PROGS], links[STATUS_MAX_PROGS];
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .link_ids = links,
		    .count = STATUS_MAX_PROGS);
	enum status_mode m = egress ? STATUS_TC_EGRESS : STATUS_TC;
	struct status_prog *p;

	if (bpf_prog_query_opts(s->ifindex, egress ? XDPC_BPF_TCX_EGRESS : XDPC_BPF_TCX_INGRESS,
				&q) == 0)
		for (__u32 i = 0; i < q.count && i < STATUS_MAX_PROGS; i++)
			if ((p = add_prog(s, m, ids[i], true))) {
				p->link_id = links[i];
				p->attach_known = true;
			}
	if (has_clsact) {
		uint32_t id;

		if (probe_tc_our_filter(s->ifindex, egress, &id) == 0 &&
		    (p = add_prog(s, m, id, false)))
			p->attach_known = true;
	}
}

static void find_tc(struct status_iface *s, bool has_clsact)
{
	find_tc_hook(s, has_clsact, false);
	find_tc_hook(s, has_clsact, true);
}

/* The slots of a libxdp dispatcher among the XDP programs found (its name
 * needs CAP_SYS_ADMIN, as its config does). */
static void find_dispatcher(struct status_iface *s)
{
	static struct probe_iface it;

	s->disp_id = 0;
	memset(&s->disp, 0, sizeof(s->disp));
	memset(&it, 0, sizeof(it));
	it.ifindex = s->ifindex;
	for (unsigned int k = 0; k < s->n_progs; k++) {
		const struct status_prog *p = &s->progs[k];
		struct probe_xdp_prog *x = p->mode == STATUS_NATIVE ? &it.drv
					   : p->mode == STATUS_GENERIC ? &it.skb : NULL;

		if (!x || !p->info_known || strcmp(p->name, XDPC_DISPATCHER_NAME))
			continue;
		x->id = p->id;
		snprintf(x->name, sizeof(x->name), "%s", p->name);
		probe_dispatcher(x, s->ifindex);
		if (!s->disp_id && probe_dispatcher_known(x)) {
			s->disp_id = x->id;
			s->disp_version = x->dispatcher_version;
		}
	}
	if (!s->disp_id)
		return;
	probe_dispatcher_slots(&it);
	s->disp = it.disp;
}

int status_query(struct status_iface *ifs, unsigned int n)
{
	bool *has_clsact = calloc(n ? n : 1, sizeof(*has_clsact));
	struct clsact_seen seen = { ifs, n, has_clsact };
	bool dumped;

	/* one dump for all: the kernel sends every interface's qdiscs */
	dumped = has_clsact && probe_clsact_each(0, clsact_seen, &seen) == 0;
	for (unsigned int i = 0; i < n; i++) {
		struct status_iface *s = &ifs[i];
		struct nl_xdp_ids q;

		s->n_progs = 0;
		s->err = nl_link_xdp_ids(s->ifindex, &q);
		if (s->err)
			continue;
		add_prog(s, STATUS_NATIVE, q.drv, false);
		add_prog(s, STATUS_GENERIC, q.skb, false);
		add_prog(s, STATUS_OFFLOAD, q.hw, false);
		find_dispatcher(s);
		/* without the dump, ask every interface for our clsact place */
		find_tc(s, dumped ? has_clsact[i] : true);
	}
	free(has_clsact);
	find_links(ifs, n);
	find_pids(ifs, n);
	return 0;
}
