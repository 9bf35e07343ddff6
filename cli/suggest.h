/* "Did you mean": the nearest of a few known words to a mistyped one. */
#ifndef XDPCOUNT_SUGGEST_H
#define XDPCOUNT_SUGGEST_H

#include <stddef.h>

/* The word of words[0..n) nearest to typo (one edit per letter added,
 * removed, changed, or two neighbours swapped), if it is at most 2 edits
 * away and nearer than any other (and not typo itself); else NULL. */
const char *suggest(const char *typo, const char *const *words, size_t n);

#endif
