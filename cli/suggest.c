#include <string.h>

#include "cli/suggest.h"

#define MAXLEN 32

/* Optimal string alignment distance (Levenshtein with adjacent swaps). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int d[MAXLEN + 1][MAXLEN + 1];

	if (la > MAXLEN || lb > MAXLEN)
		return MAXLEN;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *suggest(const char *typo, const char *const *words, size_t n)
{
	const char *best = NULL;
	int best_d = 3, ties = 0;

	for (size_t i = 0; i < n; i++) {
		int dd = distance(typo, words[i]);

		if (dd == 0)
			return NULL;
		if (dd < best_d) {
			best = words[i];
			best_d = dd;
			ties = 0;
		} else if (best && dd == best_d && strcmp(best, words[i])) {
			ties++;
		}
	}
	/* a two-letter word is two edits from anything of two letters */
	if (best && (ties || (best_d >= (int)strlen(typo) && best_d > 1)))
		return NULL;
	return best;
}
