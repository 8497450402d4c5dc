"""The accuracy claim of the reference: integer Tin-Tin within 2 points of float32 on digits."""

from __future__ import annotations

import pytest

from tintin.reference import model as M
from tintin.reference import training as T
from tintin.reference.config import NITI, TINTIN
from tintin.reference.data import load_digits


@pytest.mark.slow
def test_tintin_within_two_points_of_float_on_digits() -> None:
    data = load_digits(seed=0)
    model = M.MLP((64, 64, 10))
    epochs, batch = 20, 32
    _, tintin = T.train_integer(model, TINTIN, data, epochs, batch, seed=0)
    _, niti = T.train_integer(model, NITI, data, epochs, batch, seed=0)
    flt = T.train_float(model, TINTIN, data, epochs, batch, seed=0, lr=batch * 2.0**-TINTIN.lr_shift)
    print(f"tintin {tintin.final_metric:.4f} niti {niti.final_metric:.4f} float {flt.final_metric:.4f}")
    assert flt.final_metric > 0.93, "the float baseline itself must train properly"
    assert tintin.final_metric >= flt.final_metric - 0.02
    assert niti.final_metric > 0.80


def test_training_rejects_bad_sizes() -> None:
    data = load_digits(seed=0)
    model = M.MLP((64, 8, 10))
    with pytest.raises(ValueError, match="batch size"):
        T.train_integer(model, TINTIN, data, 1, 0, seed=0)
    with pytest.raises(ValueError, match="epochs"):
        T.train_integer(model, TINTIN, data, 0, 8, seed=0)
