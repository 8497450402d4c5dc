#include "tt_dot.h"
#include "tt_rules.h"

/* The patches of two output positions (im2col, zeros for the padding) are the two rows of the
 * dense forward's 2x2 blocks (tt_dense_rows2 on DSP cores, tt_dense_rows2_c otherwise), the
 * kernels [OC][K*K*C] its weights. The patches are on the stack (2 x TT_CONV_PATCH bytes: 1 KB on
 * DSP cores, 512 bytes otherwise, for the 16 KB M0+ boards); longer patches use the direct loops. */
#ifndef TT_CONV_PATCH
#define TT_CONV_PATCH (TT_USE_DSP ? 512u : 256u)
#endif

/* The K*K*C patch of output position pix (flat over B, OH, OW) into p, in the kernel's order;
 * a tap outside the input (unsigned compare: negative is large) is C zeros. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2")))
#endif
static void tt_im2col(const tt_conv_geometry_t *g, const int8_t *x, uint32_t pix, uint32_t oh_n, uint32_t ow_n,
                      int8_t *p)
{
    const uint32_t plane = oh_n * ow_n, b = pix / plane, oh = pix % plane / ow_n, ow = pix % ow_n, ch = g->channels;
    const uint32_t k = g->kernel, h = g->height, wd = g->width, iw0 = ow * g->stride - g->pad;
    uint32_t kh, kw, c;
    for (kh = 0; kh < k; kh++) {
        const uint32_t ih = oh * g->stride + kh - g->pad;
        const int8_t *row = x + (b * h + ih) * wd * ch;
        if (ih >= h) {
            for (c = 0; c < k * ch; c++) p[c] = 0;
            p += k * ch;
        } else if (ch == 1u) {
            for (kw = 0; kw < k; kw++) p[kw] = iw0 + kw < wd ? row[iw0 + kw] : 0;
            p += k;
        } else {
            for (kw = 0; kw < k; kw++, p += ch) {
                const uint32_t iw = iw0 + kw;
                if (iw < wd) for (c = 0; c < ch; c++) p[c] = row[iw * ch + c];
                else for (c = 0; c < ch; c++) p[c] = 0;
            }
        }
    }
}

#if TT_USE_DSP
/* tt_im2col for one input channel (first layers) on DSP cores: an interior patch is copied
 * without a test per tap. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((noinline, optimize("O2")))
#endif
static void tt_im2col1(const tt_conv_geometry_t *g, const int8_t *x, uint32_t pix, uint32_t oh_n, uint32_t ow_n,
                       int8_t *p)
{
    const uint32_t plane = oh_n * ow_n, b = pix / plane, oh = pix % plane / ow_n, ow = pix % ow_n;
    const uint32_t k = g->kernel, h = g->height, wd = g->width;
    const uint32_t ih0 = oh * g->stride - g->pad, iw0 = ow * g->stride - g->pad; /* negative is large */
    const int8_t *row = x + (b * h + ih0) * wd;
    uint32_t kh, kw;
    if (ih0 < h && k <= h - ih0 && iw0 < wd && k <= wd - iw0) {
        for (row += iw0, kh = 0; kh < k; kh++, row += wd, p += k) {
            for (kw = 0; kw < k; kw++) p[kw] = row[kw];
        }
        return;
    }
    for (kh = 0; kh < k; kh++, row += wd, p += k) {
        const int inside = ih0 + kh < h;
        for (kw = 0; kw < k; kw++) p[kw] = inside && iw0 + kw < wd ? row[iw0 + kw] : 0;
    }
}
#endif

