"""Float32 training of the same architecture, for comparison only (not the numerics path).

Same layers (no bias, ReLU between), same initial weights (the dequantised integer
initialisation), same batches, plain SGD on the mean softmax cross-entropy.
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


def make_float_step(lr: float) -> Callable[..., Any]:
    import jax
    import jax.numpy as jnp

    def forward(ws: list[Any], x: Any) -> Any:
        for i, w in enumerate(ws):
            x = x @ w.T
            if i < len(ws) - 1:
                x = jax.nn.relu(x)
        return x

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
