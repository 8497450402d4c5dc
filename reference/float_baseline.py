"""Float32 training of the same architecture, for comparison only (not the numerics path).

Same layers (no bias, ReLU where the integer model has it), same initial weights (the
dequantised integer initialisation), same batches, plain SGD on the batch mean of the
model's loss: softmax cross-entropy, or for an autoencoder ``loss="mse"`` half the squared
reconstruction error summed over the outputs (its gradient is ``y - t``, the integer error
of spec 5.1). Works for an MLP and for any Sequential model (NHWC, kernels [OC, K, K, C]).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from tintin.reference.layers import QTensor

R_NOMINAL = 2.0 ** (1.0 / 3.0)


def header_scale(s: Any, u: Any, d: Any) -> np.ndarray:
    """The real value of one payload unit, 2^S r^(D-U); elementwise over arrays of headers."""
    return np.asarray(np.power(2.0, s) * R_NOMINAL ** (np.asarray(d) - np.asarray(u)), dtype=np.float32)


def dequantise(t: QTensor) -> np.ndarray:
    return np.asarray(t.q, dtype=np.float32) * header_scale(*(int(v) for v in t.h))


def _forward_fn(model: Any) -> Callable[[list[Any], Any], Any]:
    import jax
    import jax.numpy as jnp

    from tintin.reference import sequential as S

    if not isinstance(model, S.Sequential):  # MLP: dense layers, ReLU between
        def mlp(ws: list[Any], x: Any) -> Any:
            for i, w in enumerate(ws):
                x = x @ w.T
                if i < len(ws) - 1:
                    x = jax.nn.relu(x)
            return x

        return mlp

    plans = model.plan()

    def seq(ws: list[Any], x: Any) -> Any:
        for plan in plans:
            layer = plan.layer
            if isinstance(layer, S.Dense):
                x = x @ ws[plan.param].T
            elif isinstance(layer, S.Conv2D):
                x = jax.lax.conv_general_dilated(
                    x, ws[plan.param], (layer.stride, layer.stride), [(layer.pad, layer.pad)] * 2,
                    dimension_numbers=("NHWC", "OHWI", "NHWC"))
            elif isinstance(layer, S.MaxPool2D):
                k = layer.size
                x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, k, k, 1), (1, k, k, 1), "VALID")
            else:
                x = x.reshape(x.shape[0], -1)
            if getattr(layer, "relu", False):
                x = jax.nn.relu(x)
        return x

    return seq


class FloatModel(NamedTuple):
    step: Callable[..., Any]  # (weights, x, target) -> (weights, loss); target: labels or the input
    forward: Callable[..., Any]  # (weights, x) -> outputs (logits or reconstruction)
    mse: bool


def make_float_model(model: Any, lr: float) -> FloatModel:
    import jax
    import jax.numpy as jnp

    forward = _forward_fn(model)
    mse = getattr(model, "loss", "softmax_xent") == "mse"

    def loss(ws: list[Any], x: Any, target: Any) -> Any:
        out = forward(ws, x)
        if mse:
            return 0.5 * jnp.mean(jnp.sum((out - target) ** 2, axis=1))
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(out), target[:, None], axis=1))

    @jax.jit
    def step(ws: list[Any], x: Any, target: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(ws, x, target)
        return [w - lr * g for w, g in zip(ws, grads)], value

    return FloatModel(step, jax.jit(forward), mse)
