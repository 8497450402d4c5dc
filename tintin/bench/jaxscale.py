"""Section (c), scaling: samples/s of the data-parallel integer step on 1, 2 and 4 forced host devices.

XLA_FLAGS=--xla_force_host_platform_device_count must be set before JAX starts, so the
measurement runs in a child process (``python -m tintin.bench.jaxscale KEY``) that prints
one JSON line. The devices are slices of the same CPU: on a machine with fewer cores than
devices this measures the cost of splitting the batch (partitioning, all-reduces), not a
speed-up; on several real devices or hosts the same step spreads the work.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np

from tintin.bench.models import DIGITS_MLP, LENET8_B16, LENET28_B8, BenchModel, tiny_mlp

DEVICES = (1, 2, 4)
MODELS = {bm.key: bm for bm in (DIGITS_MLP, LENET8_B16, LENET28_B8, tiny_mlp(8))}  # tiny: tests


def measure(bm: BenchModel, repeats: int = 5, min_repeat_s: float = 0.2, timeout_s: float = 900) -> dict[str, Any]:
    """Run the child process for one model; its result, or an error message."""
    env = {**os.environ, "XLA_FLAGS": f"--xla_force_host_platform_device_count={max(DEVICES)}",
           "JAX_PLATFORMS": "cpu"}
    cmd = [sys.executable, "-m", "tintin.bench.jaxscale", bm.key, str(repeats), str(min_repeat_s)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"key": bm.key, "title": bm.title, "error": tail}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child(bm: BenchModel, repeats: int, min_repeat_s: float) -> dict[str, Any]:
    from tintin.bench.jaxspeed import _batches
    from tintin.reference.rules import Header

    _, raw, exp = _batches(bm, 8)
    runs = [_one(bm, n, raw, Header(exp, 0, 0), repeats, min_repeat_s) for n in DEVICES]
    return {"key": bm.key, "title": bm.title, "batch": bm.batch, "repeats": repeats, "cpu_count": os.cpu_count(),
            "same_bits": all(final == runs[0][1] for _, final in runs), "runs": [row for row, _ in runs]}


def _one(bm: BenchModel, n: int, raw: list[tuple[np.ndarray, np.ndarray]], header: Any, repeats: int,
         min_repeat_s: float) -> tuple[dict[str, Any], list[bytes]]:
    """Time the step on n devices; also the weights after one pass over the batches from the start."""
    import jax

    from tintin.reference import jax_backend as JB
    from tintin.reference import packed as PK
    from tintin.reference.config import TINTIN
    from tintin.reference.layers import QTensor
    from tintin.reference.model import Batch
    from tintin.reference.parallel import data_parallel_step, run_one

    dp = data_parallel_step(bm.model, TINTIN, n)
    batches = [dp.put_batch(PK.pack_batch(Batch(QTensor(x, header), y, QTensor(x, header) if bm.mse else None)))
               for x, y in raw]
    state: Any = dp.put_state(PK.pack_state(JB.init_state(bm.model, TINTIN, 0)))

    def run(k: int) -> float:
        nonlocal state
        start = time.perf_counter()
        for i in range(k):  # one step in flight at a time, as tintin train runs it (parallel.run_one)
            state, _ = run_one(dp.step, state, batches[i % len(batches)])
        jax.block_until_ready(state)
        return time.perf_counter() - start

    run(3)  # compile and warm up
    steps = max(5, math.ceil(min_repeat_s / max(run(5) / 5, 1e-7)))
    median = statistics.median(run(steps) / steps for _ in range(repeats))
    state = dp.put_state(PK.pack_state(JB.init_state(bm.model, TINTIN, 0)))
    run(len(batches))  # the same steps from the same start for every device count: the same bits
    row = {"devices": n, "step_ms": round(1e3 * median, 4), "samples_per_s": round(bm.batch / median, 1),
           "steps_per_repeat": steps}
    return row, [np.asarray(q).tobytes() for q in state.q] + [np.asarray(state.h).tobytes()]


if __name__ == "__main__":
    key, reps, min_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(_child(MODELS[key], reps, min_s)))
