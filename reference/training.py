"""Training loops: the integer reference (any policy) and the float baseline, on the same batches.

One epoch loop (``_fit``) drives a *learner*: the jitted integer step or the float32 SGD
step. After every epoch the learner's real-valued outputs on the test inputs go to an
``Evaluation`` (accuracy for classification; an application's own metric such as the
autoencoder's detection AUC), so classification and MSE models share one loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from tintin.reference import jax_backend as JB
from tintin.reference import packed as PK
from tintin.reference.config import NumericsConfig
from tintin.reference.data import Dataset
from tintin.reference.float_baseline import dequantise, header_scale, make_float_model
from tintin.reference.layers import QTensor
from tintin.reference.model import Batch, TrainState
from tintin.reference.ops import JaxOps


@dataclass(frozen=True)
class Evaluation:
    """The per-epoch test metric: its name and a function of the real test outputs [N, n_out]."""

    metric: str
    score: Callable[[np.ndarray], float]


def accuracy(labels: np.ndarray) -> Evaluation:
    """Classification accuracy: the arg-max output against the labels."""
    return Evaluation("accuracy", lambda out: float(np.mean(np.argmax(out, axis=1) == labels)))


@dataclass
class History:
    """Per-epoch curves of one training run."""

    name: str
    metric: str = "accuracy"
    train_acc: list[float] = field(default_factory=list)  # on the training batches; classification only
    test_metric: list[float] = field(default_factory=list)
    outputs: np.ndarray | None = field(default=None, repr=False)  # real test outputs after the last epoch

    @property
    def final_metric(self) -> float:
        return self.test_metric[-1] if self.test_metric else float("nan")

    @property
    def best_metric(self) -> float:
        return max(self.test_metric) if self.test_metric else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "metric": self.metric, "train_acc": self.train_acc,
                "test_metric": self.test_metric}


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


class _Learner(Protocol):
    def step(self, idx: np.ndarray) -> Any:
        """Train on the rows ``idx``; the number classified correctly (None for MSE models), as an int
        or a device scalar (summed without a host round trip)."""

    def test_outputs(self) -> np.ndarray:
        """Real-valued outputs on the test inputs with the current weights."""


def _fit(learner: _Learner, name: str, data: Dataset, evaluation: Evaluation, epochs: int,
         batch_size: int, seed: int, progress: Any) -> History:
    """The epoch loop shared by every policy: the same batches, the same evaluation."""
    _check_sizes(data, batch_size, epochs)
    hist = History(name, evaluation.metric)
    for epoch in range(epochs):
        correct: Any = 0
        seen = 0
        for idx in epoch_batches(len(data.y_train), batch_size, seed, epoch):
            hits = learner.step(idx)
            correct = None if hits is None or correct is None else correct + hits
            seen += len(idx)
            if progress is not None:
                progress.update(1)
        if correct is not None:
            hist.train_acc.append(int(correct) / seen)
        hist.outputs = learner.test_outputs()
        hist.test_metric.append(float(evaluation.score(hist.outputs)))
    return hist


def _jit_outputs(model: Any, cfg: NumericsConfig, per_sample: bool) -> Callable[[Any, QTensor], QTensor]:
    """Jitted forward to the output tensor; per sample (batch of one each, its own headers) or
    the whole input as one batch (one header for all rows)."""
    import jax

    o = JaxOps(cfg.acc_bits)
    forward = JB.model_module(model).forward

    def out(params: Any, x: QTensor) -> QTensor:
        return forward(o, model, cfg, params, x)[-1]

    if not per_sample:
        return jax.jit(out)
    one = jax.vmap(lambda params, q, h: out(params, QTensor(q[None], h)), in_axes=(None, 0, None))
    return jax.jit(lambda params, x: one(params, x.q, x.h))


def _real_outputs(t: QTensor) -> np.ndarray:
    """Dequantised outputs; a per-sample forward gives one header per row ([N, 1, n_out])."""
    q = np.asarray(t.q)
    scale = header_scale(*(np.asarray(v) for v in t.h))
    if q.ndim == 3:
        return q[:, 0, :].astype(np.float32) * scale[:, None]
    return q.astype(np.float32) * scale


class _IntegerLearner:
    """The packed step (reference/packed.py): few device buffers per call, and the per-step
    metric stays on the device until the epoch ends (no host round trip per step)."""

    def __init__(self, model: Any, cfg: NumericsConfig, data: Dataset, seed: int, per_sample: bool,
                 devices: int = 1) -> None:
        self.data, self.shape = data, input_shape(model)
        self.mse = getattr(model, "loss", "softmax_xent") == "mse"
        self.outputs = _jit_outputs(model, cfg, per_sample)
        self.packed = PK.pack_state(JB.init_state(model, cfg, seed))
        self.train_step: Callable[[PK.PackedState, PK.PackedBatch], Any] = PK.jit_packed_train_step(model, cfg)
        if devices > 1:  # the batch split over devices, the state replicated (reference/parallel.py)
            from tintin.reference.parallel import data_parallel_step

            dp = data_parallel_step(model, cfg, devices)
            self.train_step, self.packed = dp, dp.put_state(self.packed)
        self.x_test = JB.qtensor_to_jax(QTensor(data.test_inputs(self.shape), data.x_header))

    @property
    def state(self) -> TrainState:
        return PK.unpack_state(self.packed)

    def step(self, idx: np.ndarray) -> Any:
        x, y = self.data.batch(idx, self.shape)
        self.packed, metrics = self.train_step(self.packed, PK.pack_batch(Batch(x, y, x if self.mse else None)))
        return None if self.mse else metrics[0]

    def test_outputs(self) -> np.ndarray:
        return _real_outputs(self.outputs(self.state.params, self.x_test))


class _FloatLearner:
    def __init__(self, model: Any, init_cfg: NumericsConfig, data: Dataset, seed: int, lr: float) -> None:
        import jax.numpy as jnp

        self.fm = make_float_model(model, lr)
        self.ws = [jnp.asarray(dequantise(p)) for p in JB.init_state(model, init_cfg, seed).params]
        shape = input_shape(model)
        self.x_train = jnp.asarray(data.real(data.x_train).reshape(len(data.x_train), *shape))
        self.x_test = jnp.asarray(data.real(data.test_inputs(shape)))
        self.y_train = data.y_train

    def step(self, idx: np.ndarray) -> int | None:
        x = self.x_train[idx]
        hits = None
        if not self.fm.mse:  # training accuracy as seen before the step, like the integer metric
            hits = int(np.sum(np.argmax(np.asarray(self.fm.forward(self.ws, x)), axis=1) == self.y_train[idx]))
        target = x if self.fm.mse else self.y_train[idx]
        self.ws, _ = self.fm.step(self.ws, x, target)
        return hits

    def test_outputs(self) -> np.ndarray:
        return np.asarray(self.fm.forward(self.ws, self.x_test))


def train_integer(
    model: Any,
    cfg: NumericsConfig,
    data: Dataset,
    epochs: int,
    batch_size: int,
    seed: int,
    progress: Any = None,
    evaluation: Evaluation | None = None,
    per_sample: bool = False,
    devices: int = 1,
) -> tuple[TrainState, History]:
    """Integer-only training with the jitted reference; the metric is measured after each epoch.

    ``per_sample`` evaluates each test input as its own batch of one (as a device running
    inference would, each with its own headers) instead of the whole test set as one batch.
    An MSE model trains with the input as its target. ``devices`` > 1 splits every batch over
    that many JAX devices (reference/parallel.py): the same bits as one device.
    """
    _check_sizes(data, batch_size, epochs)
    if devices != 1:
        from tintin.reference.parallel import check_devices

        check_devices(devices, batch_size)
    learner = _IntegerLearner(model, cfg, data, seed, per_sample, devices)
    hist = _fit(learner, cfg.name, data, evaluation or accuracy(data.y_test), epochs, batch_size, seed, progress)
    return learner.state, hist


def train_float(
    model: Any,
    init_cfg: NumericsConfig,
    data: Dataset,
    epochs: int,
    batch_size: int,
    seed: int,
    lr: float,
    progress: Any = None,
    evaluation: Evaluation | None = None,
) -> History:
    """float32 SGD from the dequantised integer initial weights, on the same batches."""
    _check_sizes(data, batch_size, epochs)
    learner = _FloatLearner(model, init_cfg, data, seed, lr)
    return _fit(learner, "float32", data, evaluation or accuracy(data.y_test), epochs, batch_size, seed, progress)
