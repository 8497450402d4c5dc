"""Conformance of the C kernels against the CI goldens on the host and every Cortex-M core.

One full `tintin conformance --target all` run is shared by the tests here (and across
pytest-xdist workers, through a lock file), so the file costs about one run. A corrupted copy
of the goldens must be reported at exactly the changed value, and bad requests must end in a
clear error with exit status 2.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.golden.format import Case, Suite, Tensor, load_suite, write_suite
from tintin.golden.generate import DATA_DIR
from tintin.kernels.driver.conformance import (
    KNOWN_SUITES,
    ProgramResult,
    SuiteResult,
    apply_run,
    group_headers,
    main_source,
)
from tintin.kernels.driver.report import JSON_NAME, JUNIT_NAME, MARKDOWN_NAME
from tintin.kernels.driver.run import RENODE_SKIP_REASON, RunResult
from tintin.kernels.driver.targets import ALL_TARGETS, BUILD_TARGETS, CORTEX_M_TARGETS, RENODE_TARGETS, TARGETS

TOOLS = (pytest.mark.toolchain, pytest.mark.qemu)
CI_SUITES = sorted(p.name.removesuffix(".ci.json") for p in DATA_DIR.glob("*.ci.json"))


@dataclass(frozen=True)
class Run:
    exit_code: int
    report: dict
    markdown: str
    junit: ET.Element
    out: Path


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _cli_run(out: Path, build: Path, *extra: str) -> Run:
    code = main(["conformance", "--out", str(out), "--build-dir", str(build), "--no-progress", "--jobs", "2",
                 "--timeout", "120", *extra])
    return _load(code, out)


def _load(code: int, out: Path) -> Run:
    return Run(code, json.loads((out / JSON_NAME).read_text()), (out / MARKDOWN_NAME).read_text(),
               ET.parse(out / JUNIT_NAME).getroot(), out)


@pytest.fixture(scope="module")
def full(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """`tintin conformance --target all` on the CI goldens, run once per session."""
    worker = getattr(request.config, "workerinput", None)
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if worker is not None else base) / "conformance-ci"
    with _locked(root / "lock"):
        done = root / "exit_code"
        if not done.is_file():
            code = _cli_run(root / "out", root / "build", "--target", "all").exit_code
            done.write_text(str(code))
        return _load(int(done.read_text()), root / "out")


def _results(run: Run, target: str) -> dict[str, dict]:
    return {r["suite"]: r for r in run.report["results"] if r["target"] == target}


# ---- the full CI-level run ---------------------------------------------------------------------


@pytest.mark.toolchain
@pytest.mark.qemu
@pytest.mark.parametrize("target", BUILD_TARGETS)
def test_ci_conformance_passes(full: Run, target: str) -> None:
    results = _results(full, target)
    assert sorted(results) == CI_SUITES
    bad = {s: r["first_failure"] for s, r in results.items() if r["state"] != "passed"}
    assert not bad, f"{target}: {json.dumps(bad, indent=1)}"
    for suite, r in results.items():
        assert r["cases"] == r["passed"] == r["total"] > 0 and r["failed"] == 0, (target, suite, r)


@pytest.mark.toolchain
@pytest.mark.qemu
def test_run_exits_zero_and_covers_every_suite(full: Run) -> None:
    assert full.exit_code == 0, full.markdown
    assert full.report["ok"] is True
    assert sorted(full.report["suites"]) == CI_SUITES
    assert set(CI_SUITES) <= set(KNOWN_SUITES), "a golden suite has no C runner"
    assert full.report["targets"] == list(ALL_TARGETS)


@pytest.mark.toolchain
@pytest.mark.qemu
def test_kernel_objects_have_no_float_or_64bit_helpers(full: Run) -> None:
    checks = {k["target"]: k for k in full.report["kernel_checks"]}
    assert sorted(checks) == sorted(CORTEX_M_TARGETS)
    for target, k in checks.items():
        assert k["error"] == "" and k["helpers"] == [] and k["clean"], (target, k)
        assert k["size"]["text"] > 1000 and k["size"]["data"] == 0, (target, k["size"])


@pytest.mark.toolchain
@pytest.mark.qemu
def test_programs_fit_their_boards(full: Run) -> None:
    programs = full.report["programs"]
    renode_ran = shutil.which("renode-test") is not None
    assert {p["target"] for p in programs} == set(ALL_TARGETS if renode_ran else BUILD_TARGETS)
    for p in programs:
        assert p["passed"] and p["arena_peak"] <= p["arena_limit"], p
        t = TARGETS[p["target"]]
        if t.flash is not None and t.ram is not None:
            size = p["size"]
            assert size["text"] + size["data"] <= t.flash.length, p
            assert size["data"] + size["bss"] < t.ram.length, p
    # 256 KB of flash cannot hold every CI golden at once: the M0+ gets several programs.
    assert sum(p["target"] == "m0plus" for p in programs) >= 2


@pytest.mark.toolchain
@pytest.mark.qemu
@pytest.mark.parametrize("target", RENODE_TARGETS)
def test_renode_columns(full: Run, target: str) -> None:
    """Listed by --target all; skipped with how to install Renode when it is absent (in CI too)."""
    cells = _results(full, target)
    assert sorted(cells) == CI_SUITES
    if shutil.which("renode-test") is None:
        assert {r["state"] for r in cells.values()} == {"skipped"}
        assert {r["detail"] for r in cells.values()} == {RENODE_SKIP_REASON}
        assert RENODE_SKIP_REASON in full.markdown
    else:
        for suite, r in cells.items():
            assert r["state"] == "passed" and r["cases"] == r["passed"] == r["total"] > 0, (target, suite, r)


@pytest.mark.toolchain
@pytest.mark.qemu
def test_reports_are_consistent(full: Run) -> None:
    results = full.report["results"]
    assert len(results) == len(CI_SUITES) * len(full.report["targets"])
    assert full.report["failing_cases"] == [] and all(r["failures"] == [] for r in results)
    # JUnit: one testsuite per target column, one testcase per golden case, plus the kernel-object checks.
    suites = {s.get("name"): s for s in full.junit.findall("testsuite")}
    assert set(suites) == {f"conformance.{t}" for t in full.report["targets"]} | {"conformance.kernel-objects"}
    case_ids = {s: [c.id for c in load_suite(DATA_DIR / f"{s}.ci.json").cases] for s in CI_SUITES}
    for target in full.report["targets"]:
        el = suites[f"conformance.{target}"]
        for suite, r in _results(full, target).items():
            cases = [c for c in el.findall("testcase") if c.get("classname") == f"conformance.{target}.{suite}"]
            assert [c.get("name") for c in cases] == case_ids[suite], (target, suite)
            assert all(c.find("failure") is None for c in cases)
            assert all((c.find("skipped") is not None) == (r["state"] == "skipped") for c in cases)
            assert sum(r["families"][f]["cases"] for f in r["families"]) == r["total"]
        assert int(el.get("tests")) == sum(map(len, case_ids.values())) and int(el.get("failures")) == 0
    assert int(full.junit.get("failures")) == 0
    assert int(full.junit.get("skipped")) == sum(r["total"] for r in results if r["state"] == "skipped")
    assert len(suites["conformance.kernel-objects"].findall("testcase")) == len(CORTEX_M_TARGETS)
    # Markdown: the table has one row per suite with the JSON's passed/total in each target cell.
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in full.markdown.splitlines() if line.startswith("| ") and line.split("|")[1].strip() in CI_SUITES}
    assert sorted(rows) == CI_SUITES
    for suite, cells in rows.items():
        for target, cell in zip(full.report["targets"], cells, strict=True):
            r = next(r for r in results if r["suite"] == suite and r["target"] == target)
            assert cell == (f"{r['passed']}/{r['total']}" if r["state"] == "passed" else r["state"])
    assert "**PASSED**" in full.markdown and "| m0plus | none |" in full.markdown


# ---- a corrupted golden ---------------------------------------------------------------------------


def _corrupt(suite: Suite, case_index: int, changes: dict[str, list[int]]) -> tuple[Suite, str, list[dict]]:
    """A copy of suite with output values of one case changed (tensor -> indices); returns it, the
    case id and, per changed tensor in output order, the record its MISMATCH line must give."""
    case = suite.cases[case_index]
    outputs = dict(case.outputs)
    records = []
    for name in (n for n in case.outputs if n in changes):
        t = outputs[name]
        data = list(t.data)
        for i in changes[name]:
            data[i] = data[i] + 1 if data[i] < 127 else data[i] - 1
        outputs[name] = Tensor(t.dtype, t.shape, tuple(data))
        first = min(changes[name])
        step = int(name[4:name.index("/")]) if name.startswith("step") else None
        records.append({"case": case.id, "kind": "mismatch", "step": step, "tensor": name, "index": first,
                        "expected": str(data[first]), "actual": str(t.data[first]),
                        "differing": len(changes[name]), "count": len(data)})
    cases = list(suite.cases)
    cases[case_index] = Case(case.id, case.comment, case.flags, case.inputs, outputs, case.params)
    return _with_cases(suite, cases), case.id, records


def _with_cases(suite: Suite, cases: list[Case]) -> Suite:
    return Suite(suite.name, suite.kernel, suite.description, suite.level, suite.spec_version, suite.config,
                 suite.generator, tuple(cases))


def _c_define(folder: Path, header: str, name: str) -> int:
    """A numeric #define of a C header, as the programs are built with it."""
    import re

    return int(re.search(rf"#define {name} (\d+)u", (Path(folder) / header).read_text()).group(1))


