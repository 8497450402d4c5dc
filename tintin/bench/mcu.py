"""Section (b): instructions executed per kernel and per training sample on emulated cores.

One benchmark program (c_kernels/bench/) is built per *variant*: a core and, on cores with
the DSP extension, the DSP build (default) or the portable build (``-DTT_NO_DSP``). The item
table (tt_bench_items.h) is generated here; the program runs every item between the
bracket markers and ``icount`` counts the executed instructions exactly from QEMU's trace.

Cortex-M0+: QEMU 7.2 has no M0+ model and its only ARMv6-M board (micro:bit, 16 KB RAM) is
too small for most items, so the M0+ build (``-mcpu=cortex-m0plus``: ARMv6-M Thumb only) is
linked for and run on the mps2-an385 board. The number of instructions executed depends on
the code and the data, not on the core model running it; ``microbit_crosscheck`` runs the
same small items on the micro:bit's Cortex-M0 model and compares the counts one by one.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tintin.bench.icount import Bracket, CountError, SourceMap, SymbolTable, TraceRun, count_brackets
from tintin.bench.models import BEARING_AE, DIGITS_MLP, LENET8_B8, SPECTRUM, BenchModel, CModel
from tintin.bench.ram import DEFAULT_GRAD_MODE, GRAD_MODES, HostKernels
from tintin.kernels.driver.build import PACKAGE_DIR, build_program, code_size
from tintin.kernels.driver.presets import write_presets_header
from tintin.kernels.driver.targets import TARGETS, Target

BENCH_DIR = PACKAGE_DIR / "bench"
INCLUDE_DIR = PACKAGE_DIR / "include"
SRC_DIR = PACKAGE_DIR / "src"
KERNEL_SOURCES = tuple(sorted(SRC_DIR.glob("*.c")))
BENCH_SOURCES = (BENCH_DIR / "tt_bench_main.c", BENCH_DIR / "tt_bench_markers.c", BENCH_DIR / "tt_bench_loop.S")

KINDS = {
    "empty": "TT_BENCH_EMPTY",
    "loop": "TT_BENCH_LOOP",
    "dense_forward": "TT_BENCH_DENSE_FORWARD",
    "dense_backward_error": "TT_BENCH_DENSE_BACKWARD_ERROR",
    "dense_gradient": "TT_BENCH_DENSE_GRADIENT",
    "update": "TT_BENCH_UPDATE",
    "softmax_xent_error": "TT_BENCH_SOFTMAX",
    "conv2d_forward": "TT_BENCH_CONV2D_FORWARD",
    "conv2d_backward_error": "TT_BENCH_CONV2D_BACKWARD_ERROR",
    "conv2d_gradient": "TT_BENCH_CONV2D_GRADIENT",
    "train": "TT_BENCH_TRAIN",
}
KERNEL_FUNCTIONS = {
    "dense_forward": "tt_dense_forward",
    "dense_backward_error": "tt_dense_backward_error",
    "dense_gradient": "tt_dense_gradient",
    "update": "tt_update_dense",
    "softmax_xent_error": "tt_softmax_xent_error",
    "conv2d_forward": "tt_conv2d_forward",
    "conv2d_backward_error": "tt_conv2d_backward_error",
    "conv2d_gradient": "tt_conv2d_gradient",
    "train": "tt_train_step_seq",
}


def _r4(n: int) -> int:
    return (n + 3) // 4 * 4


@dataclass(frozen=True)
class Item:
    """One row of the benchmark program's item table."""

    kind: str
    batch: int = 0
    n_in: int = 0
    n_out: int = 0
    relu: int = 1
    conv: tuple[int, int, int, int, int, int, int, int] | None = None  # B, H, W, C, OC, K, stride, pad
    model: BenchModel | None = None
    reps: int = 1
    group: str = ""  # e.g. "sweep" for the fan-in sweep of the dense forward

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown item kind {self.kind!r}")

    @property
    def conv_out(self) -> tuple[int, int]:
        assert self.conv is not None
        _, h, w, _, _, k, s, p = self.conv
        return (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1

    @property
    def macs(self) -> int:
        """Multiply-accumulates of a MAC kernel (nominal for convolutions: every kernel tap,
        padding included); 0 for other items."""
        if self.kind in ("dense_forward", "dense_backward_error", "dense_gradient"):
            return self.batch * self.n_in * self.n_out
        if self.conv is not None:
            b, _, _, c, oc, k, _, _ = self.conv
            oh, ow = self.conv_out
            return b * oh * ow * oc * k * k * c
        return 0

    @property
    def outputs(self) -> int:
        if self.kind == "dense_forward":
            return self.batch * self.n_out
        if self.kind == "conv2d_forward":
            oh, ow = self.conv_out
            assert self.conv is not None
            return self.conv[0] * oh * ow * self.conv[4]
        return 0

    @property
    def samples(self) -> int:
        if self.model is not None:
            return self.model.batch
        if self.conv is not None:
            return self.conv[0]
        return self.batch

    @property
    def label(self) -> str:
        k = self.kind
        if k == "loop":
            return f"known loop, {self.n_in} x 4 instructions"
        if k == "empty":
            return "empty bracket"
        if k in ("dense_forward", "dense_backward_error", "dense_gradient"):
            return f"{self.n_in}->{self.n_out}, batch {self.batch}"
        if k == "update":
            return f"{self.n_out}x{self.n_in} weights"
        if k == "softmax_xent_error":
            return f"batch {self.batch}, {self.n_out} classes"
        if self.conv is not None:
            b, h, w, c, oc, kk, s, p = self.conv
            return f"{h}x{w}x{c}->{oc}, k{kk} s{s} p{p}, batch {b}"
        assert self.model is not None
        return f"{self.model.title}, batch {self.model.batch}"

    def arena_bytes(self, host: HostKernels | None, grad_mode: str | None = None) -> int:
        """Bytes the program's arena needs for this item (mirrors tt_bench_main.c); a training step's
        workspace is that of the build's gradient mode."""
        b_, i_, o_ = self.batch, self.n_in, self.n_out
        k = self.kind
        if k in ("empty", "loop"):
            return 0
        if k == "dense_forward":
            return _r4(b_ * i_) + _r4(o_ * i_) + _r4(b_ * o_) + 4 * b_ * o_
        if k == "dense_backward_error":
            return _r4(b_ * o_) + _r4(o_ * i_) + _r4(b_ * i_) + 4 * b_ * i_
        if k == "dense_gradient":
            return _r4(b_ * o_) + _r4(b_ * i_) + 4 * o_ * i_
        if k == "update":
            return _r4(o_ * i_) + 4 * o_ * i_
        if k == "softmax_xent_error":
            return 2 * _r4(b_ * o_) + 4 * b_ + 4 * o_
        if self.conv is not None:
            b, h, w, c, oc, kk, _, _ = self.conv
            oh, ow = self.conv_out
            n_x, n_y, n_w = b * h * w * c, b * oh * ow * oc, oc * kk * kk * c
            if k == "conv2d_forward":
                return _r4(n_x) + _r4(n_w) + _r4(n_y) + 4 * n_y
            if k == "conv2d_backward_error":
                return _r4(n_y) + _r4(n_w) + _r4(n_x) + 4 * n_x
            return _r4(n_y) + _r4(n_x) + 4 * n_w
        assert self.model is not None
        if host is None:
            raise ValueError("a training-step item needs the host kernel library for its workspace size")
        m = self.model.c_model()
        ws = host.workspace(m, grad_mode)
        weights = sum(_r4(n) for n in host.weight_counts(m))
        buffers = _r4(ws.act_bytes) + 2 * _r4(ws.err_bytes) + 4 * ws.acc_words
        return weights + buffers + _r4(m.batch * m.n_in) + 4 * m.batch


def _c_model(name: str, m: CModel) -> list[str]:
    layers = ", ".join(f"{{(tt_layer_kind_t){la.kind}, {la.out}u, {la.kernel}u, {la.stride}u, {la.pad}u, {la.relu}}}"
                       for la in m.layers)
    return [f"static const tt_seq_t {name} = {{{len(m.layers)}u, {{{layers}}}, {m.in_h}u, {m.in_w}u, {m.in_c}u, "
            f"{m.batch}u, {m.loss_mse}}};"]


def items_header(items: Sequence[Item], arena_bytes: int) -> str:
    """The text of tt_bench_items.h for these items."""
    out = ["/* GENERATED by tintin.bench.mcu - the item table of one benchmark build. */",
           "#ifndef TT_BENCH_ITEMS_H", "#define TT_BENCH_ITEMS_H", "", '#include "tt_bench.h"', "",
           f"#define TT_BENCH_ARENA_BYTES {max(arena_bytes, 4)}u", ""]
    rows = []
    for i, it in enumerate(items):
        model, bounds = "0", "0"
        if it.model is not None:
            model, bounds = f"&tt_bench_model_{i}", f"tt_bench_bounds_{i}"
            out += _c_model(f"tt_bench_model_{i}", it.model.c_model())
            b = [*it.model.init_bounds(), *[0] * 8][:8]
            out.append(f"static const uint32_t {bounds}[TT_MAX_PARAM_LAYERS] = {{{', '.join(f'{v}u' for v in b)}}};")
        conv = "{0, 0, 0, 0, 0, 0, 0, 0}" if it.conv is None else "{" + ", ".join(f"{v}u" for v in it.conv) + "}"
        rows.append(f"    {{{KINDS[it.kind]}, {it.batch}u, {it.n_in}u, {it.n_out}u, {it.relu}, {conv}, {model}, "
                    f"{bounds}, {it.reps}u}},")
    out += ["", "static const tt_bench_item_t tt_bench_items[] = {", *rows, "};", "", "#endif", ""]
    return "\n".join(out)


@dataclass(frozen=True)
class Variant:
    key: str  # "m4", "m4-nodsp", ...
    core: str  # "Cortex-M4"
    target: Target
    dsp: bool
    defines: tuple[str, ...] = ()
    board: str = ""
    grad_mode: str | None = None  # the training step's gradient mode (ram.GRAD_MODES); None: the library default


def _m0plus_on_an385() -> Target:
    m0, m3 = TARGETS["m0plus"], TARGETS["m3"]
    return dataclasses.replace(m0, linker_script=m3.linker_script, qemu_machine=m3.qemu_machine, qemu_cpu=None,
                               flash=m3.flash, ram=m3.ram,
                               notes="ARMv6-M build (-mcpu=cortex-m0plus) run on mps2-an385 for its 4 MB RAM")


def variants(keys: Sequence[str] | None = None) -> list[Variant]:
    allv = [
        Variant("m0plus", "Cortex-M0+", _m0plus_on_an385(), False, (), "mps2-an385 (ARMv6-M code)"),
        Variant("m4", "Cortex-M4", TARGETS["m4"], True, (), "mps2-an386"),
        Variant("m4-nodsp", "Cortex-M4", TARGETS["m4"], False, ("TT_NO_DSP",), "mps2-an386"),
        Variant("m7", "Cortex-M7", TARGETS["m7"], True, (), "mps2-an500"),
        Variant("m7-nodsp", "Cortex-M7", TARGETS["m7"], False, ("TT_NO_DSP",), "mps2-an500"),
    ]
    if keys is None:
        return allv
    by_key = {v.key: v for v in allv}
    return [by_key[k] for k in keys]


# The M4 DSP build with the training step in the mode the library does not default to (only its
# training steps are measured): what the default mode's RAM saving costs in instructions.
_OTHER_MODE = next(k for k in GRAD_MODES if k != DEFAULT_GRAD_MODE)
OTHER_GRAD_MODE = Variant(f"m4-{_OTHER_MODE}", "Cortex-M4", TARGETS["m4"], True,
                          (f"TT_GRAD_DEFAULT=TT_GRAD_{_OTHER_MODE.upper()}",), "mps2-an386", grad_mode=_OTHER_MODE)


def grad_mode_items(items: Sequence[Item]) -> list[Item]:
    """The items of a gradient-mode build: the training steps and the counter's own checks."""
    return [it for it in items if it.kind in ("empty", "loop", "train")]


MICROBIT = Variant("m0plus-microbit", "Cortex-M0+", TARGETS["m0plus"], False, (), "microbit (QEMU cortex-m0)")


def full_items() -> list[Item]:
    sweep = [Item("dense_forward", 16, n, 64, group="sweep") for n in (16, 32, 64, 128, 256)]
    return [
        Item("empty", reps=3),
        *(Item("loop", n_in=n) for n in (10, 1000, 100000)),
        Item("dense_forward", 32, 64, 64),
        Item("dense_forward", 32, 64, 10, relu=0),
        *sweep,
        Item("dense_forward", 1, 64, 64, group="batch"),
        Item("dense_forward", 4, 64, 64, group="batch"),
        Item("dense_backward_error", 32, 64, 64),
        Item("dense_backward_error", 32, 64, 10),
        Item("dense_gradient", 32, 64, 64),
        Item("dense_gradient", 32, 64, 10),
        Item("update", n_in=64, n_out=64),
        Item("update", n_in=64, n_out=10),
        Item("softmax_xent_error", 32, 0, 10),
        Item("conv2d_forward", conv=(8, 8, 8, 1, 6, 3, 1, 1)),
        Item("conv2d_forward", conv=(8, 4, 4, 6, 16, 3, 1, 1)),
        Item("conv2d_forward", conv=(1, 28, 28, 1, 6, 5, 1, 2)),
        Item("conv2d_forward", conv=(1, 14, 14, 6, 16, 5, 1, 0)),
        Item("conv2d_backward_error", conv=(8, 4, 4, 6, 16, 3, 1, 1)),
        Item("conv2d_gradient", conv=(8, 8, 8, 1, 6, 3, 1, 1)),
        Item("conv2d_gradient", conv=(8, 4, 4, 6, 16, 3, 1, 1)),
        Item("train", model=DIGITS_MLP, reps=3),
        Item("train", model=BEARING_AE, reps=3),
        Item("train", model=SPECTRUM, reps=3),
        Item("train", model=LENET8_B8, reps=2),
    ]


def quick_items() -> list[Item]:
    small_mlp = BenchModel("digits_mlp_b8", "digits MLP 64-64-10", DIGITS_MLP.model, 8)
    return [
        Item("empty", reps=2),
        *(Item("loop", n_in=n) for n in (10, 1000)),
        Item("dense_forward", 8, 64, 16),
        Item("dense_forward", 8, 16, 16, group="sweep"),
        Item("dense_forward", 8, 64, 16, group="sweep"),
        Item("dense_backward_error", 8, 64, 16),
        Item("dense_gradient", 8, 64, 16),
        Item("update", n_in=64, n_out=16),
        Item("softmax_xent_error", 8, 0, 10),
        Item("conv2d_forward", conv=(2, 8, 8, 1, 6, 3, 1, 1)),
        Item("train", model=small_mlp, reps=2),
    ]


def microbit_items() -> list[Item]:
    """Items small enough for the micro:bit's 16 KB RAM (the M0+ cross-check)."""
    return [
        Item("empty", reps=2),
        Item("loop", n_in=100),
        Item("dense_forward", 4, 32, 16),
        Item("dense_gradient", 4, 32, 16),
        Item("softmax_xent_error", 4, 0, 10),
    ]


@dataclass
class ItemResult:
    item: Item
    counts: list[int]  # net instructions per rep (baseline subtracted)
    per_function: dict[str, int]  # first rep, gross, by function symbol
    statuses: list[int]
    stack: int = 0
    per_source: dict[str, int] = field(default_factory=dict)  # first rep, the kernel's body split by inlining

    @property
    def instructions(self) -> float:
        return statistics.mean(self.counts)

    def to_json(self) -> dict[str, Any]:
        it = self.item
        d: dict[str, Any] = {
            "kind": it.kind, "label": it.label, "group": it.group, "counts": self.counts,
            "instructions": self.instructions,
            "per_function": dict(sorted(self.per_function.items(), key=lambda kv: -kv[1])),
            "per_source": dict(sorted(self.per_source.items(), key=lambda kv: -kv[1])),
        }
        if it.macs:
            d["macs"] = it.macs
            d["per_mac"] = self.instructions / it.macs
        if it.conv is not None:
            d["conv"] = list(it.conv)
        elif it.kind.startswith("dense_"):
            d["batch"], d["n_in"], d["n_out"] = it.batch, it.n_in, it.n_out
        if it.outputs:
            d["outputs"] = it.outputs
        if it.kind == "train":
            assert it.model is not None
            d["model"] = it.model.key
            d["batch"] = it.model.batch
            d["per_sample"] = self.instructions / it.model.batch
            d["macs"] = it.model.step_macs()
            d["per_mac"] = self.instructions / d["macs"]
            d["stack_bytes"] = self.stack
        return d


@dataclass
class VariantResult:
    variant: Variant
    baseline: int
    items: list[ItemResult]
    code: dict[str, int]  # kernel library text/data/bss
    elf: str
    trace_lines: int
    trace_bytes: int
    seconds: float
    loop_check: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        v = self.variant
        return {
            "variant": v.key, "core": v.core, "dsp": v.dsp, "defines": list(v.defines), "board": v.board,
            "qemu_machine": v.target.qemu_machine, "mcpu": v.target.cpu, "baseline": self.baseline,
            "code_size": self.code, "trace_lines": self.trace_lines, "trace_bytes": self.trace_bytes,
            "seconds": round(self.seconds, 1), "loop_check": self.loop_check,
            "items": [r.to_json() for r in self.items],
        }


def build_variant(variant: Variant, items: Sequence[Item], host: HostKernels | None, build_dir: Path,
                  name: str | None = None) -> tuple[Path, dict[str, int]]:
    """Build the benchmark ELF of one variant; returns it and the kernel library's code size."""
    name = name or f"bench-{variant.key}"
    gen = build_dir / f"{name}-include"
    gen.mkdir(parents=True, exist_ok=True)
    write_presets_header(gen)
    arena = max((it.arena_bytes(host, variant.grad_mode) for it in items), default=0)
    header = gen / "tt_bench_items.h"
    text = items_header(items, arena)
    if not header.is_file() or header.read_text() != text:
        header.write_text(text)
    sources = [*BENCH_SOURCES, *KERNEL_SOURCES]
    elf = build_program(variant.target, sources, [gen, BENCH_DIR, INCLUDE_DIR], build_dir, variant.defines, name=name)
    obj_dir = build_dir / f"{name}.{variant.target.name}.obj"
    kernel_objs = [obj_dir / f"{i:03d}_{src.stem}.o" for i, src in enumerate(sources) if src in KERNEL_SOURCES]
    return elf, code_size(kernel_objs)


def _collect(run: TraceRun, items: Sequence[Item], sources: SourceMap | None = None) -> tuple[int, list[ItemResult]]:
    by_item: dict[int, list[Bracket]] = {}
    for b in run.brackets:
        by_item.setdefault(b.item, []).append(b)
    if sorted(by_item) != list(range(len(items))):
        raise CountError(f"brackets cover items {sorted(by_item)}, expected 0..{len(items) - 1}")
    empty = [i for i, it in enumerate(items) if it.kind == "empty"]
    if not empty:
        raise CountError("the item table needs an empty item (the constant to subtract)")
    base_counts = {b.instructions for b in by_item[empty[0]]}
    if len(base_counts) != 1:
        raise CountError(f"the empty bracket is not constant: {sorted(base_counts)}")
    baseline = base_counts.pop()
    results = []
    for i, it in enumerate(items):
        brackets = by_item[i]
        if len(brackets) != it.reps:
            raise CountError(f"item {i}: {len(brackets)} brackets, expected {it.reps}")
        bad = [b.status for b in brackets if b.status != 0]
        if bad:
            raise CountError(f"item {i} ({it.kind}, {it.label}) returned status {bad[0]}: the count is not valid")
        own = KERNEL_FUNCTIONS.get(it.kind)
        per_source = sources.attribute(brackets[0].per_address, own) if sources is not None and own else {}
        results.append(ItemResult(it, [b.instructions - baseline for b in brackets], brackets[0].per_function,
                                  [b.status for b in brackets], max(b.stack for b in brackets), per_source))
    return baseline, results


def loop_check(results: Sequence[ItemResult]) -> dict[str, Any]:
    """The known loop: net count = 4 n + c for every n, with one constant c."""
    loops = [(r.item.n_in, r.counts[0]) for r in results if r.item.kind == "loop"]
    consts = sorted({c - 4 * n for n, c in loops})
    return {"points": [{"n": n, "instructions": c} for n, c in loops], "constant": consts[0] if consts else None,
            "exact": len(consts) == 1}


def measure_variant(variant: Variant, items: Sequence[Item], host: HostKernels, build_dir: Path,
                    mode: str = "tb", timeout_s: float = 900.0) -> VariantResult:
    elf, code = build_variant(variant, items, host, build_dir)
    table = SymbolTable(elf)
    run = count_brackets(variant.target, elf, mode, timeout_s, table)
    baseline, results = _collect(run, items, SourceMap(elf, table))
    return VariantResult(variant, baseline, results, code, elf.name, run.trace_lines, run.trace_bytes, run.seconds,
                         loop_check(results))


def crosscheck(a: VariantResult, b: VariantResult) -> dict[str, Any]:
    """Item-by-item comparison of two runs of the same items."""
    pairs = [(ra.item.label, ra.item.kind, ra.counts, rb.counts) for ra, rb in zip(a.items, b.items)]
    equal = all(ca == cb for _, _, ca, cb in pairs) and len(a.items) == len(b.items)
    return {"a": a.variant.key, "b": b.variant.key, "equal": equal, "baseline": [a.baseline, b.baseline],
            "items": [{"kind": k, "label": lab, "a": ca, "b": cb} for lab, k, ca, cb in pairs]}


def measure_singlestep_crosscheck(variant: Variant, items: Sequence[Item], host: HostKernels,
                                  build_dir: Path) -> dict[str, Any]:
    """The same ELF counted per translated block and by single-stepping: must agree exactly."""
    elf, _ = build_variant(variant, items, host, build_dir, name=f"bench-xcheck-{variant.key}")
    table = SymbolTable(elf)
    runs = {}
    for mode in ("tb", "singlestep"):
        run = count_brackets(variant.target, elf, mode, 600.0, table)
        runs[mode] = [b.instructions for b in run.brackets]
    return {"variant": variant.key, "tb": runs["tb"], "singlestep": runs["singlestep"],
            "equal": runs["tb"] == runs["singlestep"]}
