#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "cli/errors.h"
#include "run/metrics.h"
#include "metrics/textfile.h"
#include "report/identity.h"
#include "log/log.h"
#include "probe/clock.h"

int run_metrics_open(struct metrics *m, const struct opts *o, const struct session *s)
{
	struct prom_snapshot *snap;
	int err = o->textfile ? textfile_check(o->textfile) : 0;

	if (err) {
		char dir[4096];
		const char *fs = err == -ENOENT ? textfile_dir_fs(o->textfile, dir, sizeof(dir)) : NULL;

		metrics_open(m, NULL, NULL); /* an empty module, safe to close */
		if (fs)
			return fail(STAGE_TEXTFILE, err, o->textfile, "%s exists, but %s does not let "
				    "files be created there", dir, fs);
		return fail(STAGE_TEXTFILE, err, o->textfile, NULL);
	}
	if (o->textfile && textfile_sweep(o->textfile))
		log_msg(LOG_VERBOSE, "xdpcount: removed temporary files of %s left by an xdpcount "
			"that no longer runs\n", o->textfile);
	err = metrics_open(m, o->metrics, o->textfile);
	if (err)
		return fail(STAGE_METRICS, err == -ENOTSOCK ? -EINVAL : err, o->metrics, NULL);
	if (o->metrics)
		log_msg(LOG_VERBOSE, "xdpcount: serving Prometheus metrics on %s at /metrics\n",
			o->metrics);
	if (o->textfile)
		log_msg(LOG_VERBOSE, "xdpcount: writing Prometheus metrics to %s every %g s\n",
			o->textfile, o->interval);
	snap = &m->snap;
	snap->version = xdpcount_version;
	snap->arch = XDPCOUNT_ARCH;
	snap->libbpf = libbpf_version_string();
	snap->byte_order = byte_order_name(s->obj ? s->obj->order : host_byte_order());
	if (o->textfile)
		snap->textfile = strrchr(o->textfile, '/') ? strrchr(o->textfile, '/') + 1
							  : o->textfile;
	snap->interval = o->interval;
	return 0;
}

static void fill(struct prom_iface *f, const struct run_iface *ri)
{
	const struct attachment *att = run_iface_watched(ri);
	bool held = ri->state != RUN_PLANNED;

	snprintf(f->name, sizeof(f->name), "%s", run_iface_name(ri)); /* renamed: node_exporter says so too */
	f->state = ri->refused		      ? PROM_STATE_REFUSED
		 : !held		      ? PROM_STATE_PENDING
		 : ri->state == RUN_LOST	      ? PROM_STATE_LOST
		 : att->mode == XDP_MODE_GENERIC ? PROM_STATE_GENERIC
		 : att->mode == XDP_MODE_TC	      ? PROM_STATE_TC
					      : PROM_STATE_NATIVE;
	f->hook = held && ri->rx ? plan_hook_name(ri->att.mode) : NULL;
	f->attach = held && ri->rx ? plan_attach_name(ri->att.mode, ri->att.kind) : NULL;
	f->tx_attach = held && ri->tx ? plan_attach_name(XDP_MODE_TC, ri->tx_att->kind) : NULL;
	f->no_rx = !ri->rx;
	f->tx = ri->tx;
	f->packets = ri->last.packets;
	f->bytes = ri->last.bytes;
	f->tx_packets = ri->last_tx.packets;
	f->tx_bytes = ri->last_tx.bytes;
}

int run_metrics_publish(struct metrics *m, struct run_iface *const *ris, int n, bool up)
{
	int err;

	if (!metrics_active(m))
		return 0;
	m->snap.n_ifaces = 0;
	for (int i = 0; i < n; i++)
		if (ris[i]->state != RUN_FREE && m->snap.n_ifaces < PROM_MAX_IFACES)
			fill(&m->snap.ifaces[m->snap.n_ifaces++], ris[i]);
	m->snap.up = up;
	m->snap.written = unix_now();
	err = metrics_publish(m);
	return err ? fail(STAGE_TEXTFILE, err, m->textfile, NULL) : 0;
}

void run_metrics_close(struct metrics *m, struct run_iface *const *ris, int n)
{
	if (m->listen_fd >= 0)
		log_msg(LOG_VERBOSE, "xdpcount: metrics: %lu responses sent, %lu idle connections "
			"evicted for new ones, %lu turned away (all %d slots busy answering)\n",
			m->served, m->evicted, m->refused, METRICS_MAX_CONNS);
	run_metrics_publish(m, ris, n, false);
	metrics_close(m);
}
