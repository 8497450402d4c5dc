/*
 * Internal: the update of spec 4.4 split into its tensor-wide decisions (the plan, made from
 * max|G| and the weights before any changes) and its element-wise part, so that a gradient can
 * be fed to it whole (tt_update_dense) or one row at a time as it is computed
 * (tt_dense_gradient_update, tt_conv2d_gradient_update), with the same bits either way.
 *
 * max|G2| from max|G|: G2 = downs(rshift_round(G, pre)) is odd and non-decreasing in G
 * (round half away from zero is symmetric and monotone, so is each down step x -> round(x M / 2^k)
 * with M > 0), hence max|G2| = |G2 at the argmax of |G|| = f(max|G|). The update needs no pass
 * over G2.
 */
#ifndef TT_UPDATE_PLAN_H
#define TT_UPDATE_PLAN_H

#include "tt_rules.h"

typedef struct {
    int32_t niti;   /* cfg->update_niti: G3 = round(G / 2^right), no window */
    int32_t pre;    /* aligned: pre-shift of G (step 1) */
    int32_t downs;  /* aligned: down steps (step 2) */
    int32_t right;  /* final shift: >= 0 rounding right shift, < 0 left shift (step 3) */
    int32_t seed, step, tensor_id; /* stochastic rounding: counter_hash(seed, step, tensor_id, index) */
} tt_update_plan_t;

/* The plan from m = max|G| (>= 0) and the weights before the update. */
tt_update_plan_t tt_update_plan(const tt_config_t *cfg, const int8_t *w, tt_header_t h_w, tt_header_t h_g,
                                uint32_t n, int32_t m, int32_t seed, int32_t step, int32_t tensor_id);

/* w[i] <- sat(w[i] - G3(g[i])) for i < n; index0 is the flat index of w[0] in the tensor. */
void tt_update_apply(const tt_config_t *cfg, const tt_update_plan_t *p, int8_t *w, const int32_t *g, uint32_t n,
                     uint32_t index0);

/* After every element: the window rule on the n updated weights (aligned rule only). */
tt_status_t tt_update_finish(const tt_config_t *cfg, const tt_update_plan_t *p, int8_t *w, tt_header_t *h_w,
                             uint32_t n);

/* Row r of a gradient with `rows` rows of `len` words, written to out[0..len). */
typedef void (*tt_grad_row_fn)(const void *ctx, uint32_t r, int32_t *out);

/* The update of the weights w (rows x len) by the gradient that row() computes, with scratch of
 * scratch_words >= len words: pass 1 computes every row for max|G| and keeps as many rows as fit,
 * pass 2 recomputes the others and updates. Checks what tt_update_dense checks (and scratch)
 * before writing anything; row() must accept every r < rows (the caller checked its inputs). */
tt_status_t tt_update_by_rows(const tt_config_t *cfg, int8_t *w, tt_header_t *h_w, tt_header_t h_g, uint32_t rows,
                              uint32_t len, tt_grad_row_fn row, const void *ctx, int32_t *scratch,
                              uint32_t scratch_words, int32_t seed, int32_t step, int32_t tensor_id);

#endif /* TT_UPDATE_PLAN_H */
