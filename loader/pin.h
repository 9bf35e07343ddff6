/* Making and removing our bpffs pins (named and read by probe/pin.h). */
#ifndef XDPCOUNT_LOADER_PIN_H
#define XDPCOUNT_LOADER_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/pin.h"

/* Pins prog_fd for ifindex in this namespace (marked PIN_EGRESS if egress,
 * PIN_QDISC if qdisc); path receives the pin's path. -errno when bpffs is
 * missing (-EMEDIUMTYPE: no bpffs mounted there) or not writable (the run
 * goes on unpinned). */
int pin_add(int prog_fd, int ifindex, bool egress, bool qdisc, char *path, size_t len);
/* Gives the pin at path the PIN_QDISC mark (qdisc) or drops it (renamed;
 * path follows). 0 also when it is as asked already. */
int pin_mark(char *path, size_t len, bool qdisc);
/* Removes a pin (idempotent). */
int pin_remove(const char *path);
/* An fd of the pinned program, or -errno. */
int pin_get(const char *path);
/* pin_sweep(), the removal of dead runs' pins, is loader/attach.h's. */

#endif
