"""Run theorems over configs, in parallel processes, and check dependencies between them."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict

from tintin.proofs import configs as C
from tintin.proofs import theorems as T
from tintin.proofs.prover import FAILED, PROVED, TheoremResult, build, run_theorem
from tintin.proofs.report import Report
from tintin.proofs.theorem import Theorem
from tintin.reference.config import NumericsConfig, unchecked_widths


def _with_dependencies(chosen: Sequence[Theorem], cfgs: Sequence[NumericsConfig]) -> list[Theorem]:
    """The chosen theorems plus those whose lemmas they use (found by building them)."""
    out = list(chosen)
    seen = {th.name for th in out}
    i = 0
    while i < len(out):
        th = out[i]
        for cfg in cfgs:
            if th.applies(cfg):
                continue
            for dep in build(th, cfg).uses:
                if dep not in seen:
                    seen.add(dep)
                    out.append(T.get(dep))
        i += 1
    return out


def _prove_group(name: str, cfg_json: list[dict], targets: dict, timeout_s: float) -> list[TheoremResult]:
    """One theorem over several configs in one process (identical queries are then cached)."""
    C.set_targets(C.Targets(**targets))
    th = T.get(name)
    with unchecked_widths():  # the width variants are meant to fail some theorems
        cfgs = [NumericsConfig.from_json(c) for c in cfg_json]
    return [run_theorem(th, cfg, timeout_s) for cfg in cfgs]


def _check_uses(results: list[TheoremResult]) -> None:
    """A result that relies on another theorem's lemma stands only if that one is proved."""
    by_key = {(r.theorem, r.config): r for r in results}
    for r in results:
        for dep in r.uses:
            d = by_key.get((dep, r.config))
            if r.result == PROVED and (d is None or d.result != PROVED):
                r.result = FAILED
                r.note = f"relies on {dep}, which is {'not run' if d is None else d.result} for {r.config}"


def prove(
    cfgs: Sequence[NumericsConfig],
    chosen: Sequence[Theorem] | None = None,
    timeout_s: float = 60.0,
    jobs: int = 1,
) -> Report:
    t0 = time.perf_counter()
    ths = _with_dependencies(list(chosen or T.THEOREMS), cfgs)
    cfg_json = [c.to_json() for c in cfgs]
    targets = asdict(C.targets())
    if jobs <= 1:
        groups = [_prove_group(th.name, cfg_json, targets, timeout_s) for th in ths]
    else:
        ctx = multiprocessing.get_context("spawn")  # z3 state is not fork-safe
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = [pool.submit(_prove_group, th.name, cfg_json, targets, timeout_s) for th in ths]
            groups = [f.result() for f in futures]
    order = {c.name: i for i, c in enumerate(cfgs)}
    results = sorted((r for g in groups for r in g), key=lambda r: (order[r.config], T.names().index(r.theorem)))
    _check_uses(results)
    return Report(results, {c.name: c for c in cfgs}, C.targets(), time.perf_counter() - t0)
