"""The training state and batch in few device buffers: the fast calling form of the train step.

A ``TrainState`` of P weight tensors is 3P + 2 int32 scalars beside the payloads, and every
scalar is its own device buffer that a jitted call must take in and hand back. For a small
model that per-buffer work costs more than the arithmetic (the digits MLP: about 80 us of a
trivial step with the TrainState signature against 20 us with a packed one). The packed form
keeps all headers in one int32 [P, 3] array and step and seed in one int32 [2], the batch
header in one int32 [3], and returns the metrics as one int32 array.

Inside the jitted function the packed arrays are unpacked into the same TrainState and
Batch and the same ``train_step`` runs, so the bits are those of ``jit_train_step``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import numpy as np

from tintin.reference import jax_backend as JB
from tintin.reference import model as M
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.ops import JaxOps
from tintin.reference.rules import Header

METRICS = ("correct", "error_abs_sum")  # order of the packed metrics; correct is 0 for MSE models


class PackedState(NamedTuple):
    q: tuple[Any, ...]  # payloads, one array per weight tensor
    h: Any  # int32 [P, 3]: S, U, D per weight tensor
    counters: Any  # int32 [2]: step, seed


class PackedBatch(NamedTuple):
    x: Any  # int8 [B, ...]
    x_h: Any  # int32 [3]
    labels: Any  # int32 [B]
    target: Any = None  # int8 [B, n_out] for MSE
    target_h: Any = None  # int32 [3]


def pack_state(state: M.TrainState) -> PackedState:
    import jax.numpy as jnp

    h = np.asarray([[int(v) for v in p.h] for p in state.params], dtype=np.int32)
    return PackedState(tuple(jnp.asarray(np.asarray(p.q)) for p in state.params), jnp.asarray(h),
                       jnp.asarray(np.asarray([int(state.step), int(state.seed)], dtype=np.int32)))


def unpack_state(p: PackedState) -> M.TrainState:
    """Back to a TrainState of jax arrays (headers as int32 scalars), as jit_train_step returns it."""
    h = np.asarray(p.h)
    counters = np.asarray(p.counters)
    return JB.state_to_jax(M.TrainState(tuple(QTensor(q, Header(*(int(v) for v in h[i]))) for i, q in enumerate(p.q)),
                                        int(counters[0]), int(counters[1])))


def pack_batch(batch: M.Batch) -> PackedBatch:
    import jax.numpy as jnp

    def hdr(h: Header) -> Any:
        return jnp.asarray(np.asarray([int(v) for v in h], dtype=np.int32))

    target = None if batch.target is None else jnp.asarray(np.asarray(batch.target.q))
    target_h = None if batch.target is None else hdr(batch.target.h)
    return PackedBatch(jnp.asarray(np.asarray(batch.x.q)), hdr(batch.x.h),
                       jnp.asarray(np.asarray(batch.labels, dtype=np.int32)), target, target_h)


def packed_step_fn(model: Any, cfg: NumericsConfig) -> Callable[[PackedState, PackedBatch], tuple[PackedState, Any]]:
    """The un-jitted packed step (parallel.py jits it with shardings)."""
    import jax.numpy as jnp

    o = JaxOps(cfg.acc_bits)
    train_step = JB.model_module(model).train_step

    def header(row: Any) -> Header:
        return Header(row[0], row[1], row[2])

    def step(state: PackedState, batch: PackedBatch) -> tuple[PackedState, Any]:
        params = tuple(QTensor(q, header(state.h[i])) for i, q in enumerate(state.q))
        full = M.TrainState(params, state.counters[0], state.counters[1])
        target = None if batch.target is None else QTensor(batch.target, header(batch.target_h))
        new, metrics = train_step(o, model, cfg, full, M.Batch(QTensor(batch.x, header(batch.x_h)), batch.labels,
                                                               target))
        h = jnp.stack([jnp.stack([jnp.asarray(v, jnp.int32) for v in p.h]) for p in new.params])
        counters = jnp.stack([jnp.asarray(new.step, jnp.int32), jnp.asarray(new.seed, jnp.int32)])
        m = jnp.stack([jnp.asarray(metrics.get(k, 0), jnp.int32) for k in METRICS])
        return PackedState(tuple(p.q for p in new.params), h, counters), m

    return step


@cache
def jit_packed_train_step(model: Any, cfg: NumericsConfig) -> Callable[[PackedState, PackedBatch], Any]:
    """``step(packed_state, packed_batch) -> (packed_state, int32 [correct, error_abs_sum])``, jitted."""
    import jax

    return jax.jit(packed_step_fn(model, cfg))
