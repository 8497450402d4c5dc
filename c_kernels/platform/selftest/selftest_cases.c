/*
 * Hand-written in the style of a generated golden header: const arrays, tensor tables,
 * case table, suite. Three cases:
 *   add_i8       a + b for int8 inputs, int16 output (the self-test computes it)
 *   widen        extreme values of every dtype, to check tt_get and formatting
 *   deliberate   an expected tensor the self-test compares against a wrong buffer
 */
#include "selftest_cases.h"

static const int8_t add_i8_a[6] = {-128, -1, 0, 1, 100, 127};
static const int8_t add_i8_b[6] = {-128, -2, 0, 5, 100, 127};
static const int16_t add_i8_sum[6] = {-256, -3, 0, 6, 200, 254};

static const tt_tensor_t add_i8_inputs[2] = {
    {"a", TT_I8, 2, {2, 3, 0, 0}, 6, add_i8_a},
    {"b", TT_I8, 2, {2, 3, 0, 0}, 6, add_i8_b},
};
static const tt_tensor_t add_i8_outputs[1] = {
    {"sum", TT_I16, 2, {2, 3, 0, 0}, 6, add_i8_sum},
};

static const int8_t widen_i8[2] = {-128, 127};
static const int16_t widen_i16[2] = {-32768, 32767};
static const int32_t widen_i32[4] = {(-2147483647 - 1), 2147483647, -1, 0};
static const uint8_t widen_u8[2] = {0, 255};
static const uint32_t widen_u32[2] = {0u, 4294967295u};

static const tt_tensor_t widen_inputs[5] = {
    {"i8", TT_I8, 1, {2, 0, 0, 0}, 2, widen_i8},
    {"i16", TT_I16, 1, {2, 0, 0, 0}, 2, widen_i16},
    {"i32", TT_I32, 2, {2, 2, 0, 0}, 4, widen_i32},
    {"u8", TT_U8, 1, {2, 0, 0, 0}, 2, widen_u8},
    {"u32", TT_U32, 1, {2, 0, 0, 0}, 2, widen_u32},
};
static const tt_tensor_t widen_outputs[1] = {
    {"i32_copy", TT_I32, 2, {2, 2, 0, 0}, 4, widen_i32},
};

static const int32_t deliberate_expected[3] = {1, 2, 3};
static const tt_tensor_t deliberate_outputs[1] = {
    {"deliberately_wrong", TT_I32, 1, {3, 0, 0, 0}, 3, deliberate_expected},
};

static const tt_case_t selftest_cases[3] = {
    {"add_i8", 2, add_i8_inputs, 1, add_i8_outputs},
    {"widen", 5, widen_inputs, 1, widen_outputs},
    {"deliberate", 0, NULL, 1, deliberate_outputs},
};

const tt_suite_t selftest_suite = {"platform_selftest", 3, selftest_cases};
