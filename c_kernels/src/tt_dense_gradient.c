#include "tt_rules.h"

/* g = sum over the batch of e^T x in int32; h_g = h_e * h_x (spec 4.3). */
tt_status_t tt_dense_gradient(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x, uint32_t batch,
                              uint32_t n_in, uint32_t n_out, int32_t *g, tt_header_t *h_g)
{
    uint32_t b, o, i;
    tt_status_t st;
    if (e == 0 || x == 0 || g == 0 || h_g == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    for (i = 0; i < batch * n_out; i++) if (e[i] == -128) return TT_ERR_RANGE;
    for (i = 0; i < batch * n_in; i++) if (x[i] == -128) return TT_ERR_RANGE;
    st = tt_hdr_narrow(tt_header_mul(h_e, h_x), h_g);
    if (st != TT_OK) return st;
    for (i = 0; i < n_out * n_in; i++) g[i] = 0;
    for (b = 0; b < batch; b++) {
        const int8_t *eb = e + b * n_out;
        const int8_t *xb = x + b * n_in;
        for (o = 0; o < n_out; o++) {
            int32_t eo = eb[o];
            int32_t *go = g + o * n_in;
            if (eo == 0) continue;
            for (i = 0; i < n_in; i++) go[i] += eo * xb[i];
        }
    }
    return TT_OK;
}
