/* xdpcount check [--json] [--strict] [--selftest] [IFACE...]: everything but
 * attaching to the host's interfaces, then a verdict. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "run/session.h"
#include "loader/attach.h"
#include "plan/reason.h"
#include "report/check_report.h"
#include "log/log.h"

#define TEST_FRAME_LEN 64

/* The selftest's hooks: the child uses the counter loaded by the parent. */
struct hook_ctx {
	struct counter *counter;
	enum attach_kind attach;
	enum attach_kind tc_attach; /* LINK: tcx; NETLINK: clsact */
	struct attachment att;
};

static int hook_attach(void *ctx, int ifindex, enum xdp_mode mode)
{
	struct hook_ctx *h = ctx;
	int err = counter_add_iface(h->counter, ifindex,
				    mode == XDP_MODE_TC ? VARIANT_TC : VARIANT_LINEAR);

	if (err)
		return err;
	if (mode == XDP_MODE_TC)
		return attach_tc(counter_tc_prog_fd(h->counter, ifindex), ifindex, h->tc_attach, false,
				 &h->att);
	return attach_xdp(counter_prog_fd(h->counter, ifindex), ifindex, mode, h->attach, &h->att);
}

static int hook_attach_egress(void *ctx, int ifindex)
{
	struct hook_ctx *h = ctx;
	int err = counter_add_iface(h->counter, ifindex, VARIANT_EGRESS);

	if (err)
		return err;
	return attach_tc(counter_egress_prog_fd(h->counter, ifindex), ifindex, h->tc_attach, true,
			 &h->att);
}

static int hook_detach(void *ctx, int ifindex)
{
	struct hook_ctx *h = ctx;

	return detach_attachment(&h->att);
}

static int hook_read(void *ctx, int ifindex, uint64_t *packets, uint64_t *bytes)
{
	struct hook_ctx *h = ctx;
	struct xdpcount_stats s;
	int err = counter_read(h->counter, ifindex, &s);

	if (err)
		return err;
	*packets = s.packets;
	*bytes = s.bytes;
	return 0;
}

static int loopback(void)
{
	int lo = (int)if_nametoindex("lo");

	return lo ? lo : 1;
}

/* Runs the loaded program once; the sample frame arrives on loopback. */
static void test_run(struct session *s, struct check_result *c, int lo)
{
	struct xdpcount_stats before = { 0 }, after = { 0 };
	int err;

	c->test_run_tried = true;
	err = counter_read(s->counter, lo, &before);
	if (!err)
		err = counter_test_run(s->counter, lo, TEST_FRAME_LEN, &c->test_run_retval);
	if (!err)
		err = counter_read(s->counter, lo, &after);
	if (err) {
		reason_set(c->test_run_error, sizeof(c->test_run_error), "BPF_PROG_TEST_RUN failed: %s",
			   failure_cause(STAGE_LOAD, err));
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_TEST_RUN), "%s",
				 c->test_run_error);
		return;
	}
	if (c->test_run_retval != 2 /* XDP_PASS */) {
		reason_set(c->test_run_error, sizeof(c->test_run_error),
			   "the program returned %u, not XDP_PASS", c->test_run_retval);
	} else if (after.packets != before.packets + 1 ||
		   after.bytes != before.bytes + TEST_FRAME_LEN) {
		reason_set(c->test_run_error, sizeof(c->test_run_error),
			   "the counter moved by %llu packets and %llu bytes, not 1 and %d",
			   (unsigned long long)(after.packets - before.packets),
			   (unsigned long long)(after.bytes - before.bytes), TEST_FRAME_LEN);
	} else {
		c->test_run_ok = true;
		return;
	}
	check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_TEST_RUN), "test run: %s",
			 c->test_run_error);
}

/* Runs the tc program once on the same sample frame: +1 packet, +64 bytes
 * (the whole frame, as XDP counts it), TC_ACT_UNSPEC. */
static void tc_test_run(struct session *s, struct check_result *c, int lo)
{
	struct xdpcount_stats before = { 0 }, after = { 0 };
	uint32_t retval = 0;
	int err;

	c->tc_test_run_tried = true;
	/* its own program instance on lo, beside the XDP one */
	err = counter_add_iface(s->counter, lo, VARIANT_TC);
	if (err) {
		reason_set(c->tc_test_run_error, sizeof(c->tc_test_run_error),
			   "loading the tc program failed: %s", counter_verifier_log(s->counter)[0] ?
			   counter_verifier_log(s->counter) : failure_cause(STAGE_LOAD, err));
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_TC_TEST_RUN),
				 "tc test run: %s", c->tc_test_run_error);
		return;
	}
	err = counter_read(s->counter, lo, &before);
	if (!err)
		err = counter_tc_test_run(s->counter, lo, TEST_FRAME_LEN, &retval);
	if (!err)
		err = counter_read(s->counter, lo, &after);
	if (err)
		reason_set(c->tc_test_run_error, sizeof(c->tc_test_run_error),
			   "BPF_PROG_TEST_RUN of the tc program failed: %s", failure_cause(STAGE_LOAD, err));
	else if (retval != (uint32_t)-1 /* TC_ACT_UNSPEC */)
		reason_set(c->tc_test_run_error, sizeof(c->tc_test_run_error),
			   "the tc program returned %d, not TC_ACT_UNSPEC", (int)retval);
	else if (after.packets != before.packets + 1 || after.bytes != before.bytes + TEST_FRAME_LEN)
		reason_set(c->tc_test_run_error, sizeof(c->tc_test_run_error),
			   "the tc counter moved by %llu packets and %llu bytes, not 1 and %d",
			   (unsigned long long)(after.packets - before.packets),
			   (unsigned long long)(after.bytes - before.bytes), TEST_FRAME_LEN);
	else
		c->tc_test_run_ok = true;
	if (!c->tc_test_run_ok)
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_TC_TEST_RUN),
				 "tc test run: %s", c->tc_test_run_error);
}

