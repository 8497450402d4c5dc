"""JAX and oracle entry points: state conversion and the jitted training step.

The training code itself lives in reference/model.py; this module only chooses the
interpretation (JaxOps or PyOps) and moves tensors between numpy and JAX.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from tintin.reference import model as M
from tintin.reference.config import NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.ops import JaxOps, PyOps
from tintin.reference.rules import Header


def _jnp() -> Any:
    import jax.numpy as jnp

    return jnp


def header_to_jax(h: Header) -> Header:
    jnp = _jnp()
    return Header(*(jnp.int32(int(v)) for v in h))


def qtensor_to_jax(t: QTensor) -> QTensor:
    return QTensor(_jnp().asarray(np.asarray(t.q)), header_to_jax(t.h))


def state_to_jax(state: M.TrainState) -> M.TrainState:
    jnp = _jnp()
    return M.TrainState(
        tuple(qtensor_to_jax(p) for p in state.params), jnp.int32(int(state.step)), jnp.int32(int(state.seed))
    )


def batch_to_jax(batch: M.Batch) -> M.Batch:
    jnp = _jnp()
    target = None if batch.target is None else qtensor_to_jax(batch.target)
    return M.Batch(qtensor_to_jax(batch.x), jnp.asarray(np.asarray(batch.labels, dtype=np.int32)), target)


def to_numpy_qtensor(t: QTensor, dtype: Any = np.int8) -> QTensor:
    """Plain numpy payload and Python-int header, whichever interpretation produced it."""
    q = np.asarray(np.asarray(t.q, dtype=object).astype(np.int64)).astype(dtype)
    return QTensor(q, Header(*(int(v) for v in t.h)))


def state_to_numpy(state: M.TrainState) -> M.TrainState:
    return M.TrainState(tuple(to_numpy_qtensor(p) for p in state.params), int(state.step), int(state.seed))


def model_module(model: Any) -> Any:
    """The module holding train_step/predict/init_state for this kind of model."""
    from tintin.reference import sequential as S

    return S if isinstance(model, S.Sequential) else M


def init_state(model: Any, cfg: NumericsConfig, seed: int) -> M.TrainState:
    return model_module(model).init_state(model, cfg, seed)


@cache
def jit_train_step(model: Any, cfg: NumericsConfig) -> Callable[[M.TrainState, M.Batch], Any]:
    """The jitted ``train_step(state, batch) -> (state, metrics)`` for one model and config."""
    import jax

    o = JaxOps(cfg.acc_bits)
    train_step = model_module(model).train_step

    def step(state: M.TrainState, batch: M.Batch) -> Any:
        return train_step(o, model, cfg, state, batch)

    return jax.jit(step)


@cache
def jit_predict(model: Any, cfg: NumericsConfig) -> Callable[[tuple[QTensor, ...], QTensor], Any]:
    import jax

    o = JaxOps(cfg.acc_bits)
    predict = model_module(model).predict
    return jax.jit(lambda params, x: predict(o, model, cfg, params, x))


def oracle_train_step(model: Any, cfg: NumericsConfig, state: M.TrainState, batch: M.Batch) -> Any:
    """The same step in exact Python integers; raises OracleOverflow instead of wrapping."""
    mod = model_module(model)
    mod.check_batch(model, batch)
    if mod is M:
        M.check_params(model, state.params)
    return mod.train_step(PyOps(cfg.acc_bits), model, cfg, state, batch)
