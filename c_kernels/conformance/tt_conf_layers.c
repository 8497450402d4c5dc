/* tt_conf_layers.c - runners of the layer, update and loss suites (spec 4, 5). */
#include "tt_conf.h"

/* A 2-d int8 input [rows, cols]. */
static const tt_tensor_t *matrix_i8(const char *name, uint32_t *rows, uint32_t *cols)
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I8, 2);
    *rows = tt_conf_dim(t, 0);
    *cols = tt_conf_dim(t, 1);
    return t;
}

int tt_run_case_dense_forward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x, *w;
    tt_header_t h_x, h_w, h_y = {0, 0, 0};
    uint32_t batch, n_in, n_out, n_in_w;
    int32_t relu, *acc;
    int8_t *xv, *wv, *y;
    tt_conf_begin(c, suite);
    x = matrix_i8("x", &batch, &n_in);
    w = matrix_i8("w", &n_out, &n_in_w);
    if (x == NULL || w == NULL || !tt_conf_header("h_x", &h_x) || !tt_conf_header("h_w", &h_w) ||
        !tt_conf_param("relu", &relu) || !tt_conf_require(relu == 0 || relu == 1, "relu must be 0 or 1", "param/relu") ||
        !tt_conf_require(n_in == n_in_w, "x is [B, I] and w is [O, I]", "w")) {
        return tt_conf_end();
    }
    xv = tt_conf_copy_i8(x);
    wv = tt_conf_copy_i8(w);
    acc = (int32_t *)tt_conf_alloc(batch * n_out, 4u, "acc (scratch)");
    y = (int8_t *)tt_conf_alloc(batch * n_out, 1u, "y");
    if (y != NULL && tt_conf_status(tt_dense_forward(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, xv), h_x, TT_CONF_ARG(3, wv), h_w, batch, n_in, n_out,
                                                     relu, TT_CONF_ARG(4, acc), TT_CONF_ARG(5, y), TT_CONF_ARG(6, &h_y)),
                                    "tt_dense_forward")) {
        tt_conf_check("y", TT_I8, y, batch * n_out);
        tt_conf_check_header("h_y", h_y);
    }
    return tt_conf_end();
}

int tt_run_case_dense_backward_error(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *w;
    tt_header_t h_e, h_w, h_e_in = {0, 0, 0};
    uint32_t batch, n_in, n_out, n_out_w;
    int32_t *acc;
    int8_t *ev, *wv, *e_in;
    tt_conf_begin(c, suite);
    e = matrix_i8("e", &batch, &n_out);
    w = matrix_i8("w", &n_out_w, &n_in);
    if (e == NULL || w == NULL || !tt_conf_header("h_e", &h_e) || !tt_conf_header("h_w", &h_w) ||
        !tt_conf_require(n_out == n_out_w, "e is [B, O] and w is [O, I]", "w")) {
        return tt_conf_end();
    }
    ev = tt_conf_copy_i8(e);
    wv = tt_conf_copy_i8(w);
    acc = (int32_t *)tt_conf_alloc(batch * n_in, 4u, "acc (scratch)");
    e_in = (int8_t *)tt_conf_alloc(batch * n_in, 1u, "e_in");
    if (e_in != NULL && tt_conf_status(tt_dense_backward_error(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, ev), h_e, TT_CONF_ARG(3, wv), h_w, batch, n_in,
                                                               n_out, TT_CONF_ARG(4, acc), TT_CONF_ARG(5, e_in), TT_CONF_ARG(6, &h_e_in)),
                                       "tt_dense_backward_error")) {
        tt_conf_check("e_in", TT_I8, e_in, batch * n_in);
        tt_conf_check_header("h_e_in", h_e_in);
    }
    return tt_conf_end();
}

typedef struct {
    const int8_t *e, *x;
    tt_header_t h_e, h_x;
    uint32_t batch, n_in, n_out;
} dense_fused_t;

static tt_status_t run_dense_fused(const void *ctx, const tt_config_t *cfg, int8_t *w, tt_header_t *h_w,
                                   int32_t *scratch, uint32_t scratch_words)
{
    const dense_fused_t *f = (const dense_fused_t *)ctx;
    return tt_dense_gradient_update(cfg, f->e, f->h_e, f->x, f->h_x, f->batch, f->n_in, f->n_out, w, h_w, 5, 3, 1,
                                    scratch, scratch_words);
}

