"""The width configurations the proofs run on, and the sizes the project needs them to cover.

``tintin`` and ``niti`` are the shipped presets (int8 payload, int32 accumulator). The two
width variants show what changes when the widths change; they are valid NumericsConfig
instances, and some theorems are expected to FAIL on them (with a counterexample):

* ``int16-acc32``: int16 payloads with int32 accumulators. A 16 x 16-bit product alone
  needs 30 bits, so a dot product overflows after 2 terms; the softmax exponent (a logit
  difference of up to 2 * 32767 times log2(e) in Q12, then fine steps) does not fit int32.
  The window is scaled to the payload (32 << 8, 112 << 8); softmax_out_bits must be 15.
* ``int8-acc16``: int8 payloads with int16 accumulators. Validation requires
  grad_pre_bits <= acc_bits - 2 - bitwidth(down multiplier), i.e. <= 6 with the default
  5-term down step (multiplier 203), below the minimum 8; so this config uses the 3-term
  down step 2**-1 + 2**-2 + 2**-5 = 25/32 (5 bits) and grad_pre_bits 8. The up step keeps
  its default (645/512), whose multiply form overflows int16 for payloads above 50.
"""

from __future__ import annotations

from dataclasses import dataclass

from tintin.reference.config import NITI, TINTIN, ConfigError, NumericsConfig, unchecked_widths

# Both fail NumericsConfig's width checks (reference.config.width_problems): they exist to
# show, with counterexamples, why those checks are there.
with unchecked_widths():
    INT16_ACC32 = NumericsConfig(
        name="int16-acc32",
        payload_bits=16,
        acc_bits=32,
        window_low=32 << 8,
        window_high=112 << 8,
        softmax_out_bits=15,
    )
    INT8_ACC16 = NumericsConfig(
        name="int8-acc16",
        payload_bits=8,
        acc_bits=16,
        down_terms=(1, 2, 5),
        grad_pre_bits=8,
    )

CONFIGS: dict[str, NumericsConfig] = {
    "tintin": TINTIN,
    "niti": NITI,
    "int16-acc32": INT16_ACC32,
    "int8-acc16": INT8_ACC16,
}


@dataclass(frozen=True)
class Targets:
    """Sizes the project needs proved (a theorem about a limit FAILS when the limit is lower).

    fan_in: inputs of a dense layer (784 = a 28 x 28 MNIST image); fan_out: outputs of a
    dense layer, the length of the backward-error dot product (784 for an MNIST
    autoencoder); batch: the gradient sums over the batch; classes: softmax outputs.
    Convolutions (LeNet-5 on 28 x 28 MNIST): conv_patch = 5 x 5 x 6 (conv2's fan-in);
    conv_backward_terms = 5 x 5 taps x 16 channels (conv2's backward error);
    conv_gradient_terms = batch 64 x 28 x 28 output positions (conv1's gradient; the exact
    limit allows batch 169 at 28 x 28).
    """

    fan_in: int = 784
    fan_out: int = 784
    batch: int = 256
    classes: int = 10
    conv_patch: int = 150
    conv_backward_terms: int = 400
    conv_gradient_terms: int = 64 * 784


_targets = Targets()


def targets() -> Targets:
    """The sizes the theorems are checked against (set_targets changes them, e.g. from the CLI)."""
    return _targets


def set_targets(t: Targets) -> None:
    global _targets
    _targets = t


# Theorems that must FAIL on a config (the tests assert the failure; the report says why).
EXPECTED_FAILURES: dict[str, frozenset[str]] = {
    "tintin": frozenset(),
    "niti": frozenset(),
    "int16-acc32": frozenset(
        {
            "accumulator.forward",  # exact fan-in 2: 3 products of 16-bit payloads overflow int32
            "accumulator.backward_error",
            "accumulator.gradient",
            "accumulator.conv_forward",
            "accumulator.conv_backward_error",
            "accumulator.conv_gradient",
            "softmax.exponent",  # d * log2(e) in Q12 then an up step overflows int32
        }
    ),
    "int8-acc16": frozenset(
        {
            "accumulator.forward",  # exact fan-in 2: 3 * 127**2 > 32767
            "accumulator.backward_error",
            "accumulator.gradient",
            "accumulator.conv_forward",
            "accumulator.conv_backward_error",
            "accumulator.conv_gradient",
            "fine_step.up",  # exact domain 50 < qmax: 51 * 645 > 32767
            "window",  # steps payloads up: overflows int16
            "window.header",  # the window plan steps max_abs up: same overflow
            "softmax.exponent",  # constants -2**20, -2**17 and d * 5909 do not fit int16
            "softmax.row_sum",  # one class: 2 * 2**14 > 32767
            "softmax.division",  # 2 * num overflows for num = 2**14
        }
    ),
}


def resolve(name: str) -> list[NumericsConfig]:
    """``all`` or one named config."""
    if name == "all":
        return list(CONFIGS.values())
    try:
        return [CONFIGS[name]]
    except KeyError:
        raise ConfigError(f"unknown proof config {name!r}; choose one of {['all', *CONFIGS]}") from None


def custom(base: NumericsConfig, **changes: object) -> NumericsConfig:
    """A config from a base with explicit changes; the width-dependent rest is derived
    (tintin.proofs.widths.derive, which also says why)."""
    from tintin.proofs.widths import derive

    given = {k: v for k, v in changes.items() if v is not None}
    return derive(base, given)[0] if given else base
