"""Width checks of NumericsConfig: a config whose rules can overflow is refused with the reason."""

from __future__ import annotations

import pytest

from tintin.reference import rules as R
from tintin.reference.config import (
    NITI,
    TINTIN,
    ConfigError,
    NumericsConfig,
    max_dot_terms,
    unchecked_widths,
    width_problems,
)
from tintin.reference.ops import OracleOverflow, PyOps


def test_presets_have_no_width_problems() -> None:
    assert width_problems(TINTIN) == {} and width_problems(NITI) == {}
    assert max_dot_terms(TINTIN) == 133_144  # floor((2**31 - 1) / 127**2)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"acc_bits": 16, "down_terms": (1, 2, 5), "grad_pre_bits": 8}, "up_terms"),
        ({"acc_bits": 24, "grad_pre_bits": 14}, "acc_bits"),
        ({"payload_bits": 16, "window_low": 32 << 8, "window_high": 112 << 8, "softmax_out_bits": 15}, "payload_bits"),
    ],
)
def test_overflowing_widths_are_refused_with_the_field(changes: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=field):
        NumericsConfig(**changes)
    with unchecked_widths():
        cfg = NumericsConfig(**changes)
    assert width_problems(cfg)
    with pytest.raises(ConfigError):  # the escape hatch does not outlive its block
        cfg.replace()


def test_the_up_step_problem_is_a_real_overflow() -> None:
    """The int8/int16 config's problem, replayed on the exact oracle: qmax * 645 > 32767."""
    with unchecked_widths():
        cfg = NumericsConfig(acc_bits=16, down_terms=(1, 2, 5), grad_pre_bits=8)
    o = PyOps(cfg.acc_bits)
    assert R.step_up(o, o.const(50), cfg) is not None  # 50 * 645 = 32250 fits
    with pytest.raises(OracleOverflow):
        R.step_up(o, o.const(cfg.qmax), cfg)


def test_a_sum_longer_than_the_proved_limit_is_refused_before_it_runs() -> None:
    import numpy as np

    from tintin.reference.jax_backend import oracle_train_step
    from tintin.reference.layers import QTensor
    from tintin.reference.limits import DotLengthError
    from tintin.reference.model import Batch
    from tintin.reference.rules import Header
    from tintin.reference.sequential import Conv2D, Dense, Flatten, Sequential, init_state

    # conv1 of LeNet-5 on 28x28 at batch 170: the gradient sums 170 * 784 = 133,280 > 133,144 products.
    model = Sequential((28, 28, 1), (Conv2D(1, 5, pad=2), Flatten(), Dense(2, relu=False)))
    h = Header(0, 0, 0)
    batch = Batch(QTensor(np.zeros((170, 28, 28, 1), np.int8), h), np.zeros(170, np.int32))
    with pytest.raises(DotLengthError, match=r"layer 0 Conv2D: the gradient sums 133280 products"):
        oracle_train_step(model, TINTIN, init_state(model, TINTIN, 0), batch)
    fits = max(d.terms for d in model.dot_lengths(169))
    assert fits == 169 * 784 <= max_dot_terms(TINTIN)


def test_conv_term_counts_are_the_implementations(monkeypatch: pytest.MonkeyPatch) -> None:
    """All-qmax inputs, errors and weights: the largest int32 accumulator each conv sum forms
    equals terms * qmax**2, so the lengths checked against the limit are the sums the
    reference really forms."""
    import numpy as np

    from tintin.reference import conv as C
    from tintin.reference import layers as L
    from tintin.reference.layers import QTensor
    from tintin.reference.limits import conv_lengths
    from tintin.reference.rules import Header

    seen: list[int] = []

    def capture(o, acc, *args, **kwargs):  # stands in for the output path: keep the accumulator
        seen.append(max(acc.flat))
        return QTensor(acc, Header(0, 0, 0))

    monkeypatch.setattr(L, "accumulator_output", capture)
    monkeypatch.setattr(L, "requantise", capture)
    monkeypatch.setattr(L, "store", lambda o, t, cfg: t)
    o, q, h = PyOps(32), TINTIN.qmax, Header(0, 0, 0)
    for kernel, stride, ch, oc in ((3, 1, 2, 3), (3, 2, 2, 2), (2, 2, 1, 4), (5, 1, 1, 2)):
        g = C.ConvGeometry(2, 9, 9, ch, oc, kernel, stride, 0)
        lengths = {d.sum: d.terms for d in conv_lengths("c", kernel, stride, ch, oc, 2, g.out_height * g.out_width)}
        x = QTensor(np.full((2, 9, 9, ch), q, dtype=object), h)
        w = QTensor(np.full((oc, kernel, kernel, ch), q, dtype=object), h)
        e = QTensor(np.full((2, g.out_height, g.out_width, oc), q, dtype=object), h)
        seen.clear()
        C.conv_forward(o, x, w, g, False, TINTIN)
        C.conv_backward_error(o, e, w, g, TINTIN)
        grad, _ = C.conv_gradient(o, e, x, g)
        assert seen == [lengths["forward"] * q * q, lengths["backward error"] * q * q]
        assert max(grad.flat) == lengths["gradient"] * q * q
