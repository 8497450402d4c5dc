"""`tintin bench`: measure memory, instructions and speed in one run; write BENCHMARKS.md.

Sections: (a) training-time RAM of the integer C train step against float32 training,
(b) instructions executed on QEMU per kernel and per training sample (Cortex-M0+, M4, M7;
DSP against portable builds), (c) JAX reference throughput of the integer step against
float32, (d) time to generate the CI goldens and to run all proofs. Also the code size of the
kernel library per core. Writes BENCHMARKS.md and benchmarks.json into --out (default: the
repository root). See tintin/bench/ for what each number counts.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def repo_root() -> Path:
    """The repository this tintin runs from (editable install), else the current folder."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "c_kernels").is_dir() else Path.cwd()


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None,
                   help="folder for BENCHMARKS.md and benchmarks.json (default: the repository root)")
    p.add_argument("--quick", action="store_true",
                   help="reduced run: small shapes, three builds, one JAX model, two golden suites, no proofs")
    p.add_argument("--build-dir", type=Path, default=None,
                   help="keep the benchmark builds here (default: a temporary folder)")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar (default: shown on a terminal)")


def run(args: argparse.Namespace) -> int:
    from tintin.atomic import writable_dir
    from tintin.bench import runner
    from tintin.cli import UserError

    out: Path = args.out if args.out is not None else repo_root()
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    writable_dir(out)
    command = "tintin bench --quick" if args.quick else "tintin bench"
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
