#include "tt_update_plan.h"

#include "tt_dsp.h"

typedef struct {
    const tt_conv_geometry_t *g;
    const int8_t *e, *x;
    uint32_t oh_n, ow_n;
#if TT_USE_DSP
    const uint32_t *xp; /* x packed by tt_cgrad_pack, or 0 (does not fit, or one channel: the portable row) */
#endif
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
static void tt_conv2d_gradient_row_c(const void *ctx, uint32_t oc, int32_t *out)
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

#if TT_USE_DSP
/* The DSP row: x is packed once per call so that every tap is SMLADs over pairs of batch samples.
 * For each pair of samples b, b + 1 (a zero sample past the batch), each padded input pixel
 * (H + 2 pad rows, W + 2 pad columns, zero outside the input) and each pair of channels c, c + 1
 * (a zero channel past C), one word [x_b[c] x_b[c+1] x_b1[c] x_b1[c+1]]: SXTB16 (ROR #8)
 * of it are the lanes (x_b[c], x_b1[c]) ((.., c + 1)), against the error lanes (e_b, e_b1) of the
 * row. The padding makes every tap of every output position a plain strided read. The buffer is
 * TT_CGRAD_PACK_WORDS words on the stack of the two entry points (2 KB; the 4x4x6 layer of LeNet-5
 * on 8x8 at batch 8 needs 432); one-channel inputs (half the lanes would be zero) and larger ones
 * use the portable row. */
#ifndef TT_CGRAD_PACK_WORDS
#define TT_CGRAD_PACK_WORDS 512u
#endif
#define TT_CGRAD_EP 64u /* error pairs of a row on the row's stack: ceil(B / 2) * OH * OW <= 64 */

static uint32_t tt_cgrad_pack_words(const tt_conv_geometry_t *g, uint32_t oh_n, uint32_t ow_n)
{
    const uint32_t over = TT_CGRAD_PACK_WORDS + 1u, bp = (g->batch + 1u) / 2u, cp = (g->channels + 1u) / 2u;
    const uint32_t hp = g->height + 2u * g->pad, wp = g->width + 2u * g->pad;
    uint32_t n;
    if (g->channels < 2u || bp * oh_n * ow_n > TT_CGRAD_EP) return over; /* < 2^32: checked dims */
    if (hp > over || wp > over || cp > over) return over;
    n = hp * wp; /* n <= 513 before each further factor (cp <= 513, then bp <= 64): no overflow */
    if (n > over) return over;
    n *= cp;
    return n > over ? over : n * bp;
}

/* Channels c, c + 1 of the pixel at p (c + 1 < C: both, else c only) in the low halfword; 0 for no pixel. */
static uint32_t tt_cgrad_two(const int8_t *p, uint32_t c, uint32_t ch)
{
    uint16_t h;
    if (p == 0) return 0u;
    if (c + 1u >= ch) return (uint8_t)p[c];
    __builtin_memcpy(&h, p + c, 2); /* one LDRH: M4/M7 allow unaligned halfword loads */
    return h;
}

static void tt_cgrad_pack(const tt_conv_geometry_t *g, const int8_t *x, uint32_t *buf)
{
    const uint32_t ch = g->channels, pad = g->pad, hp = g->height + 2u * pad, wp = g->width + 2u * pad;
    const uint32_t pix = g->height * g->width * ch;
    uint32_t b, ih, iw, c;
    for (b = 0; b < g->batch; b += 2u) {
        for (ih = 0; ih < hp; ih++) {
            for (iw = 0; iw < wp; iw++) {
                const int8_t *p0 = x + b * pix + ((ih - pad) * g->width + (iw - pad)) * ch, *p1 = p0 + pix;
                if (ih < pad || ih >= g->height + pad || iw < pad || iw >= g->width + pad) p0 = 0, p1 = 0;
                else if (b + 1u >= g->batch) p1 = 0;
                for (c = 0; c < ch; c += 2u) *buf++ = tt_cgrad_two(p0, c, ch) | tt_cgrad_two(p1, c, ch) << 16;
            }
        }
    }
}

/* a[k] = the sums of one or two (pairs) channel pairs from xt over every output position: per
 * position one error pair from e and one or two x words, each unpacked once. Rows of OW positions,
 * x stepping by stride pixels within a row, stride rows between rows and a whole padded sample
 * pair between sample pairs. */
static inline __attribute__((always_inline)) void tt_cgrad_tap(const uint32_t *xt, const uint32_t *e,
                                                               uint32_t n_bp, uint32_t oh_n, uint32_t ow_n,
                                                               uint32_t step, uint32_t row_step, uint32_t bp_step,
                                                               const uint32_t pairs, int32_t a[4])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    uint32_t bp, oh;
    for (bp = n_bp; bp != 0u; bp--, xt += bp_step) {
        const uint32_t *xs = xt;
        for (oh = oh_n; oh != 0u; oh--, xs += row_step) {
            const uint32_t *xr = xs, *const end = e + ow_n;
            do {
                const uint32_t ev = *e++, x0 = xr[0];
                a0 = __smlad((int16x2_t)tt_even16(x0), (int16x2_t)ev, a0);
                a1 = __smlad((int16x2_t)tt_odd16(x0), (int16x2_t)ev, a1);
                if (pairs > 1u) {
                    const uint32_t x1 = xr[1];
                    a2 = __smlad((int16x2_t)tt_even16(x1), (int16x2_t)ev, a2);
                    a3 = __smlad((int16x2_t)tt_odd16(x1), (int16x2_t)ev, a3);
                }
                xr += step;
            } while (e != end);
        }
    }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2"))) /* -Os spills the sums */
#endif
static void tt_conv2d_gradient_row_dsp(const tt_conv_grad_rows_t *r, uint32_t oc, int32_t *out)
{
    uint32_t ep[TT_CGRAD_EP], b, p, kh, kw, c;
    const tt_conv_geometry_t *g = r->g;
    const uint32_t ch = g->channels, cp = (ch + 1u) / 2u, n_oc = g->out_channels, pos = r->oh_n * r->ow_n;
    const uint32_t wp = g->width + 2u * g->pad, hp = g->height + 2u * g->pad, n_bp = (g->batch + 1u) / 2u;
    const int8_t *e0 = r->e + oc;
    uint32_t *q = ep;
    /* the error pairs of channel oc, position-major per sample pair; a zero lane past the batch */
    for (b = 0; b + 1u < g->batch; b += 2u, e0 += pos * n_oc) {
        for (p = 0; p < pos; p++, e0 += n_oc) *q++ = tt_lanes(e0[0], e0[pos * n_oc]);
    }
    if (g->batch & 1u) {
        for (p = 0; p < pos; p++, e0 += n_oc) *q++ = tt_lanes(e0[0], 0);
    }
    for (kh = 0; kh < g->kernel; kh++) {
        for (kw = 0; kw < g->kernel; kw++, out += ch) {
            const uint32_t *xt = r->xp + (kh * wp + kw) * cp;
            int32_t a[4];
            for (c = 0; c + 2u < ch; c += 4u, xt += 2) {
                tt_cgrad_tap(xt, ep, n_bp, r->oh_n, r->ow_n, g->stride * cp, g->stride * wp * cp, hp * wp * cp, 2u,
                             a);
                out[c] = a[0], out[c + 1u] = a[1], out[c + 2u] = a[2];
                if (c + 3u < ch) out[c + 3u] = a[3];
            }
            if (c < ch) {
                tt_cgrad_tap(xt, ep, n_bp, r->oh_n, r->ow_n, g->stride * cp, g->stride * wp * cp, hp * wp * cp, 1u,
                             a);
                out[c] = a[0];
                if (c + 1u < ch) out[c + 1u] = a[1];
            }
        }
    }
}
#endif

/* Row oc of the gradient (tt_grad_row_fn): the DSP row when x is packed, else the portable one. */
static void tt_conv2d_gradient_row(const void *ctx, uint32_t oc, int32_t *out)
{
#if TT_USE_DSP
    const tt_conv_grad_rows_t *r = (const tt_conv_grad_rows_t *)ctx;
    if (r->xp != 0) {
        tt_conv2d_gradient_row_dsp(r, oc, out);
        return;
    }
#endif
    tt_conv2d_gradient_row_c(ctx, oc, out);
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
#if TT_USE_DSP
    rows->xp = 0;
#endif
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
#if TT_USE_DSP
    {
        uint32_t xp[TT_CGRAD_PACK_WORDS];
        if (tt_cgrad_pack_words(g, rows.oh_n, rows.ow_n) <= TT_CGRAD_PACK_WORDS) tt_cgrad_pack(g, x, xp), rows.xp = xp;
        for (oc = 0; oc < g->out_channels; oc++) tt_conv2d_gradient_row(&rows, oc, grad + oc * n);
    }
#else
    for (oc = 0; oc < g->out_channels; oc++) tt_conv2d_gradient_row(&rows, oc, grad + oc * n);
#endif
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
#if TT_USE_DSP
    {
        uint32_t xp[TT_CGRAD_PACK_WORDS];
        if (tt_cgrad_pack_words(g, rows.oh_n, rows.ow_n) <= TT_CGRAD_PACK_WORDS) tt_cgrad_pack(g, x, xp), rows.xp = xp;
        return tt_update_by_rows(cfg, w, h_w, h_g, g->out_channels, g->kernel * g->kernel * g->channels,
                                 tt_conv2d_gradient_row, &rows, scratch, scratch_words, seed, step, tensor_id);
    }
#else
    return tt_update_by_rows(cfg, w, h_w, h_g, g->out_channels, g->kernel * g->kernel * g->channels,
                             tt_conv2d_gradient_row, &rows, scratch, scratch_words, seed, step, tensor_id);
#endif
}
