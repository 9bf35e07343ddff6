/* Tiny unit-test macros. Each CHECK counts one assertion; a failure prints
 * file:line and what was compared, and the test carries on. CHECK_DONE()
 * prints the plain line "N passed, N failed" and returns from the calling
 * function (main) with 1 on any failure, 0 otherwise (", N skipped" too when
 * CHECK_SKIP_PART said so). CHECK_SKIP(reason) skips the whole test with exit
 * code 77 (the automake convention); CHECK_SKIP_PART(reason) one part of it
 * that this machine cannot run, printing "skipped: reason" (the closing lines
 * of tests/run-unit.sh and make test name it).
 *
 *	int main(void)
 *	{
 *		CHECK_EQ_INT(enum_parse(xdp_mode_names, "native"), XDP_MODE_NATIVE);
 *		CHECK_DONE();
 *	}
 */
#ifndef XDPCOUNT_TESTS_CHECK_H
#define XDPCOUNT_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_SKIP_CODE 77

static unsigned int check_passed_ __attribute__((unused));
static unsigned int check_failed_ __attribute__((unused));
static unsigned int check_skipped_ __attribute__((unused));

static inline int check_report_(int ok, const char *file, int line,
				const char *what)
{
	if (ok) {
		check_passed_++;
		return 1;
	}
	check_failed_++;
	fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, what);
	return 0;
}

#define CHECK(cond) check_report_(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_EQ_INT(a, b) do {						\
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);	\
	if (!check_report_(check_a_ == check_b_, __FILE__, __LINE__,	\
			   #a " == " #b))				\
		fprintf(stderr, "    got %lld, want %lld\n",		\
			check_a_, check_b_);				\
} while (0)

#define CHECK_EQ_U64(a, b) do {						\
	uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);	\
	if (!check_report_(check_a_ == check_b_, __FILE__, __LINE__,	\
			   #a " == " #b))				\
		fprintf(stderr, "    got %" PRIu64 ", want %" PRIu64 "\n", \
			check_a_, check_b_);				\
} while (0)

#define CHECK_EQ_STR(a, b) do {						\
	const char *check_a_ = (a), *check_b_ = (b);			\
	int check_ok_ = check_a_ && check_b_ &&				\
			strcmp(check_a_, check_b_) == 0;		\
	if (!check_report_(check_ok_, __FILE__, __LINE__, #a " == " #b)) \
		fprintf(stderr, "    got \"%s\", want \"%s\"\n",	\
			check_a_ ? check_a_ : "(null)",			\
			check_b_ ? check_b_ : "(null)");		\
} while (0)

#define CHECK_CONTAINS(haystack, needle) do {				\
	const char *check_h_ = (haystack), *check_n_ = (needle);	\
	int check_ok_ = check_h_ && check_n_ &&				\
			strstr(check_h_, check_n_) != NULL;		\
	if (!check_report_(check_ok_, __FILE__, __LINE__,		\
			   #haystack " contains " #needle))		\
		fprintf(stderr, "    \"%s\" lacks \"%s\"\n",		\
			check_h_ ? check_h_ : "(null)",			\
			check_n_ ? check_n_ : "(null)");		\
} while (0)

#define CHECK_DONE() do {						\
	if (check_skipped_)						\
		printf("%u passed, %u failed, %u skipped\n", check_passed_, \
		       check_failed_, check_skipped_);			\
	else								\
		printf("%u passed, %u failed\n", check_passed_,	\
		       check_failed_);					\
	fflush(stdout);							\
	return check_failed_ ? 1 : 0;					\
} while (0)

#define CHECK_SKIP_PART(reason) do {					\
	check_skipped_++;						\
	printf("skipped: %s\n", (reason));				\
} while (0)

#define CHECK_SKIP(reason) do {						\
	printf("SKIP: %s\n", (reason));					\
	fflush(stdout);							\
	exit(CHECK_SKIP_CODE);						\
} while (0)

#endif
