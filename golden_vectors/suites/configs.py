"""Cases with a configuration of their own, other than the two presets (docs/spec.md 6.2).

A case may carry the inputs ``config`` (int32[21]: the fields of tt_config_t in declaration
order, reference/c_config.CONFIG_FIELDS) and ``config/exp2_table`` (int32[2^softmax_frac_bits]);
the C runner then calls its kernel with that configuration instead of the suite's
(tt_conf_config, c_kernels/conformance/tt_conf.h). Inside the C domain the expected outputs
come from the configuration decoded back into a NumericsConfig (exact oracle and JAX must
agree); outside it the case is a rejection case expecting TT_ERR_CONFIG.

``bound_configs`` gives, for every bound tt_check_config enforces, a configuration exactly at
the bound (accepted) and one just past it (refused), each differing from the tintin preset
only where the bound needs it, so a check moved by one step is seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tintin.reference.c_config import CONFIG_FIELDS, c_config_problems, c_fields, config_from_c
from tintin.reference.config import TINTIN, NumericsConfig, exp2_table, unchecked_widths

CONFIG_INPUT = "config"
TABLE_INPUT = "config/exp2_table"

# The window without fine steps (spec 3.6: left shifts only, one right shift above the window):
# neither preset has it (tintin has both, niti neither).
POW2_WINDOW = TINTIN.replace(name="pow2-window", fine_steps=False)
# 16-bit payloads (the C accepts them; the kernels that store int8 refuse them themselves).
with unchecked_widths():
    PAYLOAD16 = TINTIN.replace(name="payload16", payload_bits=16, grad_pre_bits=16, softmax_out_bits=15)
# The window up to qmax: a requantised maximum that rounds to qmax + 1 before saturating is in it.
WIDE_WINDOW = TINTIN.replace(name="wide-window", window_high=127)


def config_inputs(fields: Mapping[str, int], table: Sequence[int]) -> dict[str, np.ndarray]:
    """The two inputs that give a case its own configuration."""
    return {CONFIG_INPUT: np.array([fields[k] for k in CONFIG_FIELDS], dtype=np.int32),
            TABLE_INPUT: np.array(list(table), dtype=np.int32)}


def inputs_of(cfg: NumericsConfig) -> dict[str, np.ndarray]:
    return config_inputs(c_fields(cfg), cfg.softmax_table)


def case_fields(inputs: Mapping[str, Any]) -> dict[str, int] | None:
    """The configuration fields a case carries, or None (it runs with the suite's)."""
    if CONFIG_INPUT not in inputs:
        return None
    values = [int(v) for v in np.asarray(inputs[CONFIG_INPUT]).reshape(-1)]
    if len(values) != len(CONFIG_FIELDS):
        raise ValueError(f"input {CONFIG_INPUT!r} must hold {len(CONFIG_FIELDS)} fields, got {len(values)}")
    return dict(zip(CONFIG_FIELDS, values))


def refused(inputs: Mapping[str, Any]) -> bool:
    """True if the case carries a configuration outside the C domain."""
    fields = case_fields(inputs)
    return fields is not None and bool(c_config_problems(fields))


class ConfigRefused(ValueError):
    """The case's configuration is outside the C domain: the kernel must return TT_ERR_CONFIG."""


def case_config(inputs: Mapping[str, Any], base: NumericsConfig) -> NumericsConfig:
    """The configuration a case runs with: its own (decoded) or ``base``; ConfigRefused outside
    the C domain."""
    fields = case_fields(inputs)
    if fields is None:
        return base
    problems = c_config_problems(fields)
    if problems:
        raise ConfigRefused(f"configuration refused: {'; '.join(problems)}")
    table = [int(v) for v in np.asarray(inputs[TABLE_INPUT]).reshape(-1)]
    return config_from_c(fields, table, base)


def _with(**changes: int) -> dict[str, int]:
    return {**c_fields(TINTIN), **changes}


def _terms_cfg(up: tuple[int, ...] | None = None, down: tuple[int, ...] | None = None,
               **changes: Any) -> NumericsConfig:
    with unchecked_widths():
        return TINTIN.replace(name="bound", up_terms=up or TINTIN.up_terms, down_terms=down or TINTIN.down_terms,
                              **changes)


def bound_configs() -> list[tuple[str, dict[str, int], tuple[int, ...]]]:
    """(what, fields, exp2 table) at and just past every bound of tt_check_config."""
    t = TINTIN.softmax_table
    out: list[tuple[str, dict[str, int], tuple[int, ...]]] = []

    def at(what: str, cfg: NumericsConfig) -> None:
        out.append((f"at {what}", c_fields(cfg), cfg.softmax_table))

    def past(what: str, table: tuple[int, ...] = t, **changes: int) -> None:
        out.append((f"past {what}", _with(**changes), table))

    past("payload_bits = 8 or 16 (7)", payload_bits=7, qmax=63, softmax_out_bits=6, window_low=16, window_high=63)
    past("payload_bits = 8 or 16 (9)", payload_bits=9, qmax=255, softmax_out_bits=8)
    at("payload_bits = 16", _terms_cfg(payload_bits=16, grad_pre_bits=16, softmax_out_bits=15))
    past("payload_bits = 8 or 16 (15)", payload_bits=15, qmax=16383, softmax_out_bits=14)
    past("payload_bits = 8 or 16 (17)", payload_bits=17, qmax=65535, softmax_out_bits=16)
    past("qmax (126)", qmax=126)
    past("qmax (128)", qmax=128)
    at("up_shift = 1", _terms_cfg(up=(0, 1)))
    past("up_shift >= 1 (0)", up_shift=0)
    at("up_shift = 15", _terms_cfg(up=(0, 15)))
    past("up_shift <= 15 (16)", up_shift=16, up_mul=(1 << 16) + 1)
    at("down_shift = 1 and down_mul = 1", _terms_cfg(down=(1,)))
    at("down_shift = 15", _terms_cfg(down=(1, 15), grad_pre_bits=15))
    past("down_shift <= 15 (16)", down_shift=16)
    # down_shift 0 is refused by 1 <= down_mul < 2^down_shift as well (no down_mul fits), so
    # moving this bound to 0 is equivalent (c_kernels/mutants-equivalent.toml); -1 is a negative one
    past("down_shift >= 1 (0)", down_shift=0)
    past("down_shift >= 1 (-1)", down_shift=-1)
    at("up_mul = 2^up_shift + 1", _terms_cfg(up=(0, 9)))
    past("up_mul > 2^up_shift (equal)", up_mul=1 << 9)
    at("down_mul = 2^down_shift - 1", _terms_cfg(down=(1, 2, 3, 4, 5, 6, 7, 8)))
    # grad_pre_bits 21 keeps the grad_pre_bits bound (30 - bitwidth(256)) from refusing it too
    past("down_mul < 2^down_shift (equal)", down_mul=1 << 8, grad_pre_bits=21)
    past("down_mul >= 1 (0)", down_mul=0)
    at("window_low = 1", _terms_cfg(window_low=1))
    past("window_low >= 1 (0)", window_low=0)
    at("2 window_low = window_high", _terms_cfg(window_low=56, window_high=112))
    past("2 window_low <= window_high (57, 112)", window_low=57)
    at("window_high = qmax", _terms_cfg(window_high=127))
    past("window_high <= qmax (128)", window_high=128)
    past("window bounds also without the window (low 0)", window=0, fine_steps=0, window_low=0)
    at("lr_shift = 0", _terms_cfg(lr_shift=0))
    past("lr_shift >= 0 (-1)", lr_shift=-1)
    at("lr_shift = 24", _terms_cfg(lr_shift=24))
    past("lr_shift <= 24 (25)", lr_shift=25)
    at("update_margin = 0", _terms_cfg(update_margin=0))
    past("update_margin >= 0 (-1)", update_margin=-1)
    at("update_margin = 6", _terms_cfg(update_margin=6))
    past("update_margin <= 6 (7)", update_margin=7)
    at("grad_pre_bits = 8", _terms_cfg(grad_pre_bits=8))
    past("grad_pre_bits >= 8 (7)", grad_pre_bits=7)
    at("grad_pre_bits = 30 - bitwidth(down_mul)", _terms_cfg(grad_pre_bits=22))
    past("grad_pre_bits <= 30 - bitwidth(down_mul) (23)", grad_pre_bits=23)
    at("niti_mu = 1", _terms_cfg(niti_mu=1))
    past("niti_mu >= 1 (0)", niti_mu=0)
    at("niti_mu = payload_bits - 1", _terms_cfg(niti_mu=7))
    past("niti_mu <= payload_bits - 1 (8)", niti_mu=8)
    past("log2e_frac_bits = 12 (11)", log2e_frac_bits=11)
    past("log2e_frac_bits = 12 (13)", log2e_frac_bits=13)
    at("softmax_frac_bits = 1", _terms_cfg(softmax_frac_bits=1))
    past("softmax_frac_bits >= 1 (0)", exp2_table(0, 14), softmax_frac_bits=0)
    at("softmax_frac_bits = 8", _terms_cfg(softmax_frac_bits=8))
    past("softmax_frac_bits <= 8 (9)", exp2_table(9, 14), softmax_frac_bits=9)
    at("softmax_floor_bits = 1", _terms_cfg(softmax_floor_bits=1))
    past("softmax_floor_bits >= 1 (0)", softmax_floor_bits=0)
    past("softmax_floor_bits <= 5 (6)", softmax_floor_bits=6)
    past("softmax_out_bits = payload_bits - 1 (6)", softmax_out_bits=6)
    past("softmax_out_bits = payload_bits - 1 (8)", softmax_out_bits=8)
    return out


def bound_cases(inputs: Mapping[str, Any]) -> list[tuple[str, str, list[str], dict[str, Any], dict[str, int]]]:
    """Arguments of CaseList.add: ``inputs`` under every configuration of bound_configs; the ones
    past a bound expect TT_ERR_CONFIG."""
    from ..model import EXPECT_STATUS, STATUS_CODES

    out = []
    for what, fields, table in bound_configs():
        problems = c_config_problems(fields)
        if what.startswith("at ") == bool(problems):  # a case that would not test its bound
            raise ValueError(f"config case {what!r}: the C domain gives {problems or 'accepted'}")
        params = {EXPECT_STATUS: STATUS_CODES["TT_ERR_CONFIG"]} if problems else {}
        flags = ["config", "config-bound", *(["rejection", "config-refused"] if problems else [])]
        comment = f"configuration {what} of tt_check_config" + (f" (refused: {problems[0]})" if problems else "")
        out.append(("config-at" if not problems else "reject-config", comment, flags,
                    {**inputs, **config_inputs(fields, table)}, params))
    return out
