"""Section (c): training throughput of the JAX reference, integer step against float32.

Both steps are jitted and run in this process on the same batches (the integer step in its packed
calling form, reference/packed.py, as `tintin train` runs it): warm-up (compile and a
few steps), then repeats that alternate integer and float, each repeat long enough to time
(``min_repeat_s``), and the median time per step. Throughput is batch / median step time;
the ratio is integer samples/s over float32 samples/s. The float32 step is the project's
float baseline (tintin.reference.float_baseline: same layers, SGD, from the dequantised
integer initial weights). The 8x8 and 64-feature models train on the bundled digits;
28x28 inputs are random payloads (throughput does not depend on the values).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from tintin.bench.models import BenchModel


@dataclass(frozen=True)
class SpeedResult:
    key: str
    title: str
    batch: int
    data: str
    int_step_ms: float
    float_step_ms: float
    int_samples_per_s: float
    float_samples_per_s: float
    ratio: float  # integer / float32 throughput
    repeats: int
    int_steps_per_repeat: int
    float_steps_per_repeat: int
    int_compile_s: float
    float_compile_s: float

    def to_json(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _batches(bm: BenchModel, n: int, seed: int = 0) -> tuple[str, list[tuple[np.ndarray, np.ndarray]], int]:
    """n batches of (int8 payloads shaped for the model, int32 labels) and the input exponent."""
    from tintin.reference.data import load_digits

    shape = (bm.model.sizes[0],) if hasattr(bm.model, "sizes") else tuple(bm.model.input_shape)
    rng = np.random.default_rng(seed)
    if math.prod(shape) == 64:
        d = load_digits(seed)
        out = []
        for _ in range(n):
            idx = rng.choice(len(d.y_train), size=bm.batch, replace=False)
            out.append((d.x_train[idx].reshape(bm.batch, *shape), d.y_train[idx].astype(np.int32)))
        return "digits (bundled)", out, int(d.x_header.s)
    out = [(rng.integers(0, 113, size=(bm.batch, *shape)).astype(np.int8),
            rng.integers(0, bm.n_outputs(), size=bm.batch).astype(np.int32)) for _ in range(n)]
    return "random payloads", out, -7


def _timed(fn: Callable[[int], None], steps: int) -> float:
    start = time.perf_counter()
    fn(steps)
    return time.perf_counter() - start


def measure(bm: BenchModel, repeats: int = 7, min_repeat_s: float = 0.25, warmup_steps: int = 3) -> SpeedResult:
    import jax
    import jax.numpy as jnp

    from tintin.reference import jax_backend as JB
    from tintin.reference import packed as PK
    from tintin.reference.config import TINTIN
    from tintin.reference.float_baseline import dequantise, make_float_model
    from tintin.reference.layers import QTensor
    from tintin.reference.model import Batch
    from tintin.reference.rules import Header

    data_name, raw, exp = _batches(bm, 8)
    header = Header(exp, 0, 0)
    mse = bm.mse
    int_batches = [PK.pack_batch(Batch(QTensor(x, header), y, QTensor(x, header) if mse else None)) for x, y in raw]
    real = [np.asarray(x, dtype=np.float32) * np.float32(2.0**exp) for x, _ in raw]
    float_batches = [(jnp.asarray(xr), jnp.asarray(xr) if mse else jnp.asarray(y)) for xr, (_, y) in zip(real, raw)]

    init = JB.init_state(bm.model, TINTIN, 0)
    step = PK.jit_packed_train_step(bm.model, TINTIN)
    fm = make_float_model(bm.model, bm.batch * 2.0**-TINTIN.lr_shift)
    state: Any = PK.pack_state(init)
    ws: Any = [jnp.asarray(dequantise(p)) for p in init.params]
    nb = len(raw)

    def run_int(n: int) -> None:
        nonlocal state
        for i in range(n):
            state, _ = step(state, int_batches[i % nb])
        jax.block_until_ready(state)

    def run_float(n: int) -> None:
        nonlocal ws
        for i in range(n):
            ws, _ = fm.step(ws, *float_batches[i % nb])
        jax.block_until_ready(ws)

    int_compile = _timed(run_int, 1)
    float_compile = _timed(run_float, 1)
    run_int(warmup_steps)
    run_float(warmup_steps)
    n_int = max(5, math.ceil(min_repeat_s / max(_timed(run_int, 5) / 5, 1e-7)))
    n_float = max(5, math.ceil(min_repeat_s / max(_timed(run_float, 5) / 5, 1e-7)))
    t_int, t_float = [], []
    for _ in range(repeats):
        t_int.append(_timed(run_int, n_int) / n_int)
        t_float.append(_timed(run_float, n_float) / n_float)
    mi, mf = statistics.median(t_int), statistics.median(t_float)
    return SpeedResult(
        key=bm.key, title=bm.title, batch=bm.batch, data=data_name, int_step_ms=1e3 * mi, float_step_ms=1e3 * mf,
        int_samples_per_s=bm.batch / mi, float_samples_per_s=bm.batch / mf, ratio=mf / mi, repeats=repeats,
        int_steps_per_repeat=n_int, float_steps_per_repeat=n_float, int_compile_s=int_compile,
        float_compile_s=float_compile,
    )
