"""Running the conformance suites on each mutant, in parallel workers, and classifying it.

A mutant is killed when any suite on any target is not passed (failed, error, fault,
timeout, or a program of the run did not build once the library had); it did not build
when the mutated library does not compile (KernelLibraryError from the library's
resolution); it is equivalent when it is listed as such (equivalent.py) or, surviving,
compiles to the original's object code (library.same_code); otherwise it survived.

Each worker has its own build folder, reused from mutant to mutant, and all share one object
cache, so a mutant costs the compile of the files it touches, a link and the run.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from tintin.kernels.driver.conformance import run_conformance
from tintin.kernels.driver.kernel_library import KernelLibraryError, KernelSpec
from tintin.kernels.driver.results import ConformanceReport

from .library import SourceTree, same_code, write_folder
from .population import Mutant

KILLED, SURVIVED, NO_BUILD, EQUIVALENT = "killed", "survived", "did-not-build", "equivalent"
_NOT_RUN = ("passed", "skipped")


class MutateError(RuntimeError):
    """The run cannot measure anything, e.g. the unmutated kernels already fail."""


@dataclass
class MutantResult:
    mutant: Mutant
    status: str
    detail: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class MutateRun:
    """What every mutant is run with."""

    tree: SourceTree
    targets: tuple[str, ...]
    suites: tuple[str, ...] | None
    timeout_s: float
    work: Path  # scratch folder, removed by the caller
    equivalents: Mapping[str, str]  # mutant id -> reason
    level: str = "ci"
    data_dir: Path | None = None

    def conformance(self, build: Path, kernels: Sequence[KernelSpec]) -> ConformanceReport:
        return run_conformance(list(self.targets), list(self.suites) if self.suites else None, level=self.level,
                               data_dir=self.data_dir, build_dir=build, timeout_s=self.timeout_s, jobs=1,
                               kernels=kernels, object_cache=self.work / "object-cache")


def _first_failure(report: ConformanceReport) -> str | None:
    for r in report.results.values():
        if r.state not in _NOT_RUN:
            return f"{r.suite} on {r.target} ({r.state}): {r.failure_text[:300]}"
    return None


def run_baseline(run: MutateRun) -> float:
    """The unmutated library must pass: a mutant is only killed by the goldens if the original
    is not. Warms the object cache for the workers. Returns its wall time."""
    start = time.monotonic()
    kernels = [KernelSpec(run.tree.root)] if run.tree.user else []
    try:
        report = run.conformance(run.work / "worker0", kernels)
    except KernelLibraryError as exc:
        raise MutateError(f"the unmutated kernels do not build: {exc}") from None
    failure = _first_failure(report)
    if failure is not None:
        raise MutateError(f"the unmutated kernels already fail conformance ({failure}): fix that first")
    return time.monotonic() - start


def _clean_worker(build: Path) -> None:
    """Drop the per-mutant kernel objects of a worker's build folder (the cache keeps the rest)."""
    for stale in build.glob("*/kernels-*"):
        shutil.rmtree(stale, ignore_errors=True)


def run_mutant(run: MutateRun, mutant: Mutant, worker: int) -> MutantResult:
    start = time.monotonic()
    build = run.work / f"worker{worker}"
    folder = run.work / "mutants" / f"w{worker}"
    try:
        lib = write_folder(run.tree, mutant, folder / "lib")
        try:
            report = run.conformance(build, [KernelSpec(lib, cacheable=False)])
        except KernelLibraryError as exc:
            return MutantResult(mutant, NO_BUILD, str(exc), time.monotonic() - start)
        failure = _first_failure(report)
        if failure is not None:
            note = " (listed as equivalent: remove it from the list)" if mutant.id in run.equivalents else ""
            return MutantResult(mutant, KILLED, failure + note, time.monotonic() - start)
        if mutant.id in run.equivalents:
            return MutantResult(mutant, EQUIVALENT, run.equivalents[mutant.id], time.monotonic() - start)
        if same_code(run.tree, mutant, run.targets, folder):
            return MutantResult(mutant, EQUIVALENT, f"same object code on {', '.join(run.targets)}",
                                time.monotonic() - start)
        return MutantResult(mutant, SURVIVED, "every suite passed", time.monotonic() - start)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _clean_worker(build)


def run_all(run: MutateRun, mutants: Sequence[Mutant], jobs: int,
            on_result: Callable[[MutantResult], None] | None = None) -> list[MutantResult]:
    """Every mutant through `jobs` workers; results in the mutants' order. On Ctrl-C no new
    mutant starts, the running ones finish, and KeyboardInterrupt propagates."""
    free: queue.Queue[int] = queue.Queue()
    for k in range(max(1, jobs)):
        free.put(k)
    stop = threading.Event()
    lock = threading.Lock()

    def task(m: Mutant) -> MutantResult | None:
        if stop.is_set():
            return None
        worker = free.get()
        try:
            result = run_mutant(run, m, worker)
        finally:
            free.put(worker)
        if on_result is not None:
            with lock:
                on_result(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures: list[Future[MutantResult | None]] = [pool.submit(task, m) for m in mutants]
        try:
            wait(futures)
        except KeyboardInterrupt:
            stop.set()
            for f in futures:
                f.cancel()
            raise
    return [r for f in futures if (r := f.result()) is not None]
