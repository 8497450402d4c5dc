"""The two ops that exist for XLA's sake (materialise, matmul_nt) give the values of their plain forms."""

from __future__ import annotations

import numpy as np
import pytest

from tintin.reference.ops import JaxOps, PyOps


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_materialise_is_the_identity_in_both_interpretations(dtype: type) -> None:
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(3)
    q = rng.integers(-127, 128, size=(4, 6, 6, 3)).astype(dtype)
    for key in (-5, 0, 7):  # either branch of the JAX conditional
        assert PyOps().materialise(q, key) is q
        out = jax.jit(JaxOps().materialise)(jnp.asarray(q), jnp.int32(key))
        assert out.dtype == dtype
        np.testing.assert_array_equal(np.asarray(out), q)


def test_matmul_nt_is_a_times_b_transposed() -> None:
    import jax.numpy as jnp

    rng = np.random.default_rng(4)
    a = rng.integers(-127, 128, size=(5, 9)).astype(np.int8)
    b = rng.integers(-127, 128, size=(7, 9)).astype(np.int8)
    exact = a.astype(np.int64) @ b.astype(np.int64).T
    py = PyOps().matmul_nt(a, b)
    jx = JaxOps().matmul_nt(jnp.asarray(a), jnp.asarray(b))
    assert jx.dtype == jnp.int32
    np.testing.assert_array_equal(np.asarray(py, dtype=np.int64), exact)
    np.testing.assert_array_equal(np.asarray(jx), exact)
