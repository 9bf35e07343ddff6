#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "run/watch.h"
#include "probe/nl.h"

int watch_open(struct watch *w)
{
	int err;

	w->gen = 0;
	w->resync = false;
	w->tc_joined = w->tc_unfollowed = false;
	w->drained = false;
	err = nlwatch_open(&w->nl);
	/* Without notifications every poll asks: open the question now. With
	 * them, it is only the resync after lost ones: opened then, once. */
	return err ? (nlwatch_open_query(&w->nl) ?: err) : 0;
}

/* A cls_bpf filter on a clsact qdisc (tc, through netlink). */
static bool is_clsact(const struct attachment *a)
{
	return a->mode == XDP_MODE_TC && a->kind == ATTACH_NETLINK;
}

/* Does the interface count through a clsact filter, on either hook? */
static bool has_clsact(const struct watch_iface *wi)
{
	return is_clsact(wi->att) || (wi->tx_att && is_clsact(wi->tx_att));
}

void watch_add(struct watch *w, struct watch_iface *wi)
{
	if (!has_clsact(wi))
		return;
	wi->tc_news = true; /* a change between the attach and now: ask at once */
	if (w->tc_joined || w->tc_unfollowed)
		return;
	if (nlwatch_join_tc(&w->nl) == 0)
		w->tc_joined = true;
	else
		w->tc_unfollowed = true;
}

void watch_close(struct watch *w)
{
	nlwatch_close(&w->nl);
}

/* The interface with this ifindex that still counts, or whose link was just
 * found detached (not reported yet): a notification may still say why. */
static struct watch_iface *find(struct watch_iface *const *wi, int n, int ifindex)
{
	for (int i = 0; i < n; i++)
		if (wi[i]->att->ifindex == ifindex &&
		    (wi[i]->fault == WATCH_OK || (wi[i]->fault == WATCH_LINK_GONE && wi[i]->fault_new)))
			return wi[i];
	return NULL;
}

static void set_fault(struct watch_iface *w, enum watch_fault f)
{
	w->fault = f;
	w->fault_new = true;
}

static void rename_to(struct watch_iface *w, const char *name)
{
	if (!name[0] || strcmp(name, w->name) == 0)
		return;
	if (!w->renamed) /* keep the oldest unreported name */
		memcpy(w->old_name, w->name, sizeof(w->old_name));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->renamed = true;
}

/* IFLA_IFNAME's payload into name (left alone when malformed). */
static void attr_name(const struct rtattr *a, char name[IF_NAMESIZE])
{
	size_t plen = RTA_PAYLOAD(a);

	if (plen > 0 && plen <= IF_NAMESIZE) {
		memcpy(name, RTA_DATA(a), plen);
		name[plen - 1] = '\0';
	}
}

/* The IFLA_XDP nest: is our program among the attached ones? */
static void on_xdp(struct watch_iface *w, const struct rtattr *nest)
{
	struct nl_xdp_ids x;
	uint32_t all[3];

	nl_xdp_ids(nest, &x);
	all[0] = x.drv;
	all[1] = x.skb;
	all[2] = x.hw;
	w->xdp_known = true;
	w->ours = false;
	w->other_id = 0;
	for (int k = 0; k < 3; k++) {
		if (all[k] == w->att->prog_id)
			w->ours = true;
		else if (all[k] && !w->other_id)
			w->other_id = all[k];
	}
}

/* An interface the watch does not follow appeared, changed or was renamed:
 * news for a run that follows a selector. */
static void on_other(struct watch_news *news, const struct nlmsghdr *h)
{
	struct probe_link l;

	if (!news || probe_link_parse(h, &l))
		return;
	for (int i = 0; i < news->n; i++)
		if (news->link[i].ifindex == l.ifindex) {
			news->link[i] = l; /* the last word of the poll wins */
			return;
		}
	if (news->n < WATCH_NEWS)
		news->link[news->n++] = l;
	else
		news->overflow = true;
}

