"""BENCHMARKS.md's mutation section: read from committed `tintin mutate` reports, never run."""

from __future__ import annotations

import json
from pathlib import Path

from tintin.bench import mutation, report


def _report(folder: Path, killed: int, survived: int, wall_s: float, command: str, targets: list[str],
            fingerprint: str | None = None) -> None:
    folder.mkdir(parents=True)
    counts = {"killed": killed, "survived": survived, "did-not-build": 7, "equivalent": 3}
    score = 100.0 * killed / (killed + survived)
    body = {"format": "tintin-mutate", "targets": targets, "sample": None, "population": killed + survived + 10,
            "counts": counts, "score": score,
            "score_line": f"mutation score {score:.1f}% (killed {killed} of {killed + survived}; 7 did not build)",
            "wall_s": wall_s, "command": command, "mutants": [{}] * (killed + survived + 10),
            "fingerprint": fingerprint if fingerprint is not None else mutation._reference_fingerprint()}
    (folder / "mutate.json").write_text(json.dumps(body))


def test_section_states_score_counts_time_and_command(tmp_path: Path) -> None:
    _report(tmp_path / "mutation-host", 190, 10, 2400.0, "tintin mutate --jobs 2", ["host"])
    m = mutation.summaries(tmp_path)
    assert [r["name"] for r in m["runs"]] == ["mutation-host"]
    assert [x["name"] for x in m["missing"]] == ["mutation-m4-dsp"]
    text = "\n".join(report._mutation({"mutation": m}))
    row = next(line for line in text.splitlines() if line.startswith("| [mutation-host]"))
    assert "| 95.0% | 190 / 200 | 7 | 3 | all 210 | 40.0 min | `tintin mutate --jobs 2` |" in row
    assert "Not committed yet: mutation-m4-dsp" in text


def test_a_report_of_other_kernels_or_goldens_is_marked_stale(tmp_path: Path) -> None:
    _report(tmp_path / "mutation-host", 190, 10, 2400.0, "tintin mutate --jobs 2", ["host"], fingerprint="0" * 16)
    text = "\n".join(report._mutation({"mutation": mutation.summaries(tmp_path)}))
    assert "| 95.0% (stale) |" in text and "rerun its command" in text


def test_no_section_for_a_json_without_it() -> None:
    assert report._mutation({}) == []


def test_unreadable_report_is_shown(tmp_path: Path) -> None:
    (tmp_path / "mutation-host").mkdir()
    (tmp_path / "mutation-host" / "mutate.json").write_text("{not json")
    m = mutation.summaries(tmp_path)
    assert "error" in m["runs"][0]
    assert "unreadable" in "\n".join(report._mutation({"mutation": m}))


def test_mutation_only_rereads_the_reports_and_keeps_every_measured_number(tmp_path: Path, capsys) -> None:
    from tintin.cli import main

    committed = Path(__file__).resolve().parents[2] / "benchmarks.json"
    before = json.loads(committed.read_text())
    before["mutation"] = {"runs": [], "missing": []}  # as if no report had been committed then
    (tmp_path / "benchmarks.json").write_text(json.dumps(before))
    assert main(["bench", "--mutation-only", "--out", str(tmp_path)]) == 0
    after = json.loads((tmp_path / "benchmarks.json").read_text())
    assert after["mutation"] == mutation.summaries()
    assert {k: v for k, v in after.items() if k != "mutation"} == {k: v for k, v in before.items() if k != "mutation"}
    assert (tmp_path / "BENCHMARKS.md").read_text() == report.render(after)


def test_mutation_only_needs_a_full_run_first(tmp_path: Path, capsys) -> None:
    from tintin.cli import main

    assert main(["bench", "--mutation-only", "--out", str(tmp_path)]) == 2
    assert "--mutation-only needs the benchmarks.json" in capsys.readouterr().err
