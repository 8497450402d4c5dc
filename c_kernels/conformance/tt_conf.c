/* tt_conf.c - see tt_conf.h. No malloc, float, stdio or division: it runs on every core. */
#include "tt_conf.h"

/* ---- case context ---- */

static const tt_case_t *tt_conf_case;
static const char *tt_conf_suite;
static int tt_conf_failed;
static uint32_t tt_conf_checked;

/* The arena: int32 words, so every block handed out is 4-byte aligned. */
static int32_t tt_conf_arena[(TT_CONF_ARENA_BYTES + 3u) / 4u];
static uint32_t tt_conf_used; /* bytes */
static uint32_t tt_conf_peak;

void tt_conf_begin(const tt_case_t *c, const char *suite)
{
    tt_conf_case = c;
    tt_conf_suite = suite;
    tt_conf_failed = 0;
    tt_conf_checked = 0;
    tt_conf_used = 0;
}

int tt_conf_ok(void)
{
    return !tt_conf_failed;
}

static const char *tt_conf_case_id(void)
{
    return tt_conf_case != NULL ? tt_conf_case->id : "(none)";
}

static void tt_conf_line_start(const char *tag)
{
    tt_flush();
    tt_write(tag);
    tt_write(" suite=");
    tt_write(tt_conf_suite);
    tt_write(" case=");
    tt_write(tt_conf_case_id());
}

int tt_conf_fail(const char *why, const char *name)
{
    tt_conf_line_start("ERROR");
    tt_write(" reason=");
    tt_write(why);
    if (name != NULL) {
        tt_write(" '");
        tt_write(name);
        tt_write("'");
    }
    tt_write("\n");
    tt_conf_failed = 1;
    return 0;
}

int tt_conf_require(int cond, const char *why, const char *name)
{
    return cond ? 1 : tt_conf_fail(why, name);
}

int tt_conf_end(void)
{
    if (!tt_conf_failed && tt_conf_case != NULL && tt_conf_checked != tt_conf_case->n_outputs) {
        /* An output the runner does not know is an output nobody checked. */
        tt_conf_line_start("ERROR");
        tt_write(" reason=the case has ");
        tt_write_u32(tt_conf_case->n_outputs);
        tt_write(" outputs but the runner compared ");
        tt_write_u32(tt_conf_checked);
        tt_write("\n");
        tt_conf_failed = 1;
    }
    if (tt_conf_used > tt_conf_peak) {
        tt_conf_peak = tt_conf_used;
    }
    return tt_conf_failed ? 1 : 0;
}

/* ---- inputs ---- */

uint32_t tt_conf_dim(const tt_tensor_t *t, uint8_t d)
{
    return (t != NULL && d < t->ndim) ? t->shape[d] : 0u;
}

int tt_conf_has_input(const char *name)
{
    return tt_conf_case != NULL && tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, name) != NULL;
}

const tt_tensor_t *tt_conf_input(const char *name, tt_dtype_t dtype, int ndim)
{
    const tt_tensor_t *t;
    const char *why = NULL;
    if (tt_conf_failed) {
        return NULL;
    }
    t = tt_find(tt_conf_case->inputs, tt_conf_case->n_inputs, name);
    if (t == NULL) {
        tt_conf_fail("missing input tensor", name);
        return NULL;
    }
    if (!tt_tensor_valid(t, &why)) {
        tt_conf_fail(why, name);
        return NULL;
    }
    if (t->dtype != dtype) {
        tt_conf_fail(dtype == TT_I8 ? "input must be int8" : dtype == TT_I32 ? "input must be int32"
                                                                              : "input has the wrong dtype",
                     name);
        return NULL;
    }
    if (ndim >= 0 && t->ndim != (uint8_t)ndim) {
        tt_conf_fail("input has the wrong number of dimensions", name);
        return NULL;
    }
    return t;
}

