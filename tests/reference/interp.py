"""Run one rule under both interpretations and return plain numpy results to compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tintin.reference.ops import JaxOps, PyOps

JAX = JaxOps()
PY = PyOps()


_JITTED: dict[Callable[..., Any], Any] = {}


def run_jax(fn: Callable[..., Any], *args: Any) -> np.ndarray:
    """Jit once per rule; pad 1-d inputs to a power-of-two length so shapes repeat."""
    import jax

    if fn not in _JITTED:
        _JITTED[fn] = jax.jit(lambda *xs: fn(JAX, *xs))
    arrays = [np.asarray(a, dtype=np.int32) for a in args]
    n = arrays[0].shape[0] if arrays and arrays[0].ndim == 1 else None
    if n is not None and all(a.shape == (n,) for a in arrays):
        size = max(64, 1 << (n - 1).bit_length())
        padded = [np.pad(a, (0, size - n), mode="edge") for a in arrays]
        out = np.broadcast_to(np.asarray(_JITTED[fn](*padded)), (size,))
        return out.astype(np.int64)[:n]
    return np.asarray(_JITTED[fn](*arrays)).astype(np.int64)


def run_oracle(fn: Callable[..., Any], *args: Any) -> np.ndarray:
    objs = [np.asarray(a, dtype=object) for a in args]
    out = np.asarray(np.asarray(fn(PY, *objs), dtype=object).astype(np.int64))
    return np.broadcast_to(out, objs[0].shape) if objs else out


def both(fn: Callable[..., Any], *args: Any) -> tuple[np.ndarray, np.ndarray]:
    return run_jax(fn, *args), run_oracle(fn, *args)


def grid(*ranges: Any) -> list[np.ndarray]:
    """Every combination of the given value lists, as flat arrays."""
    mesh = np.meshgrid(*[np.asarray(r, dtype=np.int64) for r in ranges], indexing="ij")
    return [m.ravel() for m in mesh]
