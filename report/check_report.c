#include <stdarg.h>
#include <string.h>

#include "plan/reason.h"
#include "probe/facts.h"
#include "report/check_report.h"
#include "report/fmt.h"
#include "report/json.h"

void check_add_reason(struct check_result *c, enum verdict at_least, const char *fmt, ...)
{
	va_list ap;

	if (c->verdict < at_least)
		c->verdict = at_least;
	if (c->n_reasons >= sizeof(c->reasons) / sizeof(c->reasons[0]))
		return;
	va_start(ap, fmt);
	reason_vset(c->reasons[c->n_reasons++], PLAN_REASON_LEN, fmt, ap);
	va_end(ap);
}

static void json_fact(struct json *j, const char *key, const struct fact *f)
{
	json_key(j, key);
	if (f->state == FACT_UNKNOWN && !f->err)
		json_null(j);
	else
		json_bool(j, f->state == FACT_YES);
}

static void json_selftest_mode(struct json *j, const char *key, const struct selftest_mode *m)
{
	json_key(j, key);
	if (!m->ran) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_kv_bool(j, "ok", m->ok);
	json_kv_u64(j, "sent", m->sent);
	json_kv_u64(j, "counted", m->counted);
	json_kv_u64(j, "bytes_sent", m->bytes_sent);
	json_kv_u64(j, "bytes_counted", m->bytes_counted);
	json_kv_string(j, "reason", m->reason);
	json_object_end(j);
}

static void json_features(struct json *j, const struct probe *p)
{
	json_key(j, "features");
	json_object_begin(j);
	for (size_t i = 0; i < probe_n_facts; i++)
		json_fact(j, probe_facts[i].key, fact_of(p, &probe_facts[i]));
	for (size_t i = 0; i < probe_n_cap_facts; i++)
		json_kv_bool(j, probe_cap_facts[i].key, cap_of(p, &probe_cap_facts[i]));
	json_kv_i64(j, "unprivileged_bpf_disabled", p->unprivileged_bpf_disabled);
	json_object_end(j);
}

