#include "tt_update_plan.h"

typedef struct {
    const tt_conv_geometry_t *g;
    const int8_t *e, *x;
    uint32_t oh_n, ow_n;
} tt_conv_grad_rows_t;

/* The output positions o in [lo, hi) whose tap k lands inside an input of `size` (o s + k - pad in
 * [0, size)); hi <= lo when there are none. */
static void tt_tap_range(uint32_t k, uint32_t size, uint32_t n_out, const tt_conv_geometry_t *g, uint32_t *lo,
                         uint32_t *hi)
{
    const uint32_t s = g->stride, p = g->pad;
    *lo = k >= p ? 0u : (p - k + s - 1u) / s;
    *hi = size + p > k ? (size + p - k - 1u) / s + 1u : 0u;
    if (*hi > n_out) *hi = n_out;
}

/* Row oc of the gradient: out[kh][kw][c] = sum over batch and output positions of e[b, oh, ow, oc] times the
 * input under tap (kh, kw), channel c (K*K*C words). One sum per (kh, kw, c), over the positions whose tap
 * is inside the input (ranges found once per tap, no test per MAC), walking e by OC and x by stride * C. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("O2"))) /* -Os keeps the strides in memory */
#endif
static void tt_conv2d_gradient_row(const void *ctx, uint32_t oc, int32_t *out)
{
    const tt_conv_grad_rows_t *r = (const tt_conv_grad_rows_t *)ctx;
    const tt_conv_geometry_t *g = r->g;
    const uint32_t ch = g->channels, n_oc = g->out_channels, xs = g->stride * ch, oh_n = r->oh_n, ow_n = r->ow_n;
    uint32_t b, oh, kh, kw, c, h_lo, h_hi, w_lo, w_hi;
    for (kh = 0; kh < g->kernel; kh++) {
        tt_tap_range(kh, g->height, oh_n, g, &h_lo, &h_hi);
        for (kw = 0; kw < g->kernel; kw++, out += ch) {
            tt_tap_range(kw, g->width, ow_n, g, &w_lo, &w_hi);
            for (c = 0; c < ch; c++) {
                int32_t sum = 0;
                if (h_lo < h_hi && w_lo < w_hi) {
                    for (b = 0; b < g->batch; b++) {
                        for (oh = h_lo; oh < h_hi; oh++) {
                            const uint32_t ih = oh * g->stride + kh - g->pad, iw = w_lo * g->stride + kw - g->pad;
                            const int8_t *pe = r->e + ((b * oh_n + oh) * ow_n + w_lo) * n_oc + oc;
                            const int8_t *px = r->x + ((b * g->height + ih) * g->width + iw) * ch + c;
                            const int8_t *const pe_end = pe + (w_hi - w_lo) * n_oc;
                            do {
                                sum += (int32_t)*pe * *px;
                                pe += n_oc;
                                px += xs;
                            } while (pe != pe_end);
                        }
                    }
                }
                out[c] = sum;
            }
        }
    }
}

/* The checks of both gradient kernels, then h_grad = h_e * h_x; writes nothing else. */
static tt_status_t tt_conv2d_gradient_check(const tt_conv_geometry_t *g, const int8_t *e, tt_header_t h_e,
                                            const int8_t *x, tt_header_t h_x, tt_conv_grad_rows_t *rows,
                                            tt_header_t *h_grad)
{
    tt_status_t st;
    if (e == 0 || x == 0 || h_grad == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &rows->oh_n, &rows->ow_n);
    if (st != TT_OK) return st;
    if (!tt_header_ok(h_e) || !tt_header_ok(h_x)) return TT_ERR_RANGE;
    if (!tt_no_int8_min(e, g->batch * rows->oh_n * rows->ow_n * g->out_channels) ||
        !tt_no_int8_min(x, g->batch * g->height * g->width * g->channels))
        return TT_ERR_RANGE;
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
