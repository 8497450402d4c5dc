"""Reproduce XLA's CPU all-reduce stall: sharded integer steps queued without waiting.

Run with forced host devices, e.g.
    XLA_FLAGS=--xla_force_host_platform_device_count=4 JAX_PLATFORMS=cpu \
        timeout 300 .venv/bin/python scripts/allreduce_hang.py 3000 100
Arguments: total steps and steps in flight (dispatched before one wait). ``tintin train``
keeps one in flight (reference/parallel.py, run_one). A stall ends with XLA's own abort
(``Termination timeout for all reduce ... only 3 of them arrived``, exit status 134).
"""

from __future__ import annotations

import sys
import time
from typing import Any


def main(n_steps: int, in_flight: int) -> None:
    import jax

    from tintin.bench.jaxspeed import _batches
    from tintin.bench.models import DIGITS_MLP
    from tintin.reference import jax_backend as JB
    from tintin.reference import packed as PK
    from tintin.reference.config import TINTIN
    from tintin.reference.layers import QTensor
    from tintin.reference.model import Batch
    from tintin.reference.parallel import data_parallel_step
    from tintin.reference.rules import Header

    bm = DIGITS_MLP
    _, raw, exp = _batches(bm, 8)
    dp = data_parallel_step(bm.model, TINTIN, len(jax.devices()))
    batches = [dp.put_batch(PK.pack_batch(Batch(QTensor(x, Header(exp, 0, 0)), y, None))) for x, y in raw]
    state: Any = dp.put_state(PK.pack_state(JB.init_state(bm.model, TINTIN, 0)))
    start, done = time.perf_counter(), 0
    while done < n_steps:
        for i in range(in_flight):
            state, _ = dp.step(state, batches[(done + i) % len(batches)])
        jax.block_until_ready(state)
        done += in_flight
    print(f"{done} steps on {len(jax.devices())} devices, {in_flight} in flight: "
          f"{time.perf_counter() - start:.1f} s, no stall")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
