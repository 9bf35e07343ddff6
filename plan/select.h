/* Which interfaces a run counts on (and check checks): the selector of the
 * command line, as a pure rule over an interface's name and kind.
 *
 *   xdpcount [run|check] [--all] [--exclude PATTERN]... [NAME|PATTERN|!PATTERN]...
 *
 * An interface is selected when it is named, matches a PATTERN (a shell
 * glob: fnmatch(3), `veth*`, `eth[0-9]`), or --all is given; and it matches
 * no exclusion (--exclude PATTERN, or an argument !PATTERN). Exclusions win
 * whatever their place on the command line. --all leaves out loopback and
 * ifb devices (ifb carries frames that other interfaces received: counting
 * it counts them twice) unless a name or pattern asks for them; bridges,
 * bonds, VLANs, tunnels and interfaces that are down are counted (each
 * counts the frames its own hook sees; a down one from when it is up).
 *
 * Names alone (no pattern, no --all) are strict, as they always were: each
 * must exist at start, and one that goes away stops the run (unless
 * --keep-going). A pattern or --all follows the node: interfaces that appear
 * later, or are renamed into the selector, are attached within one
 * interval; one that goes away is reported lost and counting goes on; one
 * renamed out of the selector is detached. */
#ifndef XDPCOUNT_SELECT_H
#define XDPCOUNT_SELECT_H

#include <stdbool.h>

struct selector {
	bool all;                   /* --all */
	const char *const *include; /* names and patterns, in order */
	int n_include;
	const char *const *exclude; /* --exclude and !PATTERN, without the '!' */
	int n_exclude;
};

/* Does arg hold a glob character (* ? [)? */
bool select_is_pattern(const char *arg);
/* Does the selector follow the node (a pattern or --all), rather than name
 * interfaces alone? */
bool select_follows(const struct selector *s);
/* Is the interface named name (kind: IFLA_INFO_KIND, "" or NULL for none;
 * loopback: IFF_LOOPBACK) selected? When it is not and why is given, *why
 * says why in a few words ("excluded by 'docker*'", "loopback (--all leaves
 * it out)", "not selected"). */
bool select_match(const struct selector *s, const char *name, const char *kind, bool loopback,
		  const char **why);

#endif
