/* The run command's decisions that need no kernel: how a refusing plan
 * becomes the one failure line and its exit code. */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "run/run.h"
#include "cli/errors.h"
#include "plan/plan.h"
#include "plan/reason.h"
#include "probe/probe.h"
#include "probe/sys.h"
#include "tests/unit/check.h"

/* -m tc --attach link on a kernel without tcx: the plan refuses with
 * REFUSE_ATTACH; the run must record -ENOLINK with a message and exit 1, not
 * return a positive ENOLINK (67 as an exit code, no message). */
static void test_strict_link_refusal_is_a_negative_errno_with_a_message(void)
{
	static struct plan plan;
	struct failure_info fi;

	for (int tc = 0; tc <= 1; tc++) {
		memset(&plan, 0, sizeof(plan));
		plan.n_ifaces = 1;
		snprintf(plan.ifaces[0].name, sizeof(plan.ifaces[0].name), "eth0");
		plan.ifaces[0].mode = tc ? XDP_MODE_TC : XDP_MODE_NATIVE;
		plan.ifaces[0].attach = ATTACH_LINK;
		plan.ifaces[0].refuse = true;
		plan.ifaces[0].refusal = REFUSE_ATTACH;
		snprintf(plan.ifaces[0].reason, sizeof(plan.ifaces[0].reason),
			 "no tcx on this kernel (6.6+); use --attach netlink");
		failure_clear();
		CHECK_EQ_INT(run_refusal(&plan), -ENOLINK);
		CHECK(failure_get(&fi));
		CHECK_EQ_INT(fi.exit_code, EXIT_FAILURE_ENV);
		CHECK_EQ_STR(fi.errno_name, "ENOLINK");
		CHECK(strstr(fi.message, "eth0") != NULL);
		CHECK(strstr(fi.message, "--attach netlink") != NULL);
	}
}

/* Clears caps from the effective set (the permitted set keeps them).
 * 0 or -errno. */
static int drop_effective(uint64_t caps)
{
	struct probe_capsets c;
	int err = probe_sys_capget(&c);

	if (err)
		return err;
	c.eff &= ~caps;
	return probe_sys_capset(&c);
}

/* An EPERM met after the run dropped its capabilities is advised on what it
 * held before the drop (CAP_BPF + CAP_NET_ADMIN held: something else
 * refuses), not on what is left after it ("run as root"). */
static void test_privilege_advice_is_about_the_capabilities_held_before_the_drop(void)
{
	uint64_t eff;
	bool userns;
	struct failure_info fi;

	if (probe_caps_now(&eff, &userns) || userns ||
	    !(eff >> CAP_BPF & 1 && eff >> CAP_NET_ADMIN & 1 && eff >> CAP_SYS_ADMIN & 1)) {
		printf("skipped: needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN\n");
		return;
	}
	failure_held_caps(0, eff, userns); /* as main() does */
	CHECK_EQ_INT(drop_effective(1ULL << CAP_BPF | 1ULL << CAP_NET_ADMIN |
				    1ULL << CAP_SYS_ADMIN), 0);
	failure_clear();
	fail(STAGE_READ, -EPERM, "eth0", NULL);
	CHECK(failure_get(&fi));
	CHECK(strstr(fi.message, "the capabilities are held") != NULL);
	CHECK(strstr(fi.message, "run as root") == NULL);
}

/* An incompatible plan fails with the errno its first reason names (the
 * JSON error's errno was EOPNOTSUPP beside a message about EPERM). */
static void test_incompatible_plan_fails_with_the_errno_of_its_reason(void)
{
	static struct plan plan;
	struct failure_info fi;

	memset(&plan, 0, sizeof(plan));
	plan.verdict = VERDICT_INCOMPATIBLE;
	plan.verdict_err = -EPERM;
	plan.n_reasons = 1;
	snprintf(plan.reasons[0], sizeof(plan.reasons[0]), "bpf() is not allowed (EPERM): ...");
	failure_clear();
	CHECK_EQ_INT(run_refusal(&plan), -EPERM);
	CHECK(failure_get(&fi));
	CHECK_EQ_STR(fi.errno_name, "EPERM");
	CHECK_EQ_STR(fi.code, "incompatible");
	plan.verdict_err = 0; /* no errno behind it: the plan says no */
	failure_clear();
	CHECK_EQ_INT(run_refusal(&plan), -EOPNOTSUPP);
}

/* The error event's "errno" and the plan's reasons spell an errno the same
 * way, from one table (they had a list each: EMEDIUMTYPE was "errno124" in
 * the event, ENODATA "errno 61" in a reason). */
static void test_errno_names_are_one_table_for_events_and_reasons(void)
{
	struct failure_info fi;
	char eb[24];

	for (const struct enum_name *e = errno_names; e->name; e++) {
		failure_clear();
		fail(STAGE_ATTACH, -e->value, "eth0", "test");
		CHECK(failure_get(&fi));
		CHECK_EQ_STR(fi.errno_name, e->name);
		if (e->value != ECANCELED) /* a probe left out: "not probed" */
			CHECK_EQ_STR(plan_errno_name(-e->value, eb, sizeof(eb)), e->name);
	}
	CHECK_EQ_STR(plan_errno_name(-ENODATA, eb, sizeof(eb)), "ENODATA");
	failure_clear();
	fail(STAGE_ATTACH, -EMEDIUMTYPE, "eth0", "test");
	CHECK(failure_get(&fi));
	CHECK_EQ_STR(fi.errno_name, "EMEDIUMTYPE");
	CHECK_EQ_STR(plan_errno_name(-ECANCELED, eb, sizeof(eb)), "not probed");
	CHECK_EQ_STR(plan_errno_name(-4000, eb, sizeof(eb)), "errno 4000");
	failure_clear();
	fail(STAGE_ATTACH, -4000, "eth0", "test");
	CHECK(failure_get(&fi));
	CHECK_EQ_STR(fi.errno_name, "errno4000");
	failure_clear();
}

int main(void)
{
	test_errno_names_are_one_table_for_events_and_reasons();
	test_incompatible_plan_fails_with_the_errno_of_its_reason();
	test_privilege_advice_is_about_the_capabilities_held_before_the_drop();
	test_strict_link_refusal_is_a_negative_errno_with_a_message();
	CHECK_DONE();
}
