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
    p.add_argument("--model", metavar="FILE.toml",
                   help="the suites of this model file (or bundled model name) instead of the registry: every "
                        "kernel call of its training step at its shapes, its whole steps, the kernels' edge cases "
                        "(docs/model-file.md); default --out build/golden_vectors/<model name>")
    p.add_argument("--cases", type=int, default=4, metavar="N",
                   help="with --model: seeded random cases per suite, after the edge cases (default 4)")
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
        "--framework",
        choices=("plain", "unity", "ztest"),
        default=None,
        help="write self-contained test sources for this test framework (one test per suite, needing only "
        "tintin.h and the kernels from outside --out; docs/golden-c-abi.md) instead of bare headers",
    )
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

    registry = registry_module.SUITES  # looked up now, so tests can substitute it
    if getattr(args, "jobs", 1) < 1:
        raise UserError(f"--jobs must be at least 1, got {args.jobs}")
    try:
        action = args.golden_command
        if action == "generate" and args.model is not None:
            return _generate_model(args)
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
    raise UserError(f"unknown action {args.golden_command!r}")


def _generate(args: argparse.Namespace, registry: dict, out: Path) -> int:
    from tintin.atomic import writable_dir

    from .generate import generate

    if not registry:
        print("no suites registered (golden_vectors/suites/__init__.py)", file=sys.stderr)
        return 0
    writable_dir(out)  # before the generation, not after the first suite
    for path in generate(registry, args.level, out, names=args.suites, progress=args.progress, jobs=args.jobs):
        print(f"wrote {path}")
    return 0


def model_golden_dir(model_name: str) -> Path:
    """Where `tintin golden generate --model` writes by default."""
    return Path("build") / "golden_vectors" / model_name


def _generate_model(args: argparse.Namespace) -> int:
    from tintin.cli import UserError
    from tintin.reference.modelfile import resolve

    from .suites.model_suites import write_model_suites

    if not 0 <= args.cases <= 1000:
        raise UserError(f"--cases must be in [0, 1000], got {args.cases}")
    if args.level != "ci":
        raise UserError("--model suites have one level (ci); the number of random cases is --cases")
    mf = resolve(args.model)
    out = args.out or model_golden_dir(mf.name)
    for path in write_model_suites(mf, out, args.cases, args.suites, args.progress):
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
    broken = [r for r in bad if r.status == "broken"]
    return 2 if broken else 1 if bad else 0  # a file that does not load is bad input


def _emit_c(args: argparse.Namespace, data: Path) -> int:
    from tintin.atomic import writable_dir
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
    if args.max_bytes is not None and args.max_bytes < 0:
        raise UserError(f"--max-bytes: must be 0 (never split) or a positive byte count, got {args.max_bytes}")
    writable_dir(args.out)
    budget = DEFAULT_MAX_BYTES if args.max_bytes is None else (args.max_bytes or None)
    if args.framework:
        from tintin.kernels.driver.framework_export import export_tests

        from .loader import load_suite

        try:
            written = export_tests([load_suite(f) for f in files], args.out, args.framework, budget)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        print(f"wrote {len(written)} files for {args.framework} into {args.out} (build: {args.out / 'README.md'})")
        return 0
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
    return 2 if failed else 0  # a file that breaks the format is bad input (tintin.cli)
