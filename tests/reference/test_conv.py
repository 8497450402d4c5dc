"""Convolution, pooling and sequential models: JAX == oracle, and conv == direct loops."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tintin.reference import conv as C
from tintin.reference import jax_backend as JB
from tintin.reference import model as M
from tintin.reference import sequential as S
from tintin.reference.config import NITI, TINTIN
from tintin.reference.layers import QTensor
from tintin.reference.rules import Header

from .interp import JAX, PY


def direct_conv_acc(x: np.ndarray, w: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """Textbook convolution loops: the independent statement im2col must match."""
    xp = np.pad(x.astype(np.int64), ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    b, h, wd, _ = xp.shape
    oc, k = w.shape[0], w.shape[1]
    oh, ow = (h - k) // stride + 1, (wd - k) // stride + 1
    out = np.zeros((b, oh, ow, oc), np.int64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride : i * stride + k, j * stride : j * stride + k, :]
            out[:, i, j, :] = np.einsum("bhwc,ohwc->bo", patch, w.astype(np.int64))
    return out


def direct_conv_weight_grad(e: np.ndarray, x: np.ndarray, k: int, stride: int, pad: int) -> np.ndarray:
    """Textbook loops for the kernel gradient: every output position adds e * its input patch."""
    xp = np.pad(x.astype(np.int64), ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    g = np.zeros((e.shape[3], k, k, x.shape[3]), np.int64)
    for i in range(e.shape[1]):
        for j in range(e.shape[2]):
            patch = xp[:, i * stride : i * stride + k, j * stride : j * stride + k, :]
            g += np.einsum("bo,bhwc->ohwc", e[:, i, j, :].astype(np.int64), patch)
    return g


def direct_conv_input_grad(e: np.ndarray, w: np.ndarray, h: int, wd: int, stride: int, pad: int) -> np.ndarray:
    """Textbook loops for the input gradient: every output position spreads e W over its patch."""
    k = w.shape[1]
    full = np.zeros((e.shape[0], h + 2 * pad, wd + 2 * pad, w.shape[3]), np.int64)
    for i in range(e.shape[1]):
        for j in range(e.shape[2]):
            full[:, i * stride : i * stride + k, j * stride : j * stride + k, :] += np.einsum(
                "bo,ohwc->bhwc", e[:, i, j, :].astype(np.int64), w.astype(np.int64))
    return full[:, pad : pad + h, pad : pad + wd, :]


geometries = st.builds(
    lambda b, h, w, c, oc, k, s, p: (b, h, w, c, oc, k, s, min(p, k - 1)),
    st.integers(1, 3), st.integers(3, 7), st.integers(3, 7), st.integers(1, 3), st.integers(1, 4),
    st.integers(1, 3), st.integers(1, 2), st.integers(0, 2),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(geo=geometries, seed=st.integers(0, 2**31 - 1), u=st.integers(0, 2))
def test_conv_ops_jax_equal_oracle_and_loops(geo: tuple[int, ...], seed: int, u: int) -> None:
    b, h, w, c, oc, k, s, p = geo
    g = C.ConvGeometry(b, h, w, c, oc, k, s, p)
    rng = np.random.default_rng(seed)
    x = QTensor(rng.integers(-127, 128, (b, h, w, c)).astype(np.int8), Header(-7, 0, 0))
    wt = QTensor(rng.integers(-127, 128, (oc, k, k, c)).astype(np.int8), Header(-6, u, 0))
    e = QTensor(rng.integers(-127, 128, (b, g.out_height, g.out_width, oc)).astype(np.int8), Header(-7, 0, u))

    acc = np.asarray(PY.matmul(C.im2col(PY, x.q, g), wt.q.reshape(oc, -1).T), dtype=np.int64)
    np.testing.assert_array_equal(acc.reshape(b, g.out_height, g.out_width, oc), direct_conv_acc(x.q, wt.q, s, p))
    # The three convolution sums of both interpretations against the loops.
    for o in (PY, JAX):
        np.testing.assert_array_equal(np.asarray(o.conv2d(x.q, wt.q, s, p), dtype=np.int64),
                                      direct_conv_acc(x.q, wt.q, s, p), err_msg=f"{o.name} conv2d")
        np.testing.assert_array_equal(np.asarray(o.conv2d_weight_grad(e.q, x.q, k, s, p), dtype=np.int64),
                                      direct_conv_weight_grad(e.q, x.q, k, s, p), err_msg=f"{o.name} weight grad")
        np.testing.assert_array_equal(np.asarray(o.conv2d_input_grad(e.q, wt.q, h, w, s, p), dtype=np.int64),
                                      direct_conv_input_grad(e.q, wt.q, h, w, s, p), err_msg=f"{o.name} input grad")

    cases = {
        "forward": lambda o, x, w, e: C.conv_forward(o, x, w, g, True, TINTIN),
        "backward": lambda o, x, w, e: C.conv_backward_error(o, e, w, g, TINTIN),
    }
    for name, fn in cases.items():
        jt = JB.to_numpy_qtensor(fn(JAX, JB.qtensor_to_jax(x), JB.qtensor_to_jax(wt), JB.qtensor_to_jax(e)))
        ot = JB.to_numpy_qtensor(fn(PY, x, wt, e))
        np.testing.assert_array_equal(jt.q, ot.q, err_msg=name)
        assert jt.h == ot.h, name
    gj, hj = C.conv_gradient(JAX, JB.qtensor_to_jax(e), JB.qtensor_to_jax(x), g)
    gp, hp = C.conv_gradient(PY, e, x, g)
    np.testing.assert_array_equal(np.asarray(gj), np.asarray(gp, dtype=np.int64))


def test_conv_backward_error_is_the_transpose_of_forward() -> None:
    """<conv(x), e> == <x, conv^T(e)> on exact accumulators (before requantisation)."""
    rng = np.random.default_rng(4)
    g = C.ConvGeometry(2, 6, 5, 3, 4, 3, 2, 1)
    x = rng.integers(-127, 128, (2, 6, 5, 3))
    w = rng.integers(-127, 128, (4, 3, 3, 3))
    e = rng.integers(-127, 128, (2, g.out_height, g.out_width, 4))
    fwd = direct_conv_acc(x, w, 2, 1)
    de = np.asarray(PY.matmul(e.reshape(g.positions, 4).astype(object), w.reshape(4, -1).astype(object)))
    de = de.reshape(2, g.out_height, g.out_width, 3, 3, 3)
    full = PY.zeros((2, 8, 7, 3))
    for kh in range(3):
        for kw in range(3):
            full = PY.strided_add(full, de[:, :, :, kh, kw, :], kh, kw, 2)
    back = np.asarray(full[:, 1:7, 1:6, :], dtype=np.int64)
    assert int(np.sum(fwd * e)) == int(np.sum(x * back))


def test_maxpool_routes_error_to_first_maximum() -> None:
    x = np.array([[5, 5], [1, 5]], dtype=np.int8).reshape(1, 2, 2, 1)
    e = np.array([7], dtype=np.int8).reshape(1, 1, 1, 1)
    for o in (PY, JAX):
        xin = QTensor(x if o is PY else JB._jnp().asarray(x), Header(0, 0, 0))
        ein = QTensor(e if o is PY else JB._jnp().asarray(e), Header(-3, 0, 0))
        assert int(np.asarray(C.maxpool_forward(o, xin, 2).q).ravel()[0]) == 5
        back = np.asarray(C.maxpool_backward(o, ein, xin, 2, TINTIN).q).ravel()
        np.testing.assert_array_equal(back, [7, 0, 0, 0])


@pytest.mark.parametrize("cfg", [TINTIN, NITI], ids=["tintin", "niti"])
def test_sequential_dense_stack_equals_mlp(cfg) -> None:
    mlp = M.MLP((20, 12, 6))
    seq = S.Sequential((20,), (S.Dense(12), S.Dense(6, relu=False)))
    a, b = JB.state_to_jax(M.init_state(mlp, cfg, 3)), JB.state_to_jax(S.init_state(seq, cfg, 3))
    rng = np.random.default_rng(0)
    for _ in range(8):
        x = QTensor(rng.integers(0, 113, (8, 20)).astype(np.int8), Header(-7, 0, 0))
        batch = JB.batch_to_jax(M.Batch(x, rng.integers(0, 6, 8).astype(np.int32)))
        a, _ = JB.jit_train_step(mlp, cfg)(a, batch)
        b, _ = JB.jit_train_step(seq, cfg)(b, batch)
    for p, q in zip(JB.state_to_numpy(a).params, JB.state_to_numpy(b).params):
        np.testing.assert_array_equal(p.q, q.q)
        assert p.h == q.h


@pytest.mark.parametrize("cfg", [TINTIN, NITI], ids=["tintin", "niti"])
def test_lenet_train_steps_jax_equal_oracle(cfg) -> None:
    net = S.lenet5(8)
    state = S.init_state(net, cfg, 1)
    jstate = JB.state_to_jax(state)
    rng = np.random.default_rng(2)
    for k in range(2):
        x = QTensor(rng.integers(0, 113, (3, 8, 8, 1)).astype(np.int8), Header(-7, 0, 0))
        batch = M.Batch(x, rng.integers(0, 10, 3).astype(np.int32))
        state, om = JB.oracle_train_step(net, cfg, state, batch)
        jstate, jm = JB.jit_train_step(net, cfg)(jstate, JB.batch_to_jax(batch))
        for i, (p, q) in enumerate(zip(JB.state_to_numpy(jstate).params, JB.state_to_numpy(state).params)):
            np.testing.assert_array_equal(p.q, q.q, err_msg=f"step {k} layer {i}")
            assert p.h == q.h
        assert {n: int(v) for n, v in jm.items()} == om


def test_lenet5_shapes_match_the_paper_on_28x28() -> None:
    shapes = [p.out_shape for p in S.lenet5(28).plan()]
    assert shapes == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)]


@pytest.mark.parametrize(
    ("layers", "message"),
    [((S.Dense(4),), "vector input"), ((S.Conv2D(2, 9), S.Flatten(), S.Dense(3)), "kernel 9"),
     ((S.MaxPool2D(3), S.Flatten(), S.Dense(2)), "does not divide"), ((S.Flatten(),), "Dense or Conv2D"),
     ((S.Conv2D(2, 3),), "vector")],
)
def test_bad_geometries_raise_clear_errors(layers, message: str) -> None:
    with pytest.raises(M.ShapeError, match=message):
        S.Sequential((8, 8, 1), layers)
