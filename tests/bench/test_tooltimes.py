"""Section (d)'s one-line summary of a proof report."""

from __future__ import annotations

from tintin.bench.tooltimes import proof_summary


def test_proof_summary_counts_each_outcome() -> None:
    runs = [{"result": "proved", "expected_failure": False}] * 3 + [
        {"result": "FAILED", "expected_failure": True},
        {"result": "FAILED", "expected_failure": False},
        {"result": "proved", "expected_failure": True},  # proved where a failure was expected: not "as expected"
    ]
    report = {"results": runs, "configs": {"a": {}, "b": {}}, "mutants": [{"result": "FAILED"}, {"result": "proved"}]}
    assert proof_summary(report) == ("6 theorem runs on 2 configs: 4 proved, 1 failed as expected (narrow widths), "
                                     "1 failed unexpectedly; 1 of 2 mutants refuted")
