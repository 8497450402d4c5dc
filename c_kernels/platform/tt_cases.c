/* tt_cases.c - see tt_cases.h. */
#include "tt_cases.h"

#include "tt_harness.h"

size_t tt_dtype_size(tt_dtype_t dtype)
{
    switch (dtype) {
    case TT_I8:
    case TT_U8:
        return 1;
    case TT_I16:
        return 2;
    case TT_I32:
    case TT_U32:
        return 4;
    }
    return 0;
}

const char *tt_dtype_name(tt_dtype_t dtype)
{
    switch (dtype) {
    case TT_I8:
        return "i8";
    case TT_I16:
        return "i16";
    case TT_I32:
        return "i32";
    case TT_U8:
        return "u8";
    case TT_U32:
        return "u32";
    }
    return "?";
}

/* Caller has checked dtype. */
static int32_t tt_load(const void *data, tt_dtype_t dtype, uint32_t i)
{
    switch (dtype) {
    case TT_I8:
        return ((const int8_t *)data)[i];
    case TT_I16:
        return ((const int16_t *)data)[i];
    case TT_I32:
        return ((const int32_t *)data)[i];
    case TT_U8:
        return ((const uint8_t *)data)[i];
    case TT_U32:
        return (int32_t)((const uint32_t *)data)[i];
    }
    return 0;
}

int tt_tensor_valid(const tt_tensor_t *t, const char **why)
{
    const char *reason = NULL;
    uint32_t product = 1;
    uint8_t d;
    if (t == NULL) {
        reason = "tensor is NULL";
    } else if (tt_dtype_size(t->dtype) == 0) {
        reason = "unknown dtype";
    } else if (t->ndim > 4) {
        reason = "ndim > 4";
    } else {
        for (d = 0; d < t->ndim; ++d) {
            product *= t->shape[d];
        }
        if (product != t->count) {
            reason = "count differs from the product of shape";
        } else if (t->count > 0 && t->data == NULL) {
            reason = "data is NULL";
        }
    }
    if (why != NULL) {
        *why = reason;
    }
    return reason == NULL;
}

const tt_tensor_t *tt_find(const tt_tensor_t *list, uint16_t n, const char *name)
{
    uint16_t k;
    if (list == NULL || name == NULL) {
        return NULL;
    }
    for (k = 0; k < n; ++k) {
        if (tt_streq(list[k].name, name)) {
            return &list[k];
        }
    }
    return NULL;
}

int32_t tt_get(const tt_tensor_t *t, uint32_t i)
{
    if (t == NULL) {
        tt_fatal("tt_get: tensor is NULL");
    }
    if (tt_dtype_size(t->dtype) == 0 || t->data == NULL) {
        tt_fatal("tt_get: tensor has an unknown dtype or no data");
    }
    if (i >= t->count) {
        tt_fatal("tt_get: index out of range");
    }
    return tt_load(t->data, t->dtype, i);
}

int tt_compare(const char *suite, const char *case_id, const tt_tensor_t *expected,
               const void *actual, tt_dtype_t actual_dtype)
{
    const char *why = NULL;
    uint32_t differing, first;
    if (!tt_tensor_valid(expected, &why)) {
        tt_report_error(suite, case_id, why);
        return -1;
    }
    if (tt_dtype_size(actual_dtype) == 0) {
        tt_report_error(suite, case_id, "unknown dtype for the actual buffer");
        return -1;
    }
    if (actual == NULL && expected->count > 0) {
        tt_report_error(suite, case_id, "actual buffer is NULL");
        return -1;
    }
    differing = tt_count_differences(expected, actual, actual_dtype, &first);
    if (differing == 0) {
        return 0;
    }
    tt_report_mismatch(suite, case_id, expected->name, first, tt_load(expected->data, expected->dtype, first),
                       tt_load(actual, actual_dtype, first), differing, expected->count);
    return 1;
}

uint32_t tt_count_differences(const tt_tensor_t *expected, const void *actual, tt_dtype_t actual_dtype,
                              uint32_t *first)
{
    uint32_t i, differing = 0;
    *first = expected->count;
    for (i = 0; i < expected->count; ++i) {
        if (tt_load(expected->data, expected->dtype, i) != tt_load(actual, actual_dtype, i)) {
            if (differing == 0) {
                *first = i;
            }
            ++differing;
        }
    }
    return differing;
}

uint32_t tt_run_suite(const tt_suite_t *suite, tt_case_fn fn)
{
    uint32_t k;
    uint32_t failed = 0;
    uint32_t start = tt_lines_written();
    if (suite == NULL || fn == NULL || (suite->n_cases > 0 && suite->cases == NULL)) {
        tt_fatal("tt_run_suite: NULL suite, case table or case function");
    }
    for (k = 0; k < suite->n_cases; ++k) {
        int muted = tt_lines_written() - start >= TT_SUITE_DETAIL_LINES;
        int bad;
        tt_set_muted(muted);
        bad = fn(suite, &suite->cases[k]) != 0;
        tt_set_muted(0);
        if (bad) {
            ++failed;
            if (muted) {
                tt_report_failed(suite->name, suite->cases[k].id);
            }
        }
    }
    tt_report_summary(suite->name, suite->n_cases, suite->n_cases - failed, failed);
    return failed;
}
