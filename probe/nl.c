#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "probe/nl.h"

#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

/* Copies the NLMSGERR_ATTR_MSG of an error message into a->extack. */
static void keep_extack(const struct nl_answer *a, const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	const char *end = (const char *)nh + nh->nlmsg_len;
	const char *p = (const char *)e + sizeof(*e);
	const struct nlattr *at;

	if (!a->extack || !(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		p += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	while (p + NLA_HDRLEN <= end) {
		at = (const struct nlattr *)p;
		if (at->nla_len < NLA_HDRLEN || p + at->nla_len > end)
			break;
		if ((at->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(a->extack, a->extack_len, "%.*s", (int)(at->nla_len - NLA_HDRLEN),
				 p + NLA_HDRLEN);
			return;
		}
		p += NLA_ALIGN(at->nla_len);
	}
}

int nl_parse(struct nl_answer *a, const void *buf, int len, unsigned int seq, int *result)
{
	for (const struct nlmsghdr *nh = buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq)
			continue;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				*result = -EIO;
			} else {
				*result = e->error ? e->error : a->fn_err;
				if (e->error)
					keep_extack(a, nh);
			}
			return 1;
		}
		if (nh->nlmsg_type == NLMSG_DONE) {
			*result = a->fn_err;
			return 1;
		}
		if (a->fn && !a->fn_err) {
			int err = a->fn(a->ctx, nh);

			if (err && !a->fn_err)
				a->fn_err = err;
		}
	}
	return 0;
}

int nl_wait(int fd, unsigned int seq, struct nl_answer *a)
{
	union {
		struct nlmsghdr nh;
		char buf[16384];
	} ans;
	int result = 0;

	if (a->extack && a->extack_len)
		a->extack[0] = '\0';
	a->fn_err = 0;
	for (;;) {
		ssize_t n = recv(fd, ans.buf, sizeof(ans.buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		if (nl_parse(a, ans.buf, (int)n, seq, &result))
			return result;
	}
}

int nl_request(int protocol, void *req, size_t len, struct nl_answer *a)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 2 };
	const struct nlmsghdr *nh = req;
	int one = 1, fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		return -errno;
	/* Never hang, whatever the environment. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (a->extack) {
		/* Both are optional: old kernels simply give no extack. */
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	}
	if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = -errno;
	else
		ret = nl_wait(fd, nh->nlmsg_seq, a);
	close(fd);
	return ret;
}

void *nl_msg_init(struct nl_msg *m, __u16 type, __u16 flags, size_t hdr_len)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = NLMSG_LENGTH(hdr_len);
	m->nh.nlmsg_type = type;
	m->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	m->nh.nlmsg_seq = 1;
	return NLMSG_DATA(&m->nh);
}

void *nl_msg_put(struct nl_msg *m, const void *data, unsigned int len)
{
	unsigned int off = NLMSG_ALIGN(m->nh.nlmsg_len);
	void *p;

	if (off + NLMSG_ALIGN(len) > sizeof(m->buf)) {
		m->overflow = 1;
		return NULL;
	}
	p = m->buf + off;
	memset(p, 0, NLMSG_ALIGN(len));
	if (data)
		memcpy(p, data, len);
	m->nh.nlmsg_len = off + len;
	return p;
}

