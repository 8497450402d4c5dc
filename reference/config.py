"""The frozen numerics configuration: every constant of the integer rules, named.

docs/spec.md is the contract; each field here cites the section that defines it. Two
presets ship: ``TINTIN`` (the paper's scheme as this project specifies it) and ``NITI``
(the baseline scheme, as a second configuration of the same code).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

SPEC_VERSION = "1.0"
# Widths the rules take (spec 2): a payload needs a sign and one magnitude bit; int64 is
# the widest accumulator any target has. Other fields are checked against these.
PAYLOAD_BITS = (2, 16)
ACC_BITS = (8, 64)


class ConfigError(ValueError):
    """A configuration value is out of its legal range; the message names the field."""


@dataclass(frozen=True)
class FineStep:
    """A factor written as a sum of powers of two, sum(2**-e for e in terms) (spec 3.3).

    The multiply form is ``round(x * multiplier / 2**shift)``; the shift-add form sums
    ``x << (shift - e)`` over the terms and rounds once. Both give the same integer.
    """

    terms: tuple[int, ...]

    @property
    def shift(self) -> int:
        return max(self.terms)

    @property
    def multiplier(self) -> int:
        return sum(1 << (self.shift - e) for e in self.terms)


@dataclass(frozen=True)
class NumericsConfig:
    """All parameters of the integer training rules. Immutable; validated on creation."""

    name: str = "tintin"
    # spec 2: widths
    payload_bits: int = 8
    acc_bits: int = 32
    # spec 3.3: fine steps, r ~ 2**(1/3) and 1/r as sums of powers of two
    up_terms: tuple[int, ...] = (0, 2, 7, 9)
    down_terms: tuple[int, ...] = (1, 2, 5, 7, 8)
    # spec 3.6: dynamic-range window on int8 payloads
    fine_steps: bool = True
    window: bool = True
    window_low: int = 32
    window_high: int = 112
    # spec 4.4: gradient-aligned update
    update_rule: Literal["aligned", "niti"] = "aligned"
    lr_shift: int = 8
    update_margin: int = 2
    grad_pre_bits: int = 22
    # Stochastic by default: with nearest rounding, updates under half a weight unit
    # vanish and digits accuracy stalls ~4 points below float (measured, docs/spec.md 4.4).
    grad_rounding: Literal["nearest", "stochastic"] = "stochastic"
    niti_mu: int = 5
    # spec 4.5: initial weights
    init_exponent: int = -7
    init_upscale: bool = True
    # spec 5.2: integer softmax
    log2e_q: int = 5909  # round(log2(e) * 2**12)
    log2e_frac_bits: int = 12
    softmax_frac_bits: int = 6
    softmax_table_bits: int = 14
    softmax_out_bits: int = 7
    softmax_floor_bits: int = 5  # exponents below -2**5 underflow to zero probability

    def __post_init__(self) -> None:
        _validate(self)
        if _CHECK_WIDTHS:
            problems = width_problems(self)
            if problems:
                raise ConfigError("; ".join(problems.values()))

    # Derived constants -----------------------------------------------------------------
    @property
    def qmax(self) -> int:
        """Largest payload magnitude; payloads are symmetric, -2**(b-1) is never produced."""
        return (1 << (self.payload_bits - 1)) - 1

    @property
    def acc_max(self) -> int:
        return (1 << (self.acc_bits - 1)) - 1

    @property
    def up(self) -> FineStep:
        return FineStep(self.up_terms)

    @property
    def down(self) -> FineStep:
        return FineStep(self.down_terms)

    @property
    def softmax_table(self) -> tuple[int, ...]:
        return exp2_table(self.softmax_frac_bits, self.softmax_table_bits)

    def replace(self, **changes: Any) -> NumericsConfig:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        out["spec_version"] = SPEC_VERSION
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NumericsConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known - {"spec_version"}
        if unknown:
            raise ConfigError(f"unknown config fields: {sorted(unknown)}")
        kwargs: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
        for f in dataclasses.fields(cls):
            if f.name in kwargs and not _has_type(kwargs[f.name], str(f.type)):
                raise ConfigError(f"{f.name}: must be {_TYPE_WORDS.get(str(f.type), str(f.type))}, "
                                  f"got {kwargs[f.name]!r}")
        return cls(**kwargs)


_TYPE_WORDS = {"int": "an integer", "bool": "true or false", "str": "a string",
               "tuple[int, ...]": "a list of integers"}


def _has_type(value: Any, annotation: str) -> bool:
    """Whether a JSON value fits a config field's annotation (the fields use five kinds)."""
    if annotation == "bool":
        return isinstance(value, bool)
    if annotation == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation == "tuple[int, ...]":
        return isinstance(value, tuple) and all(_has_type(v, "int") for v in value)
    return isinstance(value, str)  # str and the Literal[...] fields (their values are checked later)


