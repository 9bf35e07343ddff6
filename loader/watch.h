/* Watching what we count while the counter runs: is the interface still in
 * this namespace, under which name, and is our program still on it? rtnetlink
 * link notifications tell a move to another namespace (with that namespace's
 * id) from a deletion and report renames; a cheap check on every poll catches
 * what notifications miss (a full socket buffer, a detach by someone else). */
#ifndef XDPCOUNT_WATCH_H
#define XDPCOUNT_WATCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/attach.h"

enum watch_fault {
	WATCH_OK,
	WATCH_DELETED,   /* the interface was deleted (with it, our program) */
	WATCH_MOVED,     /* it moved to another network namespace */
	WATCH_GONE,      /* it left this namespace; no notification said how */
	WATCH_PROG_GONE, /* netlink: our program is no longer on it */
	WATCH_LINK_GONE, /* link: our bpf_link was detached */
};

struct watch_iface {
	const struct attachment *att;
	char name[IF_NAMESIZE];  /* the current name */
	char old_name[IF_NAMESIZE];
	bool renamed;            /* news: name changed (old_name holds the previous one) */
	bool fault_new;          /* news: fault is set for the first time */
	enum watch_fault fault;  /* sticky once set */
	int new_nsid;            /* WATCH_MOVED: the namespace id seen from here, -1 unknown */
	int new_ifindex;         /* WATCH_MOVED: its ifindex there, 0 unknown */
	uint32_t now_id;         /* WATCH_PROG_GONE: the program on it now, 0 none */
};

struct watch {
	int fd; /* rtnetlink socket subscribed to link events, -1 without */
};

/* Subscribes to link notifications. Never fails: without a socket (-errno
 * returned, fd -1) the cheap checks still run. */
int watch_open(struct watch *w);
void watch_close(struct watch *w);
/* Reads the pending notifications, then checks every interface that has no
 * fault yet. Sets the news flags (the caller clears them) and returns the
 * number of interfaces with news. */
int watch_poll(struct watch *w, struct watch_iface *wi, int n);
/* The name under /run/netns (ip netns) of the namespace with this nsid as seen
 * from here. 0, or -ENOENT when it has none. */
int watch_netns_name(int nsid, char *name, size_t len);
/* Applies the link notifications in buf (len bytes) to wi (for fuzzing too). */
void watch_parse(struct watch_iface *wi, int n, const void *buf, int len);
/* The nsid in an RTM_NEWNSID reply, or -errno. */
int watch_parse_nsid(const void *buf, int len);
/* Names of the faults for JSON ("deleted", "moved", ...). */
const char *watch_fault_name(enum watch_fault f);

#endif
