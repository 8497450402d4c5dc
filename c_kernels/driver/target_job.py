"""Running conformance on one target: build each planned program, run it under a timeout and
fold its output into the results; check the kernel objects of a Cortex-M core on their own.
A target that shares another's build (a Renode twin) runs that target's ELFs once they are
built, or builds them itself when that target is not in the run."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tintin.golden.emit_c import HeaderInfo
from tintin.golden.model import GoldenFormatError, Suite
from tintin.golden.signature import runner_name

from .build import CompileError, build_program, check_no_soft_helpers, code_size
from .kernel_library import KernelLibrary
from .object_cache import ObjectCache
from .output_parser import apply_run
from .plan import plan_programs
from .program_sources import RUNNER_SOURCES, write_program_sources
from .renode import renode_missing
from .results import KernelCheck, ProgramResult, Results
from .run import run_program
from .targets import build_target, get_target

DEFAULT_TIMEOUT_S = 60.0


@dataclass
class TargetJob:
    target: str
    suites: list[Suite]
    build_dir: Path
    include_dirs: list[Path]
    timeout_s: float
    library: KernelLibrary  # the kernels every program of this target (or of its build target) links
    cache: ObjectCache | None = None  # compiled objects shared across programs and runs
    programs: list[ProgramResult] = field(default_factory=list)
    # The headers of each program, in step with programs (a twin runs them again).
    groups: list[list[HeaderInfo]] = field(default_factory=list)
    # The job of the target whose build this one shares, when that target is in the run.
    twin: TargetJob | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _build_program(job: TargetJob, name: str, headers: Sequence[HeaderInfo], golden_dir: Path) -> Path:
    target = build_target(job.target).name  # a Renode twin builds exactly what its QEMU twin does
    runners = {s.name: runner_name(s) for s in job.suites}
    sources = write_program_sources(job.build_dir / name, target, name, headers, runners)
    return build_program(
        target,
        [*sources, *RUNNER_SOURCES],
        [*job.include_dirs, golden_dir],
        job.build_dir,
        name=name,
        objects=job.library.objects,
        cache=job.cache,
    )


def _compiler_error(exc: CompileError) -> str:
    """The compiler's first error line (the command line is in the report's program table)."""
    lines = [line.strip() for line in exc.stderr.splitlines() if line.strip()]
    return next((line for line in lines if "error" in line), lines[0] if lines else str(exc).splitlines()[0])


def _mark(results: Results, target: str, suites: Sequence[str], state: str, detail: str,
          first_failure: str | None = None) -> None:
    for suite in suites:
        r = results[(suite, target)]
        r.state, r.detail, r.first_failure = state, detail, first_failure if state != "skipped" else None


def run_target(job: TargetJob, results: Results) -> list[ProgramResult]:
    """Emit, build and run every program of one target; fills `results` for it."""
    try:
        t = get_target(job.target)
        skip = renode_missing() if t.runner == "renode" else ""
        if skip:
            _mark(results, job.target, [s.name for s in job.suites], "skipped", skip)
        elif job.twin is not None:
            _rerun_twin(job, results)
        else:
            _build_and_run(job, results)
        return job.programs
    finally:
        job.done.set()


def _timeout(job: TargetJob) -> float:
    """--timeout, or more when the target file asks for more (Renode's start-up, a probe)."""
    return max(job.timeout_s, get_target(job.target).timeout_s or 0.0)


def _run_built(job: TargetJob, program: ProgramResult, exe: Path, headers: Sequence[HeaderInfo],
               results: Results) -> None:
    run = run_program(job.target, exe, _timeout(job))
    program.status, program.passed = run.status, run.passed
    program.timed_out, program.faulted, program.duration_s = run.timed_out, run.faulted, run.duration_s
    apply_run(program, run, headers, results, job.target)


def _rerun_twin(job: TargetJob, results: Results) -> None:
    """Run the ELFs the twin's job built (it was submitted first, so waiting cannot deadlock)."""
    twin = job.twin
    assert twin is not None
    twin.done.wait()
    if not twin.groups:  # planning the twin's programs failed: the same error here
        for suite in job.suites:
            r, mine = results[(suite.name, twin.target)], results[(suite.name, job.target)]
            mine.state, mine.detail, mine.first_failure = "error", f"{twin.target}: {r.detail}", r.first_failure
        return
    for built, headers in zip(twin.programs, twin.groups):
        program = ProgramResult(job.target, built.name, built.headers, built.suites, program=built.program,
                                size=built.size, build_s=0.0)
        job.programs.append(program)
        if built.program is None:
            for suite in built.suites:
                r = results[(suite, twin.target)]
                _mark(results, job.target, [suite], "build-error", f"building {built.name} for {twin.target} failed",
                      r.first_failure)
            continue
        _run_built(job, program, Path(built.program), headers, results)


def _build_and_run(job: TargetJob, results: Results) -> None:
    t = build_target(job.target)
    golden_dir = job.build_dir / "golden"
    try:
        programs = plan_programs(t, job.suites, golden_dir)
    except GoldenFormatError as exc:  # e.g. one case larger than this board's budget
        for suite in job.suites:
            r = results[(suite.name, job.target)]
            r.state, r.detail, r.first_failure = "error", f"emitting C headers failed: {exc}", str(exc)
        return
    for k, headers in enumerate(programs):
        name = f"conformance{k}"
        program = ProgramResult(job.target, name, tuple(h.file for h in headers),
                                tuple(dict.fromkeys(h.suite for h in headers)))
        job.programs.append(program)
        job.groups.append(headers)
        start = time.monotonic()
        try:
            exe = _build_program(job, name, headers, golden_dir)
        except CompileError as exc:
            program.error = str(exc)
            for suite in program.suites:
                r = results[(suite, job.target)]
                r.state, r.detail = "build-error", f"building {name} failed"
                r.first_failure = _compiler_error(exc)
            continue
        program.build_s = time.monotonic() - start
        program.program = str(exe)
        if not t.is_host:
            program.size = code_size(exe)
        _run_built(job, program, exe, headers, results)


def check_kernels(library: KernelLibrary) -> KernelCheck:
    """The kernel library of one core alone (no harness, no libc): helper symbols and code size."""
    check = KernelCheck(library.target)
    try:
        check.helpers = check_no_soft_helpers(library.objects)
        check.size = code_size(library.objects)
    except CompileError as exc:
        check.error = _compiler_error(exc)
    return check