def exp2_table(frac_bits: int, table_bits: int) -> tuple[int, ...]:
    """round(2**table_bits * 2**(-j / 2**frac_bits)) for j in [0, 2**frac_bits), exactly.

    Computed with integers only (no float pow), so every platform gets the same table:
    v = 2**(table_bits - j/n) is the n-th root of 2**(n*table_bits - j); we find
    floor(2*v) by integer n-th root and round half up.
    """
    n = 1 << frac_bits
    table = []
    for j in range(n):
        target = 1 << (n * (table_bits + 1) - j)  # (2v)**n
        lo, hi = 0, 1 << (table_bits + 2)
        while lo < hi:  # largest t with t**n <= target
            mid = (lo + hi + 1) >> 1
            if mid**n <= target:
                lo = mid
            else:
                hi = mid - 1
        table.append((lo + 1) >> 1)
    return tuple(table)


_CHECK_WIDTHS = True


@contextlib.contextmanager
def unchecked_widths() -> Iterator[None]:
    """Build configs whose widths let some rule overflow (for the proofs that show where).

    Only the structural checks run inside; ``width_problems`` names what would overflow.
    Training, golden vectors and the kernels never use such a config.
    """
    global _CHECK_WIDTHS
    saved, _CHECK_WIDTHS = _CHECK_WIDTHS, False
    try:
        yield
    finally:
        _CHECK_WIDTHS = saved


def width_problems(c: NumericsConfig) -> dict[str, str]:
    """Rules that overflow the accumulator for some in-range input, keyed by theorem group.

    Closed forms of what ``tintin prove`` finds (its fine_step.up, window and softmax
    theorems fail exactly when these do; tests/proofs checks the two agree). Dot-product
    lengths are shape limits, not width problems: see ``max_dot_terms``.
    """
    out: dict[str, str] = {}
    up = c.up
    if c.qmax * up.multiplier > c.acc_max:
        out["fine_step.up"] = (
            f"up_terms: an up step multiplies a payload by {up.multiplier}; "
            f"{c.qmax} * {up.multiplier} overflows a {c.acc_bits}-bit accumulator"
        )
    # softmax_exponent: d * log2e_q (|d| <= 2 qmax), up to two up steps, a clamp at -2**20
    # and a left shift of at most 10 (docs/spec.md 5.2).
    t = 2 * c.qmax * c.log2e_q
    first = t * up.multiplier
    second = ((first + (1 << (up.shift - 1))) >> up.shift) * up.multiplier
    if c.acc_bits < 31 or max(first, second) > c.acc_max:
        out["softmax.exponent"] = (
            f"payload_bits/acc_bits: the softmax exponent (a logit difference up to {2 * c.qmax} times "
            f"{c.log2e_q}, two up steps, a shift up to 2**30) overflows a {c.acc_bits}-bit accumulator"
        )
    # Row sum of two classes and the division's doubled remainder (spec 5.2).
    if 2 * (1 << c.softmax_table_bits) > 1 << (c.acc_bits - 2):
        out["softmax.row_sum"] = (
            f"softmax_table_bits: two classes of 2**{c.softmax_table_bits} overflow the division's "
            f"doubled remainder in a {c.acc_bits}-bit accumulator"
        )
    return out


def max_dot_terms(c: NumericsConfig) -> int:
    """Largest number of payload products one accumulator can sum: floor(acc_max / qmax**2).

    Exact (tintin prove, accumulator.*): that many all-qmax products fit, one more overflows.
    Bounds a dense fan-in, fan-out and batch, and a convolution's kernel area x channels and
    batch x output positions.
    """
    return c.acc_max // (c.qmax * c.qmax)


def grad_pre_bits_range(c: NumericsConfig) -> tuple[int, int]:
    """Legal grad_pre_bits (spec 4.4): at least a payload's bits, so the pre-shift keeps
    every bit a weight step can carry (the cap is below payload_bits); at most what leaves
    room for a down step's multiply in the accumulator. Empty when the accumulator is too narrow."""
    return c.payload_bits, c.acc_bits - 2 - c.down.multiplier.bit_length()


