#include "tt_dot.h"
#include "tt_rules.h"

#if TT_USE_DSP
/* DSP path, gather form: each input element sums, over the taps (kh, kw) whose output position exists, the
 * dot over output channels of that position's errors and the kernels' weights at (kh, kw, c). The
 * weights are transposed once, already in 16-bit lanes, to [K][K][C][OC / 4] pairs of words
 * (w[oc][t], w[oc+2][t]) and (w[oc+1][t], w[oc+3][t]): the lanes SXTB16 and SXTB16 ROR #8 give of a
 * word of four errors, so the MAC loop unpacks only the errors, once for two channels. They are on
 * the stack (TT_CONV_WT weights, 2 KB; larger kernels use the scatter loops); output channels after
 * the last multiple of four read the kernels directly. */
#ifndef TT_CONV_WT
#define TT_CONV_WT 1024u /* a multiple of 2 */
#endif

/* s0 (+ s1) += dot over output channels of the errors er and the weight lanes w0 (w1) of one (two)
 * channel(s) (quads groups of four), then the remaining output channels from the kernels k0 (k1),
 * taps apart. */
static inline __attribute__((always_inline)) void tt_cbe_dot(const int8_t *er, const uint32_t *w0, const uint32_t *w1,
                                                             uint32_t quads, uint32_t n_oc, const int8_t *k0,
                                                             uint32_t taps, const uint32_t two, int32_t *s)
{
    int32_t a0 = s[0], a1 = two ? s[1] : 0;
    uint32_t q, oc;
    for (q = 0; q < quads; q++, er += 4, w0 += 2, w1 += 2) {
        const uint32_t ev = tt_load4(er);
        const int16x2_t ee = tt_even16(ev), eo = tt_odd16(ev);
        a0 = __smlad(eo, (int16x2_t)w0[1], __smlad(ee, (int16x2_t)w0[0], a0));
        if (two) a1 = __smlad(eo, (int16x2_t)w1[1], __smlad(ee, (int16x2_t)w1[0], a1));
    }
    for (oc = 4u * quads; oc < n_oc; oc++, er++) {
        a0 += (int32_t)*er * k0[oc * taps];
        if (two) a1 += (int32_t)*er * k0[oc * taps + 1u];
    }
    s[0] = a0;
    if (two) s[1] = a1;
}

/* The output position o along one axis whose tap k covers input i (o s + k - pad = i), or -1. */
static int32_t tt_tap_source(uint32_t i, uint32_t k, uint32_t stride, uint32_t pad, uint32_t n_out)
{
    int32_t num = (int32_t)(i + pad) - (int32_t)k;
    uint32_t o;
    if (num < 0) return -1;
    if (stride == 1u) o = (uint32_t)num; /* no division for the common stride (a library call on M0+) */
    else if ((uint32_t)num % stride != 0u) return -1;
    else o = (uint32_t)num / stride;
    return o < n_out ? (int32_t)o : -1;
}

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2"))) /* -Os spills the pointers of the tap loop */
#endif
static void tt_cbe_gather(const tt_conv_geometry_t *g, const int8_t *e, const int8_t *w, uint32_t oh_n,
                          uint32_t ow_n, int32_t *acc)
{
    uint32_t wt[TT_CONV_WT / 2u];
    const uint32_t k = g->kernel, ch = g->channels, n_oc = g->out_channels, taps = k * k * ch, quads = n_oc / 4u;
    uint32_t oc, t, b, ih, iw, kh, kw, c, *q = wt;
    for (t = 0; t < taps; t++) {
        for (oc = 0; oc + 3u < n_oc; oc += 4u, q += 2) {
            const int8_t *wo = w + oc * taps + t;
            q[0] = tt_lanes(wo[0], wo[2u * taps]);
            q[1] = tt_lanes(wo[taps], wo[3u * taps]);
        }
    }
    for (b = 0; b < g->batch; b++) {
        for (ih = 0; ih < g->height; ih++) {
            for (iw = 0; iw < g->width; iw++, acc += ch) {
                for (c = 0; c < ch; c++) acc[c] = 0;
                for (kh = 0; kh < k; kh++) {
                    int32_t oh = tt_tap_source(ih, kh, g->stride, g->pad, oh_n);
                    if (oh < 0) continue;
                    for (kw = 0; kw < k; kw++) {
                        int32_t ow = tt_tap_source(iw, kw, g->stride, g->pad, ow_n);
                        const int8_t *er, *kr;
                        const uint32_t *wr;
                        if (ow < 0) continue;
                        er = e + ((b * oh_n + (uint32_t)oh) * ow_n + (uint32_t)ow) * n_oc;
                        wr = wt + (kh * k + kw) * ch * 2u * quads;
                        kr = w + (kh * k + kw) * ch;
                        for (c = 0; c + 1u < ch; c += 2u, wr += 4u * quads, kr += 2)
                            tt_cbe_dot(er, wr, wr + 2u * quads, quads, n_oc, kr, taps, 1u, acc + c);
                        if (ch & 1u) tt_cbe_dot(er, wr, wr, quads, n_oc, kr, taps, 0u, acc + c);
                    }
                }
            }
        }
    }
}
#endif

