"""Sequential models of Dense, Conv2D, MaxPool2D and Flatten layers, and their training step.

The step follows spec 4.6 for any stack: forward keeping every output; the output error;
then from the last layer down: ReLU mask, backward error with the pre-update weights,
gradient, update. Parameter layers are numbered 0, 1, ... in order; that number is the
tensor id of their initial draw and of the stochastic-rounding hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from tintin.reference import conv as C
from tintin.reference import layers as L
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor, RoundingContext
from tintin.reference.limits import DotLength, check_dot_lengths, conv_lengths, dense_lengths
from tintin.reference.model import Batch, ShapeError, TrainState, init_bound
from tintin.reference.ops import PyOps
from tintin.reference.rules import Header

V = Any


@dataclass(frozen=True)
class Dense:
    out: int
    relu: bool = True


@dataclass(frozen=True)
class Conv2D:
    out: int
    kernel: int
    stride: int = 1
    pad: int = 0
    relu: bool = True


@dataclass(frozen=True)
class MaxPool2D:
    size: int = 2


@dataclass(frozen=True)
class Flatten:
    pass


Layer = Dense | Conv2D | MaxPool2D | Flatten


class Plan(NamedTuple):
    """One layer with its input shape (batch excluded) and, for parameter layers, its index."""

    layer: Layer
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    param: int | None  # index among parameter layers
    weight_shape: tuple[int, ...] | None


@dataclass(frozen=True)
class Sequential:
    """A stack of layers on inputs of ``input_shape`` (H, W, C) or (N,), without the batch."""

    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]
    loss: str = "softmax_xent"
    name: str = "sequential"

    def __post_init__(self) -> None:
        if self.loss not in ("softmax_xent", "mse"):
            raise ShapeError(f"loss must be 'softmax_xent' or 'mse', got {self.loss!r}")
        if not self.layers:
            raise ShapeError("a model needs at least one layer")
        plans = self.plan()
        if not any(p.param is not None for p in plans):
            raise ShapeError("a model needs at least one Dense or Conv2D layer")
        if len(plans[-1].out_shape) != 1:
            raise ShapeError(f"the last layer must produce a vector, got shape {plans[-1].out_shape}")

    def plan(self, batch: int = 1) -> list[Plan]:
        shape, params, plans = tuple(self.input_shape), 0, []
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Dense):
                if len(shape) != 1:
                    raise ShapeError(f"layer {i} Dense needs a vector input, got {shape}: add Flatten")
                plans.append(Plan(layer, shape, (layer.out,), params, (layer.out, shape[0])))
                params += 1
            elif isinstance(layer, Conv2D):
                if len(shape) != 3:
                    raise ShapeError(f"layer {i} Conv2D needs an (H, W, C) input, got {shape}")
                g = self.geometry(layer, shape, batch)
                plans.append(Plan(layer, shape, (g.out_height, g.out_width, layer.out), params,
                                  (layer.out, layer.kernel, layer.kernel, shape[2])))
                params += 1
            elif isinstance(layer, MaxPool2D):
                if len(shape) != 3 or shape[0] % layer.size or shape[1] % layer.size:
                    raise ShapeError(f"layer {i} MaxPool2D({layer.size}) does not divide input {shape}")
                plans.append(Plan(layer, shape, (shape[0] // layer.size, shape[1] // layer.size, shape[2]), None, None))
            elif isinstance(layer, Flatten):
                plans.append(Plan(layer, shape, (int(np.prod(shape)),), None, None))
            else:
                raise ShapeError(f"layer {i}: unknown layer type {type(layer).__name__}")
            shape = plans[-1].out_shape
        return plans

    @staticmethod
    def geometry(layer: Conv2D, in_shape: tuple[int, ...], batch: int) -> C.ConvGeometry:
        h, w, c = in_shape
        try:
            return C.ConvGeometry(batch, h, w, c, layer.out, layer.kernel, layer.stride, layer.pad)
        except C.GeometryError as exc:
            raise ShapeError(str(exc)) from None

    def dot_lengths(self, batch: int) -> list[DotLength]:
        out: list[DotLength] = []
        for i, p in enumerate(self.plan(batch)):
            label = f"layer {i} {type(p.layer).__name__}"
            if isinstance(p.layer, Dense):
                out += dense_lengths(label, p.in_shape[0], p.layer.out, batch)
            elif isinstance(p.layer, Conv2D):
                g = self.geometry(p.layer, p.in_shape, batch)
                out += conv_lengths(label, g.kernel, g.stride, g.channels, g.out_channels, batch,
                                    g.out_height * g.out_width)
        return out

    def weight_shapes(self) -> list[tuple[int, ...]]:
        return [p.weight_shape for p in self.plan() if p.weight_shape is not None]

    @property
    def n_outputs(self) -> int:
        return self.plan()[-1].out_shape[0]


def lenet5(input_hw: int = 28, channels: int = 1, classes: int = 10) -> Sequential:
    """LeNet-5 as in the paper's MNIST experiment: conv6-pool-conv16-pool-120-84-10.

    28x28 inputs use 5x5 kernels (padding 2 on the first); small inputs such as the 8x8
    digits use 3x3 kernels with padding 1, keeping the layer widths.
    """
    k, p1, p2 = (5, 2, 0) if input_hw >= 28 else (3, 1, 1)
    return Sequential(
        (input_hw, input_hw, channels),
        (Conv2D(6, k, pad=p1), MaxPool2D(2), Conv2D(16, k, pad=p2), MaxPool2D(2), Flatten(),
         Dense(120), Dense(84), Dense(classes, relu=False)),
        name="lenet5",
    )


# --- initial weights and state -----------------------------------------------------------------


def init_params(model: Sequential, cfg: NumericsConfig, seed: int) -> tuple[QTensor, ...]:
    """Same draw and upscaling as the MLP (spec 4.5), fan-in = product of the kernel's input dims."""
    o = PyOps(cfg.acc_bits)
    params = []
    for layer, shape in enumerate(model.weight_shapes()):
        fan_in = int(np.prod(shape[1:]))
        k = init_bound(fan_in, cfg)
        index = np.arange(int(np.prod(shape)), dtype=object).reshape(shape)
        bits = R.counter_hash(o, seed, -1, layer, index)
        q = np.frompyfunc(lambda b, k=k: int(b) % (2 * k + 1) - k, 1, 1)(bits)
        t = QTensor(q, Header(cfg.init_exponent, 0, 0))
        if cfg.init_upscale:
            t = L.window(o, t, cfg.replace(window=True))
        params.append(QTensor(np.asarray(t.q, dtype=object).astype(np.int8), t.h))
    return tuple(params)