int tt_conf_header(const char *name, tt_header_t *h)
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I8, 1);
    const int8_t *v;
    if (t == NULL || !tt_conf_require(t->count == 3u, "a header must be int8[3]", name)) {
        return 0;
    }
    v = (const int8_t *)t->data;
    h->s = v[0];
    h->u = v[1];
    h->d = v[2];
    return 1;
}

int tt_conf_scalar(const char *name, int32_t *value)
{
    const tt_tensor_t *t = tt_conf_input(name, TT_I32, 0);
    if (t == NULL) {
        return 0;
    }
    *value = ((const int32_t *)t->data)[0];
    return 1;
}

int tt_conf_param(const char *name, int32_t *value)
{
    tt_conf_name_t full;
    tt_conf_name_start(&full, "param/");
    tt_conf_name_add(&full, name);
    if (full.overflow) {
        return tt_conf_fail("param name too long", name);
    }
    return tt_conf_scalar(full.text, value);
}

/* ---- the arena ---- */

void *tt_conf_alloc(uint32_t count, size_t elem_size, const char *what)
{
    uint32_t free_bytes = TT_CONF_ARENA_BYTES - tt_conf_used;
    uint32_t log2_size = elem_size == 4u ? 2u : elem_size == 2u ? 1u : 0u;
    uint32_t bytes;
    void *block;
    if (tt_conf_failed) {
        return NULL;
    }
    /* count * elem_size without overflow, and without a divide (the M0+ has none). */
    if ((elem_size != 1u && elem_size != 2u && elem_size != 4u) || count > (free_bytes >> log2_size)) {
        tt_conf_line_start("ERROR");
        tt_write(" reason=buffer too small: '");
        tt_write(what);
        tt_write("' needs ");
        tt_write_u32(count);
        tt_write(" x ");
        tt_write_u32((uint32_t)elem_size);
        tt_write(" bytes, ");
        tt_write_u32(free_bytes);
        tt_write(" of TT_CONF_ARENA_BYTES=");
        tt_write_u32(TT_CONF_ARENA_BYTES);
        tt_write(" left (c_kernels/conformance/tt_conf_limits.h)\n");
        tt_conf_failed = 1;
        return NULL;
    }
    bytes = ((count << log2_size) + 3u) & ~3u;
    block = (char *)tt_conf_arena + tt_conf_used;
    tt_conf_used += bytes;
    if (tt_conf_used > tt_conf_peak) {
        tt_conf_peak = tt_conf_used;
    }
    return block;
}

uint32_t tt_conf_arena_peak(void)
{
    return tt_conf_peak;
}

int8_t *tt_conf_copy_i8(const tt_tensor_t *t)
{
    int8_t *out;
    uint32_t i;
    if (t == NULL || (out = (int8_t *)tt_conf_alloc(t->count, 1u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const int8_t *)t->data)[i];
    }
    return out;
}

int32_t *tt_conf_copy_i32(const tt_tensor_t *t)
{
    int32_t *out;
    uint32_t i;
    if (t == NULL || (out = (int32_t *)tt_conf_alloc(t->count, 4u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const int32_t *)t->data)[i];
    }
    return out;
}

uint32_t *tt_conf_copy_u32(const tt_tensor_t *t)
{
    uint32_t *out;
    uint32_t i;
    if (t == NULL || (out = (uint32_t *)tt_conf_alloc(t->count, 4u, t->name)) == NULL) {
        return NULL;
    }
    for (i = 0; i < t->count; ++i) {
        out[i] = ((const uint32_t *)t->data)[i];
    }
    return out;
}

/* ---- kernels and outputs ---- */

const char *tt_conf_status_name(tt_status_t st)
{
    switch (st) {
    case TT_OK:
        return "TT_OK";
    case TT_ERR_NULL:
        return "TT_ERR_NULL";
    case TT_ERR_SHAPE:
        return "TT_ERR_SHAPE";
    case TT_ERR_RANGE:
        return "TT_ERR_RANGE";
    case TT_ERR_CONFIG:
        return "TT_ERR_CONFIG";
    case TT_ERR_HEADER:
        return "TT_ERR_HEADER";
    }
    return "TT_ERR_UNKNOWN";
}

