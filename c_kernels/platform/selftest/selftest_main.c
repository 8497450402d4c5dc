/*
 * Platform self-test: exercises the harness and the case model on every target.
 *
 * Expected output (checked by tests/kernels/test_platform.py):
 *   TARGET <name>
 *   MISMATCH suite=platform_selftest case=deliberate tensor=deliberately_wrong index=2
 *            expected=3 actual=4 differing=1 of=3   (one line; the harness catching a wrong value)
 *   SUMMARY suite=platform_selftest cases=3 passed=3 failed=0
 *   ~~~ALL TESTS PASSED~~~
 * Built with -DTT_SELFTEST_INJECT_FAILURE, the add_i8 result is corrupted at index 4
 * and the program must report it and end with ~~~SOME TESTS FAILED~~~, status 1.
 */
#include "selftest_cases.h"
#include "tt_harness.h"

/* Volatile so they stay in RAM: .data must hold its initial value (copied from flash by
 * the reset handler; QEMU loads it only at its flash load address), .bss must read 0. */
static volatile uint32_t data_probe = 0xC0FFEE42u;
static volatile uint32_t bss_probe;

static int check_startup(void)
{
    int ok = 1;
    ok &= TT_EXPECT(data_probe == 0xC0FFEE42u);
    ok &= TT_EXPECT(bss_probe == 0u);
    data_probe = 7u;
    bss_probe = 9u;
    ok &= TT_EXPECT(data_probe == 7u && bss_probe == 9u);
    return ok;
}

static int check_formatting(void)
{
    char buf[TT_FMT_BUF];
    int ok = 1;
    ok &= TT_EXPECT(tt_fmt_i32(buf, 0) == 1 && tt_streq(buf, "0"));
    ok &= TT_EXPECT(tt_fmt_i32(buf, -7) == 2 && tt_streq(buf, "-7"));
    ok &= TT_EXPECT(tt_fmt_i32(buf, (-2147483647 - 1)) == 11 && tt_streq(buf, "-2147483648"));
    ok &= TT_EXPECT(tt_fmt_i32(buf, 2147483647) == 10 && tt_streq(buf, "2147483647"));
    ok &= TT_EXPECT(tt_fmt_u32(buf, 4294967295u) == 10 && tt_streq(buf, "4294967295"));
    ok &= TT_EXPECT(tt_fmt_u32(buf, 1000000000u) == 10 && tt_streq(buf, "1000000000"));
    ok &= TT_EXPECT(tt_fmt_u32(buf, 10u) == 2 && tt_streq(buf, "10"));
    ok &= TT_EXPECT(tt_fmt_hex32(buf, 0xDEADBEEFu) == 10 && tt_streq(buf, "0xdeadbeef"));
    ok &= TT_EXPECT(tt_fmt_hex32(buf, 0x1u) == 10 && tt_streq(buf, "0x00000001"));
    return ok;
}

static int check_model(void)
{
    static const int32_t three[3] = {1, 2, 3};
    const tt_tensor_t bad_count = {"bad", TT_I32, 1, {2, 0, 0, 0}, 3, three};
    const tt_tensor_t bad_dtype = {"bad", (tt_dtype_t)9, 1, {3, 0, 0, 0}, 3, three};
    const char *why = NULL;
    int ok = 1;
    ok &= TT_EXPECT(tt_dtype_size(TT_I8) == 1 && tt_dtype_size(TT_I16) == 2);
    ok &= TT_EXPECT(tt_dtype_size(TT_U32) == 4 && tt_dtype_size((tt_dtype_t)0) == 0);
    ok &= TT_EXPECT(tt_streq(tt_dtype_name(TT_U8), "u8"));
    ok &= TT_EXPECT(!tt_tensor_valid(&bad_count, &why) && why != NULL);
    ok &= TT_EXPECT(!tt_tensor_valid(&bad_dtype, &why) && why != NULL);
    ok &= TT_EXPECT(tt_find(selftest_suite.cases[0].inputs, 2, "missing") == NULL);
    ok &= TT_EXPECT(tt_find(NULL, 0, "a") == NULL);
    return ok;
}

static int run_add_i8(const tt_suite_t *suite, const tt_case_t *c)
{
    const tt_tensor_t *a = tt_find(c->inputs, c->n_inputs, "a");
    const tt_tensor_t *b = tt_find(c->inputs, c->n_inputs, "b");
    const tt_tensor_t *sum = tt_find(c->outputs, c->n_outputs, "sum");
    int16_t out[6];
    uint32_t i;
    if (!TT_EXPECT(a != NULL && b != NULL && sum != NULL && a->count == 6 && b->count == 6)) {
        return 1;
    }
    for (i = 0; i < a->count; ++i) {
        out[i] = (int16_t)(tt_get(a, i) + tt_get(b, i));
    }
#ifdef TT_SELFTEST_INJECT_FAILURE
    out[4] = (int16_t)(out[4] + 1);
#endif
    return tt_compare(suite->name, c->id, sum, out, TT_I16) != 0;
}

static int run_widen(const tt_suite_t *suite, const tt_case_t *c)
{
    const tt_tensor_t *t = c->inputs;
    const tt_tensor_t *u32 = tt_find(t, c->n_inputs, "u32");
    /* The int8 inputs checked against int32 buffers: widening compares values. */
    const int32_t i8_as_i32[2] = {-128, 127};
    int ok = 1;
    ok &= TT_EXPECT(tt_get(tt_find(t, c->n_inputs, "i8"), 0) == -128);
    ok &= TT_EXPECT(tt_get(tt_find(t, c->n_inputs, "i16"), 0) == -32768);
    ok &= TT_EXPECT(tt_get(tt_find(t, c->n_inputs, "i16"), 1) == 32767);
    ok &= TT_EXPECT(tt_get(tt_find(t, c->n_inputs, "i32"), 0) == (-2147483647 - 1));
    ok &= TT_EXPECT(tt_get(tt_find(t, c->n_inputs, "u8"), 1) == 255);
    ok &= TT_EXPECT(u32 != NULL && tt_get(u32, 1) == -1); /* bit pattern */
    ok &= TT_EXPECT(tt_compare(suite->name, c->id, tt_find(t, c->n_inputs, "i8"), i8_as_i32,
                               TT_I32) == 0);
    ok &= TT_EXPECT(tt_compare(suite->name, c->id, &c->outputs[0],
                               tt_find(t, c->n_inputs, "i32")->data, TT_I32) == 0);
    return !ok;
}

static int run_deliberate(const tt_suite_t *suite, const tt_case_t *c)
{
    /* The harness must catch this: the last element differs. */
    static const int32_t wrong[3] = {1, 2, 4};
    return !TT_EXPECT(tt_compare(suite->name, c->id, &c->outputs[0], wrong, TT_I32) == 1);
}

static int run_case(const tt_suite_t *suite, const tt_case_t *c)
{
    if (tt_streq(c->id, "add_i8")) {
        return run_add_i8(suite, c);
    }
    if (tt_streq(c->id, "widen")) {
        return run_widen(suite, c);
    }
    if (tt_streq(c->id, "deliberate")) {
        return run_deliberate(suite, c);
    }
    tt_report_error(suite->name, c->id, "no runner for this case");
    return 1;
}

int main(void)
{
    int failures = 0;
    tt_puts("TARGET " TT_TARGET);
    failures += !check_startup();
    failures += !check_formatting();
    failures += !check_model();
    failures += (int)tt_run_suite(&selftest_suite, run_case);
    return tt_finish(failures);
}
