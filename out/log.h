/* Levelled logging to stderr: quiet by default, -v, -vv. libbpf's own
 * messages are routed through here. */
#ifndef XDPCOUNT_LOG_H
#define XDPCOUNT_LOG_H

enum log_level { LOG_QUIET = -1, LOG_NORMAL = 0, LOG_VERBOSE = 1, LOG_DEBUG = 2 };

void log_set_level(int level);
int log_level(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Installs the libbpf print callback. It also keeps the last "Kernel error
 * message" (netlink extack) that libbpf reported. */
void log_route_libbpf(void);
/* The last kernel extack message since log_kernel_message_clear(), or NULL. */
const char *log_kernel_message(void);
void log_kernel_message_clear(void);

#endif