/* Loads the linear program for the loopback test run (what the verifier
 * says about it is the verdict's), then the tc program: check proves both
 * hooks. */
static void load(struct session *s, struct check_result *c)
{
	int lo = loopback();
	int err;

	c->load_tried = true;
	err = session_load(s);
	if (!err)
		err = session_load_iface(s, "lo", lo, s->plan.check_variant);
	if (s->obj) {
		c->object_byte_order = byte_order_name(s->obj->order);
		c->object_sha256 = s->obj->sha256;
	}
	if (s->counter && counter_prog_name(s->counter, lo))
		c->program = counter_prog_name(s->counter, lo);
	c->memlock_raised = s->plan.memlock == MEMLOCK_RAISE && (!err || s->obj);
	if (err) {
		/* Say it in the verdict, not as a crash: check reports */
		reason_set(c->load_error, sizeof(c->load_error), "%s",
			   s->counter && counter_verifier_log(s->counter)[0]
				 ? counter_verifier_log(s->counter) : failure_cause(STAGE_LOAD, err));
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_LOAD),
				 "loading the counter failed: %s", c->load_error);
		failure_clear();
		return;
	}
	c->loaded = true;
	c->insns = counter_insns(s->counter, lo);
	c->jited_len = counter_jited_len(s->counter, lo);
	test_run(s, c, lo);
	if (c->test_run_ok)
		tc_test_run(s, c, lo);
}

static void run_selftest(struct session *s, struct check_result *c, struct selftest_result *st)
{
	struct hook_ctx h = { .counter = s->counter,
			      .attach = s->plan.selftest_attach,
			      .tc_attach = s->plan.selftest_tc_attach };
	struct selftest_hooks hooks = { &h, hook_attach, hook_detach, hook_read,
					s->counter && counter_tc_prog_fd(s->counter, loopback()) >= 0,
					hook_attach_egress };

	memset(st, 0, sizeof(*st));
	c->selftest = st;
	if (!c->loaded) {
		snprintf(st->reason, sizeof(st->reason), "the counter did not load");
		return;
	}
	selftest_run(&hooks, 0, 0, st);
	if (!st->ran)
		return;
	if (!st->native.ok)
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_SELFTEST_XDP),
				 "selftest native: %s", st->native.reason);
	if (!st->generic.ok)
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_SELFTEST_XDP),
				 "selftest generic: %s", st->generic.reason);
	c->selftest_tc_attach = hooks.tc ? plan_attach_name(XDP_MODE_TC, h.tc_attach) : NULL;
	if (hooks.tc && !st->tc.ok)
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_SELFTEST_TC),
				 "selftest tc (%s): %s", c->selftest_tc_attach, st->tc.reason);
	if (st->egress.ran && !st->egress.ok)
		check_add_reason(c, plan_check_failed(&s->plan, CHECK_STEP_SELFTEST_EGRESS),
				 "selftest tc egress (%s): %s", c->selftest_tc_attach, st->egress.reason);
}

int cmd_check(const struct opts *o)
{
	static struct session s;
	static struct selftest_result st;
	static struct check_result c;
	static struct identity id;
	int err = session_plan(&s, o, IFACE_DEFAULT_CHECK, true);

	if (err)
		return err; /* bad usage: a missing interface, an unreadable --btf */
	memset(&c, 0, sizeof(c));
	identity_get(&id);
	c.id = &id;
	c.probe = &s.probe;
	c.plan = &s.plan;
	c.btf = &s.btf;
	c.verdict = s.plan.verdict;
	for (unsigned int i = 0; i < s.plan.n_reasons; i++)
		check_add_reason(&c, s.plan.verdict, "%s", s.plan.reasons[i]);
	if (object_select(&s.obj) == 0) { /* reported even when nothing loads */
		c.object_byte_order = byte_order_name(s.obj->order);
		c.object_sha256 = s.obj->sha256;
	}
	c.program = plan_variant_prog(s.plan.check_variant); /* what the test run loads */
	if (s.plan.verdict != VERDICT_INCOMPATIBLE)
		load(&s, &c);
	if (o->selftest)
		run_selftest(&s, &c, &st);
	if (o->json)
		check_print_json(stdout, &c);
	else
		check_print_human(stdout, &c);
	session_close(&s);
	if (c.verdict == VERDICT_INCOMPATIBLE)
		return EXIT_FAILURE_ENV;
	if (o->selftest && !st.ran && o->strict) {
		/* asked to prove it, strictly, and the proof did not run */
		log_msg(LOG_QUIET, "xdpcount: check --strict: the selftest did not run (%s)\n",
			st.reason[0] ? st.reason : "no reason given");
		return EXIT_DEGRADED;
	}
	if (c.verdict == VERDICT_DEGRADED && o->strict)
		return EXIT_DEGRADED;
	return 0;
}
