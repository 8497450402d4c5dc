"""`tintin prove`: prove overflow-freedom and exactness of the integer rules with Z3.

Prints a table (theorem, config, result, time), writes OUT/proofs.md, OUT/proofs.json and
the C header OUT/tt_proved_limits.h, prints every counterexample, and exits non-zero when
a theorem is not proved (with --expected-ok: when an outcome differs from the expected
failures of the width configs in tintin.proofs.configs). --cases-out writes the
counterexamples as the golden suites' source file (golden_vectors/proof_counterexamples.json).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

CONFIG_CHOICES = ("tintin", "niti", "int16-acc32", "int8-acc16", "all")


def _terms(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated exponents, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="tintin", choices=CONFIG_CHOICES,
                        help="named width configuration, or all of them (default: tintin)")
    parser.add_argument("--theorem", help="one theorem, or a group prefix such as 'rounding' (default: all)")
    parser.add_argument("--out", default="out/proofs", type=Path, help="report directory (default: out/proofs)")
    parser.add_argument("--header-out", type=Path,
                        help="also write the C header here (the kernels include "
                             "c_kernels/include/tt_proved_limits.h, made with --config all)")
    parser.add_argument(
        "--cases-out",
        type=Path,
        metavar="PATH",
        help="also write the counterexamples as golden-case sources (stable JSON, sorted by id); "
        "the committed golden_vectors/proof_counterexamples.json is made with --config all --mutants --expected-ok",
    )
    parser.add_argument("--timeout", default=60.0, type=float, help="seconds per solver query (default: 60)")
    parser.add_argument("--jobs", default=min(2, os.cpu_count() or 1), type=int,
                        help="parallel processes (default: up to 2)")
    parser.add_argument("--mutants", action="store_true", help="also run the mutants (each must fail)")
    parser.add_argument("--expected-ok", action="store_true",
                        help="exit 0 when every outcome matches the expected failures of the width configs")
    parser.add_argument("--list", action="store_true", help="list the theorems and mutants, then exit")
    g = parser.add_argument_group("custom widths (change the chosen config; not with --config all)")
    g.add_argument("--payload-bits", type=int)
    g.add_argument("--acc-bits", type=int)
    g.add_argument("--window-low", type=int)
    g.add_argument("--window-high", type=int)
    g.add_argument("--lr-shift", type=int)
    g.add_argument("--margin", type=int, dest="update_margin")
    g.add_argument("--grad-pre-bits", type=int)
    g.add_argument("--niti-mu", type=int)
    g.add_argument("--up-terms", type=_terms)
    g.add_argument("--down-terms", type=_terms)
    parser.add_argument("--model", metavar="FILE.toml",
                        help="prove for this model file (or bundled model name): its numerics, and its layers' "
                             "fan-ins, fan-outs, batch and convolution sums as the required sizes; failures name "
                             "the layer (not with --config, custom widths or sizes)")
    t = parser.add_argument_group("required sizes (a limit theorem fails below them)")
    t.add_argument("--fan-in", type=int)
    t.add_argument("--fan-out", type=int)
    t.add_argument("--batch", type=int)
    t.add_argument("--classes", type=int)
    t.add_argument("--conv-patch", type=int, help="kernel area x input channels")
    t.add_argument("--conv-backward-terms", type=int, help="ceil(kernel / stride)**2 x output channels")
    t.add_argument("--conv-gradient-terms", type=int, help="batch x output positions")


_WIDTH_FIELDS = ("payload_bits", "acc_bits", "window_low", "window_high", "lr_shift", "update_margin",
                 "grad_pre_bits", "niti_mu", "up_terms", "down_terms")


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from tintin import atomic
    from tintin.cli import UserError
    from tintin.proofs import configs as C
    from tintin.proofs import mutants as MU
    from tintin.proofs import report as RP
    from tintin.proofs import runner
    from tintin.proofs import theorems as T
    from tintin.proofs import widths as W
    from tintin.reference.config import ConfigError

    if args.list:
        for th in T.THEOREMS:
            print(f"{th.name:30s} guards {', '.join(th.guards)}")
        for mu in MU.MUTANTS:
            print(f"mutant {mu.name:23s} -> {mu.theorem} [{mu.config}]: {mu.description}")
        return 0
    changes = {f: getattr(args, f) for f in _WIDTH_FIELDS if getattr(args, f) is not None}
    if not args.timeout > 0 or args.timeout != args.timeout or args.timeout == float("inf"):
        raise UserError(f"--timeout: must be a positive number of seconds, got {args.timeout:g}")
    if args.jobs < 1:
        raise UserError(f"--jobs: must be at least 1, got {args.jobs}")
    atomic.writable_dir(args.out)  # before the proofs, not after
    for extra in (args.header_out, args.cases_out):
        if extra is not None:
            atomic.writable_dir(extra.parent)
    if args.model is not None:
        return _run_model(args, changes)
    try:
        cfgs = C.resolve(args.config)
        derived: list[W.Derived] = []
        if changes:
            if len(cfgs) != 1:
                raise UserError("custom widths change one config; choose it with --config NAME")
            cfg, derived = W.derive(cfgs[0], changes)
            cfgs = [cfg]
            for d in derived:
                print(f"derived {d}")
        chosen = T.select(args.theorem)
    except (ConfigError, KeyError) as exc:
        raise UserError(str(exc).strip("'\"")) from None
    size_fields = ("fan_in", "fan_out", "batch", "classes", "conv_patch", "conv_backward_terms", "conv_gradient_terms")
    sizes = {k: getattr(args, k) for k in size_fields if getattr(args, k) is not None}
    if any(v < 1 for v in sizes.values()):
        raise UserError("required sizes must be positive")
    C.set_targets(replace(C.targets(), **sizes))

    report = runner.prove(cfgs, chosen, timeout_s=args.timeout, jobs=max(1, args.jobs))
    report.derived = [str(d) for d in derived]
    if args.mutants:
        report.mutants = [mu.run(args.timeout) for mu in MU.MUTANTS]
    print(RP.table(report))
    for line in RP.limit_lines(report):
        print(line)
    bad = report.unexpected() if args.expected_ok else report.failed()
    escaped = [r for r in report.mutants if r.result != "FAILED" or r.counterexample is None]
    for r in report.results:
        if not r.ok:
            print("\n" + RP.describe_failure(r), file=sys.stderr)
    for r in escaped:
        print(f"\nmutant {r.mutant} was not caught by {r.theorem}: {r.result}", file=sys.stderr)
    paths = RP.write(report, args.out)
    if args.header_out is not None:
        atomic.write_text(args.header_out, RP.c_header(report))
        paths.append(args.header_out)
    if args.cases_out is not None:
        atomic.write_text(args.cases_out, RP.dumps_counterexample_cases(report), encoding="ascii")
        paths.append(args.cases_out)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 1 if bad or escaped else 0


def _run_model(args: argparse.Namespace, changes: dict) -> int:
    """The theorems for one model file: its config, its sizes; a per-layer table of its sums."""
    from tintin.cli import UserError
    from tintin.proofs import configs as C
    from tintin.proofs import model_limits as ML
    from tintin.proofs import report as RP
    from tintin.proofs import runner
    from tintin.proofs import theorems as T
    from tintin.reference.modelfile import resolve

    size_fields = ("fan_in", "fan_out", "batch", "classes", "conv_patch", "conv_backward_terms", "conv_gradient_terms")
    extra = [f"--{f.replace('_', '-')}" for f in (*changes, *size_fields) if getattr(args, f, None) is not None]
    if args.config != "tintin" or extra or args.mutants or args.expected_ok or args.cases_out:
        raise UserError("--model sets the config and sizes itself: drop --config, --mutants, --expected-ok, "
                        f"--cases-out{' and ' + ', '.join(extra) if extra else ''} (change the model file instead)")
    mf = resolve(args.model, check_widths=False)
    try:
        chosen = T.select(args.theorem)
    except KeyError as exc:
        raise UserError(str(exc).strip("'\"")) from None
    saved = C.targets()
    C.set_targets(ML.model_targets(mf))
    try:
        report = runner.prove([mf.cfg], chosen, timeout_s=args.timeout, jobs=max(1, args.jobs))
    finally:  # the model's sizes are for this run only (the process may prove more, e.g. in tests)
        C.set_targets(saved)
    print(RP.table(report))
    rows = ML.layer_sums(mf, report)
    print()
    print(ML.table(mf, rows))
    problems = ML.failures(mf, rows, report)
    for line in problems:
        print(line, file=sys.stderr)
    paths = RP.write(report, args.out)
    (args.out / "model_limits.md").write_text(ML.table(mf, rows) + "\n" + "".join(f"\n- {p}" for p in problems)
                                              + "\n")
    paths.append(args.out / "model_limits.md")
    if args.header_out is not None:
        args.header_out.parent.mkdir(parents=True, exist_ok=True)
        args.header_out.write_text(RP.c_header(report))
        paths.append(args.header_out)
    print("wrote " + ", ".join(str(p) for p in paths))
    verdict = f"{len(problems)} problem(s)" if problems else "every layer within the proved limits"
    print(f"model {mf.name}: {verdict}")
    return 1 if problems else 0
