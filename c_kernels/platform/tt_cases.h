/*
 * tt_cases.h - the data model golden-vector headers are emitted into.
 *
 * A suite holds cases; a case holds named input and output tensors; a tensor is a
 * typed, shaped, read-only array. The emitter writes const tables of these structs,
 * a test program feeds the inputs to a kernel and checks its outputs with tt_compare.
 * Everything is const, so tables live in flash on a microcontroller.
 */
#ifndef TT_CASES_H
#define TT_CASES_H

#include <stddef.h>
#include <stdint.h>

typedef enum { TT_I8 = 1, TT_I16 = 2, TT_I32 = 3, TT_U8 = 4, TT_U32 = 5 } tt_dtype_t;

/* count must equal the product of shape[0..ndim); ndim is 0 (scalar, count 1) to 4. */
typedef struct {
    const char *name;
    tt_dtype_t dtype;
    uint8_t ndim;
    uint16_t shape[4];
    uint32_t count;
    const void *data;
} tt_tensor_t;

typedef struct {
    const char *id;
    uint16_t n_inputs;
    const tt_tensor_t *inputs;
    uint16_t n_outputs;
    const tt_tensor_t *outputs;
} tt_case_t;

typedef struct {
    const char *name;
    uint32_t n_cases;
    const tt_case_t *cases;
} tt_suite_t;

/* Tensor named `name` in list[0..n), or NULL if absent. */
const tt_tensor_t *tt_find(const tt_tensor_t *list, uint16_t n, const char *name);

/* Element i widened to int32. TT_U32 values above INT32_MAX come back as their
 * two's-complement bit pattern. A NULL tensor, unknown dtype or i >= count is a bug in
 * the test program: it is reported and the program exits with TT_EXIT_ERROR. */
int32_t tt_get(const tt_tensor_t *t, uint32_t i);

/* Compares expected->count elements of `actual` (read as actual_dtype) against
 * `expected`, value by value after widening to int32, so an int8 golden can check an
 * int32 buffer. A difference is one MISMATCH line (tt_report_mismatch: the first
 * differing element and how many differ) and returns 1; returns 0 if equal; returns -1
 * after an ERROR line if an argument is invalid. */
int tt_compare(const char *suite, const char *case_id, const tt_tensor_t *expected,
               const void *actual, tt_dtype_t actual_dtype);

/* The number of the expected->count elements that differ, without a line; the first
 * differing index in *first (expected->count when none). Arguments as tt_compare has
 * checked them: a valid expected tensor, a known actual_dtype, actual non-NULL. */
uint32_t tt_count_differences(const tt_tensor_t *expected, const void *actual, tt_dtype_t actual_dtype,
                              uint32_t *first);

/* ---- helpers beyond the emitted shape ---- */

/* Bytes per element (1, 2 or 4), or 0 for an unknown dtype. */
size_t tt_dtype_size(tt_dtype_t dtype);

/* "i8", "i16", "i32", "u8", "u32", or "?" for an unknown dtype. */
const char *tt_dtype_name(tt_dtype_t dtype);

/* 1 if the tensor is well formed: known dtype, ndim <= 4, count equal to the product of
 * the shape, data non-NULL when count > 0. Otherwise 0, with the reason in *why. */
int tt_tensor_valid(const tt_tensor_t *t, const char **why);

/* Runs one case; returns 0 if it passed. */
typedef int (*tt_case_fn)(const tt_suite_t *suite, const tt_case_t *c);

/* Runs fn on every case of the suite, prints the SUMMARY line and returns the number
 * of failed cases. A failing case does not stop the suite; once the suite has printed
 * TT_SUITE_DETAIL_LINES lines, later cases run muted and a failing one prints a FAILED line. */
uint32_t tt_run_suite(const tt_suite_t *suite, tt_case_fn fn);

#endif /* TT_CASES_H */