def init_state(model: Sequential, cfg: NumericsConfig, seed: int) -> TrainState:
    return TrainState(init_params(model, cfg, seed), 0, seed)


def check_batch(model: Sequential, batch: Batch) -> None:
    xs = tuple(np.shape(batch.x.q))
    if xs[1:] != tuple(model.input_shape):
        raise ShapeError(f"batch x has shape {xs}, expected (B, {', '.join(map(str, model.input_shape))})")
    if model.loss == "softmax_xent" and tuple(np.shape(batch.labels)) != (xs[0],):
        raise ShapeError(f"batch labels have shape {tuple(np.shape(batch.labels))}, expected ({xs[0]},)")


# --- forward and training step ---------------------------------------------------------------------


def _layer_forward(o: Any, plan: Plan, x: QTensor, w: QTensor | None, batch: int, cfg: NumericsConfig) -> QTensor:
    layer = plan.layer
    if isinstance(layer, Dense):
        return L.dense_forward(o, x, w, layer.relu, cfg)
    if isinstance(layer, Conv2D):
        return C.conv_forward(o, x, w, Sequential.geometry(layer, plan.in_shape, batch), layer.relu, cfg)
    if isinstance(layer, MaxPool2D):  # stored as a payload again: the next layer reads int8, not int32
        return L.store(o, C.maxpool_forward(o, x, layer.size), cfg)
    return QTensor(x.q.reshape(batch, -1), x.h)


def forward(o: Any, model: Sequential, cfg: NumericsConfig, params: tuple[QTensor, ...], x: QTensor) -> list[QTensor]:
    batch = x.q.shape[0]
    check_dot_lengths([d for d in model.dot_lengths(batch) if d.sum == "forward"], cfg)
    acts = [x]
    for plan in model.plan(batch):
        w = params[plan.param] if plan.param is not None else None
        acts.append(_layer_forward(o, plan, acts[-1], w, batch, cfg))
    return acts


def train_step(
    o: Any, model: Sequential, cfg: NumericsConfig, state: TrainState, batch: Batch
) -> tuple[TrainState, dict[str, V]]:
    b = batch.x.q.shape[0]
    check_dot_lengths(model.dot_lengths(b), cfg)
    plans = model.plan(b)
    acts = forward(o, model, cfg, state.params, batch.x)
    out = acts[-1]
    if model.loss == "mse":
        assert batch.target is not None
        e = L.mse_error(o, out, batch.target, cfg)
    else:
        e = L.softmax_xent_error(o, out, batch.labels, cfg)
    metrics = {"error_abs_sum": o.sum_all(R.abs_(o, o.widen(e.q)))}
    if model.loss == "softmax_xent":
        metrics["correct"] = o.sum_all(o.where(o.eq(o.argmax(out.q, 1), batch.labels), 1, 0))

    new_params = list(state.params)
    for i in reversed(range(len(plans))):
        plan, x_in, y = plans[i], acts[i], acts[i + 1]
        layer = plan.layer
        if isinstance(layer, MaxPool2D):
            e = C.maxpool_backward(o, e, x_in, layer.size, cfg)
            continue
        if isinstance(layer, Flatten):
            e = QTensor(e.q.reshape((b, *plan.in_shape)), e.h)
            continue
        assert plan.param is not None
        w = state.params[plan.param]
        if layer.relu:
            e = QTensor(L.relu_backward(o, e.q, y.q), e.h)
        needs_error_below = i > 0
        if isinstance(layer, Dense):
            g, g_h = L.dense_gradient(o, e, x_in)
            e_below = L.dense_backward_error(o, e, w, cfg) if needs_error_below else None
        else:
            geo = Sequential.geometry(layer, plan.in_shape, b)
            g, g_h = C.conv_gradient(o, e, x_in, geo)
            e_below = C.conv_backward_error(o, e, w, geo, cfg) if needs_error_below else None
        ctx = RoundingContext(state.seed, state.step, plan.param)
        new_params[plan.param] = L.update_weights(o, w, g, g_h, cfg, ctx)
        if e_below is not None:
            e = e_below
    return TrainState(tuple(new_params), o.add(state.step, 1), state.seed), metrics


def predict(o: Any, model: Sequential, cfg: NumericsConfig, params: tuple[QTensor, ...], x: QTensor) -> V:
    return o.argmax(forward(o, model, cfg, params, x)[-1].q, 1)
