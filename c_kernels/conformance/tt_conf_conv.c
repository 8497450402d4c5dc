/* tt_conf_conv.c - runners of the convolution, max-pooling and CNN train-step suites
 * (golden_vectors/suites/conv.py). Tensors are NHWC, kernels [OC][K][K][C]; the geometry the
 * shapes do not fix comes from the case's params. Every shape the kernel relies on is checked
 * against the params first, so a malformed case is an ERROR line, never a read out of bounds. */
#include "tt_conf.h"

/* Largest param value the runners accept for a dimension (the kernels' own limit). */
#define TT_CONF_DIM_MAX 65535

/* n / d for d >= 1 by shift and subtract: no divide instruction (the M0+ has none). */
static uint32_t quotient(uint32_t n, uint32_t d)
{
    uint32_t q = 0, r = 0;
    int32_t bit;
    for (bit = 31; bit >= 0; --bit) {
        r = (r << 1) | ((n >> (uint32_t)bit) & 1u);
        if (r >= d) {
            r -= d;
            q |= 1u << (uint32_t)bit;
        }
    }
    return q;
}

/* Param `name` in [lo, hi] as uint32 (an ERROR line naming it otherwise). */
static int param_in(const char *name, int32_t lo, int32_t hi, uint32_t *value)
{
    int32_t v;
    if (!tt_conf_param(name, &v) || !tt_conf_require(v >= lo && v <= hi, "param outside its range", name)) {
        return 0;
    }
    *value = (uint32_t)v;
    return 1;
}

/* A 4-d int8 input [d0, d1, d2, d3] (NHWC tensor or kernels). */
static const tt_tensor_t *nhwc_i8(const char *name, uint32_t dims[4])
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I8, 4);
    uint8_t d;
    for (d = 0; d < 4u; ++d) {
        dims[d] = tt_conf_dim(t, d);
    }
    return t;
}

/* ---- convolution ---- */

int tt_run_case_conv2d_forward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x, *w;
    uint32_t xd[4], wd[4], oh, ow, n_out, relu_u;
    tt_conv_geometry_t g;
    tt_header_t h_x, h_w, h_y = {0, 0, 0};
    int32_t *acc;
    int8_t *xv, *wv, *y;
    tt_conf_begin(c, suite);
    x = nhwc_i8("x", xd);
    w = nhwc_i8("w", wd);
    if (x == NULL || w == NULL || !tt_conf_header("h_x", &h_x) || !tt_conf_header("h_w", &h_w) ||
        !param_in("stride", 1, TT_CONF_DIM_MAX, &g.stride) || !param_in("pad", 0, TT_CONF_DIM_MAX, &g.pad) ||
        !param_in("relu", 0, 1, &relu_u) ||
        !tt_conf_require(wd[1] == wd[2] && wd[3] == xd[3], "x is [B, H, W, C] and w is [OC, K, K, C]", "w")) {
        return tt_conf_end();
    }
    g.batch = xd[0];
    g.height = xd[1];
    g.width = xd[2];
    g.channels = xd[3];
    g.out_channels = wd[0];
    g.kernel = wd[1];
    oh = tt_conv_out_size(g.height, g.kernel, g.stride, g.pad);
    ow = tt_conv_out_size(g.width, g.kernel, g.stride, g.pad);
    n_out = g.batch * oh * ow * g.out_channels;
    xv = tt_conf_copy_i8(x);
    wv = tt_conf_copy_i8(w);
    acc = (int32_t *)tt_conf_alloc(n_out, 4u, "acc (scratch)");
    y = (int8_t *)tt_conf_alloc(n_out, 1u, "y");
    if (y != NULL && tt_conf_status(tt_conv2d_forward(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, &g), TT_CONF_ARG(3, xv), h_x, TT_CONF_ARG(4, wv), h_w, (int32_t)relu_u,
                                                      TT_CONF_ARG(5, acc), TT_CONF_ARG(6, y), TT_CONF_ARG(7, &h_y)),
                                    "tt_conv2d_forward")) {
        tt_conf_check("y", TT_I8, y, n_out);
        tt_conf_check_header("h_y", h_y);
    }
    return tt_conf_end();
}

