"""Golden cases made from proof counterexamples (golden_vectors/suites/proof_cases.py).

- every entry of the C configs (tintin, niti) in golden_vectors/proof_counterexamples.json
  is a golden case or is skipped with a reason, never both, never neither;
- the committed goldens hold exactly the planned cases, after each suite's own cases;
- a mutant's case really shows the mutant's bug (the oracle under the mutant overflows or
  gives other outputs), and a rejection case comes from a boundary;
- the skips are the sizes the kernels refuse and the findings where the oracle accepts an
  input outside the proved domain;
- the limits the planner uses are those of c_kernels/include/tintin.h.

Regeneration (`tintin golden check`) and the oracle check of every stored case are in
test_suites.py; the replay of the entries themselves is in tests/proofs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tintin.golden.format import EXPECT_STATUS, STATUS_CODES, Case, load_suite
from tintin.golden.generate import DATA_DIR
from tintin.golden.suites import KERNEL_SUITES, proof_cases
from tintin.golden.suites._common import PROOF_FLAG, to_golden
from tintin.reference.ops import OracleOverflow, PyOps

REPO = Path(__file__).resolve().parents[2]
TINTIN_H = REPO / "c_kernels" / "include" / "tintin.h"


def committed(name: str) -> list[Case]:
    return list(load_suite(DATA_DIR / f"{name}.ci.json", schema=False).cases)


def test_limits_are_those_of_tintin_h() -> None:
    text = TINTIN_H.read_text()
    m = re.search(r"#define TT_MAX_ELEMENTS (\d+)u?\b", text)
    assert m and int(m.group(1)) == proof_cases.TT_MAX_ELEMENTS
    enum = dict(re.findall(r"\b(TT_ERR_[A-Z]+) = (\d+)", text))
    assert {k: int(v) for k, v in enum.items()} == STATUS_CODES


def test_every_c_entry_is_a_case_or_skipped() -> None:
    planned, skipped = proof_cases.planned(), proof_cases.skipped()
    in_cases = [e for p in planned for e in p.entries]
    in_skipped = [s.entry for s in skipped]
    assert len(in_cases) == len(set(in_cases)) and len(in_skipped) == len(set(in_skipped))
    assert not set(in_cases) & set(in_skipped)
    assert sorted(in_cases + in_skipped) == sorted(e["id"] for e in proof_cases.c_entries())
    assert all(s.reason for s in skipped)
    # The other width configs have no C kernels: no case comes from them.
    assert {e.split(".")[0] for e in in_cases} <= set(proof_cases.C_CONFIGS)


def test_committed_goldens_hold_exactly_the_planned_cases() -> None:
    planned = proof_cases.planned()
    for name in KERNEL_SUITES:
        mine = [p for p in planned if p.suite == name]
        cases = committed(name)
        proof = [c for c in cases if PROOF_FLAG in c.flags]
        assert proof == cases[len(cases) - len(proof) :], f"{name}: proof cases must come last"
        assert len(proof) == len(mine), name
        for p, c in zip(mine, proof, strict=True):
            assert re.fullmatch(rf"{name}/{p.edge}-\d{{4}}", c.id), c.id
            assert (c.comment, c.flags, c.params) == (p.comment, p.flags, p.params), c.id
            assert list(c.inputs) == list(p.inputs), c.id
            for tname, arr in p.inputs.items():
                assert c.inputs[tname].to_numpy().tolist() == np.asarray(arr).tolist(), (c.id, tname)
            assert all(e in c.comment for e in p.entries), c.id


def test_case_kinds() -> None:
    """A mutant's counterexample lies inside the rule's domain; a rejection is a boundary."""
    planned = proof_cases.planned()
    assert planned
    for p in planned:
        if p.expect_status is None:
            assert "mutant" in p.flags and "rejection" not in p.flags, p.entries
        else:
            assert {"boundary", "rejection"} <= set(p.flags), p.entries
            assert p.expect_status in (STATUS_CODES["TT_ERR_RANGE"], STATUS_CODES["TT_ERR_HEADER"]), p.entries
    statuses = {p.expect_status for p in planned}
    assert {None, STATUS_CODES["TT_ERR_RANGE"], STATUS_CODES["TT_ERR_HEADER"]} <= statuses


def test_a_mutant_case_shows_the_mutant() -> None:
    """Under the mutant the oracle overflows or gives other outputs than the stored ones."""
    from tintin.proofs import mutants as MU  # imports z3 (to build no query): only this test needs it

    entries = {e["id"]: e for e in proof_cases.c_entries()}
    shown = 0
    for p in proof_cases.planned():
        if p.expect_status is not None:
            continue
        ks = KERNEL_SUITES[p.suite]
        mutant = MU.get(entries[p.entries[0]]["mutant"])
        good = ks.oracle(p.inputs, p.params)
        with mutant.patch():
            try:
                raw = ks.fn(PyOps(mutant.ops_bits or ks.cfg.acc_bits), ks.cfg, p.inputs, p.params)
                bad = {k: to_golden(raw[k], dtype, k) for k, dtype in ks.outputs.items()}
            except (OracleOverflow, ValueError):
                shown += 1
                continue
        assert any(not np.array_equal(good[k], bad[k]) for k in good), f"{p.entries}: the mutant gives the same"
        shown += 1
    assert shown >= 4


def test_skips_are_sizes_or_findings() -> None:
    entries = {e["id"]: e for e in proof_cases.c_entries()}
    for s in proof_cases.skipped():
        e = entries[s.entry]
        if s.reason.startswith("finding:"):  # the oracle accepts a boundary input: reported, no case
            assert not e["mutant"] and e["kind"].startswith("boundary"), s
            continue
        assert e["theorem"].startswith("accumulator.") or e["theorem"] == "softmax.row_sum", s
        n = e["inputs"]["terms"] if "terms" in e["inputs"] else e["inputs"]["c"] + 1
        assert n > proof_cases.TT_MAX_ELEMENTS or 2 * n > proof_cases.MAX_CASE_TENSOR_BYTES, s
        assert str(n) in s.reason, s


def test_rejection_cases_hold_no_outputs() -> None:
    for name in KERNEL_SUITES:
        for c in committed(name):
            assert c.is_rejection == (EXPECT_STATUS in c.params)
            if c.is_rejection:  # from a proof, or from the domain the suite documents (_common.domain_status)
                assert not c.outputs and "rejection" in c.flags, c.id
                domain = {"payload-128", "shift-range", "null-argument", "config-refused", "empty", "header-form"}
                assert PROOF_FLAG in c.flags or domain & set(c.flags), c.id


@pytest.mark.parametrize("theorem", sorted(proof_cases.ROUTES))
def test_routes_name_real_suites(theorem: str) -> None:
    route = proof_cases.ROUTES[theorem]
    suites = [route.suite] if isinstance(route.suite, str) else [route.suite({"config": c}) for c in ("tintin", "niti")]
    for suite in suites:
        assert suite in KERNEL_SUITES, (theorem, suite)
