#include "tt_update_plan.h"

typedef struct {
    const int8_t *e, *x;
    uint32_t batch, n_in, n_out;
} tt_dense_grad_rows_t;

/* Row o of g = e^T x: out[i] = sum over the batch of e[b][o] x[b][i] (n_in words). */
static void tt_dense_gradient_row(const void *ctx, uint32_t o, int32_t *out)
{
    const tt_dense_grad_rows_t *c = (const tt_dense_grad_rows_t *)ctx;
    uint32_t b, i;
    for (i = 0; i < c->n_in; i++) out[i] = 0;
    for (b = 0; b < c->batch; b++) {
        int32_t eo = c->e[b * c->n_out + o];
        const int8_t *xb = c->x + b * c->n_in;
        if (eo == 0) continue;
        for (i = 0; i < c->n_in; i++) out[i] += eo * xb[i];
    }
}

/* The checks of both gradient kernels, then h_g = h_e * h_x and the row context c; writes nothing else. */
static tt_status_t tt_dense_gradient_check(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x,
                                           uint32_t batch, uint32_t n_in, uint32_t n_out, tt_header_t *h_g,
                                           tt_dense_grad_rows_t *c)
{
    uint32_t i;
    if (e == 0 || x == 0 || h_g == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    for (i = 0; i < batch * n_out; i++) if (e[i] == -128) return TT_ERR_RANGE;
    for (i = 0; i < batch * n_in; i++) if (x[i] == -128) return TT_ERR_RANGE;
    c->e = e;
    c->x = x;
    c->batch = batch;
    c->n_in = n_in;
    c->n_out = n_out;
    return tt_hdr_narrow(tt_header_mul(h_e, h_x), h_g);
}

/* g = sum over the batch of e^T x in int32; h_g = h_e * h_x (spec 4.3). */
tt_status_t tt_dense_gradient(const int8_t *e, tt_header_t h_e, const int8_t *x, tt_header_t h_x, uint32_t batch,
                              uint32_t n_in, uint32_t n_out, int32_t *g, tt_header_t *h_g)
{
    tt_dense_grad_rows_t c;
    tt_header_t h;
    uint32_t o;
    tt_status_t st;
    if (g == 0 || h_g == 0) return TT_ERR_NULL;
    st = tt_dense_gradient_check(e, h_e, x, h_x, batch, n_in, n_out, &h, &c);
    if (st != TT_OK) return st;
    for (o = 0; o < n_out; o++) tt_dense_gradient_row(&c, o, g + o * n_in);
    *h_g = h;
    return TT_OK;
}

/* The gradient (spec 4.3) and the update (4.4) of w [n_out][n_in], a row of g at a time (tt_update_plan.h). */
tt_status_t tt_dense_gradient_update(const tt_config_t *cfg, const int8_t *e, tt_header_t h_e, const int8_t *x,
                                     tt_header_t h_x, uint32_t batch, uint32_t n_in, uint32_t n_out, int8_t *w,
                                     tt_header_t *h_w, int32_t seed, int32_t step, int32_t tensor_id,
                                     int32_t *scratch, uint32_t scratch_words)
{
    tt_dense_grad_rows_t c;
    tt_header_t h_g;
    tt_status_t st = tt_dense_gradient_check(e, h_e, x, h_x, batch, n_in, n_out, &h_g, &c);
    if (st != TT_OK) return st;
    return tt_update_by_rows(cfg, w, h_w, h_g, n_out, n_in, tt_dense_gradient_row, &c, scratch, scratch_words, seed,
                             step, tensor_id);
}