int tt_run_case_conv2d_backward_error(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *w;
    uint32_t ed[4], wd[4], n_in;
    tt_conv_geometry_t g;
    tt_header_t h_e, h_w, h_e_in = {0, 0, 0};
    int32_t *acc;
    int8_t *ev, *wv, *e_in;
    tt_conf_begin(c, suite);
    e = nhwc_i8("e", ed);
    w = nhwc_i8("w", wd);
    if (e == NULL || w == NULL || !tt_conf_header("h_e", &h_e) || !tt_conf_header("h_w", &h_w) ||
        !param_in("height", 1, TT_CONF_DIM_MAX, &g.height) || !param_in("width", 1, TT_CONF_DIM_MAX, &g.width) ||
        !param_in("stride", 1, TT_CONF_DIM_MAX, &g.stride) || !param_in("pad", 0, TT_CONF_DIM_MAX, &g.pad) ||
        !tt_conf_require(wd[1] == wd[2] && wd[0] == ed[3], "e is [B, OH, OW, OC] and w is [OC, K, K, C]", "w")) {
        return tt_conf_end();
    }
    g.batch = ed[0];
    g.channels = wd[3];
    g.out_channels = wd[0];
    g.kernel = wd[1];
    if (!tt_conf_require(ed[1] == tt_conv_out_size(g.height, g.kernel, g.stride, g.pad) &&
                             ed[2] == tt_conv_out_size(g.width, g.kernel, g.stride, g.pad),
                         "e's OH, OW differ from the geometry of params height, width, stride, pad", "e")) {
        return tt_conf_end();
    }
    n_in = g.batch * g.height * g.width * g.channels;
    ev = tt_conf_copy_i8(e);
    wv = tt_conf_copy_i8(w);
    acc = (int32_t *)tt_conf_alloc(n_in, 4u, "acc (scratch)");
    e_in = (int8_t *)tt_conf_alloc(n_in, 1u, "e_in");
    if (e_in != NULL && tt_conf_status(tt_conv2d_backward_error(TT_CONF_ARG(1, tt_conf_config(suite)), TT_CONF_ARG(2, &g), TT_CONF_ARG(3, ev), h_e, TT_CONF_ARG(4, wv), h_w, TT_CONF_ARG(5, acc),
                                                                TT_CONF_ARG(6, e_in), TT_CONF_ARG(7, &h_e_in)),
                                       "tt_conv2d_backward_error")) {
        tt_conf_check("e_in", TT_I8, e_in, n_in);
        tt_conf_check_header("h_e_in", h_e_in);
    }
    return tt_conf_end();
}

typedef struct {
    const tt_conv_geometry_t *g;
    const int8_t *e, *x;
    tt_header_t h_e, h_x;
} conv_fused_t;

static tt_status_t run_conv_fused(const void *ctx, const tt_config_t *cfg, int8_t *w, tt_header_t *h_w,
                                  int32_t *scratch, uint32_t scratch_words)
{
    const conv_fused_t *f = (const conv_fused_t *)ctx;
    return tt_conv2d_gradient_update(cfg, f->g, f->e, f->h_e, f->x, f->h_x, w, h_w, 5, 3, 1, scratch, scratch_words);
}

/* Also checks tt_conv2d_gradient_update against this gradient (tt_conf_check_fused_update). */
int tt_run_case_conv2d_gradient(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *x;
    uint32_t ed[4], xd[4], n_g;
    tt_conv_geometry_t g;
    tt_header_t h_e, h_x, h_g = {0, 0, 0};
    int32_t *grad;
    int8_t *ev, *xv;
    tt_conf_begin(c, suite);
    e = nhwc_i8("e", ed);
    x = nhwc_i8("x", xd);
    if (e == NULL || x == NULL || !tt_conf_header("h_e", &h_e) || !tt_conf_header("h_x", &h_x) ||
        !param_in("kernel", 1, TT_CONF_DIM_MAX, &g.kernel) || !param_in("stride", 1, TT_CONF_DIM_MAX, &g.stride) ||
        !param_in("pad", 0, TT_CONF_DIM_MAX, &g.pad) ||
        !tt_conf_require(ed[0] == xd[0], "e is [B, OH, OW, OC] and x is [B, H, W, C]", "x")) {
        return tt_conf_end();
    }
    g.batch = xd[0];
    g.height = xd[1];
    g.width = xd[2];
    g.channels = xd[3];
    g.out_channels = ed[3];
    if (!tt_conf_require(ed[1] == tt_conv_out_size(g.height, g.kernel, g.stride, g.pad) &&
                             ed[2] == tt_conv_out_size(g.width, g.kernel, g.stride, g.pad),
                         "e's OH, OW differ from the geometry of x and params kernel, stride, pad", "e")) {
        return tt_conf_end();
    }
    n_g = g.out_channels * g.kernel * g.kernel * g.channels;
    ev = tt_conf_copy_i8(e);
    xv = tt_conf_copy_i8(x);
    grad = (int32_t *)tt_conf_alloc(n_g, 4u, "g");
    if (grad != NULL && tt_conf_status(tt_conv2d_gradient(TT_CONF_ARG(1, &g), TT_CONF_ARG(2, ev), h_e, TT_CONF_ARG(3, xv), h_x, TT_CONF_ARG(4, grad), TT_CONF_ARG(5, &h_g)), "tt_conv2d_gradient")) {
        conv_fused_t f;
        tt_conf_check("g", TT_I32, grad, n_g);
        tt_conf_check_header("h_g", h_g);
        f.g = &g;
        f.e = ev;
        f.x = xv;
        f.h_e = h_e;
        f.h_x = h_x;
        tt_conf_check_fused_update(grad, h_g, g.out_channels, g.kernel * g.kernel * g.channels, run_conv_fused, &f,
                                   "tt_conv2d_gradient_update");
    }
    return tt_conf_end();
}

