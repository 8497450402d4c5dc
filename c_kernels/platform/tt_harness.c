/* tt_harness.c - see tt_harness.h. No stdio, malloc, float or division here, so the
 * same file builds for the host and for every Cortex-M core. */
#include "tt_harness.h"

static char tt_line[TT_LINE_MAX + 1];
static size_t tt_line_len;
static int tt_muted;
static uint32_t tt_lines;

static void tt_emit_line(void)
{
    tt_line[tt_line_len] = '\0';
    tt_platform_write(tt_line);
    tt_line_len = 0;
    ++tt_lines;
}

void tt_set_muted(int muted)
{
    tt_flush();
    tt_muted = muted;
}

uint32_t tt_lines_written(void)
{
    return tt_lines;
}

void tt_write(const char *s)
{
    if (tt_muted) {
        return;
    }
    if (s == NULL) {
        s = "(null)";
    }
    for (; *s != '\0'; ++s) {
        tt_line[tt_line_len++] = *s;
        if (*s == '\n' || tt_line_len == TT_LINE_MAX) {
            tt_emit_line();
        }
    }
}

void tt_puts(const char *s)
{
    tt_write(s);
    tt_write("\n");
}

void tt_flush(void)
{
    if (tt_line_len > 0) {
        tt_write("\n");
    }
}

/* Powers of ten for division-free decimal conversion. */
static const uint32_t tt_pow10[10] = {
    1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
    10000u,      1000u,      100u,      10u,      1u,
};

size_t tt_fmt_u32(char *buf, uint32_t v)
{
    size_t n = 0;
    size_t k;
    for (k = 0; k < 10; ++k) {
        char digit = '0';
        while (v >= tt_pow10[k]) {
            v -= tt_pow10[k];
            ++digit;
        }
        /* Skip leading zeros but always keep the units digit. */
        if (digit != '0' || n > 0 || k == 9) {
            buf[n++] = digit;
        }
    }
    buf[n] = '\0';
    return n;
}

size_t tt_fmt_i32(char *buf, int32_t v)
{
    if (v < 0) {
        buf[0] = '-';
        /* Unsigned negation is defined for INT32_MIN too. */
        return 1 + tt_fmt_u32(buf + 1, 0u - (uint32_t)v);
    }
    return tt_fmt_u32(buf, (uint32_t)v);
}

size_t tt_fmt_hex32(char *buf, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    size_t k;
    buf[0] = '0';
    buf[1] = 'x';
    for (k = 0; k < 8; ++k) {
        buf[2 + k] = digits[(v >> (28u - 4u * (uint32_t)k)) & 0xFu];
    }
    buf[10] = '\0';
    return 10;
}

void tt_write_u32(uint32_t v)
{
    char buf[TT_FMT_BUF];
    (void)tt_fmt_u32(buf, v);
    tt_write(buf);
}

void tt_write_i32(int32_t v)
{
    char buf[TT_FMT_BUF];
    (void)tt_fmt_i32(buf, v);
    tt_write(buf);
}

void tt_write_hex32(uint32_t v)
{
    char buf[TT_FMT_BUF];
    (void)tt_fmt_hex32(buf, v);
    tt_write(buf);
}

int tt_streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

static int32_t tt_step = TT_NO_STEP;

void tt_set_step(int32_t step)
{
    tt_step = step < 0 ? TT_NO_STEP : step;
}

int32_t tt_get_step(void)
{
    return tt_step;
}

void tt_write_step(void)
{
    if (tt_step != TT_NO_STEP) {
        tt_write(" step=");
        tt_write_i32(tt_step);
    }
}

void tt_report_mismatch(const char *suite, const char *case_id, const char *tensor,
                        uint32_t index, int32_t expected, int32_t actual, uint32_t differing,
                        uint32_t count)
{
    tt_flush();
    tt_write("MISMATCH suite=");
    tt_write(suite);
    tt_write(" case=");
    tt_write(case_id);
    tt_write_step();
    tt_write(" tensor=");
    tt_write(tensor);
    tt_write(" index=");
    tt_write_u32(index);
    tt_write(" expected=");
    tt_write_i32(expected);
    tt_write(" actual=");
    tt_write_i32(actual);
    tt_write(" differing=");
    tt_write_u32(differing);
    tt_write(" of=");
    tt_write_u32(count);
    tt_write("\n");
}

void tt_report_failed(const char *suite, const char *case_id)
{
    tt_flush();
    tt_write("FAILED suite=");
    tt_write(suite);
    tt_write(" case=");
    tt_write(case_id);
    tt_write("\n");
}

void tt_report_summary(const char *suite, uint32_t cases, uint32_t passed, uint32_t failed)
{
    tt_flush();
    tt_write("SUMMARY suite=");
    tt_write(suite);
    tt_write(" cases=");
    tt_write_u32(cases);
    tt_write(" passed=");
    tt_write_u32(passed);
    tt_write(" failed=");
    tt_write_u32(failed);
    tt_write("\n");
}

void tt_report_error(const char *suite, const char *case_id, const char *why)
{
    tt_flush();
    tt_write("ERROR suite=");
    tt_write(suite);
    tt_write(" case=");
    tt_write(case_id);
    tt_write(" reason=");
    tt_write(why);
    tt_write("\n");
}

int tt_expect(int cond, const char *expr, const char *file, int line)
{
    if (cond) {
        return 1;
    }
    tt_flush();
    tt_write("CHECK-FAILED ");
    tt_write(file);
    tt_write(":");
    tt_write_i32((int32_t)line);
    tt_write(" ");
    tt_write(expr);
    tt_write("\n");
    return 0;
}

void tt_fatal(const char *why)
{
    tt_set_muted(0);
    tt_write("ERROR reason=");
    tt_write(why);
    tt_write("\n");
    tt_platform_exit(TT_EXIT_ERROR);
}

int tt_finish(int failures)
{
    tt_flush();
    tt_puts(failures == 0 ? TT_PASS_LINE : TT_FAIL_LINE);
    tt_platform_exit(failures == 0 ? TT_EXIT_PASS : TT_EXIT_FAIL);
}
