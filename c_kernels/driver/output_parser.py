"""Reading a conformance program's output: the SUMMARY, BUFFER, MISMATCH, STATUS and ERROR
lines the harness prints, folded into the per-suite results of one target: counts and state
per suite, and one CaseFailure per failing case (its first line; later lines of the same case
become its notes)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tintin.golden.emit_c import HeaderInfo

from .results import CaseFailure, ProgramResult, Results, SuiteResult
from .run import RunResult
from .targets import get_target

_LINE_KEYS = re.compile(r"(\w+)=(\S+)")
FAILURE_PREFIXES = ("MISMATCH ", "STATUS ", "ERROR ", "CHECK-FAILED ", "FAULT ", "FAILED ")
# States a program that stopped early leaves on a suite; a later program running the suite's
# other parts does not turn them into "passed".
STOPPED_STATES = frozenset({"timeout", "fault", "error", "build-error"})


def parse_fields(line: str) -> dict[str, str]:
    """key=value pairs of a harness line (values have no spaces, except ERROR's reason)."""
    return dict(_LINE_KEYS.findall(line))


def _line_suite(line: str) -> str | None:
    m = re.search(r"\bsuite=(\S+)", line)
    return m.group(1) if m else None


_KINDS = {"MISMATCH": "mismatch", "STATUS": "status", "ERROR": "error", "CHECK-FAILED": "check", "FAULT": "fault",
          "FAILED": "muted"}
_TENSOR_STEP = re.compile(r"^step(\d+)/")


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and re.fullmatch(r"-?\d+", value) else None


def parse_failure(line: str, suite: str, target: str) -> CaseFailure:
    """One failure line as a record. Older MISMATCH lines without step=/differing= still parse;
    a training step's tensor name ("step3/layer1/w") gives the step when the line has none."""
    kind = _KINDS[line.split(" ", 1)[0]]
    # An ERROR's reason is free text: only the fields before it are fields.
    f = parse_fields(line.split(" reason=", 1)[0])
    tensor = f.get("tensor")
    step = _int(f.get("step"))
    if step is None and tensor is not None and (m := _TENSOR_STEP.match(tensor)):
        step = int(m.group(1))
    rec = CaseFailure(suite, target, f.get("case"), kind, line, step=step, tensor=tensor)
    if kind == "mismatch":
        rec.index, rec.expected, rec.actual = _int(f.get("index")), f.get("expected"), f.get("actual")
        rec.differing, rec.count = _int(f.get("differing")), _int(f.get("of"))
    elif kind == "status":
        rec.kernel, rec.expected, rec.actual = f.get("kernel"), f.get("expected"), f.get("status")
    return rec


def _record_failure(r: SuiteResult, line: str, target: str) -> None:
    rec = parse_failure(line, r.suite, target)
    earlier = r.failure_of(rec.case)
    if earlier is not None:
        earlier.notes.append(line)
    else:
        r.failures.append(rec)


def apply_run(
    program: ProgramResult,
    run: RunResult,
    headers: Sequence[HeaderInfo],
    results: Results,
    target: str,
) -> None:
    """Fold one program's output into the per-suite results of `target`."""
    text = run.stdout if get_target(target).is_host else run.output
    order = [h.suite for h in headers]  # suite of each tt_run_suite call, in order
    done = 0  # SUMMARY lines seen: order[done] is running
    seen: dict[str, int] = {}  # SUMMARY lines per suite in this program's output
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("SUMMARY "):
            f = parse_fields(line)
            r = results[(f["suite"], target)]
            r.cases += int(f["cases"])
            r.passed += int(f["passed"])
            r.failed += int(f["failed"])
            r.parts_seen += 1
            seen[r.suite] = seen.get(r.suite, 0) + 1
            done += 1
        elif line.startswith("BUFFER "):
            f = parse_fields(line)
            program.arena_peak, program.arena_limit = int(f["peak_bytes"]), int(f["limit_bytes"])
        elif line.startswith(FAILURE_PREFIXES):
            suite = _line_suite(line) or (order[done] if done < len(order) else order[-1])
            r = results[(suite, target)]
            if r.first_failure is None:
                r.first_failure = line
            _record_failure(r, line, target)
    n_parts = {s: order.count(s) for s in order}
    running = order[done] if done < len(order) else None  # where the program stopped, if early
    pending: set[str] = set()
    for suite in dict.fromkeys(order):
        r = results[(suite, target)]
        if seen.get(suite, 0) == n_parts[suite]:  # every part of the suite in this program ran
            if r.cases != r.total:
                # Its other parts are in other programs (a suite split over several on a small
                # board): the runs of those settle its state.
                pending.add(suite)
                continue
            if r.state in STOPPED_STATES:  # an earlier program stopped in one of its parts
                continue
            r.state = "failed" if r.failed else "passed"
        elif suite != running:
            r.state, r.detail = "not-run", f"program {program.name} stopped before this suite"
        elif run.timed_out:
            r.state, r.detail = "timeout", f"program {program.name} timed out after {run.duration_s:.0f} s"
        elif run.faulted:
            r.state, r.detail = "fault", f"program {program.name} faulted (exit status {run.status})"
        else:
            r.state, r.detail = "error", f"program {program.name} stopped (exit status {run.status})"
        if run.note and r.state in ("timeout", "fault", "error"):  # the last line printed, Renode's complaint
            r.detail += f"; {run.note}"
        if r.state != "passed" and r.first_failure is None:
            r.first_failure = r.detail
    if not run.passed and all(results[(s, target)].state == "passed"
                              or (s in pending and not results[(s, target)].failed) for s in order):
        # Every case passed yet the program did not end cleanly: charge its last suite.
        r = results[(order[-1], target)]
        r.state = "error"
        r.detail = f"program {program.name} ended with exit status {run.status} after its last suite"
        r.first_failure = r.first_failure or r.detail
