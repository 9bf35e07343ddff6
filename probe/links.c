#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "probe/links.h"
#include "probe/nl.h"

static void copy_attr(char *dst, size_t size, const struct rtattr *a)
{
	size_t plen = RTA_PAYLOAD(a);

	if (plen > 0 && plen <= size) {
		memcpy(dst, RTA_DATA(a), plen);
		dst[plen - 1] = '\0';
	}
}

static void link_kind(const struct rtattr *nest, struct probe_link *l)
{
	int len = (int)RTA_PAYLOAD(nest);

	for (const struct rtattr *a = RTA_DATA(nest); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) == IFLA_INFO_KIND)
			copy_attr(l->kind, sizeof(l->kind), a);
}

int probe_link_parse(const struct nlmsghdr *h, struct probe_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

	memset(l, 0, sizeof(*l));
	if (h->nlmsg_type != RTM_NEWLINK || len < 0)
		return -EINVAL;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type & NLA_TYPE_MASK) {
		case IFLA_IFNAME:
			copy_attr(l->name, sizeof(l->name), a);
			break;
		case IFLA_LINKINFO:
			link_kind(a, l);
			break;
		}
	}
	return l->name[0] && l->ifindex > 0 ? 0 : -EINVAL;
}

struct links {
	struct probe_link *v;
	int n, cap;
};

static int on_link(void *ctx, const struct nlmsghdr *h)
{
	struct links *ls = ctx;
	struct probe_link l;

	if (probe_link_parse(h, &l))
		return 0;
	if (ls->n == ls->cap) {
		int cap = ls->cap ? ls->cap * 2 : 64;
		struct probe_link *v = realloc(ls->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	ls->v[ls->n++] = l;
	return 0;
}

int probe_links(struct probe_link **out, int *n)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		struct rtattr a;
		__u32 ext_mask;
	} req;
	struct links ls = { 0 };
	struct nl_answer answer = { .fn = on_link, .ctx = &ls };
	int err;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	req.a.rta_type = IFLA_EXT_MASK;
	req.a.rta_len = RTA_LENGTH(sizeof(req.ext_mask));
	req.ext_mask = RTEXT_FILTER_SKIP_STATS;
	err = nl_request(NETLINK_ROUTE, &req, sizeof(req), &answer);
	if (err) {
		free(ls.v);
		return err;
	}
	*out = ls.v;
	*n = ls.n;
	return 0;
}