int tt_conf_status(tt_status_t st, const char *kernel)
{
    if (st == TT_OK) {
        return 1;
    }
    tt_conf_line_start("STATUS");
    tt_write(" kernel=");
    tt_write(kernel);
    tt_write(" status=");
    tt_write(tt_conf_status_name(st));
    tt_write(" expected=TT_OK\n");
    tt_conf_failed = 1;
    return 0;
}

int tt_conf_has_output(const char *name)
{
    return tt_conf_case != NULL && tt_find(tt_conf_case->outputs, tt_conf_case->n_outputs, name) != NULL;
}

int tt_conf_check(const char *name, tt_dtype_t dtype, const void *actual, uint32_t count)
{
    const tt_tensor_t *e;
    const char *why = NULL;
    if (tt_conf_case == NULL) {
        return 0;
    }
    e = tt_find(tt_conf_case->outputs, tt_conf_case->n_outputs, name);
    if (e == NULL) {
        return tt_conf_fail("missing expected output", name);
    }
    ++tt_conf_checked;
    if (!tt_tensor_valid(e, &why)) {
        return tt_conf_fail(why, name);
    }
    if (e->dtype != dtype) {
        return tt_conf_fail("expected output has an unexpected dtype", name);
    }
    if (e->count != count) {
        return tt_conf_fail("expected output has a different element count than the kernel's", name);
    }
    if (tt_compare(tt_conf_suite, tt_conf_case->id, e, actual, dtype) != 0) {
        tt_conf_failed = 1;
        return 0;
    }
    return 1;
}

int tt_conf_check_header(const char *name, tt_header_t h)
{
    int8_t v[3];
    v[0] = h.s;
    v[1] = h.u;
    v[2] = h.d;
    return tt_conf_check(name, TT_I8, v, 3u);
}

/* ---- composed names ---- */

void tt_conf_name_start(tt_conf_name_t *n, const char *s)
{
    n->len = 0;
    n->overflow = 0;
    n->text[0] = '\0';
    tt_conf_name_add(n, s);
}

void tt_conf_name_add(tt_conf_name_t *n, const char *s)
{
    for (; s != NULL && *s != '\0'; ++s) {
        if (n->len + 1u >= TT_CONF_NAME_MAX) {
            n->overflow = 1;
            break;
        }
        n->text[n->len++] = *s;
    }
    n->text[n->len] = '\0';
}

void tt_conf_name_num(tt_conf_name_t *n, uint32_t v)
{
    char buf[TT_FMT_BUF];
    (void)tt_fmt_u32(buf, v);
    tt_conf_name_add(n, buf);
}

int tt_conf_starts_with(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

/* ---- running suites ---- */

tt_conf_runner_fn tt_conf_find_runner(const tt_conf_runner_t *table, uint32_t n, const char *suite)
{
    uint32_t i;
    for (i = 0; i < n; ++i) {
        if (tt_streq(table[i].suite, suite)) {
            return table[i].run;
        }
    }
    return NULL;
}

int tt_conf_dispatch(const tt_conf_runner_t *table, uint32_t n, const tt_suite_t *suite, const tt_case_t *c)
{
    tt_conf_runner_fn run = tt_conf_find_runner(table, n, suite->name);
    if (run == NULL) {
        tt_conf_begin(c, suite->name);
        tt_conf_fail("no runner for this suite", suite->name);
        return 1;
    }
    return run(c, suite->name);
}

void tt_conf_report_buffers(void)
{
    tt_flush();
    tt_write("BUFFER peak_bytes=");
    tt_write_u32(tt_conf_peak);
    tt_write(" limit_bytes=");
    tt_write_u32(TT_CONF_ARENA_BYTES);
    tt_write("\n");
}
