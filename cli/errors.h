/* The single place where -errno becomes the one-line human error and an exit
 * code. Commands record a failure with fail() where they give up; main()
 * prints it once. */
#ifndef XDPCOUNT_ERRORS_H
#define XDPCOUNT_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum stage {
	STAGE_USAGE,   /* bad command line: exit 2 */
	STAGE_IFACE,   /* looking up an interface */
	STAGE_PICK,    /* picking the default interface */
	STAGE_BTF,     /* --btf FILE */
	STAGE_OBJECT,  /* choosing or opening the embedded object */
	STAGE_BPF,     /* bpf() itself: missing or not allowed */
	STAGE_PLAN,    /* the plan says this cannot run */
	STAGE_MEMLOCK, /* raising RLIMIT_MEMLOCK */
	STAGE_LOAD,    /* loading through the verifier */
	STAGE_ATTACH,  /* attaching to an interface */
	STAGE_FOREIGN, /* an XDP program that is not ours is in the way */
	STAGE_READ,    /* reading the counters */
	STAGE_DETACH,  /* detaching */
	STAGE_OUTPUT,  /* writing to stdout */
	STAGE_SIGNAL,  /* setting up signal handling */
	STAGE_TC,      /* attaching at tc ingress (tcx or clsact) */
	STAGE_LOST,    /* what we counted went away while running */
	STAGE_LEFT,    /* a program stays where we cannot detach it */
	STAGE_STOPPED, /* a signal other than INT/TERM/HUP stopped us */
	STAGE_UNOWNED, /* detach: a program we cannot tell is ours stays */
	STAGE_METRICS, /* --metrics: the listener */
	STAGE_TEXTFILE, /* --textfile: writing the file */
};

enum exit_code { EXIT_OK = 0, EXIT_FAILURE_ENV = 1, EXIT_USAGE = 2, EXIT_DEGRADED = 3 };

/* Records the first failure and returns err (a negative errno, as every
 * function of the tree returns). subject names the object (an interface, a file) and may be NULL;
 * detail, when given, replaces the generic cause words. */
int fail(enum stage stage, int err, const char *subject, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prints the recorded failure as one line on stderr and returns its exit
 * code; returns EXIT_OK when nothing failed. */
int failure_report(void);
/* The recorded failure for machines: a stable code per stage ("attach",
 * "foreign_program", ...), the errno's symbolic name, the exit code and the
 * same one-line message as on stderr (without the "xdpcount: " prefix). */
struct failure_info {
	const char *code;
	char errno_name[16];
	int exit_code;
	char message[640];
};
/* Returns 1 and fills fi when a failure was recorded, else 0. */
int failure_get(struct failure_info *fi);
/* What to do about the failure just recorded, where the words of the advice
 * table for its stage and errno would be wrong (the pid that holds it, the
 * command for the mode in use). */
void failure_todo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Forgets a recorded failure (e.g. after a fallback handled it). */
void failure_clear(void);
/* The cause words for an errno (-errno) in a stage, e.g. for JSON "reason" fields. */
const char *failure_cause(enum stage stage, int err);
/* The capabilities this process held at start (probe_caps_now(): its
 * -errno, the effective set, a user namespace), for the advice of a
 * privilege error recorded later, after a run dropped some: main() records
 * them before a command runs. Unrecorded, the advice is the general one. */
void failure_held_caps(int err, uint64_t eff, bool userns);
/* Formats a failure as its one line (without "xdpcount: " and newline), as
 * failure_report() would print it, without recording it. */
void failure_format(char *buf, size_t len, enum stage stage, int err, const char *subject,
		    const char *detail);
/* Prints such a line on stderr now (a fault that --keep-going survives). */
void failure_note(enum stage stage, int err, const char *subject, const char *detail);

#endif
