#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/errors.h"
#include "cli/opts.h"
#include "cli/suggest.h"
#include "metrics/metrics.h"

enum opt_id {
	OPT_MODE = 'm', OPT_INTERVAL = 'i', OPT_COUNT = 'c', OPT_JSON = 'j',
	OPT_QUIET = 'q', OPT_VERBOSE = 'v', OPT_HELP = 'h', OPT_VERSION = 'V', OPT_TIMESTAMPS = 't',
	OPT_ATTACH = 256, OPT_BTF, OPT_STRICT, OPT_SELFTEST, OPT_DUMP, OPT_KEEP_GOING,
	OPT_METRICS, OPT_TEXTFILE, OPT_DIRECTION, OPT_DISPATCHER_VERSION, OPT_ALL, OPT_EXCLUDE,
};

struct opt_def {
	const char *name;
	int id;
	int has_arg;
	unsigned int cmds;
	const char *arg;
	const char *help;
};

#define ALL (CMD_RUN | CMD_CHECK | CMD_OBJECTS | CMD_DETACH | CMD_STATUS)

static const struct opt_def opt_defs[] = {
	{ "mode", OPT_MODE, required_argument, CMD_RUN | CMD_CHECK, "MODE",
	  "auto|native|generic|tc (default auto). auto tries\n"
	  "driver (native) mode, and falls back to generic if\n"
	  "the driver refuses, saying why; an interface with\n"
	  "someone else's XDP program is counted at tc ingress\n"
	  "behind it (what it passes). native and generic are\n"
	  "strict (refused beside a foreign program); tc\n"
	  "counts at tc ingress everywhere" },
	{ "attach", OPT_ATTACH, required_argument, CMD_RUN | CMD_CHECK, "HOW",
	  "auto|link|netlink|dispatcher|shared (default\n"
	  "auto). auto holds XDP through libxdp's\n"
	  "multi-program dispatcher where the kernel and the\n"
	  "process can (CAP_SYS_ADMIN), so xdp-loader and\n"
	  "other libxdp users add their programs beside ours,\n"
	  "and joins one that is there; else our program\n"
	  "alone, as link and netlink ask: a link (5.9+)\n"
	  "vanishes with the process; netlink stays until\n"
	  "detached, so xdpcount detaches it on exit.\n"
	  "dispatcher asks for the dispatcher. shared never\n"
	  "blocks another XDP user: the dispatcher where it\n"
	  "can be, else tc ingress, never our program alone\n"
	  "(not with --mode native|generic). At tc, link is\n"
	  "tcx (6.6+) and netlink a clsact qdisc with a\n"
	  "cls_bpf filter" },
	{ "dispatcher-version", OPT_DISPATCHER_VERSION, required_argument, CMD_RUN | CMD_CHECK,
	  "2|3", "the protocol version of a dispatcher xdpcount\n"
	  "creates (2: libxdp 1.3-1.5; 3: libxdp 1.6+; each\n"
	  "refuses the other's); default: the host's libxdp\n"
	  "(a dispatcher running here, else libxdp.so.1.N,\n"
	  "else 2)" },
	{ "direction", OPT_DIRECTION, required_argument, CMD_RUN | CMD_CHECK, "DIR",
	  "in|out|both (default in): what interfaces receive\n"
	  "(XDP, or tc ingress), what they transmit (tc\n"
	  "egress: tcx, or clsact with a cls_bpf filter), or\n"
	  "both, each reported apart (rx and tx)" },
	{ "all", OPT_ALL, no_argument, CMD_RUN | CMD_CHECK, NULL,
	  "every interface of this network namespace but\n"
	  "loopback and ifb, and those that appear later\n"
	  "(bridges, bonds, VLANs, tunnels and interfaces\n"
	  "that are down count too; name one to add it)" },
	{ "exclude", OPT_EXCLUDE, required_argument, CMD_RUN | CMD_CHECK, "PATTERN",
	  "leave out the interfaces whose name matches\n"
	  "PATTERN (a shell glob; repeatable; as the\n"
	  "argument !PATTERN): exclusions win over names,\n"
	  "patterns and --all" },
	{ "interval", OPT_INTERVAL, required_argument, CMD_RUN, "SECONDS",
	  "report every SECONDS (default 1; decimal, from\n"
	  "0.01 to 3600)" },
	{ "count", OPT_COUNT, required_argument, CMD_RUN, "N", "stop after N reports" },
	{ "keep-going", OPT_KEEP_GOING, no_argument, CMD_RUN, NULL,
	  "when an interface (or our program on it) goes\n"
	  "away, report it and count on the others; exit 1\n"
	  "at the end (without it: exit 1 at once)" },
	{ "timestamps", OPT_TIMESTAMPS, no_argument, CMD_RUN, NULL,
	  "start each count line with the local time\n"
	  "(HH:MM:SS; JSON has its own time field)" },
	{ "json", OPT_JSON, no_argument, CMD_RUN | CMD_CHECK | CMD_OBJECTS | CMD_STATUS, NULL,
	  "JSON Lines on stdout: one event per line" },
	{ "metrics", OPT_METRICS, required_argument, CMD_RUN, "[ADDR:]PORT",
	  "serve Prometheus metrics at\n"
	  "http://ADDR:PORT/metrics (ADDR: IPv4, or IPv6 in\n"
	  "brackets; loopback when omitted; fd://N takes a\n"
	  "socket from systemd)" },
	{ "textfile", OPT_TEXTFILE, required_argument, CMD_RUN, "FILE",
	  "write the same metrics to FILE every interval\n"
	  "(atomically, for node_exporter's textfile\n"
	  "collector)" },
	{ "btf", OPT_BTF, required_argument, CMD_RUN | CMD_CHECK, "FILE",
	  "kernel BTF instead of /sys/kernel/btf/vmlinux\n"
	  "(parsed in full and reported; without it, check\n"
	  "reads only the header; the counter needs none)" },
	{ "strict", OPT_STRICT, no_argument, CMD_CHECK, NULL, "exit 3 when the verdict is degraded" },
	{ "selftest", OPT_SELFTEST, no_argument, CMD_CHECK, NULL,
	  "prove counting end to end on a veth pair in a\n"
	  "private network namespace (no host interface is\n"
	  "touched)" },
	{ "dump", OPT_DUMP, required_argument, CMD_OBJECTS, "little|big",
	  "write that raw BPF ELF object to stdout\n"
	  "(for bpftool or llvm-objdump)" },
	{ "quiet", OPT_QUIET, no_argument, ALL, NULL,
	  "only the counts, warnings and errors (no plan,\n"
	  "attach or detach lines)" },
	{ "verbose", OPT_VERBOSE, no_argument, ALL, NULL, "more detail on stderr; -vv adds libbpf's log" },
	{ "help", OPT_HELP, no_argument, ALL, NULL, "show this help" },
	{ "version", OPT_VERSION, no_argument, ALL, NULL,
	  "version, arch, libbpf version, and the sha256 of\n"
	  "each embedded BPF object (a JSON document with\n"
	  "--json)" },
	{ 0 },
};

