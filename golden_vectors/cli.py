"""`tintin golden`: generate, check, list, validate and emit golden vectors as C headers.

Imports of the machinery happen inside run() so `tintin --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LEVEL_CHOICES = ("ci", "thorough")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="golden_command", metavar="ACTION", required=True)

    def suite_filter(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--suite",
            dest="suites",
            metavar="NAME",
            nargs="+",
            action="extend",
            help="only these suites (default: all registered)",
        )

    def level(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--level",
            choices=LEVEL_CHOICES,
            default="ci",
            help="ci (committed, small) or thorough (generated on demand)",
        )

    def jobs(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="build the suites in N parallel processes (same bytes as a serial run; default 1)",
        )

    def progress(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-progress",
            dest="progress",
            action="store_false",
            default=None,
            help="no progress bar (default: shown on a terminal)",
        )

    p = sub.add_parser("generate", help="write <suite>.<level>.json for registered suites")
    level(p)
    p.add_argument(
        "--out",
        type=Path,
        help="output folder (default: golden_vectors/data for "
        "ci, build/golden_vectors for thorough)",
    )
    suite_filter(p)
    progress(p)
    jobs(p)

    p = sub.add_parser("check", help="regenerate into a temp folder; files must be byte-identical")
    level(p)
    p.add_argument("--data", type=Path, help="folder with the files to check (default as generate)")
    suite_filter(p)
    progress(p)
    jobs(p)

    p = sub.add_parser("emit-c", help="write C headers (and golden_index.json) from suite files")
    level(p)
    p.add_argument("--data", type=Path, help="folder with the suite files (default as generate)")
    p.add_argument("--out", type=Path, default=Path("build/golden_c"), help="header folder")
    p.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="flash budget per header before a suite is split into parts "
        "(default 32768; 0 = never split)",
    )
    suite_filter(p)

    p = sub.add_parser("list", help="registered suites, their kernels and case counts")
    level(p)
    p.add_argument("--data", type=Path, help="folder with the suite files (default as generate)")

    p = sub.add_parser("validate", help="check suite files against the schema and the loader")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--allow-noncanonical",
        action="store_true",
        help="accept files whose bytes differ from the writer's layout",
    )


def run(args: argparse.Namespace) -> int:
    from tintin.cli import UserError

    from . import suites as registry_module
    from .generate import UnknownSuiteError, default_dir
    from .model import GoldenFormatError

    registry = registry_module.SUITES  # looked up now, so tests can substitute it
    if getattr(args, "jobs", 1) < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    try:
        action = args.golden_command
        if action == "generate":
            return _generate(args, registry, args.out or default_dir(args.level))
        if action == "check":
            return _check(args, registry, args.data or default_dir(args.level))
        if action == "emit-c":
            return _emit_c(args, args.data or default_dir(args.level))
        if action == "list":
            return _list(args, registry, args.data or default_dir(args.level))
        if action == "validate":
            return _validate(args)
    except UnknownSuiteError as exc:
        raise UserError(str(exc)) from None
    except GoldenFormatError as exc:
        print(f"tintin golden {args.golden_command}: {exc}", file=sys.stderr)
        return 1
    raise UserError(f"unknown action {args.golden_command!r}")


def _generate(args: argparse.Namespace, registry: dict, out: Path) -> int:
    from .generate import generate

    if not registry:
        print("no suites registered (golden_vectors/suites/__init__.py)", file=sys.stderr)
        return 0
    for path in generate(registry, args.level, out, names=args.suites, progress=args.progress, jobs=args.jobs):
        print(f"wrote {path}")
    return 0


def _check(args: argparse.Namespace, registry: dict, data: Path) -> int:
    from .check import check

    results = check(registry, args.level, data, names=args.suites, progress=args.progress, jobs=args.jobs)
    bad = [r for r in results if r.status != "same"]
    for r in bad:
        print(r)
    print(
        f"golden check ({args.level}, {data}): {len(results) - len(bad)} of {len(results)} "
        "file(s) reproduce byte for byte"
    )
    return 1 if bad else 0


def _emit_c(args: argparse.Namespace, data: Path) -> int:
    from tintin.cli import UserError

    from .emit_c import DEFAULT_MAX_BYTES, emit_c

    if args.suites:
        files = [data / f"{name}.{args.level}.json" for name in dict.fromkeys(args.suites)]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise UserError(f"no such suite file(s): {', '.join(missing)}")
    else:
        files = sorted(data.glob(f"*.{args.level}.json"))
    if not files:
        raise UserError(
            f"no *.{args.level}.json files in {data}; run `tintin golden generate "
            f"--level {args.level}` first"
        )
    budget = DEFAULT_MAX_BYTES if args.max_bytes is None else (args.max_bytes or None)
    result = emit_c(files, args.out, max_bytes_per_header=budget)
    for h in result.headers:
        print(f"wrote {args.out / h.file} ({h.n_cases} cases, ~{h.estimated_bytes} bytes)")
    print(f"wrote {result.index_path}")
    return 0


def _list(args: argparse.Namespace, registry: dict, data: Path) -> int:
    from .loader import load_suite
    from .model import GoldenFormatError

    rows = [("suite", "kernel", f"cases ({args.level})", "file")]
    for name, defn in registry.items():
        path = data / f"{name}.{args.level}.json"
        if path.is_file():
            try:
                status = f"{len(load_suite(path, schema=False).cases)} cases"
            except GoldenFormatError as exc:
                status = f"broken: {exc.problem}"
        else:
            status = "not generated"
        rows.append((name, defn.kernel, str(len(defn.cases(args.level))), status))
    if len(rows) == 1:
        print("no suites registered (golden_vectors/suites/__init__.py)")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[3])
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .loader import load_suite, schema_available
    from .model import GoldenFormatError

    if not schema_available():
        print("note: jsonschema is not installed; loader checks only", file=sys.stderr)
    failed = 0
    for path in args.files:
        try:
            suite = load_suite(path, require_canonical=not args.allow_noncanonical)
        except GoldenFormatError as exc:
            print(f"FAIL {exc}")
            failed += 1
        else:
            print(f"ok   {path} ({suite.name}, {suite.level}, {len(suite.cases)} cases)")
    return 1 if failed else 0
