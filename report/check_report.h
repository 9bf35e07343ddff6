/* The result of `xdpcount check`, and its human and JSON forms. */
#ifndef XDPCOUNT_CHECK_REPORT_H
#define XDPCOUNT_CHECK_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "btf/btf.h"
#include "report/identity.h"
#include "plan/plan.h"
#include "probe/probe.h"
#include "selftest/selftest.h"

struct check_result {
	const struct identity *id; /* NULL: not reported */
	const struct probe *probe;
	const struct plan *plan;
	const struct btf_report *btf;
	enum verdict verdict;      /* the plan's, lowered by what load/test found */
	unsigned int n_reasons;
	char reasons[PLAN_MAX_REASONS + 4][PLAN_REASON_LEN];

	const char *object_byte_order, *object_sha256; /* NULL: none selected */
	const char *program;       /* the variant's program name */
	bool memlock_raised;

	bool load_tried, loaded;
	unsigned int insns;
	unsigned int jited_len;  /* bytes of JIT-compiled code, 0: interpreted */
	char load_error[PLAN_REASON_LEN];

	bool test_run_tried, test_run_ok;
	uint32_t test_run_retval;
	char test_run_error[PLAN_REASON_LEN];
	bool tc_test_run_tried, tc_test_run_ok; /* the tc program, same frame */
	char tc_test_run_error[PLAN_REASON_LEN];

	const struct selftest_result *selftest; /* NULL: not asked for */
	const char *selftest_tc_attach; /* "tcx" or "clsact" when the tc case ran */
};

void check_add_reason(struct check_result *c, enum verdict at_least, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_print_json(FILE *f, const struct check_result *c);
void check_print_human(FILE *f, const struct check_result *c);

#endif
