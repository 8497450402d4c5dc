#include "tt_dot.h"
#include "tt_rules.h"

/* y = window(requantise(relu?(x w^T))) (spec 4.1). */
tt_status_t tt_dense_forward(const tt_config_t *cfg, const int8_t *x, tt_header_t h_x, const int8_t *w,
                             tt_header_t h_w, uint32_t batch, uint32_t n_in, uint32_t n_out, int32_t relu,
                             int32_t *acc, int8_t *y, tt_header_t *h_y)
{
    uint32_t b, n;
    int32_t m = 0;
    tt_status_t st = tt_check_config(cfg);
    if (st != TT_OK) return st;
    if (x == 0 || w == 0 || acc == 0 || y == 0 || h_y == 0) return TT_ERR_NULL;
    if (!tt_dims_ok(batch, n_in) || !tt_dims_ok(batch, n_out) || !tt_dims_ok(n_out, n_in)) return TT_ERR_SHAPE;
    if (cfg->payload_bits != 8 || !tt_header_ok(h_x) || !tt_header_ok(h_w)) return TT_ERR_RANGE;
    if (!tt_payload_ok(cfg, x, batch * n_in) || !tt_payload_ok(cfg, w, n_out * n_in)) return TT_ERR_RANGE;
    n = batch * n_out;
#if TT_USE_DSP
    {
        /* Pairs of batch rows, pre-extended to 16-bit lanes one chunk of inputs at a time, against
         * every pair of outputs (tt_dot2_packed). An odd last row is paired with itself: both rows
         * of the block compute the same sums into the same place. An odd last output uses single
         * dots. */
        uint32_t buf[TT_PACK_K]; /* 2 rows x TT_PACK_K 16-bit lanes: 1 KB */
        tt_pack_job_t job;
        job.xb = buf;
        job.n_in = n_in;
        job.pairs = n_out / 2u;
        job.relu = relu;
        job.max_abs = 0;
        for (b = 0; b < batch; b += 2u) {
            const int8_t *x0 = x + b * n_in, *x1 = b + 1u < batch ? x0 + n_in : x0;
            int32_t *y0 = acc + b * n_out, *y1 = b + 1u < batch ? y0 + n_out : y0;
            m = tt_dense_rows2(&job, buf, x0, x1, w, n_out, y0, y1, m);
        }
        m = tt_max(m, job.max_abs);
    }
#else
    /* 2x2 blocks of (batch row, output) share every load; odd edges fall back to single dots */
    for (b = 0; b < batch; b += 2u) {
        uint32_t o;
        const int8_t *x0 = x + b * n_in, *x1 = b + 1u < batch ? x0 + n_in : x0;
        for (o = 0; o < n_out; o += 2u) {
            const int8_t *w0 = w + o * n_in, *w1 = o + 1u < n_out ? w0 + n_in : w0;
            int32_t s[2][2];
            uint32_t r, c;
            if (b + 1u < batch && o + 1u < n_out) {
                tt_dot_2x2(x0, x1, w0, w1, n_in, s);
            } else {
                s[0][0] = tt_dot(x0, w0, n_in);
                s[0][1] = o + 1u < n_out ? tt_dot(x0, w1, n_in) : 0;
                s[1][0] = b + 1u < batch ? tt_dot(x1, w0, n_in) : 0;
                s[1][1] = 0;
            }
            for (r = 0; r < 2u && b + r < batch; r++) {
                for (c = 0; c < 2u && o + c < n_out; c++) m = tt_dense_put(acc + (b + r) * n_out + o + c, s[r][c], relu, m);
            }
        }
    }
#endif
    return tt_acc_output_ex(cfg, acc, n, m, relu != 0, tt_header_mul(h_x, h_w), y, h_y);
}
