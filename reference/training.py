"""Training loops: the integer reference (any policy) and the float baseline, on the same batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tintin.reference import jax_backend as JB
from tintin.reference.config import NumericsConfig
from tintin.reference.data import Dataset
from tintin.reference.float_baseline import dequantise, make_float_step
from tintin.reference.layers import QTensor
from tintin.reference.model import Batch, TrainState


@dataclass
class History:
    """Per-epoch curves of one training run."""

    name: str
    train_acc: list[float] = field(default_factory=list)
    test_acc: list[float] = field(default_factory=list)

    @property
    def final_test_acc(self) -> float:
        return self.test_acc[-1] if self.test_acc else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "train_acc": self.train_acc, "test_acc": self.test_acc}


def epoch_batches(n: int, batch_size: int, seed: int, epoch: int) -> Iterator[np.ndarray]:
    """Shuffled full batches (the remainder is dropped so every step has one shape)."""
    order = np.random.default_rng([seed, epoch]).permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start : start + batch_size]


def input_shape(model: Any) -> tuple[int, ...]:
    """Shape of one input sample (no batch axis) for an MLP or a Sequential model."""
    return tuple(model.input_shape) if hasattr(model, "input_shape") else (model.sizes[0],)


def steps_per_epoch(n: int, batch_size: int) -> int:
    return n // batch_size


def _check_sizes(data: Dataset, batch_size: int, epochs: int) -> None:
    if not 1 <= batch_size <= len(data.y_train):
        raise ValueError(f"batch size {batch_size} must be in [1, {len(data.y_train)}] for {data.name}")
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")


def train_integer(
    model: Any,
    cfg: NumericsConfig,
    data: Dataset,
    epochs: int,
    batch_size: int,
    seed: int,
    progress: Any = None,
) -> tuple[TrainState, History]:
    """Integer-only training with the jitted reference; accuracy measured after each epoch."""
    _check_sizes(data, batch_size, epochs)
    step = JB.jit_train_step(model, cfg)
    predict = JB.jit_predict(model, cfg)
    state = JB.state_to_jax(JB.init_state(model, cfg, seed))
    shape = input_shape(model)
    x_test = JB.qtensor_to_jax(QTensor(data.test_inputs(shape), data.x_header))
    hist = History(cfg.name)
    for epoch in range(epochs):
        correct = seen = 0
        for idx in epoch_batches(len(data.y_train), batch_size, seed, epoch):
            x, y = data.batch(idx, shape)
            state, metrics = step(state, JB.batch_to_jax(Batch(x, y)))
            correct += int(metrics["correct"])
            seen += len(idx)
            if progress is not None:
                progress.update(1)
        hist.train_acc.append(correct / seen)
        pred = np.asarray(predict(state.params, x_test))
        hist.test_acc.append(float(np.mean(pred == data.y_test)))
    return state, hist


def train_float(
    model: Any,
    init_cfg: NumericsConfig,
    data: Dataset,
    epochs: int,
    batch_size: int,
    seed: int,
    lr: float,
    progress: Any = None,
) -> History:
    """float32 SGD from the dequantised integer initial weights, on the same batches."""
    import jax.numpy as jnp

    _check_sizes(data, batch_size, epochs)
    step = make_float_step(model, lr)
    ws = [jnp.asarray(dequantise(p)) for p in JB.init_state(model, init_cfg, seed).params]
    shape = input_shape(model)
    x_train = jnp.asarray(data.real(data.x_train).reshape(len(data.x_train), *shape))
    x_test = jnp.asarray(data.real(data.test_inputs(shape)))
    hist = History("float32")
    for epoch in range(epochs):
        correct = seen = 0
        for idx in epoch_batches(len(data.y_train), batch_size, seed, epoch):
            pred = np.asarray(step.predict(ws, x_train[idx]))  # type: ignore[attr-defined]
            correct += int(np.sum(pred == data.y_train[idx]))
            seen += len(idx)
            ws, _ = step(ws, x_train[idx], jnp.asarray(data.y_train[idx]))
            if progress is not None:
                progress.update(1)
        hist.train_acc.append(correct / seen)
        pred = np.asarray(step.predict(ws, x_test))  # type: ignore[attr-defined]
        hist.test_acc.append(float(np.mean(pred == data.y_test)))
    return hist
