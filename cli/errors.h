/* The single place where -errno becomes the one-line human error and an exit
 * code. Commands record a failure with fail() where they give up; main()
 * prints it once. */
#ifndef XDPCOUNT_ERRORS_H
#define XDPCOUNT_ERRORS_H

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
};

enum exit_code { EXIT_OK = 0, EXIT_FAILURE_ENV = 1, EXIT_USAGE = 2, EXIT_DEGRADED = 3 };

/* Records the first failure and returns -err (err is a positive or negative
 * errno). subject names the object (an interface, a file) and may be NULL;
 * detail, when given, replaces the generic cause words. */
int fail(enum stage stage, int err, const char *subject, const char *detail_fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prints the recorded failure as one line on stderr and returns its exit
 * code; returns EXIT_OK when nothing failed. */
int failure_report(void);
/* Forgets a recorded failure (e.g. after a fallback handled it). */
void failure_clear(void);
/* The cause words for an errno in a stage, e.g. for JSON "reason" fields. */
const char *failure_cause(enum stage stage, int err);

#endif
