"""Models and the whole training step, written once over the ops interface.

``train_step(o, model, cfg, state, batch) -> (state, metrics)`` is pure: with JaxOps it
is jit-able (see reference/jax_backend.py), with PyOps it is the slow exact oracle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from tintin.reference import layers as L
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor, RoundingContext
from tintin.reference.limits import DotLength, check_dot_lengths, dense_lengths
from tintin.reference.ops import PyOps
from tintin.reference.rules import Header

V = Any


class ShapeError(ValueError):
    """A tensor or model shape does not fit; the message names the tensor."""


@dataclass(frozen=True)
class MLP:
    """Dense layers without bias; ReLU after every layer but the last (spec 4.6)."""

    sizes: tuple[int, ...]
    loss: str = "softmax_xent"  # or "mse"

    def __post_init__(self) -> None:
        if len(self.sizes) < 2 or any(not isinstance(n, int) or n < 1 for n in self.sizes):
            raise ShapeError(f"MLP sizes must be at least two positive ints, got {self.sizes}")
        if self.loss not in ("softmax_xent", "mse"):
            raise ShapeError(f"loss must be 'softmax_xent' or 'mse', got {self.loss!r}")
        if self.loss == "mse" and self.sizes[0] != self.sizes[-1]:
            raise ShapeError("an MSE (autoencoder) model needs equal input and output sizes")

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def dot_lengths(self, batch: int) -> list[DotLength]:
        return [d for i, (n_out, n_in) in enumerate(self.weight_shapes())
                for d in dense_lengths(f"layer {i} Dense", n_in, n_out, batch)]

    def weight_shapes(self) -> list[tuple[int, int]]:
        return [(self.sizes[i + 1], self.sizes[i]) for i in range(self.n_layers)]


class TrainState(NamedTuple):
    params: tuple[QTensor, ...]
    step: V  # int32 counter, part of the stochastic-rounding hash input
    seed: V


class Batch(NamedTuple):
    x: QTensor  # int8 [B, n_in]
    labels: V  # int32 [B] for classification; ignored for MSE
    target: QTensor | None = None  # int8 [B, n_out] for MSE


def check_batch(model: MLP, batch: Batch) -> None:
    """Clear errors for shapes that do not fit the model (never a wrong answer)."""
    xs = tuple(np.shape(batch.x.q))
    if len(xs) != 2 or xs[1] != model.sizes[0]:
        raise ShapeError(f"batch x has shape {xs}, expected (B, {model.sizes[0]})")
    if model.loss == "softmax_xent":
        ls = tuple(np.shape(batch.labels))
        if ls != (xs[0],):
            raise ShapeError(f"batch labels have shape {ls}, expected ({xs[0]},)")
    elif batch.target is None or tuple(np.shape(batch.target.q)) != (xs[0], model.sizes[-1]):
        got = None if batch.target is None else tuple(np.shape(batch.target.q))
        raise ShapeError(f"batch target has shape {got}, expected ({xs[0]}, {model.sizes[-1]})")


def check_params(model: MLP, params: tuple[QTensor, ...]) -> None:
    if len(params) != model.n_layers:
        raise ShapeError(f"{len(params)} weight tensors for a model with {model.n_layers} layers")
    for i, (p, shape) in enumerate(zip(params, model.weight_shapes())):
        if tuple(np.shape(p.q)) != shape:
            raise ShapeError(f"layer {i} weights have shape {tuple(np.shape(p.q))}, expected {shape}")


# --- initial weights (spec 4.5) ----------------------------------------------------------------


def init_bound(fan_in: int, cfg: NumericsConfig) -> int:
    """Payload bound k of the He-uniform range sqrt(6 / fan_in) at scale 2**init_exponent."""
    return min(cfg.qmax, max(1, math.isqrt((6 << (-2 * cfg.init_exponent)) // fan_in)))


def init_params(model: MLP, cfg: NumericsConfig, seed: int) -> tuple[QTensor, ...]:
    """Integer uniform draws from the counter hash, then (Tin-Tin) upscaled into the window."""
    o = PyOps(cfg.acc_bits)
    params = []
    for layer, (n_out, n_in) in enumerate(model.weight_shapes()):
        k = init_bound(n_in, cfg)
        index = np.arange(n_out * n_in, dtype=object).reshape(n_out, n_in)
        bits = R.counter_hash(o, seed, -1, layer, index)
        q = np.frompyfunc(lambda b, k=k: int(b) % (2 * k + 1) - k, 1, 1)(bits)
        t = QTensor(q, Header(cfg.init_exponent, 0, 0))
        if cfg.init_upscale:
            t = L.window(o, t, cfg.replace(window=True))
        params.append(QTensor(np.asarray(t.q, dtype=object).astype(np.int8), t.h))
    return tuple(params)


def init_state(model: MLP, cfg: NumericsConfig, seed: int) -> TrainState:
    return TrainState(init_params(model, cfg, seed), 0, seed)


# --- forward and the training step -------------------------------------------------------------


def forward(o: Any, model: MLP, cfg: NumericsConfig, params: tuple[QTensor, ...], x: QTensor) -> list[QTensor]:
    """All activations, input first; the last is the output (logits or reconstruction)."""
    check_dot_lengths([d for d in model.dot_lengths(1) if d.sum == "forward"], cfg)
    acts = [x]
    for i, w in enumerate(params):
        acts.append(L.dense_forward(o, acts[-1], w, relu=i < model.n_layers - 1, cfg=cfg))
    return acts


def output_error(o: Any, model: MLP, cfg: NumericsConfig, out: QTensor, batch: Batch) -> QTensor:
    if model.loss == "mse":
        assert batch.target is not None
        return L.mse_error(o, out, batch.target, cfg)
    return L.softmax_xent_error(o, out, batch.labels, cfg)


def train_step(
    o: Any, model: MLP, cfg: NumericsConfig, state: TrainState, batch: Batch
) -> tuple[TrainState, dict[str, V]]:
    """One step: forward, output error, then per layer (last first) gradient, error, update."""
    check_dot_lengths(model.dot_lengths(batch.x.q.shape[0]), cfg)
    acts = forward(o, model, cfg, state.params, batch.x)
    e = output_error(o, model, cfg, acts[-1], batch)
    metrics = {"error_abs_sum": o.sum_all(R.abs_(o, o.widen(e.q)))}
    if model.loss == "softmax_xent":
        metrics["correct"] = o.sum_all(o.where(o.eq(o.argmax(acts[-1].q, 1), batch.labels), 1, 0))

    new_params = list(state.params)
    for i in reversed(range(model.n_layers)):
        if i < model.n_layers - 1:  # this layer has a ReLU
            e = QTensor(L.relu_backward(o, e.q, acts[i + 1].q), e.h)
        g, g_h = L.dense_gradient(o, e, acts[i])
        e_below = L.dense_backward_error(o, e, state.params[i], cfg) if i > 0 else None
        ctx = RoundingContext(state.seed, state.step, i)
        new_params[i] = L.update_weights(o, state.params[i], g, g_h, cfg, ctx)
        if e_below is not None:
            e = e_below
    next_state = TrainState(tuple(new_params), o.add(state.step, 1), state.seed)
    return next_state, metrics


def predict(o: Any, model: MLP, cfg: NumericsConfig, params: tuple[QTensor, ...], x: QTensor) -> V:
    return o.argmax(forward(o, model, cfg, params, x)[-1].q, 1)
