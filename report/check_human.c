/* `xdpcount check` as a short table of checks and a verdict line. */
#include <stdarg.h>
#include <string.h>

#include "probe/facts.h"
#include "report/check_report.h"
#include "report/fmt.h"

enum mark { OK, WARN, BAD, UNKNOWN };

static const char *const marks[] = { "✓", "!", "✗", "?" };

static void row(FILE *f, enum mark m, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The column where a row's text starts: "  ✓ " and the 22 of what. */
#define TEXT_COL 27

/* One row: its text wrapped to FMT_WIDTH under the text column. */
static void row(FILE *f, enum mark m, const char *what, const char *fmt, ...)
{
	char lead[96], text[2048];
	va_list ap;

	snprintf(lead, sizeof(lead), "  %s %-22s ", marks[m], what);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fmt_wrap(f, lead, TEXT_COL, text);
}

/* A further line of the row above, under its text. */
static void more(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void more(FILE *f, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fmt_wrap(f, "                           ", TEXT_COL, text);
}

/* A fact's mark: missing is `missing_mark` (BAD if the counter needs it). */
static void fact_row(FILE *f, const char *what, const struct fact *fa, enum mark missing_mark,
		     const char *yes, const char *no)
{
	switch (fa->state) {
	case FACT_YES:
		row(f, OK, what, "%s", yes);
		break;
	case FACT_NO:
		row(f, missing_mark, what, "%s", no);
		break;
	case FACT_DENIED:
		row(f, BAD, what, "not allowed (%s)", strerror(-fa->err));
		break;
	default:
		row(f, UNKNOWN, what, "unknown%s%s", fa->err ? ": " : "", fa->err ? strerror(-fa->err) : "");
	}
}

/* CAP_PERFMON decides which program the verifier takes (plan/ifaces.c). */
static void perfmon_row(FILE *f, const struct probe *p)
{
	if (!p->caps_known)
		row(f, UNKNOWN, "CAP_PERFMON", "unknown: the capabilities could not be read");
	else if (p->cap_perfmon)
		row(f, OK, "CAP_PERFMON", "held: the verifier takes the linear program's "
		    "data_end - data");
	else if (p->cap_sys_admin)
		row(f, OK, "CAP_PERFMON", "not held; CAP_SYS_ADMIN lets the verifier take the "
		    "linear program's data_end - data");
	else
		row(f, WARN, "CAP_PERFMON", "not held: the verifier refuses the linear program's "
		    "data_end - data, only the frags program loads");
}

void check_print_human(FILE *f, const struct check_result *c)
{
	const struct probe *p = c->probe;
	char size[FMT_LEN];

	fprintf(f, "xdpcount check: kernel %s on %s (%s-endian)\n", p->release, p->machine,
		byte_order_name(p->host_order));
	for (size_t i = 0; i < probe_n_facts; i++) {
		const struct fact_desc *d = &probe_facts[i];

		if (d->label)
			fact_row(f, d->label, fact_of(p, d), d->need == FACT_NEEDED ? BAD
							    : d->need == FACT_WANTED ? WARN : OK,
				 d->yes, d->no);
	}
	perfmon_row(f, p);
	if (c->btf->available)
		row(f, OK, "kernel BTF", "%s (%s%s)%s; the counter does not need it", c->btf->source,
		    fmt_bytes(size, c->btf->size),
		    c->btf->parsed ? ", parsed" : ", header checked; --btf FILE parses in full",
		    c->btf->matches_kernel == 0 ? ", NOT this kernel's" : "");
	else
		row(f, OK, "kernel BTF", "absent; the counter does not need it");
	row(f, c->plan->dispatcher_possible ? OK : WARN, "XDP dispatcher", "%s%s",
	    c->plan->dispatcher_possible ? "" : "other XDP programs cannot join ours: ",
	    c->plan->dispatcher_reason);
	if (c->plan->dispatcher_possible)
		more(f, "%s", c->plan->disp_version_reason);
	row(f, c->plan->memlock == MEMLOCK_IMPOSSIBLE ? BAD : OK, "memlock", "%s%s",
	    c->memlock_raised ? "raised: " : "", c->plan->memlock_reason);
	if (c->object_byte_order)
		row(f, OK, "BPF object", "%s-endian, %s program (%s)", c->object_byte_order,
		    c->program ? c->program : "?", c->plan->variant_reason);
	else
		row(f, BAD, "BPF object", "none matches this host");
	if (c->load_tried && c->loaded)
		row(f, OK, "verifier", "loaded, %u instructions", c->insns);
	else if (c->load_tried)
		row(f, BAD, "verifier", "%s", c->load_error);
	if (c->test_run_tried)
		row(f, c->test_run_ok ? OK : BAD, "test run", "%s",
		    c->test_run_ok ? "XDP_PASS, counter +1"
				   : c->test_run_error[0] ? c->test_run_error : "unexpected result");
	if (c->tc_test_run_tried)
		row(f, c->tc_test_run_ok ? OK : BAD, "test run tc", "%s",
		    c->tc_test_run_ok ? "TC_ACT_UNSPEC, counter +1, same bytes as XDP"
				      : c->tc_test_run_error);
	for (unsigned int i = 0; i < c->plan->n_ifaces; i++) {
		const struct plan_iface *pi = &c->plan->ifaces[i];
		char nb[FMT_NAME_LEN];
		enum mark m = pi->refuse ? BAD : pi->mode == XDP_MODE_GENERIC ||
				     (pi->mode == XDP_MODE_TC && pi->rx) ? WARN : OK;

		if (pi->refuse)
			row(f, m, fmt_name(nb, sizeof(nb), pi->name), "refused: %s", pi->reason);
		else if (c->verdict == VERDICT_INCOMPATIBLE)
			row(f, BAD, fmt_name(nb, sizeof(nb), pi->name), "cannot run here (see the verdict); planned %s via %s",
			    enum_name(xdp_mode_names, pi->mode), plan_attach_name(pi->mode, pi->attach));
		else if (pi->mode == XDP_MODE_TC)
			row(f, m, fmt_name(nb, sizeof(nb), pi->name), "tc %s via %s: %s",
			    pi->rx ? "ingress" : "egress", plan_attach_name(pi->mode, pi->attach),
			    pi->reason);
		else
			row(f, m, fmt_name(nb, sizeof(nb), pi->name), "xdp %s%s via %s, %s program: %s; %s",
			    enum_name(xdp_mode_names, pi->mode),
			    pi->fallback_generic ? " (generic if refused)" : "",
			    enum_name(attach_kind_names, pi->attach),
			    enum_name(variant_names, pi->variant), pi->reason, pi->variant_reason);
		if (!pi->refuse && pi->rx && pi->tx && c->verdict != VERDICT_INCOMPATIBLE)
			more(f, "tc egress via %s: %s", plan_attach_name(XDP_MODE_TC, pi->tx_attach),
			     pi->tx_reason);
		more(f, "libxdp after us: %s", pi->share_reason);
		if (c->probe->ifaces[i].xdp_features_known.state == FACT_YES) {
			char names[160];

			more(f, "xdp-features: %s",
				c->probe->ifaces[i].xdp_features
					? xdp_features_str(names, sizeof(names),
							   c->probe->ifaces[i].xdp_features, ", ")
					: "none");
		}
	}
	if (c->selftest) {
		const struct selftest_result *st = c->selftest;

		if (!st->ran)
			row(f, WARN, "selftest", "did not run: %s", st->reason);
		else
			for (int k = 0; k < 2; k++) {
				const struct selftest_mode *m = k ? &st->generic : &st->native;

				row(f, m->ok ? OK : BAD, k ? "selftest generic" : "selftest native",
				    "%llu of %llu frames counted%s%s", (unsigned long long)m->counted,
				    (unsigned long long)m->sent, m->ok ? "" : ": ", m->ok ? "" : m->reason);
			}
		if (st->ran && st->tc.ran)
			row(f, st->tc.ok ? OK : BAD, "selftest tc", "%llu of %llu frames counted via %s%s%s",
			    (unsigned long long)st->tc.counted, (unsigned long long)st->tc.sent,
			    c->selftest_tc_attach ? c->selftest_tc_attach : "?",
			    st->tc.ok ? "" : ": ", st->tc.ok ? "" : st->tc.reason);
		if (st->ran && st->egress.ran)
			row(f, st->egress.ok ? OK : BAD, "selftest egress",
			    "%llu of %llu frames counted at tc egress via %s%s%s",
			    (unsigned long long)st->egress.counted, (unsigned long long)st->egress.sent,
			    c->selftest_tc_attach ? c->selftest_tc_attach : "?",
			    st->egress.ok ? "" : ": ", st->egress.ok ? "" : st->egress.reason);
	}
	fprintf(f, "verdict: %s\n", enum_name(verdict_names, c->verdict));
	for (unsigned int i = 0; i < c->n_reasons; i++)
		fmt_wrap(f, "  - ", 4, c->reasons[i]);
}