static void json_interfaces(struct json *j, const struct check_result *c)
{
	json_key(j, "interfaces");
	json_array_begin(j);
	for (unsigned int i = 0; i < c->plan->n_ifaces; i++) {
		const struct plan_iface *pi = &c->plan->ifaces[i];
		const struct probe_iface *pr = &c->probe->ifaces[i];
		bool runs = !pi->refuse && c->verdict != VERDICT_INCOMPATIBLE;

		json_object_begin(j);
		json_kv_string(j, "name", pi->name);
		json_kv_i64(j, "ifindex", pi->ifindex);
		json_kv_string(j, "hook", runs ? plan_hook_name(pi->mode) : NULL);
		json_kv_string(j, "mode", runs ? enum_name(xdp_mode_names, pi->mode) : NULL);
		json_kv_bool(j, "fallback_generic", pi->fallback_generic);
		json_kv_string(j, "attach", runs ? plan_attach_name(pi->mode, pi->attach) : NULL);
		json_kv_string(j, "reason", pi->reason);
		json_kv_string(j, "variant", runs ? enum_name(variant_names, pi->variant) : NULL);
		json_kv_string(j, "variant_reason", runs ? pi->variant_reason : NULL);
		json_kv_string(j, "driver", pr->driver);
		json_kv_u64(j, "mtu", pr->mtu);
		json_kv_bool(j, "up", pr->up);
		json_key(j, "clsact");
		if (pr->clsact.state == FACT_UNKNOWN)
			json_null(j);
		else
			json_bool(j, pr->clsact.state == FACT_YES);
		json_kv_u64(j, "tc_filters", pr->tc_filters); /* ingress, not ours */
		json_kv_u64(j, "tcx_programs", pr->tcx_progs);
		/* --direction: what the plan counts; tc egress, where it counts
		 * what the interface transmits, and the facts there */
		json_kv_string(j, "direction", pi->rx && pi->tx ? "both" : pi->tx ? "out" : "in");
		json_kv_string(j, "egress_attach", runs && pi->tx ?
			       plan_attach_name(XDP_MODE_TC, pi->tx_attach) : NULL);
		json_kv_string(j, "egress_reason", pi->tx ? pi->tx_reason : NULL);
		json_kv_u64(j, "egress_tc_filters", pr->eg_filters); /* not ours */
		json_kv_u64(j, "egress_tcx_programs", pr->eg_tcx_progs);
		json_kv_string(j, "libxdp_after_us", enum_name(share_names, pi->share));
		json_kv_string(j, "libxdp_reason", pi->share_reason);
		json_key(j, "xdp_features");
		if (pr->xdp_features_known.state == FACT_YES) {
			json_u64(j, pr->xdp_features);
			json_xdp_features(j, "xdp_features_names", pr->xdp_features);
		} else {
			json_null(j);
			json_kv_null(j, "xdp_features_names");
		}
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_selftest(struct json *j, const struct selftest_result *st, const char *tc_attach)
{
	json_key(j, "selftest");
	json_object_begin(j);
	json_kv_bool(j, "ran", st && st->ran);
	if (st && st->ran) {
		json_selftest_mode(j, "native", &st->native);
		json_selftest_mode(j, "generic", &st->generic);
		json_selftest_mode(j, "tc", &st->tc);
		json_kv_string(j, "tc_attach", st->tc.ran ? tc_attach : NULL);
		json_selftest_mode(j, "egress", &st->egress);
	} else {
		json_kv_null(j, "native");
		json_kv_null(j, "generic");
		json_kv_null(j, "tc");
		json_kv_null(j, "egress");
		json_kv_null(j, "tc_attach");
	}
	json_kv_string(j, "reason", st ? st->reason : "not requested (use --selftest)");
	json_object_end(j);
}

void check_print_json(FILE *f, const struct check_result *c)
{
	const struct probe *p = c->probe;
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	if (c->id)
		json_identity(&j, c->id);
	json_kv_string(&j, "verdict", enum_name(verdict_names, c->verdict));
	json_key(&j, "reasons");
	json_array_begin(&j);
	for (unsigned int i = 0; i < c->n_reasons; i++)
		json_string(&j, c->reasons[i]);
	json_array_end(&j);

	json_key(&j, "kernel");
	json_object_begin(&j);
	json_kv_string(&j, "release", p->release);
	json_kv_string(&j, "arch", p->machine);
	json_kv_string(&j, "byte_order", byte_order_name(p->host_order));
	json_object_end(&j);

	json_key(&j, "object");
	json_object_begin(&j);
	json_kv_string(&j, "byte_order", c->object_byte_order);
	json_kv_string(&j, "sha256", c->object_sha256);
	json_kv_string(&j, "variant", enum_name(variant_names, c->plan->check_variant)); /* the test run's */
	json_kv_string(&j, "program", c->program);
	json_kv_string(&j, "reason", c->plan->variant_reason);
	json_object_end(&j);

	json_features(&j, p);

	json_key(&j, "dispatcher"); /* libxdp's, that other XDP programs join */
	json_object_begin(&j);
	json_kv_bool(&j, "possible", c->plan->dispatcher_possible);
	json_kv_string(&j, "reason", c->plan->dispatcher_reason);
	/* the protocol version a dispatcher of ours speaks, and why */
	json_kv_u64(&j, "version", c->plan->disp_version);
	json_kv_string(&j, "version_from", enum_name(disp_version_from_names,
						     c->plan->disp_version_from));
	json_kv_string(&j, "version_reason", c->plan->disp_version_reason);
	json_object_end(&j);

	json_key(&j, "memlock");
	json_object_begin(&j);
	json_kv_bool(&j, "needed", c->plan->memlock != MEMLOCK_NONE);
	json_kv_string(&j, "action", c->memlock_raised ? "raised"
				     : enum_name(memlock_action_names, c->plan->memlock == MEMLOCK_RAISE
									? MEMLOCK_NONE : c->plan->memlock));
	json_key(&j, "current");
	if (p->memlock_cur == UINT64_MAX)
		json_null(&j);
	else
		json_u64(&j, p->memlock_cur);
	json_kv_u64(&j, "bytes", c->plan->memlock_bytes);
	json_kv_string(&j, "reason", c->plan->memlock_reason);
	json_object_end(&j);

	json_key(&j, "btf");
	json_object_begin(&j);
	json_kv_bool(&j, "available", c->btf->available);
	json_kv_string(&j, "source", c->btf->available ? c->btf->source : NULL);
	json_kv_u64(&j, "size", c->btf->size);
	json_key(&j, "matches_kernel");
	if (c->btf->matches_kernel < 0)
		json_null(&j);
	else
		json_bool(&j, c->btf->matches_kernel);
	json_kv_bool(&j, "needed", false);
	json_kv_bool(&j, "parsed", c->btf->parsed);
	json_object_end(&j);

	json_key(&j, "verifier");
	json_object_begin(&j);
	json_kv_bool(&j, "loaded", c->loaded);
	json_key(&j, "insns");
	if (c->loaded)
		json_u64(&j, c->insns);
	else
		json_null(&j);
	json_key(&j, "jited_len");
	if (c->loaded)
		json_u64(&j, c->jited_len);
	else
		json_null(&j);
	json_kv_string(&j, "error", c->load_tried && !c->loaded ? c->load_error : NULL);
	json_object_end(&j);

	json_key(&j, "test_run");
	json_object_begin(&j);
	json_kv_bool(&j, "ok", c->test_run_ok);
	json_key(&j, "retval");
	if (c->test_run_tried && !c->test_run_error[0])
		json_u64(&j, c->test_run_retval);
	else
		json_null(&j);
	json_kv_string(&j, "error", c->test_run_error[0] ? c->test_run_error : NULL);
	json_key(&j, "tc_ok");
	if (c->tc_test_run_tried)
		json_bool(&j, c->tc_test_run_ok);
	else
		json_null(&j);
	json_kv_string(&j, "tc_error", c->tc_test_run_error[0] ? c->tc_test_run_error : NULL);
	json_object_end(&j);

	json_interfaces(&j, c);
	json_selftest(&j, c->selftest, c->selftest_tc_attach);
	json_object_end(&j);
	json_line_end(&j);
}
