"""The two gradient modes of the training step (tt_grad_mode_t) and the fused gradient-update
kernels (tt_dense_gradient_update, tt_conv2d_gradient_update): the same bits in every mode and for
every scratch size, workspace sizes that hold (the step writes nothing outside its buffers) and
are exact for act and acc (the step uses their last element), and bad arguments refused without
writing."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tintin.reference import jax_backend as JB
from tintin.reference import sequential as S
from tintin.reference.config import PRESETS

from .hostlib import (
    TT_CONV2D,
    TT_DENSE,
    TT_ERR_CONFIG,
    TT_ERR_NULL,
    TT_ERR_RANGE,
    TT_ERR_SHAPE,
    TT_FLATTEN,
    TT_GRAD_RECOMPUTE,
    TT_GRAD_STORED,
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
from .test_differential_conv import image_batch, seq_struct

MODES = (TT_GRAD_STORED, TT_GRAD_RECOMPUTE)
GUARD = 16  # elements after each buffer that the step must leave alone
# Values no kernel writes: payloads are symmetric (never -128), accumulators never reach INT32_MIN (spec 1, 2.1).
SENTINEL8, SENTINEL32 = -128, -(2**31)
FINE_PARTS = ((0, 0), (1, 0), (2, 0), (0, 1), (0, 2))


def _settings(n: int) -> Any:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def headers(s_lo: int, s_hi: int) -> st.SearchStrategy[tuple[int, int, int]]:
    return st.tuples(st.integers(s_lo, s_hi), st.sampled_from(FINE_PARTS)).map(lambda t: (t[0], *t[1]))


# (input h, w, c), layers (kind, out, kernel, stride, pad, relu), loss_mse
Layer = tuple[int, int, int, int, int, int]
MODELS: dict[str, tuple[tuple[int, int, int], list[Layer], int]] = {
    "digits mlp": ((1, 1, 64), [(TT_DENSE, 64, 0, 0, 0, 1), (TT_DENSE, 10, 0, 0, 0, 0)], 0),
    "spectrum mlp (input widest)": ((1, 1, 64), [(TT_DENSE, 32, 0, 0, 0, 1), (TT_DENSE, 2, 0, 0, 0, 0)], 0),
    "autoencoder": ((1, 1, 12), [(TT_DENSE, 8, 0, 0, 0, 1), (TT_DENSE, 5, 0, 0, 0, 1), (TT_DENSE, 12, 0, 0, 0, 0)], 1),
    "lenet 8x8": ((8, 8, 1), [(TT_CONV2D, 6, 3, 1, 1, 1), (TT_MAXPOOL2D, 0, 2, 2, 0, 0), (TT_CONV2D, 16, 3, 1, 1, 1),
                              (TT_MAXPOOL2D, 0, 2, 2, 0, 0), (TT_FLATTEN, 0, 0, 0, 0, 0), (TT_DENSE, 120, 0, 0, 0, 1),
                              (TT_DENSE, 84, 0, 0, 0, 1), (TT_DENSE, 10, 0, 0, 0, 0)], 0),
    "wide conv (conv rows recomputed)": ((3, 3, 4), [(TT_CONV2D, 6, 3, 1, 0, 1), (TT_FLATTEN, 0, 0, 0, 0, 0),
                                                     (TT_DENSE, 10, 0, 0, 0, 1), (TT_DENSE, 3, 0, 0, 0, 0)], 0),
    "pool first": ((4, 4, 3), [(TT_MAXPOOL2D, 0, 2, 2, 0, 0), (TT_CONV2D, 5, 2, 1, 0, 0), (TT_FLATTEN, 0, 0, 0, 0, 0),
                               (TT_DENSE, 4, 0, 0, 0, 0)], 0),
}


def make_seq(name: str, batch: int) -> Seq:
    (h, w, c), layers, mse = MODELS[name]
    seq = Seq()
    seq.n_layers, seq.batch, seq.loss_mse = len(layers), batch, mse
    seq.in_h, seq.in_w, seq.in_c = h, w, c
    for i, (kind, out, k, s, p, relu) in enumerate(layers):
        lay = seq.layers[i]
        lay.kind, lay.out, lay.kernel, lay.stride, lay.pad, lay.relu = kind, out, k, s, p, relu
    return seq


def n_out(seq: Seq) -> int:
    """Classes (or reconstruction width): the last dense layer's outputs."""
    return [seq.layers[i].out for i in range(seq.n_layers) if seq.layers[i].kind == TT_DENSE][-1]


