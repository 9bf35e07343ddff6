/* loader/watch without a kernel: the RTM_GETLINK batch it builds for a
 * resync, how it reads the answers, and the XDP ids notifications carry (the
 * messages are built here). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <linux/genetlink.h>

#include "check.h"
#include "run/watch.h"
#include "probe/internal.h"
#include "probe/nl.h"

#define N 3

struct fixture {
	struct attachment att[N];
	struct watch_iface wi[N];
	struct watch_iface *w[N]; /* the watch takes pointers */
};

static void setup(struct fixture *f, enum attach_kind kind, enum xdp_mode mode)
{
	static const char *const names[N] = { "veth0", "veth1", "veth2" };

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < N; i++) {
		f->att[i].ifindex = 10 + i;
		f->att[i].kind = kind;
		f->att[i].mode = mode;
		f->att[i].link_fd = -1;
		f->att[i].prog_id = 100 + (uint32_t)i;
		f->wi[i].att = &f->att[i];
		f->w[i] = &f->wi[i];
		f->wi[i].new_nsid = -1;
		snprintf(f->wi[i].name, sizeof(f->wi[i].name), "%s", names[i]);
	}
}

/* An answer under construction, in buf at *len. */
struct msg {
	char *buf;
	int start, len;
};

static struct rtattr *put_attr(struct msg *m, unsigned short type, const void *data, size_t size)
{
	struct rtattr *a = (struct rtattr *)(m->buf + m->len);

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(size);
	if (size)
		memcpy(RTA_DATA(a), data, size);
	m->len += (int)RTA_ALIGN(a->rta_len);
	return a;
}

static void begin_link(struct msg *m, uint32_t seq, int ifindex)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + m->len);
	struct ifinfomsg *ifi = NLMSG_DATA(h);

	m->start = m->len;
	memset(h, 0, NLMSG_LENGTH(sizeof(*ifi)));
	h->nlmsg_type = RTM_NEWLINK;
	h->nlmsg_seq = seq;
	ifi->ifi_index = ifindex;
	m->len += (int)NLMSG_LENGTH(sizeof(*ifi));
}

static void put_name(struct msg *m, const char *name)
{
	put_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
}

/* IFLA_XDP with the given (type, id) pairs. */
static void put_xdp(struct msg *m, int pairs, const unsigned short *types, const uint32_t *ids)
{
	struct rtattr *nest = put_attr(m, IFLA_XDP, NULL, 0);
	uint8_t attached = pairs ? XDP_ATTACHED_MULTI : XDP_ATTACHED_NONE;

	put_attr(m, IFLA_XDP_ATTACHED, &attached, 1);
	for (int k = 0; k < pairs; k++)
		put_attr(m, types[k], &ids[k], sizeof(ids[k]));
	nest->rta_len = (unsigned short)(m->buf + m->len - (char *)nest);
}

static void end_msg(struct msg *m)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + m->start);

	h->nlmsg_len = (uint32_t)(m->len - m->start);
	m->len = m->start + (int)NLMSG_ALIGN(h->nlmsg_len);
}

static void put_error(struct msg *m, uint32_t seq, int err)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->buf + m->len);
	struct nlmsgerr *e = NLMSG_DATA(h);

	m->start = m->len;
	memset(h, 0, NLMSG_LENGTH(sizeof(*e)));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_seq = seq;
	e->error = err;
	m->len += (int)NLMSG_LENGTH(sizeof(*e));
	end_msg(m);
}

/* One answer: name, then the XDP ids (one drv id, or none). */
static int answer(char *buf, uint32_t seq, int ifindex, const char *name, uint32_t drv_id)
{
	static const unsigned short drv[] = { IFLA_XDP_DRV_PROG_ID };
	struct msg m = { .buf = buf };

	begin_link(&m, seq, ifindex);
	put_name(&m, name);
	put_xdp(&m, drv_id ? 1 : 0, drv, &drv_id);
	end_msg(&m);
	return m.len;
}

static uint32_t seq(uint32_t gen, int i)
{
	return gen << 6 | (uint32_t)i;
}