/* One RTM_NEWLINK/RTM_DELLINK message. */
static void on_link(struct watch_iface *const *wi, int n, const struct nlmsghdr *h,
		    struct watch_news *news)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	char name[IF_NAMESIZE] = "";
	int nsid = -1, new_ifindex = 0;
	bool moved = false;
	struct watch_iface *w;

	if (len < 0 || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	w = find(wi, n, ifi->ifi_index);
	if (!w) {
		if (h->nlmsg_type == RTM_NEWLINK)
			on_other(news, h);
		return;
	}
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t plen = RTA_PAYLOAD(a);

		switch (a->rta_type) {
		case IFLA_IFNAME:
			attr_name(a, name);
			break;
		case IFLA_NEW_NETNSID:
			if (plen >= sizeof(int)) {
				memcpy(&nsid, RTA_DATA(a), sizeof(int));
				moved = true;
			}
			break;
		case IFLA_NEW_IFINDEX:
			if (plen >= sizeof(int))
				memcpy(&new_ifindex, RTA_DATA(a), sizeof(int));
			break;
		case IFLA_XDP:
			if (h->nlmsg_type == RTM_NEWLINK)
				on_xdp(w, a); /* the last notification of the poll wins */
			break;
		}
	}
	if (h->nlmsg_type == RTM_NEWLINK) {
		rename_to(w, name);
		return;
	}
	w->new_nsid = nsid;
	w->new_ifindex = new_ifindex;
	set_fault(w, moved ? WATCH_MOVED : WATCH_DELETED);
}

/* A filter, chain or qdisc changed on an interface: its clsact places need
 * asking (the answer, not the notification, tells whether ours is gone). */
static void on_tc(struct watch_iface *const *wi, int n, const struct nlmsghdr *h)
{
	const struct tcmsg *t = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return;
	for (int i = 0; i < n; i++)
		if (wi[i]->att->ifindex == t->tcm_ifindex && has_clsact(wi[i]) &&
		    wi[i]->fault == WATCH_OK)
			wi[i]->tc_news = true;
}

static void parse(struct watch_iface *const *wi, int n, const void *buf, int len,
		  struct watch_news *news)
{
	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		switch (h->nlmsg_type) {
		case RTM_NEWLINK:
		case RTM_DELLINK:
			on_link(wi, n, h, news);
			break;
		case RTM_NEWTFILTER:
		case RTM_DELTFILTER:
		case RTM_DELCHAIN:
		case RTM_NEWQDISC:
		case RTM_DELQDISC:
			on_tc(wi, n, h);
			break;
		}
	}
}

void watch_parse(struct watch_iface *const *wi, int n, const void *buf, int len)
{
	parse(wi, n, buf, len, NULL);
}

/* The interfaces a datagram's news go to, and the poll it answers. */
struct news_to {
	struct watch_iface *const *wi;
	int n;
	uint32_t gen;
	struct watch_news *news;
};

static void on_notifications(void *ctx, const void *buf, int len)
{
	const struct news_to *to = ctx;

	parse(to->wi, to->n, buf, len, to->news);
}

static void drain(struct watch *w, struct watch_iface *const *wi, int n)
{
	struct news_to to = { wi, n, 0, &w->news };

	if (nlwatch_drain(&w->nl, on_notifications, &to)) {
		w->resync = true; /* some were lost: ask about all */
		w->news.overflow = true; /* and about the others, the run's selector */
	}
}

/* Sequence numbers: the poll number above the interface's index. */
#define SEQ_SHIFT 6 /* WATCH_MAX == 1 << SEQ_SHIFT */
_Static_assert(WATCH_MAX == 1 << SEQ_SHIFT, "WATCH_MAX is a power of two");

static uint32_t seq_of(uint32_t gen, int i)
{
	return gen << SEQ_SHIFT | (uint32_t)i;
}

int watch_build_query(struct watch_iface *const *wi, int n, uint32_t gen, void *buf, size_t size)
{
	struct nl_link_req *r = buf;
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		struct watch_iface *w = wi[i];

		w->asked = w->answered = w->xdp_known = w->ours = false;
		w->answer_err = 0;
		w->other_id = 0;
		if (i >= WATCH_MAX || w->fault != WATCH_OK || (k + 1) * sizeof(*r) > size)
			continue;
		nl_link_req(&r[k], w->att->ifindex, seq_of(gen, i), NLM_F_REQUEST);
		w->asked = true;
		k++;
	}
	return (int)(k * sizeof(*r));
}

/* One RTM_NEWLINK answer, mlen bytes of it (less than nlmsg_len if cut). */
static void on_answer(struct watch_iface *w, const struct nlmsghdr *h, int mlen)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = mlen - (int)NLMSG_LENGTH(sizeof(*ifi));
	char name[IF_NAMESIZE] = "";

	if (len < 0 || ifi->ifi_index != w->att->ifindex)
		return;
	w->answered = true;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type & NLA_TYPE_MASK) {
		case IFLA_IFNAME:
			attr_name(a, name);
			break;
		case IFLA_XDP:
			on_xdp(w, a);
			break;
		}
	}
	rename_to(w, name);
}