class GuardedStep:
    """tt_train_step_seq_mode on numpy-owned buffers sized by tt_seq_workspace_size_mode, each
    followed by GUARD sentinel elements."""

    def __init__(self, k: Kernels, seq: Seq, mode: int, weights: list[np.ndarray], seed: int, step: int) -> None:
        self.k, self.seq, self.mode = k, seq, mode
        self.need = WorkspaceSize()
        assert k.tt_seq_workspace_size_mode(seq, mode, self.need) == TT_OK
        need = self.need
        self.bufs = [np.full(need.act_bytes + GUARD, SENTINEL8, np.int8),
                     np.full(need.err_bytes + GUARD, SENTINEL8, np.int8),
                     np.full(need.err_bytes + GUARD, SENTINEL8, np.int8),
                     np.full(need.acc_words + GUARD, SENTINEL32, np.int32)]
        self.sizes = [need.act_bytes, need.err_bytes, need.err_bytes, need.acc_words]
        self.ws = Workspace(*(ptr(b) for b in self.bufs))
        self.w = [w.copy() for w in weights]
        self.state = ModelState()
        for i, w in enumerate(self.w):
            self.state.w[i] = ptr(w)
            self.state.h[i] = header((-7, 0, 0))
        self.state.seed, self.state.step = seed, step
        self.touched_last = [False] * 4  # each buffer's last element written at some step

    def step(self, x: np.ndarray, labels: np.ndarray, h_x: tuple[int, int, int] = (-7, 0, 0)) -> tuple[int, Metrics]:
        m = Metrics()
        for b, n in zip(self.bufs, self.sizes):  # re-arm the last element before each step
            b[n - 1] = SENTINEL32 if b.dtype == np.int32 else SENTINEL8
        mse = bool(self.seq.loss_mse)
        status = self.k.tt_train_step_seq_mode(self.k.preset("tintin"), self.seq, self.state, ptr(x), header(h_x),
                                               None if mse else ptr(labels), ptr(x) if mse else None,
                                               header(h_x), self.ws, self.mode, m)
        for i, (b, n) in enumerate(zip(self.bufs, self.sizes)):
            sentinel = SENTINEL32 if b.dtype == np.int32 else SENTINEL8
            assert (b[n:] == sentinel).all(), f"mode {self.mode}: the step wrote past buffer {i} (size {n})"
            self.touched_last[i] |= bool(b[n - 1] != sentinel)
        return status, m


