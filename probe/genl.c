/* Generic netlink: does a family exist (one CTRL_CMD_GETFAMILY request), and
 * the netdev family's xdp-features of one interface (NETDEV_CMD_DEV_GET). The
 * first tells "the netdev family (6.3+, d3d854fd6a1d "netdev-genl: create a
 * simple family for netdev stuff") is missing" from "the driver reports no
 * XDP features". One socket per request, no dump, nothing of libbpf's. */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "probe/internal.h"
#include "probe/nl.h"

/* include/uapi/linux/netdev.h (6.3+), which older UAPI headers lack; the
 * values are ABI. */
#define XDPC_NETDEV_FAMILY_VERSION 1
#define XDPC_NETDEV_CMD_DEV_GET 1
#define XDPC_NETDEV_A_DEV_IFINDEX 1
#define XDPC_NETDEV_A_DEV_XDP_FEATURES 3

/* The attributes after a genl message's header: the first of this type of
 * at least size bytes, or NULL. */
static const struct nlattr *genl_attr(const struct nlmsghdr *nh, unsigned short type, size_t size)
{
	const char *p = (const char *)NLMSG_DATA(nh) + GENL_HDRLEN;
	const char *end = (const char *)nh + nh->nlmsg_len;

	if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NULL;
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type && (size_t)(a->nla_len - NLA_HDRLEN) >= size)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* A CTRL_CMD_NEWFAMILY answer: the family exists, with this id. */
static int family_seen(void *ctx, const struct nlmsghdr *nh)
{
	const struct nlattr *a = genl_attr(nh, CTRL_ATTR_FAMILY_ID, sizeof(__u16));
	__u16 id;

	if (nh->nlmsg_type != GENL_ID_CTRL || !a)
		return 0;
	memcpy(&id, (const char *)a + NLA_HDRLEN, sizeof(id));
	*(int *)ctx = id;
	return 0;
}

/* The answer's end: the id, 0 missing (ENOENT), or the kernel's -errno. */
static int family_result(int ret, int id)
{
	return ret == -ENOENT ? 0 : ret < 0 ? ret : id;
}

int genl_parse_reply(const void *buf, int len, __u32 seq, int *found, int *result)
{
	struct nl_answer a = { .fn = family_seen, .ctx = found };
	int ret;

	if (!nl_parse(&a, buf, len, seq, &ret))
		return 0;
	*result = family_result(ret, *found);
	return 1;
}

/* Sends a request of type with one attribute (data, size bytes). */
static int genl_request(__u16 type, __u8 cmd, __u8 version, unsigned short attr,
			const void *data, size_t size, struct nl_answer *answer)
{
	struct nl_msg m;
	struct genlmsghdr *gh = nl_msg_init(&m, type, 0, GENL_HDRLEN);

	gh->cmd = cmd;
	gh->version = version;
	nl_msg_attr(&m, attr, data, (unsigned int)size);
	return nl_msg_request(NETLINK_GENERIC, &m, answer);
}

int genl_family_id(const char *name)
{
	int id = 0, ret;
	struct nl_answer answer = { .fn = family_seen, .ctx = &id };

	ret = genl_request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, CTRL_ATTR_FAMILY_NAME, name,
			   strlen(name) + 1, &answer);
	return family_result(ret, id);
}

struct features_ctx {
	__u64 features;
	int seen;
};

static int features_seen(void *ctx, const struct nlmsghdr *nh)
{
	const struct nlattr *a = genl_attr(nh, XDPC_NETDEV_A_DEV_XDP_FEATURES, sizeof(__u64));
	struct features_ctx *f = ctx;

	if (a) {
		memcpy(&f->features, (const char *)a + NLA_HDRLEN, sizeof(f->features));
		f->seen = 1;
	}
	return 0;
}

int genl_xdp_features(int family, int ifindex, __u64 *features)
{
	__u32 idx = (__u32)ifindex;
	struct features_ctx f = { 0 };
	struct nl_answer answer = { .fn = features_seen, .ctx = &f };
	int ret;

	ret = genl_request((__u16)family, XDPC_NETDEV_CMD_DEV_GET, XDPC_NETDEV_FAMILY_VERSION,
			   XDPC_NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx), &answer);
	if (ret)
		return ret;
	if (!f.seen)
		return -ENODATA;
	*features = f.features;
	return 0;
}
