/* Argument parsing: what the command line promises. */
#include "cli/errors.h"
#include "cli/opts.h"
#include "cli/suggest.h"
#include "tests/unit/check.h"

/* opts keeps pointers into argv (o->ifaces): the words are copied to an
 * array that outlives the ARGV() compound literal, which ends with the block
 * of the CHECK that holds it. */
static int parse(unsigned int mask, struct opts *o, int argc, char **argv)
{
	static char *kept[32];

	for (int i = 0; i <= argc && i < 32; i++)
		kept[i] = argv[i];
	failure_clear();
	return opts_parse(argc, kept, mask, o);
}

#define ARGV(...) (char *[]){ __VA_ARGS__, NULL }
#define ARGC(...) (int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *))
#define PARSE(mask, o, ...) parse(mask, o, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static void test_defaults_are_auto_one_second_forever(void)
{
	struct opts o;

	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount"), 0);
	CHECK_EQ_INT(o.mode, XDP_MODE_AUTO);
	CHECK_EQ_INT(o.attach, ATTACH_AUTO);
	CHECK(o.interval == 1.0);
	CHECK_EQ_INT(o.count, 0);
	CHECK_EQ_INT(o.n_ifaces, 0);
	CHECK(!o.json);
}

static void test_all_run_options_and_interfaces(void)
{
	struct opts o;

	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-m", "native", "--attach", "netlink", "-i", "0.25",
			   "-c", "3", "-j", "eth0", "eth1"), 0);
	CHECK_EQ_INT(o.mode, XDP_MODE_NATIVE);
	CHECK_EQ_INT(o.attach, ATTACH_NETLINK);
	CHECK(o.interval == 0.25);
	CHECK_EQ_INT(o.count, 3);
	CHECK(o.json);
	CHECK_EQ_INT(o.n_ifaces, 2);
	CHECK_EQ_STR(o.ifaces[0], "eth0");
	CHECK_EQ_STR(o.ifaces[1], "eth1");
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "--attach", "shared", "eth0"), 0);
	CHECK_EQ_INT(o.attach, ATTACH_SHARED);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "--attach", "shared", "-m", "tc", "eth0"), 0);
	CHECK_EQ_INT(o.mode, XDP_MODE_TC);
}

static void test_long_forms_and_options_after_interfaces(void)
{
	struct opts o;

	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "veth0", "--mode=generic", "--interval", "3600",
			   "--count=1", "--json"), 0);
	CHECK_EQ_INT(o.mode, XDP_MODE_GENERIC);
	CHECK(o.interval == 3600);
	CHECK_EQ_INT(o.n_ifaces, 1);
	CHECK_EQ_STR(o.ifaces[0], "veth0");
}

static void test_bad_values_are_usage_errors(void)
{
	struct opts o;

	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-m", "turbo") < 0);
	CHECK_EQ_INT(failure_report(), EXIT_USAGE);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", "0") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", "3600.5") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", "-1") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", "1s") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", "nan") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-c", "0") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-c", "-5") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--attach", "ebpf") < 0);
	/* --attach shared chooses the hook: not with an XDP mode */
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--attach", "shared", "-m", "native") < 0);
	CHECK_EQ_INT(failure_report(), EXIT_USAGE);
	CHECK(PARSE(CMD_CHECK, &o, "xdpcount", "-m", "generic", "--attach=shared") < 0);
	CHECK_EQ_INT(failure_report(), EXIT_USAGE);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--frobnicate") < 0);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i") < 0);
	CHECK_EQ_INT(failure_report(), EXIT_USAGE);
}

/* Decimal numbers only (strtod would take hex, exponents, signs, spaces),
 * and an interval of at least 0.01 s. */
static void test_numbers_are_plain_decimals(void)
{
	static const char *const bad_intervals[] = {
		"0x10", "4e-324", "1e3", "+1", " 1", "1 ", "0.001", "0.009", "inf", "1..2", ".",
		"", "١", "0,5",
	};
	static const char *const bad_counts[] = { "+3", " 3", "0x3", "3.0", "1e2", "", "18446744073709551616" };
	struct opts o;

	for (size_t i = 0; i < sizeof(bad_intervals) / sizeof(bad_intervals[0]); i++) {
		CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i", (char *)bad_intervals[i]) < 0);
		CHECK_EQ_INT(failure_report(), EXIT_USAGE);
	}
	for (size_t i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++)
		CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-c", (char *)bad_counts[i]) < 0);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-i", "0.01"), 0);
	CHECK(o.interval == 0.01);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-i", ".5"), 0);
	CHECK(o.interval == 0.5);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-i", "10."), 0);
	CHECK(o.interval == 10);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-c", "007"), 0);
	CHECK_EQ_INT(o.count, 7);
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--btf", "") < 0);
	CHECK_EQ_INT(failure_report(), EXIT_USAGE);
}

