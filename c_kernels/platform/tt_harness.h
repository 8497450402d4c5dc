/*
 * tt_harness.h - line-oriented test output without printf, malloc or float.
 *
 * Output is collected into one static line buffer and handed to the platform a whole
 * line at a time (one SYS_WRITE0 per line on Cortex-M), so lines never interleave and
 * Renode's terminal tester sees complete lines.
 *
 * Lines the Python driver (c_kernels/driver/output_parser.py) parses:
 *   MISMATCH suite=<s> case=<c> [step=<k>] tensor=<t> index=<i> expected=<e> actual=<a> differing=<n> of=<m>
 *   SUMMARY suite=<s> cases=<n> passed=<n> failed=<n>
 * A MISMATCH line names the first differing element of one output tensor and how many of its
 * m elements differ; step= appears while a multi-step case has set one (tt_set_step). Every
 * case of a suite runs whatever the earlier ones did, so each failing case has its own lines.
 * Once a suite has printed TT_SUITE_DETAIL_LINES lines, the lines of its later cases are
 * muted and each further failing case prints only
 *   FAILED suite=<s> case=<c>
 * so a wholly broken kernel costs a bounded detail plus one short line per case.
 *   ~~~ALL TESTS PASSED~~~   or   ~~~SOME TESTS FAILED~~~   (TFLite Micro convention)
 * and, from the fault handler, a line starting with "FAULT ".
 */
#ifndef TT_HARNESS_H
#define TT_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "tt_platform.h"

#define TT_PASS_LINE "~~~ALL TESTS PASSED~~~"
#define TT_FAIL_LINE "~~~SOME TESTS FAILED~~~"

/* Longest line emitted in one piece; longer text is split, never dropped. */
#define TT_LINE_MAX 200

/* Lines of failure detail one suite prints before its failing cases are named by a FAILED
 * line alone (tt_run_suite). Override with -DTT_SUITE_DETAIL_LINES=N. */
#ifndef TT_SUITE_DETAIL_LINES
#define TT_SUITE_DETAIL_LINES 64u
#endif

/* Buffer size that fits any tt_fmt_* result including the NUL. */
#define TT_FMT_BUF 12

/* Appends s (NULL prints "(null)"); a '\n' in s ends the line and emits it. */
void tt_write(const char *s);
/* Writes s followed by a newline, like puts. */
void tt_puts(const char *s);
/* Emits a partial line (ending it with '\n') if one is pending; no-op otherwise. */
void tt_flush(void);
/* While muted, tt_write drops its text (tt_run_suite mutes a suite's cases past its detail
 * budget; a fatal error or a fault unmutes first). */
void tt_set_muted(int muted);
/* Lines handed to the platform so far. */
uint32_t tt_lines_written(void);

/* Integer formatting: decimal without division (the M0+ has no divide instruction)
 * and hex as 0x%08x. Each writes a NUL-terminated string of at most TT_FMT_BUF bytes
 * into buf and returns its length without the NUL. */
size_t tt_fmt_u32(char *buf, uint32_t v);
size_t tt_fmt_i32(char *buf, int32_t v);
size_t tt_fmt_hex32(char *buf, uint32_t v);

void tt_write_u32(uint32_t v);
void tt_write_i32(int32_t v);
void tt_write_hex32(uint32_t v);

/* Returns 1 when a and b are equal strings (NULL equals only NULL). */
int tt_streq(const char *a, const char *b);

/* No step: a single-step case, or a multi-step case before its first step. */
#define TT_NO_STEP (-1)
/* The step of the running case that step= names on later failure lines (TT_NO_STEP: none). */
void tt_set_step(int32_t step);
int32_t tt_get_step(void);
/* Writes " step=<k>" when a step is set; for failure lines built outside this file. */
void tt_write_step(void);

/* One MISMATCH line; see the file comment for the format. index is the first differing
 * element, differing of count elements differ in all. */
void tt_report_mismatch(const char *suite, const char *case_id, const char *tensor,
                        uint32_t index, int32_t expected, int32_t actual, uint32_t differing,
                        uint32_t count);
/* One "FAILED suite=<s> case=<c>" line: a failing case whose detail lines were muted. */
void tt_report_failed(const char *suite, const char *case_id);
/* One SUMMARY line. */
void tt_report_summary(const char *suite, uint32_t cases, uint32_t passed, uint32_t failed);
/* One "ERROR suite=<s> case=<c> reason=<why>" line (bad arguments, bad tables). */
void tt_report_error(const char *suite, const char *case_id, const char *why);

/* Checks cond; when false prints "CHECK-FAILED <file>:<line> <expr>" and returns 0.
 * Use through TT_EXPECT. */
int tt_expect(int cond, const char *expr, const char *file, int line);
#define TT_EXPECT(cond) tt_expect((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

/* Prints "ERROR reason=<why>" and exits with TT_EXIT_ERROR: for harness misuse that
 * leaves no sensible value to return (tt_get out of range, unknown dtype). */
void tt_fatal(const char *why) TT_NORETURN;

/* Prints the pass line when failures == 0, the fail line otherwise, and exits with
 * TT_EXIT_PASS / TT_EXIT_FAIL. Declared int so `return tt_finish(n);` reads naturally
 * in main; it does not return. */
int tt_finish(int failures);

#endif /* TT_HARNESS_H */
