/* xdpcount: the command table, global setup, and the one place where a
 * failure becomes an exit code. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include <bpf/libbpf.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/opts.h"
#include "cli/suggest.h"
#include "run/run.h"
#include "loader/objects.h"
#include "report/build_report.h"
#include "report/report.h"
#include "log/log.h"
#include "loader/memlock.h"
#include "probe/probe.h"

struct command {
	const char *name;
	int (*fn)(const struct opts *o);
	unsigned int mask;
	const char *args;
	const char *summary;
};

static const struct command commands[] = {
	{ "run", run_count, CMD_RUN, "[OPTIONS] [IFACE...]",
	  "count packets and bytes per interface (the default)" },
	{ "check", cmd_check, CMD_CHECK, "[OPTIONS] [IFACE...]",
	  "probe the kernel and plan without attaching; print a verdict" },
	{ "objects", cmd_objects, CMD_OBJECTS, "[OPTIONS]",
	  "list the embedded BPF objects, or dump one" },
	{ "detach", cmd_detach, CMD_DETACH, "IFACE...",
	  "remove a leftover xdpcount program (after kill -9)" },
	{ "status", cmd_status, CMD_STATUS, "[--json] [IFACE...]",
	  "the XDP and tc programs attached, ours and others' (read-only)" },
	{ 0 },
};

static void help(const struct command *c)
{
	FILE *f = stdout;

	if (!c || c->fn == run_count) {
		fputs("xdpcount: count packets with XDP, using the cheapest path this kernel allows.\n\n"
		      "Usage: xdpcount [run] [OPTIONS] [IFACE...]\n"
		      "       xdpcount check [OPTIONS] [IFACE...]\n"
		      "       xdpcount objects [--json] [--dump little|big]\n"
		      "       xdpcount detach IFACE...\n"
		      "       xdpcount status [--json] [IFACE...]\n\n"
		      "With no IFACE, run counts on the interface of the IPv4 default route.\n"
		      "An IFACE is a name, a shell glob ('veth*', 'eth[0-9]') or an exclusion\n"
		      "('!docker*', as --exclude); --all selects every interface but loopback\n"
		      "and ifb. Exclusions win. With a glob or --all, interfaces that appear\n"
		      "later are counted from their attach, and one that goes away is reported\n"
		      "lost while counting goes on; check checks what run would count on.\n"
		      "Every interval it prints, per interface, the packets and bytes seen since\n"
		      "attach and the rates over the interval. SIGINT, SIGTERM or SIGHUP detaches,\n"
		      "prints the totals and exits 0.\n\nCommands:\n", f);
		for (const struct command *k = commands; k->name; k++)
			fprintf(f, "  %-8s %s\n", k->name, k->summary);
		fprintf(f, "  %-8s %s\n", "help", "this help, or a command's (xdpcount help check)");
		fputs("\nOptions of run:\n", f);
		opts_help(f, CMD_RUN);
		fputs("\nExamples:\n"
		      "  xdpcount                      count on the default-route interface\n"
		      "  xdpcount -i 0.5 eth0 eth1     two interfaces, a report every 0.5 s\n"
		      "  xdpcount -j -c 10 eth0        ten JSON Lines reports, then stop\n"
		      "  xdpcount check --json         can this machine run it, and how?\n"
		      "  xdpcount check --selftest     prove it on a private veth pair\n\n"
		      "Exit codes: 0 ok; 1 the environment or kernel refused; 2 bad usage;\n"
		      "3 check --strict found a degraded setup.\n"
		      "See `xdpcount help COMMAND` (or `xdpcount COMMAND --help`) for the other\n"
		      "commands. Options may come before or after the command.\n", f);
		return;
	}
	fprintf(f, "Usage: xdpcount %s %s\n\n%c%s.\n\nOptions:\n", c->name, c->args,
		toupper((unsigned char)c->summary[0]), c->summary + 1);
	opts_help(f, c->mask);
	if (c->fn == cmd_check)
		fputs("\nExit codes: 0 ok or degraded; 1 incompatible; 2 bad usage;\n"
		      "3 degraded with --strict.\n", f);
}

static const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* The command nearest to a mistyped one (chekc: check), or NULL. */
static const char *near_command(const char *word)
{
	const char *names[sizeof(commands) / sizeof(commands[0]) + 1];
	size_t n = 0;

	for (const struct command *c = commands; c->name; c++)
		names[n++] = c->name;
	names[n++] = "help";
	return suggest(word, names, n);
}

/* `xdpcount stauts`: neither a command nor an interface here. */
static int unknown_word(const char *word)
{
	const char *near = near_command(word);

	if (near)
		return fail(STAGE_USAGE, -EINVAL, NULL,
			    "unknown command or interface '%s' (did you mean '%s'?)", word, near);
	return fail(STAGE_USAGE, -EINVAL, NULL, "unknown command or interface '%s'", word);
}

