#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "plan/select.h"

bool select_is_pattern(const char *arg)
{
	return strpbrk(arg, "*?[") != NULL;
}

bool select_follows(const struct selector *s)
{
	if (s->all)
		return true;
	for (int i = 0; i < s->n_include; i++)
		if (select_is_pattern(s->include[i]))
			return true;
	return false;
}

static bool matches(const char *pattern, const char *name)
{
	return select_is_pattern(pattern) ? fnmatch(pattern, name, 0) == 0
					  : strcmp(pattern, name) == 0;
}

bool select_match(const struct selector *s, const char *name, const char *kind, bool loopback,
		  const char **why)
{
	static char buf[96];
	const char *dummy;
	bool asked = false;

	if (!why)
		why = &dummy;
	for (int i = 0; i < s->n_exclude; i++)
		if (matches(s->exclude[i], name)) {
			snprintf(buf, sizeof(buf), "excluded by '%.60s'", s->exclude[i]);
			*why = buf;
			return false;
		}
	for (int i = 0; i < s->n_include && !asked; i++)
		asked = matches(s->include[i], name);
	if (asked)
		return true;
	if (!s->all) {
		*why = "not selected";
		return false;
	}
	if (loopback) {
		*why = "loopback (--all leaves it out; name it to count it)";
		return false;
	}
	if (kind && strcmp(kind, "ifb") == 0) {
		*why = "ifb: its frames were received elsewhere (--all leaves it out; name it to count it)";
		return false;
	}
	return true;
}
