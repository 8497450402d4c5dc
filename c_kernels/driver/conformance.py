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
from .kernel_library import KernelLibrary, KernelSpec, resolve_library
from .object_cache import ObjectCache
from .output_parser import apply_run
from .plan import (
    KNOWN_SUITES,
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
from .renode import renode_missing
from .results import ConformanceReport, KernelCheck, ProgramResult, SuiteResult
from .target_file import TargetFileError, load_target_file
from .target_job import DEFAULT_TIMEOUT_S, TargetJob, check_kernels, run_target
from .targets import TARGETS, Target, build_target, find_target, get_target, register_target

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
    kernels: Sequence[KernelSpec] = (),
    target_files: Sequence[str | os.PathLike[str]] = (),
    object_cache: str | os.PathLike[str] | None = None,
) -> ConformanceReport:
    """Build and run the conformance programs; never raises for a kernel failure (those are
    in the report), only for a bad request (ConformanceError), a kernel library that cannot
    be used (KernelLibraryError) or a missing tool (ToolMissing).

    ``kernels``: the user's kernel library (kernel_library.py); functions it does not define
    come from the reference kernels in c_kernels/src. ``target_files``: the user's target
    files (docs/targets.md), run after the chosen built-ins. ``object_cache``: the folder of the
    compiled-object cache (default ``<build_dir>/object-cache``); runs that share it reuse the
    objects of unchanged sources (the golden headers above all)."""
    start = time.monotonic()
    names = resolve_targets(targets, load_user_targets(target_files))
    data = Path(data_dir) if data_dir is not None else default_dir(level)
    files = find_suite_files(data, level)
    chosen = select_suites(files, suites, data, level)
    check_tools(names)
    columns = report_columns(names)
    results, runnable = plan_results([_load_suite(files[s]) for s in chosen], columns)
    root = Path(build_dir).resolve()
    write_suite_configs_header(root / "include", {s.name: suite_config(s) for s in runnable})
    cache = ObjectCache(Path(object_cache).resolve() if object_cache is not None else root / "object-cache")
    include_dirs = [INCLUDE_DIR, CONF_DIR, write_presets_header(root / "include").parent]
    workers = max(1, jobs or os.cpu_count() or 1)
    # One kernel library per build target: a twin (a Renode target) links what its QEMU twin does.
    libraries = _resolve_libraries(sorted({build_target(t).name for t in names}), kernels, root, workers, cache)
    library_of = {t: libraries[build_target(t).name] for t in names}
    for (suite, target), r in results.items():
        if target in library_of:
            r.implementation = library_of[target].implementation(_suite_kernel(runnable, suite))
    jobs_list = [TargetJob(t, runnable, root / t, include_dirs, timeout_s, library_of[t], cache) for t in names]
    by_name = {j.target: j for j in jobs_list}
    for j in jobs_list:  # a twin runs the ELFs of its build target's job when that one is in the run
        j.twin = by_name.get(get_target(j.target).build or "")
    checks_for = [t for t in names if not get_target(t).is_host and get_target(t).build is None]
    if on_plan is not None:
        on_plan(len(jobs_list) + len(checks_for))
    kernel_checks: dict[str, KernelCheck] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[Any], str] = {}
        for j in jobs_list if runnable else []:
            futures[pool.submit(run_target, j, results)] = j.target
        for t in checks_for:
            futures[pool.submit(check_kernels, libraries[t])] = f"{t} kernel objects"
        for future in as_completed(futures):
            value = future.result()  # a ToolMissing or bug propagates
            if isinstance(value, KernelCheck):
                kernel_checks[value.target] = value
            if progress is not None:
                progress(futures[future])
    renode = [t for t in names if get_target(t).runner == "renode"]
    renode_note = (renode_missing() or "ran under renode-test") if renode else ""
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
        user_functions={t: lib.user_functions for t, lib in library_of.items()},
    )


def _resolve_libraries(names: Sequence[str], kernels: Sequence[KernelSpec], root: Path,
                       workers: int, cache: ObjectCache) -> dict[str, KernelLibrary]:
    """Each target's kernel library, compiled once, before any program is built: a problem
    with the user's library stops the run with one message rather than failing every cell."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {t: pool.submit(resolve_library, t, kernels, root / t, cache) for t in names}
        return {t: f.result() for t, f in futures.items()}


_LOADED: dict[tuple[str, int, int], Any] = {}


def _load_suite(path: Path) -> Any:
    """load_suite, remembered while the file is unchanged: schema validation dominates a small
    run, and `tintin mutate` runs the same suites once per mutant (Suite is frozen)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _LOADED:
        _LOADED[key] = load_suite(path)
    return _LOADED[key]


def _suite_kernel(suites: Sequence[Any], name: str) -> str:
    return next((s.kernel for s in suites if s.name == name), "")


def load_user_targets(paths: Sequence[str | os.PathLike[str]]) -> tuple[str, ...]:
    """Read and register the user's target files; their names, in order. A bad file, or two
    files of one name, is a ConformanceError naming the file and field."""
    names: list[str] = []

    def lookup(name: str) -> Target | None:  # a built-in, or a file read before this one
        return TARGETS.get(name) or (find_target(name) if name in names else None)

    for path in paths:
        try:
            t = load_target_file(path, lookup)
            if t.name in names:
                raise TargetFileError(f"target file {t.source}: name: {t.name!r} is also the name of an earlier file")
            register_target(t)
        except TargetFileError as exc:
            raise ConformanceError(str(exc)) from None
        names.append(t.name)
    return tuple(names)


__all__ = [
    "ConformanceError",
    "ConformanceReport",
    "KNOWN_SUITES",
    "KernelCheck",
    "ProgramResult",
    "SuiteResult",
    "ToolMissing",
    "apply_run",
    "golden_budget",
    "group_headers",
    "load_user_targets",
    "main_source",
    "preset_for",
    "resolve_targets",
    "run_conformance",
]
