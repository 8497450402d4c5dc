/* tt_conf_train.c - runners of the whole-training-step suites (spec 4.6): every step of a
 * case runs on the kernel's own state and is compared before the next one starts, so the
 * first failing step is the one reported. */
#include "tt_conf.h"

/* "<a><k><b><i><c>" into n, e.g. ("step", 3, "/layer", 1, "/w"); i < 0 leaves it out. */
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

/* The model from the params n_layers, size0..sizeL, batch and loss. */
static int read_model(tt_mlp_t *model, int32_t *n_steps)
{
    int32_t n_layers, batch, loss, size;
    uint32_t i;
    tt_conf_name_t name;
    if (!tt_conf_param("n_layers", &n_layers) || !tt_conf_param("n_steps", n_steps) ||
        !tt_conf_param("batch", &batch) || !tt_conf_param("loss", &loss)) {
        return 0;
    }
    if (!tt_conf_require(n_layers >= 1 && n_layers <= TT_MLP_MAX_LAYERS, "n_layers outside [1, TT_MLP_MAX_LAYERS]",
                         "param/n_layers") ||
        !tt_conf_require(*n_steps >= 1, "n_steps must be positive", "param/n_steps") ||
        !tt_conf_require(batch >= 1 && batch <= 65535, "batch outside [1, 65535]", "param/batch") ||
        !tt_conf_require(loss == 0 || loss == 1, "loss must be 0 (softmax) or 1 (mse)", "param/loss")) {
        return 0;
    }
    model->n_layers = (uint32_t)n_layers;
    model->batch = (uint32_t)batch;
    model->loss_mse = loss;
    for (i = 0; i <= model->n_layers; ++i) {
        tt_conf_name_start(&name, "size");
        tt_conf_name_num(&name, i);
        if (!tt_conf_param(name.text, &size) ||
            !tt_conf_require(size >= 1 && size <= 65535, "layer size outside [1, 65535]", name.text)) {
            return 0;
        }
        model->sizes[i] = (uint32_t)size;
    }
    return 1;
}

/* Copies step k's batch (x and labels or target) into the buffers. */
static int load_batch(const tt_mlp_t *model, uint32_t k, int8_t *x, int32_t *labels, int8_t *target)
{
    tt_conf_name_t name;
    const tt_tensor_t *t;
    uint32_t i, n_in = model->sizes[0], n_out = model->sizes[model->n_layers];
    t = tt_conf_input(compose(&name, "batch", k, "/x", -1, NULL), TT_I8, 2);
    if (t == NULL || !tt_conf_require(tt_conf_dim(t, 0) == model->batch && tt_conf_dim(t, 1) == n_in,
                                      "batch x must be [batch, size0]", name.text)) {
        return 0;
    }
    for (i = 0; i < t->count; ++i) x[i] = ((const int8_t *)t->data)[i];
    if (model->loss_mse) {
        t = tt_conf_input(compose(&name, "batch", k, "/target", -1, NULL), TT_I8, 2);
        if (t == NULL || !tt_conf_require(tt_conf_dim(t, 0) == model->batch && tt_conf_dim(t, 1) == n_out,
                                          "batch target must be [batch, sizeL]", name.text)) {
            return 0;
        }
        for (i = 0; i < t->count; ++i) target[i] = ((const int8_t *)t->data)[i];
    } else {
        t = tt_conf_input(compose(&name, "batch", k, "/labels", -1, NULL), TT_I32, 1);
        if (t == NULL || !tt_conf_require(t->count == model->batch, "batch labels must be int32[batch]", name.text)) {
            return 0;
        }
        for (i = 0; i < t->count; ++i) labels[i] = ((const int32_t *)t->data)[i];
    }
    return 1;
}

/* Compares the state and metrics after step k with "step<k>/..."; returns 1 if all equal. */
static int check_step(const tt_mlp_t *model, const tt_mlp_state_t *state, const tt_metrics_t *m, uint32_t k)
{
    tt_conf_name_t name;
    uint32_t i;
    int ok = 1;
    for (i = 0; i < model->n_layers; ++i) {
        const char *w = compose(&name, "step", k, "/layer", (int32_t)i, "/w");
        if (w == NULL) return 0;
        ok &= tt_conf_check(w, TT_I8, state->w[i], model->sizes[i + 1] * model->sizes[i]);
        if (compose(&name, "step", k, "/layer", (int32_t)i, "/h") == NULL) return 0;
        ok &= tt_conf_check_header(name.text, state->h[i]);
    }
    if (compose(&name, "step", k, "/correct", -1, NULL) != NULL && tt_conf_has_output(name.text)) {
        ok &= tt_conf_check(name.text, TT_I32, &m->correct, 1u);
    }
    if (compose(&name, "step", k, "/error_abs_sum", -1, NULL) != NULL && tt_conf_has_output(name.text)) {
        ok &= tt_conf_check(name.text, TT_I32, &m->error_abs_sum, 1u);
    }
    return ok && tt_conf_ok();
}

