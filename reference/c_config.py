"""The C view of a configuration: the int32 fields of ``tt_config_t`` and the domain the C
kernels accept (docs/spec.md 6.2, ``tt_check_config`` in c_kernels/src/tt_check_config.c).

A golden case may carry its own configuration as these fields (golden_vectors/suites/configs.py):
a configuration inside the domain is decoded back into a ``NumericsConfig`` for the expected
outputs; one outside it must be refused with TT_ERR_CONFIG. The domain is a statement of the
contract, written from the spec's table, not from the C code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .config import NumericsConfig, exp2_table, unchecked_widths

# tt_config_t fields in declaration order (c_kernels/include/tintin.h), without exp2_table.
CONFIG_FIELDS: tuple[str, ...] = (
    "payload_bits",
    "qmax",
    "up_mul",
    "up_shift",
    "down_mul",
    "down_shift",
    "fine_steps",
    "window",
    "window_low",
    "window_high",
    "update_niti",
    "lr_shift",
    "update_margin",
    "grad_pre_bits",
    "grad_stochastic",
    "niti_mu",
    "log2e_q",
    "log2e_frac_bits",
    "softmax_frac_bits",
    "softmax_floor_bits",
    "softmax_out_bits",
)


def c_fields(cfg: NumericsConfig) -> dict[str, int]:
    """Every int32 field of tt_config_t derived from ``cfg`` (the exp2 table is separate)."""
    fields = {
        "payload_bits": cfg.payload_bits,
        "qmax": cfg.qmax,
        "up_mul": cfg.up.multiplier,
        "up_shift": cfg.up.shift,
        "down_mul": cfg.down.multiplier,
        "down_shift": cfg.down.shift,
        "fine_steps": int(cfg.fine_steps),
        "window": int(cfg.window),
        "window_low": cfg.window_low,
        "window_high": cfg.window_high,
        "update_niti": int(cfg.update_rule == "niti"),
        "lr_shift": cfg.lr_shift,
        "update_margin": cfg.update_margin,
        "grad_pre_bits": cfg.grad_pre_bits,
        "grad_stochastic": int(cfg.grad_rounding == "stochastic"),
        "niti_mu": cfg.niti_mu,
        "log2e_q": cfg.log2e_q,
        "log2e_frac_bits": cfg.log2e_frac_bits,
        "softmax_frac_bits": cfg.softmax_frac_bits,
        "softmax_floor_bits": cfg.softmax_floor_bits,
        "softmax_out_bits": cfg.softmax_out_bits,
    }
    assert tuple(fields) == CONFIG_FIELDS  # one list of fields, kept in step with tintin.h
    return fields


def c_config_problems(f: Mapping[str, int]) -> list[str]:
    """Why the C kernels refuse these fields (TT_ERR_CONFIG); [] inside the domain (spec 6.2).

    The C domain is not the NumericsConfig one: it holds only what a kernel reads, payloads of
    8 or 16 bits, and it checks the window bounds even with the window off."""
    pb, qmax = f["payload_bits"], f["qmax"]
    rules = [
        (pb in (8, 16), "payload_bits is 8 or 16"),
        (qmax == (1 << (pb - 1)) - 1, "qmax = 2^(payload_bits - 1) - 1"),
        (1 <= f["up_shift"] <= 15 and 1 <= f["down_shift"] <= 15, "up_shift, down_shift in [1, 15]"),
        (f["up_mul"] > 1 << max(min(f["up_shift"], 31), 0), "up_mul > 2^up_shift"),
        (1 <= f["down_mul"] < 1 << max(min(f["down_shift"], 31), 0), "1 <= down_mul < 2^down_shift"),
        (f["window_low"] >= 1 and 2 * f["window_low"] <= f["window_high"] <= qmax,
         "1 <= window_low, 2 window_low <= window_high <= qmax"),
        (0 <= f["lr_shift"] <= 24 and 0 <= f["update_margin"] <= 6, "lr_shift in [0, 24], update_margin in [0, 6]"),
        (8 <= f["grad_pre_bits"] <= 30 - max(f["down_mul"], 0).bit_length(),
         "grad_pre_bits in [8, 30 - bitwidth(down_mul)]"),
        (1 <= f["niti_mu"] <= pb - 1, "niti_mu in [1, payload_bits - 1]"),
        (f["log2e_frac_bits"] == 12, "log2e_frac_bits = 12"),
        (1 <= f["softmax_frac_bits"] <= 8, "softmax_frac_bits in [1, 8]"),
        (1 <= f["softmax_floor_bits"] <= 5, "softmax_floor_bits in [1, 5]"),
        (f["softmax_out_bits"] == pb - 1, "softmax_out_bits = payload_bits - 1"),
    ]
    return [why for ok, why in rules if not ok]


def _terms(mul: int, shift: int) -> tuple[int, ...]:
    """The exponents e of mul / 2^shift = sum(2^-e), ascending."""
    return tuple(sorted(shift - b for b in range(mul.bit_length()) if mul >> b & 1))


def config_from_c(f: Mapping[str, int], table: Sequence[int], base: NumericsConfig) -> NumericsConfig:
    """The NumericsConfig whose C fields and exp2 table are exactly these; what tt_config_t does
    not hold (accumulator width, initialisation) comes from ``base``. Width checks are off (a
    configuration at a C bound may leave the softmax's proved widths: the exact oracle still
    refuses any overflow). ValueError when no configuration gives these fields."""
    if f.get("qmax") != (1 << (f["payload_bits"] - 1)) - 1 or not table or table[0] <= 0:
        raise ValueError("fields that no NumericsConfig gives (qmax or exp2 table)")
    with unchecked_widths():
        cfg = base.replace(
            name="case", payload_bits=f["payload_bits"], up_terms=_terms(f["up_mul"], f["up_shift"]),
            down_terms=_terms(f["down_mul"], f["down_shift"]), fine_steps=bool(f["fine_steps"]),
            window=bool(f["window"]), window_low=f["window_low"], window_high=f["window_high"],
            update_rule="niti" if f["update_niti"] else "aligned", lr_shift=f["lr_shift"],
            update_margin=f["update_margin"], grad_pre_bits=f["grad_pre_bits"],
            grad_rounding="stochastic" if f["grad_stochastic"] else "nearest", niti_mu=f["niti_mu"],
            log2e_q=f["log2e_q"], log2e_frac_bits=f["log2e_frac_bits"], softmax_frac_bits=f["softmax_frac_bits"],
            softmax_table_bits=int(table[0]).bit_length() - 1, softmax_out_bits=f["softmax_out_bits"],
            softmax_floor_bits=f["softmax_floor_bits"])
    if c_fields(cfg) != dict(f) or tuple(int(v) for v in table) != exp2_table(cfg.softmax_frac_bits,
                                                                             cfg.softmax_table_bits):
        raise ValueError("fields that no NumericsConfig gives exactly")
    return cfg
