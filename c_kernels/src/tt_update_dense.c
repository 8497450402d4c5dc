#include "tt_update_plan.h"

/* One element of the final gradient shift: rounding right shift, or a left shift that fits. */
static int32_t tt_final_step(const tt_config_t *cfg, int32_t g, int32_t right, uint32_t prefix, uint32_t index)
{
    if (right < 0) return tt_shl(g, -right);
    if (cfg->grad_stochastic) return tt_rshift_stochastic_wide(g, right, tt_hash_at(prefix, (int32_t)index));
    return tt_rshift_round_wide(g, right);
}

/* g: the gradient buffer (or the caller's scratch), only checked for NULL here. */
static tt_status_t tt_update_check(const tt_config_t *cfg, const int8_t *w, const tt_header_t *h_w, const void *g,
                                   tt_header_t h_g, uint32_t n)
{
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (w == 0 || h_w == 0 || g == 0) return TT_ERR_NULL;
    if (n == 0u || n > TT_MAX_ELEMENTS) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(*h_w) || !tt_header_ok(h_g)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, w, n)) return TT_ERR_RANGE;
    return TT_OK;
}

tt_update_plan_t tt_update_plan(const tt_config_t *cfg, const int8_t *w, tt_header_t h_w, tt_header_t h_g,
                                uint32_t n, int32_t m, int32_t seed, int32_t step, int32_t tensor_id)
{
    tt_update_plan_t p;
    tt_rescale_plan_t plan;
    int32_t m2, cap;
    p.niti = cfg->update_niti;
    p.seed = seed;
    p.step = step;
    p.tensor_id = tensor_id;
    p.pre = 0;
    p.downs = 0;
    if (p.niti) {
        p.right = tt_max(tt_bitwidth(m) - cfg->niti_mu, 0);
        return p;
    }
    /* 1. at most grad_pre_bits bits; 2. k down steps toward w's units */
    p.pre = tt_max(tt_bitwidth(m) - cfg->grad_pre_bits, 0);
    plan = tt_rescale_plan(tt_hdr_widen(h_g), tt_hdr_widen(h_w), p.pre - cfg->lr_shift);
    p.downs = plan.downs;
    m2 = tt_apply_downs(cfg, tt_rshift_round1(m, p.pre), plan.downs); /* = max|G2| (tt_update_plan.h) */
    /* 3. shift to w's units, capped at bitwidth(max|w|) - margin bits */
    cap = tt_max(tt_bitwidth(tt_max_abs_i8(w, n)) - cfg->update_margin, 1);
    p.right = tt_max(-plan.shift, tt_bitwidth(m2) - cap);
    return p;
}

/* The per-tensor choices are hoisted out of the loop; the stochastic shift by 1..31 (the common
 * case) is written out with the hash's one per-element round. Same bits as tt_final_step. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("O2"))) /* -Os calls the rounding helpers per element */
#endif
void tt_update_apply(const tt_config_t *cfg, const tt_update_plan_t *p, int8_t *w, const int32_t *g, uint32_t n,
                     uint32_t index0)
{
    const int32_t right = p->right, pre = p->pre, downs = p->downs, qmax = cfg->qmax; /* NITI: both 0 */
    const uint32_t prefix = tt_hash_prefix(p->seed, p->step, p->tensor_id); /* once per call, not per weight */
    const int stochastic = cfg->grad_stochastic && right >= 1 && right <= 31;
    const int32_t mask = stochastic ? tt_low_mask(right) : 0;
    tt_config_t down; /* the down step's two fields in a local: a store to w (int8) may alias *cfg, not it */
    uint32_t i;
    down.down_mul = cfg->down_mul;
    down.down_shift = cfg->down_shift;
    for (i = 0; i < n; i++) {
        int32_t g2 = g[i], d;
        if (pre != 0) g2 = tt_rshift_round1(g2, pre);
        if (downs != 0) g2 = tt_apply_downs(&down, g2, downs);
        if (stochastic) d = (g2 >> right) + ((g2 & mask) > (int32_t)(tt_hash_at(prefix, (int32_t)(index0 + i)) >> (32 - right)));
        else d = tt_final_step(cfg, g2, right, prefix, index0 + i);
        w[i] = (int8_t)tt_saturate(w[i] - d, qmax);
    }
}

