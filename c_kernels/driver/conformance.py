"""Conformance driver: the C kernels against the golden vectors, on the host and every core.

``run_conformance`` plans the run (plan.py), runs every target's programs in
parallel with the kernel-object checks (target_job.py, reading output with
output_parser.py) and returns a ``ConformanceReport`` (results.py; see
report.py for the Markdown, JSON and JUnit XML forms). ``tintin conformance``
(cli.py) is the command. The names other code imports from here are re-exported below.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from tintin.golden.generate import default_dir
from tintin.golden.loader import load_suite

from .build import ToolMissing
from .output_parser import apply_run
from .plan import (
    KNOWN_SUITES,
    RENODE_TARGET,
    ConformanceError,
    check_tools,
    find_suite_files,
    golden_budget,
    group_headers,
    plan_results,
    preset_for,
    report_columns,
    resolve_targets,
    select_suites,
    suite_config,
)
from .presets import write_presets_header, write_suite_configs_header
from .program_sources import CONF_DIR, INCLUDE_DIR, main_source
from .results import ConformanceReport, KernelCheck, ProgramResult, SuiteResult
from .target_job import DEFAULT_TIMEOUT_S, TargetJob, check_kernels, run_renode_programs, run_target
from .targets import CORTEX_M_TARGETS

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
    files = find_suite_files(data, level)
    chosen = select_suites(files, suites, data, level)
    check_tools(names)
    columns = report_columns(names)
    results, runnable = plan_results([load_suite(files[s]) for s in chosen], columns)
    root = Path(build_dir).resolve()
    write_suite_configs_header(root / "include", {s.name: suite_config(s) for s in runnable})
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


__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "KNOWN_SUITES",
    "KernelCheck",
    "ProgramResult",
    "RENODE_TARGET",
    "SuiteResult",
    "ToolMissing",
    "apply_run",
    "golden_budget",
    "group_headers",
    "main_source",
    "preset_for",
    "resolve_targets",
    "run_conformance",
]
