/* Command-line options: one table serves parsing and --help. */
#ifndef XDPCOUNT_OPTS_H
#define XDPCOUNT_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "plan/plan.h"

/* Which commands accept an option. */
enum {
	CMD_RUN = 1 << 0,
	CMD_CHECK = 1 << 1,
	CMD_OBJECTS = 1 << 2,
	CMD_DETACH = 1 << 3,
	CMD_STATUS = 1 << 4,
};

#define OPTS_MAX_EXCLUDE 32

struct opts {
	enum xdp_mode mode;
	enum attach_kind attach;
	unsigned int dispatcher_version; /* --dispatcher-version, 0: the default */
	enum direction direction; /* IN (default), OUT or BOTH */
	double interval;        /* seconds, (0, 3600] */
	unsigned long count;    /* reports before stopping; 0: until a signal */
	bool json, strict, selftest, help, version;
	bool timestamps;        /* run: each count line starts with the local time */
	bool keep_going;        /* run: an interface lost while counting stops only itself */
	int verbosity;          /* -1 quiet, 0 normal, 1 -v, 2 -vv */
	const char *btf;        /* --btf FILE */
	const char *dump;       /* objects --dump little|big */
	const char *metrics;    /* --metrics [ADDR:]PORT | fd://N */
	const char *textfile;   /* --textfile FILE */
	/* The selector (plan/select.h): names and patterns, --all, and the
	 * exclusions (--exclude PATTERN, or the argument !PATTERN). */
	char **ifaces;
	int n_ifaces;
	bool all;
	const char *exclude[OPTS_MAX_EXCLUDE];
	int n_exclude;
};

/* Parses argv (argv[0] is the command name) for a command in cmd_mask.
 * Returns 0 or -EINVAL, having recorded the usage failure. */
int opts_parse(int argc, char **argv, unsigned int cmd_mask, struct opts *o);
/* The index of the first word of argv[1..argc) that is neither an option
 * (of any command) nor an option's value; argc when there is none. */
int opts_first_word(int argc, char **argv);
/* Writes the help of one command (or the overview with cmd_mask 0). */
void opts_help(FILE *f, unsigned int cmd_mask);

#endif
