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
    # JUnit: one testsuite per target column, one testcase per suite, plus the kernel-object checks.
    suites = {s.get("name"): s for s in full.junit.findall("testsuite")}
    assert set(suites) == {f"conformance.{t}" for t in full.report["targets"]} | {"conformance.kernel-objects"}
    for target in full.report["targets"]:
        el = suites[f"conformance.{target}"]
        cases = {c.get("name"): c for c in el.findall("testcase")}
        assert sorted(cases) == CI_SUITES
        for suite, r in _results(full, target).items():
            failure, skipped = cases[suite].find("failure"), cases[suite].find("skipped")
            assert (failure is None) == (r["state"] in ("passed", "skipped"))
            assert (skipped is not None) == (r["state"] == "skipped")
        assert int(el.get("failures")) == sum(r["state"] not in ("passed", "skipped")
                                              for r in _results(full, target).values())
    assert int(full.junit.get("failures")) == 0
    assert int(full.junit.get("skipped")) == sum(r["state"] == "skipped" for r in results)
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


def _corrupt(suite: Suite, case_index: int, tensor: str, index: int) -> tuple[Suite, str, int, int]:
    """A copy of suite with one output value changed; returns it, the case id, old and new."""
    case = suite.cases[case_index]
    t = case.outputs[tensor]
    old = t.data[index]
    new = old + 1 if old < 127 else old - 1
    data = list(t.data)
    data[index] = new
    outputs = dict(case.outputs)
    outputs[tensor] = Tensor(t.dtype, t.shape, tuple(data))
    cases = list(suite.cases)
    cases[case_index] = Case(case.id, case.comment, case.flags, case.inputs, outputs, case.params)
    return Suite(suite.name, suite.kernel, suite.description, suite.level, suite.spec_version, suite.config,
                 suite.generator, tuple(cases)), case.id, old, new


@pytest.mark.toolchain
@pytest.mark.qemu
def test_corrupted_golden_is_reported_at_the_changed_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    window, w_case, w_old, w_new = _corrupt(load_suite(DATA_DIR / "window.ci.json"), 5, "q", 4)
    train, t_case, t_old, t_new = _corrupt(load_suite(DATA_DIR / "train_step_mlp_tintin.ci.json"), 1,
                                           "step1/layer0/w", 17)
    write_suite(window, data / "window.ci.json")
    write_suite(train, data / "train_step_mlp_tintin.ci.json")
    write_suite(load_suite(DATA_DIR / "relu_forward.ci.json"), data / "relu_forward.ci.json")
    dense = load_suite(DATA_DIR / "dense_forward.ci.json")  # an input the kernel must refuse
    bad = dense.cases[0]
    bad = Case(bad.id, bad.comment, bad.flags, {**bad.inputs, "h_x": Tensor("int8", (3,), (-7, 3, 0))},
               bad.outputs, bad.params)
    write_suite(Suite(dense.name, dense.kernel, dense.description, dense.level, dense.spec_version, dense.config,
                      dense.generator, (bad, *dense.cases[1:])), data / "dense_forward.ci.json")
    run = _cli_run(tmp_path / "out", tmp_path / "build", "--target", "host,m0plus", "--data", str(data))
    printed = capsys.readouterr().out
    assert run.exit_code == 1
    want = {
        "window": f"MISMATCH suite=window case={w_case} tensor=q index=4 expected={w_new} actual={w_old}",
        "train_step_mlp_tintin": f"MISMATCH suite=train_step_mlp_tintin case={t_case} tensor=step1/layer0/w "
        f"index=17 expected={t_new} actual={t_old}",
        "dense_forward": f"STATUS suite=dense_forward case={bad.id} kernel=tt_dense_forward status=TT_ERR_RANGE "
        "expected=TT_OK",
    }
    for target in ("host", "m0plus"):
        results = _results(run, target)
        assert results["relu_forward"]["state"] == "passed"
        for suite, line in want.items():
            r = results[suite]
            assert (r["state"], r["first_failure"]) == ("failed", line), (target, r)
            assert (r["failed"], r["passed"]) == (1, r["total"] - 1)
    row = next(line for line in printed.splitlines() if line.startswith("| window |"))
    assert row.count("✗") == 2, row
    assert "conformance FAILED" in printed and want["window"] in printed
    junit_failures = [c for c in run.junit.iter("testcase") if c.find("failure") is not None]
    assert sorted((c.get("classname"), c.get("name"), c.find("failure").get("message")) for c in junit_failures) == \
        sorted((f"conformance.{t}", s, line) for t in ("host", "m0plus") for s, line in want.items())


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
