"""Data-parallel integer training over several JAX devices, bit-identical to one device.

The batch axis is sharded over a one-axis ``Mesh`` of local devices with
``jax.sharding.NamedSharding``; the state (weights, headers, counters) is replicated. The
train step is the same jitted function as on one device: XLA's SPMD partitioner splits it
and inserts the cross-device reductions itself - an int32 all-reduce *sum* where a matmul
contracts over the batch (every gradient) and an all-reduce *max* where a per-tensor header
is chosen from the whole batch (max |acc| of every activation and error).

Why this is exact: integer addition is associative and commutative (int32 wraps like C, and
the proofs rule out wrapping inside the domain), and max is too, so any split of the batch
and any reduction order give the same bits. Float training has no such property.

Several hosts: call ``jax.distributed.initialize()`` first; ``jax.devices()`` then lists the
devices of every process and the same mesh spans them (docs/data-parallel.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tintin.reference import jax_backend as JB
from tintin.reference import model as M
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.ops import JaxOps
from tintin.reference.rules import Header

AXIS = "batch"


class DeviceError(ValueError):
    """A device count that does not fit the machine or the batch; the message says why."""


def check_devices(devices: int, batch: int) -> None:
    """Clear errors before any compilation: enough local devices, and a batch they divide."""
    import jax

    available = len(jax.devices())
    if devices < 1:
        raise DeviceError(f"--devices must be at least 1, got {devices}")
    if batch % devices:
        raise DeviceError(f"batch {batch} is not divisible by --devices {devices}: every device takes an equal share")
    if devices > available:
        raise DeviceError(
            f"--devices {devices} but JAX sees {available} device(s) "
            f"(for N host CPU devices set XLA_FLAGS=--xla_force_host_platform_device_count=N before starting)"
        )


@dataclass(frozen=True)
class DataParallelStep:
    """``step(state, batch) -> (state, metrics)`` with the batch split over ``devices`` devices."""

    devices: int
    step: Callable[[M.TrainState, M.Batch], Any]
    replicated: Any
    sharded: Any

    def put_state(self, state: M.TrainState) -> M.TrainState:
        import jax

        return jax.device_put(state, self.replicated)

    def put_batch(self, batch: M.Batch) -> M.Batch:
        import jax

        x = QTensor(jax.device_put(batch.x.q, self.sharded), jax.device_put(batch.x.h, self.replicated))
        target = None
        if batch.target is not None:
            target = QTensor(jax.device_put(batch.target.q, self.sharded),
                             jax.device_put(batch.target.h, self.replicated))
        return M.Batch(x, jax.device_put(batch.labels, self.sharded), target)

    def __call__(self, state: M.TrainState, batch: M.Batch) -> Any:
        return self.step(state, self.put_batch(batch))


def data_parallel_step(model: Any, cfg: NumericsConfig, devices: int) -> DataParallelStep:
    """The integer train step jitted for a batch sharded over the first ``devices`` devices."""
    import jax
    import numpy as np
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    mesh = Mesh(np.array(jax.devices()[:devices]), (AXIS,))
    replicated = NamedSharding(mesh, PartitionSpec())
    sharded = NamedSharding(mesh, PartitionSpec(AXIS))
    o = JaxOps(cfg.acc_bits)
    train_step = JB.model_module(model).train_step

    def step(state: M.TrainState, batch: M.Batch) -> Any:
        return train_step(o, model, cfg, state, batch)

    mse = getattr(model, "loss", "softmax_xent") == "mse"
    h_rep = Header(replicated, replicated, replicated)
    x_spec = QTensor(sharded, h_rep)
    batch_spec = M.Batch(x_spec, sharded, x_spec if mse else None)
    jitted = jax.jit(step, in_shardings=(replicated, batch_spec), out_shardings=(replicated, replicated))
    return DataParallelStep(devices, jitted, replicated, sharded)
