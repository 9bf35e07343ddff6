/* probe/fdinfo: who holds which BPF object, from /proc/PID/fdinfo: the one
 * scan of every process's fds (xdpcount status, the holder of a pin). */
#ifndef XDPCOUNT_PROBE_FDINFO_H
#define XDPCOUNT_PROBE_FDINFO_H

#include <stdbool.h>

/* One open fd of process pid, its fdinfo text: nonzero stops the scan. */
typedef int (*fdinfo_fn)(void *ctx, int pid, const char *text);
/* A process whose fdinfo could not be opened, and why (errno: ENOENT it is
 * gone, EACCES/EPERM not ours to look into). */
typedef void (*fdinfo_closed_fn)(void *ctx, int pid, int err);

/* Calls fn for every open fd of every process (but this one, if skip_self),
 * and closed (may be NULL) for each process it cannot look into. Returns
 * what stopped the scan (fn's nonzero value), 0 at its end, or -errno when
 * /proc cannot be read. */
int fdinfo_each(bool skip_self, fdinfo_fn fn, fdinfo_closed_fn closed, void *ctx);
/* The number after "key:" in an fdinfo text ("prog_id", "link_id"), 0 if
 * the text has none. */
unsigned long fdinfo_value(const char *text, const char *key);

#endif