/* ---- max pooling ---- */

int tt_run_case_maxpool2d_forward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *x;
    uint32_t xd[4], size, n_out;
    int8_t *xv, *y;
    tt_conf_begin(c, suite);
    x = nhwc_i8("x", xd);
    if (x == NULL || !param_in("size", 1, TT_CONF_DIM_MAX, &size)) {
        return tt_conf_end();
    }
    n_out = xd[0] * quotient(xd[1], size) * quotient(xd[2], size) * xd[3];
    xv = tt_conf_copy_i8(x);
    y = (int8_t *)tt_conf_alloc(n_out, 1u, "y");
    if (y != NULL && tt_conf_status(tt_maxpool2d_forward(TT_CONF_ARG(1, xv), xd[0], xd[1], xd[2], xd[3], size, TT_CONF_ARG(2, y)),
                                    "tt_maxpool2d_forward")) {
        tt_conf_check("y", TT_I8, y, n_out);
    }
    return tt_conf_end();
}

int tt_run_case_maxpool2d_backward(const tt_case_t *c, const char *suite)
{
    const tt_tensor_t *e, *x;
    uint32_t ed[4], xd[4], size;
    int8_t *ev, *xv, *e_in;
    tt_conf_begin(c, suite);
    e = nhwc_i8("e", ed);
    x = nhwc_i8("x", xd);
    if (e == NULL || x == NULL || !param_in("size", 1, TT_CONF_DIM_MAX, &size) ||
        !tt_conf_require(ed[0] == xd[0] && ed[1] == quotient(xd[1], size) && ed[2] == quotient(xd[2], size) &&
                             ed[3] == xd[3],
                         "e must be [B, H / size, W / size, C] for x [B, H, W, C]", "e")) {
        return tt_conf_end();
    }
    ev = tt_conf_copy_i8(e);
    xv = tt_conf_copy_i8(x);
    e_in = (int8_t *)tt_conf_alloc(x->count, 1u, "e_in");
    if (e_in != NULL && tt_conf_status(tt_maxpool2d_backward(TT_CONF_ARG(1, ev), TT_CONF_ARG(2, xv), xd[0], xd[1], xd[2], xd[3], size, TT_CONF_ARG(3, e_in)),
                                       "tt_maxpool2d_backward")) {
        tt_conf_check("e_in", TT_I8, e_in, x->count);
    }
    return tt_conf_end();
}

/* ---- whole CNN training steps (tt_train_step_seq) ---- */

/* "<a><k><b><i><c>" into n, e.g. ("step", 3, "/param", 1, "/w"); i < 0 leaves i and c out. */
static const char *compose(tt_conf_name_t *n, const char *a, uint32_t k, const char *b, int32_t i, const char *c)
{
    tt_conf_name_start(n, a);
    tt_conf_name_num(n, k);
    tt_conf_name_add(n, b);
    if (i >= 0) {
        tt_conf_name_num(n, (uint32_t)i);
        tt_conf_name_add(n, c);
    }
    if (n->overflow) {
        tt_conf_fail("composed tensor name is longer than TT_CONF_NAME_MAX", n->text);
        return NULL;
    }
    return n->text;
}

/* Param "layer<i>_<field>" in [lo, hi]. */
static int layer_param(uint32_t i, const char *field, int32_t lo, int32_t hi, uint32_t *value)
{
    tt_conf_name_t name;
    tt_conf_name_start(&name, "layer");
    tt_conf_name_num(&name, i);
    tt_conf_name_add(&name, "_");
    tt_conf_name_add(&name, field);
    if (name.overflow) {
        return tt_conf_fail("param name too long", name.text);
    }
    return param_in(name.text, lo, hi, value);
}

