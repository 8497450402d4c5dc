"""`tintin bench`: measure memory, instructions and speed in one run; write BENCHMARKS.md.

Sections: (a) training-time RAM of the integer C train step against float32 training,
(b) instructions executed on QEMU per kernel and per training sample (Cortex-M0+, M4, M7;
DSP against portable builds), (c) JAX reference throughput of the integer step against
float32, (d) time to generate the CI goldens and to run all proofs. Also the code size of the
kernel library per core. Writes BENCHMARKS.md and benchmarks.json into --out (default:
out/bench/ under the current folder); only --update-committed rewrites the repository's committed
copies, and never with --quick numbers. See tintin/bench/ for what each number counts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("out/bench")


def repo_root() -> Path:
    """The repository this tintin runs from (editable install), else the current folder."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "c_kernels").is_dir() else Path.cwd()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None,
                   help=f"folder for BENCHMARKS.md and benchmarks.json (default: {DEFAULT_OUT})")
    p.add_argument("--update-committed", action="store_true",
                   help="write the repository's committed BENCHMARKS.md and benchmarks.json (full run only)")
    p.add_argument("--quick", action="store_true",
                   help="reduced run: small shapes, three builds, one JAX model, two golden suites, no proofs")
    p.add_argument("--build-dir", type=Path, default=None,
                   help="keep the benchmark builds here (default: a temporary folder)")
    p.add_argument("--mutation-only", action="store_true",
                   help="measure nothing: re-read the committed mutation reports (docs/results/mutation-*) into "
                        "an existing benchmarks.json and re-render BENCHMARKS.md, for after a long tintin mutate run")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar (default: shown on a terminal)")


def output_folder(out: Path | None, update_committed: bool, quick: bool) -> Path:
    """Where the two files go. The committed copies (in the repository root) are written only on
    request, and a --quick run may not replace them, however the folder is named."""
    from tintin.cli import UserError

    if update_committed and out is not None:
        raise UserError("--update-committed writes the repository's files; it takes no --out")
    folder = repo_root() if update_committed else (out if out is not None else DEFAULT_OUT)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--out {folder} exists and is not a folder")
    if quick and folder.resolve() == repo_root().resolve():
        raise UserError(f"--quick results may not replace the committed BENCHMARKS.md and benchmarks.json in "
                        f"{folder}; run without --quick, or write elsewhere with --out")
    return folder


def _refresh_mutation(out: Path) -> int:
    """Section (e) only: every other number stays as the last full run measured it."""
    import json

    from tintin.bench import mutation, runner
    from tintin.cli import UserError

    js = out / runner.JSON_NAME
    try:
        results = json.loads(js.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"--mutation-only needs the benchmarks.json of a full run in {out}: {exc}") from None
    results["mutation"] = mutation.summaries()
    md, js = runner.write(results, out)
    print(f"wrote {md} and {js} (section (e) re-read from the committed mutation reports; nothing measured)")
    return 0


def run(args: argparse.Namespace) -> int:
    from tintin.atomic import writable_dir
    from tintin.bench import runner

    out = output_folder(args.out, args.update_committed, args.quick)
    writable_dir(out)
    if args.mutation_only:
        return _refresh_mutation(out)
    command = "tintin bench --update-committed" if args.update_committed else (
        "tintin bench --quick" if args.quick else "tintin bench")
    results = runner.run(runner.Options(out=out, quick=args.quick, progress=args.progress,
                                        build_dir=args.build_dir, command=command))
    md, js = out / runner.MD_NAME, out / runner.JSON_NAME
    print(f"wrote {md} and {js} ({results['wall_seconds']:.0f} s)")
    for title, key in (("(a) RAM", "ram"), ("(b) instructions", "instructions"), ("(c) JAX", "jax")):
        if results[key].get("error"):
            print(f"warning: section {title} not measured: {results[key]['error']}")
    for job in ("goldens", "proofs"):
        t = results["times"][job]
        if t.get("seconds") is not None and not t.get("ok"):
            print(f"warning: section (d) {job}: {t['command']} failed: {t.get('detail', '')}")
    return 0