static void test_options_belong_to_their_commands(void)
{
	struct opts o;

	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--strict") < 0);
	CHECK_EQ_INT(PARSE(CMD_CHECK, &o, "check", "--strict", "--selftest", "--json"), 0);
	CHECK(o.strict && o.selftest && o.json);
	CHECK(PARSE(CMD_CHECK, &o, "check", "-c", "3") < 0);
	CHECK_EQ_INT(PARSE(CMD_OBJECTS, &o, "objects", "--dump", "big"), 0);
	CHECK_EQ_STR(o.dump, "big");
	CHECK(PARSE(CMD_OBJECTS, &o, "objects", "--dump", "middle") < 0);
}

static void test_verbosity(void)
{
	struct opts o;

	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-vv"), 0);
	CHECK_EQ_INT(o.verbosity, 2);
	CHECK_EQ_INT(PARSE(CMD_RUN, &o, "xdpcount", "-q"), 0);
	CHECK_EQ_INT(o.verbosity, -1);
}

/* The message of the recorded failure contains want. */
static int message_has(const char *want)
{
	struct failure_info fi;

	return failure_get(&fi) && strstr(fi.message, want) != NULL;
}

/* --help=x names --help and says it takes no value, not "-h needs one". */
static void test_a_value_for_an_option_without_one_names_it(void)
{
	struct opts o;

	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--help=x") < 0);
	CHECK(message_has("option '--help' takes no value (got '--help=x')"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--version=x") < 0);
	CHECK(message_has("option '--version' takes no value"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--json=1") < 0);
	CHECK(message_has("option '--json' takes no value"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--keep=1") < 0); /* abbreviated */
	CHECK(message_has("option '--keep-going' takes no value"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "lo", "--mode") < 0);
	CHECK(message_has("option '--mode' needs a value"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "-i") < 0);
	CHECK(message_has("option '-i' needs a value"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--frobnicate") < 0);
	CHECK(message_has("unknown or ambiguous option '--frobnicate'"));
}

/* Issue 24: a near miss is answered with the nearest option, an option of
 * another command with that command. */
static void test_near_misses_and_options_of_other_commands(void)
{
	struct opts o;
	const char *cmds[] = { "run", "check", "objects", "detach", "status", "help" };

	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--jsn") < 0);
	CHECK(message_has("unknown option '--jsn' (did you mean '--json'?)"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--intreval=2") < 0);
	CHECK(message_has("unknown option '--intreval=2' (did you mean '--interval'?)"));
	CHECK(PARSE(CMD_RUN, &o, "xdpcount", "--selftest") < 0);
	CHECK(message_has("'--selftest' is not an option of run but of check (xdpcount check "
			  "--selftest)"));
	CHECK(PARSE(CMD_CHECK, &o, "check", "-c", "3") < 0);
	CHECK(message_has("'-c' is not an option of check but of run (xdpcount run --count N)"));
	CHECK(PARSE(CMD_DETACH, &o, "detach", "--json") < 0);
	CHECK(message_has("'--json' is not an option of detach but of run"));
	CHECK(PARSE(CMD_STATUS, &o, "status", "--du", "big") < 0); /* abbreviated */
	CHECK(message_has("'--dump' is not an option of status but of objects"));
	CHECK_EQ_STR(suggest("chekc", cmds, 6), "check");
	CHECK_EQ_STR(suggest("stauts", cmds, 6), "status");
	CHECK_EQ_STR(suggest("hlep", cmds, 6), "help");
	CHECK(suggest("check", cmds, 6) == NULL); /* itself */
	CHECK(suggest("eth0", cmds, 6) == NULL);
	CHECK(suggest("lo", cmds, 6) == NULL);
}

/* `xdpcount -j -i 0.5 status`: where the command word is. */
static void test_the_first_word_after_options(void)
{
	CHECK_EQ_INT(opts_first_word(ARGC("x", "-j", "status"), ARGV("x", "-j", "status")), 2);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "-i", "0.5", "status"), ARGV("x", "-i", "0.5", "status")), 3);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "-ji", "1", "lo"), ARGV("x", "-ji", "1", "lo")), 3);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "-c3", "lo"), ARGV("x", "-c3", "lo")), 2);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "--mode", "tc", "lo"), ARGV("x", "--mode", "tc", "lo")), 3);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "--mode=tc", "lo"), ARGV("x", "--mode=tc", "lo")), 2);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "--inter", "2", "lo"), ARGV("x", "--inter", "2", "lo")), 3);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "--", "status"), ARGV("x", "--", "status")), 2);
	CHECK_EQ_INT(opts_first_word(ARGC("x", "-j"), ARGV("x", "-j")), 2);
}

int main(void)
{
	test_near_misses_and_options_of_other_commands();
	test_the_first_word_after_options();
	test_a_value_for_an_option_without_one_names_it();
	test_defaults_are_auto_one_second_forever();
	test_all_run_options_and_interfaces();
	test_long_forms_and_options_after_interfaces();
	test_bad_values_are_usage_errors();
	test_numbers_are_plain_decimals();
	test_options_belong_to_their_commands();
	test_verbosity();
	CHECK_DONE();
}
