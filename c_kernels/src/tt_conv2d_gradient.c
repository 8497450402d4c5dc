#include "tt_update_plan.h"

typedef struct {
    const tt_conv_geometry_t *g;
    const int8_t *e, *x;
    uint32_t oh_n, ow_n;
} tt_conv_grad_rows_t;

/* Row oc of the gradient: out[kh][kw][c] = sum over batch and output positions of e[b, oh, ow, oc] times the
 * input under tap (kh, kw), channel c (K*K*C words). */
static void tt_conv2d_gradient_row(const void *ctx, uint32_t oc, int32_t *out)
{
    const tt_conv_grad_rows_t *r = (const tt_conv_grad_rows_t *)ctx;
    const tt_conv_geometry_t *g = r->g;
    uint32_t b, oh, ow, kh, kw, c, n = g->kernel * g->kernel * g->channels;
    for (c = 0; c < n; c++) out[c] = 0;
    for (b = 0; b < g->batch; b++) {
        for (oh = 0; oh < r->oh_n; oh++) {
            for (ow = 0; ow < r->ow_n; ow++) {
                int32_t ev = r->e[((b * r->oh_n + oh) * r->ow_n + ow) * g->out_channels + oc];
                if (ev == 0) continue;
                for (kh = 0; kh < g->kernel; kh++) {
                    int32_t ih = (int32_t)(oh * g->stride + kh) - (int32_t)g->pad;
                    if (ih < 0 || ih >= (int32_t)g->height) continue;
                    for (kw = 0; kw < g->kernel; kw++) {
                        int32_t iw = (int32_t)(ow * g->stride + kw) - (int32_t)g->pad;
                        const int8_t *xp;
                        int32_t *gp;
                        if (iw < 0 || iw >= (int32_t)g->width) continue;
                        xp = r->x + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                        gp = out + (kh * g->kernel + kw) * g->channels;
                        for (c = 0; c < g->channels; c++) gp[c] += ev * xp[c];
                    }
                }
            }
        }
    }
}

/* The checks of both gradient kernels, then h_grad = h_e * h_x; writes nothing else. */
static tt_status_t tt_conv2d_gradient_check(const tt_conv_geometry_t *g, const int8_t *e, tt_header_t h_e,
                                            const int8_t *x, tt_header_t h_x, tt_conv_grad_rows_t *rows,
                                            tt_header_t *h_grad)
{
    uint32_t i;
    tt_status_t st;
    if (e == 0 || x == 0 || h_grad == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &rows->oh_n, &rows->ow_n);
    if (st != TT_OK) return st;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    for (i = 0; i < g->batch * rows->oh_n * rows->ow_n * g->out_channels; i++) if (e[i] == -128) return TT_ERR_RANGE;
    for (i = 0; i < g->batch * g->height * g->width * g->channels; i++) if (x[i] == -128) return TT_ERR_RANGE;
    rows->g = g;
    rows->e = e;
    rows->x = x;
    return tt_hdr_narrow(tt_header_mul(h_e, h_x), h_grad);
}

/* grad[OC][K][K][C] = sum over batch and output positions of e * input patch, in int32 (spec 4.3, 4.7). */
tt_status_t tt_conv2d_gradient(const tt_conv_geometry_t *g, const int8_t *e, tt_header_t h_e, const int8_t *x,
                               tt_header_t h_x, int32_t *grad, tt_header_t *h_grad)
{
    tt_conv_grad_rows_t rows;
    tt_header_t h;
    uint32_t oc, n;
    tt_status_t st;
    if (grad == 0 || h_grad == 0) return TT_ERR_NULL;
    st = tt_conv2d_gradient_check(g, e, h_e, x, h_x, &rows, &h);
    if (st != TT_OK) return st;
    n = g->kernel * g->kernel * g->channels;
    for (oc = 0; oc < g->out_channels; oc++) tt_conv2d_gradient_row(&rows, oc, grad + oc * n);
    *h_grad = h;
    return TT_OK;
}

/* The gradient (spec 4.3, 4.7) and the update (4.4) of w [OC][K][K][C], an output channel at a time
 * (tt_update_plan.h). */
tt_status_t tt_conv2d_gradient_update(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *e,
                                      tt_header_t h_e, const int8_t *x, tt_header_t h_x, int8_t *w,
                                      tt_header_t *h_w, int32_t seed, int32_t step, int32_t tensor_id,
                                      int32_t *scratch, uint32_t scratch_words)
{
    tt_conv_grad_rows_t rows;
    tt_header_t h_g;
    tt_status_t st = tt_conv2d_gradient_check(g, e, h_e, x, h_x, &rows, &h_g);
    if (st != TT_OK) return st;
    return tt_update_by_rows(cfg, w, h_w, h_g, g->out_channels, g->kernel * g->kernel * g->channels,
                             tt_conv2d_gradient_row, &rows, scratch, scratch_words, seed, step, tensor_id);
}
