/* Stopping the counter: every catchable signal whose default action would end
 * the process stops it instead, so that it detaches first. From the stop on,
 * the output has a deadline: a blocked stdout cannot hold the exit. */
#ifndef XDPCOUNT_STOP_H
#define XDPCOUNT_STOP_H

#include <stdbool.h>

#define STOP_OUTPUT_DEADLINE_S 2

/* Catches INT, TERM, HUP, QUIT, USR1, USR2, ALRM, XCPU, XFSZ, VTALRM, PROF,
 * PWR, STKFLT, POLL and the real-time signals (the C library's own too);
 * ignores PIPE. ABRT, TRAP, BUS, SEGV, SYS, ILL and FPE sent by another
 * process stop us like those; raised by a fault of ours (or abort()), the
 * handler writes one line with the stop_note_left() text and the process
 * dies of the signal without detaching. 0 or -errno. */
int stop_install(void);
#define STOP_NOTE_LEN 1024
/* What stays attached if the process dies where no handler can detach
 * (NULL: nothing), in words, ending with how to remove it. */
void stop_note_left(const char *text);
/* The signal that asked us to stop, or 0. */
int stop_requested(void);
/* Starts the output deadline (the first stop signal also starts it); after
 * it, a SIGALRM every 50 ms interrupts any write that still blocks. */
void stop_arm_deadline(void);
/* Ends the deadline; true when it had passed. */
bool stop_disarm_deadline(void);
/* A signal that stops with exit 0 as documented (INT, TERM, HUP). */
bool stop_is_normal(int sig);
/* "SIGUSR1", "real-time signal N", or "signal N". */
const char *stop_signal_name(int sig);
/* Ends the process the way sig would have, now that we have cleaned up. */
void stop_reraise(int sig) __attribute__((noreturn));

#endif
