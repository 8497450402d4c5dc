"""The Z3 theorems over the integer rules: one case per theorem and config, vacuity, mutants,
exact limits, and cross-checks of every counterexample against the exact oracle (PyOps).

Proofs are cached per process (lru_cache), so a theorem that another one depends on, or
that several tests inspect, is proved once.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import z3

from tintin.proofs import theorems as T
from tintin.proofs.configs import CONFIGS, EXPECTED_FAILURES, Targets, targets
from tintin.proofs.mutants import MUTANTS
from tintin.proofs.prover import FAILED, PROVED, TheoremResult, build, evaluate, run_theorem, sample_inputs
from tintin.proofs.report import Report, c_header, counterexample_cases, describe_failure
from tintin.proofs.thm_accumulator import mac, max_terms
from tintin.proofs.thm_mse import mse_element
from tintin.proofs.thm_requant import requantise_element, window_element
from tintin.proofs.thm_softmax import max_classes
from tintin.proofs.thm_update import aligned_update_element
from tintin.proofs.z3ops import Z3Ops
from tintin.reference import layers as L
from tintin.reference import rules as R
from tintin.reference.layers import QTensor, RoundingContext
from tintin.reference.ops import OracleOverflow, PyOps
from tintin.reference.rules import Header

TIMEOUT = 120.0  # seconds per solver query; typical queries take well under a second
CONFIG_NAMES = list(CONFIGS)
PAIRS = [(th.name, c) for c in CONFIG_NAMES for th in T.THEOREMS]
ACCUMULATORS = ("accumulator.forward", "accumulator.backward_error", "accumulator.gradient",
                "accumulator.conv_forward", "accumulator.conv_backward_error", "accumulator.conv_gradient")


@cache
def result(theorem: str, config: str) -> TheoremResult:
    return run_theorem(T.get(theorem), CONFIGS[config], TIMEOUT)


@cache
def mutant_result(name: str) -> TheoremResult:
    return next(m for m in MUTANTS if m.name == name).run(TIMEOUT)


_RULES_BEFORE = {name: getattr(R, name) for name in dir(R) if callable(getattr(R, name))}


def _expected_failure(theorem: str, config: str) -> bool:
    return theorem in EXPECTED_FAILURES[config]


# -- every theorem on every shipped config -----------------------------------------------------


@pytest.mark.parametrize(("theorem", "config"), PAIRS, ids=[f"{t}[{c}]" for t, c in PAIRS])
def test_theorem(theorem: str, config: str) -> None:
    r = result(theorem, config)
    assert r.vacuity == "sat", f"premises of {theorem} are not satisfiable"
    if _expected_failure(theorem, config):
        assert r.result == FAILED, f"{theorem} was expected to fail on {config}: {r.result}"
        assert r.counterexample is not None, r.note
        assert not r.counterexample.replay.startswith(("not reproduced", "oracle error")), r.counterexample
    else:
        assert r.result == PROVED, describe_failure(r)
        for dep in r.uses:  # a lemma this proof relies on must itself be proved
            assert result(dep, config).result == PROVED, f"{theorem} relies on {dep}"


@pytest.mark.parametrize(("theorem", "config"), PAIRS, ids=[f"{t}[{c}]" for t, c in PAIRS])
def test_premises_are_satisfiable(theorem: str, config: str) -> None:
    """No proof is vacuous: the premises alone have a model (and it meets them in Python)."""
    th, cfg = T.get(theorem), CONFIGS[config]
    b = build(th, cfg)
    s = z3.SolverFor("QF_BV")
    s.add(*[c for _, c in b.premises])
    assert s.check() == z3.sat
    model = s.model()
    witness = {var.name: _value(model, b.vars[var.name], var.kind) for var in th.variables(cfg)}
    assert evaluate(th, cfg, witness).premises_hold


def _value(model: z3.ModelRef, x: z3.ExprRef, kind: str) -> int | bool:
    val = model.eval(x, model_completion=True)
    if kind == "bool":
        return bool(z3.is_true(val))
    return val.as_long() if kind == "u32" else val.as_signed_long()


def test_registry_names_every_c_function_the_kernels_need() -> None:
    guarded = {g for th in T.THEOREMS for g in th.guards}
    assert {"tt_rshift_round", "tt_fine_step", "tt_requantise", "tt_window", "tt_normalize_header", "tt_align",
            "tt_update_dense", "tt_dense_forward", "tt_dense_backward_error", "tt_dense_gradient",
            "tt_softmax_xent_error", "tt_mse_error"} <= guarded
    for th in T.THEOREMS:
        assert th.covers and all(c.startswith("tintin.reference.") for c in th.covers), th.name


# -- mutants ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_yields_a_counterexample(mutant) -> None:  # noqa: ANN001
    r = mutant_result(mutant.name)
    assert r.result == FAILED and r.counterexample is not None, f"{mutant.name} escaped {mutant.theorem}"
    # Replayed under the same mutation by the exact oracle: a real overflow or a broken claim.
    assert r.counterexample.replay.startswith(("OracleOverflow", "claim violated")), r.counterexample.replay
    assert result(mutant.theorem, mutant.config).result == PROVED  # the unmutated rule is fine
    assert all(getattr(R, name) is fn for name, fn in _RULES_BEFORE.items())  # the patch is undone


# -- exact limits ----------------------------------------------------------------------------

EXPECTED_K = {"tintin": 133144, "niti": 133144, "int16-acc32": 2, "int8-acc16": 2}


@pytest.mark.parametrize("config", CONFIG_NAMES)
@pytest.mark.parametrize("theorem", ACCUMULATORS)
def test_dot_product_limit_is_exact(theorem: str, config: str) -> None:
    cfg = CONFIGS[config]
    k = EXPECTED_K[config]
    assert max_terms(cfg) == k == cfg.acc_max // cfg.qmax**2
    r = result(theorem, config)
    assert [li["value"] for li in r.limits] == [k]
    # K proved: either the theorem is proved, or it failed only on the required size.
    assert r.result == PROVED or "exceeds the proved exact limit" in r.note, describe_failure(r)
    (bd,) = r.boundaries
    assert bd.status == "counterexample" and bd.counterexample is not None
    inputs = bd.counterexample.inputs
    assert inputs["k"] == k and abs(inputs["a"] * inputs["b"]) * (k + 1) > cfg.acc_max
    # The concrete vectors: K equal products fit, one more overflows, in the exact oracle.
    o, acc = PyOps(cfg.acc_bits), 0
    for _ in range(k):
        acc = mac(o, acc, inputs["a"], inputs["b"])
    with pytest.raises(OracleOverflow):
        mac(o, acc, inputs["a"], inputs["b"])
    acc = 0
    for _ in range(k):
        acc = mac(o, acc, cfg.qmax, -cfg.qmax)  # the most negative K-term sum fits too


def test_fan_in_limits_by_width() -> None:
    assert max_terms(CONFIGS["tintin"]) == 133144  # int8 x int8 -> int32 (symmetric payloads)
    assert max_terms(CONFIGS["int16-acc32"]) == 2
    assert max_terms(CONFIGS["int8-acc16"]) == 2
    r = result("accumulator.forward", "int8-acc16")
    assert r.requirement == {"proved": 2, "required": targets().fan_in, "what": "fan-in", "met": False}


@pytest.mark.parametrize("config", ["tintin", "int8-acc16"])
def test_softmax_class_limit_is_exact(config: str) -> None:
    cfg = CONFIGS[config]
    r = result("softmax.row_sum", config)
    c_max = max_classes(cfg)
    assert [li["value"] for li in r.limits] == [c_max] == [cfg.acc_max >> cfg.softmax_table_bits]
    assert r.boundaries[0].counterexample is not None and r.boundaries[0].counterexample.inputs["c"] == c_max
    assert r.result == (PROVED if c_max >= targets().classes else FAILED)


def test_fine_step_domains_are_exact() -> None:
    for config, up, down in (("tintin", 3329432, 10578737), ("int8-acc16", 50, 1310)):
        cfg = CONFIGS[config]
        r_up, r_down = result("fine_step.up", config), result("fine_step.down", config)
        assert r_up.limits[0]["value"] == up and r_down.limits[0]["value"] == down
        o = PyOps(cfg.acc_bits)
        assert R.step_up(o, up, cfg) == R.fine_shift_add(o, up, cfg.up)
        with pytest.raises(OracleOverflow):
            R.step_up(o, up + 1, cfg)
        with pytest.raises(OracleOverflow):
            R.step_down(o, -(down + 1), cfg)
    assert any("|y - x * " in c for c in result("fine_step.up", "tintin").claims)  # the error bound


# -- counterexamples are real; proved statements hold on random inputs ------------------------------


def _failing_counterexamples() -> list[tuple[str, str, dict]]:
    return [(t, c, {}) for c in CONFIG_NAMES for t in sorted(EXPECTED_FAILURES[c])]


@pytest.mark.parametrize(("theorem", "config", "_"), _failing_counterexamples(),
                         ids=[f"{t}[{c}]" for t, c, _ in _failing_counterexamples()])
def test_counterexample_overflows_in_the_oracle(theorem: str, config: str, _: dict) -> None:
    r = result(theorem, config)
    assert r.counterexample is not None
    th, cfg = T.get(theorem), CONFIGS[config]
    with pytest.raises(OracleOverflow):
        th.model(PyOps(cfg.acc_bits), dict(r.counterexample.inputs), cfg)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_mutant_counterexample_replays(mutant) -> None:  # noqa: ANN001
    r = mutant_result(mutant.name)
    th, cfg = T.get(mutant.theorem), CONFIGS[mutant.config]
    bits = mutant.ops_bits or cfg.acc_bits
    with mutant.patch():
        replayed = evaluate(th, cfg, r.counterexample.inputs, bits)
    assert replayed.overflow or replayed.failed_claims
    clean = evaluate(th, cfg, r.counterexample.inputs, bits) if mutant.ops_bits is None else None
    if clean is not None and clean.premises_hold:  # the unmutated rule handles the same input
        assert clean.overflow is None and not clean.failed_claims


_SAFE = [(t, c) for t, c in PAIRS if not _expected_failure(t, c)]


@pytest.mark.parametrize(("theorem", "config"), _SAFE, ids=[f"{t}[{c}]" for t, c in _SAFE])
def test_random_inputs_meeting_the_premises_never_overflow(theorem: str, config: str) -> None:
    th, cfg = T.get(theorem), CONFIGS[config]
    samples = sample_inputs(th, cfg, random.Random(f"{theorem}/{config}"), 40)
    assert len(samples) >= 20, "the premises are hard to meet at random; widen the sampler"
    for inputs in samples:
        r = evaluate(th, cfg, inputs)
        assert r.premises_hold, inputs
        assert r.overflow is None, (inputs, r.overflow)
        assert not r.failed_claims, (inputs, r.failed_claims)


# -- Z3Ops agrees with PyOps on concrete values -----------------------------------------------------


def _z3_value(x: z3.ExprRef) -> int:
    return z3.simplify(x).as_signed_long()


@pytest.mark.parametrize("acc_bits", [16, 32])
def test_z3ops_matches_the_oracle_on_constants(acc_bits: int) -> None:
    cfg = CONFIGS["tintin"] if acc_bits == 32 else CONFIGS["int8-acc16"]
    rng = random.Random(acc_bits)
    top = (1 << (acc_bits - 1)) - 1
    for _ in range(150):
        x, s = rng.randint(-top, top), rng.randint(0, acc_bits - 1)
        m = rng.randint(0, top)
        for fn, args in ((R.rshift_round, (x, s)), (R.bitwidth, (m,)), (R.requant_shift, (m, cfg)),
                         (R.rshift_round_wide, (x, rng.randint(0, 3 * acc_bits))),
                         (R.saturate, (x, cfg.qmax))):
            zo = Z3Ops(acc_bits)
            want = fn(PyOps(acc_bits), *args)
            got = fn(zo, *[a if isinstance(a, type(cfg)) else z3.BitVecVal(a, acc_bits) for a in args])
            assert _z3_value(got) == want, (fn.__name__, args)
            assert all(z3.is_true(z3.simplify(ob.cond)) for ob in zo.obligations)
    zo = Z3Ops(32)
    for idx in (0, 5, 1 << 20):
        h = R.counter_hash(zo, 7, 3, 1, z3.BitVecVal(idx, 32))
        assert z3.simplify(h).as_long() == R.counter_hash(PyOps(), 7, 3, 1, idx)


def test_z3ops_obligations_fail_exactly_where_the_oracle_raises() -> None:
    cfg = CONFIGS["int8-acc16"]
    for x in (50, 51, -50, -51):
        zo = Z3Ops(16)
        R.step_up(zo, z3.BitVecVal(x, 16), cfg)
        broken = [ob.label for ob in zo.obligations if z3.is_false(z3.simplify(ob.cond))]
        try:
            R.step_up(PyOps(16), x, cfg)
            raised = False
        except OracleOverflow:
            raised = True
        assert bool(broken) == raised == (abs(x) > 50), (x, broken)


# -- the element models are the layers' functions, element by element ---------------------------------


def _rand_header(rng: np.random.Generator, lo: int = -20, hi: int = 20) -> Header:
    u, d = [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2)][int(rng.integers(5))]
    return Header(int(rng.integers(lo, hi)), u, d)


def test_element_models_match_the_layers() -> None:
    cfg = CONFIGS["tintin"]
    o = PyOps(cfg.acc_bits)
    rng = np.random.default_rng(4)
    for trial in range(25):
        scale = int(rng.integers(1, 31))
        acc = rng.integers(-(1 << scale), 1 << scale, size=(3, 5)).astype(object)
        h = _rand_header(rng)
        t = L.requantise(o, acc, h, cfg)
        m = o.max_abs(acc)
        for x, y in zip(acc.flat, np.asarray(t.q).flat):
            assert requantise_element(o, x, m, h, cfg)[0] == y
        assert tuple(t.h) == tuple(requantise_element(o, 0, m, h, cfg)[2])

        q = rng.integers(-int(rng.integers(1, 128)), 128, size=(4, 6)).astype(object)
        w_t = L.window(o, QTensor(q, h), cfg)
        for x, y in zip(q.flat, np.asarray(w_t.q).flat):
            assert window_element(o, x, o.max_abs(q), h, cfg)[0] == y
        assert tuple(w_t.h) == tuple(window_element(o, 0, o.max_abs(q), h, cfg)[2])

        w = QTensor(rng.integers(-127, 128, size=(3, 4)).astype(object), _rand_header(rng))
        g = rng.integers(-(1 << scale), 1 << scale, size=(3, 4)).astype(object)
        g_h = _rand_header(rng)
        ctx = RoundingContext(11, trial, 2)
        new = L.update_weights(o, w, g, g_h, cfg, ctx)
        bits = R.counter_hash(o, ctx.seed, ctx.step, ctx.tensor_id, o.index_grid(g.shape))
        stepped = np.empty(g.shape, dtype=object)
        for i in np.ndindex(g.shape):
            v = {"w": w.q[i], "w_max": o.max_abs(w.q), "g": g[i], "g_max": o.max_abs(g), "bits": bits[i],
                 **{f"g_h.{k}": x for k, x in zip("sud", g_h)}, **{f"w_h.{k}": x for k, x in zip("sud", w.h)}}
            stepped[i] = aligned_update_element(o, v, cfg)["w_new"]
        for x, y in zip(stepped.flat, np.asarray(new.q).flat):
            assert window_element(o, x, o.max_abs(stepped), w.h, cfg)[0] == y

        y_t = QTensor(rng.integers(-127, 128, size=(2, 5)).astype(object), _rand_header(rng))
        t_t = QTensor(rng.integers(-127, 128, size=(2, 5)).astype(object), _rand_header(rng))
        err = L.mse_error(o, y_t, t_t, cfg)
        diffs = np.empty(y_t.q.shape, dtype=object)
        for i in np.ndindex(diffs.shape):
            el = mse_element(o, y_t.q[i], t_t.q[i], y_t.h, t_t.h, cfg)
            diffs[i], h_err = el["diff"], el["h"]
        for x, y in zip(diffs.flat, np.asarray(err.q).flat):
            assert requantise_element(o, x, o.max_abs(diffs), h_err, cfg)[0] == y


# -- the command, the report, the C header, golden cases -----------------------------------------


def test_cli_proves_writes_and_exits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tintin.cli import main

    out = tmp_path / "ok"
    assert main(["prove", "--config", "tintin", "--theorem", "header", "--out", str(out), "--jobs", "1"]) == 0
    assert {p.name for p in out.iterdir()} == {"proofs.md", "proofs.json", "tt_proved_limits.h"}
    assert "header.normalize" in capsys.readouterr().out

    bad = tmp_path / "bad"
    code = main(["prove", "--config", "int8-acc16", "--theorem", "accumulator.forward", "--out", str(bad),
                 "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "counterexample: k = 2" in err and "OracleOverflow" in err
    data = json.loads((bad / "proofs.json").read_text())
    cases = data["counterexample_cases"]
    assert cases and all(isinstance(v, int) for c in cases for v in c["inputs"].values())
    assert cases[0]["kernel"] == "tt_dense_forward" and cases[0]["inputs"]["terms"] == 3
    assert main(["prove", "--config", "int8-acc16", "--theorem", "accumulator.forward", "--out", str(bad),
                 "--jobs", "1", "--expected-ok"]) == 0


def test_cli_custom_widths(tmp_path: Path) -> None:
    from tintin.cli import main

    assert main(["prove", "--config", "tintin", "--acc-bits", "24", "--grad-pre-bits", "14", "--fan-in", "500",
                 "--theorem", "accumulator.forward", "--out", str(tmp_path), "--jobs", "1"]) == 0
    header = (tmp_path / "tt_proved_limits.h").read_text()
    assert "#define TT_PROVED_CUSTOM_MAX_FAN_IN 520 " in header  # floor((2**23 - 1) / 127**2)
    assert main(["prove", "--config", "all", "--acc-bits", "24", "--out", str(tmp_path)]) == 2  # one config only


def _report(pairs: list[tuple[str, str]]) -> Report:
    return Report([result(t, c) for t, c in pairs], {c: CONFIGS[c] for _, c in pairs}, Targets(), 0.0)


def test_counterexample_cases_are_golden_inputs() -> None:
    rep = _report([("accumulator.forward", "int8-acc16"), ("fine_step.up", "int8-acc16"),
                   ("rounding.rshift_round_wide", "int8-acc16")])
    cases = counterexample_cases(rep)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    by_theorem = {c["theorem"]: c for c in cases}
    assert by_theorem["fine_step.up"]["inputs"] == {"x": 51} and "overflow" in by_theorem["fine_step.up"]["flags"]
    assert by_theorem["rounding.rshift_round_wide"]["inputs"]["x"] == -32768  # the boundary, a contract case
    for c in cases:
        assert {"id", "comment", "flags", "inputs", "kernel", "theorem", "config"} <= set(c)
    json.dumps(cases)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="host gcc not on PATH (Debian package gcc)")
def test_c_header_compiles_and_rejects_an_unproved_fan_in(tmp_path: Path) -> None:
    rep = _report([(t, c) for c in ("tintin", "int8-acc16") for t in (*ACCUMULATORS, "softmax.row_sum")])
    (tmp_path / "tt_proved_limits.h").write_text(c_header(rep))

    def compile_with(defines: str, std: str) -> int:
        src = tmp_path / "use.c"
        src.write_text(defines + '#include "tt_proved_limits.h"\nint tt_use(void) { return TT_PROVED_MAX_FAN_IN; }\n')
        cmd = ["gcc", f"-std={std}", "-Wall", "-Wextra", "-pedantic", "-Werror", "-c", str(src),
               "-o", str(tmp_path / "use.o")]
        return subprocess.run(cmd, capture_output=True, cwd=tmp_path).returncode

    for std in ("c99", "c11"):
        assert compile_with("#define TT_PROVED_CONFIG_TINTIN\n#define TT_MAX_FAN_IN 784\n", std) == 0
        assert compile_with("#define TT_PROVED_CONFIG_INT8_ACC16\n#define TT_MAX_FAN_IN 784\n", std) != 0


# -- the config's closed-form width checks agree with the proofs -------------------------------

# Which theorems each closed-form width problem (reference.config.width_problems) stands for.
_WIDTH_PROBLEM_THEOREMS = {
    "fine_step.up": {"fine_step.up", "window", "window.header"},
    "softmax.exponent": {"softmax.exponent"},
    "softmax.row_sum": {"softmax.row_sum", "softmax.division"},
}


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_width_checks_refuse_exactly_what_the_proofs_refute(config: str) -> None:
    from tintin.reference.config import width_problems

    refuted = {t for t in EXPECTED_FAILURES[config] if not t.startswith("accumulator.")}
    flagged = width_problems(CONFIGS[config])
    assert set().union(*(_WIDTH_PROBLEM_THEOREMS[k] for k in flagged)) == refuted
    for theorem in refuted:  # and the expectation is the proof's real outcome
        assert result(theorem, config).result == FAILED


def test_lenet5_batch_256_on_mnist_fails_the_conv_gradient_limit(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """conv1 of LeNet-5 on 28x28 at batch 256 sums 256 * 784 = 200,704 products: refuted."""
    from tintin.cli import main

    code = main(["prove", "--theorem", "accumulator.conv_gradient", "--conv-gradient-terms", str(256 * 784),
                 "--out", str(tmp_path), "--jobs", "1"])
    assert code == 1 and "200704" in capsys.readouterr().err
    assert main(["prove", "--theorem", "accumulator.conv_gradient", "--conv-gradient-terms", str(169 * 784),
                 "--out", str(tmp_path), "--jobs", "1"]) == 0


def test_the_kernels_header_is_the_proved_one() -> None:
    """c_kernels/include/tt_proved_limits.h (which the kernel build static-asserts against)
    is exactly what the proofs give today for every shipped width config."""
    committed = Path(__file__).resolve().parents[2] / "c_kernels" / "include" / "tt_proved_limits.h"
    fresh = c_header(_report([(t, c) for c in CONFIG_NAMES for t in T.names()]))
    assert committed.read_text() == fresh, (
        "regenerate it: tintin prove --config all --expected-ok --header-out c_kernels/include/tt_proved_limits.h")
