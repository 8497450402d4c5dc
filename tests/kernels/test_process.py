"""The process layer every runner goes through: a run that ends at the program's verdict line
(a debugger that never exits by itself), a timeout that names the last line printed, and no
process of a run left behind."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tintin.kernels.driver.process import EXIT_FAIL, FAIL_LINE, PASS_LINE, run_until_verdict, run_with_timeout


def _py(code: str) -> list[str]:
    return [sys.executable, "-u", "-c", code]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.is_file() and stat.read_text().split(")")[-1].split()[0] == "Z"


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _gone(pid)


def test_a_runner_that_never_exits_ends_at_the_pass_line() -> None:
    start = time.monotonic()
    run = run_until_verdict(_py(f"import sys, time; print('SUMMARY suite=a cases=1 passed=1 failed=0'); "
                                f"print('{PASS_LINE}', file=sys.stderr); time.sleep(600)"), 60.0)
    assert time.monotonic() - start < 30
    assert run.passed and run.status == 0 and not run.timed_out, run.describe()
    assert run.summary_lines == ("SUMMARY suite=a cases=1 passed=1 failed=0",)


def test_the_fail_line_ends_the_run_as_a_failure() -> None:
    run = run_until_verdict(_py(f"import time; print('MISMATCH suite=a case=c tensor=y index=0 expected=1 "
                                f"actual=2'); print('{FAIL_LINE}'); time.sleep(600)"), 60.0)
    assert not run.passed and run.status == EXIT_FAIL and not run.timed_out
    assert run.mismatch_lines == ("MISMATCH suite=a case=c tensor=y index=0 expected=1 actual=2",)


def test_no_verdict_is_a_timeout_naming_the_last_line() -> None:
    run = run_until_verdict(_py("import time; print('TARGET board'); print('SUMMARY suite=a cases=1 passed=1 "
                                "failed=0'); time.sleep(600)"), 2.0)
    assert run.timed_out and not run.passed and run.status is None
    assert run.note == "last line printed: SUMMARY suite=a cases=1 passed=1 failed=0"


def test_a_runner_that_exits_without_a_verdict_is_not_a_pass() -> None:
    run = run_until_verdict(_py("import sys; print('TARGET board'); sys.exit(0)"), 30.0)
    assert not run.passed and not run.timed_out and run.status == 0


def test_a_child_left_behind_by_the_runner_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    # The wrapper starts a child that does not hold its output pipes and exits at once.
    code = ("import subprocess, sys; p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'], "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            f"open({str(pid_file)!r}, 'w').write(str(p.pid))")
    run = run_with_timeout(_py(code), 30.0)
    assert run.status == 0 and not run.timed_out
    assert _wait_gone(int(pid_file.read_text())), "a child of the run outlived it"