void watch_parse_answers(struct watch_iface *const *wi, int n, uint32_t gen, const void *buf, int len)
{
	const char *p = buf;

	/* like NLMSG_OK/NLMSG_NEXT, except that a last message cut by a short
	 * buffer is still read as far as it goes */
	while (len >= (int)NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		int mlen = h->nlmsg_len <= (unsigned int)len ? (int)h->nlmsg_len : len;
		int i = (int)(h->nlmsg_seq & (WATCH_MAX - 1));
		struct watch_iface *w;

		if (h->nlmsg_len < NLMSG_HDRLEN)
			return;
		p += NLMSG_ALIGN(mlen);
		len -= NLMSG_ALIGN(mlen);
		if (h->nlmsg_seq >> SEQ_SHIFT != (gen << SEQ_SHIFT) >> SEQ_SHIFT || i >= n)
			continue;
		w = wi[i];
		if (!w->asked || w->answered)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR && mlen >= (int)NLMSG_LENGTH(sizeof(int))) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			w->answered = true;
			w->answer_err = e->error < 0 ? e->error : -EPROTO;
		} else if (h->nlmsg_type == RTM_NEWLINK) {
			on_answer(w, h, mlen);
		}
	}
}

/* The one-interface check, where the answer cannot tell. */
static void check(struct watch_iface *w)
{
	char name[IF_NAMESIZE];
	int err = attach_check(w->att, &w->now_id);

	w->tc_news = false;
	switch (err) {
	case 0:
		if (if_indextoname((unsigned int)w->att->ifindex, name))
			rename_to(w, name);
		return;
	case -ENODEV:
		set_fault(w, WATCH_GONE);
		return;
	case -ENOENT:
		set_fault(w, WATCH_PROG_GONE);
		return;
	case -ENOLINK:
		set_fault(w, WATCH_LINK_GONE);
		return;
	default:
		return; /* could not tell (e.g. out of memory): ask again next time */
	}
}

void watch_judge(struct watch_iface *w)
{
	const struct attachment *a = w->att;

	if (w->fault != WATCH_OK)
		return;
	if (!w->answered || (w->answer_err && w->answer_err != -ENODEV)) {
		check(w);
		return;
	}
	if (w->answer_err == -ENODEV) {
		set_fault(w, WATCH_GONE);
		return;
	}
	if (a->mode == XDP_MODE_TC) {
		/* no answer shows tc programs: ask the tcx link, or our clsact
		 * place (notifications were lost: whatever they said) */
		if (a->kind == ATTACH_LINK && attach_link_alive(a) == -ENOLINK)
			set_fault(w, WATCH_LINK_GONE);
		else if (is_clsact(a))
			check(w);
		return;
	}
	if (!w->xdp_known || a->kind == ATTACH_DISPATCHER) {
		/* in a dispatcher, our program is in a slot, not on the link:
		 * its pins say (what libxdp users change goes on under us) */
		check(w);
		return;
	}
	if (w->ours)
		return;
	if (a->kind == ATTACH_LINK) {
		set_fault(w, WATCH_LINK_GONE);
	} else {
		w->now_id = w->other_id;
		set_fault(w, WATCH_PROG_GONE);
	}
}

static void on_answers(void *ctx, const void *buf, int len)
{
	const struct news_to *to = ctx;

	watch_parse_answers(to->wi, to->n, to->gen, buf, len);
}

/* One question for each WATCH_MAX interfaces that still count (each its own
 * poll number: its own sequence numbers), and all the answers. */
static void ask(struct watch *w, struct watch_iface *const *wi, int n)
{
	size_t size = 0;
	void *req;

	if (w->nl.qfd < 0 && !w->nl.query_tried)
		nlwatch_open_query(&w->nl); /* the first resync: once, whatever comes of it */
	req = nlwatch_requests(&w->nl, &size);
	if (!req)
		return; /* asks nothing: each is checked on its own */
	for (int base = 0; base < n; base += WATCH_MAX) {
		int k = n - base < WATCH_MAX ? n - base : WATCH_MAX;
		struct news_to to = { wi + base, k, 0, NULL };
		int len = watch_build_query(wi + base, k, ++w->gen, req, size);

		if (len == 0)
			continue;
		to.gen = w->gen;
		if (nlwatch_ask(&w->nl, (size_t)len, on_answers, &to))
			watch_build_query(wi + base, k, 0, NULL, 0);
	}
}

