"""Rule parameters derived for the bit widths a user asks `tintin prove` about.

A named config fixes every constant for its own widths (int8 payloads, int32 accumulators).
With other widths some constants stop making sense (a window above qmax) or overflow (a
down step whose multiply no longer fits). Each such field the user did not give is derived
here, and the reason is kept for the console; a field whose rule admits no value for the
widths is reported with what would make one exist. Fields that still overflow after this
(the softmax constants, say) are left to the theorems, which FAIL with a counterexample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tintin.reference.config import ConfigError, FineStep, NumericsConfig, unchecked_widths


@dataclass(frozen=True)
class Derived:
    field: str
    value: Any
    why: str

    def __str__(self) -> str:
        return f"{self.field} = {self.value}: {self.why}"


def _prefixes(terms: tuple[int, ...], shortest: int) -> list[tuple[int, ...]]:
    """Prefixes of the (ascending) terms, longest first: each is the base factor with its
    finest powers of two dropped, so the multiplier gets shorter and the factor coarser."""
    ordered = tuple(sorted(terms))
    return [ordered[:n] for n in range(len(ordered), shortest - 1, -1)]


def _scaled(value: int, shift: int) -> int:
    return value << shift if shift >= 0 else value >> -shift


def derive(base: NumericsConfig, given: dict[str, Any]) -> tuple[NumericsConfig, list[Derived]]:
    """The config for the given fields, with the width-dependent rest derived (and why).

    Raises ConfigError when a rule has no valid value for the widths; the message says
    what would make one exist.
    """
    fields: dict[str, Any] = dict(given)
    notes: list[Derived] = []
    p = int(given.get("payload_bits", base.payload_bits))
    a = int(given.get("acc_bits", base.acc_bits))
    qmax, acc_max = (1 << (p - 1)) - 1, (1 << (a - 1)) - 1

    def put(field: str, value: Any, why: str) -> None:
        if field not in given and getattr(base, field) != value:
            fields[field] = value
            notes.append(Derived(field, value, why))

    put("softmax_out_bits", p - 1, "the softmax output has payload_bits - 1 fraction bits (spec 5.2)")
    if base.niti_mu > p - 1:
        put("niti_mu", p - 1, f"NITI keeps at most payload_bits - 1 = {p - 1} gradient bits")

    window = bool(given.get("window", base.window))
    if window and "window_low" not in given and "window_high" not in given:
        shift = p - base.payload_bits
        low, high = _scaled(base.window_low, shift), _scaled(base.window_high, shift)
        if low >= 1 and 2 * low <= high <= qmax:
            put("window_low", low, f"the base window scaled by 2**{shift} with the payload")
            put("window_high", high, f"the base window scaled by 2**{shift} with the payload")
        else:
            put("window", False, f"no window fits qmax = {qmax}: a doubling must fit (1 <= low, "
                                 "2*low <= high <= qmax needs payload_bits >= 3), so the window rule is off")
            window = False

    # Up step: the multiply form needs qmax * multiplier <= acc_max (fine_step.up).
    if "up_terms" not in given:
        fits = [t for t in _prefixes(base.up_terms, 2) if qmax * FineStep(t).multiplier <= acc_max]
        if fits and fits[0] != tuple(sorted(base.up_terms)):
            put("up_terms", fits[0], f"the longest prefix of {base.up_terms} whose multiply form fits: "
                                     f"{qmax} * {FineStep(fits[0]).multiplier} <= {acc_max}")
        elif not fits:
            coarsest = FineStep(tuple(sorted(base.up_terms))[:2]).multiplier
            need = (qmax * coarsest).bit_length() + 1
            notes.append(Derived("up_terms", base.up_terms, f"no valid value: even the coarsest up step "
                                 f"(multiplier {coarsest}) overflows; acc_bits >= {need} would make one "
                                 "(kept; fine_step.up FAILS)"))

    # Down step and pre-shift: grad_pre_bits in [payload_bits, acc_bits - 2 - bitwidth(down multiplier)].
    pre_lo = p
    pre_want = given.get("grad_pre_bits")
    room = a - 2 - (int(pre_want) if pre_want is not None else pre_lo)  # bits left for the down multiplier
    if "down_terms" not in given:
        def ok(t: tuple[int, ...]) -> bool:
            step = FineStep(t)
            landed = (qmax * step.multiplier + (1 << (step.shift - 1))) >> step.shift
            low = int(fields.get("window_low", base.window_low))
            return step.multiplier.bit_length() <= room and (not window or landed >= low)

        fits = [t for t in _prefixes(base.down_terms, 1) if ok(t)]
        if not fits:
            need = pre_lo + 2 + 1 + (0 if pre_want is None else int(pre_want) - pre_lo)
            raise ConfigError(
                f"grad_pre_bits/down_terms: no valid value for payload_bits {p}, acc_bits {a}: a down step's "
                f"multiply needs acc_bits - 2 - bitwidth(multiplier) >= grad_pre_bits >= payload_bits, and "
                f"even 2**-1 has a 1-bit multiplier; acc_bits >= {need} would make one")
        if fits[0] != tuple(sorted(base.down_terms)):
            put("down_terms", fits[0], f"the longest prefix of {base.down_terms} whose multiplier "
                                       f"({FineStep(fits[0]).multiplier}) leaves grad_pre_bits >= {pre_lo} "
                                       f"bits of room in a {a}-bit accumulator")
    down = FineStep(tuple(fields.get("down_terms", base.down_terms)))
    if pre_want is None:
        hi = a - 2 - down.multiplier.bit_length()
        put("grad_pre_bits", hi, f"the most bits a down step leaves room for: acc_bits - 2 - "
                                 f"bitwidth({down.multiplier}) = {hi}")

    # Softmax row sum: two classes of 2**table_bits and the division's doubled remainder.
    table = int(given.get("softmax_table_bits", base.softmax_table_bits))
    if "softmax_table_bits" not in given and 2 * (1 << table) > 1 << (a - 2):
        if a - 3 >= 8:
            put("softmax_table_bits", a - 3, "two classes of 2**table_bits and the doubled remainder must "
                                             f"fit: table_bits <= acc_bits - 3 = {a - 3}")
        else:
            notes.append(Derived("softmax_table_bits", table, "no valid value: the table needs >= 8 bits and "
                                 "two classes of it must fit, so acc_bits >= 11 would make one "
                                 "(kept; softmax.row_sum FAILS)"))

    if "name" not in fields:
        fields["name"] = "custom"
    try:
        with unchecked_widths():  # the proofs report what overflows; they need not refuse it
            return base.replace(**fields), notes
    except ConfigError as exc:
        derived = f" (derived: {'; '.join(n.field for n in notes)})" if notes else ""
        raise ConfigError(f"{exc}{derived}") from None
