#include "tt_rules.h"

/* e_in = requantise(e w) with the pre-update weights; no window (spec 4.2). */
tt_status_t tt_dense_backward_error(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e, const int8_t *w,
                                    tt_header_t h_w, uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t *acc,
                                    int8_t *e_in, tt_header_t *h_e_in)
{
    uint32_t b, o, i, n;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (e == 0 || w == 0 || acc == 0 || e_in == 0 || h_e_in == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_e) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, e, batch * n_out) || !tt_payload_ok(cfg, w, n_out * n_in)) return TT_ERR_RANGE;
    n = batch * n_in;
    for (b = 0; b < batch; b++) {
        const int8_t *eb = e + b * n_out;
        int32_t *ab = acc + b * n_in;
        for (i = 0; i < n_in; i++) ab[i] = 0;
        for (o = 0; o < n_out; o++) {
            const int8_t *wo = w + o * n_in;
            int32_t eo = eb[o];
            if (eo == 0) continue;
            for (i = 0; i < n_in; i++) ab[i] += eo * wo[i];
        }
    }
    return tt_requant_output(cfg, acc, n, tt_header_mul(h_e, h_w), e_in, h_e_in);
}
