"""`tintin conformance`: build the C kernels for the host and the Cortex-M cores, run them on
the golden vectors (natively and under QEMU), print the suite x target table and write the
Markdown, JSON and JUnit XML reports. Exit status 0 only when every case on every target
matched and the kernel objects are free of float and 64-bit helpers.

Imports of the machinery happen inside run() so `tintin --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

LEVELS = ("ci", "thorough")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        dest="targets",
        action="append",
        metavar="LIST",
        help="comma-separated targets among host,m0plus,m3,m4,m7,m33,m55, their Renode twins renode-m0plus,"
        "renode-m3,renode-m4,renode-m7,renode-m33, or all (default: all, or none with --target-file); repeatable",
    )
    parser.add_argument(
        "--target-file",
        dest="target_files",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="also run on the target this TOML file describes (compiler, memory map, runner; "
        "docs/targets.md); repeatable",
    )
    parser.add_argument(
        "--suite",
        dest="suites",
        metavar="NAME",
        nargs="+",
        action="extend",
        help="only these suites (default: every suite file of the level)",
    )
    parser.add_argument("--level", choices=LEVELS, default="ci", help="golden level (default: ci)")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder with the <suite>.<level>.json files (default: golden_vectors/data for ci, "
        "build/golden_vectors for thorough)",
    )
    parser.add_argument("--out", type=Path, default=Path("out/conformance"), help="report folder")
    parser.add_argument(
        "--build-dir", type=Path, default=Path("build/conformance"), help="build folder (generated C, objects, ELFs)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, metavar="S",
                        help="seconds per program run (default 60; a target file's run.timeout may give more)")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="targets built and run in parallel (default: CPU count)"
    )
    parser.add_argument(
        "--kernels",
        action="append",
        default=[],
        metavar="DIR_OR_LIB",
        help="the kernel library under test: a folder of C/assembly sources defining some tt_* functions of "
        "tintin.h, or a static library (TARGET=lib.a for one target); repeatable. Functions it does not define "
        "come from the reference kernels (docs/user-kernels.md)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--max-failures",
        type=int,
        default=None,
        metavar="N",
        help="failing cases listed on the console (default 20, 0 = all; the reports list every one)",
    )
    parser.add_argument("--model", metavar="FILE.toml",
                        help="generate the suites of this model file (or bundled model name) into "
                             "BUILD_DIR/models/<name> and run them (docs/model-file.md); not with --data or --level")
    parser.add_argument("--cases", type=int, default=4, metavar="N",
                        help="with --model: seeded random cases per suite (default 4)")


def run(args: argparse.Namespace) -> int:
    from tintin.cli import UserError

    if not 0 < args.timeout < float("inf"):  # also refuses nan
        raise UserError(f"--timeout must be positive, got {args.timeout}")
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    if args.max_failures is not None and args.max_failures < 0:
        raise UserError(f"--max-failures must be 0 (all) or more, got {args.max_failures}")

    if args.model is not None:
        args.data = _model_goldens(args)
    from tqdm import tqdm

    from tintin.atomic import writable_dir
    from tintin.progress import wanted as progress_wanted

    writable_dir(args.out)  # before minutes of building, not after

    from .build import ToolMissing
    from .conformance import ConformanceError, run_conformance
    from .kernel_library import KernelLibraryError, parse_kernel_spec
    from .report import DEFAULT_MAX_FAILURES, failure_table, family_summary, table, write_reports
    from .targets import ALL_TARGETS

    try:
        kernels = [parse_kernel_spec(k, ALL_TARGETS) for k in args.kernels]
    except KernelLibraryError as exc:
        raise UserError(str(exc)) from None
    show = progress_wanted(False if args.no_progress else None)  # a terminal, or TINTIN_PROGRESS=1
    bar = tqdm(total=0, unit="task", desc="conformance", disable=not show, file=sys.stderr)

    def on_plan(total: int) -> None:
        bar.total = total
        bar.refresh()

    def progress(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    try:
        report = run_conformance(
            args.targets or ([] if args.target_files else "all"),
            args.suites,
            level=args.level,
            data_dir=args.data,
            build_dir=args.build_dir,
            timeout_s=args.timeout,
            jobs=args.jobs or os.cpu_count() or 1,
            progress=progress,
            on_plan=on_plan,
            kernels=kernels,
            target_files=args.target_files,
        )
    except (ConformanceError, KernelLibraryError) as exc:
        raise UserError(str(exc)) from None
    except ToolMissing as exc:
        raise UserError(str(exc)) from None
    finally:
        bar.close()

    paths = write_reports(report, args.out)
    print(table(report))
    for target, functions in report.user_functions.items():
        if functions:
            print(f"kernels under test on {target}: " + ", ".join(f"{f} ({w})" for f, w in functions.items()))
    for r in report.failures:
        n = f", {len(r.failures)} failing cases" if len(r.failures) > 1 else ""
        print(f"FAIL {r.suite} on {r.target} ({r.state}{n}): {r.failure_text}")
    cases = failure_table(report, DEFAULT_MAX_FAILURES if args.max_failures is None else args.max_failures)
    if cases:
        print("\nfailing cases:\n" + cases)
        print("\ncase families:\n" + "\n".join(family_summary(report)))
    for k in report.kernel_checks:
        if not k.clean:
            print(f"FAIL kernel objects for {k.target}: {k.error or ', '.join(k.helpers)}")
    states = [r.state for r in report.results.values()]
    passed, skipped = states.count("passed"), states.count("skipped")
    print(
        f"conformance {'PASSED' if report.ok else 'FAILED'}: {passed} of {len(states) - skipped} suite x target "
        f"cells passed ({skipped} skipped) in {report.wall_s:.1f} s"
    )
    print("reports: " + ", ".join(str(p) for p in paths.values()))
    return 0 if report.ok else 1


def _model_goldens(args: argparse.Namespace) -> Path:
    """Generate a model file's suites into the build folder; the folder to run."""
    from tintin.cli import UserError
    from tintin.golden.suites.model_suites import write_model_suites
    from tintin.reference.modelfile import resolve

    if args.data is not None or args.level != "ci":
        raise UserError("--model makes its own goldens: drop --data and --level")
    if not 0 <= args.cases <= 1000:
        raise UserError(f"--cases must be in [0, 1000], got {args.cases}")
    mf = resolve(args.model)
    out = Path(args.build_dir) / "models" / mf.name
    for stale in out.glob("*.ci.json"):  # suites of an earlier version of the file
        stale.unlink()
    from tintin.golden.generate import UnknownSuiteError

    try:
        write_model_suites(mf, out, args.cases, args.suites, progress=False if args.no_progress else None)
    except UnknownSuiteError as exc:
        raise UserError(f"model {mf.name}: {exc}") from None
    return out
