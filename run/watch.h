/* Watching what we count while the counter runs: is the interface still in
 * this namespace, under which name, and is our program still on it? This
 * file judges; the sockets are probe/nlwatch.h's, the nsid's name
 * probe/netns.h's.
 *
 * rtnetlink link notifications, read once per poll (one recv), tell a move to
 * another namespace (with that namespace's id) from a deletion, report
 * renames, and carry the XDP program ids whenever a netlink attach or detach
 * changes them. The kernel announces nothing when a bpf_link is detached, so
 * each poll asks each of our links (XDP or tcx) whether it still holds its
 * device: one cheap bpf(BPF_OBJ_GET_INFO_BY_FD) per link.
 *
 * A clsact filter has neither: the watch also follows the tc notifications
 * (RTNLGRP_TC, joined at the first clsact attachment), and any filter or
 * qdisc change on one of those interfaces makes the poll ask our place there
 * exactly (one RTM_GETTFILTER, attach_check), as does the first poll after
 * the attachment and every resync. Without those notifications, every poll
 * asks.
 *
 * When notifications were lost (a full socket buffer) or cannot be had, the
 * poll asks the kernel about all our interfaces instead, WATCH_MAX at a
 * time: one send carrying one RTM_GETLINK per interface and one recvmmsg for
 * all the answers, each with the interface's name and its XDP program ids.
 * That is two syscalls for 1 interface or 64 (32 for 1024), but about 11 us
 * of kernel time per interface (it builds each one's whole description), so
 * it is the resync, not the routine. An interface whose answer did not come
 * is checked on its own (attach_check). */
#ifndef XDPCOUNT_WATCH_H
#define XDPCOUNT_WATCH_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/attach.h"
#include "probe/links.h"
#include "probe/nlwatch.h"

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
	/* The interface's tc egress attachment when it is counted both ways
	 * (att is then the receive side's), NULL otherwise: its link, or its
	 * clsact place, is watched with the interface; tx_fault says a
	 * PROG_GONE or LINK_GONE fault was its. */
	const struct attachment *tx_att;
	bool tx_fault;
	char name[IF_NAMESIZE];  /* the current name */
	char old_name[IF_NAMESIZE];
	bool renamed;            /* news: name changed (old_name holds the previous one) */
	bool fault_new;          /* news: fault is set for the first time */
	enum watch_fault fault;  /* sticky once set */
	int new_nsid;            /* WATCH_MOVED: the namespace id seen from here, -1 unknown */
	int new_ifindex;         /* WATCH_MOVED: its ifindex there, 0 unknown */
	uint32_t now_id;         /* WATCH_PROG_GONE: the program on it now, 0 none */
	/* This poll's news of the XDP programs on it, reset at each poll: from
	 * the last notification that carried them, or from the answer to the
	 * resync question (watch_parse_answers). */
	bool asked, answered;    /* a question went out / its answer came */
	int answer_err;          /* the kernel's -errno for it, 0 */
	bool xdp_known;          /* the XDP program ids came */
	bool ours;               /* our program id is among them */
	uint32_t other_id;       /* a program id on it that is not ours, 0 none */
	/* clsact: a tc notification (or the first poll, or a resync) says
	 * our place there needs asking; reset when asked. */
	bool tc_news;
};

#define WATCH_MAX NLWATCH_MAX_REQ /* interfaces (PROBE_MAX_IFACES) */

/* The interfaces the watch does not follow that appeared, changed or were
 * renamed since the caller last emptied this (n = 0, overflow = false):
 * their latest RTM_NEWLINK each. overflow: more than WATCH_NEWS, or lost
 * notifications; the caller lists the interfaces itself. */
#define WATCH_NEWS 256
struct watch_news {
	int n;
	bool overflow;
	struct probe_link link[WATCH_NEWS];
};

struct watch {
	struct watch_news news;
	struct nlwatch nl; /* notifications (nl.fd) and the question (nl.qfd) */
	uint32_t gen; /* poll number, in the question's sequence numbers */
	bool resync;  /* notifications were lost: ask about every interface */
	bool tc_joined;   /* nl.fd follows the tc notifications too */
	bool tc_unfollowed; /* a clsact attachment without them: ask each poll */
	/* Notifications were read since the last poll (watch_drain): the
	 * interfaces' poll state was reset then and holds what they said,
	 * which the next poll judges with its own. */
	bool drained;
};

/* Subscribes to link notifications; without them (-errno returned), opens
 * the question socket with its buffers now rather than at the first resync.
 * Never fails: without either, each interface is checked on its own. */
int watch_open(struct watch *w);
void watch_close(struct watch *w);
/* Watches wi (whose att, and tx_att if any, are set) from the next poll on;
 * a clsact attachment joins the tc notifications. */
void watch_add(struct watch *w, struct watch_iface *wi);
/* Reads the pending notifications, then checks every interface that has no
 * fault yet (its link, or all of them at once after lost notifications).
 * Sets the news flags (the caller clears them) and returns the number of
 * interfaces with news. */
int watch_poll(struct watch *w, struct watch_iface *const *wi, int n);
/* Reads the pending notifications between two polls (a run that follows,
 * woken by them): what they say of other interfaces goes to w->news at once;
 * what they say of wi (renames, deletions, the XDP program ids) stays on
 * them for the next watch_poll, which judges it with what it reads itself,
 * as if it had read it all. Lost ones set the resync and news.overflow, as
 * in a poll. */
void watch_drain(struct watch *w, struct watch_iface *const *wi, int n);
/* The notification socket, for a sleep that ends when news come; -1
 * without. */
int watch_fd(const struct watch *w);
/* Applies the link and tc notifications in buf (len bytes) to wi (for
 * fuzzing too). */
void watch_parse(struct watch_iface *const *wi, int n, const void *buf, int len);
/* Builds the question of poll gen into buf (room for WATCH_MAX requests):
 * one RTM_GETLINK for each of the first WATCH_MAX interfaces that still
 * counts; marks them asked, and resets the answer state of all n (NULL, 0:
 * only that). Returns its length in bytes (0: nothing to ask). */
int watch_build_query(struct watch_iface *const *wi, int n, uint32_t gen, void *buf, size_t size);
/* Applies one datagram of answers to the question of poll gen (renames
 * included); answers to other polls are ignored. */
void watch_parse_answers(struct watch_iface *const *wi, int n, uint32_t gen, const void *buf, int len);
/* Decides, from this poll's answer, whether interface w still counts, and
 * checks it on its own where the answer cannot tell. */
void watch_judge(struct watch_iface *w);
/* Decides from this poll's notifications (netlink attach: the program ids
 * they carried) and, for a link, from the link itself. */
void watch_judge_notified(struct watch_iface *w);
/* The faults' names for JSON ("deleted", "moved", ...): an enum table
 * (enum_name(), plan/plan.h). */
extern const struct enum_name watch_fault_names[];

#endif
