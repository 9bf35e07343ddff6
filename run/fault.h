/* What happened to a watched interface, in the words of the run's lines and
 * failures: the fault (deleted, moved, replaced, detached) and the failure of
 * a program left behind where we cannot detach it. */
#ifndef XDPCOUNT_RUN_FAULT_H
#define XDPCOUNT_RUN_FAULT_H

#include <stddef.h>

struct watch_iface;
/* What happened to a watched interface, in words (no advice), e.g. "it was
 * deleted" or "it moved to the network namespace with nsid 3 (ifindex 7)". */
void fault_words(char *buf, size_t len, const struct watch_iface *w);
/* Records (fail()) that our netlink program stays on an interface that moved
 * away, naming where and the command that removes it. Returns -ENODEV. */
int fail_left_behind(const char *iface, const struct watch_iface *w, unsigned int prog_id);

#endif
