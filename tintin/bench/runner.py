"""One benchmark run: every section measured in order, then BENCHMARKS.md and benchmarks.json."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tintin import atomic, progress
from tintin.bench import jaxscale, jaxspeed, mcu, mutation, report, tooltimes
from tintin.bench.machine import machine_info
from tintin.bench.models import DIGITS_MLP, LENET8_B16, LENET28_B8, RAM_MODELS, BenchModel
from tintin.bench.ram import HostKernels, account, build_host_library
from tintin.interrupt import scratch_dir
from tintin.kernels.driver.build import CompileError, ToolMissing

SCHEMA = "tintin-bench/1"
MD_NAME = "BENCHMARKS.md"
JSON_NAME = "benchmarks.json"

FULL_VARIANTS = ("m0plus", "m4", "m4-nodsp", "m7", "m7-nodsp")
QUICK_VARIANTS = ("m0plus", "m4", "m4-nodsp")


@dataclass(frozen=True)
class Options:
    out: Path
    quick: bool = False
    progress: bool | None = None  # None: shown on a terminal
    build_dir: Path | None = None
    command: str = "tintin bench"


class _Steps:
    """The progress bar over the measurements (tqdm on stderr)."""

    def __init__(self, names: list[str], enabled: bool | None) -> None:
        from tqdm import tqdm

        show = progress.wanted(enabled)
        self.bar = tqdm(total=len(names), desc="bench", unit="step", disable=not show, file=sys.stderr)

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        self.bar.set_description(name)
        try:
            return fn()
        finally:
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


# The data-parallel scaling figure (1, 2, 4 forced host devices) is measured on this model.
SCALING_MODELS: tuple[BenchModel, ...] = (DIGITS_MLP,)


def _jax_models(quick: bool) -> list[BenchModel]:
    return [DIGITS_MLP] if quick else [DIGITS_MLP, LENET8_B16, LENET28_B8]


def run(opts: Options) -> dict[str, Any]:
    """Measure everything and write the two files into opts.out; returns the results."""
    start = time.perf_counter()
    with scratch_dir("tintin-bench-") as tmp:
        build = opts.build_dir or Path(tmp)
        build.mkdir(parents=True, exist_ok=True)
        results = _measure(opts, build)
    results["wall_seconds"] = round(time.perf_counter() - start, 1)
    write(results, opts.out)
    return results


def _measure(opts: Options, build: Path) -> dict[str, Any]:
    quick = opts.quick
    variant_keys = QUICK_VARIANTS if quick else FULL_VARIANTS
    items = mcu.quick_items() if quick else mcu.full_items()
    jax_models = _jax_models(quick)
    names = (["machine", "RAM accounting"] + [f"instructions {k}" for k in variant_keys]
             + [f"instructions {mcu.OTHER_GRAD_MODE.key}", "check: blocks vs single-step", "check: M0+ on micro:bit"]
             + [f"JAX {m.key}" for m in jax_models] + [f"JAX devices {m.key}" for m in SCALING_MODELS]
             + ["goldens", "proofs"])
    steps = _Steps(names, opts.progress)
    res: dict[str, Any] = {"schema": SCHEMA, "command": opts.command, "quick": quick}
    try:
        res["machine"] = steps.run("machine", machine_info)
        host = None
        ram: dict[str, Any] = {"models": [], "error": None}
        try:
            host = HostKernels(build_host_library(build / "host"))
            kernels = host
            ram["models"] = steps.run("RAM accounting",
                                      lambda: [account(kernels, bm).to_json() for bm in RAM_MODELS])
        except (ToolMissing, RuntimeError, OSError) as exc:
            ram["error"] = str(exc).splitlines()[0]
            steps.run("RAM accounting", lambda: None)
        res["ram"] = ram

        ins: dict[str, Any] = {"variants": [], "validation": {}, "error": None}
        res["instructions"] = ins
        try:
            if host is None:
                raise RuntimeError(f"no host kernel library: {ram['error']}")
            lib: HostKernels = host
            measured = []
            for v in mcu.variants(variant_keys):
                vr = steps.run(f"instructions {v.key}", partial(mcu.measure_variant, v, items, lib, build))
                measured.append(vr)
                ins["variants"].append(vr.to_json())
            # The training steps once more in the other gradient mode: what the default's RAM saving costs.
            other = steps.run(f"instructions {mcu.OTHER_GRAD_MODE.key}",
                              partial(mcu.measure_variant, mcu.OTHER_GRAD_MODE, mcu.grad_mode_items(items), lib,
                                      build))
            ins["other_grad_mode"] = {"mode": mcu.OTHER_GRAD_MODE.grad_mode, **other.to_json()}
            ins["validation"]["loop"] = {vr.variant.key: vr.loop_check for vr in [*measured, other]}
            ins["validation"]["tb_vs_singlestep"] = steps.run(
                "check: blocks vs single-step",
                lambda: mcu.measure_singlestep_crosscheck(mcu.variants(["m4"])[0], mcu.microbit_items(), lib, build))
            if quick:
                steps.run("check: M0+ on micro:bit", lambda: None)
                ins["validation"]["microbit_skipped"] = "the micro:bit cross-check runs in the full run only"
            else:
                ins["validation"]["microbit"] = steps.run(
                    "check: M0+ on micro:bit", lambda: _microbit_check(lib, build))
            _stack_into_ram(ram, measured)
        except (ToolMissing, CompileError, RuntimeError, OSError) as exc:
            ins["error"] = str(exc).splitlines()[0]
            ins["variants"] = []

        jx: dict[str, Any] = {"models": [], "error": None, "min_repeat_s": 0.05 if quick else 0.3}
        res["jax"] = jx
        try:
            for bm in jax_models:
                r = steps.run(f"JAX {bm.key}", partial(jaxspeed.measure, bm, repeats=3 if quick else 7,
                                                       min_repeat_s=jx["min_repeat_s"]))
                jx["models"].append(r.to_json())
        except Exception as exc:  # report the other sections even if JAX fails here
            jx["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        jx["scaling"] = [steps.run(f"JAX devices {bm.key}", partial(jaxscale.measure, bm, repeats=3 if quick else 5,
                                                                    min_repeat_s=jx["min_repeat_s"]))
                         for bm in SCALING_MODELS]

        res["times"] = {
            "goldens": steps.run("goldens", lambda: tooltimes.time_goldens(quick)),
            "proofs": steps.run("proofs", lambda: tooltimes.time_proofs(quick)),
        }
        # read from the committed reports: a whole-population mutation run is never part of a bench run
        res["mutation"] = mutation.summaries()
    finally:
        steps.close()
    return res


def _microbit_check(host: HostKernels, build: Path) -> dict[str, Any]:
    items = mcu.microbit_items()
    on_board = mcu.measure_variant(mcu.MICROBIT, items, host, build)
    on_an385 = mcu.measure_variant(mcu.variants(["m0plus"])[0], items, host, build / "m0plus-small")
    return mcu.crosscheck(on_board, on_an385)


def _stack_into_ram(ram: dict[str, Any], measured: list[mcu.VariantResult]) -> None:
    by_key = {a["key"]: a for a in ram["models"]}
    for vr in measured:
        for r in vr.items:
            if r.item.kind == "train" and r.item.model is not None and r.item.model.key in by_key:
                by_key[r.item.model.key].setdefault("stack_peak", None)
                peaks = by_key[r.item.model.key]["stack_peak"] or {}
                peaks[vr.variant.key] = r.stack
                by_key[r.item.model.key]["stack_peak"] = peaks


def write(results: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    js = out / JSON_NAME
    md = out / MD_NAME
    atomic.write_text(js, json.dumps(results, indent=1, sort_keys=False) + "\n")
    atomic.write_text(md, report.render(results))
    return md, js
