/* The selector (plan/select.c): names, globs, --all and exclusions, in the
 * order the man page promises. */
#include "plan/select.h"
#include "tests/unit/check.h"

static bool pick(const struct selector *s, const char *name)
{
	return select_match(s, name, "veth", false, NULL);
}

static void test_names_and_globs_select_what_they_match(void)
{
	static const char *const inc[] = { "eth0", "veth*", "tap[0-9]" };
	struct selector s = { .include = inc, .n_include = 3 };

	CHECK(pick(&s, "eth0"));
	CHECK(!pick(&s, "eth01"));
	CHECK(pick(&s, "veth"));
	CHECK(pick(&s, "veth7a"));
	CHECK(pick(&s, "tap3"));
	CHECK(!pick(&s, "tap10"));
	CHECK(!pick(&s, "lo"));
	CHECK(select_follows(&s));
	s.n_include = 1; /* eth0 alone: strict names, no following */
	CHECK(!select_follows(&s));
	CHECK(select_is_pattern("eth[0-9]") && select_is_pattern("a?") && !select_is_pattern("eth0"));
}

static void test_exclusions_win_wherever_they_stand(void)
{
	static const char *const inc[] = { "veth*", "docker0" };
	static const char *const exc[] = { "veth9*", "docker*" };
	struct selector s = { .include = inc, .n_include = 2, .exclude = exc, .n_exclude = 2 };
	const char *why = NULL;

	CHECK(pick(&s, "veth1"));
	CHECK(!select_match(&s, "veth91", "veth", false, &why));
	CHECK(why && strstr(why, "veth9*"));
	CHECK(!pick(&s, "docker0")); /* named, and excluded: the exclusion wins */
	s.all = true;
	s.n_include = 0;
	CHECK(!pick(&s, "docker1"));
	CHECK(pick(&s, "eth0"));
}

static void test_all_leaves_out_loopback_and_ifb_unless_asked(void)
{
	static const char *const inc[] = { "lo", "ifb*" };
	struct selector s = { .all = true };
	const char *why = NULL;

	CHECK(select_follows(&s));
	CHECK(!select_match(&s, "lo", NULL, true, &why));
	CHECK(why && strstr(why, "loopback"));
	CHECK(!select_match(&s, "ifb0", "ifb", false, &why));
	CHECK(why && strstr(why, "ifb"));
	CHECK(select_match(&s, "br0", "bridge", false, NULL));
	CHECK(select_match(&s, "gre1", "gre", false, NULL));
	CHECK(select_match(&s, "bond0", "bond", false, NULL));
	CHECK(select_match(&s, "eth0", NULL, false, NULL));
	s.include = inc;
	s.n_include = 2;
	CHECK(select_match(&s, "lo", NULL, true, NULL));
	CHECK(select_match(&s, "ifb0", "ifb", false, NULL));
}

static void test_nothing_given_selects_nothing(void)
{
	struct selector s = { 0 };
	const char *why = NULL;

	CHECK(!select_match(&s, "eth0", NULL, false, &why));
	CHECK(why && strcmp(why, "not selected") == 0);
	CHECK(!select_follows(&s));
}

int main(void)
{
	test_names_and_globs_select_what_they_match();
	test_exclusions_win_wherever_they_stand();
	test_all_leaves_out_loopback_and_ifb_unless_asked();
	test_nothing_given_selects_nothing();
	CHECK_DONE();
}