/* The model from the params n_layers, in_h, in_w, in_c, batch, loss and layer<i>_<field>;
 * the layer checks themselves are the kernel's (tt_seq_workspace_size reports TT_ERR_SHAPE). */
static int read_seq(tt_seq_t *m, uint32_t *n_steps)
{
    uint32_t i, kind, loss;
    if (!param_in("n_layers", 1, TT_SEQ_MAX_LAYERS, &m->n_layers) || !param_in("n_steps", 1, 1000, n_steps) ||
        !param_in("in_h", 1, TT_CONF_DIM_MAX, &m->in_h) || !param_in("in_w", 1, TT_CONF_DIM_MAX, &m->in_w) ||
        !param_in("in_c", 1, TT_CONF_DIM_MAX, &m->in_c) || !param_in("batch", 1, TT_CONF_DIM_MAX, &m->batch) ||
        !param_in("loss", 0, 0, &loss)) { /* the CNN suites are classification (softmax) only */
        return 0;
    }
    m->loss_mse = 0;
    for (i = 0; i < m->n_layers; ++i) {
        tt_layer_t *l = &m->layers[i];
        uint32_t relu;
        if (!layer_param(i, "kind", TT_DENSE, TT_FLATTEN, &kind) ||
            !layer_param(i, "out", 0, TT_CONF_DIM_MAX, &l->out) ||
            !layer_param(i, "kernel", 0, TT_CONF_DIM_MAX, &l->kernel) ||
            !layer_param(i, "stride", 0, TT_CONF_DIM_MAX, &l->stride) ||
            !layer_param(i, "pad", 0, TT_CONF_DIM_MAX, &l->pad) || !layer_param(i, "relu", 0, 1, &relu)) {
            return 0;
        }
        l->kind = (tt_layer_kind_t)kind;
        l->relu = (int32_t)relu;
        if (!tt_conf_require(kind != TT_MAXPOOL2D || l->stride == l->kernel,
                             "a max-pooling layer's stride must equal its window", "layer stride")) {
            return 0;
        }
    }
    return 1;
}

/* Number of parameter (dense and conv) layers. */
static uint32_t param_layers(const tt_seq_t *m)
{
    uint32_t i, n = 0;
    for (i = 0; i < m->n_layers; ++i) {
        n += (uint32_t)(m->layers[i].kind == TT_DENSE || m->layers[i].kind == TT_CONV2D);
    }
    return n;
}

static int load_cnn_batch(const tt_seq_t *m, uint32_t k, uint32_t n_x, int8_t *x, int32_t *labels)
{
    tt_conf_name_t name;
    const tt_tensor_t *t;
    uint32_t i;
    t = tt_conf_input(compose(&name, "batch", k, "/x", -1, NULL), TT_I8, 4);
    if (t == NULL || !tt_conf_require(tt_conf_dim(t, 0) == m->batch && tt_conf_dim(t, 1) == m->in_h &&
                                          tt_conf_dim(t, 2) == m->in_w && tt_conf_dim(t, 3) == m->in_c && t->count == n_x,
                                      "batch x must be [batch, in_h, in_w, in_c]", name.text)) {
        return 0;
    }
    for (i = 0; i < t->count; ++i) x[i] = ((const int8_t *)t->data)[i];
    t = tt_conf_input(compose(&name, "batch", k, "/labels", -1, NULL), TT_I32, 1);
    if (t == NULL || !tt_conf_require(t->count == m->batch, "batch labels must be int32[batch]", name.text)) {
        return 0;
    }
    for (i = 0; i < t->count; ++i) labels[i] = ((const int32_t *)t->data)[i];
    return 1;
}

/* Compares the state and metrics after step k with "step<k>/..."; returns 1 if all equal. */
static int check_cnn_step(const tt_seq_t *m, const tt_model_state_t *state, uint32_t n_params,
                          const tt_metrics_t *metrics, uint32_t k)
{
    tt_conf_name_t name;
    uint32_t p;
    int ok = 1;
    for (p = 0; p < n_params; ++p) {
        if (compose(&name, "step", k, "/param", (int32_t)p, "/w") == NULL) return 0;
        ok &= tt_conf_check(name.text, TT_I8, state->w[p], tt_seq_weight_count(m, p));
        if (compose(&name, "step", k, "/param", (int32_t)p, "/h") == NULL) return 0;
        ok &= tt_conf_check_header(name.text, state->h[p]);
    }
    if (compose(&name, "step", k, "/correct", -1, NULL) == NULL) return 0;
    ok &= tt_conf_check(name.text, TT_I32, &metrics->correct, 1u);
    if (compose(&name, "step", k, "/error_abs_sum", -1, NULL) == NULL) return 0;
    ok &= tt_conf_check(name.text, TT_I32, &metrics->error_abs_sum, 1u);
    return ok && tt_conf_ok();
}

