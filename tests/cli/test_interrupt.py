"""Ctrl-C on the long commands: exit 130 within 2 s, every child process ended, nothing
half-written; and a generation killed outright leaves each golden file old or new."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tintin import atomic
from tintin.interrupt import descendants

GOLDEN = Path(__file__).resolve().parents[2] / "golden_vectors" / "data"
LIMIT_S = 2.0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _start(argv: list[str], cwd: Path, stderr_path: Path, **extra_env: str) -> subprocess.Popen[str]:
    env = {**os.environ, "TINTIN_PROGRESS": "1", **extra_env}  # the bars show the work begin
    with open(stderr_path, "w") as err:
        return subprocess.Popen([sys.executable, "-m", "tintin", *argv], cwd=cwd, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=err)


def _wait_for(cond: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    pytest.fail(f"the command did not get going within {timeout_s} s")


def _interrupt(p: subprocess.Popen[str], out_dir: Path | None) -> None:
    kids = descendants(p.pid)
    assert p.poll() is None, "the command ended before the interrupt"
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=LIMIT_S + 3)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail("no exit 5 s after SIGINT")
    took = time.monotonic() - t0
    time.sleep(0.2)
    left = [k for k in kids if _alive(k)]
    assert p.returncode == 130 and took <= LIMIT_S, (p.returncode, took)
    assert left == [], f"children still running after the interrupt: {left}"
    if out_dir is not None and out_dir.exists():
        assert [f.name for f in out_dir.rglob("*.tmp")] == [], "temporary files left behind"


def test_prove_with_worker_pool(tmp_path: Path) -> None:
    p = _start(["prove", "--config", "all", "--jobs", "2", "--out", str(tmp_path / "out")], tmp_path,
               tmp_path / "err")
    _wait_for(lambda: len(descendants(p.pid)) >= 2, 60)
    time.sleep(2)  # the workers are proving
    _interrupt(p, tmp_path / "out")


def test_prove_in_one_process(tmp_path: Path) -> None:
    p = _start(["prove", "--config", "all", "--jobs", "1", "--out", str(tmp_path / "out")], tmp_path,
               tmp_path / "err")
    time.sleep(5)  # Z3 queries in the main process
    _interrupt(p, tmp_path / "out")


def test_train(tmp_path: Path) -> None:
    p = _start(["train", "--epochs", "500", "--out", str(tmp_path / "out")], tmp_path, tmp_path / "err")
    _wait_for(lambda: "training" in (tmp_path / "err").read_text(), 120)
    time.sleep(1)
    _interrupt(p, tmp_path / "out")
    assert "Segmentation" not in (tmp_path / "err").read_text()


def test_golden_generate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    p = _start(["golden", "generate", "--level", "thorough", "--out", str(out)], tmp_path, tmp_path / "err")
    _wait_for(lambda: "[thorough]" in (tmp_path / "err").read_text(), 120)
    time.sleep(1)
    _interrupt(p, out)


@pytest.mark.toolchain
def test_conformance(tmp_path: Path) -> None:
    p = _start(["conformance", "--out", str(tmp_path / "out"), "--build-dir", str(tmp_path / "build")], tmp_path,
               tmp_path / "err")
    _wait_for(lambda: any("gcc" in Path(f"/proc/{k}/cmdline").read_bytes().decode(errors="replace")
                          for k in descendants(p.pid) if _alive(k)), 120)
    _interrupt(p, tmp_path / "out")


@pytest.mark.toolchain
def test_bench(tmp_path: Path) -> None:
    p = _start(["bench", "--quick", "--out", str(tmp_path / "out")], tmp_path, tmp_path / "err")
    _wait_for(lambda: len(descendants(p.pid)) >= 1, 120)  # a compiler or a measuring child
    _interrupt(p, tmp_path / "out")


@pytest.mark.toolchain
def test_mutate(tmp_path: Path) -> None:
    # Mutants are built in a temporary folder (under TMPDIR): Ctrl-C must remove it, and the
    # kernel sources are never written to.
    src = Path(__file__).resolve().parents[2] / "c_kernels" / "src"
    before = {f.name: f.read_bytes() for f in src.iterdir()}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    p = _start(["mutate", "--sample", "8", "--jobs", "2", "--out", str(tmp_path / "out")], tmp_path,
               tmp_path / "err", TMPDIR=str(scratch))
    _wait_for(lambda: any("mutants" in str(d) for d in scratch.rglob("*")), 120)
    time.sleep(1)
    _interrupt(p, tmp_path / "out")
    assert list(scratch.iterdir()) == [], "the mutants' folder is left behind"
    assert {f.name: f.read_bytes() for f in src.iterdir()} == before


# -- atomic output --------------------------------------------------------------------------

SUITES = ["relu_backward", "train_step_mlp_tintin", "fine_up"]  # the second takes seconds


def _old_versions(out: Path) -> dict[str, bytes]:
    """Each suite's file with a changed description: a valid golden file, but not the new one."""
    out.mkdir(parents=True, exist_ok=True)
    old = {}
    for name in SUITES:
        text = (GOLDEN / f"{name}.ci.json").read_text()
        changed = text.replace('"description": "', '"description": "OLD ', 1).encode("ascii")
        (out / f"{name}.ci.json").write_bytes(changed)
        old[name] = changed
    return old


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_generation_stopped_mid_run_leaves_old_or_new_files(sig: signal.Signals, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = _old_versions(out)
    p = subprocess.Popen([sys.executable, "-m", "tintin", "golden", "generate", "--out", str(out), "--no-progress",
                          "--suite", *SUITES], cwd=tmp_path, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    first, first_new = out / f"{SUITES[0]}.ci.json", (GOLDEN / f"{SUITES[0]}.ci.json").read_bytes()
    _wait_for(lambda: first.read_bytes() == first_new, 120)  # one file is done, the next is being made
    p.send_signal(sig)
    p.wait(timeout=10)
    states = {}
    for name in SUITES:
        data = (out / f"{name}.ci.json").read_bytes()
        new = (GOLDEN / f"{name}.ci.json").read_bytes()
        assert data in (old[name], new), f"{name}: neither the old file nor the new one"
        states[name] = "new" if data == new else "old"
    assert states[SUITES[0]] == "new" and "old" in states.values(), states
    if sig == signal.SIGINT:
        assert p.returncode == 130
        assert [f.name for f in out.iterdir() if f.name.endswith(".tmp")] == []


def test_open_atomic_keeps_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic.open_atomic(target) as f:
        f.write("half of the new")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    atomic.write_text(target, "new\n")
    assert target.read_text() == "new\n" and sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