static void test_one_getlink_per_counting_interface(void)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		struct rtattr a;
		uint32_t mask;
	} req[WATCH_MAX];
	struct fixture f;
	int len;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	f.wi[1].fault = WATCH_DELETED; /* already lost: not asked again */
	len = watch_build_query(f.w, N, 7, req, sizeof(req));
	CHECK_EQ_INT(sizeof(req[0]), 40);
	CHECK_EQ_INT(len, 2 * 40);
	CHECK(f.wi[0].asked && !f.wi[1].asked && f.wi[2].asked);
	CHECK_EQ_INT(req[0].h.nlmsg_len, 40);
	CHECK_EQ_INT(req[0].h.nlmsg_type, RTM_GETLINK);
	CHECK_EQ_INT(req[0].h.nlmsg_flags, NLM_F_REQUEST);
	CHECK_EQ_INT(req[0].h.nlmsg_seq, seq(7, 0));
	CHECK_EQ_INT(req[0].ifi.ifi_index, 10);
	CHECK_EQ_INT(req[0].a.rta_type, IFLA_EXT_MASK);
	CHECK_EQ_INT(req[0].mask, RTEXT_FILTER_SKIP_STATS);
	CHECK_EQ_INT(req[1].h.nlmsg_seq, seq(7, 2));
	CHECK_EQ_INT(req[1].ifi.ifi_index, 12);
	/* no room: nothing asked, and a stale answer state is reset */
	f.wi[0].answered = true;
	CHECK_EQ_INT(watch_build_query(f.w, N, 8, NULL, 0), 0);
	CHECK(!f.wi[0].asked && !f.wi[0].answered);
}

static void test_our_program_there_keeps_counting_and_a_new_name_is_news(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 3, NULL, 0);
	f.wi[0].asked = f.wi[1].asked = f.wi[2].asked = true;
	len = answer(buf, seq(3, 0), 10, "veth0", 100);
	len += answer(buf + len, seq(3, 1), 11, "wan1", 101);
	len += answer(buf + len, seq(3, 2), 12, "veth2", 102);
	watch_parse_answers(f.w, N, 3, buf, len);
	for (int i = 0; i < N; i++) {
		CHECK(f.wi[i].answered && f.wi[i].xdp_known && f.wi[i].ours);
		watch_judge(&f.wi[i]);
		CHECK_EQ_INT(f.wi[i].fault, WATCH_OK);
		CHECK(!f.wi[i].fault_new);
	}
	CHECK(!f.wi[0].renamed && f.wi[1].renamed && !f.wi[2].renamed);
	CHECK_EQ_STR(f.wi[1].name, "wan1");
	CHECK_EQ_STR(f.wi[1].old_name, "veth1");
}

static void test_someone_elses_program_or_none_is_a_loss(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 1, NULL, 0);
	f.wi[0].asked = f.wi[1].asked = true;
	len = answer(buf, seq(1, 0), 10, "veth0", 555);
	len += answer(buf + len, seq(1, 1), 11, "veth1", 0);
	watch_parse_answers(f.w, N, 1, buf, len);
	watch_judge(&f.wi[0]);
	watch_judge(&f.wi[1]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_PROG_GONE);
	CHECK(f.wi[0].fault_new);
	CHECK_EQ_INT(f.wi[0].now_id, 555);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_PROG_GONE);
	CHECK_EQ_INT(f.wi[1].now_id, 0);

	/* a link whose program left the interface: the link was detached */
	setup(&f, ATTACH_LINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 1, NULL, 0);
	f.wi[0].asked = true;
	len = answer(buf, seq(1, 0), 10, "veth0", 0);
	watch_parse_answers(f.w, N, 1, buf, len);
	watch_judge(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_LINK_GONE);
}

static void test_generic_and_multi_mode_ids_are_all_read(void)
{
	static const unsigned short types[] = { IFLA_XDP_DRV_PROG_ID, IFLA_XDP_SKB_PROG_ID };
	static const uint32_t ids[] = { 900, 101 };
	char buf[4096] __attribute__((aligned(8)));
	struct msg m = { .buf = buf };
	struct fixture f;

	setup(&f, ATTACH_NETLINK, XDP_MODE_GENERIC);
	watch_build_query(f.w, N, 2, NULL, 0);
	f.wi[1].asked = true;
	begin_link(&m, seq(2, 1), 11);
	put_name(&m, "veth1");
	put_xdp(&m, 2, types, ids);
	end_msg(&m);
	watch_parse_answers(f.w, N, 2, buf, m.len);
	CHECK(f.wi[1].ours);
	CHECK_EQ_INT(f.wi[1].other_id, 900);
	watch_judge(&f.wi[1]);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_OK);
}