/* Every step of the case from its initial state, in gradient mode `mode` (tt_conf_grad_mode): the
 * default mode through tt_train_step_seq, the other through tt_train_step_seq_mode. */
typedef struct {
    tt_seq_t model;
    uint32_t n_steps;
    int32_t seed, step;
    tt_header_t h_x;
    const char *suite;
} cnn_case_t;

static void run_cnn_train_mode(const void *ctx, tt_grad_mode_t mode)
{
    const cnn_case_t *cc = (const cnn_case_t *)ctx;
    const tt_seq_t *model = &cc->model;
    const tt_header_t h_x = cc->h_x;
    const char *suite = cc->suite;
    tt_model_state_t state;
    tt_workspace_t ws;
    tt_workspace_size_t need;
    tt_metrics_t metrics;
    tt_header_t h_none = {0, 0, 0};
    tt_conf_name_t name;
    uint32_t n_params, n_x, p, k;
    int32_t *labels;
    int8_t *x;
    int dflt = mode == TT_GRAD_DEFAULT;
    state.seed = cc->seed;
    state.step = cc->step;
    if (dflt ? !tt_conf_status(tt_seq_workspace_size(model, &need), "tt_seq_workspace_size")
             : !tt_conf_status(tt_seq_workspace_size_mode(model, mode, &need), "tt_seq_workspace_size_mode")) {
        return;
    }
    n_params = param_layers(model);
    for (p = 0; p < n_params; ++p) {
        const tt_tensor_t *w = tt_conf_input(compose(&name, "param", p, "/w", -1, NULL), TT_I8, -1);
        if (w == NULL || !tt_conf_require(w->count == tt_seq_weight_count(model, p),
                                          "weights differ in size from the model's layer", name.text)) {
            return;
        }
        state.w[p] = tt_conf_copy_i8(w); /* trained in place */
        if (!tt_conf_header(compose(&name, "param", p, "/h", -1, NULL), &state.h[p])) return;
    }
    for (; p < TT_MAX_PARAM_LAYERS; ++p) {
        state.w[p] = NULL;
        state.h[p] = h_none;
    }
    n_x = model->batch * model->in_h * model->in_w * model->in_c;
    tt_conf_workspace(&need, &ws);
    x = (int8_t *)tt_conf_alloc(n_x, 1u, "batch x");
    labels = (int32_t *)tt_conf_alloc(model->batch, 4u, "batch labels");
    for (k = 0; tt_conf_ok() && k < cc->n_steps; ++k) {
        tt_status_t st;
        tt_set_step((int32_t)k); /* later failure lines name the step */
        if (!load_cnn_batch(model, k, n_x, x, labels)) break;
        if (dflt) {
            st = tt_train_step_seq(tt_conf_config(suite), model, &state, x, h_x, labels, NULL, h_none, &ws,
                                   &metrics);
        } else {
            st = tt_train_step_seq_mode(tt_conf_config(suite), model, &state, x, h_x, labels, NULL, h_none, &ws,
                                        mode, &metrics);
        }
        if (!tt_conf_status(st, dflt ? "tt_train_step_seq" : "tt_train_step_seq_mode")) break;
        if (!check_cnn_step(model, &state, n_params, &metrics, k)) break; /* later steps would only echo it */
    }
}

static int run_cnn_train(const tt_case_t *c, const char *suite)
{
    cnn_case_t cc;
    tt_conf_begin(c, suite);
    cc.suite = suite;
    if (!read_seq(&cc.model, &cc.n_steps) || !tt_conf_header("x_h", &cc.h_x) || !tt_conf_scalar("seed", &cc.seed) ||
        !tt_conf_scalar("step", &cc.step)) {
        return tt_conf_end();
    }
    tt_conf_each_grad_mode(run_cnn_train_mode, &cc);
    return tt_conf_end();
}

int tt_run_case_train_step_cnn_tintin(const tt_case_t *c, const char *suite)
{
    return run_cnn_train(c, suite);
}

int tt_run_case_train_step_cnn_niti(const tt_case_t *c, const char *suite)
{
    return run_cnn_train(c, suite);
}
