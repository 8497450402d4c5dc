/*
 * The instruction-count benchmark program (tintin bench, section b); see tt_bench.h.
 *
 * Every item gets its buffers from one static arena (sized by the generated header) and its
 * data from a fixed linear congruential generator, so a build always executes the same
 * instructions. Setting up data and printing happen outside the brackets.
 */
#include <stdint.h>

#include "tt_bench.h"
#include "tt_bench_items.h"
#include "tt_harness.h"
#include "tt_presets.h"

#define TT_BENCH_PAINT 0xA5A5A5A5u

extern uint32_t __stack_limit[]; /* sections.ld */

static uint32_t tt_bench_arena[(TT_BENCH_ARENA_BYTES + 3u) / 4u];
static uint32_t tt_bench_used;   /* words of the arena in use */
static uint32_t tt_bench_rng;

static const tt_config_t *const tt_bench_cfg = &TT_PRESET_TINTIN;

static void *tt_bench_take(uint32_t bytes)
{
    uint32_t words = (bytes + 3u) / 4u;
    void *p;
    if (words > (uint32_t)(sizeof tt_bench_arena / 4u) - tt_bench_used) tt_fatal("bench arena too small");
    p = &tt_bench_arena[tt_bench_used];
    tt_bench_used += words;
    return p;
}

static uint32_t tt_bench_next(void)
{
    tt_bench_rng = tt_bench_rng * 1664525u + 1013904223u;
    return tt_bench_rng >> 8;
}

/* Uniform in [-bound, bound]. */
static int32_t tt_bench_uniform(uint32_t bound) { return (int32_t)(tt_bench_next() % (2u * bound + 1u)) - (int32_t)bound; }

static int8_t *tt_bench_i8(uint32_t n, uint32_t bound)
{
    int8_t *p = (int8_t *)tt_bench_take(n);
    uint32_t i;
    for (i = 0; i < n; i++) p[i] = (int8_t)tt_bench_uniform(bound);
    return p;
}

static int32_t *tt_bench_i32(uint32_t n, uint32_t bound)
{
    int32_t *p = (int32_t *)tt_bench_take(4u * n);
    uint32_t i;
    for (i = 0; i < n; i++) p[i] = tt_bench_uniform(bound);
    return p;
}