def _require(ok: bool, field: str, why: str) -> None:
    if not ok:
        raise ConfigError(f"{field}: {why}")


def _validate(c: NumericsConfig) -> None:
    _require(
        isinstance(c.payload_bits, int) and PAYLOAD_BITS[0] <= c.payload_bits <= PAYLOAD_BITS[1],
        "payload_bits",
        f"must be in [{PAYLOAD_BITS[0]}, {PAYLOAD_BITS[1]}], got {c.payload_bits}",
    )
    _require(
        isinstance(c.acc_bits, int) and ACC_BITS[0] <= c.acc_bits <= ACC_BITS[1] and c.acc_bits > c.payload_bits,
        "acc_bits",
        f"must be in [{ACC_BITS[0]}, {ACC_BITS[1]}] and wider than payload_bits, got {c.acc_bits}",
    )
    for field in ("up_terms", "down_terms"):
        terms = getattr(c, field)
        _require(
            len(terms) > 0 and all(isinstance(e, int) and 0 <= e <= 15 for e in terms),
            field,
            f"must be non-empty exponents in [0, 15], got {terms}",
        )
        _require(len(set(terms)) == len(terms), field, f"exponents must be distinct, got {terms}")
    _require(1 << c.up.shift < c.up.multiplier, "up_terms", "factor must exceed 1")
    _require(c.down.multiplier < 1 << c.down.shift, "down_terms", "factor must be below 1")
    _require(
        not c.window or c.window_low >= 1 and 2 * c.window_low <= c.window_high <= c.qmax,
        "window_low/window_high",
        f"need 1 <= low and 2*low <= high <= {c.qmax} (a doubling must fit in the window), "
        f"got [{c.window_low}, {c.window_high}]",
    )
    if c.window and c.fine_steps:
        down_of_max = (c.qmax * c.down.multiplier + (1 << (c.down.shift - 1))) >> c.down.shift
        _require(
            down_of_max >= c.window_low,
            "down_terms",
            "one down step from the largest payload must land at or above window_low",
        )
    _require(0 <= c.lr_shift <= 24, "lr_shift", f"must be in [0, 24], got {c.lr_shift}")
    _require(0 <= c.update_margin <= 6, "update_margin", f"must be in [0, 6], got {c.update_margin}")
    _require(
        grad_pre_bits_range(c)[0] <= c.grad_pre_bits <= grad_pre_bits_range(c)[1],
        "grad_pre_bits",
        f"must be in [payload_bits, acc_bits - 2 - bitwidth(down multiplier)] = "
        f"{list(grad_pre_bits_range(c))} so a down step cannot overflow, got {c.grad_pre_bits}",
    )
    _require(c.update_rule in ("aligned", "niti"), "update_rule", "must be 'aligned' or 'niti'")
    _require(
        c.grad_rounding in ("nearest", "stochastic"), "grad_rounding", "must be 'nearest' or 'stochastic'"
    )
    _require(1 <= c.niti_mu <= c.payload_bits - 1, "niti_mu", f"must be in [1, {c.payload_bits - 1}]")
    _require(-24 <= c.init_exponent <= 0, "init_exponent", f"must be in [-24, 0], got {c.init_exponent}")
    _require(c.log2e_frac_bits == 12, "log2e_frac_bits", "only 12 is specified")
    _require(c.log2e_q == 5909, "log2e_q", "must be round(log2(e) * 2**12) = 5909")
    _require(1 <= c.softmax_frac_bits <= 8, "softmax_frac_bits", "must be in [1, 8]")
    _require(8 <= c.softmax_table_bits <= 16, "softmax_table_bits", "must be in [8, 16]")
    _require(
        c.softmax_out_bits == c.payload_bits - 1, "softmax_out_bits", "must equal payload_bits - 1"
    )
    _require(1 <= c.softmax_floor_bits <= 5, "softmax_floor_bits", "must be in [1, 5]")


TINTIN = NumericsConfig()

# NITI (Wang et al.): power-of-two exponents only, no range window, the int32 gradient
# cut to mu bits with pseudo-stochastic rounding and subtracted directly.
NITI = NumericsConfig(
    name="niti",
    fine_steps=False,
    window=False,
    update_rule="niti",
    init_upscale=False,
)

PRESETS: dict[str, NumericsConfig] = {"tintin": TINTIN, "niti": NITI}


def preset(name: str) -> NumericsConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown config {name!r}; choose one of {sorted(PRESETS)}") from None
