#include <stdarg.h>
#include <stdio.h>

#include "plan/plan.h"
#include "report/fmt.h"
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

/* A label value: backslash, double quote and newline are escaped. The format
 * wants UTF-8 and an interface name need not be: well-formed UTF-8 is kept,
 * and any other byte b becomes U+00bb (read as Latin-1), the same string the
 * JSON output's \u00bb gives. */
static void put_label(struct sink *k, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
		size_t n = *p < 0x80 ? 1 : fmt_utf8_len(p);

		if (*p == '\\')
			put(k, "\\\\");
		else if (*p == '"')
			put(k, "\\\"");
		else if (*p == '\n')
			put(k, "\\n");
		else if (!n)
			put(k, "%c%c", 0xc0 | *p >> 6, 0x80 | (*p & 0x3f));
		else {
			put(k, "%.*s", (int)n, (const char *)p);
			p += n - 1;
		}
	}
}

static void put_family(struct sink *k, const char *name, const char *type, const char *help)
{
	put(k, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{device="..." and, when more labels follow, a comma; the caller closes. */
static void put_device(struct sink *k, const char *name, const struct prom_iface *f, bool more)
{
	put(k, "%s{device=\"", name);
	put_label(k, f->name);
	put(k, more ? "\"," : "\"}");
}

/* name{textfile="..." (NULL: name alone), then a comma and the caller's
 * labels (more) or the closing brace. */
static void put_process(struct sink *k, const char *name, const struct prom_snapshot *s,
			bool more)
{
	put(k, "%s", name);
	if (s->textfile) {
		put(k, "{textfile=\"");
		put_label(k, s->textfile);
		put(k, more ? "\"," : "\"}");
	} else if (more) {
		put(k, "{");
	}
}

static const struct enum_name prom_state_names[] = {
	{ "pending", PROM_STATE_PENDING },
	{ "native", PROM_STATE_NATIVE },
	{ "generic", PROM_STATE_GENERIC },
	{ "refused", PROM_STATE_REFUSED },
	{ "tc", PROM_STATE_TC },
	{ "lost", PROM_STATE_LOST },
	{ NULL, 0 },
};

const char *prom_state_name(enum prom_state st)
{
	const char *name = enum_find(prom_state_names, st);

	return name ? name : "pending";
}

static bool counting(const struct prom_iface *i)
{
	return i->state == PROM_STATE_NATIVE || i->state == PROM_STATE_GENERIC ||
	       i->state == PROM_STATE_TC;
}

/* Counted once: its counters stay (frozen) when it is lost. */
static bool counted(const struct prom_iface *i)
{
	return counting(i) || i->state == PROM_STATE_LOST;
}

/* One sample per counted device of a direction: received (tx false), or
 * transmitted. A direction not counted has no sample (not 0). */
static void put_counter(struct sink *k, const struct prom_snapshot *s, const char *name,
			bool tx, bool bytes)
{
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		const struct prom_iface *f = &s->ifaces[i];

		if (!counted(f) || (tx ? !f->tx : f->no_rx))
			continue;
		put_device(k, name, f, false);
		put(k, " %llu\n", (unsigned long long)(tx ? (bytes ? f->tx_bytes : f->tx_packets)
							: (bytes ? f->bytes : f->packets)));
	}
}

static bool any_tx(const struct prom_snapshot *s)
{
	for (unsigned int i = 0; i < s->n_ifaces; i++)
		if (s->ifaces[i].tx)
			return true;
	return false;
}

/* One xdpcount_attach_info sample of a device: how one of its hooks counts. */
static void put_attach(struct sink *k, const struct prom_iface *f, const char *hook,
		       const char *mode, const char *attach)
{
	put_device(k, "xdpcount_attach_info", f, true);
	put(k, "hook=\"%s\",mode=\"%s\",attach=\"%s\"} 1\n", hook, mode, attach);
}

/* The counter families, in their order: received, then transmitted. */
static const struct {
	const char *name, *help;
	bool tx, bytes;
} counters[] = {
	{ "xdpcount_receive_packets_total",
	  "Packets received on the device, counted at its XDP or tc ingress hook since xdpcount attached there.",
	  false, false },
	{ "xdpcount_receive_bytes_total",
	  "Bytes of the packets counted, from the Ethernet header on (no FCS).", false, true },
	{ "xdpcount_transmit_packets_total",
	  "Packets transmitted by the device, counted at its tc egress hook since xdpcount attached there (GSO packets as the frames they become).",
	  true, false },
	{ "xdpcount_transmit_bytes_total",
	  "Bytes of the transmitted packets counted, from the Ethernet header on (no FCS).", true,
	  true },
};

size_t prom_render(char *buf, size_t cap, const struct prom_snapshot *s)
{
	static const enum prom_state shown[] = { PROM_STATE_NATIVE, PROM_STATE_GENERIC,
						 PROM_STATE_TC, PROM_STATE_REFUSED,
						 PROM_STATE_LOST };
	struct sink k = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
		if (counters[c].tx && !any_tx(s))
			continue; /* transmit: --direction out|both only */
		put_family(&k, counters[c].name, "counter", counters[c].help);
		put_counter(&k, s, counters[c].name, counters[c].tx, counters[c].bytes);
	}

	put_family(&k, "xdpcount_device_up", "gauge",
		   "1 while xdpcount counts on the device, 0 when it does not (pending, refused, lost, or stopped).");
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		put_device(&k, "xdpcount_device_up", &s->ifaces[i], false);
		put(&k, " %d\n", s->up && counting(&s->ifaces[i]));
	}

	put_family(&k, "xdpcount_attach_info", "gauge",
		   "Always 1 while counting; the labels say how: hook (xdp, tc, tc_egress), mode (native, generic, tc) and attach (link, netlink, tcx, clsact).");
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		const struct prom_iface *f = &s->ifaces[i];

		if (!counting(f))
			continue;
		if (f->hook && f->attach)
			put_attach(&k, f, f->hook, prom_state_name(f->state), f->attach);
		if (f->tx_attach)
			put_attach(&k, f, "tc_egress", "tc", f->tx_attach);
	}

	put_family(&k, "xdpcount_attach_state", "gauge",
		   "1 for the state the device is in (native, generic, tc, refused, or lost), 0 for the others.");
	for (unsigned int i = 0; i < s->n_ifaces; i++) {
		for (unsigned int j = 0; j < sizeof(shown) / sizeof(shown[0]); j++) {
			put_device(&k, "xdpcount_attach_state", &s->ifaces[i], true);
			put(&k, "state=\"%s\"} %d\n", prom_state_name(shown[j]),
			    s->ifaces[i].state == shown[j]);
		}
	}

	put_family(&k, "xdpcount_build_info", "gauge",
		   "Always 1; the labels say which xdpcount build runs.");
	put_process(&k, "xdpcount_build_info", s, true);
	put(&k, "version=\"");
	put_label(&k, s->version);
	put(&k, "\",arch=\"");
	put_label(&k, s->arch);
	put(&k, "\",libbpf=\"");
	put_label(&k, s->libbpf);
	put(&k, "\",object_byte_order=\"");
	put_label(&k, s->byte_order);
	put(&k, "\"} 1\n");

	put_family(&k, "xdpcount_up", "gauge",
		   "1 while xdpcount runs and counts, 0 in the last textfile of a run that stopped or was refused.");
	put_process(&k, "xdpcount_up", s, false);
	put(&k, " %d\n", s->up);

	if (s->textfile) {
		put_family(&k, "xdpcount_textfile_write_timestamp_seconds", "gauge",
			   "When xdpcount wrote this textfile (Unix time); older than a few intervals: the process is gone.");
		put_process(&k, "xdpcount_textfile_write_timestamp_seconds", s, false);
		put(&k, " %.3f\n", s->written);
		put_family(&k, "xdpcount_textfile_interval_seconds", "gauge",
			   "How often xdpcount rewrites this textfile while it runs (--interval).");
		put_process(&k, "xdpcount_textfile_interval_seconds", s, false);
		put(&k, " %g\n", s->interval);
	}
	return k.len;
}
