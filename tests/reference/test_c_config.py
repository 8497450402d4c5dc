"""The C view of a configuration (reference/c_config.py): fields, domain, decoding."""

from __future__ import annotations

import pytest

from tintin.reference.c_config import CONFIG_FIELDS, c_config_problems, c_fields, config_from_c
from tintin.reference.config import NITI, PRESETS, TINTIN


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_are_inside_the_c_domain_and_decode_back(name: str) -> None:
    cfg = PRESETS[name]
    fields = c_fields(cfg)
    assert tuple(fields) == CONFIG_FIELDS and c_config_problems(fields) == []
    back = config_from_c(fields, cfg.softmax_table, cfg)
    assert c_fields(back) == fields and back.replace(name=cfg.name) == cfg


@pytest.mark.parametrize(("change", "problem"), [
    ({"payload_bits": 9, "qmax": 255, "softmax_out_bits": 8}, "payload_bits is 8 or 16"),
    ({"up_shift": 16, "up_mul": 65537}, "up_shift, down_shift in [1, 15]"),
    ({"up_mul": 512}, "up_mul > 2^up_shift"),
    ({"down_mul": 256, "grad_pre_bits": 21}, "1 <= down_mul < 2^down_shift"),
    ({"window": 0, "window_low": 0}, "1 <= window_low, 2 window_low <= window_high <= qmax"),
    ({"grad_pre_bits": 23}, "grad_pre_bits in [8, 30 - bitwidth(down_mul)]"),
    ({"softmax_frac_bits": 9}, "softmax_frac_bits in [1, 8]"),
])
def test_one_field_past_its_bound_is_the_one_problem(change: dict[str, int], problem: str) -> None:
    assert c_config_problems({**c_fields(TINTIN), **change}) == [problem]


def test_decoding_refuses_fields_no_config_gives() -> None:
    fields = c_fields(NITI)
    with pytest.raises(ValueError):
        config_from_c({**fields, "qmax": 126}, NITI.softmax_table, NITI)
    with pytest.raises(ValueError):  # the exp2 table of another softmax_frac_bits
        config_from_c(fields, TINTIN.replace(softmax_frac_bits=5).softmax_table, NITI)