/* Every step of the case from its initial state, in gradient mode `mode`: the default mode through
 * tt_train_step_mlp, the other through tt_train_step_seq_mode on the equivalent model (tt_mlp_to_seq). */
typedef struct {
    tt_mlp_t model;
    int32_t n_steps, seed, step;
    tt_header_t h_x, h_target;
    const char *suite;
} train_case_t;

static void run_train_mode(const void *ctx, tt_grad_mode_t mode)
{
    const train_case_t *tc = (const train_case_t *)ctx;
    const tt_mlp_t *model = &tc->model;
    const tt_header_t h_x = tc->h_x, h_target = tc->h_target;
    const char *suite = tc->suite;
    tt_mlp_state_t state;
    tt_mlp_workspace_t ws;
    tt_mlp_workspace_size_t need;
    tt_metrics_t metrics;
    tt_seq_t seq;
    tt_conf_name_t name;
    int32_t *labels = NULL;
    int8_t *x, *target = NULL;
    uint32_t i, k;
    int dflt = mode == TT_GRAD_DEFAULT;
    state.seed = tc->seed;
    state.step = tc->step;
    if (!tt_conf_status(tt_mlp_to_seq(model, &seq), "tt_mlp_to_seq")) return;
    if (dflt ? !tt_conf_status(tt_mlp_workspace_size(model, &need), "tt_mlp_workspace_size")
             : !tt_conf_status(tt_seq_workspace_size_mode(&seq, mode, &need), "tt_seq_workspace_size_mode")) {
        return;
    }
    for (i = 0; i < model->n_layers; ++i) {
        const tt_tensor_t *w = tt_conf_input(compose(&name, "layer", i, "/w", -1, NULL), TT_I8, 2);
        if (w == NULL || !tt_conf_require(tt_conf_dim(w, 0) == model->sizes[i + 1] &&
                                              tt_conf_dim(w, 1) == model->sizes[i],
                                          "layer weights must be [size(i+1), size(i)]", name.text)) {
            return;
        }
        state.w[i] = tt_conf_copy_i8(w); /* trained in place */
        if (!tt_conf_header(compose(&name, "layer", i, "/h", -1, NULL), &state.h[i])) return;
    }
    tt_conf_workspace(&need, &ws);
    x = (int8_t *)tt_conf_alloc(model->batch * model->sizes[0], 1u, "batch x");
    if (model->loss_mse) {
        target = (int8_t *)tt_conf_alloc(model->batch * model->sizes[model->n_layers], 1u, "batch target");
    } else {
        labels = (int32_t *)tt_conf_alloc(model->batch, 4u, "batch labels");
    }
    for (k = 0; tt_conf_ok() && k < (uint32_t)tc->n_steps; ++k) {
        tt_status_t st;
        tt_set_step((int32_t)k); /* later failure lines name the step */
        if (!load_batch(model, k, x, labels, target)) break;
        if (dflt) {
            st = tt_train_step_mlp(tt_conf_config(suite), model, &state, x, h_x, labels, target, h_target, &ws,
                                   &metrics);
        } else {
            st = tt_train_step_seq_mode(tt_conf_config(suite), &seq, &state, x, h_x, labels, target, h_target,
                                        &ws, mode, &metrics);
        }
        if (!tt_conf_status(st, dflt ? "tt_train_step_mlp" : "tt_train_step_seq_mode")) break;
        if (!check_step(model, &state, &metrics, k)) break; /* later steps would only echo it */
    }
}

static int run_train(const tt_case_t *c, const char *suite)
{
    train_case_t tc;
    tt_conf_begin(c, suite);
    tc.suite = suite;
    tc.h_target.s = tc.h_target.u = tc.h_target.d = 0;
    if (!read_model(&tc.model, &tc.n_steps) || !tt_conf_header("x_h", &tc.h_x) || !tt_conf_scalar("seed", &tc.seed) ||
        !tt_conf_scalar("step", &tc.step) || (tc.model.loss_mse && !tt_conf_header("target_h", &tc.h_target))) {
        return tt_conf_end();
    }
    tt_conf_each_grad_mode(run_train_mode, &tc);
    return tt_conf_end();
}

int tt_run_case_train_step_mlp_tintin(const tt_case_t *c, const char *suite)
{
    return run_train(c, suite);
}

int tt_run_case_train_step_mlp_niti(const tt_case_t *c, const char *suite)
{
    return run_train(c, suite);
}

int tt_run_case_train_step_autoencoder(const tt_case_t *c, const char *suite)
{
    return run_train(c, suite);
}