/* What an option means for one command where that differs from its
 * opt_defs text (the first match wins). */
static const struct {
	const char *name;
	unsigned int cmds;
	const char *help;
} per_command[] = {
	{ "json", CMD_CHECK | CMD_STATUS | CMD_OBJECTS, "one JSON document on stdout" },
	{ "quiet", CMD_DETACH, "nothing on success; errors only" },
	{ "quiet", CMD_CHECK | CMD_STATUS | CMD_OBJECTS, "no notes on stderr; errors only" },
	{ "version", CMD_DETACH, "version, arch, libbpf version, and the sha256 of\n"
	  "each embedded BPF object" },
	{ 0 },
};

static const char *help_of(const struct opt_def *d, unsigned int cmd_mask)
{
	for (int i = 0; per_command[i].name; i++)
		if (per_command[i].cmds & cmd_mask && !strcmp(per_command[i].name, d->name))
			return per_command[i].help;
	return d->help;
}

static int parse_enum(const struct enum_name *table, const char *what, const char *arg)
{
	int v = enum_parse(table, arg);

	if (v < 0) {
		char names[128] = "";

		for (const struct enum_name *e = table; e->name; e++) {
			strncat(names, e->name, sizeof(names) - strlen(names) - 2);
			if (e[1].name)
				strncat(names, "|", sizeof(names) - strlen(names) - 1);
		}
		return fail(STAGE_USAGE, -EINVAL, NULL, "invalid %s '%s' (expected %s)", what, arg, names);
	}
	return v;
}

