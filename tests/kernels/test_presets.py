"""The generated tt_presets.h carries exactly the reference presets: every tt_config_t field
and the exp2 table, read back from the compiled header through ctypes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.kernels.driver.conformance import KNOWN_SUITES, preset_for
from tintin.kernels.driver.presets import (
    CONFIG_FIELDS,
    HEADER_NAME,
    PresetError,
    config_fields,
    render_presets,
    write_presets_header,
)
from tintin.reference.config import NITI, PRESETS, TINTIN, NumericsConfig, unchecked_widths

from .hostlib import TT_OK, Kernels


def expected_fields(cfg: NumericsConfig) -> dict[str, int]:
    """tt_config_t spelled out from the spec's names (independent of presets.config_fields)."""
    return {
        "payload_bits": cfg.payload_bits,
        "qmax": 2 ** (cfg.payload_bits - 1) - 1,
        "up_mul": sum(2 ** (max(cfg.up_terms) - e) for e in cfg.up_terms),
        "up_shift": max(cfg.up_terms),
        "down_mul": sum(2 ** (max(cfg.down_terms) - e) for e in cfg.down_terms),
        "down_shift": max(cfg.down_terms),
        "fine_steps": 1 if cfg.fine_steps else 0,
        "window": 1 if cfg.window else 0,
        "window_low": cfg.window_low,
        "window_high": cfg.window_high,
        "update_niti": 1 if cfg.update_rule == "niti" else 0,
        "lr_shift": cfg.lr_shift,
        "update_margin": cfg.update_margin,
        "grad_pre_bits": cfg.grad_pre_bits,
        "grad_stochastic": 1 if cfg.grad_rounding == "stochastic" else 0,
        "niti_mu": cfg.niti_mu,
        "log2e_q": cfg.log2e_q,
        "log2e_frac_bits": cfg.log2e_frac_bits,
        "softmax_frac_bits": cfg.softmax_frac_bits,
        "softmax_floor_bits": cfg.softmax_floor_bits,
        "softmax_out_bits": cfg.softmax_out_bits,
    }


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_compiled_preset_equals_python_config(kernels: Kernels, name: str) -> None:
    cfg = PRESETS[name]
    c = kernels.preset(name).contents
    got = {field: getattr(c, field) for field in CONFIG_FIELDS}
    assert got == expected_fields(cfg)
    n = 1 << cfg.softmax_frac_bits
    assert [c.exp2_table[j] for j in range(n)] == list(cfg.softmax_table)
    assert kernels.tt_check_config(kernels.preset(name)) == TT_OK


def test_known_values() -> None:
    """The spec's table of fine steps (3.3) and the two presets (6), as literal numbers."""
    t, n = config_fields(TINTIN), config_fields(NITI)
    assert (t["up_mul"], t["up_shift"], t["down_mul"], t["down_shift"]) == (645, 9, 203, 8)
    assert (t["fine_steps"], t["window"], t["update_niti"], t["grad_stochastic"]) == (1, 1, 0, 1)
    assert (n["fine_steps"], n["window"], n["update_niti"], n["grad_stochastic"]) == (0, 0, 1, 1)
    assert TINTIN.softmax_table[0] == 16384 and len(TINTIN.softmax_table) == 64


def test_runner_preset_choice_matches_driver(kernels: Kernels) -> None:
    """tt_conf_preset_for (C) and preset_for (Python) pick the same preset for every suite."""
    by_address = {ctypes_address(kernels.preset(n)): n for n in PRESETS}
    for suite in KNOWN_SUITES:
        chosen = by_address[ctypes_address(kernels.tt_conf_preset_for(suite.encode()))]
        assert chosen == preset_for(suite).name, suite


def ctypes_address(p: object) -> int:
    import ctypes

    return ctypes.cast(p, ctypes.c_void_p).value or 0


def test_header_is_deterministic_and_rewritten_only_on_change(tmp_path: Path) -> None:
    path = write_presets_header(tmp_path)
    assert path.name == HEADER_NAME
    assert path.read_text() == render_presets() == render_presets()
    mtime = path.stat().st_mtime_ns
    write_presets_header(tmp_path)
    assert path.stat().st_mtime_ns == mtime
    text = path.read_text()
    for name in ("TT_PRESET_TINTIN", "TT_PRESET_NITI", "tt_exp2_table_tintin", "tt_exp2_table_niti"):
        assert name in text
    assert "float" not in text and "double" not in text


def test_unrepresentable_config_is_refused() -> None:
    with pytest.raises(PresetError, match="acc_bits"):
        with unchecked_widths():  # a 24-bit accumulator also fails the softmax width check
            narrow = TINTIN.replace(acc_bits=24, grad_pre_bits=14)
        config_fields(narrow)
    with pytest.raises(PresetError, match="collide"):
        render_presets({"a": TINTIN, "b": TINTIN})
