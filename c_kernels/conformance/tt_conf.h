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
 * the case passed: no failure and every expected output compared exactly once. A failing case
 * does not stop the suite; a case prints at most TT_CONF_CASE_MISMATCH_MAX MISMATCH lines, and
 * the training-step runners set the step (tt_set_step) that their failure lines carry.
 *
 * Lines added to those of tt_harness.h:
 *   STATUS suite=<s> case=<c> [step=<k>] kernel=<fn> status=<TT_...> expected=<TT_...>
 *   BUFFER peak_bytes=<n> limit_bytes=<n>
 *
 * A rejection case (golden format: param expect_status, no outputs) holds inputs outside the
 * kernel's domain; it passes only when the kernel returns exactly the status of its emitted
 * input "param/expect_status" (tt_conf_status; expected= names it otherwise).
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
/* Suite name -> the config its goldens were made with (tt_suite_configs.h, generated from the
 * golden files by the driver). */
typedef struct {
    const char *suite;
    const tt_config_t *config;
} tt_conf_suite_config_t;
/* Registers the table tt_conf_preset_for looks in first (a generated main calls it). */
void tt_conf_use_suite_configs(const tt_conf_suite_config_t *table, uint32_t n);
/* The config of a suite's goldens: its entry in the registered table; without one, by name
 * (NITI for update_niti, train_step_mlp_niti and train_step_cnn_niti, TINTIN otherwise). */
const tt_config_t *tt_conf_preset_for(const char *suite);

/* The config a runner calls its kernel with: the case's own when it has the inputs "config"
 * (int32[TT_CONF_CONFIG_FIELDS], the fields of tt_config_t in declaration order) and
 * "config/exp2_table" (golden_vectors/suites/configs.py), else tt_conf_preset_for(suite).
 * NULL (after an ERROR line) when those inputs are malformed. Valid until the next case. */
#define TT_CONF_CONFIG_FIELDS 21u
const tt_config_t *tt_conf_config(const char *suite);

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

/* ---- training-step cases: once per gradient mode ---- */
/* One run of a training-step case in gradient mode `mode`, from the case's initial state. */
typedef void (*tt_conf_mode_run_fn)(const void *ctx, tt_grad_mode_t mode);
/* Runs the case once per gradient mode (tt_grad_mode_t), and every run must match the goldens:
 * first TT_GRAD_DEFAULT (the runner uses the default entry points), then the other mode (the _mode
 * entry points). Each run must compare every expected output and starts with the arena as the case
 * had it; a failure is followed by a line naming its mode. Stops at the first failing run. */
void tt_conf_each_grad_mode(tt_conf_mode_run_fn run, const void *ctx);
/* The buffers of a training step's workspace, sized by need, from the arena (NULL when it is full). */
void tt_conf_workspace(const tt_workspace_size_t *need, tt_workspace_t *ws);

/* ---- kernels and outputs ---- */
/* The status check of the kernel under test. For an ordinary case: 1 if st is TT_OK, otherwise a
 * STATUS line naming the kernel, the status and expected=TT_OK, and 0. For a rejection case
 * (param/expect_status): 0 either way (there are no outputs to compare); the case fails, with a
 * STATUS line naming the expected status, unless st is exactly that status. tt_conf_end fails a
 * rejection case whose runner never called this. */
int tt_conf_status(tt_status_t st, const char *kernel);
/* A null-argument rejection case (param/null_arg = k, expect_status TT_ERR_NULL) names the k-th
 * pointer argument of its kernel (1-based, in parameter order); a runner passes each pointer
 * argument k as TT_CONF_ARG(k, p), which is NULL for that case and p otherwise. */
#define TT_CONF_ARG(k, p) (tt_conf_null_arg() == (k) ? NULL : (p))
/* param/null_arg of the current case, 0 when it has none. */
int32_t tt_conf_null_arg(void);
const char *tt_conf_status_name(tt_status_t st);
/* 1 if the case expects an output called name. */
int tt_conf_has_output(const char *name);
/* Compares expected output `name` (which must have this dtype and count elements) with
 * actual; a difference prints the MISMATCH line (silently counted once the case has printed
 * TT_CONF_CASE_MISMATCH_MAX of them). Returns 1 if equal. */
int tt_conf_check(const char *name, tt_dtype_t dtype, const void *actual, uint32_t count);
/* Same for a header, stored as int8[3]. */
int tt_conf_check_header(const char *name, tt_header_t h);

/* ---- the fused gradient-update kernels (tt_dense_gradient_update, tt_conv2d_gradient_update) ---- */
/* Runs the fused kernel of the case on weights w with header h_w, a scratch of scratch_words words. */
typedef tt_status_t (*tt_conf_fused_fn)(const void *ctx, const tt_config_t *cfg, int8_t *w, tt_header_t *h_w,
                                        int32_t *scratch, uint32_t scratch_words);
/* After a gradient case passed: g (rows x len, header h_g) is its golden gradient. The fused kernel
 * must give the weights, header and status of tt_update_dense on g (checked by the update suites),
 * under both presets, with a scratch of one row (every row but the last computed twice), two rows
 * and a word, one word less than g and all of g. A difference fails the case naming `kernel`. */
void tt_conf_check_fused_update(const int32_t *g, tt_header_t h_g, uint32_t rows, uint32_t len, tt_conf_fused_fn fn,
                                const void *ctx, const char *kernel);

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
