"""Renode targets without Renode: the recorded UART logs of real Renode 1.14 runs read by the
same parser as QEMU's output, the robot's and platforms' text, and run_renode driven through
a stand-in `renode-test` (tests/kernels/renode/fake_renode.py, whose docstring says what was
checked against real Renode) for pass, fail, a hang, a stuck process and its clean-up.

With the real renode-test on PATH, test_selftest_on_real_renode runs the platform self-test."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tintin.cli import main
from tintin.golden.emit_c import HeaderInfo
from tintin.golden.format import load_suite
from tintin.golden.generate import DATA_DIR
from tintin.kernels.driver.build import SELFTEST_DIR, build_program
from tintin.kernels.driver.output_parser import apply_run, parse_fields
from tintin.kernels.driver.process import EXIT_FAIL, FAIL_LINE, PASS_LINE, make_result
from tintin.kernels.driver.renode import (
    DEFAULT_VIRTUAL_S,
    RENODE_ROBOT,
    RENODE_SKIP_REASON,
    renode_result,
    run_renode,
)
from tintin.kernels.driver.report import JSON_NAME
from tintin.kernels.driver.results import ProgramResult, SuiteResult
from tintin.kernels.driver.run import run_program
from tintin.kernels.driver.targets import ALL_TARGETS, TARGETS

HERE = Path(__file__).resolve().parent / "renode"
PASS_LOG, FAIL_LOG = HERE / "uart-pass.log", HERE / "uart-fail.log"
FAKE = HERE / "fake_renode.py"
RENODE_TARGETS = tuple(n for n in ALL_TARGETS if TARGETS[n].runner == "renode")
CORE = {"m0plus": "cortex-m0+", "m3": "cortex-m3", "m4": "cortex-m4", "m7": "cortex-m7", "m33": "cortex-m33"}


# ---- the files ------------------------------------------------------------------------------


def test_renode_targets_cover_the_cores_renode_models() -> None:
    assert sorted(RENODE_TARGETS) == sorted(f"renode-{c}" for c in CORE)


@pytest.mark.parametrize("name", RENODE_TARGETS)
def test_a_renode_target_runs_its_qemu_twins_build(name: str) -> None:
    t = TARGETS[name]
    twin = TARGETS[name.removeprefix("renode-")]
    assert t.build == twin.name and twin.runner == "qemu"
    assert (t.cc, t.all_cflags[:-1], t.ldflags, t.linker_script, t.flash, t.ram) == \
        (twin.cc, twin.all_cflags[:-1], twin.ldflags, twin.linker_script, twin.flash, twin.ram)
    assert t.qemu_machine is None and t.renode_platform is not None and t.timeout_s and t.timeout_s >= 60


@pytest.mark.parametrize("name", RENODE_TARGETS)
def test_a_renode_platform_has_its_twins_memory_map(name: str) -> None:
    t = TARGETS[name]
    assert t.renode_platform is not None and t.flash is not None and t.ram is not None
    repl = Path(t.renode_platform).read_text()
    regions = sorted((int(a, 16), int(n, 16)) for a, n in
                     re.findall(r"Memory\.MappedMemory @ sysbus (0x[0-9A-Fa-f]+)\s+size: (0x[0-9A-Fa-f]+)", repl))
    assert regions == sorted([(t.flash.origin, t.flash.length), (t.ram.origin, t.ram.length)])
    assert re.findall(r'cpuType: "([^"]+)"', repl) == [CORE[t.build or ""]]
    assert "semihostingUart: UART.SemihostingUart @ cpu" in repl
    assert not re.search(r"^\s*using\s|\.svd|https?://", repl, re.MULTILINE)  # inline, nothing fetched


def test_the_robot_ends_on_either_verdict_and_saves_the_uart() -> None:
    robot = RENODE_ROBOT.read_text()
    assert PASS_LINE in robot and FAIL_LINE in robot
    assert "sysbus.cpu.semihostingUart CreateFileBackend @${UART_FILE} true" in robot
    (verdict,) = re.findall(r"^\$\{VERDICT\} {2,}(.+?)\s*$", robot, re.MULTILINE)
    assert "Wait For Line On Uart    ${VERDICT}    treatAsRegex=true" in robot
    assert "Should Be Equal         ${verdict.line}    ${PASS_LINE}" in robot
    pattern = re.compile(verdict)
    assert pattern.search(PASS_LINE) and pattern.search(FAIL_LINE)
    for line in PASS_LOG.read_text().splitlines()[:-1]:  # nothing before the verdict ends the wait
        assert not pattern.search(line), line
    assert "timeout=${TIMEOUT}" in robot and "-r " in robot
    resc = (RENODE_ROBOT.parent / "tintin_m4.resc").read_text()  # for running a program by hand
    assert "$ORIGIN/tintin_m4.repl" in resc and "sysbus LoadELF $elf" in resc and "$elf?=" in resc
    assert "CreateFileBackend" in resc


# ---- the recorded logs through the QEMU parser --------------------------------------------------


# The recordings ran the goldens of their day; later golden families changed today's counts.
RECORDED_CASES: dict[str, int] = json.loads(
    (Path(__file__).resolve().parent / "renode" / "recorded_case_counts.json").read_text())["cases"]


def _headers(log: str) -> list[HeaderInfo]:
    """One header per SUMMARY line, in the order the recorded program ran them."""
    suites = [parse_fields(line)["suite"] for line in log.splitlines() if line.startswith("SUMMARY ")]
    n = Counter(suites)
    seen: Counter[str] = Counter()
    out = []
    for s in suites:
        part = seen[s] if n[s] > 1 else None
        seen[s] += 1
        out.append(HeaderInfo(f"golden_{s}.h", s, f"tt_suite_{s}", "ci", part, n[s], 0, "", "", 0, f"{s}.ci.json"))
    return out


def _replay(log_path: Path, status: int) -> dict[str, SuiteResult]:
    log = log_path.read_text()
    raw = make_result(["renode-test"], status, "robot output\n", "", False, 4.0)
    run = renode_result(raw, log, DEFAULT_VIRTUAL_S)
    headers = _headers(log)
    results = {(h.suite, "renode-m4"): SuiteResult(h.suite, "renode-m4", RECORDED_CASES[h.suite]) for h in headers}
    program = ProgramResult("renode-m4", "conformance0", (), tuple(dict.fromkeys(h.suite for h in headers)))
    apply_run(program, run, headers, results, "renode-m4")
    assert (program.arena_peak, program.arena_limit) == (9020, 131072)  # the recording's BUFFER line
    return {s: r for (s, _), r in results.items()}


def test_recorded_pass_log_gives_real_per_suite_counts() -> None:
    results = _replay(PASS_LOG, 0)
    assert len(results) == 28
    for r in results.values():
        assert (r.state, r.failed, r.first_failure) == ("passed", 0, None), r
        # Counted from the SUMMARY lines Renode printed, equal to the cases of the goldens it ran.
        assert r.cases == r.passed == r.total > 0, r


def test_recorded_fail_log_gives_the_first_mismatch() -> None:
    results = _replay(FAIL_LOG, EXIT_FAIL)
    bad = {s: r for s, r in results.items() if r.state != "passed"}
    assert list(bad) == ["relu_forward"]
    r = bad["relu_forward"]
    assert (r.state, r.cases, r.passed, r.failed) == ("failed", r.total, r.total - 1, 1)
    assert r.first_failure is not None
    fields = parse_fields(r.first_failure)
    # The value the recording's README says was changed in the goldens.
    assert r.first_failure.startswith("MISMATCH ")
    assert (fields["suite"], fields["case"], fields["tensor"], fields["index"]) == \
        ("relu_forward", "relu_forward/edges-0000", "y", "1")


def test_a_fail_line_is_a_failure_even_when_renode_test_exits_zero() -> None:
    raw = make_result(["renode-test"], 0, "", "", False, 4.0)
    run = renode_result(raw, FAIL_LOG.read_text(), DEFAULT_VIRTUAL_S)
    assert not run.passed and run.status == EXIT_FAIL and not run.timed_out
    assert run.mismatch_lines == tuple(line for line in FAIL_LOG.read_text().splitlines() if "MISMATCH" in line)


# ---- run_renode through the stand-in renode-test -----------------------------------------------


@pytest.fixture
def fake_renode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bin folder with the stand-in renode-test, first on PATH; returns a dummy ELF."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "renode-test"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    elf = tmp_path / "build" / "conformance0.m4.elf"
    elf.parent.mkdir()
    elf.write_bytes(b"\x7fELF")
    return elf


def test_run_renode_passes_on_the_pass_log(fake_renode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_RENODE_LOG", str(PASS_LOG))
    run = run_renode("renode-m4", fake_renode, 30.0)
    assert run.passed and run.status == 0 and not run.timed_out, run.describe()
    assert run.stdout == PASS_LOG.read_text()  # exactly what the program printed
    assert len(run.summary_lines) == 30 and run.mismatch_lines == ()
    work = fake_renode.parent / "conformance0.m4.renode-m4.run"
    assert (work / "uart.log").read_text() == PASS_LOG.read_text()
    assert (work / "robot" / "robot_output.xml").is_file()  # -r DIR: Robot logs beside the run
    assert "Running tintin.robot" in (work / "renode-test.log").read_text()
    assert not work.name.startswith("renode-")  # Renode deletes $TMPDIR/renode-* folders


def test_run_renode_fails_on_the_fail_log(fake_renode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_RENODE_LOG", str(FAIL_LOG))
    start = time.monotonic()
    run = run_renode("renode-m4", fake_renode, 30.0)
    assert time.monotonic() - start < 20
    assert not run.passed and run.status == EXIT_FAIL and not run.timed_out
    assert run.mismatch_lines == (
        "MISMATCH suite=relu_forward case=relu_forward/edges-0000 tensor=y index=1 expected=0 actual=1",)


def test_a_program_without_a_verdict_is_a_timeout_with_its_last_line(
    fake_renode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_LOG", str(PASS_LOG))
    monkeypatch.setenv("FAKE_RENODE_MODE", "hang")
    monkeypatch.setenv("FAKE_RENODE_LINES", "4")
    run = run_renode("renode-m4", fake_renode, 30.0)
    last = PASS_LOG.read_text().splitlines()[3]
    assert run.timed_out and not run.passed and run.status is None
    assert run.note == f"no verdict line within {DEFAULT_VIRTUAL_S:g} s of virtual time; last line printed: {last}"
    headers = _headers(PASS_LOG.read_text())
    results = {(h.suite, "renode-m4"): SuiteResult(h.suite, "renode-m4", RECORDED_CASES[h.suite]) for h in headers}
    apply_run(ProgramResult("renode-m4", "p", (), ()), run, headers, results, "renode-m4")
    states = [results[(h.suite, "renode-m4")].state for h in headers]
    assert states[:3] == ["passed"] * 3 and states[3] == "timeout" and set(states[4:]) == {"not-run"}
    r = results[(headers[3].suite, "renode-m4")]
    assert r.first_failure is not None and r.first_failure.endswith(f"; last line printed: {last}"), r


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.is_file() and stat.read_text().split(")")[-1].split()[0] == "Z"  # a zombie is gone too


def test_a_stuck_renode_is_killed_with_its_children(
    fake_renode: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    child = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_RENODE_LOG", str(PASS_LOG))
    monkeypatch.setenv("FAKE_RENODE_MODE", "stuck")
    monkeypatch.setenv("FAKE_RENODE_CHILD", str(child))
    start = time.monotonic()
    run = run_renode("renode-m4", fake_renode, 3.0)
    assert time.monotonic() - start < 15
    assert run.timed_out and not run.passed
    assert run.note.startswith("killed after 3 s of wall time; last line printed: SUMMARY suite=")
    pid = int(child.read_text())
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid), f"process {pid} outlived the run"


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_renode_a_renode_target_is_skipped_with_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    run = run_program("renode-m4", tmp_path / "any.elf", 5.0)
    assert run.skipped and not run.passed and run.skip_reason == RENODE_SKIP_REASON
    for hint in ("renode-test", "releases", "Linux", "macOS", "Windows", "conda"):
        assert hint in RENODE_SKIP_REASON
    assert "\n" not in RENODE_SKIP_REASON


# ---- conformance with the stand-in running the ELF on QEMU ----------------------------------------


@pytest.mark.toolchain
@pytest.mark.qemu
def test_conformance_on_renode_m4_reports_real_counts_and_the_mismatch(
    fake_renode: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tintin.golden.format import Case, Suite, Tensor, write_suite

    monkeypatch.setenv("FAKE_RENODE_MODE", "qemu")
    monkeypatch.setenv("FAKE_RENODE_MACHINE", "mps2-an386")
    data = tmp_path / "data"
    data.mkdir()
    relu = load_suite(DATA_DIR / "relu_forward.ci.json")
    case = relu.cases[0]
    y = case.outputs["y"]
    changed = list(y.data)
    changed[1] = y.data[1] + 1 if y.data[1] < 127 else y.data[1] - 1
    bad = Case(case.id, case.comment, case.flags, case.inputs, {**case.outputs, "y": Tensor(y.dtype, y.shape,
               tuple(changed))}, case.params)
    write_suite(Suite(relu.name, relu.kernel, relu.description, relu.level, relu.spec_version, relu.config,
                      relu.generator, (bad, *relu.cases[1:])), data / "relu_forward.ci.json")
    shutil.copy(DATA_DIR / "counter_hash.ci.json", data)
    out = tmp_path / "out"
    code = main(["conformance", "--target", "m4,renode-m4", "--data", str(data), "--out", str(out),
                 "--build-dir", str(tmp_path / "b"), "--no-progress", "--jobs", "2"])
    report = json.loads((out / JSON_NAME).read_text())
    assert code == 1 and report["targets"] == ["m4", "renode-m4"]
    cells = {(r["target"], r["suite"]): r for r in report["results"]}
    want = (f"MISMATCH suite=relu_forward case={case.id} tensor=y index=1 expected={changed[1]} "
            f"actual={y.data[1]} differing=1 of={len(y.data)}")
    for target in ("m4", "renode-m4"):
        r = cells[(target, "relu_forward")]
        assert (r["state"], r["failed"], r["passed"], r["first_failure"]) == ("failed", 1, r["total"] - 1, want)
        r = cells[(target, "counter_hash")]
        assert (r["state"], r["cases"], r["passed"]) == ("passed", r["total"], r["total"])
    programs = {p["target"]: p for p in report["programs"]}
    assert programs["renode-m4"]["program"] == programs["m4"]["program"]  # the very same ELF
    assert report["renode"] == "ran under renode-test"


@pytest.mark.toolchain
def test_selftest_on_real_renode(tmp_path: Path) -> None:
    if shutil.which("renode-test") is None:
        pytest.skip(RENODE_SKIP_REASON)
    program = build_program("m4", [SELFTEST_DIR / "selftest_main.c", SELFTEST_DIR / "selftest_cases.c"],
                            [SELFTEST_DIR], tmp_path)
    result = run_renode("renode-m4", program, 180.0)
    # The self-test prints one deliberate mismatch and still passes.
    assert result.passed, result.describe()