tt_status_t tt_update_finish(const tt_config_t *cfg, const tt_update_plan_t *p, int8_t *w, tt_header_t *h_w,
                             uint32_t n)
{
    uint32_t i;
    tt_window_plan_t win;
    tt_header_t h_out;
    tt_status_t st;
    if (p->niti) return TT_OK; /* NITI: the header never changes */
    /* 4. window rule on the updated weights */
    win = tt_window_plan(cfg, tt_max_abs_i8(w, n));
    st = tt_hdr_narrow(tt_window_header(&win, tt_hdr_widen(*h_w)), &h_out);
    if (st != TT_OK) return st;
    if (win.left != 0 || win.down != 0 || win.right != 0) { /* else every value stays (an up step needs a left shift) */
        for (i = 0; i < n; i++) w[i] = (int8_t)tt_window_value(cfg, &win, w[i]);
    }
    *h_w = h_out;
    return TT_OK;
}

/* w <- window(sat(w - G)), G the int32 gradient brought to w's units (spec 4.4); NITI: G cut to mu bits. */
tt_status_t tt_update_dense(const tt_config_t *cfg, int8_t *w, tt_header_t *h_w, int32_t *g, tt_header_t h_g,
                            uint32_t n, int32_t seed, int32_t step, int32_t tensor_id)
{
    tt_update_plan_t p;
    int32_t m;
    tt_status_t st = tt_update_check(cfg, w, h_w, g, h_g, n);
    if (st != TT_OK) return st;
    m = tt_max_abs_i32(g, n);
    if (m < 0) return TT_ERR_RANGE;
    p = tt_update_plan(cfg, w, *h_w, h_g, n, m, seed, step, tensor_id);
    tt_update_apply(cfg, &p, w, g, n, 0u);
    return tt_update_finish(cfg, &p, w, h_w, n);
}

/* Pass 1 computes every row (for max|G|) and keeps rows 0..kept-1 in scratch; the other rows go
 * through one spare row. Pass 2 runs from the last row down, so the last row, still in the spare
 * row after pass 1, is not computed again: scratch holds scratch_words / len rows in effect, and
 * rows - scratch_words / len rows are computed twice (none when scratch holds the whole gradient). */
tt_status_t tt_update_by_rows(const tt_config_t *cfg, int8_t *w, tt_header_t *h_w, tt_header_t h_g, uint32_t rows,
                              uint32_t len, tt_grad_row_fn row, const void *ctx, int32_t *scratch,
                              uint32_t scratch_words, int32_t seed, int32_t step, int32_t tensor_id)
{
    uint32_t n, kept, r;
    int32_t m = 0, *spare;
    tt_update_plan_t p;
    tt_status_t st;
    if (row == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(rows, len)) return TT_ERR_SHAPE;
    n = rows * len;
    st = tt_update_check(cfg, w, h_w, scratch, h_g, n);
    if (st != TT_OK) return st;
    if (scratch_words < len) return TT_ERR_SHAPE;
    kept = scratch_words >= n ? rows : scratch_words / len - 1u;
    spare = scratch + kept * len; /* unused when every row is kept */
    for (r = 0; r < rows; r++) {
        int32_t *buf = r < kept ? scratch + r * len : spare;
        int32_t mr;
        row(ctx, r, buf);
        mr = tt_max_abs_i32(buf, len);
        if (mr < 0) return TT_ERR_RANGE; /* INT32_MIN: outside every rule's domain (no weight written yet) */
        m = tt_max(m, mr);
    }
    p = tt_update_plan(cfg, w, *h_w, h_g, n, m, seed, step, tensor_id);
    for (r = rows; r-- > 0u;) {
        int32_t *buf = r < kept ? scratch + r * len : spare;
        if (r >= kept && r + 1u < rows) row(ctx, r, buf);
        tt_update_apply(cfg, &p, w + r * len, buf, len, r * len);
    }
    return tt_update_finish(cfg, &p, w, h_w, n);
}