static int finish(int ret, bool json);

/* "run, check, objects, detach and status", from the table. */
static const char *command_list(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (const struct command *c = commands; c->name && at < len; c++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", c == commands ? ""
							     : c[1].name ? ", " : " and ", c->name);
	return buf;
}

/* xdpcount help [COMMAND] */
static int help_command(int argc, char **argv)
{
	const struct command *c;
	const char *near;
	char list[128];

	if (argc == 1) {
		help(NULL);
		return finish(0, false);
	}
	c = find_command(argv[1]);
	if (c && argc == 2) {
		help(c);
		return finish(0, false);
	}
	if (c)
		return finish(fail(STAGE_USAGE, -EINVAL, NULL, "help takes one COMMAND (got '%s' "
				   "after %s)", argv[2], argv[1]), false);
	near = near_command(argv[1]);
	if (near && strcmp(near, "help"))
		return finish(fail(STAGE_USAGE, -EINVAL, NULL, "unknown command '%s' (did you mean "
				   "'%s'?)", argv[1], near), false);
	return finish(fail(STAGE_USAGE, -EINVAL, NULL, "unknown command '%s' (the commands are "
			   "%s)", argv[1], command_list(list, sizeof(list))), false);
}

/* In --json mode a failure is also one {"event":"error"} line on stdout, so
 * that a pipeline reading only stdout learns why it stopped. */
static void error_event(void)
{
	struct failure_info fi;

	if (!failure_get(&fi))
		return;
	report_error_event(stdout, fi.code, fi.errno_name, fi.exit_code, fi.message);
}

static int finish(int ret, bool json)
{
	/* Flush stdout at exit and fail loudly on a write error. */
	if (fflush(stdout) || ferror(stdout)) {
		if (ret == 0 || ret > 0)
			fail(STAGE_OUTPUT, errno ? -errno : -EIO, NULL, NULL);
		ret = -EIO;
	}
	if (ret < 0 && json)
		error_event();
	if (ret < 0)
		return failure_report();
	return ret;
}

/* Was --json (or -j) on a command line that did not parse? */
static bool json_asked(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			return true;
	return false;
}

/* A privilege error is advised on the capabilities held at start, not on
 * what is left after a run dropped some. */
static void held_caps(void)
{
	uint64_t eff = 0;
	bool userns = false;
	int err = probe_caps_now(&eff, &userns);

	failure_held_caps(err, eff, userns);
}

int main(int argc, char **argv)
{
	const struct command *cmd = &commands[0];
	struct opts o;
	int ret;

	if (argc > 1 && argv[1][0] == '-') {
		/* `xdpcount -j status`: options before the command are the command's */
		int first = opts_first_word(argc, argv);

		if (first < argc && strcmp(argv[first - 1], "--") && argv[first][0] &&
		    (find_command(argv[first]) || !strcmp(argv[first], "help"))) {
			char *word = argv[first];

			memmove(argv + 2, argv + 1, (size_t)(first - 1) * sizeof(*argv));
			argv[1] = word;
		} else if (first < argc && strcmp(argv[first - 1], "--") &&
			   near_command(argv[first]) && !if_nametoindex(argv[first]) &&
			   errno == ENODEV) {
			return finish(unknown_word(argv[first]), json_asked(argc, argv));
		}
	}
	if (argc > 1 && !strcmp(argv[1], "help"))
		return help_command(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] && argv[1][0] != '-') { /* '' is for opts_parse to refuse */
		const struct command *c = find_command(argv[1]);

		if (c) {
			cmd = c;
			argc--;
			argv++;
		} else if (!if_nametoindex(argv[1]) && errno == ENODEV) {
			/* `xdpcount stauts`: neither a command nor an interface here */
			return finish(unknown_word(argv[1]), json_asked(argc, argv));
		}
	}
	ret = opts_parse(argc, argv, cmd->mask, &o);
	if (!ret && o.n_ifaces && !strstr(cmd->args, "IFACE"))
		ret = fail(STAGE_USAGE, -EINVAL, NULL, "%s takes no IFACE (got '%s')", cmd->name,
			   o.ifaces[0]);
	if (ret)
		return finish(ret, json_asked(argc, argv));
	if (o.help) {
		help(cmd == &commands[0] && argc == 1 ? NULL : cmd);
		return finish(0, false);
	}
	if (o.version) {
		version_print(stdout, o.json);
		return finish(0, false);
	}
	log_set_level(o.verbosity);
	log_route_libbpf();
	memlock_libbpf_off();
	held_caps();
	return finish(cmd->fn(&o), o.json);
}