/* Also checks tt_dense_gradient_update against this gradient (tt_conf_check_fused_update). */
int tt_run_case_dense_gradient(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *x;
    tt_header_t h_e, h_x, h_g = {0, 0, 0};
    uint32_t batch, batch_x, n_in, n_out;
    int32_t *g;
    int8_t *ev, *xv;
    tt_conf_begin(c, suite);
    e = matrix_i8("e", &batch, &n_out);
    x = matrix_i8("x", &batch_x, &n_in);
    if (e == NULL || x == NULL || !tt_conf_header("h_e", &h_e) || !tt_conf_header("h_x", &h_x) ||
        !tt_conf_require(batch == batch_x, "e is [B, O] and x is [B, I]", "x")) {
        return tt_conf_end();
    }
    ev = tt_conf_copy_i8(e);
    xv = tt_conf_copy_i8(x);
    g = (int32_t *)tt_conf_alloc(n_out * n_in, 4u, "g");
    if (g != NULL && tt_conf_status(tt_dense_gradient(TT_CONF_ARG(1, ev), h_e, TT_CONF_ARG(2, xv), h_x, batch, n_in, n_out, TT_CONF_ARG(3, g), TT_CONF_ARG(4, &h_g)),
                                    "tt_dense_gradient")) {
        dense_fused_t f;
        tt_conf_check("g", TT_I32, g, n_out * n_in);
        tt_conf_check_header("h_g", h_g);
        f.e = ev;
        f.x = xv;
        f.h_e = h_e;
        f.h_x = h_x;
        f.batch = batch;
        f.n_in = n_in;
        f.n_out = n_out;
        tt_conf_check_fused_update(g, h_g, n_out, n_in, run_dense_fused, &f, "tt_dense_gradient_update");
    }
    return tt_conf_end();
}

/* update_tintin and update_niti: the preset (from the suite) says which rule runs. */
static int run_update(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *w, *g;
    tt_header_t h_w, h_g;
    int32_t seed, step, tensor_id, *gv;
    int8_t *wv;
    tt_conf_begin(c, suite);
    w = tt_conf_input("w", TT_I8, -1);
    g = tt_conf_input("g", TT_I32, -1);
    if (w == NULL || g == NULL || !tt_conf_header("h_w", &h_w) || !tt_conf_header("h_g", &h_g) ||
        !tt_conf_scalar("seed", &seed) || !tt_conf_scalar("step", &step) || !tt_conf_param("tensor_id", &tensor_id) ||
        !tt_conf_require(w->count == g->count, "w and g differ in size", "g")) {
        return tt_conf_end();
    }
    wv = tt_conf_copy_i8(w); /* updated in place */
    gv = tt_conf_copy_i32(g); /* used as scratch by the kernel */
    if (gv != NULL && tt_conf_status(tt_update_dense(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, wv), TT_CONF_ARG(3, &h_w), TT_CONF_ARG(4, gv), h_g, w->count, seed, step,
                                                     tensor_id),
                                     "tt_update_dense")) {
        tt_conf_check("w", TT_I8, wv, w->count);
        tt_conf_check_header("h_w", h_w);
    }
    return tt_conf_end();
}

int tt_run_case_update_tintin(const tt_case_t *c, const char *suite)
{
    return run_update(c, suite);
}

int tt_run_case_update_niti(const tt_case_t *c, const char *suite)
{
    return run_update(c, suite);
}

int tt_run_case_softmax_xent_error(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *z, *labels;
    tt_header_t h_z, h_e = {0, 0, 0};
    uint32_t batch, classes;
    int32_t *lv, *u;
    int8_t *zv, *e;
    tt_conf_begin(c, suite);
    z = matrix_i8("z", &batch, &classes);
    labels = tt_conf_input("labels", TT_I32, 1);
    if (z == NULL || labels == NULL || !tt_conf_header("h_z", &h_z) ||
        !tt_conf_require(labels->count == batch, "labels must be int32[B] for z [B, C]", "labels")) {
        return tt_conf_end();
    }
    zv = tt_conf_copy_i8(z);
    lv = tt_conf_copy_i32(labels);
    u = (int32_t *)tt_conf_alloc(classes, 4u, "u (scratch)");
    e = (int8_t *)tt_conf_alloc(batch * classes, 1u, "e");
    if (e != NULL && tt_conf_status(tt_softmax_xent_error(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, zv), h_z, TT_CONF_ARG(3, lv), batch, classes, TT_CONF_ARG(4, u), TT_CONF_ARG(5, e),
                                                          TT_CONF_ARG(6, &h_e)),
                                    "tt_softmax_xent_error")) {
        tt_conf_check("e", TT_I8, e, batch * classes);
        tt_conf_check_header("h_e", h_e);
    }
    return tt_conf_end();
}

int tt_run_case_mse_error(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *y, *t;
    tt_header_t h_y, h_t, h_e = {0, 0, 0};
    int8_t *yv, *tv, *e;
    tt_conf_begin(c, suite);
    y = tt_conf_input("y", TT_I8, -1);
    t = tt_conf_input("t", TT_I8, -1);
    if (y == NULL || t == NULL || !tt_conf_header("h_y", &h_y) || !tt_conf_header("h_t", &h_t) ||
        !tt_conf_require(y->count == t->count, "y and t differ in size", "t")) {
        return tt_conf_end();
    }
    yv = tt_conf_copy_i8(y);
    tv = tt_conf_copy_i8(t);
    e = (int8_t *)tt_conf_alloc(y->count, 1u, "e");
    if (e != NULL && tt_conf_status(tt_mse_error(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, yv), h_y, TT_CONF_ARG(3, tv), h_t, y->count, TT_CONF_ARG(4, e), TT_CONF_ARG(5, &h_e)),
                                    "tt_mse_error")) {
        tt_conf_check("e", TT_I8, e, y->count);
        tt_conf_check_header("h_e", h_e);
    }
    return tt_conf_end();
}