/* Scatter each output error back through the kernel (the transpose of the forward pass), then requantise. */
tt_status_t tt_conv2d_backward_error(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *e,
                                     tt_header_t h_e, const int8_t *w, tt_header_t h_w, int32_t *acc, int8_t *e_in,
                                     tt_header_t *h_e_in)
{
    uint32_t oh_n, ow_n, b, oh, ow, oc, kh, kw, c, n, i;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (e == 0 || w == 0 || acc == 0 || e_in == 0 || h_e_in == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &oh_n, &ow_n);
    if (st != TT_OK) return st;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_e) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, e, g->batch * oh_n * ow_n * g->out_channels) ||
        !tt_payload_ok(cfg, w, g->out_channels * g->kernel * g->kernel * g->channels))
        return TT_ERR_RANGE;
    n = g->batch * g->height * g->width * g->channels;
#if TT_USE_DSP
    if (g->out_channels * g->kernel * g->kernel * g->channels <= TT_CONV_WT) {
        tt_cbe_gather(g, e, w, oh_n, ow_n, acc);
        return tt_requant_output(cfg, acc, n, tt_header_mul(h_e, h_w), e_in, h_e_in);
    }
#endif
    for (i = 0; i < n; i++) acc[i] = 0;
    for (b = 0; b < g->batch; b++) {
        for (oh = 0; oh < oh_n; oh++) {
            for (ow = 0; ow < ow_n; ow++) {
                const int8_t *ep = e + ((b * oh_n + oh) * ow_n + ow) * g->out_channels;
                for (oc = 0; oc < g->out_channels; oc++) {
                    int32_t ev = ep[oc];
                    if (ev == 0) continue;
                    for (kh = 0; kh < g->kernel; kh++) {
                        int32_t ih = (int32_t)(oh * g->stride + kh) - (int32_t)g->pad;
                        if (ih < 0 || ih >= (int32_t)g->height) continue;
                        for (kw = 0; kw < g->kernel; kw++) {
                            int32_t iw = (int32_t)(ow * g->stride + kw) - (int32_t)g->pad;
                            int32_t *ap;
                            const int8_t *wp;
                            if (iw < 0 || iw >= (int32_t)g->width) continue;
                            ap = acc + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                            wp = w + ((oc * g->kernel + kh) * g->kernel + kw) * g->channels;
                            for (c = 0; c < g->channels; c++) ap[c] += ev * wp[c];
                        }
                    }
                }
            }
        }
    }
    return tt_requant_output(cfg, acc, n, tt_header_mul(h_e, h_w), e_in, h_e_in);
}