void nl_msg_attr(struct nl_msg *m, unsigned short type, const void *data, unsigned int len)
{
	struct nlattr *a = nl_msg_put(m, NULL, NLA_HDRLEN + len);

	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (__u16)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

void nl_msg_attr_str(struct nl_msg *m, unsigned short type, const char *s)
{
	nl_msg_attr(m, type, s, (unsigned int)strlen(s) + 1);
}

void nl_msg_nest_begin(struct nl_msg *m, unsigned short type)
{
	struct nlattr *a;

	if (m->depth >= NL_MSG_MAX_NEST) {
		m->overflow = 1;
		return;
	}
	a = nl_msg_put(m, NULL, NLA_HDRLEN);
	if (!a)
		return;
	a->nla_type = type | NLA_F_NESTED;
	m->nest[m->depth++] = (unsigned int)((char *)a - m->buf);
}

void nl_msg_nest_end(struct nl_msg *m)
{
	struct nlattr *a;

	if (!m->depth || m->overflow)
		return;
	a = (struct nlattr *)(m->buf + m->nest[--m->depth]);
	a->nla_len = (unsigned short)(m->buf + NLMSG_ALIGN(m->nh.nlmsg_len) - (char *)a);
}

static bool nl_msg_whole(const struct nl_msg *m)
{
	return !m->overflow && !m->depth;
}

int nl_msg_request(int protocol, struct nl_msg *m, struct nl_answer *a)
{
	if (!nl_msg_whole(m))
		return -EMSGSIZE;
	return nl_request(protocol, m->buf, m->nh.nlmsg_len, a);
}

int nl_msg_send(int fd, struct nl_msg *m, struct nl_answer *a)
{
	if (!nl_msg_whole(m))
		return -EMSGSIZE;
	if (send(fd, m->buf, m->nh.nlmsg_len, 0) < 0)
		return -errno;
	return nl_wait(fd, m->nh.nlmsg_seq, a);
}

void nl_xdp_ids(const struct rtattr *nest, struct nl_xdp_ids *ids)
{
	int len = (int)RTA_PAYLOAD(nest);
	__u32 one = 0;
	__u8 mode = XDP_ATTACHED_NONE;

	memset(ids, 0, sizeof(*ids));
	for (const struct rtattr *a = RTA_DATA(nest); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned short type = a->rta_type & NLA_TYPE_MASK;
		__u32 v;

		if (type == IFLA_XDP_ATTACHED && RTA_PAYLOAD(a) >= 1) {
			memcpy(&mode, RTA_DATA(a), 1);
			continue;
		}
		if (RTA_PAYLOAD(a) < sizeof(v))
			continue;
		memcpy(&v, RTA_DATA(a), sizeof(v));
		if (type == IFLA_XDP_PROG_ID)
			one = v;
		else if (type == IFLA_XDP_DRV_PROG_ID)
			ids->drv = v;
		else if (type == IFLA_XDP_SKB_PROG_ID)
			ids->skb = v;
		else if (type == IFLA_XDP_HW_PROG_ID)
			ids->hw = v;
	}
	if (one && !ids->drv && !ids->skb && !ids->hw) {
		if (mode == XDP_ATTACHED_SKB)
			ids->skb = one;
		else if (mode == XDP_ATTACHED_HW)
			ids->hw = one;
		else
			ids->drv = one;
	}
}

struct link_answer {
	int ifindex;
	struct nl_xdp_ids ids;
};

/* The RTM_NEWLINK answer: its IFLA_XDP nest (absent before 4.8: no ids). */
static int link_seen(void *ctx, const struct nlmsghdr *nh)
{
	struct link_answer *la = ctx;
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

	if (nh->nlmsg_type != RTM_NEWLINK || len < 0 || ifi->ifi_index != la->ifindex)
		return 0;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) == IFLA_XDP)
			nl_xdp_ids(a, &la->ids);
	return 0;
}

void nl_link_req(struct nl_link_req *r, int ifindex, __u32 seq, __u16 flags)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = sizeof(*r);
	r->h.nlmsg_type = RTM_GETLINK;
	r->h.nlmsg_flags = flags;
	r->h.nlmsg_seq = seq;
	r->ifi.ifi_family = AF_UNSPEC;
	r->ifi.ifi_index = ifindex;
	r->a.rta_type = IFLA_EXT_MASK;
	r->a.rta_len = RTA_LENGTH(sizeof(r->ext_mask));
	r->ext_mask = RTEXT_FILTER_SKIP_STATS; /* older kernels ignore it */
}

int nl_link_xdp_ids(int ifindex, struct nl_xdp_ids *ids)
{
	struct nl_link_req req;
	struct link_answer la = { .ifindex = ifindex };
	struct nl_answer answer = { .fn = link_seen, .ctx = &la };
	int err;

	nl_link_req(&req, ifindex, 1, NLM_F_REQUEST | NLM_F_ACK);
	err = nl_request(NETLINK_ROUTE, &req, sizeof(req), &answer);
	*ids = la.ids;
	return err;
}