void watch_judge_notified(struct watch_iface *w)
{
	const struct attachment *a = w->att;

	if (w->fault != WATCH_OK)
		return;
	if (a->kind == ATTACH_LINK) {
		/* XDP or tcx: no notification says a link was detached */
		if (attach_link_alive(a) == -ENOLINK)
			set_fault(w, WATCH_LINK_GONE);
		return;
	}
	if (a->kind == ATTACH_DISPATCHER) {
		/* a dispatcher on the link, never our program: a swap (ours or
		 * a libxdp user's) announces another id; is our slot there? */
		if (w->xdp_known)
			check(w);
		return;
	}
	if (a->mode != XDP_MODE_TC && w->xdp_known && !w->ours) {
		w->now_id = w->other_id;
		set_fault(w, WATCH_PROG_GONE);
	}
	if (is_clsact(a) && w->tc_news)
		check(w); /* something changed on its tc: is our filter still there? */
}

/* A link found detached while no notification said why: when the interface
 * was moved or deleted, the kernel detaches the link before it sends the
 * notification, in the same syscall of another task. Give that task a moment,
 * then read the notifications again, so "moved" or "deleted" wins over the
 * bare "link gone". */
static void explain_link_gone(struct watch *w, struct watch_iface *const *wi, int n)
{
	struct timespec moment = { .tv_nsec = 20 * 1000 * 1000 };
	bool any = false;

	for (int i = 0; i < n; i++)
		any |= wi[i]->fault == WATCH_LINK_GONE && wi[i]->fault_new;
	if (!any || w->nl.fd < 0)
		return;
	nanosleep(&moment, NULL);
	drain(w, wi, n);
}

/* The tc egress attachment of an interface counted both ways: its link
 * (every poll: nothing announces a detached link), or its clsact place when
 * tc news (or a question about everything) says to ask. */
static void judge_tx(struct watch_iface *w, bool ask_clsact)
{
	const struct attachment *t = w->tx_att;
	uint32_t now = 0;
	int err;

	if (!t || w->fault != WATCH_OK)
		return;
	if (t->kind == ATTACH_LINK)
		err = attach_link_alive(t);
	else if (ask_clsact)
		err = attach_tc_check(t, &now);
	else
		return;
	if (err != -ENOLINK && err != -ENOENT)
		return; /* there; or -ENODEV, the interface's own fault, seen by att */
	w->now_id = now;
	w->tx_fault = true;
	set_fault(w, err == -ENOLINK ? WATCH_LINK_GONE : WATCH_PROG_GONE);
}

int watch_poll(struct watch *w, struct watch_iface *const *wi, int n)
{
	int news = 0;
	bool all;

	if (!w->drained) /* else reset by the first drain since the last poll */
		watch_build_query(wi, n, 0, NULL, 0); /* resets this poll's news */
	w->drained = false;
	if (w->nl.fd >= 0)
		drain(w, wi, n);
	for (int i = 0; i < n && w->tc_unfollowed; i++)
		wi[i]->tc_news = has_clsact(wi[i]); /* no tc notifications: ask every time */
	all = w->nl.fd < 0 || w->resync;
	if (w->nl.fd < 0)
		w->news.overflow = true; /* no news of other interfaces come */
	w->resync = false;
	if (all)
		ask(w, wi, n);
	for (int i = 0; i < n; i++) {
		bool tc_news = wi[i]->tc_news; /* the receive side's check clears it */

		if (all)
			watch_judge(wi[i]);
		else
			watch_judge_notified(wi[i]);
		judge_tx(wi[i], all || tc_news);
	}
	if (!all)
		explain_link_gone(w, wi, n);
	for (int i = 0; i < n; i++)
		news += wi[i]->renamed || wi[i]->fault_new;
	return news;
}

void watch_drain(struct watch *w, struct watch_iface *const *wi, int n)
{
	if (w->nl.fd < 0)
		return;
	/* Interfaces counted from now on until the poll start with theirs
	 * reset (run_iface_count). */
	if (!w->drained)
		watch_build_query(wi, n, 0, NULL, 0);
	w->drained = true;
	drain(w, wi, n);
}

int watch_fd(const struct watch *w)
{
	return w->nl.fd;
}

const struct enum_name watch_fault_names[] = {
	{ "ok", WATCH_OK },
	{ "deleted", WATCH_DELETED },
	{ "moved", WATCH_MOVED },
	{ "gone", WATCH_GONE },
	{ "program_gone", WATCH_PROG_GONE },
	{ "link_gone", WATCH_LINK_GONE },
	{ NULL, 0 },
};
