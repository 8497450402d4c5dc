"""The packed calling form of the train step (reference/packed.py) gives the bits of jit_train_step:
weights, headers, counters and metrics, for classifiers, an autoencoder and a CNN."""

from __future__ import annotations

import numpy as np
import pytest

from tintin.reference import jax_backend as JB
from tintin.reference import packed as PK
from tintin.reference import sequential as S
from tintin.reference.config import NITI, TINTIN
from tintin.reference.layers import QTensor
from tintin.reference.model import MLP, Batch
from tintin.reference.rules import Header

MODELS = {
    "mlp": (MLP((16, 12, 10)), (16,)),
    "autoencoder": (MLP((12, 8, 12), loss="mse"), (12,)),
    "cnn": (S.Sequential((6, 6, 1), (S.Conv2D(3, 3, pad=1), S.MaxPool2D(2), S.Flatten(), S.Dense(4, relu=False))),
            (6, 6, 1)),
}


@pytest.mark.parametrize("cfg", [TINTIN, NITI], ids=lambda c: c.name)
@pytest.mark.parametrize("key", list(MODELS))
def test_packed_step_matches_the_plain_step(key: str, cfg: object) -> None:
    model, shape = MODELS[key]
    mse = model.loss == "mse"
    rng = np.random.default_rng(5)
    init = JB.init_state(model, cfg, 3)._replace(step=17)
    plain, packed = JB.state_to_jax(init), PK.pack_state(init)
    step, fast = JB.jit_train_step(model, cfg), PK.jit_packed_train_step(model, cfg)
    for _ in range(4):
        x = QTensor(rng.integers(-127, 128, (8, *shape)).astype(np.int8), Header(-7, 1, 0))
        batch = Batch(x, rng.integers(0, 4, 8).astype(np.int32), x if mse else None)
        plain, m = step(plain, JB.batch_to_jax(batch))
        packed, mp = fast(packed, PK.pack_batch(batch))
        assert int(m["error_abs_sum"]) == int(mp[1])
        assert int(m.get("correct", 0)) == int(mp[0])
    back = PK.unpack_state(packed)
    assert (int(back.step), int(back.seed)) == (int(plain.step), int(plain.seed)) == (21, 3)
    for a, b in zip(plain.params, back.params, strict=True):
        assert np.array_equal(np.asarray(a.q), np.asarray(b.q))
        assert [int(v) for v in a.h] == [int(v) for v in b.h]
