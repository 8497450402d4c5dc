/*
 * tt_conf.h - what the conformance runners share: case context, tensor lookup with
 * dtype/shape checks, the static arena, kernel status checks and output comparison.
 *
 * A runner has the signature of tt_conf_runner_fn and the shape
 *
 *     int tt_run_case_foo(const tt_case_t *c, const char *suite)
 *     {
 *         tt_conf_begin(c, suite);
 *         ... tt_conf_input / tt_conf_header / tt_conf_copy_* / kernel / tt_conf_check ...
 *         return tt_conf_end();
 *     }
 *
 * Every helper reports its own failure (one ERROR, STATUS or MISMATCH line naming the suite
 * and case) and returns NULL or 0, so a runner only stops early. tt_conf_end returns 0 when
 * the case passed: no failure and every expected output compared exactly once.
 *
 * Lines added to those of tt_harness.h:
 *   STATUS suite=<s> case=<c> kernel=<fn> status=<TT_ERR_...> expected=TT_OK
 *   BUFFER peak_bytes=<n> limit_bytes=<n>
 */
#ifndef TT_CONF_H
#define TT_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "tintin.h"
#include "tt_cases.h"
#include "tt_conf_limits.h"
#include "tt_harness.h"

typedef int (*tt_conf_runner_fn)(const tt_case_t *c, const char *suite);

/* Suite name -> runner; a generated main lists the suites of its program. */
typedef struct {
    const char *suite;
    tt_conf_runner_fn run;
} tt_conf_runner_t;

/* ---- presets (tt_conf_presets.c) ---- */

/* The generated preset called name ("tintin", "niti"), or NULL. */
const tt_config_t *tt_preset(const char *name);
/* The preset a suite's goldens were made with: NITI for update_niti, train_step_mlp_niti
 * and train_step_cnn_niti, TINTIN otherwise. */
const tt_config_t *tt_conf_preset_for(const char *suite);

/* ---- case context ---- */
void tt_conf_begin(const tt_case_t *c, const char *suite);
int tt_conf_end(void);
/* 1 while the current case has not failed. */
int tt_conf_ok(void);
/* ERROR line "reason=<why>[ '<name>']" (name may be NULL); marks the case failed; returns 0. */
int tt_conf_fail(const char *why, const char *name);
/* tt_conf_fail(why, name) unless cond; returns cond. */
int tt_conf_require(int cond, const char *why, const char *name);

/* ---- inputs ---- */
/* Input tensor `name` of this dtype with ndim dimensions (ndim < 0: any), or NULL. */
const tt_tensor_t *tt_conf_input(const char *name, tt_dtype_t dtype, int ndim);
/* 1 if the case has an input called name (no error when it does not). */
int tt_conf_has_input(const char *name);
/* An int8[3] (S, U, D) input as a header. */
int tt_conf_header(const char *name, tt_header_t *h);
/* A 0-d int32 input ("seed"), or the emitted param "param/<name>" for tt_conf_param. */
int tt_conf_scalar(const char *name, int32_t *value);
int tt_conf_param(const char *name, int32_t *value);
/* Dimension d of t (0 if t is NULL or d out of range). */
uint32_t tt_conf_dim(const tt_tensor_t *t, uint8_t d);

/* ---- the arena ---- */
/* count elements of elem_size bytes, 4-byte aligned, from the arena; NULL (with an ERROR
 * line naming `what` and the sizes) when it is full. */
void *tt_conf_alloc(uint32_t count, size_t elem_size, const char *what);
/* A copy of an input tensor in the arena, or NULL. The dtype was checked by tt_conf_input. */
int8_t *tt_conf_copy_i8(const tt_tensor_t *t);
int32_t *tt_conf_copy_i32(const tt_tensor_t *t);
uint32_t *tt_conf_copy_u32(const tt_tensor_t *t);
/* Largest arena use of any case so far, in bytes. */
uint32_t tt_conf_arena_peak(void);

