#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "log/log.h"

static int current_level = LOG_NORMAL;
static char *kernel_message; /* the caller's buffer, or NULL */
static size_t kernel_message_len;

void log_set_level(int level)
{
	current_level = level;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void keep_kernel_message(const char *fmt, va_list ap)
{
	static const char tag[] = "Kernel error message: ";
	char line[512];
	const char *p;
	size_t n;

	if (!kernel_message)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	p = strstr(line, tag);
	if (!p)
		return;
	p += sizeof(tag) - 1;
	n = strcspn(p, "\n");
	if (n >= kernel_message_len)
		n = kernel_message_len - 1;
	memcpy(kernel_message, p, n);
	kernel_message[n] = '\0';
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int want = level == LIBBPF_WARN ? LOG_VERBOSE : level == LIBBPF_INFO ? LOG_DEBUG : LOG_DEBUG + 1;
	va_list copy;

	va_copy(copy, ap);
	keep_kernel_message(fmt, copy);
	va_end(copy);
	if (want > current_level)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

void log_kernel_message_to(char *buf, size_t len)
{
	kernel_message = len ? buf : NULL;
	kernel_message_len = len;
	if (kernel_message)
		kernel_message[0] = '\0';
}