static uint32_t tt_bench_sp(void)
{
    uint32_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Fills the free stack below this function's frame with a pattern (calls nothing meanwhile). */
__attribute__((noinline)) static void tt_bench_paint(void)
{
    volatile uint32_t *p = __stack_limit;
    uint32_t *top = (uint32_t *)(tt_bench_sp() - 64u);
    while ((uint32_t *)p < top) *p++ = TT_BENCH_PAINT;
}

/* Bytes between sp (the caller's stack pointer at the call) and the deepest word written. */
static uint32_t tt_bench_stack_used(uint32_t sp)
{
    const volatile uint32_t *p = __stack_limit;
    while ((uint32_t)(uintptr_t)p < sp && *p == TT_BENCH_PAINT) p++;
    return sp - (uint32_t)(uintptr_t)p;
}

static void tt_bench_report(uint32_t item, uint32_t rep, tt_status_t st, uint32_t stack)
{
    tt_write("BENCH item=");
    tt_write_u32(item);
    tt_write(" rep=");
    tt_write_u32(rep);
    tt_write(" status=");
    tt_write_i32((int32_t)st);
    tt_write(" stack=");
    tt_write_u32(stack);
    tt_write("\n");
    tt_flush();
}

static const tt_header_t tt_bench_h = {-7, 0, 0};
static const tt_header_t tt_bench_h_grad = {-14, 0, 0};

static void tt_bench_train(uint32_t item, const tt_bench_item_t *it)
{
    const tt_seq_t *m = it->model;
    tt_model_state_t state;
    tt_workspace_size_t size;
    tt_workspace_t ws;
    tt_metrics_t metrics;
    uint32_t p, r, n_in = m->in_h * m->in_w * m->in_c, n_out = 0, i;
    int32_t *labels = 0;
    int8_t *x;
    tt_status_t st = tt_seq_workspace_size(m, &size);
    if (st != TT_OK) tt_fatal("bench model rejected by tt_seq_workspace_size");
    for (p = 0; p < TT_MAX_PARAM_LAYERS; p++) {
        uint32_t n = tt_seq_weight_count(m, p);
        state.w[p] = 0;
        state.h[p] = tt_bench_h;
        if (n == 0u) continue;
        state.w[p] = tt_bench_i8(n, it->bounds[p]);
        if (tt_window(tt_bench_cfg, state.w[p], n, &state.h[p]) != TT_OK) tt_fatal("bench initial window failed");
    }
    state.seed = 7;
    state.step = 0;
    ws.act = (int8_t *)tt_bench_take(size.act_bytes);
    ws.err_a = (int8_t *)tt_bench_take(size.err_bytes);
    ws.err_b = (int8_t *)tt_bench_take(size.err_bytes);
    ws.acc = (int32_t *)tt_bench_take(4u * size.acc_words);
    x = tt_bench_i8(m->batch * n_in, 112u);
    for (i = 0; i < m->n_layers; i++) {
        if (m->layers[i].kind == TT_DENSE) n_out = m->layers[i].out;
    }
    if (!m->loss_mse) {
        labels = (int32_t *)tt_bench_take(4u * m->batch);
        for (i = 0; i < m->batch; i++) labels[i] = (int32_t)(tt_bench_next() % n_out);
    }
    for (r = 0; r < it->reps; r++) {
        uint32_t sp;
        tt_bench_paint();
        sp = tt_bench_sp();
        tt_bench_begin(item);
        st = tt_train_step_seq(tt_bench_cfg, m, &state, x, tt_bench_h, labels, x, tt_bench_h, &ws, &metrics);
        tt_bench_end(item);
        tt_bench_report(item, r, st, tt_bench_stack_used(sp));
    }
}

static void tt_bench_conv(uint32_t item, const tt_bench_item_t *it)
{
    const tt_conv_geometry_t *g = &it->conv;
    uint32_t oh = tt_conv_out_size(g->height, g->kernel, g->stride, g->pad);
    uint32_t ow = tt_conv_out_size(g->width, g->kernel, g->stride, g->pad);
    uint32_t n_x = g->batch * g->height * g->width * g->channels, n_y = g->batch * oh * ow * g->out_channels;
    uint32_t n_w = g->out_channels * g->kernel * g->kernel * g->channels, r;
    tt_header_t h_out;
    tt_status_t st = TT_OK;
    for (r = 0; r < it->reps; r++) {
        tt_bench_used = 0;
        if (it->kind == TT_BENCH_CONV2D_FORWARD) {
            int8_t *x = tt_bench_i8(n_x, 112u), *w = tt_bench_i8(n_w, 64u), *y = (int8_t *)tt_bench_take(n_y);
            int32_t *acc = (int32_t *)tt_bench_take(4u * n_y);
            tt_bench_begin(item);
            st = tt_conv2d_forward(tt_bench_cfg, g, x, tt_bench_h, w, tt_bench_h, it->relu, acc, y, &h_out);
            tt_bench_end(item);
        } else if (it->kind == TT_BENCH_CONV2D_BACKWARD_ERROR) {
            int8_t *e = tt_bench_i8(n_y, 127u), *w = tt_bench_i8(n_w, 64u), *e_in = (int8_t *)tt_bench_take(n_x);
            int32_t *acc = (int32_t *)tt_bench_take(4u * n_x);
            tt_bench_begin(item);
            st = tt_conv2d_backward_error(tt_bench_cfg, g, e, tt_bench_h, w, tt_bench_h, acc, e_in, &h_out);
            tt_bench_end(item);
        } else {
            int8_t *e = tt_bench_i8(n_y, 127u), *x = tt_bench_i8(n_x, 112u);
            int32_t *grad = (int32_t *)tt_bench_take(4u * n_w);
            tt_bench_begin(item);
            st = tt_conv2d_gradient(g, e, tt_bench_h, x, tt_bench_h, grad, &h_out);
            tt_bench_end(item);
        }
        tt_bench_report(item, r, st, 0u);
    }
}

static void tt_bench_kernel(uint32_t item, const tt_bench_item_t *it)
{
    const uint32_t B = it->batch, I = it->n_in, O = it->n_out;
    tt_header_t h_out = tt_bench_h;
    tt_status_t st = TT_OK;
    uint32_t r;
    for (r = 0; r < it->reps; r++) {
        tt_bench_used = 0;
        switch (it->kind) {
        case TT_BENCH_EMPTY:
            tt_bench_begin(item);
            tt_bench_end(item);
            break;
        case TT_BENCH_LOOP:
            tt_bench_begin(item);
            tt_bench_loop4(I);
            tt_bench_end(item);
            break;
        case TT_BENCH_DENSE_FORWARD: {
            int8_t *x = tt_bench_i8(B * I, 112u), *w = tt_bench_i8(O * I, 64u), *y = (int8_t *)tt_bench_take(B * O);
            int32_t *acc = (int32_t *)tt_bench_take(4u * B * O);
            tt_bench_begin(item);
            st = tt_dense_forward(tt_bench_cfg, x, tt_bench_h, w, tt_bench_h, B, I, O, it->relu, acc, y, &h_out);
            tt_bench_end(item);
            break;
        }
        case TT_BENCH_DENSE_BACKWARD_ERROR: {
            int8_t *e = tt_bench_i8(B * O, 127u), *w = tt_bench_i8(O * I, 64u), *e_in = (int8_t *)tt_bench_take(B * I);
            int32_t *acc = (int32_t *)tt_bench_take(4u * B * I);
            tt_bench_begin(item);
            st = tt_dense_backward_error(tt_bench_cfg, e, tt_bench_h, w, tt_bench_h, B, I, O, acc, e_in, &h_out);
            tt_bench_end(item);
            break;
        }
        case TT_BENCH_DENSE_GRADIENT: {
            int8_t *e = tt_bench_i8(B * O, 127u), *x = tt_bench_i8(B * I, 112u);
            int32_t *g = (int32_t *)tt_bench_take(4u * O * I);
            tt_bench_begin(item);
            st = tt_dense_gradient(e, tt_bench_h, x, tt_bench_h, B, I, O, g, &h_out);
            tt_bench_end(item);
            break;
        }
        case TT_BENCH_UPDATE: {
            int8_t *w = tt_bench_i8(O * I, 64u);
            int32_t *g = tt_bench_i32(O * I, 1u << 20);
            tt_bench_begin(item);
            st = tt_update_dense(tt_bench_cfg, w, &h_out, g, tt_bench_h_grad, O * I, 7, (int32_t)r, 0);
            tt_bench_end(item);
            break;
        }
        case TT_BENCH_SOFTMAX: {
            int8_t *z = tt_bench_i8(B * O, 127u), *e = (int8_t *)tt_bench_take(B * O);
            int32_t *labels = (int32_t *)tt_bench_take(4u * B), *u = (int32_t *)tt_bench_take(4u * O);
            uint32_t i;
            for (i = 0; i < B; i++) labels[i] = (int32_t)(tt_bench_next() % O);
            tt_bench_begin(item);
            st = tt_softmax_xent_error(tt_bench_cfg, z, tt_bench_h, labels, B, O, u, e, &h_out);
            tt_bench_end(item);
            break;
        }
        default:
            tt_fatal("unknown bench item kind");
        }
        tt_bench_report(item, r, st, 0u);
    }
}

int main(void)
{
    uint32_t i;
    tt_write("TARGET " TT_TARGET "\n");
    for (i = 0; i < (uint32_t)(sizeof tt_bench_items / sizeof tt_bench_items[0]); i++) {
        const tt_bench_item_t *it = &tt_bench_items[i];
        tt_bench_used = 0;
        tt_bench_rng = 12345u + i;
        if (it->kind == TT_BENCH_TRAIN) {
            tt_bench_train(i, it);
        } else if (it->kind >= TT_BENCH_CONV2D_FORWARD && it->kind <= TT_BENCH_CONV2D_GRADIENT) {
            tt_bench_conv(i, it);
        } else {
            tt_bench_kernel(i, it);
        }
    }
    tt_write(TT_PASS_LINE "\n");
    tt_flush();
    return 0;
}
