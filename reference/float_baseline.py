"""Float32 training of the same architecture, for comparison only (not the numerics path).

Same layers (no bias, ReLU where the integer model has it), same initial weights (the
dequantised integer initialisation), same batches, plain SGD on the mean softmax
cross-entropy. Works for an MLP and for any Sequential model (NHWC, kernels [OC, K, K, C]).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tintin.reference.layers import QTensor

R_NOMINAL = 2.0 ** (1.0 / 3.0)


def dequantise(t: QTensor) -> np.ndarray:
    s, u, d = (int(v) for v in t.h)
    return np.asarray(t.q, dtype=np.float32) * np.float32(2.0**s * R_NOMINAL ** (d - u))


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


def make_float_step(model: Any, lr: float) -> Callable[..., Any]:
    import jax
    import jax.numpy as jnp

    forward = _forward_fn(model)

    def loss(ws: list[Any], x: Any, y: Any) -> Any:
        logits = forward(ws, x)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    @jax.jit
    def step(ws: list[Any], x: Any, y: Any) -> Any:
        value, grads = jax.value_and_grad(loss)(ws, x, y)
        return [w - lr * g for w, g in zip(ws, grads)], value

    @jax.jit
    def predict(ws: list[Any], x: Any) -> Any:
        return jnp.argmax(forward(ws, x), axis=1)

    step.predict = predict  # type: ignore[attr-defined]
    return step
