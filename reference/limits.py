"""Dot-product lengths of a model against the accumulator's exact limit (spec 4.1-4.3, 4.7).

Every forward, backward-error and gradient value is a sum of int8 x int8 products in an
int32 accumulator. ``tintin prove`` (accumulator.*) shows that floor(acc_max / qmax**2)
such products always fit and one more can overflow, in any grouping of the sum: each partial
sum is a sum of fewer products. A layer whose sums are longer is refused before it runs,
because the JAX reference would wrap silently where the exact oracle raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from tintin.reference.config import NumericsConfig, max_dot_terms


class DotLength(NamedTuple):
    """How many products one accumulator of a layer sums, and which sum it is."""

    layer: str  # e.g. "layer 0 Dense"
    sum: str  # "forward", "backward error" or "gradient"
    terms: int
    why: str  # the shape that gives it, e.g. "fan-in 784"


def dense_lengths(layer: str, n_in: int, n_out: int, batch: int) -> list[DotLength]:
    return [
        DotLength(layer, "forward", n_in, f"fan-in {n_in}"),
        DotLength(layer, "backward error", n_out, f"fan-out {n_out}"),
        DotLength(layer, "gradient", batch, f"batch {batch}"),
    ]


def conv_lengths(layer: str, kernel: int, stride: int, channels: int, out_channels: int, batch: int,
                 out_positions: int) -> list[DotLength]:
    """Forward: a K x K x C patch. Backward error: an input pixel is reached by at most
    ceil(K / stride)**2 kernel taps, each an OC-term sum. Gradient: batch x output positions."""
    taps = -(-kernel // stride)
    return [
        DotLength(layer, "forward", kernel * kernel * channels, f"kernel {kernel}x{kernel} x {channels} channels"),
        DotLength(layer, "backward error", taps * taps * out_channels,
                  f"{taps}x{taps} taps x {out_channels} output channels"),
        DotLength(layer, "gradient", batch * out_positions, f"batch {batch} x {out_positions} output positions"),
    ]


class DotLengthError(ValueError):
    """A layer sums more products than the accumulator can hold; the message names it."""


def check_dot_lengths(lengths: Iterable[DotLength], cfg: NumericsConfig) -> None:
    limit = max_dot_terms(cfg)
    for d in lengths:
        if d.terms > limit:
            raise DotLengthError(
                f"{d.layer}: the {d.sum} sums {d.terms} products ({d.why}); a {cfg.acc_bits}-bit accumulator "
                f"holds at most {limit} products of {cfg.payload_bits}-bit payloads (tintin prove, accumulator.*)"
            )