static void test_no_such_device_is_gone(void)
{
	char buf[256] __attribute__((aligned(8)));
	struct msg m = { .buf = buf };
	struct fixture f;

	setup(&f, ATTACH_LINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 5, NULL, 0);
	f.wi[2].asked = true;
	put_error(&m, seq(5, 2), -ENODEV);
	watch_parse_answers(f.w, N, 5, buf, m.len);
	CHECK(f.wi[2].answered);
	CHECK_EQ_INT(f.wi[2].answer_err, -ENODEV);
	watch_judge(&f.wi[2]);
	CHECK_EQ_INT(f.wi[2].fault, WATCH_GONE);
	CHECK(f.wi[2].fault_new);
}

static void test_answers_to_another_poll_or_interface_are_ignored(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 9, NULL, 0);
	f.wi[0].asked = f.wi[1].asked = true;
	len = answer(buf, seq(8, 0), 10, "old0", 100);        /* last poll's */
	len += answer(buf + len, seq(9, 1), 99, "other", 101); /* not its ifindex */
	len += answer(buf + len, seq(9, 2), 12, "veth2", 102); /* not asked */
	watch_parse_answers(f.w, N, 9, buf, len);
	for (int i = 0; i < N; i++)
		CHECK(!f.wi[i].answered && !f.wi[i].renamed);
	/* the first answer counts; a second for the same question does not */
	len = answer(buf, seq(9, 0), 10, "veth0", 100);
	len += answer(buf + len, seq(9, 0), 10, "veth0", 555);
	watch_parse_answers(f.w, N, 9, buf, len);
	CHECK(f.wi[0].ours && f.wi[0].other_id == 0);
}

static void test_a_cut_answer_tells_what_it_holds(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len, xdp_end;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	len = answer(buf, seq(4, 0), 10, "veth0", 100);
	xdp_end = len;
	{
		/* more after IFLA_XDP, as the kernel puts IFLA_AF_SPEC there */
		struct msg m = { .buf = buf, .start = 0, .len = len };
		char pad[600];

		memset(pad, 0, sizeof(pad));
		put_attr(&m, IFLA_AF_SPEC, pad, sizeof(pad));
		end_msg(&m);
		len = m.len;
	}
	watch_build_query(f.w, N, 4, NULL, 0);
	f.wi[0].asked = true;
	watch_parse_answers(f.w, N, 4, buf, xdp_end + 100); /* cut inside AF_SPEC */
	CHECK(f.wi[0].answered && f.wi[0].xdp_known && f.wi[0].ours);
	watch_build_query(f.w, N, 4, NULL, 0);
	f.wi[0].asked = true;
	watch_parse_answers(f.w, N, 4, buf, xdp_end - 6); /* cut inside IFLA_XDP */
	CHECK(f.wi[0].answered && !f.wi[0].xdp_known);
	watch_build_query(f.w, N, 4, NULL, 0);
	f.wi[0].asked = true;
	watch_parse_answers(f.w, N, 4, buf, len);
	CHECK(f.wi[0].xdp_known && f.wi[0].ours);
}

static void test_tc_hooks_are_judged_without_xdp_ids(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	/* tcx: no XDP id is ours, yet the link is asked (here there is none:
	 * -ENOLINK); clsact places are asked too (tests/integration/tc.sh) */
	setup(&f, ATTACH_LINK, XDP_MODE_TC);
	len = answer(buf, seq(6, 0), 10, "veth0", 0);
	watch_build_query(f.w, N, 6, NULL, 0);
	f.wi[0].asked = true;
	watch_parse_answers(f.w, N, 6, buf, len);
	watch_judge(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_LINK_GONE);
}

/* Notifications carry the XDP ids when a netlink attach or detach changes
 * them: the last one of the poll decides, for netlink attachments only. */