static int32_t tt_conv_forward_patches(const tt_conv_geometry_t *g, const int8_t *x, const int8_t *w, int32_t relu,
                                   uint32_t oh_n, uint32_t ow_n, int32_t *acc)
{
    int8_t patch[2][TT_CONV_PATCH];
    uint32_t pix;
    const uint32_t n_pix = g->batch * oh_n * ow_n, oc = g->out_channels;
    int32_t m = 0;
#if TT_USE_DSP
    uint32_t buf[TT_PACK_K];
    tt_pack_job_t job;
    job.xb = buf;
    job.n_in = g->kernel * g->kernel * g->channels;
    job.pairs = oc / 2u;
    job.relu = relu;
    job.max_abs = 0;
#endif
    for (pix = 0; pix < n_pix; pix += 2u) {
        const int two = pix + 1u < n_pix;
        int32_t *y0 = acc + pix * oc;
#if TT_USE_DSP
        if (g->channels == 1u) {
            tt_im2col1(g, x, pix, oh_n, ow_n, patch[0]);
            if (two) tt_im2col1(g, x, pix + 1u, oh_n, ow_n, patch[1]);
        } else {
            tt_im2col(g, x, pix, oh_n, ow_n, patch[0]);
            if (two) tt_im2col(g, x, pix + 1u, oh_n, ow_n, patch[1]);
        }
        m = tt_dense_rows2(&job, buf, patch[0], two ? patch[1] : patch[0], w, oc, y0, two ? y0 + oc : y0, m);
#else
        tt_im2col(g, x, pix, oh_n, ow_n, patch[0]);
        if (two) tt_im2col(g, x, pix + 1u, oh_n, ow_n, patch[1]);
        m = tt_dense_rows2_c(patch[0], two ? patch[1] : patch[0], w, g->kernel * g->kernel * g->channels, oc, relu,
                             y0, two ? y0 + oc : y0, m);
#endif
    }
#if TT_USE_DSP
    m = tt_max(m, job.max_abs);
#endif
    return m;
}

/* Direct convolution with zero padding; accumulation order does not matter (exact int32, spec 4.7). */
tt_status_t tt_conv2d_forward(const tt_config_t *cfg, const tt_conv_geometry_t *g, const int8_t *x, tt_header_t h_x,
                              const int8_t *w, tt_header_t h_w, int32_t relu, int32_t *acc, int8_t *y,
                              tt_header_t *h_y)
{
    uint32_t oh_n, ow_n, b, oh, ow, oc, kh, kw, c, n;
    int32_t m = 0;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || w == 0 || acc == 0 || y == 0 || h_y == 0) return TT_ERR_NULL;
    st = tt_conv_check(g, &oh_n, &ow_n);
    if (st != TT_OK) return st;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_x) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, x, g->batch * g->height * g->width * g->channels) ||
        !tt_payload_ok(cfg, w, g->out_channels * g->kernel * g->kernel * g->channels))
        return TT_ERR_RANGE;
    n = 0;
    if (g->kernel * g->kernel * g->channels <= TT_CONV_PATCH) {
        m = tt_conv_forward_patches(g, x, w, relu, oh_n, ow_n, acc);
        return tt_acc_output(cfg, acc, g->batch * oh_n * ow_n * g->out_channels, m, tt_header_mul(h_x, h_w), y, h_y);
    }
    for (b = 0; b < g->batch; b++) {
        for (oh = 0; oh < oh_n; oh++) {
            for (ow = 0; ow < ow_n; ow++) {
                for (oc = 0; oc < g->out_channels; oc++) {
                    int32_t sum = 0;
                    for (kh = 0; kh < g->kernel; kh++) {
                        int32_t ih = (int32_t)(oh * g->stride + kh) - (int32_t)g->pad;
                        if (ih < 0 || ih >= (int32_t)g->height) continue;
                        for (kw = 0; kw < g->kernel; kw++) {
                            int32_t iw = (int32_t)(ow * g->stride + kw) - (int32_t)g->pad;
                            const int8_t *xp, *wp;
                            if (iw < 0 || iw >= (int32_t)g->width) continue;
                            xp = x + ((b * g->height + (uint32_t)ih) * g->width + (uint32_t)iw) * g->channels;
                            wp = w + ((oc * g->kernel + kh) * g->kernel + kw) * g->channels;
                            for (c = 0; c < g->channels; c++) sum += (int32_t)xp[c] * wp[c];
                        }
                    }
                    if (relu && sum < 0) sum = 0;
                    acc[n++] = sum;
                    m = tt_max(m, tt_abs(sum));
                }
            }
        }
    }
    return tt_acc_output(cfg, acc, n, m, tt_header_mul(h_x, h_w), y, h_y);
}
