/*
 * tt_platform.h - the two things a test program needs from where it runs:
 * write a string, and stop with a status.
 *
 * Cortex-M (platform/cortexm/tt_semihost.c): ARM semihosting. Text goes out through
 * SYS_WRITE0, the one output call both QEMU and Renode implement; the status goes out
 * through SYS_EXIT_EXTENDED so QEMU's own exit status carries it.
 * Host (platform/host/tt_platform_host.c): fputs to stdout and exit().
 */
#ifndef TT_PLATFORM_H
#define TT_PLATFORM_H

#if defined(__GNUC__)
#define TT_NORETURN __attribute__((noreturn))
#else
#define TT_NORETURN
#endif

/* Exit statuses shared by every target; c_kernels/driver/run.py mirrors them. */
#define TT_EXIT_PASS 0  /* every check passed */
#define TT_EXIT_FAIL 1  /* at least one check failed */
#define TT_EXIT_ERROR 2 /* the test program misused the harness (bad tensor, bad index) */
#define TT_EXIT_FAULT 3 /* a CPU fault or unexpected exception (Cortex-M only) */

/* Name of the target the program was built for; build.py defines it. */
#ifndef TT_TARGET
#define TT_TARGET "unknown"
#endif

/* Writes a NUL-terminated string as is (no newline added). */
void tt_platform_write(const char *s);

/* Ends the program with `status`; never returns. */
void tt_platform_exit(int status) TT_NORETURN;

#endif /* TT_PLATFORM_H */