static void test_notified_xdp_ids_judge_netlink_attachments(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 0, NULL, 0);
	/* veth0: without ours, then with ours (our own attach, read late) */
	len = answer(buf, 0, 10, "veth0", 0);
	len += answer(buf + len, 0, 10, "veth0", 100);
	/* veth1: ours, then someone else's (ip link set dev veth1 xdp ...) */
	len += answer(buf + len, 0, 11, "veth1", 101);
	len += answer(buf + len, 0, 11, "veth1", 777);
	/* veth2: a notification without IFLA_XDP says nothing of it */
	{
		struct msg m = { .buf = buf, .len = len };

		begin_link(&m, 0, 12);
		put_name(&m, "veth2");
		end_msg(&m);
		len = m.len;
	}
	watch_parse(f.w, N, buf, len);
	for (int i = 0; i < N; i++)
		watch_judge_notified(&f.wi[i]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_OK);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_PROG_GONE);
	CHECK_EQ_INT(f.wi[1].now_id, 777);
	CHECK_EQ_INT(f.wi[2].fault, WATCH_OK);
	CHECK(!f.wi[0].renamed && !f.wi[2].renamed);

	/* a link is judged by the link, never by notified ids (here: no link
	 * fd, so -ENOLINK) */
	setup(&f, ATTACH_LINK, XDP_MODE_NATIVE);
	watch_build_query(f.w, N, 0, NULL, 0);
	len = answer(buf, 0, 10, "veth0", 100);
	watch_parse(f.w, N, buf, len);
	watch_judge_notified(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_LINK_GONE);
	/* clsact: no XDP id says anything of a tc filter, nor asks its place */
	setup(&f, ATTACH_NETLINK, XDP_MODE_TC);
	watch_build_query(f.w, N, 0, NULL, 0);
	len = answer(buf, 0, 10, "veth0", 0);
	watch_parse(f.w, N, buf, len);
	CHECK(!f.wi[0].tc_news);
	watch_judge_notified(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_OK);
}

/* In a dispatcher, the interface carries the dispatcher, never our program:
 * a notified (or answered) id that is not ours is no loss by itself, but a
 * question to our slot's pins (attach_check). Here the interface does not
 * exist (a far ifindex), so the question says it is gone, not that someone
 * replaced our program with 555. */
static void test_a_dispatcher_swap_is_a_question_not_a_loss(void)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fixture f;
	int len;

	setup(&f, ATTACH_DISPATCHER, XDP_MODE_GENERIC);
	for (int i = 0; i < N; i++)
		f.att[i].ifindex = 0x7ffffff0 + i;
	watch_build_query(f.w, N, 0, NULL, 0);
	len = answer(buf, 0, 0x7ffffff0, "veth0", 555);
	watch_parse(f.w, N, buf, len);
	CHECK(f.wi[0].xdp_known && !f.wi[0].ours);
	watch_judge_notified(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_GONE);
	CHECK_EQ_INT(f.wi[0].now_id, 0);

	setup(&f, ATTACH_DISPATCHER, XDP_MODE_NATIVE);
	for (int i = 0; i < N; i++)
		f.att[i].ifindex = 0x7ffffff0 + i;
	watch_build_query(f.w, N, 1, NULL, 0);
	f.wi[0].asked = true;
	len = answer(buf, seq(1, 0), 0x7ffffff0, "veth0", 556);
	watch_parse_answers(f.w, N, 1, buf, len);
	watch_judge(&f.wi[0]);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_GONE);
}

/* A tc notification (filter, chain or qdisc) on an interface counted at
 * clsact makes its place asked; other interfaces and other kinds are not. */
static void test_tc_notifications_make_clsact_places_asked(void)
{
	static const int types[] = { RTM_DELTFILTER, RTM_NEWTFILTER, RTM_DELQDISC, RTM_DELCHAIN };
	char buf[512] __attribute__((aligned(8)));
	struct fixture f;

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		struct tcmsg *t = NLMSG_DATA(h);

		setup(&f, ATTACH_NETLINK, XDP_MODE_TC);
		f.att[2].mode = XDP_MODE_NATIVE; /* veth2: XDP through netlink */
		memset(buf, 0, sizeof(buf));
		h->nlmsg_len = NLMSG_LENGTH(sizeof(*t));
		h->nlmsg_type = (unsigned short)types[k];
		t->tcm_ifindex = 11;
		watch_parse(f.w, N, buf, (int)h->nlmsg_len);
		t->tcm_ifindex = 12;
		watch_parse(f.w, N, buf, (int)h->nlmsg_len);
		CHECK(!f.wi[0].tc_news);
		CHECK(f.wi[1].tc_news);
		CHECK(!f.wi[2].tc_news);
		/* counted both ways: XDP receive, a clsact egress filter, whose
		 * place the notification makes asked too */
		{
			struct attachment eg = f.att[2];

			eg.mode = XDP_MODE_TC;
			eg.egress = true;
			f.wi[2].tx_att = &eg;
			t->tcm_ifindex = 12;
			watch_parse(f.w, N, buf, (int)h->nlmsg_len);
			CHECK(f.wi[2].tc_news);
			f.wi[2].tx_att = NULL;
		}
		/* a cut message says nothing */
		setup(&f, ATTACH_NETLINK, XDP_MODE_TC);
		h->nlmsg_len = NLMSG_LENGTH(sizeof(*t)) - 4;
		t->tcm_ifindex = 10;
		watch_parse(f.w, N, buf, (int)NLMSG_LENGTH(sizeof(*t)));
		CHECK(!f.wi[0].tc_news);
	}
}

