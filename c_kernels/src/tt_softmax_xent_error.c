#include "tt_rules.h"

#define TT_SOFTMAX_MAX_CLASSES 4096u /* keeps the row sum below 2^26: the division cannot overflow */

/* 2^(-a / 2^12) in Q(table bits) from the table and a shift (rules.exp2_neg_q). */
static int32_t tt_exp2_neg(const tt_config_t *cfg, int32_t a)
{
    int32_t fb = cfg->log2e_frac_bits;
    int32_t index = (a & ((1 << fb) - 1)) >> (fb - cfg->softmax_frac_bits);
    return tt_rshift_round_wide(cfg->exp2_table[index], a >> fb);
}

/* -(z - max z) * scale * log2(e) in Q12, clamped (rules.softmax_exponent). */
static int32_t tt_softmax_exponent(const tt_config_t *cfg, int32_t d, tt_header_t h)
{
    int32_t t = d * cfg->log2e_q;
    int32_t f = (int32_t)h.d - h.u;
    int32_t floor = -(1 << (cfg->log2e_frac_bits + cfg->softmax_floor_bits));
    if (f >= 1) t = tt_step_up(cfg, t);
    if (f >= 2) t = tt_step_up(cfg, t);
    if (f <= -1) t = tt_step_down(cfg, t);
    if (f <= -2) t = tt_step_down(cfg, t);
    if (h.s >= 0) {
        t = tt_shl(tt_max(t, -(1 << 20)), tt_min(h.s, 10));
    } else {
        t = tt_rshift_round_wide(t, -(int32_t)h.s);
    }
    return -tt_max(t, floor);
}

/* round(num * 2^bits / den) for 0 <= num <= den by restoring division (rules.div_round). */
static int32_t tt_div_round(int32_t num, int32_t den, int32_t bits)
{
    int32_t rem = num, q = 0, k;
    for (k = 0; k <= bits; k++) {
        rem <<= 1;
        if (rem >= den) {
            rem -= den;
            q = (q << 1) + 1;
        } else {
            q <<= 1;
        }
    }
    return (q + 1) >> 1;
}

/* e = p - onehot(label) in Q(out bits), p the integer softmax of each row of z (spec 5.2). */
tt_status_t tt_softmax_xent_error(const tt_config_t *cfg, const int8_t *z, tt_header_t h_z, const int32_t *labels,
                                  uint32_t batch, uint32_t classes, int32_t *u, int8_t *e, tt_header_t *h_e)
{
    uint32_t b, c;
    int32_t one;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (z == 0 || labels == 0 || u == 0 || e == 0 || h_e == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, classes) || classes > TT_SOFTMAX_MAX_CLASSES) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_z)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, z, batch * classes)) return TT_ERR_RANGE;
    for (b = 0; b < batch; b++) {
        if (labels[b] < 0 || (uint32_t)labels[b] >= classes) return TT_ERR_RANGE;
    }
    one = 1 << cfg->softmax_out_bits;
    for (b = 0; b < batch; b++) {
        const int8_t *zb = z + b * classes;
        int32_t zmax = zb[0], sum = 0;
        for (c = 1; c < classes; c++) zmax = tt_max(zmax, zb[c]);
        for (c = 0; c < classes; c++) {
            u[c] = tt_exp2_neg(cfg, tt_softmax_exponent(cfg, (int32_t)zb[c] - zmax, h_z));
            sum += u[c];
        }
        for (c = 0; c < classes; c++) {
            int32_t p = tt_div_round(u[c], sum, cfg->softmax_out_bits);
            int32_t target = (uint32_t)labels[b] == c ? one : 0;
            e[b * classes + c] = (int8_t)tt_saturate(p - target, cfg->qmax);
        }
    }
    h_e->s = (int8_t)(-cfg->softmax_out_bits);
    h_e->u = 0;
    h_e->d = 0;
    return TT_OK;
}