/* Plain decimal: digits, at most one '.', at least one digit; no sign,
 * exponent, hex, spaces, inf or nan (strtod takes them all). */
static bool plain_decimal(const char *s, bool dot_ok)
{
	bool digit = false, dot = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && dot_ok && !dot)
			dot = true;
		else
			return false;
	}
	return digit;
}

#define INTERVAL_MIN 0.01
#define INTERVAL_MAX 3600

static int parse_interval(const char *arg, double *out)
{
	double v = 0;

	if (plain_decimal(arg, true))
		v = strtod(arg, NULL);
	if (!(v >= INTERVAL_MIN && v <= INTERVAL_MAX))
		return fail(STAGE_USAGE, -EINVAL, NULL,
			    "invalid interval '%s' (expected decimal seconds from 0.01 to 3600, "
			    "e.g. 0.5)", arg);
	*out = v;
	return 0;
}

static int parse_count(const char *arg, unsigned long *out)
{
	unsigned long v = 0;

	errno = 0;
	if (plain_decimal(arg, false))
		v = strtoul(arg, NULL, 10);
	if (errno || v == 0)
		return fail(STAGE_USAGE, -EINVAL, NULL, "invalid count '%s' (expected a positive "
			    "decimal integer)", arg);
	*out = v;
	return 0;
}

static int add_exclude(struct opts *o, const char *pattern)
{
	if (!pattern[0])
		return fail(STAGE_USAGE, -EINVAL, NULL, "an exclusion cannot be empty");
	if (o->n_exclude >= OPTS_MAX_EXCLUDE)
		return fail(STAGE_USAGE, -EINVAL, NULL, "more than %d exclusions", OPTS_MAX_EXCLUDE);
	o->exclude[o->n_exclude++] = pattern;
	return 0;
}

static int apply(struct opts *o, int id, const char *arg)
{
	int v;

	switch (id) {
	case OPT_MODE:
		v = parse_enum(xdp_mode_names, "mode", arg);
		if (v < 0)
			return v;
		o->mode = (enum xdp_mode)v;
		return 0;
	case OPT_ATTACH:
		v = parse_enum(attach_kind_names, "attach method", arg);
		if (v < 0)
			return v;
		o->attach = (enum attach_kind)v;
		return 0;
	case OPT_DISPATCHER_VERSION:
		if (strcmp(arg, "2") && strcmp(arg, "3"))
			return fail(STAGE_USAGE, -EINVAL, NULL, "--dispatcher-version is 2 or 3, not "
				    "'%s'", arg);
		o->dispatcher_version = (unsigned int)(arg[0] - '0');
		return 0;
	case OPT_DIRECTION:
		v = parse_enum(direction_names, "direction", arg);
		if (v < 0)
			return v;
		o->direction = (enum direction)v;
		return 0;
	case OPT_INTERVAL: return parse_interval(arg, &o->interval);
	case OPT_COUNT: return parse_count(arg, &o->count);
	case OPT_JSON: o->json = true; return 0;
	case OPT_TIMESTAMPS: o->timestamps = true; return 0;
	case OPT_QUIET: o->verbosity = -1; return 0;
	case OPT_VERBOSE: o->verbosity = o->verbosity < 0 ? 1 : o->verbosity + 1; return 0;
	case OPT_HELP: o->help = true; return 0;
	case OPT_VERSION: o->version = true; return 0;
	case OPT_BTF:
		if (!arg[0])
			return fail(STAGE_USAGE, -EINVAL, NULL, "--btf needs a file name, not an empty "
				    "string");
		o->btf = arg;
		return 0;
	case OPT_STRICT: o->strict = true; return 0;
	case OPT_SELFTEST: o->selftest = true; return 0;
	case OPT_KEEP_GOING: o->keep_going = true; return 0;
	case OPT_ALL: o->all = true; return 0;
	case OPT_EXCLUDE:
		return add_exclude(o, arg);
	case OPT_METRICS: {
		struct sockaddr_storage ss;
		socklen_t len;
		int fd;

		if (metrics_parse_listen(arg, &ss, &len, &fd))
			return fail(STAGE_USAGE, -EINVAL, NULL,
				    "invalid --metrics '%s' (expected [ADDR:]PORT, e.g. 10937, 0.0.0.0:10937 or [::1]:10937, or fd://N)",
				    arg);
		o->metrics = arg;
		return 0;
	}
	case OPT_TEXTFILE:
		if (!*arg)
			return fail(STAGE_USAGE, -EINVAL, NULL, "--textfile needs a file name");
		o->textfile = arg;
		return 0;
	case OPT_DUMP:
		if (strcmp(arg, "little") && strcmp(arg, "big"))
			return fail(STAGE_USAGE, -EINVAL, NULL, "invalid --dump '%s' (expected little or big)", arg);
		o->dump = arg;
		return 0;
	}
	return fail(STAGE_USAGE, -EINVAL, NULL, "unknown option");
}