/* The kernel detaches a link before it announces the move or deletion that
 * detached it: a notification read later still names the cause, unless the
 * loss was reported already. */
static void test_a_late_notification_explains_a_detached_link(void)
{
	char buf[512] __attribute__((aligned(8)));
	struct msg m = { .buf = buf };
	struct fixture f;
	int nsid = 4, new_ifindex = 7;

	setup(&f, ATTACH_LINK, XDP_MODE_NATIVE);
	f.wi[0].fault = WATCH_LINK_GONE;
	f.wi[0].fault_new = true;
	f.wi[1].fault = WATCH_LINK_GONE; /* reported already */
	for (int i = 0; i < 2; i++) {
		begin_link(&m, 0, 10 + i);
		((struct nlmsghdr *)(buf + m.start))->nlmsg_type = RTM_DELLINK;
		put_name(&m, i ? "veth1" : "veth0");
		put_attr(&m, IFLA_NEW_NETNSID, &nsid, sizeof(nsid));
		put_attr(&m, IFLA_NEW_IFINDEX, &new_ifindex, sizeof(new_ifindex));
		end_msg(&m);
	}
	watch_parse(f.w, N, buf, m.len);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_MOVED);
	CHECK_EQ_INT(f.wi[0].new_nsid, 4);
	CHECK_EQ_INT(f.wi[0].new_ifindex, 7);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_LINK_GONE);
	CHECK_EQ_INT(f.wi[1].new_nsid, -1);
}

/* Kernels before 4.19 name one program and its mode; later ones name each
 * mode's program. */
static void test_xdp_ids_of_old_and_new_kernels(void)
{
	static const unsigned short one[] = { IFLA_XDP_PROG_ID };
	static const uint32_t id[] = { 42 };
	char buf[256] __attribute__((aligned(8)));
	struct nl_xdp_ids ids;

	for (int mode = XDP_ATTACHED_DRV; mode <= XDP_ATTACHED_HW; mode++) {
		struct msg m = { .buf = buf };
		struct rtattr *nest = put_attr(&m, IFLA_XDP, NULL, 0);
		uint8_t attached = (uint8_t)mode;

		put_attr(&m, IFLA_XDP_ATTACHED, &attached, 1);
		put_attr(&m, one[0], &id[0], sizeof(id[0]));
		nest->rta_len = (unsigned short)m.len;
		nl_xdp_ids(nest, &ids);
		CHECK_EQ_INT(ids.drv, mode == XDP_ATTACHED_DRV ? 42 : 0);
		CHECK_EQ_INT(ids.skb, mode == XDP_ATTACHED_SKB ? 42 : 0);
		CHECK_EQ_INT(ids.hw, mode == XDP_ATTACHED_HW ? 42 : 0);
	}
	{
		/* 4.19+: the single id is repeated beside the per-mode one */
		static const unsigned short t[] = { IFLA_XDP_SKB_PROG_ID, IFLA_XDP_PROG_ID };
		static const uint32_t v[] = { 7, 7 };
		struct msg m = { .buf = buf };
		struct rtattr *nest = put_attr(&m, IFLA_XDP, NULL, 0);

		for (int k = 0; k < 2; k++)
			put_attr(&m, t[k], &v[k], sizeof(v[k]));
		nest->rta_len = (unsigned short)m.len;
		nl_xdp_ids(nest, &ids);
		CHECK(ids.skb == 7 && ids.drv == 0 && ids.hw == 0);
	}
}

