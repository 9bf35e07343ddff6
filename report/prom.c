#include <stdarg.h>
#include <stdio.h>

#include "report/prom.h"

/* A bounded appender: counts what it would write, writes what fits. */
struct sink {
	char *buf;
	size_t cap, len;
};

static void put(struct sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sink *k, const char *fmt, ...)
{
	size_t room = k->len < k->cap ? k->cap - k->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? k->buf + k->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		k->len += (size_t)n;
}

/* A label value: backslash, double quote and newline are escaped. */
static void put_label(struct sink *k, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '\\')
			put(k, "\\\\");
		else if (*p == '"')
			put(k, "\\\"");
		else if (*p == '\n')
			put(k, "\\n");
		else
			put(k, "%c", *p);
	}
}

static void put_family(struct sink *k, const char *name, const char *type, const char *help)
{
	put(k, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *const state_names[] = {
	[PROM_STATE_PENDING] = "pending",
	[PROM_STATE_NATIVE] = "native",
	[PROM_STATE_GENERIC] = "generic",
	[PROM_STATE_REFUSED] = "refused",
	[PROM_STATE_TC] = "tc",
};

const char *prom_state_name(enum prom_state st)
{
	return (unsigned int)st < sizeof(state_names) / sizeof(state_names[0]) ? state_names[st]
									       : "pending";
}

static bool counting(const struct prom_iface *i)
{
	return i->state == PROM_STATE_NATIVE || i->state == PROM_STATE_GENERIC ||
	       i->state == PROM_STATE_TC;
}

static void put_counter(struct sink *k, const struct prom_snapshot *s, const char *name,
			bool bytes)
{
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		const struct prom_iface *f = &s->ifaces[i];

		if (!counting(f))
			continue;
		put(k, "%s{interface=\"", name);
		put_label(k, f->name);
		put(k, "\",mode=\"%s\"} %llu\n", prom_state_name(f->state),
		    (unsigned long long)(bytes ? f->bytes : f->packets));
	}
}

size_t prom_render(char *buf, size_t cap, const struct prom_snapshot *s)
{
	static const enum prom_state shown[] = { PROM_STATE_NATIVE, PROM_STATE_GENERIC,
						 PROM_STATE_TC, PROM_STATE_REFUSED };
	struct sink k = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	put_family(&k, "xdpcount_packets_total", "counter",
		   "Packets seen by the XDP counter on an interface since it was attached.");
	put_counter(&k, s, "xdpcount_packets_total", false);
	put_family(&k, "xdpcount_bytes_total", "counter",
		   "Bytes seen by the XDP counter on an interface since it was attached.");
	put_counter(&k, s, "xdpcount_bytes_total", true);

	put_family(&k, "xdpcount_attach_state", "gauge",
		   "1 for the state the interface is in (native, generic, tc, or refused), 0 for the others.");
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		for (unsigned int j = 0; j < sizeof(shown) / sizeof(shown[0]); j++) {
			put(&k, "xdpcount_attach_state{interface=\"");
			put_label(&k, s->ifaces[i].name);
			put(&k, "\",state=\"%s\"} %d\n", prom_state_name(shown[j]),
			    s->ifaces[i].state == shown[j]);
		}
	}

	put_family(&k, "xdpcount_build_info", "gauge",
		   "Always 1; the labels say which xdpcount build runs.");
	put(&k, "xdpcount_build_info{version=\"");
	put_label(&k, s->version);
	put(&k, "\",arch=\"");
	put_label(&k, s->arch);
	put(&k, "\",libbpf=\"");
	put_label(&k, s->libbpf);
	put(&k, "\",object_byte_order=\"");
	put_label(&k, s->byte_order);
	put(&k, "\"} 1\n");

	put_family(&k, "xdpcount_up", "gauge",
		   "1 while xdpcount counts on every interface it was given, 0 when it does not.");
	put(&k, "xdpcount_up %d\n", s->up);
	return k.len;
}