/* ---- kernels and outputs ---- */
/* 1 if st is TT_OK; otherwise a STATUS line naming the kernel and the status, 0. */
int tt_conf_status(tt_status_t st, const char *kernel);
const char *tt_conf_status_name(tt_status_t st);
/* 1 if the case expects an output called name. */
int tt_conf_has_output(const char *name);
/* Compares expected output `name` (which must have this dtype and count elements) with
 * actual; a difference prints the MISMATCH line. Returns 1 if equal. */
int tt_conf_check(const char *name, tt_dtype_t dtype, const void *actual, uint32_t count);
/* Same for a header, stored as int8[3]. */
int tt_conf_check_header(const char *name, tt_header_t h);

/* ---- composed names ("step3/layer1/w") ---- */
typedef struct {
    char text[TT_CONF_NAME_MAX];
    uint32_t len;
    int overflow;
} tt_conf_name_t;

void tt_conf_name_start(tt_conf_name_t *n, const char *s);
void tt_conf_name_add(tt_conf_name_t *n, const char *s);
void tt_conf_name_num(tt_conf_name_t *n, uint32_t v);
/* 1 if s starts with prefix. */
int tt_conf_starts_with(const char *s, const char *prefix);

/* ---- running suites ---- */
/* The runner of `suite` in table[0..n), or NULL. */
tt_conf_runner_fn tt_conf_find_runner(const tt_conf_runner_t *table, uint32_t n, const char *suite);
/* Runs one case of suite with its runner from table (an ERROR when there is none). */
int tt_conf_dispatch(const tt_conf_runner_t *table, uint32_t n, const tt_suite_t *suite, const tt_case_t *c);
/* Prints the BUFFER line. */
void tt_conf_report_buffers(void);

/* ---- one runner per suite ---- */
int tt_run_case_rshift_round(const tt_case_t *c, const char *suite);
int tt_run_case_rshift_stochastic(const tt_case_t *c, const char *suite);
int tt_run_case_counter_hash(const tt_case_t *c, const char *suite);
int tt_run_case_fine_up(const tt_case_t *c, const char *suite);
int tt_run_case_fine_down(const tt_case_t *c, const char *suite);
int tt_run_case_normalize_header(const tt_case_t *c, const char *suite);
int tt_run_case_requantise(const tt_case_t *c, const char *suite);
int tt_run_case_window(const tt_case_t *c, const char *suite);
int tt_run_case_rescale_to_coarser(const tt_case_t *c, const char *suite);
int tt_run_case_relu_forward(const tt_case_t *c, const char *suite);
int tt_run_case_relu_backward(const tt_case_t *c, const char *suite);
int tt_run_case_dense_forward(const tt_case_t *c, const char *suite);
int tt_run_case_dense_backward_error(const tt_case_t *c, const char *suite);
int tt_run_case_dense_gradient(const tt_case_t *c, const char *suite);
int tt_run_case_update_tintin(const tt_case_t *c, const char *suite);
int tt_run_case_update_niti(const tt_case_t *c, const char *suite);
int tt_run_case_softmax_xent_error(const tt_case_t *c, const char *suite);
int tt_run_case_mse_error(const tt_case_t *c, const char *suite);
int tt_run_case_train_step_mlp_tintin(const tt_case_t *c, const char *suite);
int tt_run_case_train_step_mlp_niti(const tt_case_t *c, const char *suite);
int tt_run_case_train_step_autoencoder(const tt_case_t *c, const char *suite);
int tt_run_case_conv2d_forward(const tt_case_t *c, const char *suite);
int tt_run_case_conv2d_backward_error(const tt_case_t *c, const char *suite);
int tt_run_case_conv2d_gradient(const tt_case_t *c, const char *suite);
int tt_run_case_maxpool2d_forward(const tt_case_t *c, const char *suite);
int tt_run_case_maxpool2d_backward(const tt_case_t *c, const char *suite);
int tt_run_case_train_step_cnn_tintin(const tt_case_t *c, const char *suite);
int tt_run_case_train_step_cnn_niti(const tt_case_t *c, const char *suite);

#endif /* TT_CONF_H */