/* CTRL_CMD_NEWFAMILY: the family's id comes back; ENOENT is "missing". */
static void test_genl_family_answers(void)
{
	char buf[256] __attribute__((aligned(8)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	uint16_t fid = 26;
	int found = 0, result = -1, len;
	struct msg m = { .buf = buf };

	memset(buf, 0, sizeof(buf));
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_seq = 3;
	g->cmd = CTRL_CMD_NEWFAMILY;
	a->nla_type = CTRL_ATTR_FAMILY_ID;
	a->nla_len = NLA_HDRLEN + sizeof(fid);
	memcpy((char *)a + NLA_HDRLEN, &fid, sizeof(fid));
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	len = (int)NLMSG_ALIGN(h->nlmsg_len);
	CHECK_EQ_INT(genl_parse_reply(buf, len, 3, &found, &result), 0); /* more to come */
	CHECK_EQ_INT(found, 26);
	m.len = len;
	put_error(&m, 3, 0); /* the ACK ends it */
	CHECK_EQ_INT(genl_parse_reply(buf, m.len, 3, &found, &result), 1);
	CHECK_EQ_INT(result, 26);
	m.len = 0;
	found = 0;
	put_error(&m, 3, -ENOENT);
	CHECK_EQ_INT(genl_parse_reply(buf, m.len, 3, &found, &result), 1);
	CHECK_EQ_INT(result, 0);
}

/* Read from /proc/sys/net/core/rmem_max; -1 when unknown. */
static long rmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/core/rmem_max", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Churn (tests/stress/churn.sh) queues about 1 MB of link notifications in
 * one interval: the socket holds NLWATCH_RCVBUF, not rmem_default's 208 KiB
 * (the kernel doubles what it is given, for its bookkeeping). */
static void test_the_notification_socket_holds_an_interval_of_churn(void)
{
	int force = NLWATCH_RCVBUF, scratch, got = 0;
	socklen_t len = sizeof(got);
	bool forced;
	struct nlwatch w;
	long want, max = rmem_max();

	scratch = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (scratch < 0 || max < 0) {
		CHECK_SKIP_PART("no netlink socket or no rmem_max here");
		if (scratch >= 0)
			close(scratch);
		return;
	}
	/* beyond rmem_max only with CAP_NET_ADMIN */
	forced = setsockopt(scratch, SOL_SOCKET, SO_RCVBUFFORCE, &force, sizeof(force)) == 0;
	close(scratch);
	want = 2L * (forced || max > NLWATCH_RCVBUF ? NLWATCH_RCVBUF : max);
	CHECK_EQ_INT(nlwatch_open(&w), 0);
	CHECK(getsockopt(w.fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0);
	CHECK(got >= want);
	if (got < want)
		fprintf(stderr, "  notification buffer %d bytes, want %ld\n", got, want);
	nlwatch_close(&w);
}

/* A resync asks about every interface of a run, not the first WATCH_MAX:
 * one batch of RTM_GETLINK per WATCH_MAX of them, each answered (here by
 * the kernel: ifindexes that exist nowhere, so each answer is "no such
 * device"); none is left to be checked on its own. And a poll forgets the
 * last one's news of all of them, beyond WATCH_MAX too. */
#define MANY (2 * WATCH_MAX + 22)
static void test_a_resync_asks_about_every_interface_in_batches(void)
{
	static struct attachment att[MANY];
	static struct watch_iface wi[MANY];
	static struct watch_iface *w[MANY];
	static struct watch wt;
	int asked = 0, answered = 0, gone = 0, probe;

	probe = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (probe < 0) {
		CHECK_SKIP_PART("no netlink socket here");
		return;
	}
	close(probe);
	memset(wi, 0, sizeof(wi));
	for (int i = 0; i < MANY; i++) {
		att[i] = (struct attachment){ .ifindex = 0x7ff00000 + i, .kind = ATTACH_NETLINK,
					      .mode = XDP_MODE_NATIVE, .link_fd = -1,
					      .prog_id = 100 };
		wi[i].att = &att[i];
		wi[i].new_nsid = -1;
		snprintf(wi[i].name, sizeof(wi[i].name), "many%d", i);
		w[i] = &wi[i];
	}
	/* last poll's news, beyond WATCH_MAX: forgotten by the next */
	wi[MANY - 1].xdp_known = wi[MANY - 1].ours = true;
	watch_build_query(w, MANY, 0, NULL, 0);
	CHECK(!wi[MANY - 1].xdp_known && !wi[MANY - 1].ours);
	/* no notifications: every poll asks about all (the resync's path) */
	memset(&wt, 0, sizeof(wt));
	wt.nl.fd = wt.nl.qfd = -1;
	watch_poll(&wt, w, MANY);
	for (int i = 0; i < MANY; i++) {
		asked += wi[i].asked;
		answered += wi[i].answered && wi[i].answer_err == -ENODEV;
		gone += wi[i].fault == WATCH_GONE;
	}
	CHECK_EQ_INT(asked, MANY);
	CHECK_EQ_INT(answered, MANY);
	CHECK_EQ_INT(gone, MANY);
	/* three batches, three polls' sequence numbers */
	CHECK_EQ_INT(wt.gen, 3);
	watch_close(&wt);
}


/* A run that follows reads notifications between two polls (watch_drain,
 * woken by them): the news of another interface go to the run at once;
 * what they say of a watched one (someone else's program on veth1, veth2
 * deleted) stays on it, and the next poll judges it as if it had read it
 * itself (before, a poll began by forgetting it). The poll after that
 * forgets it as always. Any datagram socket stands in for the kernel's. */
static void test_news_read_between_polls_are_judged_by_the_next(void)
{
	char buf[4096] __attribute__((aligned(8)));
	static struct watch wt;
	uint32_t other = 777;
	struct fixture f;
	struct msg m;
	int sv[2], len;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		CHECK_SKIP_PART("no socketpair here");
		return;
	}
	setup(&f, ATTACH_NETLINK, XDP_MODE_NATIVE);
	memset(&wt, 0, sizeof(wt));
	wt.nl.fd = sv[0];
	wt.nl.qfd = -1;
	len = answer(buf, 0, 11, "veth1", other);
	len += answer(buf + len, 0, 50, "new0", 0);
	CHECK_EQ_INT((int)send(sv[1], buf, (size_t)len, 0), len);
	CHECK_EQ_INT(watch_fd(&wt), sv[0]);
	watch_drain(&wt, f.w, N);
	CHECK_EQ_INT(wt.news.n, 1);
	CHECK_EQ_STR(wt.news.link[0].name, "new0");
	CHECK(f.wi[1].xdp_known && !f.wi[1].ours);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_OK); /* judged by the poll, not here */
	/* a second drain keeps what the first read */
	m = (struct msg){ .buf = buf };
	begin_link(&m, 0, 12);
	((struct nlmsghdr *)buf)->nlmsg_type = RTM_DELLINK;
	put_name(&m, "veth2");
	end_msg(&m);
	CHECK_EQ_INT((int)send(sv[1], buf, (size_t)m.len, 0), m.len);
	watch_drain(&wt, f.w, N);
	CHECK(f.wi[1].xdp_known);
	CHECK_EQ_INT(f.wi[2].fault, WATCH_DELETED);
	/* the poll reads nothing more, and judges what the drains read */
	CHECK_EQ_INT(watch_poll(&wt, f.w, N), 2);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_OK);
	CHECK_EQ_INT(f.wi[1].fault, WATCH_PROG_GONE);
	CHECK_EQ_INT(f.wi[1].now_id, 777);
	/* the next poll forgets the last one's news, as before */
	f.wi[0].xdp_known = true;
	watch_poll(&wt, f.w, N);
	CHECK(!f.wi[0].xdp_known);
	CHECK_EQ_INT(f.wi[0].fault, WATCH_OK);
	close(sv[1]);
	watch_close(&wt);
}

int main(void)
{
	test_one_getlink_per_counting_interface();
	test_our_program_there_keeps_counting_and_a_new_name_is_news();
	test_someone_elses_program_or_none_is_a_loss();
	test_generic_and_multi_mode_ids_are_all_read();
	test_no_such_device_is_gone();
	test_answers_to_another_poll_or_interface_are_ignored();
	test_a_cut_answer_tells_what_it_holds();
	test_tc_hooks_are_judged_without_xdp_ids();
	test_notified_xdp_ids_judge_netlink_attachments();
	test_a_dispatcher_swap_is_a_question_not_a_loss();
	test_a_late_notification_explains_a_detached_link();
	test_tc_notifications_make_clsact_places_asked();
	test_xdp_ids_of_old_and_new_kernels();
	test_genl_family_answers();
	test_the_notification_socket_holds_an_interval_of_churn();
	test_a_resync_asks_about_every_interface_in_batches();
	test_news_read_between_polls_are_judged_by_the_next();
	CHECK_DONE();
}