def _case_mismatch_max() -> int:
    from tintin.kernels.driver.program_sources import CONF_DIR

    return _c_define(CONF_DIR, "tt_conf_limits.h", "TT_CONF_CASE_MISMATCH_MAX")


CORRUPT_TARGETS = ("host", "m0plus", "m4")


@pytest.mark.toolchain
@pytest.mark.qemu
def test_every_corrupted_case_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several wrong cases in three suites, values and a status: each one is in the console table,
    the JSON and the JUnit report of every target, with its step, tensor, first index, values and
    differing count; a case with more wrong tensors than the harness prints stays one case."""
    data = tmp_path / "data"
    data.mkdir()
    window = load_suite(DATA_DIR / "window.ci.json")
    window, _, w1 = _corrupt(window, 5, {"q": [4]})
    window, _, w2 = _corrupt(window, 7, {"q": [0, 2, 5]})
    train = load_suite(DATA_DIR / "train_step_mlp_tintin.ci.json")
    step1 = [n for n in train.cases[1].outputs if n.startswith("step1/")]
    assert len(step1) > _case_mismatch_max()
    train, t_case, t_all = _corrupt(train, 1, {n: [0] for n in step1})
    dense = load_suite(DATA_DIR / "dense_forward.ci.json")
    dense, _, d1 = _corrupt(dense, 12, {"y": [1, 3, 5, 7]})
    bad = dense.cases[0]  # an input the kernel must refuse
    bad = Case(bad.id, bad.comment, bad.flags, {**bad.inputs, "h_x": Tensor("int8", (3,), (-7, 3, 0))},
               bad.outputs, bad.params)
    dense = _with_cases(dense, [bad, *dense.cases[1:]])
    status = {"case": bad.id, "kind": "status", "step": None, "tensor": None, "index": None,
              "expected": "TT_OK", "actual": "TT_ERR_RANGE", "differing": None, "count": None}
    for suite in (window, train, dense, load_suite(DATA_DIR / "relu_forward.ci.json")):
        write_suite(suite, data / f"{suite.name}.ci.json")
    want = {"window": [*w1, *w2], "train_step_mlp_tintin": t_all[:1], "dense_forward": [status, *d1]}
    fields = ("case", "kind", "step", "tensor", "index", "expected", "actual", "differing", "count")

    run = _cli_run(tmp_path / "out", tmp_path / "build", "--target", ",".join(CORRUPT_TARGETS), "--data", str(data),
                   "--max-failures", "0")
    printed = capsys.readouterr().out
    assert run.exit_code == 1

    # JSON: every failing case once per target, and nothing else.
    for target in CORRUPT_TARGETS:
        results = _results(run, target)
        assert results["relu_forward"]["state"] == "passed" and results["relu_forward"]["failures"] == []
        for suite, records in want.items():
            r = results[suite]
            assert (r["state"], r["failed"], r["passed"]) == ("failed", len(records), r["total"] - len(records))
            assert [{k: f[k] for k in fields} for f in r["failures"]] == records, (target, suite)
            failing_families = {fam for fam, c in r["families"].items() if c["failed"]}
            assert sum(c["failed"] for c in r["families"].values()) == len(records)
            assert failing_families == {rec["case"].split("/")[1].split("-")[0] for rec in records}
        # The train case's other wrong tensors: printed up to the harness's bound, then only counted.
        notes = next(f for f in results["train_step_mlp_tintin"]["failures"] if f["case"] == t_case)["notes"]
        mismatches = [n for n in notes if n.startswith("MISMATCH ")]
        assert len(mismatches) == _case_mismatch_max() - 1
        assert all(f" step=1 tensor={rec['tensor']} " in n for n, rec in zip(mismatches, t_all[1:], strict=False))
    flat = [(f["target"], f["suite"], f["case"]) for f in run.report["failing_cases"]]
    assert sorted(flat) == sorted((t, s, rec["case"]) for t in CORRUPT_TARGETS for s, recs in want.items()
                                  for rec in recs)

    # Console: one row per failing case (the targets merged), each with its values, and the families.
    rows = [line for line in printed.splitlines() if line.startswith(f"| {', '.join(CORRUPT_TARGETS)} | ")]
    assert len(rows) == sum(map(len, want.values())), printed
    for suite, records in want.items():
        for rec in records:
            row = next(r for r in rows if f"| {suite} | {rec['case']} |" in r)
            if rec["kind"] == "mismatch":
                assert f"| {rec['tensor']} | {rec['index']} | {rec['expected']} | {rec['actual']} | " \
                       f"{rec['differing']} of {rec['count']} |" in row, row
            else:
                assert "| status of tt_dense_forward | - | TT_OK | TT_ERR_RANGE |" in row, row
        assert f"{suite} on {', '.join(CORRUPT_TARGETS)}: failing families " in printed
    assert "more failing cases" not in printed and "conformance FAILED" in printed

    # JUnit: one testcase per golden case; exactly the corrupted ones fail, with their lines.
    for target in CORRUPT_TARGETS:
        el = next(s for s in run.junit.findall("testsuite") if s.get("name") == f"conformance.{target}")
        failed = {(c.get("classname"), c.get("name")): c.find("failure") for c in el.findall("testcase")
                  if c.find("failure") is not None}
        assert sorted(failed) == sorted((f"conformance.{target}.{s}", rec["case"]) for s, recs in want.items()
                                        for rec in recs)
        for f in _results(run, target).values():
            for rec in f["failures"]:
                assert failed[(f"conformance.{target}.{f['suite']}", rec["case"])].get("message") == rec["line"]
        assert int(el.get("failures")) == sum(map(len, want.values()))
        assert int(el.get("tests")) == sum(r["total"] for r in _results(run, target).values())
    md = run.markdown
    assert "## Every failing case" in md and all(rec["case"] in md for recs in want.values() for rec in recs)


@pytest.mark.toolchain
def test_a_wholly_broken_suite_prints_bounded_detail_and_names_every_case(tmp_path: Path) -> None:
    """Every case of a suite wrong: the first cases get their MISMATCH lines up to the suite's
    budget, every later one a FAILED line; each one is still its own entry in JSON and JUnit."""
    from tintin.kernels.driver.build import PACKAGE_DIR

    data = tmp_path / "data"
    data.mkdir()
    window = load_suite(DATA_DIR / "window.ci.json")
    wrong = [c.id for c in window.cases if "q" in c.outputs]  # every case but the rejection ones
    for k, c in enumerate(window.cases):
        if c.id in wrong:
            window, _, _ = _corrupt(window, k, {"q": [0]})
    write_suite(window, data / "window.ci.json")
    budget = _c_define(PACKAGE_DIR / "platform", "tt_harness.h", "TT_SUITE_DETAIL_LINES")
    assert len(wrong) > budget
    run = _cli_run(tmp_path / "out", tmp_path / "build", "--target", "host", "--data", str(data))
    assert run.exit_code == 1
    r = _results(run, "host")["window"]
    assert (r["state"], r["failed"], r["passed"]) == ("failed", len(wrong), r["total"] - len(wrong))
    assert [f["case"] for f in r["failures"]] == wrong
    kinds = [f["kind"] for f in r["failures"]]
    assert kinds == ["mismatch"] * budget + ["muted"] * (len(wrong) - budget)
    assert all(f["notes"] == [] for f in r["failures"])
    failed = [c.get("name") for c in run.junit.iter("testcase") if c.find("failure") is not None]
    assert failed == wrong


# ---- bad requests --------------------------------------------------------------------------------


def test_unknown_target_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--target", "host,m99", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "unknown target(s) m99" in err and "m0plus" in err


def test_unknown_suite_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--target", "host", "--suite", "no_such_suite", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "unknown suite(s) no_such_suite" in err and "dense_forward" in err


def test_missing_goldens_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conformance", "--target", "host", "--level", "thorough", "--data", str(tmp_path),
                 "--no-progress"]) == 2
    assert "tintin golden generate --level thorough" in capsys.readouterr().err


def test_missing_toolchain_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no compiler, no QEMU
    assert main(["conformance", "--target", "m0plus", "--suite", "relu_forward", "--no-progress",
                 "--out", str(tmp_path / "out"), "--build-dir", str(tmp_path / "build")]) == 2
    err = capsys.readouterr().err
    assert "arm-none-eabi-gcc is not installed" in err and "gcc-arm-none-eabi" in err
    assert not (tmp_path / "build").exists()


# ---- driver pieces ----------------------------------------------------------------------------------


def _header(suite: str, part: int | None, size: int) -> object:
    from tintin.golden.emit_c import HeaderInfo

    stem = f"golden_{suite}" + (f"_part{part}" if part is not None else "")
    return HeaderInfo(file=stem + ".h", suite=suite, symbol=stem.replace("golden_", "tt_suite_"), level="ci",
                      part=part, n_parts=1 if part is None else 2, n_cases=2, first_case="a", last_case="b",
                      estimated_bytes=size, source="x.ci.json")


def test_group_headers_packs_to_the_budget() -> None:
    hs = [_header("a", 0, 60), _header("a", 1, 50), _header("b", None, 30), _header("c", None, 90)]
    assert [[h.file for h in g] for g in group_headers(hs, 100)] == [
        ["golden_a_part0.h"], ["golden_a_part1.h", "golden_b.h"], ["golden_c.h"]]
    assert len(group_headers(hs, None)) == 1


def test_main_source_runs_every_part_through_the_dispatcher() -> None:
    text = main_source("m4", "conformance0", [_header("window", 0, 1), _header("window", 1, 1)])
    assert text.count("tt_run_suite(ttc_tt_suite_window_part") == 2
    assert text.count('{"window", tt_run_case_window}') == 1
    assert "tt_finish(" in text and "tt_conf_report_buffers()" in text


def _fake_run(text: str, status: int | None, timed_out: bool = False) -> RunResult:
    lines = tuple(x for x in text.splitlines())
    return RunResult(status=status, stdout=text, stderr="", passed=status == 0 and "~~~ALL TESTS PASSED~~~" in lines,
                     timed_out=timed_out, summary_lines=(), mismatch_lines=())


def test_a_fault_is_charged_to_the_running_suite() -> None:
    headers = [_header("a", None, 1), _header("b", None, 1), _header("c", None, 1)]
    results = {(s, "host"): SuiteResult(s, "host", 2) for s in "abc"}
    text = "TARGET host\nSUMMARY suite=a cases=2 passed=2 failed=0\nFAULT hard fault pc=0x1234\n"
    apply_run(ProgramResult("host", "p", (), ("a", "b", "c")), _fake_run(text, 3), headers, results, "host")
    assert results[("a", "host")].state == "passed"  # finished before the fault
    assert results[("b", "host")].state == "fault"
    assert results[("b", "host")].first_failure == "FAULT hard fault pc=0x1234"
    assert results[("c", "host")].state == "not-run"


def test_a_timeout_marks_unfinished_suites() -> None:
    headers = [_header("a", None, 1), _header("b", None, 1)]
    results = {(s, "host"): SuiteResult(s, "host", 2) for s in "ab"}
    text = "SUMMARY suite=a cases=2 passed=1 failed=1\nMISMATCH suite=a case=x tensor=y index=0 expected=1 actual=2\n"
    apply_run(ProgramResult("host", "p", (), ("a", "b")), _fake_run(text, None, True), headers, results, "host")
    a, b = results[("a", "host")], results[("b", "host")]
    assert (a.state, a.label, a.first_failure) == ("failed", "1/2", text.splitlines()[1])
    assert b.state == "timeout" and "timed out" in (b.first_failure or "")


def test_a_program_that_fails_after_its_suites_is_still_a_failure() -> None:
    headers = [_header("a", None, 1)]
    results = {("a", "host"): SuiteResult("a", "host", 2)}
    text = "SUMMARY suite=a cases=2 passed=2 failed=0\nERROR reason=tt_get: index out of range\n"
    apply_run(ProgramResult("host", "p", (), ("a",)), _fake_run(text, 2), headers, results, "host")
    assert results[("a", "host")].state == "error"
    assert results[("a", "host")].first_failure == "ERROR reason=tt_get: index out of range"


def test_a_suite_split_over_programs_passes_when_every_part_passed() -> None:
    """A large suite on a small board has parts in several programs (thorough level on the M0+)."""
    results = {(s, "m0plus"): SuiteResult(s, "m0plus", 5) for s in "ab"}
    first = [_header("a", 0, 1), _header("a", 1, 1), _header("b", 0, 1)]
    second = [_header("b", 1, 1)]
    text = ("SUMMARY suite=a cases=2 passed=2 failed=0\nSUMMARY suite=a cases=3 passed=3 failed=0\n"
            "SUMMARY suite=b cases=3 passed=3 failed=0\n~~~ALL TESTS PASSED~~~\n")
    apply_run(ProgramResult("m0plus", "p0", (), ("a", "b")), _fake_run(text, 0), first, results, "m0plus")
    assert results[("a", "m0plus")].state == "passed"
    assert results[("b", "m0plus")].state == "not-run"  # its second part has not run yet
    text = "SUMMARY suite=b cases=2 passed=2 failed=0\n~~~ALL TESTS PASSED~~~\n"
    apply_run(ProgramResult("m0plus", "p1", (), ("b",)), _fake_run(text, 0), second, results, "m0plus")
    b = results[("b", "m0plus")]
    assert (b.state, b.label, b.first_failure) == ("passed", "5/5", None)


def test_a_split_suite_stays_failed_when_an_earlier_part_stopped() -> None:
    results = {("a", "m0plus"): SuiteResult("a", "m0plus", 5)}
    text = "SUMMARY suite=a cases=2 passed=2 failed=0\n"  # then the program stops in part 1
    apply_run(ProgramResult("m0plus", "p0", (), ("a",)), _fake_run(text, None, True),
              [_header("a", 0, 1), _header("a", 1, 1)], results, "m0plus")
    assert results[("a", "m0plus")].state == "timeout"
    text = "SUMMARY suite=a cases=3 passed=3 failed=0\n~~~ALL TESTS PASSED~~~\n"
    apply_run(ProgramResult("m0plus", "p1", (), ("a",)), _fake_run(text, 0), [_header("a", 2, 1)], results, "m0plus")
    assert results[("a", "m0plus")].state == "timeout"


def test_a_failed_case_in_a_split_suite_is_a_failure_not_a_program_error() -> None:
    results = {("a", "m0plus"): SuiteResult("a", "m0plus", 5)}
    text = ("MISMATCH suite=a case=a/x-0001 tensor=y index=0 expected=1 actual=2\n"
            "SUMMARY suite=a cases=2 passed=1 failed=1\n")
    apply_run(ProgramResult("m0plus", "p0", (), ("a",)), _fake_run(text, 1), [_header("a", 0, 1)], results, "m0plus")
    assert results[("a", "m0plus")].state == "not-run"  # waiting for its second part
    text = "SUMMARY suite=a cases=3 passed=3 failed=0\n~~~ALL TESTS PASSED~~~\n"
    apply_run(ProgramResult("m0plus", "p1", (), ("a",)), _fake_run(text, 0), [_header("a", 1, 1)], results, "m0plus")
    a = results[("a", "m0plus")]
    assert (a.state, a.label) == ("failed", "4/5") and a.first_failure.startswith("MISMATCH suite=a case=a/x-0001")


def _report_of(results: dict[tuple[str, str], SuiteResult], targets: tuple[str, ...]) -> object:
    from tintin.kernels.driver.results import ConformanceReport

    suites = tuple(dict.fromkeys(s for s, _ in results))
    return ConformanceReport("ci", "x", targets, suites, results, [], [])


def _suite_with_cases(name: str, ids: list[str], target: str = "host") -> SuiteResult:
    from tintin.kernels.driver.results import case_family

    return SuiteResult(name, target, len(ids), case_ids=tuple(ids), families={i: case_family(i) for i in ids})


def test_every_failure_line_becomes_one_record_per_case() -> None:
    ids = [f"a/edges-{k:04d}" for k in range(2)] + [f"a/random-{k:04d}" for k in range(2, 5)]
    results = {("a", "host"): _suite_with_cases("a", ids)}
    text = (
        "MISMATCH suite=a case=a/edges-0000 tensor=y index=7 expected=3 actual=2 differing=37 of=64\n"
        "MISMATCH suite=a case=a/edges-0000 tensor=h index=0 expected=-7 actual=-6 differing=1 of=3\n"
        "STATUS suite=a case=a/random-0003 step=2 kernel=tt_k status=TT_ERR_RANGE expected=TT_OK\n"
        "ERROR suite=a case=a/random-0003 step=2 reason=the failure above happened 'x=1 y'\n"
        "MISMATCH suite=a case=a/random-0004 tensor=step4/layer0/w index=1 expected=5 actual=6\n"  # older line
        "SUMMARY suite=a cases=5 passed=2 failed=3\n~~~SOME TESTS FAILED~~~\n"
    )
    apply_run(ProgramResult("host", "p", (), ("a",)), _fake_run(text, 1), [_header("a", None, 1)], results, "host")
    r = results[("a", "host")]
    assert r.state == "failed" and r.first_failure == text.splitlines()[0]
    got = [(f.case, f.kind, f.step, f.tensor, f.index, f.expected, f.actual, f.differing, f.count, f.kernel)
           for f in r.failures]
    assert got == [
        ("a/edges-0000", "mismatch", None, "y", 7, "3", "2", 37, 64, None),
        ("a/random-0003", "status", 2, None, None, "TT_OK", "TT_ERR_RANGE", None, None, "tt_k"),
        ("a/random-0004", "mismatch", 4, "step4/layer0/w", 1, "5", "6", None, None, None),
    ]
    assert r.failures[0].notes == [text.splitlines()[1]] and r.failures[1].notes == [text.splitlines()[3]]
    assert r.failures[0].what == "expected 3, got 2 (37 of 64 elements differ)"
    assert r.family_counts() == {"edges": (2, 1), "random": (3, 2)}


def test_console_table_is_capped_and_merges_targets() -> None:
    from tintin.kernels.driver.report import failure_table, family_summary, to_junit

    ids = [f"a/headers-{k:04d}" for k in range(6)] + ["a/proof-x-0006"]
    results = {("a", t): _suite_with_cases("a", ids, t) for t in ("host", "m4")}
    lines = "".join(f"MISMATCH suite=a case=a/headers-{k:04d} tensor=y index={k} expected=1 actual=0 differing=1 "
                    f"of=8\n" for k in range(5))
    text = lines + "SUMMARY suite=a cases=7 passed=2 failed=5\n"
    for t in ("host", "m4"):
        apply_run(ProgramResult(t, "p", (), ("a",)), _fake_run(text, 1), [_header("a", None, 1)], results, t)
    report = _report_of(results, ("host", "m4"))
    every = failure_table(report, 0).splitlines()
    assert len(every) == 2 + 5 and all(row.startswith("| host, m4 | a | a/headers-") for row in every[2:])
    capped = failure_table(report, 2).splitlines()
    assert capped[2:4] == every[2:4] and capped[4].startswith("... and 3 more failing cases")
    assert family_summary(report) == ["a on host, m4: failing families headers 5/6; passing proof"]
    junit = to_junit(report).getroot()
    for t in ("host", "m4"):
        el = next(s for s in junit.findall("testsuite") if s.get("name") == f"conformance.{t}")
        assert [c.get("name") for c in el.findall("testcase")] == ids
        assert (el.get("tests"), el.get("failures"), el.get("skipped")) == ("7", "5", "0")


def test_a_suite_that_did_not_finish_has_a_suite_testcase_and_unknown_cases() -> None:
    from tintin.kernels.driver.report import to_junit

    results = {("a", "host"): _suite_with_cases("a", ["a/x-0000", "a/x-0001", "a/y-0002"])}
    text = "MISMATCH suite=a case=a/x-0000 tensor=y index=0 expected=1 actual=2 differing=1 of=1\nFAULT hard fault\n"
    apply_run(ProgramResult("host", "p", (), ("a",)), _fake_run(text, 3), [_header("a", None, 1)], results, "host")
    r = results[("a", "host")]
    assert r.state == "fault" and [f.case for f in r.failures] == ["a/x-0000", None]
    el = to_junit(_report_of(results, ("host",))).getroot().find("testsuite")
    outcome = {c.get("name"): ("failure" if c.find("failure") is not None else
                               "skipped" if c.find("skipped") is not None else "passed")
               for c in el.findall("testcase")}
    # The cases after the fault never ran: not passed, not failed; the fault fails the suite's own testcase.
    assert outcome == {"a/x-0000": "failure", "a/x-0001": "skipped", "a/y-0002": "skipped", "a (suite)": "failure"}
