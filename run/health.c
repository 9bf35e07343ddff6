#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/errors.h"
#include "run/fault.h"
#include "run/health.h"

_Static_assert(WATCH_MAX == PROBE_MAX_IFACES, "one question per interface");

void health_init(struct health *h, struct report *rep, struct counter *c, bool keep_going)
{
	memset(h, 0, sizeof(*h));
	h->rep = rep;
	h->counter = c;
	h->keep_going = keep_going;
	watch_open(&h->w); /* without its sockets, each interface is checked alone */
}

void health_add(struct health *h, int i, const struct attachment *att,
		const struct attachment *tx_att, const char *name)
{
	struct watch_iface *w = &h->wi[i];

	memset(w, 0, sizeof(*w));
	w->att = att;
	w->tx_att = tx_att;
	w->new_nsid = -1;
	snprintf(w->name, sizeof(w->name), "%s", name);
	watch_add(&h->w, w);
	if (i >= h->n)
		h->n = i + 1;
}

static int on_lost(struct health *h, struct watch_iface *w)
{
	/* transmit only: att is the tc egress one; both: tx_att is */
	struct iface_stats fin = { .no_rx = w->att->egress, .tx = w->att->egress || w->tx_att };
	struct xdpcount_stats s;
	int ifindex = w->att->ifindex;
	char words[256], detail[400];

	w->fault_new = false;
	h->lost++;
	if (counter_read_all(h->counter) == 0) {
		if (!fin.no_rx && counter_sum(h->counter, ifindex, &s) == 0)
			fin.packets = s.packets, fin.bytes = s.bytes;
		if (fin.tx && counter_sum_dir(h->counter, ifindex, true, &s) == 0)
			fin.tx_packets = s.packets, fin.tx_bytes = s.bytes;
	}
	fault_words(words, sizeof(words), w);
	report_lost(h->rep, w->name, ifindex, watch_fault_name(w->fault), w->new_nsid,
		    w->new_ifindex, &fin, words);
	report_flush(h->rep);
	if (h->keep_going && h->lost < h->n) {
		snprintf(detail, sizeof(detail), "%s; counting goes on on the other interfaces",
			 words);
		failure_note(STAGE_LOST, -ENODEV, w->name, detail);
		return 0;
	}
	snprintf(detail, sizeof(detail), "%s; counting stops%s", words,
		 h->keep_going ? " (no interface is left)"
			       : " (--keep-going counts on the other interfaces)");
	return fail(STAGE_LOST, -ENODEV, w->name, "%s", detail);
}

int health_step(struct health *h)
{
	int err = 0;

	if (!watch_poll(&h->w, h->wi, h->n))
		return 0;
	for (int i = 0; i < h->n; i++) {
		struct watch_iface *w = &h->wi[i];

		if (w->renamed) {
			w->renamed = false;
			report_renamed(h->rep, w->old_name, w->name, w->att->ifindex);
		}
		if (w->fault_new) {
			int e = on_lost(h, w);

			if (e && !err)
				err = e;
		}
	}
	report_flush(h->rep);
	return err;
}

const char *health_name(const struct health *h, int i)
{
	return h->wi[i].name;
}

enum watch_fault health_fault(const struct health *h, int i)
{
	return h->wi[i].fault;
}

const struct watch_iface *health_iface(const struct health *h, int i)
{
	return &h->wi[i];
}

void health_close(struct health *h)
{
	watch_close(&h->w);
}
