#include "tt_rules.h"

/* y = window(requantise(relu?(x w^T))) (spec 4.1). */
tt_status_t tt_dense_forward(const tt_config_t *cfg, const int8_t *x, tt_header_t h_x, const int8_t *w,
                             tt_header_t h_w, uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t relu,
                             int32_t *acc, int8_t *y, tt_header_t *h_y)
{
    uint32_t b, o, i, n;
    int32_t m = 0;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || w == 0 || acc == 0 || y == 0 || h_y == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_x) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, x, batch * n_in) || !tt_payload_ok(cfg, w, n_out * n_in)) return TT_ERR_RANGE;
    n = batch * n_out;
    for (b = 0; b < batch; b++) {
        const int8_t *xb = x + b * n_in;
        for (o = 0; o < n_out; o++) {
            const int8_t *wo = w + o * n_in;
            int32_t sum = 0;
            for (i = 0; i < n_in; i++) sum += (int32_t)xb[i] * wo[i];
            if (relu && sum < 0) sum = 0;
            acc[b * n_out + o] = sum;
            m = tt_max(m, tt_abs(sum));
        }
    }
    return tt_acc_output(cfg, acc, n, m, tt_header_mul(h_x, h_w), y, h_y);
}
