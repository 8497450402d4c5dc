"""Running conformance on one target: build each planned program, run it under a timeout and
fold its output into the results; check the kernel objects of a Cortex-M core on their own;
replay the m4 programs under Renode."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tintin.golden.emit_c import HeaderInfo
from tintin.golden.model import GoldenFormatError, Suite

from .build import CompileError, build_program, check_no_soft_helpers, code_size
from .kernel_library import KernelLibrary
from .object_cache import ObjectCache
from .output_parser import apply_run
from .plan import RENODE_TARGET, plan_programs
from .program_sources import RUNNER_SOURCES, write_program_sources
from .results import KernelCheck, ProgramResult, Results
from .run import RENODE_SKIP_REASON, run_program, run_renode
from .targets import get_target

DEFAULT_TIMEOUT_S = 60.0
# A Renode run never gets less than run_renode's own default timeout.
RENODE_MIN_TIMEOUT_S = 120.0


@dataclass
class TargetJob:
    target: str
    suites: list[Suite]
    build_dir: Path
    include_dirs: list[Path]
    timeout_s: float
    library: KernelLibrary  # the kernels every program of this target links
    cache: ObjectCache | None = None  # compiled objects shared across programs and runs
    programs: list[ProgramResult] = field(default_factory=list)


def _build_program(job: TargetJob, name: str, headers: Sequence[HeaderInfo], golden_dir: Path) -> Path:
    sources = write_program_sources(job.build_dir / name, job.target, name, headers)
    return build_program(
        job.target,
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


def run_target(job: TargetJob, results: Results) -> list[ProgramResult]:
    """Emit, build and run every program of one target; fills `results` for it."""
    t = get_target(job.target)
    golden_dir = job.build_dir / "golden"
    try:
        programs = plan_programs(t, job.suites, golden_dir)
    except GoldenFormatError as exc:  # e.g. one case larger than this board's budget
        for suite in job.suites:
            r = results[(suite.name, job.target)]
            r.state, r.detail, r.first_failure = "error", f"emitting C headers failed: {exc}", str(exc)
        return job.programs
    for k, headers in enumerate(programs):
        name = f"conformance{k}"
        program = ProgramResult(job.target, name, tuple(h.file for h in headers),
                                tuple(dict.fromkeys(h.suite for h in headers)))
        job.programs.append(program)
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
        run = run_program(t, exe, job.timeout_s)
        program.status, program.passed = run.status, run.passed
        program.timed_out, program.faulted, program.duration_s = run.timed_out, run.faulted, run.duration_s
        apply_run(program, run, headers, results, job.target)
    return job.programs


def check_kernels(library: KernelLibrary) -> KernelCheck:
    """The kernel library of one core alone (no harness, no libc): helper symbols and code size."""
    check = KernelCheck(library.target)
    try:
        check.helpers = check_no_soft_helpers(library.objects)
        check.size = code_size(library.objects)
    except CompileError as exc:
        check.error = _compiler_error(exc)
    return check


def run_renode_programs(programs: Sequence[ProgramResult], suites: Sequence[str],
                        results: Results, timeout_s: float) -> str:
    """The m4 programs again under Renode, or every suite skipped with run.py's reason."""
    for p in programs:
        if p.program is None:
            continue
        run = run_renode(p.program, timeout_s=max(timeout_s, RENODE_MIN_TIMEOUT_S))
        for suite in p.suites:
            r = results[(suite, RENODE_TARGET)]
            if run.skipped:
                r.state, r.detail = "skipped", run.skip_reason
                continue
            r.cases, r.passed = r.total, r.total if run.passed else 0
            r.state = "passed" if run.passed else ("timeout" if run.timed_out else "failed")
            if not run.passed:
                r.first_failure = next(iter(run.mismatch_lines), f"renode-test exit status {run.status}")
    for suite in suites:  # suites of m4 programs that never built
        r = results[(suite, RENODE_TARGET)]
        if r.state == "not-run":
            r.state, r.detail = "skipped", "the m4 build failed"
    note = RENODE_SKIP_REASON if any(r.state == "skipped" for (s, t), r in results.items()
                                     if t == RENODE_TARGET) else "ran under renode-test"
    return note
