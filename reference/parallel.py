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

from tintin.reference.config import NumericsConfig
from tintin.reference.packed import PackedBatch, PackedState, packed_step_fn

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
    """``step(packed_state, packed_batch)`` (reference/packed.py) with the batch split over ``devices``."""

    devices: int
    step: Callable[[PackedState, PackedBatch], Any]
    replicated: Any
    sharded: Any

    def put_state(self, state: PackedState) -> PackedState:
        import jax

        return jax.device_put(state, self.replicated)

    def put_batch(self, batch: PackedBatch) -> PackedBatch:
        import jax

        rep, shard = self.replicated, self.sharded
        target = None if batch.target is None else jax.device_put(batch.target, shard)
        target_h = None if batch.target_h is None else jax.device_put(batch.target_h, rep)
        return PackedBatch(jax.device_put(batch.x, shard), jax.device_put(batch.x_h, rep),
                           jax.device_put(batch.labels, shard), target, target_h)

    def __call__(self, state: PackedState, batch: PackedBatch) -> Any:
        return run_one(self.step, state, self.put_batch(batch))


def run_one(step: Callable[..., Any], *args: Any) -> Any:
    """One sharded step, waited for before the next is dispatched. With forced host devices on
    fewer cores, several queued steps can starve XLA's CPU all-reduce rendezvous (seen here: 2 of
    4 participants arrive, abort after 40 s); one step in flight at a time avoids that."""
    import jax

    return jax.block_until_ready(step(*args))


def data_parallel_step(model: Any, cfg: NumericsConfig, devices: int) -> DataParallelStep:
    """The packed integer train step jitted for a batch sharded over the first ``devices`` devices."""
    import jax
    import numpy as np
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    mesh = Mesh(np.array(jax.devices()[:devices]), (AXIS,))
    replicated = NamedSharding(mesh, PartitionSpec())
    sharded = NamedSharding(mesh, PartitionSpec(AXIS))
    mse = getattr(model, "loss", "softmax_xent") == "mse"
    batch_spec = PackedBatch(sharded, replicated, sharded, sharded if mse else None, replicated if mse else None)
    jitted = jax.jit(packed_step_fn(model, cfg), in_shardings=(replicated, batch_spec),
                     out_shardings=(replicated, replicated))
    return DataParallelStep(devices, jitted, replicated, sharded)
