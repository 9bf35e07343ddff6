#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/errors.h"
#include "run/fault.h"
#include "run/health.h"

void health_init(struct health *h, struct report *rep, struct counter *c, bool keep_going)
{
	memset(h, 0, sizeof(*h));
	h->rep = rep;
	h->counter = c;
	h->keep_going = keep_going;
	watch_open(&h->w); /* without its sockets, each interface is checked alone */
}

void health_add(struct health *h, struct run_iface *ri)
{
	run_iface_count(ri, &h->w);
	h->n++;
}

static int on_lost(struct health *h, struct run_iface *ri)
{
	struct watch_iface *w = &ri->wi;
	/* transmit only: att is the tc egress one; both: tx_att is */
	struct iface_stats fin = { .no_rx = w->att->egress, .tx = w->att->egress || w->tx_att };
	struct xdpcount_stats s;
	int ifindex = w->att->ifindex;
	char words[256], detail[400];

	w->fault_new = false;
	ri->state = RUN_LOST;
	h->lost++;
	if (counter_read_all(h->counter) == 0) {
		if (!fin.no_rx && counter_sum(h->counter, ifindex, &s) == 0)
			fin.packets = s.packets, fin.bytes = s.bytes;
		if (fin.tx && counter_sum_dir(h->counter, ifindex, true, &s) == 0)
			fin.tx_packets = s.packets, fin.tx_bytes = s.bytes;
	}
	fault_words(words, sizeof(words), w);
	report_lost(h->rep, w->name, ifindex, enum_name(watch_fault_names, w->fault), w->new_nsid,
		    w->new_ifindex, &fin, words);
	report_flush(h->rep);
	if (h->follow || (h->keep_going && h->lost < h->n)) {
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

/* The watch's view of ris, in h->wis. 0 or -errno (failure recorded). */
static int view(struct health *h, struct run_iface *const *ris, int n)
{
	if (n > h->cap) {
		struct watch_iface **wis = realloc(h->wis, (size_t)n * sizeof(*wis));

		if (!wis)
			return fail(STAGE_READ, -ENOMEM, NULL, "cannot watch %d interfaces", n);
		h->wis = wis;
		h->cap = n;
	}
	for (int i = 0; i < n; i++)
		h->wis[i] = &ris[i]->wi;
	return 0;
}

int health_drain(struct health *h, struct run_iface *const *ris, int n)
{
	int err = view(h, ris, n);

	if (!err)
		watch_drain(&h->w, h->wis, n);
	return err;
}

int health_step(struct health *h, struct run_iface *const *ris, int n)
{
	int err = view(h, ris, n);

	if (err)
		return err;
	if (!watch_poll(&h->w, h->wis, n))
		return 0;
	for (int i = 0; i < n; i++) {
		struct watch_iface *w = &ris[i]->wi;

		if (w->renamed) {
			w->renamed = false;
			report_renamed(h->rep, w->old_name, w->name, w->att->ifindex);
			ris[i]->renamed = true;
		}
		if (w->fault_new) {
			int e = on_lost(h, ris[i]);

			if (e && !err)
				err = e;
		}
	}
	report_flush(h->rep);
	return err;
}

void health_close(struct health *h)
{
	watch_close(&h->w);
	free(h->wis);
	h->wis = NULL;
	h->cap = 0;
}
