"""Differential tests: the C kernels (host shared library, UBSan where it loads) against the
JAX reference on random shapes and values drawn by hypothesis, and the kernels' refusal of
bad arguments (right status, output buffers untouched)."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tintin.reference import jax_backend as JB
from tintin.reference import layers as L
from tintin.reference import model as M
from tintin.reference import rules as R
from tintin.reference.config import PRESETS, NumericsConfig
from tintin.reference.layers import QTensor, RoundingContext
from tintin.reference.ops import JaxOps
from tintin.reference.rules import Header as RHeader

from .hostlib import (
    TT_ERR_CONFIG,
    TT_ERR_NULL,
    TT_ERR_RANGE,
    TT_ERR_SHAPE,
    TT_OK,
    Config,
    Header,
    Kernels,
    Metrics,
    Mlp,
    MlpState,
    MlpWorkspace,
    MlpWorkspaceSize,
    header,
    ptr,
)

JAX = JaxOps()
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
FINE_PARTS = ((0, 0), (1, 0), (2, 0), (0, 1), (0, 2))  # normal (U, D)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])


def headers(s_lo: int, s_hi: int) -> st.SearchStrategy[tuple[int, int, int]]:
    return st.tuples(st.integers(s_lo, s_hi), st.sampled_from(FINE_PARTS)).map(lambda t: (t[0], *t[1]))


presets = st.sampled_from(sorted(PRESETS))


def payload(rng: np.random.Generator, shape: tuple[int, ...], max_abs: int) -> np.ndarray:
    """int8 in [-max_abs, max_abs]; max_abs drawn by the test so small tensors (window) occur."""
    return rng.integers(-max_abs, max_abs + 1, size=shape).astype(np.int8)


def wide(rng: np.random.Generator, n: int, bits: int) -> np.ndarray:
    """int32 of about `bits` bits, never INT32_MIN."""
    hi = (1 << bits) - 1 if bits < 31 else INT32_MAX
    return rng.integers(-hi, hi + 1, size=n, dtype=np.int64).astype(np.int32)


def from_jax(t: QTensor) -> tuple[np.ndarray, tuple[int, ...]]:
    return np.asarray(t.q), tuple(int(v) for v in t.h)


@cache
def _jitted(fn: Callable[..., Any]) -> Any:
    import jax

    return jax.jit(lambda *xs: fn(JAX, *xs))


def elementwise(fn: Callable[..., Any], *arrays: np.ndarray) -> np.ndarray:
    """A rule on 1-d arrays under jit; lengths padded to a power of two so shapes repeat."""
    n = len(arrays[0])
    size = max(64, 1 << (n - 1).bit_length())
    padded = [np.pad(a, (0, size - n), mode="edge") for a in arrays]
    return np.asarray(_jitted(fn)(*padded))[:n]


# Layer references run under jit at one padded shape per function. Zero padding changes no
# result: every per-tensor maximum, and so every shift and window decision, is unchanged, and
# padded rows and columns stay zero. The update pads 1-d so the hash's flat indices are kept;
# softmax pads rows only (classes of a row interact).
PAD_B, PAD_I, PAD_O, PAD_FLAT = 16, 24, 12, 160


def pad(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return np.pad(a, [(0, n - d) for d, n in zip(a.shape, shape)])


def qt(q: Any, h: Any) -> QTensor:
    return QTensor(q, RHeader(h[0], h[1], h[2]))


@cache
def reference(kind: str, cfg_name: str, flag: Any = None) -> Any:
    """The jitted reference of one layer function for one preset (and relu flag / class count)."""
    import jax

    cfg = PRESETS[cfg_name]
    fns: dict[str, Callable[..., Any]] = {
        "requantise": lambda acc, h: L.store(JAX, L.requantise(JAX, acc, RHeader(h[0], h[1], h[2]), cfg), cfg),
        "window": lambda q, h: L.store(JAX, L.window(JAX, qt(q, h), cfg), cfg),
        "dense_forward": lambda x, hx, w, hw: L.dense_forward(JAX, qt(x, hx), qt(w, hw), bool(flag), cfg),
        "dense_backward_error": lambda e, he, w, hw: L.dense_backward_error(JAX, qt(e, he), qt(w, hw), cfg),
        "dense_gradient": lambda e, he, x, hx: L.dense_gradient(JAX, qt(e, he), qt(x, hx)),
        "update": lambda w, hw, g, hg, seed, step: L.update_weights(
            JAX, qt(w, hw), g, RHeader(hg[0], hg[1], hg[2]), cfg, RoundingContext(seed, step, int(flag))),
        "softmax": lambda z, h, labels: L.softmax_xent_error(JAX, qt(z, h), labels, cfg),
        "mse": lambda y, hy, t, ht: L.mse_error(JAX, qt(y, hy), qt(t, ht), cfg),
    }
    return jax.jit(fns[kind])


def h32(h: tuple[int, int, int]) -> np.ndarray:
    return np.array(h, np.int32)


def cfg_of(kernels: Kernels, name: str) -> tuple[Any, NumericsConfig]:
    return kernels.preset(name), PRESETS[name]


# ---- rules -----------------------------------------------------------------------------------


@SETTINGS
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1), bits=st.integers(0, 31))
def test_rshift_round(no_ub: Kernels, n: int, seed: int, bits: int) -> None:
    rng = np.random.default_rng(seed)
    x = wide(rng, n, bits)
    x[rng.random(n) < 0.1] = INT32_MIN  # allowed for shifts up to 31
    s = rng.integers(0, 64, n).astype(np.int32)
    s[x == INT32_MIN] = rng.integers(0, 32, int(np.sum(x == INT32_MIN)))
    y = np.zeros(n, np.int32)
    assert no_ub.tt_rshift_round(ptr(x), ptr(s), ptr(y), n) == TT_OK
    np.testing.assert_array_equal(y, elementwise(R.rshift_round_wide, x, s))


@SETTINGS
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1), bits=st.integers(0, 31))
def test_rshift_stochastic(no_ub: Kernels, n: int, seed: int, bits: int) -> None:
    rng = np.random.default_rng(seed)
    x = wide(rng, n, bits)
    s = rng.integers(0, 64, n).astype(np.int32)
    b = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
    y = np.zeros(n, np.int32)
    assert no_ub.tt_rshift_stochastic(ptr(x), ptr(s), ptr(b), ptr(y), n) == TT_OK
    np.testing.assert_array_equal(y, elementwise(R.rshift_stochastic_wide, x, s, b))


@SETTINGS
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1))
def test_counter_hash(no_ub: Kernels, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b, c, i = (rng.integers(INT32_MIN, INT32_MAX + 1, n, dtype=np.int64).astype(np.int32) for _ in range(4))
    h = np.zeros(n, np.uint32)
    assert no_ub.tt_counter_hash(ptr(a), ptr(b), ptr(c), ptr(i), ptr(h), n) == TT_OK
    np.testing.assert_array_equal(h, elementwise(R.counter_hash, a, b, c, i).astype(np.uint32))


@SETTINGS
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1), bits=st.integers(0, 22), up=st.booleans())
def test_fine_steps(no_ub: Kernels, n: int, seed: int, bits: int, up: bool) -> None:
    cfg_c, cfg = cfg_of(no_ub, "tintin")
    limit = INT32_MAX // (cfg.up if up else cfg.down).multiplier  # the documented domain of the step
    x = np.clip(wide(np.random.default_rng(seed), n, bits), -limit, limit).astype(np.int32)
    y = np.zeros(n, np.int32)
    fn = no_ub.tt_fine_up if up else no_ub.tt_fine_down
    assert fn(cfg_c, ptr(x), ptr(y), n) == TT_OK
    np.testing.assert_array_equal(y, elementwise(_step_up if up else _step_down, x))


def _step_up(o: Any, x: Any) -> Any:
    return R.step_up(o, x, PRESETS["tintin"])


def _step_down(o: Any, x: Any) -> Any:
    return R.step_down(o, x, PRESETS["tintin"])


@SETTINGS
@given(b=st.integers(1, 6), n=st.integers(1, 16), seed=st.integers(0, 2**32 - 1), bits=st.integers(0, 31),
       h=headers(-40, 40), name=presets)
def test_requantise(no_ub: Kernels, b: int, n: int, seed: int, bits: int, h: tuple, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    acc = wide(np.random.default_rng(seed), b * n, bits).reshape(b, n)
    q = np.full(b * n, 0x5A, np.int8)
    h_out = Header()
    assert no_ub.tt_requantise(cfg_c, ptr(acc), b * n, header(h), ptr(q), h_out) == TT_OK
    rq, rh = from_jax(reference("requantise", name)(pad(acc.ravel(), (PAD_FLAT,)), h32(h)))
    np.testing.assert_array_equal(q, rq[: b * n])
    assert h_out.tuple() == rh


@SETTINGS
@given(b=st.integers(1, 6), n=st.integers(1, 16), seed=st.integers(0, 2**32 - 1), m=st.integers(0, 127),
       h=headers(-40, 40), name=presets)
def test_window(no_ub: Kernels, b: int, n: int, seed: int, m: int, h: tuple, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    q0 = payload(np.random.default_rng(seed), (b, n), m)
    q = q0.copy()
    hc = header(h)
    assert no_ub.tt_window(cfg_c, ptr(q), b * n, hc) == TT_OK
    rq, rh = from_jax(reference("window", name)(pad(q0.ravel(), (PAD_FLAT,)), h32(h)))
    np.testing.assert_array_equal(q.ravel(), rq[: b * n])
    assert hc.tuple() == rh


# ---- layers ----------------------------------------------------------------------------------


@SETTINGS
@given(b=st.integers(1, 8), n_in=st.integers(1, 24), n_out=st.integers(1, 12), seed=st.integers(0, 2**32 - 1),
       mx=st.integers(0, 127), mw=st.integers(0, 127), hx=headers(-12, 4), hw=headers(-12, 4), relu=st.booleans(),
       name=presets)
def test_dense_forward(no_ub: Kernels, b: int, n_in: int, n_out: int, seed: int, mx: int, mw: int, hx: tuple,
                       hw: tuple, relu: bool, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(seed)
    x, w = payload(rng, (b, n_in), mx), payload(rng, (n_out, n_in), mw)
    acc = np.zeros(b * n_out, np.int32)
    y = np.zeros((b, n_out), np.int8)
    h_y = Header()
    st_ = no_ub.tt_dense_forward(cfg_c, ptr(x), header(hx), ptr(w), header(hw), b, n_in, n_out, int(relu),
                                 ptr(acc), ptr(y), h_y)
    assert st_ == TT_OK
    ref = reference("dense_forward", name, relu)
    ry, rh = from_jax(ref(pad(x, (PAD_B, PAD_I)), h32(hx), pad(w, (PAD_O, PAD_I)), h32(hw)))
    np.testing.assert_array_equal(y, ry[:b, :n_out])
    assert h_y.tuple() == rh


@SETTINGS
@given(b=st.integers(1, 8), n_in=st.integers(1, 24), n_out=st.integers(1, 12), seed=st.integers(0, 2**32 - 1),
       me=st.integers(0, 127), he=headers(-12, 4), hw=headers(-12, 4), name=presets)
def test_dense_backward_error(no_ub: Kernels, b: int, n_in: int, n_out: int, seed: int, me: int, he: tuple,
                              hw: tuple, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(seed)
    e, w = payload(rng, (b, n_out), me), payload(rng, (n_out, n_in), 127)
    acc = np.zeros(b * n_in, np.int32)
    e_in = np.zeros((b, n_in), np.int8)
    h_out = Header()
    assert no_ub.tt_dense_backward_error(cfg_c, ptr(e), header(he), ptr(w), header(hw), b, n_in, n_out, ptr(acc),
                                         ptr(e_in), h_out) == TT_OK
    ref = reference("dense_backward_error", name)
    re, rh = from_jax(ref(pad(e, (PAD_B, PAD_O)), h32(he), pad(w, (PAD_O, PAD_I)), h32(hw)))
    np.testing.assert_array_equal(e_in, re[:b, :n_in])
    assert h_out.tuple() == rh


@SETTINGS
@given(b=st.integers(1, 16), n_in=st.integers(1, 24), n_out=st.integers(1, 12), seed=st.integers(0, 2**32 - 1),
       he=headers(-20, 4), hx=headers(-20, 4))
def test_dense_gradient(no_ub: Kernels, b: int, n_in: int, n_out: int, seed: int, he: tuple, hx: tuple) -> None:
    rng = np.random.default_rng(seed)
    e, x = payload(rng, (b, n_out), 127), payload(rng, (b, n_in), 127)
    g = np.zeros((n_out, n_in), np.int32)
    h_g = Header()
    assert no_ub.tt_dense_gradient(ptr(e), header(he), ptr(x), header(hx), b, n_in, n_out, ptr(g), h_g) == TT_OK
    rg, rh = reference("dense_gradient", "tintin")(pad(e, (PAD_B, PAD_O)), h32(he), pad(x, (PAD_B, PAD_I)), h32(hx))
    np.testing.assert_array_equal(g, np.asarray(rg)[:n_out, :n_in])
    assert h_g.tuple() == tuple(int(v) for v in rh)


@SETTINGS
@given(rows=st.integers(1, 10), cols=st.integers(1, 16), seed=st.integers(0, 2**32 - 1), mw=st.integers(0, 127),
       gbits=st.integers(0, 31), hw=headers(-14, 0), hg=headers(-40, 10), step=st.integers(INT32_MIN, INT32_MAX),
       rseed=st.integers(INT32_MIN, INT32_MAX), tid=st.integers(0, 7), name=presets)
def test_update_dense(no_ub: Kernels, rows: int, cols: int, seed: int, mw: int, gbits: int, hw: tuple, hg: tuple,
                      step: int, rseed: int, tid: int, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(seed)
    w0 = payload(rng, (rows, cols), mw)
    g0 = wide(rng, rows * cols, gbits).reshape(rows, cols)
    w, g, h_w = w0.copy(), g0.copy(), header(hw)
    n = rows * cols
    assert no_ub.tt_update_dense(cfg_c, ptr(w), h_w, ptr(g), header(hg), n, rseed, step, tid) == TT_OK
    ref = reference("update", name, tid)
    rw, rh = from_jax(ref(pad(w0.ravel(), (PAD_FLAT,)), h32(hw), pad(g0.ravel(), (PAD_FLAT,)), h32(hg),
                          np.int32(rseed), np.int32(step)))
    np.testing.assert_array_equal(w.ravel(), rw[:n])
    assert h_w.tuple() == rh


@SETTINGS
@given(b=st.integers(1, 8), classes=st.sampled_from([1, 2, 3, 10]), seed=st.integers(0, 2**32 - 1),
       m=st.integers(0, 127), h=headers(-16, 12), name=presets)
def test_softmax_xent_error(no_ub: Kernels, b: int, classes: int, seed: int, m: int, h: tuple, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(seed)
    z = payload(rng, (b, classes), m)
    labels = rng.integers(0, classes, b).astype(np.int32)
    u = np.zeros(classes, np.int32)
    e = np.zeros((b, classes), np.int8)
    h_e = Header()
    assert no_ub.tt_softmax_xent_error(cfg_c, ptr(z), header(h), ptr(labels), b, classes, ptr(u), ptr(e),
                                       h_e) == TT_OK
    ref = reference("softmax", name, classes)
    re, rh = from_jax(ref(pad(z, (PAD_B, classes)), h32(h), pad(labels, (PAD_B,))))
    np.testing.assert_array_equal(e, re[:b])
    assert h_e.tuple() == rh


@SETTINGS
@given(n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1), my=st.integers(0, 127), mt=st.integers(0, 127),
       hy=headers(-14, 2), ht=headers(-14, 2), name=presets)
def test_mse_error(no_ub: Kernels, n: int, seed: int, my: int, mt: int, hy: tuple, ht: tuple, name: str) -> None:
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(seed)
    y, t = payload(rng, (n,), my), payload(rng, (n,), mt)
    e = np.zeros(n, np.int8)
    h_e = Header()
    assert no_ub.tt_mse_error(cfg_c, ptr(y), header(hy), ptr(t), header(ht), n, ptr(e), h_e) == TT_OK
    re, rh = from_jax(reference("mse", name)(pad(y, (PAD_FLAT,)), h32(hy), pad(t, (PAD_FLAT,)), h32(ht)))
    np.testing.assert_array_equal(e, re[:n])
    assert h_e.tuple() == rh


# ---- whole training steps ----------------------------------------------------------------------

MODELS = {
    "mlp": M.MLP((8, 6, 4)),
    "deep": M.MLP((7, 6, 5, 3)),
    "autoencoder": M.MLP((6, 5, 6), loss="mse"),
}


class CTrainer:
    """tt_train_step_mlp with numpy-owned weights and workspace."""

    def __init__(self, k: Kernels, model: M.MLP, cfg_c: Any, state: M.TrainState, batch: int) -> None:
        self.k, self.cfg_c = k, cfg_c
        self.mlp = Mlp(model.n_layers, (ctypes_u32(model.sizes)), batch, int(model.loss == "mse"))
        need = MlpWorkspaceSize()
        assert k.tt_mlp_workspace_size(self.mlp, need) == TT_OK
        self.bufs = [np.zeros(need.act_bytes, np.int8), np.zeros(need.err_bytes, np.int8),
                     np.zeros(need.err_bytes, np.int8), np.zeros(need.acc_words, np.int32)]
        self.ws = MlpWorkspace(*(ptr(b) for b in self.bufs))
        self.w = [np.ascontiguousarray(np.asarray(p.q, np.int8)) for p in state.params]
        self.state = MlpState()
        for i, (w, p) in enumerate(zip(self.w, state.params)):
            self.state.w[i] = ptr(w)
            self.state.h[i] = header(p.h)
        self.state.seed, self.state.step = int(state.seed), int(state.step)

    def step(self, batch: M.Batch) -> tuple[int, Metrics]:
        x = np.ascontiguousarray(batch.x.q, np.int8)
        labels = np.ascontiguousarray(batch.labels, np.int32)
        target = None if batch.target is None else np.ascontiguousarray(batch.target.q, np.int8)
        h_t = header(batch.target.h) if batch.target is not None else Header()
        m = Metrics()
        status = self.k.tt_train_step_mlp(self.cfg_c, self.mlp, self.state, ptr(x), header(batch.x.h),
                                          None if target is not None else ptr(labels), ptr(target), h_t, self.ws, m)
        return status, m


def ctypes_u32(sizes: tuple[int, ...]) -> Any:
    import ctypes

    return (ctypes.c_uint32 * 9)(*sizes)


def random_batch(rng: np.random.Generator, model: M.MLP, b: int, signed: bool) -> M.Batch:
    lo = -127 if signed else 0
    x = QTensor(rng.integers(lo, 128, (b, model.sizes[0])).astype(np.int8), RHeader(-7, 0, 0))
    labels = rng.integers(0, model.sizes[-1], b).astype(np.int32)
    target = None
    if model.loss == "mse":
        target = QTensor(rng.integers(lo, 128, (b, model.sizes[-1])).astype(np.int8), RHeader(-6, 1, 0))
    return M.Batch(x, labels, target)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(sorted(MODELS)), name=presets, seed=st.integers(-1000, 1000),
       step=st.integers(0, 2**31 - 100), b=st.sampled_from([1, 4]), data_seed=st.integers(0, 2**32 - 1),
       signed=st.booleans())
def test_train_steps(no_ub: Kernels, which: str, name: str, seed: int, step: int, b: int, data_seed: int,
                     signed: bool) -> None:
    model = MODELS[which]
    cfg_c, cfg = cfg_of(no_ub, name)
    rng = np.random.default_rng(data_seed)
    state = M.init_state(model, cfg, seed)._replace(step=step)
    c = CTrainer(no_ub, model, cfg_c, state, b)
    jstate, jstep = JB.state_to_jax(state), JB.jit_train_step(model, cfg)
    for k in range(3):
        batch = random_batch(rng, model, b, signed)
        status, metrics = c.step(batch)
        assert status == TT_OK, f"step {k}"
        jstate, jm = jstep(jstate, JB.batch_to_jax(batch))
        ref = JB.state_to_numpy(jstate)
        for i, p in enumerate(ref.params):
            np.testing.assert_array_equal(c.w[i], p.q, err_msg=f"step {k} layer {i} weights")
            assert c.state.h[i].tuple() == p.h, f"step {k} layer {i} header"
        assert metrics.error_abs_sum == int(jm["error_abs_sum"]), f"step {k}"
        if "correct" in jm:
            assert metrics.correct == int(jm["correct"]), f"step {k}"
        assert c.state.step == ref.step


# ---- bad arguments ---------------------------------------------------------------------------------

SENTINEL = 0x5A


def _bad_cases(k: Kernels) -> dict[str, Callable[[], tuple[int, int, list[np.ndarray], list[np.ndarray]]]]:
    """name -> call returning (status, expected status, buffers after, buffers before)."""
    cfg = k.preset("tintin")
    h0 = header((-7, 0, 0))
    x = np.full((2, 3), 5, np.int8)
    w = np.full((4, 3), 7, np.int8)

    def out8(n: int) -> np.ndarray:
        return np.full(n, SENTINEL, np.int8)

    def dense(xv: np.ndarray, b: int, hx: Header = h0, cfg_: Any = cfg, xp: Any = ...) -> Callable[..., Any]:
        def call() -> Any:
            y, acc, h = out8(8), np.zeros(8, np.int32), Header(77, 77, 77)
            before = [y.copy()]
            st_ = k.tt_dense_forward(cfg_, ptr(xv) if xp is ... else xp, hx, ptr(w), h0, b, 3, 4, 1, ptr(acc),
                                     ptr(y), h)
            return st_, [y, np.array(h.tuple(), np.int8)], [*before, np.array([77, 77, 77], np.int8)]
        return call

    def softmax(labels: list[int], z: np.ndarray | None = None, classes: int = 3) -> Callable[..., Any]:
        def call() -> Any:
            zz = x if z is None else z
            lab = np.array(labels, np.int32)
            e, u, h = out8(6), np.zeros(3, np.int32), Header(77, 77, 77)
            st_ = k.tt_softmax_xent_error(cfg, ptr(zz), h0, ptr(lab), 2, classes, ptr(u), ptr(e), h)
            return st_, [e, np.array(h.tuple(), np.int8)], [out8(6), np.array([77, 77, 77], np.int8)]
        return call

    def update(wv: np.ndarray, g: np.ndarray, n: int) -> Callable[..., Any]:
        def call() -> Any:
            w2, h = wv.copy(), header((-7, 0, 0))
            st_ = k.tt_update_dense(cfg, ptr(w2), h, ptr(g.copy()), h0, n, 1, 2, 0)
            return st_, [w2, np.array(h.tuple(), np.int8)], [wv, np.array([-7, 0, 0], np.int8)]
        return call

    def window(q: np.ndarray, n: int, hdr: tuple = (-7, 0, 0)) -> Callable[..., Any]:
        def call() -> Any:
            q2, h = q.copy(), header(hdr)
            st_ = k.tt_window(cfg, ptr(q2), n, h)
            return st_, [q2, np.array(h.tuple(), np.int8)], [q, np.array(hdr, np.int8)]
        return call

    def mse(t: np.ndarray, n: int) -> Callable[..., Any]:
        def call() -> Any:
            e, h = out8(6), Header(77, 77, 77)
            st_ = k.tt_mse_error(cfg, ptr(x), h0, ptr(t), h0, n, ptr(e), h)
            return st_, [e, np.array(h.tuple(), np.int8)], [out8(6), np.array([77, 77, 77], np.int8)]
        return call

    def requantise(acc: np.ndarray, n: int) -> Callable[..., Any]:
        def call() -> Any:
            q, h = out8(4), Header(77, 77, 77)
            st_ = k.tt_requantise(cfg, ptr(acc), n, h0, ptr(q), h)
            return st_, [q, np.array(h.tuple(), np.int8)], [out8(4), np.array([77, 77, 77], np.int8)]
        return call

    def rshift(s: np.ndarray) -> Callable[..., Any]:
        def call() -> Any:
            y = np.full(2, 12345, np.int32)
            st_ = k.tt_rshift_round(ptr(np.array([5, 6], np.int32)), ptr(s), ptr(y), 2)
            return st_, [y], [np.full(2, 12345, np.int32)]
        return call

    with_m128 = x.copy()
    with_m128[1, 2] = -128
    bad_cfg = Config.from_buffer_copy(cfg.contents)
    bad_cfg.qmax = 100
    return {
        "dense_forward NULL x": (dense(x, 2, xp=None), TT_ERR_NULL),
        "dense_forward NULL config": (dense(x, 2, cfg_=None), TT_ERR_NULL),
        "dense_forward bad config": (dense(x, 2, cfg_=bad_cfg), TT_ERR_CONFIG),
        "dense_forward batch 0": (dense(x, 0), TT_ERR_SHAPE),
        "dense_forward payload -128": (dense(with_m128, 2), TT_ERR_RANGE),
        "dense_forward header U=3": (dense(x, 2, hx=header((-7, 3, 0))), TT_ERR_RANGE),
        "softmax label = classes": (softmax([0, 3]), TT_ERR_RANGE),
        "softmax label -1": (softmax([-1, 0]), TT_ERR_RANGE),
        "softmax classes 0": (softmax([0, 0], classes=0), TT_ERR_SHAPE),
        "softmax payload -128": (softmax([0, 1], z=with_m128), TT_ERR_RANGE),
        "update weight -128": (update(with_m128.ravel(), np.ones(6, np.int32), 6), TT_ERR_RANGE),
        "update gradient INT32_MIN": (update(x.ravel(), np.array([1, 2, INT32_MIN, 4, 5, 6], np.int32), 6),
                                      TT_ERR_RANGE),
        "update n 0": (update(x.ravel(), np.ones(6, np.int32), 0), TT_ERR_SHAPE),
        "window payload -128": (window(with_m128.ravel(), 6), TT_ERR_RANGE),
        "window n 0": (window(x.ravel(), 0), TT_ERR_SHAPE),
        "window header D=3": (window(x.ravel(), 6, (-7, 0, 3)), TT_ERR_RANGE),
        "mse target -128": (mse(with_m128.ravel(), 6), TT_ERR_RANGE),
        "mse n 0": (mse(x.ravel(), 0), TT_ERR_SHAPE),
        "requantise INT32_MIN": (requantise(np.array([1, INT32_MIN, 3, 4], np.int32), 4), TT_ERR_RANGE),
        "requantise n 0": (requantise(np.ones(4, np.int32), 0), TT_ERR_SHAPE),
        "rshift_round s = -1": (rshift(np.array([1, -1], np.int32)), TT_ERR_RANGE),
        "rshift_round s = 64": (rshift(np.array([64, 1], np.int32)), TT_ERR_RANGE),
    }


BAD_NAMES = [
    "dense_forward NULL x", "dense_forward NULL config", "dense_forward bad config", "dense_forward batch 0",
    "dense_forward payload -128", "dense_forward header U=3", "softmax label = classes", "softmax label -1",
    "softmax classes 0", "softmax payload -128", "update weight -128", "update gradient INT32_MIN", "update n 0",
    "window payload -128", "window n 0", "window header D=3", "mse target -128", "mse n 0",
    "requantise INT32_MIN", "requantise n 0", "rshift_round s = -1", "rshift_round s = 64",
]


@pytest.mark.parametrize("case", BAD_NAMES)
def test_bad_arguments_rejected_without_writing(no_ub: Kernels, case: str) -> None:
    call, want = _bad_cases(no_ub)[case]
    status, after, before = call()
    assert status == want, f"{case}: status {status}, expected {want}"
    for a, b in zip(after, before, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=f"{case}: an output was written")


def test_bad_case_table_is_complete(kernels: Kernels) -> None:
    assert sorted(_bad_cases(kernels)) == sorted(BAD_NAMES)


def test_train_step_rejects_bad_labels_and_nulls_without_training(no_ub: Kernels) -> None:
    model = MODELS["mlp"]
    cfg_c, cfg = cfg_of(no_ub, "tintin")
    state = M.init_state(model, cfg, 3)
    c = CTrainer(no_ub, model, cfg_c, state, 2)
    before = [w.copy() for w in c.w]
    batch = random_batch(np.random.default_rng(0), model, 2, False)
    bad = batch._replace(labels=np.array([0, model.sizes[-1]], np.int32))
    status, _ = c.step(bad)
    assert status == TT_ERR_RANGE
    m = Metrics()
    x = np.zeros((2, 8), np.int8)
    assert no_ub.tt_train_step_mlp(cfg_c, c.mlp, c.state, ptr(x), header((-7, 0, 0)), None, None, Header(), c.ws,
                                   m) == TT_ERR_NULL
    assert no_ub.tt_train_step_mlp(cfg_c, c.mlp, c.state, ptr(x), header((-7, 0, 0)),
                                   ptr(np.zeros(2, np.int32)), None, Header(), None, m) == TT_ERR_NULL
    zero = Mlp(2, ctypes_u32((8, 0, 4)), 2, 0)
    assert no_ub.tt_train_step_mlp(cfg_c, zero, c.state, ptr(x), header((-7, 0, 0)),
                                   ptr(np.zeros(2, np.int32)), None, Header(), c.ws, m) == TT_ERR_SHAPE
    for w, w0 in zip(c.w, before):
        np.testing.assert_array_equal(w, w0)
    assert c.state.step == state.step
    assert [c.state.h[i].tuple() for i in range(2)] == [p.h for p in state.params]


@pytest.mark.parametrize("n", [1, 3, 4, 5, 8, 13])
def test_minus_128_is_found_in_every_byte_lane(no_ub: Kernels, n: int) -> None:
    """The payload check reads four bytes at a time where it can: every position must still count."""
    cfg = no_ub.preset("tintin")
    for at in range(n):
        q = np.full(n, 5, dtype=np.int8)
        q[at] = -128
        before = q.copy()
        h = header((-7, 0, 0))
        assert no_ub.tt_window(cfg, ptr(q), n, ctypes.byref(h)) == TT_ERR_RANGE, f"-128 at {at} of {n} missed"
        np.testing.assert_array_equal(q, before)
    clean = np.array([127, -127, 0, 1, -1, 64, -64, 100, 3, -3, 7, 8, 9][:n], dtype=np.int8)
    h = header((-7, 0, 0))
    assert no_ub.tt_window(cfg, ptr(clean), n, ctypes.byref(h)) == 0