/* The long option that word (--NAME or --NAME=VALUE, NAME perhaps
 * abbreviated) names: the exact one, else the only one it begins; NULL when
 * none or several. */
static const struct option *long_named(const char *word, const struct option *longs)
{
	size_t len = strcspn(word + 2, "=");
	const struct option *found = NULL;

	for (const struct option *l = longs; l->name; l++) {
		if (strncmp(l->name, word + 2, len))
			continue;
		if (!l->name[len])
			return l;
		if (found)
			return NULL;
		found = l;
	}
	return found;
}

/* The commands of a CMD_* mask, as the user types them. */
static const char *const cmd_names[] = { "run", "check", "objects", "detach", "status" };

static const char *cmd_name(unsigned int mask)
{
	for (unsigned int i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (mask & 1u << i)
			return cmd_names[i];
	return "run";
}

/* An option of another command, named by its long name (exact or a unique
 * beginning) or its letter: "it belongs to check", with the command line
 * that takes it. */
static int elsewhere(const char *shown, const struct opt_def *d, unsigned int cmd_mask)
{
	const char *owner = cmd_name(d->cmds);

	return fail(STAGE_USAGE, -EINVAL, NULL,
		    "%s is not an option of %s but of %s (xdpcount %s --%s%s%s)", shown,
		    cmd_name(cmd_mask), owner, owner, d->name, d->arg ? " " : "",
		    d->arg ? d->arg : "");
}

/* The option of opt_defs that --NAME[=VALUE] names (exact, or the only one
 * NAME begins), leaving out those of the commands in skip; NULL if none. */
static const struct opt_def *def_named(const char *word, unsigned int skip)
{
	size_t len = strcspn(word + 2, "=");
	const struct opt_def *found = NULL;

	for (const struct opt_def *d = opt_defs; d->name; d++) {
		if (d->cmds & skip || strncmp(d->name, word + 2, len))
			continue;
		if (!d->name[len])
			return d;
		if (found)
			return NULL;
		found = d;
	}
	return found;
}

/* getopt's '?' (unknown, or a value where none is taken) and ':' (no value
 * where one is needed), named as the user wrote the option. */
static int bad_option(const char *word, int c, const struct option *longs, const char *shorts,
		      unsigned int cmd_mask)
{
	if (word[0] == '-' && word[1] == '-') {
		const struct option *l = long_named(word, longs);
		const char *names[sizeof(opt_defs) / sizeof(opt_defs[0])], *near;
		const struct opt_def *d;
		char typo[64];
		size_t n = 0;

		if (l && l->has_arg == no_argument && strchr(word, '='))
			return fail(STAGE_USAGE, -EINVAL, NULL, "option '--%s' takes no value (got '%s')",
				    l->name, word);
		if (l && l->has_arg == required_argument && c == ':')
			return fail(STAGE_USAGE, -EINVAL, NULL, "option '--%s' needs a value", l->name);
		d = l ? NULL : def_named(word, cmd_mask);
		if (d) {
			char shown[64];

			snprintf(shown, sizeof(shown), "'--%s'", d->name);
			return elsewhere(shown, d, cmd_mask);
		}
		for (const struct option *k = longs; k->name; k++)
			names[n++] = k->name;
		snprintf(typo, sizeof(typo), "%.*s", (int)strcspn(word + 2, "="), word + 2);
		near = l ? NULL : suggest(typo, names, n);
		if (near)
			return fail(STAGE_USAGE, -EINVAL, NULL,
				    "unknown option '%s' (did you mean '--%s'?)", word, near);
		return fail(STAGE_USAGE, -EINVAL, NULL, "unknown or ambiguous option '%s'", word);
	}
	if (optopt && optopt < 256) {
		if (c != ':' && !strchr(shorts, optopt))
			for (const struct opt_def *d = opt_defs; d->name; d++)
				if (d->id == optopt && !(d->cmds & cmd_mask)) {
					char shown[8];

					snprintf(shown, sizeof(shown), "'-%c'", optopt);
					return elsewhere(shown, d, cmd_mask);
				}
		return fail(STAGE_USAGE, -EINVAL, NULL, c == ':' || strchr(shorts, optopt)
			    ? "option '-%c' needs a value" : "unknown option '-%c'", optopt);
	}
	return fail(STAGE_USAGE, -EINVAL, NULL, "unknown or incomplete option '%s'", word);
}

int opts_parse(int argc, char **argv, unsigned int cmd_mask, struct opts *o)
{
	struct option longs[sizeof(opt_defs) / sizeof(opt_defs[0])];
	char shorts[64] = ":";
	int n = 0, c, err;

	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	for (const struct opt_def *d = opt_defs; d->name; d++) {
		if (!(d->cmds & cmd_mask))
			continue;
		longs[n++] = (struct option){ d->name, d->has_arg, NULL, d->id };
		if (d->id < 256) {
			size_t l = strlen(shorts);

			shorts[l] = (char)d->id;
			shorts[l + 1] = '\0';
			if (d->has_arg)
				strcat(shorts, ":");
		}
	}
	longs[n] = (struct option){ 0 };

	optind = 0; /* 0, not 1: a full reset, or getopt keeps a pointer into the last argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(optind - 1 < argc ? argv[optind - 1] : "", c, longs, shorts,
					  cmd_mask);
		err = apply(o, c, optarg);
		if (err)
			return err;
	}
	o->ifaces = argv + optind;
	o->n_ifaces = 0;
	for (int i = 0; i < argc - optind; i++) {
		char *arg = argv[optind + i];

		if (!arg[0])
			return fail(STAGE_USAGE, -EINVAL, NULL, "an interface name cannot be empty "
				    "(IFACE %d is '')", i + 1);
		/* run and check: !PATTERN is an exclusion (the selector's) */
		if (arg[0] == '!' && cmd_mask & (CMD_RUN | CMD_CHECK)) {
			err = add_exclude(o, arg + 1);
			if (err)
				return err;
			continue;
		}
		o->ifaces[o->n_ifaces++] = arg;
	}
	if (o->attach == ATTACH_SHARED && (o->mode == XDP_MODE_NATIVE || o->mode == XDP_MODE_GENERIC))
		return fail(STAGE_USAGE, -EINVAL, NULL, "--attach shared chooses the hook itself (XDP "
			    "through a dispatcher where one can be, else tc ingress): leave out "
			    "--mode %s", enum_name(xdp_mode_names, o->mode));
	if (o->n_exclude && !o->n_ifaces && !o->all)
		return fail(STAGE_USAGE, -EINVAL, NULL, "exclusions leave out interfaces of a "
			    "selection: add names, patterns or --all");
	return 0;
}

int opts_first_word(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "--"))
			return i + 1 < argc ? i + 1 : argc;
		if (w[0] != '-' || !w[1])
			return i;
		if (w[1] == '-') { /* --name, --name=value, --name value */
			const struct opt_def *d = def_named(w, 0);

			if (d && d->has_arg && !strchr(w, '='))
				i++;
			continue;
		}
		for (const char *p = w + 1; *p; p++) { /* -jc 3, -c3 */
			const struct opt_def *d = opt_defs;

			while (d->name && d->id != *p)
				d++;
			if (d->name && d->has_arg) {
				if (!p[1])
					i++;
				break;
			}
		}
	}
	return argc;
}

void opts_help(FILE *f, unsigned int cmd_mask)
{
	for (const struct opt_def *d = opt_defs; d->name; d++) {
		char left[48];
		const char *h = help_of(d, cmd_mask);

		if (!(d->cmds & cmd_mask))
			continue;
		if (d->id < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->id, d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name, d->arg ? " " : "",
				 d->arg ? d->arg : "");
		fprintf(f, "  %-26s ", left);
		/* continuation lines of the help are indented under the text */
		for (const char *p = h; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				fprintf(f, "  %-26s ", "");
		}
		fputc('\n', f);
	}
}
