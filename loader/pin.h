/* Making and removing our bpffs pins (named and read by probe/pin.h). */
#ifndef XDPCOUNT_LOADER_PIN_H
#define XDPCOUNT_LOADER_PIN_H

#include <stddef.h>

#include "probe/pin.h"

/* Pins prog_fd for ifindex in this namespace; path receives the pin's path.
 * -errno when bpffs is missing (-EMEDIUMTYPE: no bpffs mounted there) or not
 * writable (the run goes on unpinned). */
int pin_add(int prog_fd, int ifindex, char *path, size_t len);
/* Removes a pin (idempotent). */
int pin_remove(const char *path);
/* An fd of the pinned program, or -errno. */
int pin_get(const char *path);

#endif
