"""The counterexample file the golden suites read (golden_vectors/proof_counterexamples.json).

- `tintin prove --cases-out` writes it as stable JSON (sorted ids, sorted keys, no times);
- every committed entry, of every config, still does what it records when replayed on the
  exact oracle with its config (and its mutant): it overflows, or it breaks the theorem's
  contract. The entries of the width configs without C kernels (int16-acc32, int8-acc16)
  are checked only here;
- a fresh `tintin prove --config all --mutants` finds the same ids (Z3 may pick other values,
  so the values are re-verified by the replay above, not compared).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tintin.proofs import configs as C
from tintin.proofs import mutants as MU
from tintin.proofs import runner
from tintin.proofs import theorems as T
from tintin.proofs.prover import Replay, evaluate
from tintin.proofs.report import CASES_FORMAT, Report, counterexample_cases_doc, dumps_counterexample_cases

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "golden_vectors" / "proof_counterexamples.json"
TIMEOUT = 120.0
C_KERNEL_CONFIGS = ("tintin", "niti")


@cache
def committed() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="ascii"))


def entry_ids(kind: str) -> list[str]:
    """Ids of the committed entries of the C configs ("c") or of the other width configs."""
    return [e["id"] for e in committed()["cases"] if (e["config"] in C_KERNEL_CONFIGS) == (kind == "c")]


def replay(e: dict[str, Any]) -> Replay:
    """The entry's theorem on its inputs with the exact oracle, under its config and mutant."""
    th = T.get(e["theorem"])
    inputs = dict(e["inputs"])
    if th.to_case is not None:  # a dot product: `terms` equal products x_fill * w_fill
        assert e["theorem"].startswith("accumulator."), e["id"]
        k = inputs["terms"] - 1
        inputs = {"k": k, "s": k * inputs["x_fill"] * inputs["w_fill"], "a": inputs["x_fill"], "b": inputs["w_fill"]}
    mutant = MU.get(e["mutant"]) if e["mutant"] else None
    with mutant.patch() if mutant else contextlib.nullcontext():
        return evaluate(th, C.CONFIGS[e["config"]], inputs, ops_bits=mutant.ops_bits if mutant else None)


def test_committed_file_is_stable_json() -> None:
    doc = committed()
    assert doc["format"] == CASES_FORMAT and doc["format_version"] == 1
    assert COMMITTED.read_text(encoding="ascii") == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    ids = [e["id"] for e in doc["cases"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    # It covers every config and mutant, so a fresh run of the same can be compared with it.
    assert doc["configs"] == list(C.CONFIGS) and doc["mutants"] == [m.name for m in MU.MUTANTS]
    assert doc["targets"] == asdict(C.Targets())
    fields = {"id", "theorem", "config", "kernel", "kernels", "kind", "mutant", "comment", "flags", "inputs"}
    for e in doc["cases"]:
        assert fields <= set(e), e["id"]
        assert e["flags"][0] == "proof-counterexample" and e["flags"][1] in ("overflow", "contract"), e["id"]
        assert all(type(v) is int for v in e["inputs"].values()), e["id"]
        assert (e["kind"] == "counterexample") or e["kind"].startswith("boundary "), e["id"]
        assert not e["mutant"] or e["id"].endswith("." + e["mutant"]), e["id"]


@pytest.mark.parametrize("kind", ["other-widths", "c"])
def test_committed_entries_replay_as_recorded(kind: str) -> None:
    """Every entry still overflows ("overflow") or breaks a claim ("contract") on the oracle."""
    ids = entry_ids(kind)
    assert ids
    by_id = {e["id"]: e for e in committed()["cases"]}
    for entry_id in ids:
        e = by_id[entry_id]
        r = replay(e)
        if e["flags"][1] == "overflow":
            assert r.overflow, f"{entry_id}: no overflow any more ({r.failed_claims or 'claims hold'})"
        else:
            assert r.overflow is None and r.failed_claims, f"{entry_id}: {r.overflow or 'the claims hold'}"


def test_other_width_configs_are_in_the_file() -> None:
    configs = {e["config"] for e in committed()["cases"] if e["id"] in set(entry_ids("other-widths"))}
    assert configs == {"int16-acc32", "int8-acc16"}


def test_cases_out_writes_the_stable_file(tmp_path: Path) -> None:
    from tintin.cli import main

    out = tmp_path / "cx.json"
    argv = ["prove", "--config", "int8-acc16", "--theorem", "fine_step", "--jobs", "1", "--expected-ok"]
    assert main([*argv, "--out", str(tmp_path / "r"), "--cases-out", str(out)]) == 0
    text = out.read_text(encoding="ascii")
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    assert doc["configs"] == ["int8-acc16"] and doc["mutants"] == []
    ids = [e["id"] for e in doc["cases"]]
    assert ids == sorted(ids) and "int8-acc16.fine_step.up.counterexample" in ids
    assert all(e["mutant"] == "" for e in doc["cases"])


def test_mutant_entries_name_their_mutant() -> None:
    mu = MU.get("carry-mask-off-by-one")
    report = Report([], {mu.config: C.CONFIGS[mu.config]}, C.Targets(), 0.0, mutants=[mu.run(TIMEOUT)])
    [case] = counterexample_cases_doc(report)["cases"]
    assert case["mutant"] == mu.name and case["id"] == "tintin.rounding.rshift_round.counterexample." + mu.name
    assert dumps_counterexample_cases(report) == dumps_counterexample_cases(report)


@pytest.mark.slow
def test_a_fresh_prove_finds_the_committed_ids() -> None:
    """`tintin prove --config all --mutants` now: the same counterexample ids as the committed file."""
    doc = committed()
    saved = C.targets()
    C.set_targets(C.Targets(**doc["targets"]))
    try:
        report = runner.prove([C.CONFIGS[n] for n in doc["configs"]], timeout_s=TIMEOUT, jobs=1)
        report.mutants = [MU.get(n).run(TIMEOUT) for n in doc["mutants"]]
    finally:
        C.set_targets(saved)
    fresh = [e["id"] for e in counterexample_cases_doc(report)["cases"]]
    committed_ids = [e["id"] for e in doc["cases"]]
    assert fresh == committed_ids, (
        f"new: {sorted(set(fresh) - set(committed_ids))}; gone: {sorted(set(committed_ids) - set(fresh))}; "
        "regenerate with `tintin prove --config all --mutants --expected-ok --cases-out "
        "golden_vectors/proof_counterexamples.json`, then `tintin golden generate`"
    )
