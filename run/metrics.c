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
	snap->n_ifaces = s->plan.n_ifaces;
	for (unsigned int i = 0; i < s->plan.n_ifaces; i++) {
		snprintf(snap->ifaces[i].name, sizeof(snap->ifaces[i].name), "%s",
			 s->plan.ifaces[i].name);
		snap->ifaces[i].state = s->plan.ifaces[i].refusal != REFUSE_NONE ? PROM_STATE_REFUSED
										 : PROM_STATE_PENDING;
		snap->ifaces[i].no_rx = !plan_counts_rx(o->direction);
		snap->ifaces[i].tx = plan_counts_tx(o->direction);
	}
	return 0;
}

void run_metrics_attached(struct metrics *m, int i, int err, const struct attachment *rx,
			  const struct attachment *tx)
{
	struct prom_iface *f = &m->snap.ifaces[i];
	const struct attachment *att = rx ? rx : tx;

	f->state = err ? PROM_STATE_REFUSED
		 : att->mode == XDP_MODE_GENERIC ? PROM_STATE_GENERIC
		 : att->mode == XDP_MODE_TC	 ? PROM_STATE_TC
						 : PROM_STATE_NATIVE;
	f->hook = err || !rx ? NULL : plan_hook_name(rx->mode);
	f->attach = err || !rx ? NULL : plan_attach_name(rx->mode, rx->kind);
	f->tx_attach = err || !tx ? NULL : plan_attach_name(XDP_MODE_TC, tx->kind);
}

void run_metrics_counts(struct metrics *m, int i, const char *name, bool lost, uint64_t packets,
			uint64_t bytes, uint64_t tx_packets, uint64_t tx_bytes)
{
	struct prom_iface *f = &m->snap.ifaces[i];

	snprintf(f->name, sizeof(f->name), "%s", name); /* renamed: node_exporter says so too */
	if (lost)
		f->state = PROM_STATE_LOST;
	f->packets = packets;
	f->bytes = bytes;
	f->tx_packets = tx_packets;
	f->tx_bytes = tx_bytes;
}

int run_metrics_publish(struct metrics *m, bool up)
{
	struct timespec now;
	int err;

	if (!metrics_active(m))
		return 0;
	m->snap.up = up;
	clock_gettime(CLOCK_REALTIME, &now);
	m->snap.written = (double)now.tv_sec + now.tv_nsec / 1e9;
	err = metrics_publish(m);
	return err ? fail(STAGE_TEXTFILE, err, m->textfile, NULL) : 0;
}

void run_metrics_close(struct metrics *m)
{
	if (m->listen_fd >= 0)
		log_msg(LOG_VERBOSE, "xdpcount: metrics: %lu responses sent, %lu idle connections "
			"evicted for new ones, %lu turned away (all %d slots busy answering)\n",
			m->served, m->evicted, m->refused, METRICS_MAX_CONNS);
	run_metrics_publish(m, false);
	metrics_close(m);
}
