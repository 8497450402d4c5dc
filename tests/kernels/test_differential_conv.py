"""Differential tests of the convolution kernels: tt_conv2d_forward / backward_error /
gradient, tt_maxpool2d_forward / backward and tt_train_step_seq (host shared library, UBSan
where it loads) against the JAX reference (reference/conv.py, reference/sequential.py) on
random geometries drawn by hypothesis; and the kernels' refusal of bad geometries (right
status, output buffers untouched).

Each new geometry is a JAX compilation, so the references are jitted with the cheap compile
options the golden generator uses and cached per geometry; examples stay few and small.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tintin.golden.suites._common import jit
from tintin.reference import conv as C
from tintin.reference import jax_backend as JB
from tintin.reference import model as M
from tintin.reference import sequential as S
from tintin.reference.config import PRESETS
from tintin.reference.layers import QTensor
from tintin.reference.ops import JaxOps
from tintin.reference.rules import Header as RHeader

from .hostlib import (
    TT_CONV2D,
    TT_DENSE,
    TT_ERR_NULL,
    TT_ERR_RANGE,
    TT_ERR_SHAPE,
    TT_FLATTEN,
    TT_MAXPOOL2D,
    TT_OK,
    ConvGeometry,
    Header,
    Kernels,
    Metrics,
    ModelState,
    Seq,
    Workspace,
    WorkspaceSize,
    header,
    ptr,
)

JAX = JaxOps()
FINE_PARTS = ((0, 0), (1, 0), (2, 0), (0, 1), (0, 2))  # normal (U, D)
SENTINEL = 0x5A


def _settings(n: int) -> Any:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def headers(s_lo: int, s_hi: int) -> st.SearchStrategy[tuple[int, int, int]]:
    return st.tuples(st.integers(s_lo, s_hi), st.sampled_from(FINE_PARTS)).map(lambda t: (t[0], *t[1]))


presets = st.sampled_from(sorted(PRESETS))


@st.composite
def conv_geometries(draw: Any) -> C.ConvGeometry:
    """Every kernel 1-4 with every legal padding (pad < kernel), stride 1-3 (also > kernel:
    inputs no window covers), inputs 1-7 (down to the kernel as large as the padded input)."""
    k = draw(st.integers(1, 4))
    pad = draw(st.integers(0, k - 1))
    stride = draw(st.integers(1, 3))
    h = draw(st.integers(max(1, k - 2 * pad), 7))
    w = draw(st.integers(max(1, k - 2 * pad), 7))
    return C.ConvGeometry(draw(st.integers(1, 3)), h, w, draw(st.integers(1, 3)), draw(st.integers(1, 4)), k, stride,
                          pad)


def payload(rng: np.random.Generator, shape: tuple[int, ...], max_abs: int) -> np.ndarray:
    return rng.integers(-max_abs, max_abs + 1, size=shape).astype(np.int8)


def geometry(g: C.ConvGeometry) -> ConvGeometry:
    return ConvGeometry(g.batch, g.height, g.width, g.channels, g.out_channels, g.kernel, g.stride, g.pad)


def h32(h: tuple[int, int, int]) -> np.ndarray:
    return np.array(h, np.int32)


def qt(q: Any, h: Any) -> QTensor:
    return QTensor(q, RHeader(h[0], h[1], h[2]))


@cache
def reference(kind: str, cfg_name: str, g: Any, flag: Any = None) -> Callable[..., Any]:
    """The jitted reference of one conv/pool function for one preset and geometry."""
    cfg = PRESETS[cfg_name]
    fns: dict[str, Callable[..., Any]] = {
        "forward": lambda x, hx, w, hw: C.conv_forward(JAX, qt(x, hx), qt(w, hw), g, bool(flag), cfg),
        "backward_error": lambda e, he, w, hw: C.conv_backward_error(JAX, qt(e, he), qt(w, hw), g, cfg),
        "gradient": lambda e, he, x, hx: C.conv_gradient(JAX, qt(e, he), qt(x, hx), g),
        "pool_forward": lambda x: C.maxpool_forward(JAX, qt(x, (0, 0, 0)), g).q,
        "pool_backward": lambda e, x: C.maxpool_backward(JAX, qt(e, (0, 0, 0)), qt(x, (0, 0, 0)), g, cfg).q,
    }
    return jit(fns[kind])


def from_jax(t: QTensor) -> tuple[np.ndarray, tuple[int, ...]]:
    return np.asarray(t.q), tuple(int(v) for v in t.h)


# ---- convolution ---------------------------------------------------------------------------------


@_settings(20)
@given(g=conv_geometries(), seed=st.integers(0, 2**32 - 1), mx=st.integers(0, 127), mw=st.integers(0, 127),
       me=st.integers(0, 127), hx=headers(-12, 4), hw=headers(-12, 4), he=headers(-12, 4), relu=st.booleans(),
       name=presets)
def test_conv2d_kernels(no_ub: Kernels, g: C.ConvGeometry, seed: int, mx: int, mw: int, me: int, hx: tuple,
                        hw: tuple, he: tuple, relu: bool, name: str) -> None:
    """Forward, backward error and gradient of one random geometry against the JAX reference."""
    cfg_c = no_ub.preset(name)
    rng = np.random.default_rng(seed)
    oh, ow = g.out_height, g.out_width
    assert no_ub.tt_conv_out_size(g.height, g.kernel, g.stride, g.pad) == oh
    assert no_ub.tt_conv_out_size(g.width, g.kernel, g.stride, g.pad) == ow
    x = payload(rng, (g.batch, g.height, g.width, g.channels), mx)
    w = payload(rng, (g.out_channels, g.kernel, g.kernel, g.channels), mw)
    e = payload(rng, (g.batch, oh, ow, g.out_channels), me)
    geo = geometry(g)

    y = np.full((g.batch, oh, ow, g.out_channels), SENTINEL, np.int8)
    acc = np.zeros(y.size, np.int32)
    h_y = Header()
    assert no_ub.tt_conv2d_forward(cfg_c, geo, ptr(x), header(hx), ptr(w), header(hw), int(relu), ptr(acc), ptr(y),
                                   h_y) == TT_OK
    ry, rh = from_jax(reference("forward", name, g, relu)(x, h32(hx), w, h32(hw)))
    np.testing.assert_array_equal(y, ry, err_msg=f"forward {g}")
    assert h_y.tuple() == rh

    e_in = np.full(x.shape, SENTINEL, np.int8)
    acc = np.zeros(x.size, np.int32)
    h_e_in = Header()
    assert no_ub.tt_conv2d_backward_error(cfg_c, geo, ptr(e), header(he), ptr(w), header(hw), ptr(acc), ptr(e_in),
                                          h_e_in) == TT_OK
    re, rh = from_jax(reference("backward_error", name, g)(e, h32(he), w, h32(hw)))
    np.testing.assert_array_equal(e_in, re, err_msg=f"backward error {g}")
    assert h_e_in.tuple() == rh

    grad = np.full(w.shape, 12345, np.int32)
    h_g = Header()
    assert no_ub.tt_conv2d_gradient(geo, ptr(e), header(he), ptr(x), header(hx), ptr(grad), h_g) == TT_OK
    rg, rgh = reference("gradient", "tintin", g)(e, h32(he), x, h32(hx))
    np.testing.assert_array_equal(grad, np.asarray(rg), err_msg=f"gradient {g}")
    assert h_g.tuple() == tuple(int(v) for v in rgh)


# ---- max pooling ----------------------------------------------------------------------------------


@_settings(20)
@given(b=st.integers(1, 3), oh=st.integers(1, 3), ow=st.integers(1, 3), c=st.integers(1, 3), size=st.integers(1, 3),
       m=st.sampled_from([0, 1, 2, 127]), seed=st.integers(0, 2**32 - 1))
def test_maxpool2d(no_ub: Kernels, b: int, oh: int, ow: int, c: int, size: int, m: int, seed: int) -> None:
    """Small value ranges make ties common: the error must reach the first maximum."""
    rng = np.random.default_rng(seed)
    h, w = oh * size, ow * size
    x = payload(rng, (b, h, w, c), m)
    e = payload(rng, (b, oh, ow, c), 127)
    y = np.full((b, oh, ow, c), SENTINEL, np.int8)
    assert no_ub.tt_maxpool2d_forward(ptr(x), b, h, w, c, size, ptr(y)) == TT_OK
    np.testing.assert_array_equal(y, np.asarray(reference("pool_forward", "tintin", size)(x)))
    e_in = np.full(x.shape, SENTINEL, np.int8)
    assert no_ub.tt_maxpool2d_backward(ptr(e), ptr(x), b, h, w, c, size, ptr(e_in)) == TT_OK
    np.testing.assert_array_equal(e_in, np.asarray(reference("pool_backward", "tintin", size)(e, x)))


# ---- whole training steps -------------------------------------------------------------------------

MODELS = {
    # padding, pooling, a second convolution as large as its input
    "cnn": S.Sequential((6, 6, 1), (S.Conv2D(3, 3, pad=1), S.MaxPool2D(2), S.Conv2D(4, 2), S.Flatten(),
                                    S.Dense(5, relu=False))),
    # rectangular two-channel input, stride 2, a convolution without ReLU, two dense layers
    "strided": S.Sequential((5, 7, 2), (S.Conv2D(3, 3, stride=2, pad=1, relu=False), S.Flatten(), S.Dense(6),
                                        S.Dense(4, relu=False))),
}
TRAIN_BATCH = 3  # one batch size: each (model, preset, batch) is a compilation of seconds


def seq_struct(model: S.Sequential, batch: int) -> Seq:
    seq = Seq()
    seq.n_layers = len(model.layers)
    seq.in_h, seq.in_w, seq.in_c = model.input_shape
    seq.batch = batch
    seq.loss_mse = int(model.loss == "mse")
    for i, layer in enumerate(model.layers):
        lay = seq.layers[i]
        if isinstance(layer, S.Dense):
            lay.kind, lay.out, lay.relu = TT_DENSE, layer.out, int(layer.relu)
        elif isinstance(layer, S.Conv2D):
            lay.kind, lay.out, lay.kernel, lay.stride, lay.pad, lay.relu = (
                TT_CONV2D, layer.out, layer.kernel, layer.stride, layer.pad, int(layer.relu))
        elif isinstance(layer, S.MaxPool2D):
            lay.kind, lay.kernel, lay.stride = TT_MAXPOOL2D, layer.size, layer.size
        else:
            lay.kind = TT_FLATTEN
    return seq


class SeqTrainer:
    """tt_train_step_seq with numpy-owned weights and workspace."""

    def __init__(self, k: Kernels, model: S.Sequential, cfg_c: Any, state: M.TrainState, batch: int) -> None:
        self.k, self.cfg_c = k, cfg_c
        self.seq = seq_struct(model, batch)
        need = WorkspaceSize()
        assert k.tt_seq_workspace_size(self.seq, need) == TT_OK
        self.bufs = [np.zeros(need.act_bytes, np.int8), np.zeros(need.err_bytes, np.int8),
                     np.zeros(need.err_bytes, np.int8), np.zeros(need.acc_words, np.int32)]
        self.ws = Workspace(*(ptr(b) for b in self.bufs))
        self.w = [np.ascontiguousarray(np.asarray(p.q, np.int8)) for p in state.params]
        self.state = ModelState()
        for i, (w, p) in enumerate(zip(self.w, state.params)):
            assert k.tt_seq_weight_count(self.seq, i) == w.size
            self.state.w[i] = ptr(w)
            self.state.h[i] = header(p.h)
        self.state.seed, self.state.step = int(state.seed), int(state.step)

    def step(self, batch: M.Batch) -> tuple[int, Metrics]:
        x = np.ascontiguousarray(batch.x.q, np.int8)
        labels = np.ascontiguousarray(batch.labels, np.int32)
        m = Metrics()
        status = self.k.tt_train_step_seq(self.cfg_c, self.seq, self.state, ptr(x), header(batch.x.h), ptr(labels),
                                          None, Header(), self.ws, m)
        return status, m


def image_batch(rng: np.random.Generator, model: S.Sequential, b: int, signed: bool) -> M.Batch:
    lo = -127 if signed else 0
    x = QTensor(rng.integers(lo, 128, (b, *model.input_shape)).astype(np.int8), RHeader(-7, 0, 0))
    return M.Batch(x, rng.integers(0, model.n_outputs, b).astype(np.int32))


@_settings(8)
@given(which=st.sampled_from(sorted(MODELS)), name=presets, seed=st.integers(-1000, 1000),
       step=st.integers(0, 2**31 - 100), data_seed=st.integers(0, 2**32 - 1), signed=st.booleans())
def test_train_steps_seq(no_ub: Kernels, which: str, name: str, seed: int, step: int, data_seed: int,
                         signed: bool) -> None:
    model = MODELS[which]
    cfg_c, cfg = no_ub.preset(name), PRESETS[name]
    rng = np.random.default_rng(data_seed)
    state = S.init_state(model, cfg, seed)._replace(step=step)
    c = SeqTrainer(no_ub, model, cfg_c, state, TRAIN_BATCH)
    jstate, jstep = JB.state_to_jax(state), JB.jit_train_step(model, cfg)
    for k in range(3):
        batch = image_batch(rng, model, TRAIN_BATCH, signed)
        status, metrics = c.step(batch)
        assert status == TT_OK, f"step {k}"
        jstate, jm = jstep(jstate, JB.batch_to_jax(batch))
        ref = JB.state_to_numpy(jstate)
        for i, p in enumerate(ref.params):
            np.testing.assert_array_equal(c.w[i], np.asarray(p.q).reshape(c.w[i].shape),
                                          err_msg=f"step {k} param {i} weights")
            assert c.state.h[i].tuple() == p.h, f"step {k} param {i} header"
        assert metrics.error_abs_sum == int(jm["error_abs_sum"]), f"step {k}"
        assert metrics.correct == int(jm["correct"]), f"step {k}"
        assert c.state.step == ref.step


# ---- bad arguments ----------------------------------------------------------------------------------

BadCall = Callable[[], tuple[int, list[np.ndarray], list[np.ndarray]]]


def _bad_cases(k: Kernels) -> dict[str, tuple[BadCall, int]]:
    """name -> (call returning (status, buffers after, buffers before), expected status)."""
    cfg = k.preset("tintin")
    h0 = header((-7, 0, 0))
    unset = np.array([77, 77, 77], np.int8)
    big = 4096  # output buffers larger than any of these geometries could write

    def forward(b: int, h: int, w: int, c: int, oc: int, kk: int, s: int, p: int, x_value: int = 5,
                null_geo: bool = False) -> BadCall:
        def call() -> Any:
            x = np.full(max(1, b * h * w * c), x_value, np.int8)
            wt = np.full(max(1, oc * kk * kk * c), 3, np.int8)
            y, acc, hy = np.full(big, SENTINEL, np.int8), np.zeros(big, np.int32), Header(77, 77, 77)
            geo = None if null_geo else ConvGeometry(b, h, w, c, oc, kk, s, p)
            st_ = k.tt_conv2d_forward(cfg, geo, ptr(x), h0, ptr(wt), h0, 1, ptr(acc), ptr(y), hy)
            return st_, [y, np.array(hy.tuple(), np.int8)], [np.full(big, SENTINEL, np.int8), unset]
        return call

    def backward(b: int, h: int, w: int, c: int, oc: int, kk: int, s: int, p: int) -> BadCall:
        def call() -> Any:
            e = np.full(big, 2, np.int8)
            wt = np.full(max(1, oc * kk * kk * c), 3, np.int8)
            e_in, acc, hh = np.full(big, SENTINEL, np.int8), np.zeros(big, np.int32), Header(77, 77, 77)
            st_ = k.tt_conv2d_backward_error(cfg, ConvGeometry(b, h, w, c, oc, kk, s, p), ptr(e), h0, ptr(wt), h0,
                                             ptr(acc), ptr(e_in), hh)
            return st_, [e_in, np.array(hh.tuple(), np.int8)], [np.full(big, SENTINEL, np.int8), unset]
        return call

    def gradient(b: int, h: int, w: int, c: int, oc: int, kk: int, s: int, p: int) -> BadCall:
        def call() -> Any:
            e, x = np.full(big, 2, np.int8), np.full(big, 3, np.int8)
            g, hg = np.full(big, 12345, np.int32), Header(77, 77, 77)
            st_ = k.tt_conv2d_gradient(ConvGeometry(b, h, w, c, oc, kk, s, p), ptr(e), h0, ptr(x), h0, ptr(g), hg)
            return st_, [g, np.array(hg.tuple(), np.int8)], [np.full(big, 12345, np.int32), unset]
        return call

    def pool(b: int, h: int, w: int, c: int, size: int, backward_: bool = False) -> BadCall:
        def call() -> Any:
            x, e = np.full(big, 4, np.int8), np.full(big, 6, np.int8)
            out = np.full(big, SENTINEL, np.int8)
            if backward_:
                st_ = k.tt_maxpool2d_backward(ptr(e), ptr(x), b, h, w, c, size, ptr(out))
            else:
                st_ = k.tt_maxpool2d_forward(ptr(x), b, h, w, c, size, ptr(out))
            return st_, [out], [np.full(big, SENTINEL, np.int8)]
        return call

    return {
        "conv forward pad == kernel": (forward(1, 5, 5, 1, 2, 2, 1, 2), TT_ERR_SHAPE),
        "conv forward pad > kernel": (forward(1, 5, 5, 1, 2, 3, 1, 4), TT_ERR_SHAPE),
        "conv forward kernel > padded input": (forward(1, 2, 5, 1, 2, 5, 1, 1), TT_ERR_SHAPE),
        "conv forward stride 0": (forward(1, 5, 5, 1, 2, 3, 0, 1), TT_ERR_SHAPE),
        "conv forward kernel 0": (forward(1, 5, 5, 1, 2, 0, 1, 0), TT_ERR_SHAPE),
        "conv forward batch 0": (forward(0, 5, 5, 1, 2, 3, 1, 1), TT_ERR_SHAPE),
        "conv forward channels 0": (forward(1, 5, 5, 0, 2, 3, 1, 1), TT_ERR_SHAPE),
        "conv forward out_channels 0": (forward(1, 5, 5, 1, 0, 3, 1, 1), TT_ERR_SHAPE),
        "conv forward NULL geometry": (forward(1, 5, 5, 1, 2, 3, 1, 1, null_geo=True), TT_ERR_NULL),
        "conv forward payload -128": (forward(1, 5, 5, 1, 2, 3, 1, 1, x_value=-128), TT_ERR_RANGE),
        "conv backward_error pad == kernel": (backward(1, 5, 5, 1, 2, 3, 1, 3), TT_ERR_SHAPE),
        "conv backward_error kernel > padded input": (backward(1, 4, 4, 1, 2, 7, 1, 1), TT_ERR_SHAPE),
        "conv backward_error stride 0": (backward(1, 5, 5, 1, 2, 3, 0, 1), TT_ERR_SHAPE),
        "conv gradient pad == kernel": (gradient(1, 5, 5, 1, 2, 1, 1, 1), TT_ERR_SHAPE),
        "conv gradient kernel > padded input": (gradient(2, 3, 3, 1, 2, 4, 1, 0), TT_ERR_SHAPE),
        "conv gradient batch 0": (gradient(0, 5, 5, 1, 2, 3, 1, 1), TT_ERR_SHAPE),
        "maxpool forward size does not divide height": (pool(1, 5, 4, 2, 2), TT_ERR_SHAPE),
        "maxpool forward size does not divide width": (pool(1, 6, 9, 2, 2), TT_ERR_SHAPE),
        "maxpool forward size 0": (pool(1, 4, 4, 1, 0), TT_ERR_SHAPE),
        "maxpool forward batch 0": (pool(0, 4, 4, 1, 2), TT_ERR_SHAPE),
        "maxpool backward size does not divide": (pool(2, 6, 6, 1, 4, backward_=True), TT_ERR_SHAPE),
        "maxpool backward channels 0": (pool(1, 4, 4, 0, 2, backward_=True), TT_ERR_SHAPE),
    }


BAD_NAMES = [
    "conv forward pad == kernel", "conv forward pad > kernel", "conv forward kernel > padded input",
    "conv forward stride 0", "conv forward kernel 0", "conv forward batch 0", "conv forward channels 0",
    "conv forward out_channels 0", "conv forward NULL geometry", "conv forward payload -128",
    "conv backward_error pad == kernel", "conv backward_error kernel > padded input", "conv backward_error stride 0",
    "conv gradient pad == kernel", "conv gradient kernel > padded input", "conv gradient batch 0",
    "maxpool forward size does not divide height", "maxpool forward size does not divide width",
    "maxpool forward size 0", "maxpool forward batch 0", "maxpool backward size does not divide",
    "maxpool backward channels 0",
]


@pytest.mark.parametrize("case", BAD_NAMES)
def test_bad_geometry_rejected_without_writing(no_ub: Kernels, case: str) -> None:
    call, want = _bad_cases(no_ub)[case]
    status, after, before = call()
    assert status == want, f"{case}: status {status}, expected {want}"
    for a, b in zip(after, before, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=f"{case}: an output was written")


def test_bad_case_table_is_complete(kernels: Kernels) -> None:
    assert sorted(_bad_cases(kernels)) == sorted(BAD_NAMES)


@pytest.mark.parametrize(("in_hw", "k", "s", "p"), [(5, 3, 1, 1), (1, 3, 1, 1), (7, 2, 3, 0), (4, 4, 1, 0)])
def test_conv_out_size(kernels: Kernels, in_hw: int, k: int, s: int, p: int) -> None:
    assert kernels.tt_conv_out_size(in_hw, k, s, p) == C.ConvGeometry(1, in_hw, in_hw, 1, 1, k, s, p).out_height


@pytest.mark.parametrize(("in_hw", "k", "s", "p"), [(5, 3, 1, 3), (5, 2, 1, 2), (2, 5, 1, 1), (5, 3, 0, 1),
                                                    (5, 0, 1, 0), (0, 1, 1, 0)])
def test_conv_out_size_of_a_bad_geometry_is_zero(kernels: Kernels, in_hw: int, k: int, s: int, p: int) -> None:
    assert kernels.tt_conv_out_size(in_hw, k, s, p) == 0


BAD_MODELS = {
    "pool does not divide": ((6, 6, 1), [(TT_CONV2D, 2, 3, 1, 1, 1), (TT_MAXPOOL2D, 0, 4, 4, 0, 0),
                                         (TT_FLATTEN, 0, 0, 0, 0, 0), (TT_DENSE, 3, 0, 0, 0, 0)]),
    "conv pad == kernel": ((6, 6, 1), [(TT_CONV2D, 2, 2, 1, 2, 1), (TT_FLATTEN, 0, 0, 0, 0, 0),
                                       (TT_DENSE, 3, 0, 0, 0, 0)]),
    "conv kernel > input": ((3, 3, 1), [(TT_CONV2D, 2, 5, 1, 0, 1), (TT_FLATTEN, 0, 0, 0, 0, 0),
                                        (TT_DENSE, 3, 0, 0, 0, 0)]),
    "dense on an image (no flatten)": ((6, 6, 1), [(TT_CONV2D, 2, 3, 1, 1, 1), (TT_DENSE, 3, 0, 0, 0, 0)]),
    "last layer not a vector": ((6, 6, 1), [(TT_CONV2D, 2, 3, 1, 1, 1)]),
    "unknown layer kind": ((6, 6, 1), [(9, 2, 3, 1, 1, 1), (TT_FLATTEN, 0, 0, 0, 0, 0), (TT_DENSE, 3, 0, 0, 0, 0)]),
}


@pytest.mark.parametrize("which", sorted(BAD_MODELS))
def test_train_step_seq_rejects_bad_models_without_training(no_ub: Kernels, which: str) -> None:
    shape, layers = BAD_MODELS[which]
    seq = Seq()
    seq.n_layers, seq.batch, seq.loss_mse = len(layers), 2, 0
    seq.in_h, seq.in_w, seq.in_c = shape
    for i, (kind, out, kk, s, p, relu) in enumerate(layers):
        lay = seq.layers[i]
        lay.kind, lay.out, lay.kernel, lay.stride, lay.pad, lay.relu = kind, out, kk, s, p, relu
    need = WorkspaceSize(1, 1, 1)
    assert no_ub.tt_seq_workspace_size(seq, need) == TT_ERR_SHAPE
    assert (need.act_bytes, need.err_bytes, need.acc_words) == (1, 1, 1)
    assert no_ub.tt_seq_weight_count(seq, 0) == 0
    weights = [np.full(512, 9, np.int8) for _ in range(2)]
    state = ModelState()
    for i, w in enumerate(weights):
        state.w[i] = ptr(w)
        state.h[i] = header((-7, 0, 0))
    state.seed, state.step = 1, 5
    bufs: list[np.ndarray] = [np.zeros(4096, np.int8), np.zeros(4096, np.int8), np.zeros(4096, np.int8),
                              np.zeros(4096, np.int32)]
    ws = Workspace(*(ptr(b) for b in bufs))
    x = np.full(2 * int(np.prod(shape)), 3, np.int8)
    m = Metrics(-1, -1)
    status = no_ub.tt_train_step_seq(no_ub.preset("tintin"), seq, state, ptr(x), header((-7, 0, 0)),
                                     ptr(np.zeros(2, np.int32)), None, Header(), ws, m)
    assert status == TT_ERR_SHAPE
    assert state.step == 5 and (m.correct, m.error_abs_sum) == (-1, -1)
    for w in weights:
        np.testing.assert_array_equal(w, np.full(512, 9, np.int8))
