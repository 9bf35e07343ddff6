/* Ownership of netlink-attached programs that works without CAP_SYS_ADMIN.
 * While xdpcount counts through netlink, its program is pinned in bpffs at
 *   $XDPCOUNT_BPFFS/xdpcount/net<NETNS-INODE>_if<IFINDEX>_pid<PID>_<STARTTIME>
 * (then PIN_EGRESS for a tc egress filter, and PIN_QDISC, below)
 * (bpffs refuses names with dots)
 * ($XDPCOUNT_BPFFS defaults to /sys/fs/bpf). An attached program whose id is
 * the id of such a pin (for this namespace and interface) is ours; PID and
 * its start time (from /proc/PID/stat) tell whether the xdpcount that
 * attached it still runs. Reading a program's name by id (the other way to
 * recognise ours) needs CAP_SYS_ADMIN; pins need only CAP_BPF. This is the
 * read side, for the probe; loader/pin.h makes and removes pins. */
#ifndef XDPCOUNT_PROBE_PIN_H
#define XDPCOUNT_PROBE_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIN_PATH_LEN 256

struct pin_owner {
	uint32_t prog_id;
	int pid;                 /* the xdpcount that attached it */
	bool alive;              /* that process still runs */
	char path[PIN_PATH_LEN];
	/* from the name: */
	unsigned long long netns; /* the namespace's inode */
	int ifindex;
	bool here;               /* netns is this process's namespace */
	bool qdisc;              /* PIN_QDISC: that run created the clsact qdisc */
	bool egress;             /* PIN_EGRESS: a filter on tc egress (else XDP or ingress) */
};

/* The name's mark of a run that creates (created) the clsact qdisc: made
 * before the qdisc, so that a kill -9 at any moment after leaves a pin that
 * tells the qdisc is ours. */
#define PIN_QDISC "_qdisc"
/* The name's mark of a tc egress filter (--direction out|both), before
 * PIN_QDISC: one run pins an XDP (or tc ingress) program and a tc egress
 * filter of one interface side by side. */
#define PIN_EGRESS "_egress"


/* Our directory in bpffs (made if create); -EMEDIUMTYPE when no bpffs is
 * mounted there. */
int pin_dir(char *buf, size_t len, bool create);
/* The path of this process's pin for ifindex in this namespace, in dir;
 * with PIN_EGRESS if egress, and PIN_QDISC at the end if qdisc. */
int pin_name(const char *dir, int ifindex, bool egress, bool qdisc, char *path, size_t len);
/* Calls fn for each of our pins (o filled from its name, alive from /proc;
 * prog_id 0: not read); a non-zero return from fn ends the walk and is
 * returned. -ENOENT no directory, other -errno: could not look (no bpffs). */
typedef int (*pin_fn)(void *ctx, const struct pin_owner *o);
int pin_each(pin_fn fn, void *ctx);
/* Looks for the pin of prog_id on ifindex in this namespace. 0 found (o
 * filled), -ENOENT none, other -errno: could not look (no bpffs). */
int pin_find(int ifindex, uint32_t prog_id, struct pin_owner *o);
/* The pid of a live process other than us holding an fd of prog_id, found in
 * /proc/PID/fdinfo; 0 none found, -errno could not look everywhere. */
int pin_holder_scan(uint32_t prog_id);
/* Field 22 (start time) of a /proc/PID/stat text. 0, -ESRCH when its state
 * says it has ended (a zombie not yet reaped: its program fds are closed),
 * or -EIO. */
int pin_parse_stat_start(const char *stat_text, unsigned long long *t);
/* Is pid an xdpcount (by /proc/PID/comm)? */
bool pin_process_is_xdpcount(int pid);
/* The bpffs directory in use ($XDPCOUNT_BPFFS or /sys/fs/bpf). */
const char *pin_bpffs(void);

#endif
