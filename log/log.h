/* Levelled logging to stderr: quiet by default, -v, -vv. libbpf's own
 * messages are routed through here. */
#ifndef XDPCOUNT_LOG_H
#define XDPCOUNT_LOG_H

#include <stddef.h>

enum log_level { LOG_QUIET = -1, LOG_NORMAL = 0, LOG_VERBOSE = 1, LOG_DEBUG = 2 };

void log_set_level(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Installs the libbpf print callback. */
void log_route_libbpf(void);
/* Until the next call, the "Kernel error message" (netlink extack) that
 * libbpf reports is copied into buf (len bytes, "" if none); the loader
 * points it at its result struct around an attach. (NULL, 0) stops it. */
void log_kernel_message_to(char *buf, size_t len);

#endif
