"""Conformance driver: the C kernels against the golden vectors, on the host and every core.

For each target: emit the chosen suites as C headers (``golden_vectors.emit_c``) with a byte
budget that keeps each ELF inside the board's flash, group the headers into as many programs
as needed, generate each program's ``main``, build it with ``build.build_program`` and run it
with ``run.run_program`` under a timeout. The SUMMARY, MISMATCH, STATUS and ERROR lines the
programs print are collected per (suite, target). Kernel objects are also compiled alone for
every Cortex-M core to check for float/64-bit helpers and to measure code size.

``run_conformance`` returns a ``ConformanceReport`` (see conformance_report.py for the
Markdown, JSON and JUnit XML forms); ``tintin conformance`` (cli.py) is the command.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tintin.golden.emit_c import HeaderInfo, emit_c
from tintin.golden.generate import default_dir
from tintin.golden.loader import load_suite
from tintin.golden.model import GoldenFormatError, Suite
from tintin.reference.config import NITI, TINTIN, NumericsConfig

from .build import (
    PACKAGE_DIR,
    CompileError,
    ToolMissing,
    build_program,
    check_no_soft_helpers,
    code_size,
    compile_objects,
    find_tool,
)
from .presets import write_presets_header
from .run import RENODE_SKIP_REASON, RunResult, run_program, run_renode
from .targets import CORTEX_M_TARGETS, KIB, Target, get_target

INCLUDE_DIR = PACKAGE_DIR / "include"
SRC_DIR = PACKAGE_DIR / "src"
CONF_DIR = PACKAGE_DIR / "conformance"
KERNEL_SOURCES: tuple[Path, ...] = tuple(sorted(SRC_DIR.glob("*.c")))
RUNNER_SOURCES: tuple[Path, ...] = tuple(sorted(CONF_DIR.glob("*.c")))

# Suites with a C runner tt_run_case_<suite> (c_kernels/conformance/tt_conf.h), in report order.
KNOWN_SUITES: tuple[str, ...] = (
    "rshift_round",
    "rshift_stochastic",
    "counter_hash",
    "fine_up",
    "fine_down",
    "normalize_header",
    "requantise",
    "window",
    "rescale_to_coarser",
    "relu_forward",
    "relu_backward",
    "dense_forward",
    "dense_backward_error",
    "dense_gradient",
    "update_tintin",
    "update_niti",
    "softmax_xent_error",
    "mse_error",
    "train_step_mlp_tintin",
    "train_step_mlp_niti",
    "train_step_autoencoder",
    "conv2d_forward",
    "conv2d_backward_error",
    "conv2d_gradient",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "train_step_cnn_tintin",
    "train_step_cnn_niti",
)
# Mirrors tt_conf_preset_for() in conformance/tt_conf_presets.c.
NITI_SUITES = frozenset({"update_niti", "train_step_mlp_niti", "train_step_cnn_niti"})

RENODE_TARGET = "renode-m4"

# Flash kept free for code (kernels, runners, harness, libc) when sizing golden data per
# program: the conformance code is ~14 KB on Thumb-1; the rest is margin for the emitter's
# estimate (alignment, string pooling).
CODE_RESERVE = 48 * KIB
# Golden headers are split into chunks of at most this size so one program compiles as
# several translation units in parallel.
HEADER_CHUNK = 64 * KIB
DEFAULT_TIMEOUT_S = 60.0

_LINE_KEYS = re.compile(r"(\w+)=(\S+)")
FAILURE_PREFIXES = ("MISMATCH ", "STATUS ", "ERROR ", "CHECK-FAILED ", "FAULT ")
# States a program that stopped early leaves on a suite; a later program running the suite's
# other parts does not turn them into "passed".
STOPPED_STATES = frozenset({"timeout", "fault", "error", "build-error"})


class ConformanceError(ValueError):
    """Bad request: an unknown target or suite, or no golden files where they should be."""


def preset_for(suite: str) -> NumericsConfig:
    """The preset the C runner of this suite uses."""
    return NITI if suite in NITI_SUITES else TINTIN


# ---- results ---------------------------------------------------------------------------------


@dataclass
class SuiteResult:
    """One suite on one target. state: passed, failed, error, timeout, fault, build-error,
    skipped, or not-run (the program stopped before reaching it)."""

    suite: str
    target: str
    total: int
    cases: int = 0
    passed: int = 0
    failed: int = 0
    state: str = "not-run"
    first_failure: str | None = None
    detail: str = ""
    parts_seen: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "passed"

    @property
    def label(self) -> str:
        if self.state in ("passed", "failed"):
            return f"{self.passed}/{self.total}"
        return self.state

    def to_json(self) -> dict[str, object]:
        return {
            "suite": self.suite,
            "target": self.target,
            "state": self.state,
            "total": self.total,
            "cases": self.cases,
            "passed": self.passed,
            "failed": self.failed,
            "first_failure": self.first_failure,
            "detail": self.detail,
        }


@dataclass
class ProgramResult:
    """One built program (a group of golden headers) and its run."""

    target: str
    name: str
    headers: tuple[str, ...]
    suites: tuple[str, ...]
    program: str | None = None
    status: int | None = None
    passed: bool = False
    timed_out: bool = False
    faulted: bool = False
    duration_s: float = 0.0
    build_s: float = 0.0
    size: dict[str, int] | None = None
    arena_peak: int | None = None
    arena_limit: int | None = None
    error: str = ""

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class KernelCheck:
    """Kernel objects alone for one core: float/64-bit helpers and code size."""

    target: str
    helpers: list[str] = field(default_factory=list)
    size: dict[str, int] | None = None
    error: str = ""

    @property
    def clean(self) -> bool:
        return not self.error and not self.helpers

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "helpers": self.helpers, "size": self.size, "error": self.error,
                "clean": self.clean}


@dataclass
class ConformanceReport:
    level: str
    data_dir: str
    targets: tuple[str, ...]  # columns, RENODE_TARGET included when m4 was chosen
    suites: tuple[str, ...]
    results: dict[tuple[str, str], SuiteResult]
    programs: list[ProgramResult]
    kernel_checks: list[KernelCheck]
    wall_s: float = 0.0
    renode_note: str = ""

    def result(self, suite: str, target: str) -> SuiteResult:
        return self.results[(suite, target)]

    @property
    def failures(self) -> list[SuiteResult]:
        return [r for r in self.results.values() if r.state not in ("passed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failures and all(k.clean for k in self.kernel_checks)


# ---- planning --------------------------------------------------------------------------------


def golden_budget(target: Target) -> int | None:
    """Bytes of golden data one program may hold on this target (None: no limit)."""
    if target.flash is None:
        return None
    return target.flash.length - CODE_RESERVE


def group_headers(headers: Sequence[HeaderInfo], budget: int | None) -> list[list[HeaderInfo]]:
    """Consecutive headers packed into programs whose golden data fits the budget."""
    groups: list[list[HeaderInfo]] = [[]]
    used = 0
    for h in headers:
        if groups[-1] and budget is not None and used + h.estimated_bytes > budget:
            groups.append([])
            used = 0
        groups[-1].append(h)
        used += h.estimated_bytes
    return [g for g in groups if g]


def resolve_targets(names: Iterable[str] | str) -> tuple[str, ...]:
    """'all', a comma list or names -> target names in the canonical order."""
    from .targets import ALL_TARGETS

    if isinstance(names, str):
        names = [names]
    wanted: list[str] = []
    for item in names:
        wanted += [n.strip() for n in item.split(",") if n.strip()]
    if not wanted or "all" in wanted:
        return ALL_TARGETS
    unknown = [n for n in wanted if n not in ALL_TARGETS]
    if unknown:
        raise ConformanceError(f"unknown target(s) {', '.join(unknown)}; choose from all, {', '.join(ALL_TARGETS)}")
    return tuple(n for n in ALL_TARGETS if n in wanted)


def find_suite_files(data_dir: Path, level: str) -> dict[str, Path]:
    """suite name -> <data_dir>/<suite>.<level>.json."""
    suffix = f".{level}.json"
    return {p.name[: -len(suffix)]: p for p in sorted(data_dir.glob(f"*{suffix}"))}


def select_suites(available: dict[str, Path], wanted: Sequence[str] | None, data_dir: Path, level: str) -> list[str]:
    if not available:
        raise ConformanceError(
            f"no golden files *.{level}.json in {data_dir}; generate them with "
            f"`tintin golden generate --level {level}`"
        )
    if not wanted:
        return [s for s in KNOWN_SUITES if s in available] + sorted(set(available) - set(KNOWN_SUITES))
    unknown = [s for s in wanted if s not in available]
    if unknown:
        raise ConformanceError(
            f"unknown suite(s) {', '.join(unknown)}: no {level} file in {data_dir}; "
            f"available: {', '.join(sorted(available))}"
        )
    return list(dict.fromkeys(wanted))


def check_tools(targets: Sequence[str]) -> None:
    """ToolMissing (naming the Debian package) before any work starts."""
    for name in targets:
        t = get_target(name)
        find_tool(t.cc)
        if not t.is_host:
            find_tool("qemu-system-arm")
            find_tool("arm-none-eabi-nm")
            find_tool("arm-none-eabi-size")


# ---- generated sources -------------------------------------------------------------------------


def _wrapper_source(h: HeaderInfo) -> str:
    # One translation unit per header, so a program's goldens compile in parallel.
    return (
        "/* GENERATED by tintin.kernels.conformance - DO NOT EDIT. */\n"
        f'#include "{h.file}"\n\n'
        f"const tt_suite_t *const ttc_{h.symbol} = &{h.symbol};\n"
    )


def main_source(target: str, program: str, headers: Sequence[HeaderInfo]) -> str:
    """The program's main: every suite part in order through the runner dispatcher."""
    suites = list(dict.fromkeys(h.suite for h in headers))
    lines = [
        f"/* GENERATED by tintin.kernels.conformance - DO NOT EDIT. Program {program} for {target}. */",
        '#include "tt_conf.h"',
        "",
    ]
    lines += [f"extern const tt_suite_t *const ttc_{h.symbol};" for h in headers]
    lines += ["", "static const tt_conf_runner_t runners[] = {"]
    lines += [f'    {{"{s}", tt_run_case_{s}}},' for s in suites]
    lines += [
        "};",
        "",
        "static int run_case(const tt_suite_t *suite, const tt_case_t *c)",
        "{",
        "    return tt_conf_dispatch(runners, (uint32_t)(sizeof(runners) / sizeof(runners[0])), suite, c);",
        "}",
        "",
        "int main(void)",
        "{",
        "    uint32_t failed = 0;",
        '    tt_puts("TARGET " TT_TARGET);',
    ]
    lines += [f"    failed += tt_run_suite(ttc_{h.symbol}, run_case);" for h in headers]
    lines += ["    tt_conf_report_buffers();", "    return tt_finish(failed == 0u ? 0 : 1);", "}", ""]
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> Path:
    if not path.is_file() or path.read_text(encoding="ascii") != text:
        path.write_text(text, encoding="ascii")
    return path


