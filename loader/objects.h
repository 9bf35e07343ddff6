/* The embedded BPF object pair and the choice between them. */
#ifndef XDPCOUNT_OBJECTS_H
#define XDPCOUNT_OBJECTS_H

#include <stddef.h>

#include "probe/probe.h" /* enum byte_order, host_byte_order() */

struct embedded_object {
	enum byte_order order; /* what the build says it is */
	const unsigned char *data;
	size_t size;
	const char *sha256; /* hex, computed at build time */
};

#define EMBEDDED_OBJECTS 2

/* Object i (0: little, 1: big). */
const struct embedded_object *embedded_object(int i);

/* Checks an ELF header: a 64-bit relocatable eBPF object in the expected
 * byte order. Returns 0 or -ENOEXEC. */
int object_check(const unsigned char *data, size_t size, enum byte_order want);

/* The embedded object whose EI_DATA matches this host. Returns 0, or
 * -ENOEXEC when neither matches. */
int object_select(const struct embedded_object **out);

/* The embedded libxdp dispatchers (bpf/dispatcher.bpf.c, loaded where
 * xdpcount creates one): protocol versions 2 and 3, each in both byte
 * orders, in that order (2 little, 2 big, 3 little, 3 big). */
struct embedded_dispatcher {
	unsigned int version;
	struct embedded_object obj;
};

#define EMBEDDED_DISPATCHERS 4

/* Dispatcher object i, NULL past the last. */
const struct embedded_dispatcher *embedded_dispatcher(int i);

/* The embedded libxdp dispatcher of protocol version (2, 3) in this host's
 * byte order. 0, or -ENOEXEC for another version or an object that does not
 * check. */
int object_dispatcher(unsigned int version, const unsigned char **data, size_t *size);

#endif
