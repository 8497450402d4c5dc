"""`tintin prove` for any widths: derived parameters, and the accumulator limit checked
against an exhaustive search over all operands (independent of Z3 and of the closed form)."""

from __future__ import annotations

import json

import pytest

from tintin.cli import main
from tintin.proofs import configs as C
from tintin.proofs import theorems as T
from tintin.proofs.prover import FAILED, PROVED, run_theorem
from tintin.proofs.widths import derive
from tintin.reference.config import NITI, TINTIN, ConfigError, NumericsConfig, unchecked_widths
from tintin.reference.ops import OracleOverflow, PyOps
from tintin.reference.rules import rshift_stochastic


def brute_force_limit(payload_bits: int, acc_bits: int) -> int:
    """Largest n such that every sequence of n payload products, summed in order, stays in
    the accumulator: the reachable partial sums, extended one product at a time."""
    qmax = (1 << (payload_bits - 1)) - 1
    lo, hi = -(1 << (acc_bits - 1)), (1 << (acc_bits - 1)) - 1
    products = {a * b for a in range(-qmax, qmax + 1) for b in range(-qmax, qmax + 1)}
    sums, n = {0}, 0
    while True:
        if any(not lo <= p <= hi for p in products):
            return n  # the product itself does not fit
        nxt = {s + p for s in sums for p in products}
        if any(not lo <= v <= hi for v in nxt):
            return n
        sums, n = nxt, n + 1


@pytest.fixture
def small_targets():
    saved = C.targets()
    C.set_targets(C.Targets(fan_in=1, fan_out=1, batch=1, classes=1, conv_patch=1, conv_backward_terms=1,
                            conv_gradient_terms=1))
    yield
    C.set_targets(saved)


@pytest.mark.parametrize(("payload_bits", "acc_bits"), [(2, 8), (3, 8), (4, 8), (4, 10), (5, 12), (3, 11), (8, 14)])
def test_accumulator_limit_equals_exhaustive_search(payload_bits: int, acc_bits: int, small_targets: None) -> None:
    cfg, _ = derive(TINTIN, {"payload_bits": payload_bits, "acc_bits": acc_bits})
    want = brute_force_limit(payload_bits, acc_bits)
    r = run_theorem(T.get("accumulator.forward"), cfg, 60.0)
    assert [li["value"] for li in r.limits] == [want]
    past = next(b.counterexample for b in r.boundaries if b.counterexample)
    assert int(past.inputs["k"]) + 1 == want + 1  # the counterexample is one term past the limit
    # Replay the counterexample as the kernel would run it: want + 1 equal products overflow.
    o = PyOps(acc_bits)
    acc = o.const(0)
    with pytest.raises(OracleOverflow):
        for _ in range(want + 1):
            acc = o.add(acc, o.mul(o.const(int(past.inputs["a"])), o.const(int(past.inputs["b"]))))
    if want == 0:
        assert r.result == FAILED and "limit 0" in r.note
    else:
        assert r.result == PROVED, r.note


def test_derive_keeps_the_base_at_its_own_widths() -> None:
    for base in (TINTIN, NITI):
        cfg, notes = derive(base, {"payload_bits": base.payload_bits, "acc_bits": base.acc_bits})
        assert notes == [] and cfg.replace(name=base.name) == base


@pytest.mark.parametrize(("payload_bits", "acc_bits"), [(p, a) for p in (2, 3, 4, 7, 12, 16) for a in (8, 20, 48, 64)
                                                        if a >= p + 3])
def test_derived_configs_are_valid_and_say_why(payload_bits: int, acc_bits: int) -> None:
    cfg, notes = derive(TINTIN, {"payload_bits": payload_bits, "acc_bits": acc_bits})
    with unchecked_widths():
        NumericsConfig(**{k: v for k, v in vars(cfg).items()})  # structurally valid
    assert all(n.why for n in notes)
    assert cfg.grad_pre_bits == acc_bits - 2 - cfg.down.multiplier.bit_length()


def test_no_valid_value_says_what_would_make_one() -> None:
    with pytest.raises(ConfigError, match=r"grad_pre_bits.*acc_bits >= 11"):
        derive(TINTIN, {"payload_bits": 8, "acc_bits": 10})


def test_prove_console_prints_each_accumulator_limit_and_the_case_past_it(tmp_path, capsys) -> None:
    rc = main(["prove", "--payload-bits", "4", "--acc-bits", "10", "--theorem", "accumulator", "--jobs", "1",
               "--fan-in", "1", "--fan-out", "1", "--batch", "1", "--conv-patch", "1", "--conv-backward-terms", "1",
               "--conv-gradient-terms", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    want = brute_force_limit(4, 10)
    lines = [ln for ln in out.splitlines() if ln.startswith("accumulator.") and " = " in ln]
    assert len(lines) == 6
    assert all(f" = {want};" in ln and "one past it fails" in ln and f"k = {want}," in ln for ln in lines)
    assert "derived grad_pre_bits" in out
    report = (tmp_path / "proofs.md").read_text()
    assert "## Derived parameters" in report and "- grad_pre_bits = " in report
    assert any(d.startswith("grad_pre_bits = ") for d in json.loads((tmp_path / "proofs.json").read_text())["derived"])


@pytest.mark.parametrize("acc_bits", [40, 64])
def test_the_update_proofs_hold_past_33_accumulator_bits(acc_bits: int, tmp_path, capsys) -> None:
    # The stochastic threshold takes the 32 hash bits as its top bits there (spec 3.2).
    rc = main(["prove", "--acc-bits", str(acc_bits), "--theorem", "update.niti", "--jobs", "1", "--out", str(tmp_path)])
    assert rc == 0, capsys.readouterr()


def test_the_wide_stochastic_threshold_is_the_hash_followed_by_zero_bits() -> None:
    o = PyOps(48)
    for x, s, bits in [(2**40 + 12345, 36, 0xF000_0001), (-(2**44) + 7, 40, 0x8000_0000), (2**46 - 1, 47, 1),
                       (987654321, 33, 0xFFFF_FFFF), (5, 36, 0)]:
        threshold = bits << (s - 32)
        want = (x >> s) + (1 if (x & ((1 << s) - 1)) > threshold else 0)
        assert rshift_stochastic(o, x, s, bits) == want
    assert rshift_stochastic(PyOps(32), 77, 5, 0xF800_0000) == (77 >> 5) + (1 if (77 & 31) > 31 else 0)


def test_prove_limit_zero_reads_as_such(tmp_path, capsys) -> None:
    rc = main(["prove", "--payload-bits", "16", "--acc-bits", "24", "--theorem", "accumulator.forward",
               "--jobs", "1", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert rc == 1
    assert "limit 0" in captured.out and "vacuity" not in captured.out + captured.err


@pytest.mark.parametrize("argv", [["--payload-bits", "1"], ["--payload-bits", "17"], ["--acc-bits", "65"],
                                  ["--payload-bits", "8", "--acc-bits", "10"], ["--timeout", "0"],
                                  ["--timeout", "nan"], ["--jobs", "0"], ["--jobs", "-3"]])
def test_prove_bad_widths_are_one_line_exit_2(argv: list[str], tmp_path, capsys) -> None:
    assert main(["prove", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tintin prove: error:")
