"""`tintin mutate`: mutation testing of the C kernels against the goldens.

Makes single-point mutants of the kernel sources (c_kernels/src, or the user's --kernels
folder), runs the conformance suites on each and reports which the goldens kill. The score is
killed / (killed + survived); mutants that do not build and equivalent ones are not scored.
The source tree is never written to: every mutant is built from a copy in a temporary folder,
removed at the end or on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .library import SourceTree
    from .population import Mutant


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", dest="targets", action="append", metavar="LIST",
                   help="comma-separated targets (host, m0plus, m3, m4, m7, m33, m55 or all; default host); "
                   "a mutant is killed if any target's suites catch it")
    p.add_argument("--kernels", type=Path, default=None, metavar="DIR",
                   help="mutate your kernel folder (as for conformance --kernels) instead of c_kernels/src")
    p.add_argument("--sample", type=int, default=None, metavar="N",
                   help="run a seeded sample of N mutants, stratified by file (default: every mutant)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="sampling seed (default 0)")
    p.add_argument("--files", action="append", default=[], metavar="GLOB",
                   help="only sources whose name or relative path matches (comma-separated, repeatable)")
    p.add_argument("--dsp-only", action="store_true",
                   help="only mutants of the DSP-only code paths (inside #if TT_USE_DSP, __ARM_FEATURE_DSP or "
                   "__ARM_FEATURE_SAT branches, which the host never compiles); use with --target m4")
    p.add_argument("--suite", dest="suites", nargs="+", action="extend", metavar="NAME",
                   help="run only these conformance suites (default: all)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="mutants in parallel (default: CPU count)")
    p.add_argument("--timeout", type=float, default=20.0, metavar="S",
                   help="seconds per program run; a mutant that hangs longer is killed (default 20)")
    p.add_argument("--equivalents", type=Path, default=None, metavar="FILE",
                   help="the equivalent-mutants list (default: c_kernels/mutants-equivalent.toml for the "
                   "reference kernels, none for --kernels)")
    p.add_argument("--out", type=Path, default=Path("out/mutate"), help="report folder (default out/mutate)")
    p.add_argument("--list", action="store_true", help="print the chosen mutants and stop (nothing is built)")
    p.add_argument("--fail-under", type=float, default=None, metavar="PCT",
                   help="exit status 1 when the score is below PCT")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from tintin.cli import UserError
    from tintin.interrupt import scratch_dir
    from tintin.kernels.driver.build import ToolMissing
    from tintin.kernels.driver.plan import ConformanceError, check_tools, resolve_targets
    from tintin.kernels.driver.program_sources import SRC_DIR

    from .dsp import dsp_only
    from .equivalent import DEFAULT_FILE, EquivalentsError, load_equivalents
    from .library import SourceTree
    from .population import population, sample

    if args.sample is not None and args.sample < 1:
        raise UserError(f"--sample must be at least 1, got {args.sample}")
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    if args.timeout <= 0:
        raise UserError(f"--timeout must be positive, got {args.timeout}")
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise UserError(f"--fail-under must be a percentage in [0, 100], got {args.fail_under:g}")
    if args.equivalents is not None and not args.equivalents.is_file():
        raise UserError(f"--equivalents {args.equivalents}: no such file")
    if args.kernels is not None and not args.kernels.is_dir():
        raise UserError(f"--kernels {args.kernels}: expected a folder of C sources (an archive cannot be mutated)")
    try:
        targets = resolve_targets(args.targets or "host")
        check_tools(targets)
    except (ConformanceError, ToolMissing) as exc:
        raise UserError(str(exc)) from None
    tree = SourceTree(args.kernels.resolve(), user=True) if args.kernels is not None else SourceTree(SRC_DIR)
    patterns = [g.strip() for item in args.files for g in item.split(",") if g.strip()]
    every = population(tree.root, patterns)
    if args.dsp_only:
        if not any(t != "host" for t in targets):
            raise UserError("--dsp-only scores code the host never compiles: add a DSP target, e.g. --target m4")
        every = dsp_only(tree.root, every)
    if not every:
        raise UserError(f"no mutants: no .c or .h file of {tree.root} matches {', '.join(patterns) or '*'}"
                        + (" in a DSP-only code path" if args.dsp_only else ""))
    chosen = sample(every, args.sample, args.seed)
    if args.list:
        for m in chosen:  # one line per mutant: an original spanning lines is shown on one
            print(f"{m.id}\t{m.file}:{m.line}:{m.col}\t{' '.join(m.describe.split())}")
        print(f"{len(chosen)} of {len(every)} mutants")
        return 0
    eq_file = args.equivalents or (None if tree.user else DEFAULT_FILE)
    try:
        equivalents = load_equivalents(eq_file) if eq_file is not None else {}
    except EquivalentsError as exc:
        raise UserError(str(exc)) from None
    with scratch_dir("tintin-mutate-") as work:
        return _measure(args, tree, targets, every, chosen, equivalents, work)


def _measure(args: argparse.Namespace, tree: SourceTree, targets: tuple[str, ...], every: list[Mutant],
             chosen: list[Mutant], equivalents: dict[str, str], work: Path) -> int:
    from tqdm import tqdm

    from tintin.cli import UserError
    from tintin.kernels.driver.kernel_library import KernelLibraryError

    from .report import MutateReport, file_table, survivor_lines, write_reports
    from .runner import KILLED, MutantResult, MutateError, MutateRun, run_all, run_baseline

    start = time.monotonic()
    plan = MutateRun(tree, targets, tuple(args.suites) if args.suites else None, args.timeout, work, equivalents)
    try:
        baseline = run_baseline(plan)
    except (MutateError, KernelLibraryError) as exc:
        raise UserError(str(exc)) from None
    bar = tqdm(total=len(chosen), unit="mutant", desc="mutate", disable=args.no_progress or None, file=sys.stderr)
    killed = 0

    def on_result(r: MutantResult) -> None:
        nonlocal killed
        killed += r.status == KILLED
        bar.set_postfix_str(f"killed {killed}")
        bar.update(1)

    try:
        results = run_all(plan, chosen, args.jobs or os.cpu_count() or 1, on_result)
    finally:
        bar.close()
    command = "tintin mutate " + shlex.join(sys.argv[2:]) if len(sys.argv) > 1 and sys.argv[1] == "mutate" else ""
    report = MutateReport(tree, targets, args.suites, args.seed, args.sample, len(every), results,
                          time.monotonic() - start, baseline, command)
    paths = write_reports(report, args.out)
    print(file_table(report))
    for line in survivor_lines(report):
        print(f"SURVIVED {line}")
    print("reports: " + ", ".join(str(p) for p in paths.values()))
    print(f"{report.counts['equivalent']} equivalent (not scored); {len(results)} mutants in {report.wall_s:.1f} s")
    print(report.score_line())
    if args.fail_under is not None and (report.score or 0.0) < args.fail_under:
        return 1
    return 0
