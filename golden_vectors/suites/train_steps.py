"""Machinery shared by the whole-training-step suites: MLPs (train.py, tt_train_step_mlp) and
Sequential CNNs (conv.py, tt_train_step_seq).

A case holds an initial state and n_steps batches; the expected outputs are the weights,
headers and metrics after every step. Both families store it alike:
inputs  "<w>{p}/w", "<w>{p}/h" per weight tensor p, "seed", "step", "x_h", ("target_h" for
        MSE), then per step k "batch{k}/x" and "batch{k}/labels" (or "batch{k}/target");
outputs per step k "step{k}/<w>{p}/w", "step{k}/<w>{p}/h", then "step{k}/correct"
        (classification only) and "step{k}/error_abs_sum",
where <w> is the family's weight prefix. A family says only how its params describe the model
(StepFamily); jax_backend.model_module picks its train_step and checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from tintin.reference import jax_backend as JB
from tintin.reference import model as M
from tintin.reference.config import SPEC_VERSION, NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.rules import Header

from ..suite import CaseSpec, SuiteDef
from ._common import Arrays, StableRng, hdr, i8, i32, jax_ops, jit, to_golden

LOSSES = ("softmax_xent", "mse")  # param "loss" is the index

StepFn = Callable[[M.TrainState, M.Batch], tuple[M.TrainState, Mapping[str, Any]]]


def _header(h: Any) -> Header:
    return Header(*(int(v) for v in np.asarray(h)))


# --- running a case ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFamily:
    """What differs between the training-step families."""

    kernel: str  # the C entry point
    weights: str  # prefix of the weight tensors' names
    model: Callable[[Mapping[str, int]], Any]  # the model a case's params describe
    generator_info: str


def read_state(inputs: Arrays, weights: str, model: Any) -> M.TrainState:
    params = tuple(
        QTensor(np.asarray(inputs[f"{weights}{p}/w"], dtype=np.int8), _header(inputs[f"{weights}{p}/h"]))
        for p in range(len(model.weight_shapes()))
    )
    for p, (t, shape) in enumerate(zip(params, model.weight_shapes(), strict=True)):
        if tuple(t.q.shape) != tuple(shape):
            raise ValueError(f"{weights}{p}/w has shape {t.q.shape}, the model needs {shape}")
    return M.TrainState(params, int(np.asarray(inputs["step"])), int(np.asarray(inputs["seed"])))


def read_batch(inputs: Arrays, loss: str, k: int) -> M.Batch:
    x = QTensor(np.asarray(inputs[f"batch{k}/x"], dtype=np.int8), _header(inputs["x_h"]))
    if loss == "mse":
        target = QTensor(np.asarray(inputs[f"batch{k}/target"], dtype=np.int8), _header(inputs["target_h"]))
        return M.Batch(x, np.zeros(x.q.shape[0], dtype=np.int32), target)
    return M.Batch(x, np.asarray(inputs[f"batch{k}/labels"], dtype=np.int32))


def run_case(
    inputs: Arrays,
    params: Mapping[str, int],
    family: StepFamily,
    step_fn: StepFn,
    to_backend: Callable[[Any], Any],
    batch_to_backend: Callable[[M.Batch], M.Batch],
) -> dict[str, np.ndarray]:
    """Run the case's steps with one interpretation; outputs in the file's order."""
    model = family.model(params)
    w = family.weights
    state = to_backend(read_state(inputs, w, model))
    out: dict[str, np.ndarray] = {}
    for k in range(int(params["n_steps"])):
        batch = read_batch(inputs, model.loss, k)
        JB.model_module(model).check_batch(model, batch)
        state, metrics = step_fn(state, batch_to_backend(batch))
        for p, t in enumerate(state.params):
            out[f"step{k}/{w}{p}/w"] = to_golden(t.q, "int8", f"step{k}/{w}{p}/w")
            out[f"step{k}/{w}{p}/h"] = to_golden(tuple(t.h), "int8", f"step{k}/{w}{p}/h")
        if model.loss == "softmax_xent":
            out[f"step{k}/correct"] = to_golden(metrics["correct"], "int32", "correct")
        out[f"step{k}/error_abs_sum"] = to_golden(metrics["error_abs_sum"], "int32", "error_abs_sum")
    return out


@cache
def _jit_step(model: Any, cfg: NumericsConfig) -> StepFn:
    """train_step under JaxOps, jitted (as jax_backend.jit_train_step, with the cheaper compiler
    options of _common.JIT_OPTIONS: compilation dominates the generation time)."""
    o = jax_ops()
    train_step = JB.model_module(model).train_step
    return jit(lambda state, batch: train_step(o, model, cfg, state, batch))


@dataclass(frozen=True)
class TrainStepSuite:
    family: StepFamily
    name: str
    description: str
    cfg: NumericsConfig
    cases: Callable[[str], Sequence[CaseSpec]]
    seed: int

    def compute(self, spec: CaseSpec) -> dict[str, np.ndarray]:
        model = self.family.model(spec.params)
        return run_case(spec.inputs, spec.params, self.family, _jit_step(model, self.cfg), JB.state_to_jax,
                        JB.batch_to_jax)

    def oracle(self, inputs: Arrays, params: Mapping[str, int]) -> dict[str, np.ndarray]:
        model = self.family.model(params)

        def step(state: M.TrainState, batch: M.Batch) -> Any:
            return JB.oracle_train_step(model, self.cfg, state, batch)

        return run_case(inputs, params, self.family, step, lambda s: s, lambda b: b)

    def suite_def(self) -> SuiteDef:
        return SuiteDef(
            name=self.name,
            kernel=self.family.kernel,
            description=self.description,
            cases=self.cases,
            compute=self.compute,
            config=self.cfg,
            spec_version=SPEC_VERSION,
            seed=self.seed,
            generator_info={"expected": self.family.generator_info},
        )


# --- building cases ---------------------------------------------------------------------------


def case_inputs(
    weights: str,
    state: M.TrainState,
    loss: str,
    x_h: tuple[int, int, int],
    xs: Sequence[np.ndarray],
    labels_or_targets: Sequence[np.ndarray],
    target_h: tuple[int, int, int] | None = None,
) -> dict[str, Any]:
    """A case's inputs in the interface's order (the inverse of read_state and read_batch)."""
    inputs: dict[str, Any] = {}
    for p, t in enumerate(state.params):
        inputs[f"{weights}{p}/w"] = i8(np.asarray(t.q, dtype=np.int64))
        inputs[f"{weights}{p}/h"] = hdr(*(int(v) for v in t.h))
    inputs["seed"] = i32(int(state.seed))
    inputs["step"] = i32(int(state.step))
    inputs["x_h"] = hdr(*x_h)
    if loss == "mse":
        assert target_h is not None
        inputs["target_h"] = hdr(*target_h)
    for k, (x, y) in enumerate(zip(xs, labels_or_targets, strict=True)):
        inputs[f"batch{k}/x"] = i8(x)
        if loss == "mse":
            inputs[f"batch{k}/target"] = i8(y)
        else:
            inputs[f"batch{k}/labels"] = i32(y)
    return inputs


def _sample_shape(model: Any) -> tuple[int, ...]:
    return (model.sizes[0],) if isinstance(model, M.MLP) else tuple(model.input_shape)


def _n_classes(model: Any) -> int:
    return model.sizes[-1] if isinstance(model, M.MLP) else model.n_outputs


def random_batches(rng: StableRng, model: Any, b: int, n: int, lo: int = 0, hi: int = 112) -> tuple[list, list]:
    """n batches of b samples with payloads in [lo, hi], and their labels."""
    xs = [rng.ints(lo, hi, (b, *_sample_shape(model)), np.int8) for _ in range(n)]
    ys = [rng.ints(0, _n_classes(model) - 1, b) for _ in range(n)]
    return xs, ys


def random_params(rng: StableRng, model: Any, headers: Sequence[tuple[int, int, int]]) -> tuple:
    """Full-range random weights, the headers taken in turn."""
    return tuple(QTensor(rng.ints(-127, 127, shape, np.int8), Header(*headers[i % len(headers)]))
                 for i, shape in enumerate(model.weight_shapes()))


def pretrained(model: Any, cfg: NumericsConfig, seed: int, n: int, rng: StableRng, b: int, x_h: Header) -> M.TrainState:
    """The state after n steps on random batches of b from the initial weights: mid-training.

    Only an input, so it is made with the exact oracle (fast at these sizes, and listing the
    cases then needs no JAX compilation). An MSE model reconstructs its input."""
    state = JB.init_state(model, cfg, seed)
    for _ in range(n):
        x = QTensor(rng.ints(0, 112, (b, *_sample_shape(model)), np.int8), x_h)
        if model.loss == "mse":
            batch = M.Batch(x, np.zeros(b, dtype=np.int32), x)
        else:
            batch = M.Batch(x, rng.ints(0, _n_classes(model) - 1, b))
        state, _ = JB.oracle_train_step(model, cfg, state, batch)
    return JB.state_to_numpy(state)
