"""`tintin demo`: the main job end to end on the bundled defaults (no download).

Stages, each the same as its own sub-command: train on the digits data (integer Tin-Tin,
NITI and float32), train the two sensing applications (bearing-fault autoencoder, spectrum
sensing) on their synthetic signals, check the committed golden vectors regenerate byte for byte, prove the
integer rules overflow-free, and run the C kernels against the goldens on the host and the
emulated Cortex-M cores. Every stage's outputs go under --out; a summary table ends the run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tintin.cli import COMMANDS
from tintin.cli import main as tintin_main

STAGES: list[tuple[str, list[str]]] = [
    ("train", ["train", "--epochs", "20", "--out", "{out}/train"]),
    ("bearing", ["train", "--app", "bearing", "--epochs", "20", "--out", "{out}/bearing"]),
    ("spectrum", ["train", "--app", "spectrum", "--epochs", "20", "--out", "{out}/spectrum"]),
    ("golden", ["golden", "check"]),
    ("prove", ["prove", "--out", "{out}/proofs"]),
    ("conformance", ["conformance", "--out", "{out}/conformance"]),
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="output folder (default: out/demo)")
    p.add_argument("--skip", default="", help="comma-separated stages to skip: " + ",".join(s for s, _ in STAGES))


def run(args: argparse.Namespace) -> int:
    import importlib.util

    from tintin.atomic import writable_dir
    from tintin.cli import UserError

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = sorted(skip - {s for s, _ in STAGES})
    if unknown:
        raise UserError(f"--skip: unknown stage(s) {', '.join(unknown)}; the stages are "
                        + ",".join(s for s, _ in STAGES))
    writable_dir(args.out)
    results = []
    for name, argv in STAGES:
        module = COMMANDS[argv[0]][0]
        if name in skip:
            results.append((name, "skipped (--skip)", 0.0))
            continue
        if importlib.util.find_spec(module) is None:
            results.append((name, "not available in this version", 0.0))
            continue
        print(f"\n=== {name}: tintin {' '.join(argv).format(out=args.out)}", flush=True)
        start = time.perf_counter()
        status = tintin_main([a.format(out=args.out) for a in argv])
        results.append((name, "ok" if status == 0 else f"FAILED (exit {status})", time.perf_counter() - start))

    print("\n| stage | result | seconds |\n| --- | --- | --- |")
    for name, result, seconds in results:
        print(f"| {name} | {result} | {seconds:.1f} |")
    return 0 if all(r.startswith(("ok", "skipped", "not available")) for _, r, _ in results) else 1
