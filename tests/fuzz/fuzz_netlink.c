/* libFuzzer: the netlink replies we parse ourselves: link notifications
 * (RTM_NEWLINK/DELLINK: renames, moves with IFLA_NEW_NETNSID), RTM_NEWNSID,
 * generic netlink family replies, and the answers to the per-poll RTM_GETLINK
 * question (cut ones too). The first byte picks the parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/watch.h"
#include "probe/internal.h"
#include "probe/netns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attachment att[3];
	struct watch_iface wi[3];
	struct watch_iface *w[3] = { &wi[0], &wi[1], &wi[2] };
	void *buf;
	int found = 0, result = 0;

	if (size < 1)
		return 0;
	buf = malloc(size); /* malloc'ed: aligned like a receive buffer */
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	memset(wi, 0, sizeof(wi));
	memset(att, 0, sizeof(att));
	for (int i = 0; i < 3; i++) {
		att[i].ifindex = i + 1;
		wi[i].att = &att[i];
		att[i].prog_id = 5;
		wi[i].new_nsid = -1;
		wi[i].asked = true;
		memcpy(wi[i].name, "eth0", 5);
	}
	switch (data[0] % 4) {
	case 0:
		watch_parse(w, 3, buf, (int)(size - 1));
		for (int i = 0; i < 3; i++)
			if (strnlen(wi[i].name, IF_NAMESIZE) >= IF_NAMESIZE)
				abort();
		break;
	case 1:
		netns_parse_nsid(buf, (int)(size - 1));
		break;
	case 2:
		genl_parse_reply(buf, (int)(size - 1), 7, &found, &result);
		break;
	case 3:
		watch_parse_answers(w, 3, data[0] >> 2, buf, (int)(size - 1));
		for (int i = 0; i < 3; i++)
			if (strnlen(wi[i].name, IF_NAMESIZE) >= IF_NAMESIZE ||
			    (wi[i].ours && !wi[i].xdp_known))
				abort();
		break;
	}
	free(buf);
	return 0;
}
