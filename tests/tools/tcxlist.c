/* tcxlist [--egress] IFACE: prints the programs attached to IFACE's tcx
 * ingress (or egress), one "ID NAME" line each, first in line first;
 * nothing when there are none.
 * Exit 0, or 1 with a message (no tcx in this kernel: 6.6+). A test tool for
 * the integration suite, independent of xdpcount's own probes. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "probe/probe.h"

int main(int argc, char **argv)
{
	__u32 ids[64];
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = 64);
	int egress = argc == 3 && strcmp(argv[1], "--egress") == 0;
	unsigned int ifindex;

	if (egress) {
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tcxlist [--egress] IFACE\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "tcxlist: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (bpf_prog_query_opts((int)ifindex, egress ? XDPC_BPF_TCX_EGRESS : XDPC_BPF_TCX_INGRESS,
				&q)) {
		fprintf(stderr, "tcxlist: %s: BPF_PROG_QUERY tcx %s: %s\n", argv[1],
			egress ? "egress" : "ingress", strerror(errno));
		return 1;
	}
	for (__u32 i = 0; i < q.count && i < 64; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(ids[i]);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_prog_get_info_by_fd(fd, &info, &len) == 0)
			printf("%u %s\n", ids[i], info.name);
		else
			printf("%u ?\n", ids[i]);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