# ---- parsing a run ---------------------------------------------------------------------------


def parse_fields(line: str) -> dict[str, str]:
    """key=value pairs of a harness line (values have no spaces, except ERROR's reason)."""
    return dict(_LINE_KEYS.findall(line))


def _line_suite(line: str) -> str | None:
    m = re.search(r"\bsuite=(\S+)", line)
    return m.group(1) if m else None


def apply_run(
    program: ProgramResult,
    run: RunResult,
    headers: Sequence[HeaderInfo],
    results: dict[tuple[str, str], SuiteResult],
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
        if r.state != "passed" and r.first_failure is None:
            r.first_failure = r.detail
    if not run.passed and all(results[(s, target)].state == "passed"
                              or (s in pending and not results[(s, target)].failed) for s in order):
        # Every case passed yet the program did not end cleanly: charge its last suite.
        r = results[(order[-1], target)]
        r.state = "error"
        r.detail = f"program {program.name} ended with exit status {run.status} after its last suite"
        r.first_failure = r.first_failure or r.detail


# ---- one target --------------------------------------------------------------------------------


@dataclass
class TargetJob:
    target: str
    suites: list[Suite]
    build_dir: Path
    include_dirs: list[Path]
    timeout_s: float
    programs: list[ProgramResult] = field(default_factory=list)


def _build_program(job: TargetJob, name: str, headers: Sequence[HeaderInfo], golden_dir: Path) -> Path:
    prog_dir = job.build_dir / name
    prog_dir.mkdir(parents=True, exist_ok=True)
    sources = [_write_if_changed(prog_dir / "main.c", main_source(job.target, name, headers))]
    for h in headers:
        sources.append(_write_if_changed(prog_dir / f"{Path(h.file).stem}.c", _wrapper_source(h)))
    return build_program(
        job.target,
        [*sources, *RUNNER_SOURCES, *KERNEL_SOURCES],
        [*job.include_dirs, golden_dir],
        job.build_dir,
        name=name,
    )


def run_target(job: TargetJob, results: dict[tuple[str, str], SuiteResult]) -> list[ProgramResult]:
    """Emit, build and run every program of one target; fills `results` for it."""
    t = get_target(job.target)
    golden_dir = job.build_dir / "golden"
    budget = golden_budget(t)
    chunk = HEADER_CHUNK if budget is None else min(HEADER_CHUNK, budget)
    try:
        emitted = emit_c(job.suites, golden_dir, max_bytes_per_header=chunk)
    except GoldenFormatError as exc:  # e.g. one case larger than this board's budget
        for suite in job.suites:
            r = results[(suite.name, job.target)]
            r.state, r.detail, r.first_failure = "error", f"emitting C headers failed: {exc}", str(exc)
        return job.programs
    for k, headers in enumerate(group_headers(emitted.headers, budget)):
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


def _compiler_error(exc: CompileError) -> str:
    """The compiler's first error line (the command line is in the report's program table)."""
    lines = [line.strip() for line in exc.stderr.splitlines() if line.strip()]
    return next((line for line in lines if "error" in line), lines[0] if lines else str(exc).splitlines()[0])


def check_kernels(target: str, build_dir: Path) -> KernelCheck:
    """Kernel objects alone (no harness, no libc): helper symbols and code size."""
    check = KernelCheck(target)
    try:
        objs = compile_objects(target, KERNEL_SOURCES, [INCLUDE_DIR, SRC_DIR], build_dir / "kernel_objects")
        check.helpers = check_no_soft_helpers(objs)
        check.size = code_size(objs)
    except CompileError as exc:
        check.error = _compiler_error(exc)
    return check


def run_renode_programs(programs: Sequence[ProgramResult], suites: Sequence[str],
                        results: dict[tuple[str, str], SuiteResult], timeout_s: float) -> str:
    """The m4 programs again under Renode, or every suite skipped with run.py's reason."""
    for p in programs:
        if p.program is None:
            continue
        run = run_renode(p.program, timeout_s=max(timeout_s, 120.0))
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


# ---- the whole run ------------------------------------------------------------------------------


ProgressFn = Callable[[str], None]


def run_conformance(
    targets: Iterable[str] | str = "all",
    suites: Sequence[str] | None = None,
    *,
    level: str = "ci",
    data_dir: str | os.PathLike[str] | None = None,
    build_dir: str | os.PathLike[str] = "build/conformance",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    jobs: int | None = None,
    progress: ProgressFn | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ConformanceReport:
    """Build and run the conformance programs; never raises for a kernel failure (those are
    in the report), only for a bad request (ConformanceError) or a missing tool (ToolMissing)."""
    start = time.monotonic()
    names = resolve_targets(targets)
    data = Path(data_dir) if data_dir is not None else default_dir(level)
    chosen = select_suites(find_suite_files(data, level), suites, data, level)
    check_tools(names)
    files = find_suite_files(data, level)
    loaded = {s: load_suite(files[s]) for s in chosen}
    columns = names + ((RENODE_TARGET,) if "m4" in names else ())
    results = {(s, t): SuiteResult(s, t, len(loaded[s].cases)) for s in chosen for t in columns}
    runnable = []
    for s in chosen:
        problem = _suite_problem(loaded[s])
        if problem:
            for t in columns:
                r = results[(s, t)]
                r.state, r.detail, r.first_failure = "error", problem, problem
        else:
            runnable.append(loaded[s])
    root = Path(build_dir).resolve()
    include_dirs = [INCLUDE_DIR, CONF_DIR, write_presets_header(root / "include").parent]
    jobs_list = [TargetJob(t, runnable, root / t, include_dirs, timeout_s) for t in names]
    checks_for = [t for t in names if t in CORTEX_M_TARGETS]
    if on_plan is not None:
        on_plan(len(jobs_list) + len(checks_for) + (1 if "m4" in names else 0))
    kernel_checks: dict[str, KernelCheck] = {}
    workers = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[Any], str] = {}
        for j in jobs_list if runnable else []:
            futures[pool.submit(run_target, j, results)] = j.target
        for t in checks_for:
            futures[pool.submit(check_kernels, t, root / t)] = f"{t} kernel objects"
        for future in as_completed(futures):
            value = future.result()  # a ToolMissing or bug propagates
            if isinstance(value, KernelCheck):
                kernel_checks[value.target] = value
            if progress is not None:
                progress(futures[future])
    renode_note = ""
    if "m4" in names:
        m4 = next(j for j in jobs_list if j.target == "m4")
        renode_note = run_renode_programs(m4.programs, [s.name for s in runnable], results, timeout_s)
        if progress is not None:
            progress(RENODE_TARGET)
    return ConformanceReport(
        level=level,
        data_dir=str(data),
        targets=columns,
        suites=tuple(chosen),
        results=results,
        programs=[p for j in jobs_list for p in j.programs],
        kernel_checks=[kernel_checks[t] for t in checks_for if t in kernel_checks],
        wall_s=time.monotonic() - start,
        renode_note=renode_note,
    )


def _suite_problem(suite: Suite) -> str:
    """Why a suite cannot run against the C runners, or ''."""
    if suite.name not in KNOWN_SUITES:
        return f"no C runner for suite {suite.name!r} (c_kernels/conformance/tt_conf.h)"
    want = preset_for(suite.name).to_json()
    if suite.config != want:
        diff = sorted(k for k in set(want) | set(suite.config) if want.get(k) != suite.config.get(k))
        return (f"golden config differs from the C preset {want['name']!r} in {', '.join(diff)}: "
                "regenerate the goldens or the presets")
    return ""


__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "KNOWN_SUITES",
    "KernelCheck",
    "ProgramResult",
    "RENODE_TARGET",
    "SuiteResult",
    "ToolMissing",
    "golden_budget",
    "group_headers",
    "main_source",
    "preset_for",
    "resolve_targets",
    "run_conformance",
]