def initial_weights(k: Kernels, seq: Seq, rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    for p in range(8):
        n = k.tt_seq_weight_count(seq, p)
        if n:
            out.append(rng.integers(-60, 61, n).astype(np.int8))
    return out


def batch_data(seq: Seq, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.integers(-127, 128, seq.batch * seq.in_h * seq.in_w * seq.in_c).astype(np.int8)
    labels = rng.integers(0, n_out(seq), seq.batch).astype(np.int32)
    return x, labels


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("batch", [1, 3, 32])
def test_modes_give_the_same_bits_within_exact_workspaces(no_ub: Kernels, name: str, batch: int) -> None:
    seq = make_seq(name, batch)
    rng = np.random.default_rng(batch * 1000 + len(name))
    weights = initial_weights(no_ub, seq, rng)
    steps = {mode: GuardedStep(no_ub, seq, mode, weights, seed=11, step=40) for mode in MODES}
    for k in range(3):
        x, labels = batch_data(seq, rng)
        results = {mode: s.step(x, labels) for mode, s in steps.items()}
        for mode, (status, _) in results.items():
            assert status == TT_OK, f"{name}, mode {mode}, step {k}"
        a, b = steps[TT_GRAD_STORED], steps[TT_GRAD_RECOMPUTE]
        for i, (wa, wb) in enumerate(zip(a.w, b.w)):
            np.testing.assert_array_equal(wa, wb, err_msg=f"{name} step {k} param {i}")
            assert a.state.h[i].tuple() == b.state.h[i].tuple()
        ma, mb = results[TT_GRAD_STORED][1], results[TT_GRAD_RECOMPUTE][1]
        assert (ma.correct, ma.error_abs_sum) == (mb.correct, mb.error_abs_sum)
    for mode, s in steps.items():
        # act and acc are exact; err_a and err_b (one size for both) may be larger than the step uses
        act, _, _, acc = s.touched_last
        assert act and acc, f"{name}, mode {mode}: act or acc is larger than the step uses"


def test_recompute_mode_needs_less_acc_and_nothing_else_changes(kernels: Kernels) -> None:
    for name in MODELS:
        for batch in (1, 8, 32):
            seq = make_seq(name, batch)
            sizes = {}
            for mode in MODES:
                size = WorkspaceSize()
                assert kernels.tt_seq_workspace_size_mode(seq, mode, size) == TT_OK
                sizes[mode] = (size.act_bytes, size.err_bytes, size.acc_words)
            stored, low = sizes[TT_GRAD_STORED], sizes[TT_GRAD_RECOMPUTE]
            assert stored[:2] == low[:2] and low[2] <= stored[2]
            largest = max(kernels.tt_seq_weight_count(seq, p) for p in range(8))
            assert stored[2] >= largest
            default = WorkspaceSize()
            assert kernels.tt_seq_workspace_size(seq, default) == TT_OK
            assert (default.act_bytes, default.err_bytes, default.acc_words) == low  # TT_GRAD_DEFAULT


def test_digits_mlp_sizes_by_hand(kernels: Kernels) -> None:
    """64-64-10, batch 32: acc holds the 64x64 gradient (4096 words) when stored; otherwise the
    largest accumulator, 32 x 64 = 2048 words."""
    seq = make_seq("digits mlp", 32)
    for mode, acc in ((TT_GRAD_STORED, 4096), (TT_GRAD_RECOMPUTE, 2048)):
        size = WorkspaceSize()
        assert kernels.tt_seq_workspace_size_mode(seq, mode, size) == TT_OK
        assert (size.act_bytes, size.err_bytes, size.acc_words) == (32 * 64 + 32 * 10, 32 * 64, acc)


# ---- against the JAX reference, where the recomputation reaches conv and dense rows ----------------

REF_MODEL = S.Sequential((3, 3, 4), (S.Conv2D(6, 3), S.Flatten(), S.Dense(10), S.Dense(3, relu=False)))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_recompute_mode_matches_the_reference(no_ub: Kernels, name: str) -> None:
    cfg_c, cfg = no_ub.preset(name), PRESETS[name]
    batch = 1
    seq = seq_struct(REF_MODEL, batch)
    size = WorkspaceSize()
    assert no_ub.tt_seq_workspace_size_mode(seq, TT_GRAD_RECOMPUTE, size) == TT_OK
    assert size.acc_words == 36  # one conv row (3 x 3 x 4): 216 conv and 60 dense weights do not fit
    rng = np.random.default_rng(7)
    state = S.init_state(REF_MODEL, cfg, 3)._replace(step=100)
    w = [np.ascontiguousarray(np.asarray(p.q, np.int8)).ravel() for p in state.params]
    bufs = [np.zeros(size.act_bytes, np.int8), np.zeros(size.err_bytes, np.int8), np.zeros(size.err_bytes, np.int8),
            np.zeros(size.acc_words, np.int32)]
    ws = Workspace(*(ptr(b) for b in bufs))
    c_state = ModelState()
    for i, (wi, p) in enumerate(zip(w, state.params)):
        c_state.w[i] = ptr(wi)
        c_state.h[i] = header(p.h)
    c_state.seed, c_state.step = int(state.seed), int(state.step)
    jstate, jstep = JB.state_to_jax(state), JB.jit_train_step(REF_MODEL, cfg)
    for k in range(4):
        b = image_batch(rng, REF_MODEL, batch, signed=k % 2 == 1)
        x, labels = np.ascontiguousarray(b.x.q, np.int8), np.ascontiguousarray(b.labels, np.int32)
        m = Metrics()
        status = no_ub.tt_train_step_seq_mode(cfg_c, seq, c_state, ptr(x), header(b.x.h), ptr(labels), None, Header(),
                                              ws, TT_GRAD_RECOMPUTE, m)
        assert status == TT_OK, f"step {k}"
        jstate, jm = jstep(jstate, JB.batch_to_jax(b))
        ref = JB.state_to_numpy(jstate)
        for i, p in enumerate(ref.params):
            np.testing.assert_array_equal(w[i], np.asarray(p.q).ravel(), err_msg=f"step {k} param {i}")
            assert c_state.h[i].tuple() == p.h, f"step {k} param {i} header"
        assert (m.correct, m.error_abs_sum) == (int(jm["correct"]), int(jm["error_abs_sum"]))


# ---- the fused kernels against the gradient kernel then tt_update_dense -------------------------------


def _update_after_gradient(k: Kernels, cfg_c: Any, g: np.ndarray, h_g: Header, w0: np.ndarray,
                           hw: tuple[int, int, int], seed: int, step: int, tid: int) -> tuple[int, np.ndarray, tuple]:
    w, h_w = w0.copy(), header(hw)
    status = k.tt_update_dense(cfg_c, ptr(w), h_w, ptr(g.ravel().copy()), h_g, w.size, seed, step, tid)
    return status, w, h_w.tuple()


def _scratch_sizes(rows: int, length: int) -> list[int]:
    n = rows * length
    return sorted({length, length + 1, 2 * length - 1, 2 * length, 3 * length + 2, max(length, n - 1), n, n + 3})


@_settings(40)
@given(b=st.integers(1, 6), n_in=st.integers(1, 20), n_out=st.integers(1, 12), seed=st.integers(0, 2**32 - 1),
       he=headers(-20, 4), hx=headers(-20, 4), hw=headers(-14, 0), mw=st.integers(0, 127),
       zeros=st.floats(0, 0.9), name=st.sampled_from(sorted(PRESETS)), rseed=st.integers(-(2**31), 2**31 - 1),
       step=st.integers(-(2**31), 2**31 - 1), tid=st.integers(0, 7))
def test_dense_gradient_update(no_ub: Kernels, b: int, n_in: int, n_out: int, seed: int, he: tuple, hx: tuple,
                               hw: tuple, mw: int, zeros: float, name: str, rseed: int, step: int, tid: int) -> None:
    cfg_c = no_ub.preset(name)
    rng = np.random.default_rng(seed)
    e = rng.integers(-127, 128, (b, n_out)).astype(np.int8)
    e[rng.random((b, n_out)) < zeros] = 0  # ReLU-masked errors: rows skipped in the MAC loop
    x = rng.integers(-127, 128, (b, n_in)).astype(np.int8)
    w0 = rng.integers(-mw, mw + 1, (n_out, n_in)).astype(np.int8)
    g, h_g = np.zeros((n_out, n_in), np.int32), Header()
    assert no_ub.tt_dense_gradient(ptr(e), header(he), ptr(x), header(hx), b, n_in, n_out, ptr(g), h_g) == TT_OK
    want = _update_after_gradient(no_ub, cfg_c, g, h_g, w0, hw, rseed, step, tid)
    for words in _scratch_sizes(n_out, n_in):
        w, h_w = w0.copy(), header(hw)
        scratch = np.full(words + GUARD, SENTINEL32, np.int32)
        status = no_ub.tt_dense_gradient_update(cfg_c, ptr(e), header(he), ptr(x), header(hx), b, n_in, n_out,
                                                ptr(w), h_w, rseed, step, tid, ptr(scratch), words)
        assert (status, h_w.tuple()) == (want[0], want[2]), f"scratch_words={words}"
        np.testing.assert_array_equal(w, want[1], err_msg=f"scratch_words={words}")
        assert (scratch[words:] == SENTINEL32).all(), f"wrote past scratch_words={words}"


@st.composite
def conv_geometries(draw: Any) -> tuple[int, ...]:
    k = draw(st.integers(1, 3))
    pad = draw(st.integers(0, k - 1))
    h = draw(st.integers(max(1, k - 2 * pad), 5))
    w = draw(st.integers(max(1, k - 2 * pad), 5))
    return (draw(st.integers(1, 3)), h, w, draw(st.integers(1, 3)), draw(st.integers(1, 5)), k,
            draw(st.integers(1, 2)), pad)


@_settings(40)
@given(geo=conv_geometries(), seed=st.integers(0, 2**32 - 1), he=headers(-12, 4), hx=headers(-12, 4),
       hw=headers(-14, 0), name=st.sampled_from(sorted(PRESETS)), step=st.integers(-(2**31), 2**31 - 1))
def test_conv2d_gradient_update(no_ub: Kernels, geo: tuple[int, ...], seed: int, he: tuple, hx: tuple, hw: tuple,
                                name: str, step: int) -> None:
    cfg_c = no_ub.preset(name)
    bb, h, wd, c, oc, k, s, p = geo
    g = ConvGeometry(*geo)
    oh, ow = (h + 2 * p - k) // s + 1, (wd + 2 * p - k) // s + 1
    rng = np.random.default_rng(seed)
    e = rng.integers(-127, 128, bb * oh * ow * oc).astype(np.int8)
    x = rng.integers(-127, 128, bb * h * wd * c).astype(np.int8)
    length = k * k * c
    w0 = rng.integers(-100, 101, oc * length).astype(np.int8)
    grad, h_g = np.zeros(oc * length, np.int32), Header()
    assert no_ub.tt_conv2d_gradient(g, ptr(e), header(he), ptr(x), header(hx), ptr(grad), h_g) == TT_OK
    want = _update_after_gradient(no_ub, cfg_c, grad, h_g, w0, hw, 9, step, 2)
    for words in _scratch_sizes(oc, length):
        w, h_w = w0.copy(), header(hw)
        scratch = np.full(words + GUARD, SENTINEL32, np.int32)
        status = no_ub.tt_conv2d_gradient_update(cfg_c, g, ptr(e), header(he), ptr(x), header(hx), ptr(w), h_w, 9,
                                                 step, 2, ptr(scratch), words)
        assert (status, h_w.tuple()) == (want[0], want[2]), f"scratch_words={words}"
        np.testing.assert_array_equal(w, want[1], err_msg=f"scratch_words={words}")
        assert (scratch[words:] == SENTINEL32).all(), f"wrote past scratch_words={words}"


# ---- bad arguments ----------------------------------------------------------------------------------


def _dense_fused(k: Kernels, *, scratch_words: int = 12, scratch: bool = True, e_value: int = 3, w_value: int = 5,
                 cfg: bool = True, n_in: int = 4) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
    e, x = np.full(2 * 3, e_value, np.int8), np.full(2 * n_in, 2, np.int8)
    w, h_w = np.full(3 * max(n_in, 1), w_value, np.int8), Header(-7, 0, 0)
    s = np.full(64, SENTINEL32, np.int32)
    before = [w.copy(), np.array(h_w.tuple(), np.int8), s.copy()]
    status = k.tt_dense_gradient_update(k.preset("tintin") if cfg else None, ptr(e), header((-7, 0, 0)), ptr(x),
                                        header((-7, 0, 0)), 2, n_in, 3, ptr(w), h_w, 1, 2, 0,
                                        ptr(s) if scratch else None, scratch_words)
    return status, [w, np.array(h_w.tuple(), np.int8), s], before


def _conv_fused(k: Kernels, *, scratch_words: int = 18, pad: int = 1) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
    g = ConvGeometry(1, 3, 3, 2, 2, 3, 1, pad)
    e, x = np.full(64, 3, np.int8), np.full(64, 2, np.int8)
    w, h_w = np.full(2 * 18, 5, np.int8), Header(-7, 0, 0)
    s = np.full(64, SENTINEL32, np.int32)
    before = [w.copy(), np.array(h_w.tuple(), np.int8), s.copy()]
    status = k.tt_conv2d_gradient_update(k.preset("tintin"), g, ptr(e), header((-7, 0, 0)), ptr(x), header((-7, 0, 0)),
                                         ptr(w), h_w, 1, 2, 0, ptr(s), scratch_words)
    return status, [w, np.array(h_w.tuple(), np.int8), s], before


BAD = {
    "dense: scratch smaller than a row": (lambda k: _dense_fused(k, scratch_words=3), TT_ERR_SHAPE),
    "dense: NULL scratch": (lambda k: _dense_fused(k, scratch=False), TT_ERR_NULL),
    "dense: NULL config": (lambda k: _dense_fused(k, cfg=False), TT_ERR_NULL),
    "dense: error payload -128": (lambda k: _dense_fused(k, e_value=-128), TT_ERR_RANGE),
    "dense: weight payload -128": (lambda k: _dense_fused(k, w_value=-128), TT_ERR_RANGE),
    "dense: zero inputs": (lambda k: _dense_fused(k, n_in=0), TT_ERR_SHAPE),
    "conv: scratch smaller than a row": (lambda k: _conv_fused(k, scratch_words=17), TT_ERR_SHAPE),
    "conv: pad == kernel": (lambda k: _conv_fused(k, pad=3), TT_ERR_SHAPE),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_fused_kernels_reject_bad_arguments_without_writing(no_ub: Kernels, case: str) -> None:
    call, want = BAD[case]
    status, after, before = call(no_ub)
    assert status == want, f"{case}: status {status}, expected {want}"
    for a, b in zip(after, before, strict=True):
        np.testing.assert_array_equal(a, b, err_msg=f"{case}: a buffer was written")


def test_fused_kernels_accept_a_one_row_scratch(no_ub: Kernels) -> None:
    assert _dense_fused(no_ub, scratch_words=4)[0] == TT_OK
    assert _conv_fused(no_ub, scratch_words=18)[0] == TT_OK


def test_unknown_mode_is_refused_without_training(no_ub: Kernels) -> None:
    seq = make_seq("digits mlp", 2)
    size = WorkspaceSize(1, 2, 3)
    assert no_ub.tt_seq_workspace_size_mode(seq, 2, size) == TT_ERR_CONFIG
    assert (size.act_bytes, size.err_bytes, size.acc_words) == (1, 2, 3)
    rng = np.random.default_rng(0)
    weights = initial_weights(no_ub, seq, rng)
    s = GuardedStep(no_ub, seq, TT_GRAD_STORED, weights, seed=1, step=5)
    s.mode = -1
    x, labels = batch_data(seq, rng)
    status, m = s.step(x, labels)
    assert status == TT_ERR_CONFIG and s.state.step == 5
    for w, w0 in zip(s.w, weights):
        np.testing.assert_array_equal(w, w0)
