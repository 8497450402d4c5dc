"""BENCHMARKS.md from the results (benchmarks.json): the Markdown is a function of the JSON only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# The multiply-accumulate work: the portable 2x2 block and single dots; on DSP builds the
# packing of input pairs into 16-bit lanes and the SMLAD block (tt_dot.h)
MAC_FUNCTIONS = {"tt_dot_2x2", "tt_dot", "tt_pack2", "tt_load_tail", "tt_dot2_packed", "tt_dot2_body",
                 "tt_dense_rows2"}
# argument checks: the payload scans of inputs and weights, shapes, config and headers
CHECK_FUNCTIONS = {"tt_payload_ok", "tt_payload_ok_q", "tt_min8", "tt_check_config", "tt_dims_ok", "tt_header_ok",
                   "__udivsi3", "__aeabi_uidiv", "__aeabi_uidivmod"}
# the shared output path of the forward layers (tt_acc_output.c) and the rule helpers it may call
OUTPUT_FUNCTIONS = {"tt_acc_output", "tt_acc_output_ex", "tt_rq_signed", "tt_rq_nonneg", "tt_rq_signed_window",
                    "tt_rq_nonneg_window", "tt_sat127", "tt_rshift_round1", "tt_requant_shift", "tt_window_plan",
                    "tt_window_value", "tt_window_header", "tt_hdr_narrow", "tt_bitwidth", "tt_clz", "tt_saturate",
                    "tt_step_up", "tt_step_down"}
# the rest of a dense-forward call: block loop, ReLU, running maximum, store, header product, the call
REST_FUNCTIONS = {"tt_dense_forward", "tt_dense_put", "tt_max", "tt_abs", "tt_header_mul", "main", "memcpy",
                  "tt_bench_begin"}
KERNEL_TITLES = {
    "dense_forward": "dense forward",
    "dense_backward_error": "dense backward error",
    "dense_gradient": "dense gradient",
    "update": "update (aligned, stochastic)",
    "softmax_xent_error": "softmax error",
    "conv2d_forward": "conv2d forward",
    "conv2d_backward_error": "conv2d backward error",
    "conv2d_gradient": "conv2d gradient",
}


def n(v: float | int | None) -> str:
    """Integer with thousands separators."""
    return "—" if v is None else f"{round(v):,}"


def f2(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def kib(b: int) -> str:
    return f"{b / 1024:.1f}"


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def split_dense_forward(item: dict[str, Any]) -> dict[str, float]:
    """One dense-forward call split by where its instructions come from (inlined code counted in
    the function it was written in): MAC block, argument checks, output path (requantise and
    window) and the rest (block loop, ReLU, running maximum, header arithmetic, the call)."""
    src = item.get("per_source") or item["per_function"]
    unknown = sorted(set(src) - MAC_FUNCTIONS - CHECK_FUNCTIONS - OUTPUT_FUNCTIONS - REST_FUNCTIONS)
    if unknown:  # a renamed or new kernel function would otherwise count silently as "rest"
        raise ValueError(f"dense forward {item['label']}: functions {unknown} are in no group of "
                         "tintin/bench/report.py (MAC_FUNCTIONS, CHECK_FUNCTIONS, OUTPUT_FUNCTIONS, REST_FUNCTIONS)")
    mac = sum(v for k, v in src.items() if k in MAC_FUNCTIONS)
    checks = sum(v for k, v in src.items() if k in CHECK_FUNCTIONS)
    out = sum(v for k, v in src.items() if k in OUTPUT_FUNCTIONS)
    total = item["instructions"]
    return {"mac": mac, "checks": checks, "output": out, "rest": total - mac - checks - out}


# --- sections -------------------------------------------------------------------------------


def _machine(res: dict[str, Any]) -> list[str]:
    m = res["machine"]
    rows = [("CPU", f"{m['cpu']} ({m['nproc']} logical CPUs, `nproc`)"), ("system", m["system"]),
            ("Python", m["python"]), ("jax / jaxlib", f"{m['jax']} / {m['jaxlib']}"), ("numpy", m["numpy"]),
            ("QEMU", m["qemu"] or "not installed"), ("arm-none-eabi-gcc", m["arm-none-eabi-gcc"] or "not installed"),
            ("host gcc", m["gcc"] or "not installed"), ("wall time of this run", f"{res['wall_seconds']:.0f} s")]
    return ["## Machine", "", *table(("", ""), rows, "ll"), ""]


MODE_C_NAMES = {"stored": "TT_GRAD_STORED", "recompute": "TT_GRAD_RECOMPUTE"}


def _train_per_sample(res: dict[str, Any], variant: str) -> dict[str, float]:
    """Instructions per training sample of each model's step in section (b), on one build (or on
    the M4 build in the other gradient mode, whose variant is only in "other_grad_mode")."""
    ins = res.get("instructions") or {}
    builds = [*ins.get("variants", []), *([ins["other_grad_mode"]] if ins.get("other_grad_mode") else [])]
    v = next((v for v in builds if v["variant"] == variant), None)
    return {} if v is None else {it["model"]: it["per_sample"] for it in _items(v, "train")}


def _ram(res: dict[str, Any]) -> list[str]:
    ram = res["ram"]
    out = ["## (a) Training-time RAM: integer C train step against float32 training", ""]
    if ram.get("error"):
        return [*out, f"Not measured: {ram['error']}", ""]
    models = ram["models"]
    mode = models[0].get("grad_mode", "stored") if models else "stored"
    modes = list(models[0].get("modes", {})) if models else []
    other = [k for k in modes if k != mode]
    out += [
        "Bytes of RAM one training step needs, for the same model and batch on both sides. The integer side is "
        f"what `tt_train_step_seq` needs in the library's default gradient mode, **{mode}** (`TT_GRAD_DEFAULT` = "
        f"`{MODE_C_NAMES.get(mode, mode)}`: the step section (b) measures), asked from the C library itself "
        "(`tt_seq_workspace_size_mode` and `tt_seq_weight_count`, called through ctypes on a host build of "
        "`c_kernels/src`):",
        "",
        "- **integer**: int8 weights (1 byte each); one (S, U, D) int8 header per weight tensor and one for the "
        "input; the exact static workspace of the C step: `act` (every layer's int8 output) + `err_a` + `err_b` "
        "(int8 error ping-pong) + `acc` (int32 scratch, 4 bytes per word: the largest forward or backward "
        "accumulator, the softmax row, and the gradient: one gradient row in the mode recompute, the largest "
        "layer's whole gradient in the mode stored); the input batch (int8) and int32 labels (classification "
        "only: the autoencoder's target is its input buffer).",
        "- **float32**: float32 weights; float32 copies of the same activations kept for backprop (every layer's "
        "output); two float32 error buffers of the widest layer; a float32 gradient buffer for every layer "
        "(as autograd frameworks hold them until the optimiser step); the float32 input batch and the same int32 "
        "labels.",
        "- **float32, lean**: float32 with the integer step's schedule (each layer updated as soon as its "
        "gradient exists: one gradient buffer of the largest layer). The gap to this column is what 8-bit "
        "storage alone saves.",
        "- Not in either total: the stack. The integer step's peak stack was measured on QEMU (deepest stack "
        "word written during a step, painted-stack method) and is listed beside; there is no float32 C step "
        "to measure.",
        "",
        "Gradient modes (`tt_grad_mode_t`): the update needs max|G| of a layer's whole int32 gradient before any "
        "weight changes (spec 4.4). **stored** keeps the largest layer's whole gradient in `acc` and computes "
        "each gradient once. **recompute** (`tt_dense_gradient_update`, `tt_conv2d_gradient_update`) makes the "
        "gradient a row at a time in two passes, pass 1 for max|G| and pass 2 to update, keeping between them as "
        "many rows as the `acc` the step needs anyway holds; only the rows that do not fit are computed twice. "
        "Both modes give the same bits (the conformance suites run every training-step case in both); only "
        "`acc` differs.",
        "",
    ]
    rows: list[tuple[Any, ...]] = []
    for a in models:
        stack = a.get("stack_peak") or {}
        st = " / ".join(f"{stack[k]:,}" for k in ("m0plus", "m4") if k in stack) or "—"
        rows.append((f"{a['title']}", a["batch"], n(a["n_params"]), n(a["int_weights"]), n(a["int_headers"]),
                     n(a["int_workspace"]), n(a["int_input"] + a["int_labels"]), f"**{n(a['int_total'])}**",
                     n(a["float_total"]), f"{a['ratio']:.3f}", f"**{a['saving_percent']:.1f}%**",
                     f"{a['saving_lean_percent']:.1f}%", st))
    out += table(("model", "batch", "params", "int8 weights", "headers", "C workspace", "input batch",
                  f"integer total ({mode})", "float32 total", "ratio int/float", "saving", "saving vs lean float32",
                  "stack peak M0+ / M4"), rows)
    rows = []
    out += ["", f"Where the bytes go (integer workspace, mode {mode}: act + err_a + err_b + acc; float32: weights + "
            "activations + errors + gradients + input):", ""]
    rows = [(a["title"] + f", batch {a['batch']}", f"{n(a['int_act'])} + {n(a['int_err'])} + {n(a['int_acc'])}",
             f"{n(a['f_weights'])} + {n(a['f_act'])} + {n(a['f_err'])} + {n(a['f_grads'])} + "
             f"{n(a['f_input'] + a['f_labels'])}", n(a["float_lean_total"])) for a in models]
    out += table(("model", "integer workspace", "float32", "float32 lean total"), rows, "lrrr")
    if modes:
        other_build = (res.get("instructions") or {}).get("other_grad_mode") or {}
        other_mode = other_build.get("mode")
        m4 = {mode: _train_per_sample(res, "m4")}
        if other_mode:
            m4[other_mode] = _train_per_sample(res, other_build["variant"])
        out += ["", "Both gradient modes side by side (only `acc` differs). Instructions per training sample on the "
                f"M4 (DSP) are section (b)'s whole-step counts for the default mode ({mode})"
                + (f" and, for the mode {other_mode}, the same steps on a build with "
                   f"`-D{other_build['defines'][0]}`; their ratio is what the smaller `acc` costs in instructions"
                   if other_mode else "; the other mode was not measured") + ".", ""]
        rows = []
        for a in models:
            cells: list[Any] = [a["title"], a["batch"]]
            for k in modes:
                mk = a["modes"][k]
                cells += [n(mk["int_acc"]), n(mk["int_total"]), f"{mk['saving_percent']:.1f}%",
                          f"{mk['saving_lean_percent']:.1f}%"]
            counts = {k: m4[k].get(a["key"]) for k in modes if k in m4}
            cells += [n(counts.get(k)) for k in modes]
            both = [c for c in (counts.get(k) for k in modes) if c]
            cells.append(f"{both[-1] / both[0]:.2f}" if len(both) == 2 else "—")
            rows.append(tuple(cells))
        header = ["model", "batch"]
        for k in modes:
            header += [f"acc, {k}", f"integer total, {k}", f"saving, {k}", f"saving vs lean, {k}"]
        header += [f"instructions/sample M4 DSP, {k}" for k in modes]
        header.append(f"instructions {modes[-1]} / {modes[0]}")
        out += table(header, rows)
    met = [a for a in models if a["saving_percent"] >= 60.0]
    missed = [a for a in models if a["saving_percent"] < 60.0]
    out += ["", f"The project aims at 60% less RAM than float32. Measured in the mode {mode}: {len(met)} of "
            f"{len(models)} models reach it"
            + "".join(f"; in the mode {k}: {sum(a['modes'][k]['saving_percent'] >= 60.0 for a in models)} of "
                      f"{len(models)}" for k in other) + "."]
    for a in missed:
        biggest = max((("the int32 scratch `acc`", a["int_acc"]), ("the int8 weights", a["int_weights"]),
                       ("the int8 activations", a["int_act"]), ("the int8 error buffers", a["int_err"])),
                      key=lambda t: t[1])
        out.append(f"{a['title']} (batch {a['batch']}) saves {a['saving_percent']:.1f}%: its largest integer "
                   f"buffer is {biggest[0]} ({n(biggest[1])} bytes of {n(a['int_total'])}).")
    out.append("")
    return out


def _variant_columns(variants: Sequence[dict[str, Any]]) -> list[str]:
    return [f"{v['core'].replace('Cortex-', '')} {'DSP' if v['dsp'] else 'portable'}" for v in variants]


def _items(v: dict[str, Any], kind: str, group: str | None = "") -> list[dict[str, Any]]:
    return [it for it in v["items"] if it["kind"] == kind and (group is None or it["group"] == group)]


def _by_label(variants: Sequence[dict[str, Any]], kind: str, group: str | None,
              per_mac_only: bool = False) -> dict[str, dict[str, Any]]:
    """label -> variant -> item, in first-seen order: one table row per label, a column per variant."""
    labels: dict[str, dict[str, Any]] = {}
    for v in variants:
        for it in _items(v, kind, group):
            if not per_mac_only or "per_mac" in it:
                labels.setdefault(it["label"], {})[v["variant"]] = it
    return labels


def _instructions(res: dict[str, Any]) -> list[str]:
    ins = res["instructions"]
    out = ["## (b) Instructions executed on QEMU, per kernel and per training sample", ""]
    if ins.get("error"):
        return [*out, f"Not measured: {ins['error']}", ""]
    variants = ins["variants"]
    cols = _variant_columns(variants)
    val = ins["validation"]
    out += [
        "Instructions, not cycles: QEMU models no timing. One benchmark program (`c_kernels/bench/`) per build "
        "runs each kernel once on fixed pseudo-random data between two marker functions (`tt_bench_begin`, "
        "`tt_bench_end`: never inlined, own translation unit). QEMU logs every executed translated block "
        "(`-d in_asm,exec,nochain`: the listing gives each block's instruction count, `nochain` logs every "
        "execution) into a pipe that is counted as it streams (nothing stored). A count runs from the first "
        "instruction of `tt_bench_begin` to the first of `tt_bench_end`, minus the empty bracket (the markers' "
        f"own cost, {variants[0]['baseline']} instructions); it includes the call's argument set-up. Kernels use "
        "the `tintin` preset.",
        "",
        "Checks of the counter, made in this run:",
        "",
    ]
    for v in variants:
        lc = v["loop_check"]
        pts = ", ".join(f"n={p['n']}: {n(p['instructions'])}" for p in lc["points"])
        out.append(f"- known loop of n x 4 instructions on {v['variant']}: {pts}, i.e. exactly 4n + "
                   f"{lc['constant']} ({'exact' if lc['exact'] else 'NOT EXACT'}).")
    tb = val.get("tb_vs_singlestep")
    if tb:
        out.append(f"- per-block counting against single-stepping (`-singlestep -d exec,nochain`, one log line "
                   f"per instruction) on {tb['variant']}, {len(tb['tb'])} brackets: "
                   f"{'identical' if tb['equal'] else 'DIFFERENT'}.")
    mb = val.get("microbit")
    if mb:
        out.append(f"- the M0+ build runs on `mps2-an385` (QEMU 7.2 has no M0+ model and the micro:bit has "
                   f"16 KB RAM); the same items built for the micro:bit and run on its Cortex-M0 model count "
                   f"{'the same' if mb['equal'] else 'DIFFERENTLY'} ({len(mb['items'])} items).")
    elif "microbit_skipped" in val:
        out.append(f"- the M0+ build runs on `mps2-an385` (ARMv6-M code; QEMU 7.2 has no M0+ model); "
                   f"{val['microbit_skipped']}.")
    out += ["", *table(("build", "-mcpu", "DSP path", "defines", "QEMU board", "trace lines streamed"),
                       [(v["variant"], v["mcpu"], "yes" if v["dsp"] else "no", " ".join(v["defines"]) or "—",
                         v["board"], n(v["trace_lines"])) for v in variants], "lllllr"), ""]

    # dense forward per MAC
    out += ["### Dense forward: instructions per MAC", ""]
    shapes: dict[str, dict[str, Any]] = {}
    for v in variants:
        for it in _items(v, "dense_forward", None):
            shapes.setdefault(it["label"], {})[v["variant"]] = it
    rows = []
    for label, per in shapes.items():
        rows.append((label, n(next(iter(per.values()))["macs"]),
                     *(f2(per[v["variant"]]["per_mac"]) if v["variant"] in per else "—" for v in variants)))
    out += table(("shape (n_in->n_out, batch)", "MACs", *cols), rows)
    m4 = next((v for v in variants if v["variant"] == "m4"), None)
    headline = _m4_headline(m4) if m4 else ""
    out += ["", headline, ""] if headline else [""]

    # amortisation
    sweep_variants = [v for v in variants if _items(v, "dense_forward", "sweep")]
    if sweep_variants:
        out += ["### How the per-output work amortises (dense forward, fan-in sweep)", "",
                "Each instruction of a call is attributed to the function it was written in (inlined code "
                "included, from the ELF's debug information): *MAC block* = `tt_dot_2x2`/`tt_dot` (portable) or "
                "`tt_pack2` + `tt_dot2_packed` (DSP: input pairs extended to 16-bit lanes once per chunk, then "
                "2x2 SMLAD blocks, whose ReLU and running maximum are inside the block); *checks* = "
                "argument checks, mostly the scan of every input and weight payload for -128 (`tt_payload_ok`: "
                "(batch + n_out) x n_in bytes, so 1/batch + 1/n_out scans per MAC); *requantise + window* = "
                "the shared output path (`tt_acc_output.c`); *loop, ReLU, max* = the rest of `tt_dense_forward` "
                "(block loop, ReLU, running maximum, store, header arithmetic) and the call. The last two are "
                "per output: per MAC they fall as 1/n_in, and the total tends to the MAC block plus the checks. "
                "The requantise + window cost per output depends on the data (whether the window rule rescales "
                "the outputs of that call).",
                ""]
        rows = []
        for v in sweep_variants:
            for it in _items(v, "dense_forward", "sweep"):
                s = split_dense_forward(it)
                rows.append((f"{v['variant']}", it["label"], f2(it["per_mac"]), f2(s["mac"] / it["macs"]),
                             f2(s["checks"] / it["macs"]), f2(s["output"] / it["outputs"]),
                             f2(s["rest"] / it["outputs"]), f2((s["output"] + s["rest"]) / it["macs"])))
        out += table(("build", "shape", "total / MAC", "MAC block / MAC", "checks / MAC", "requantise + window / "
                      "output", "loop, ReLU, max / output", "per-output work / MAC"), rows, "llrrrrrr")
        out += [""]

    # every kernel
    out += ["### Every kernel: instructions per call (per MAC)", ""]
    rows = []
    for kind, title in KERNEL_TITLES.items():
        for label, per in _by_label(variants, kind, "").items():
            cells = []
            for v in variants:
                cell = per.get(v["variant"])
                if cell is None:
                    cells.append("—")
                elif "per_mac" in cell:
                    cells.append(f"{n(cell['instructions'])} ({f2(cell['per_mac'])})")
                else:
                    cells.append(n(cell["instructions"]))
            rows.append((title, label, *cells))
    out += table(("kernel", "shape", *cols), rows, "ll" + "r" * len(cols))
    out += ["", "MACs of a convolution count every kernel tap, padding included. The update is the Tin-Tin "
            "gradient-aligned update with stochastic rounding (one counter hash per weight)."]
    same = _same_in_both_builds(variants)
    if same:
        out += [f"Kernels without a DSP path ({', '.join(same)}) execute the same number of "
                "instructions in the DSP and the portable build of each core."]
    out += [""]

    out += _per_mac_goals(variants)

    # training steps
    out += ["### Whole training steps (`tt_train_step_seq`): instructions per step and per sample", ""]
    rows = []
    trains: dict[str, dict[str, Any]] = {}
    for v in variants:
        for it in _items(v, "train"):
            trains.setdefault(it["label"], {})[v["variant"]] = it
    for label, per in trains.items():
        cells = []
        for v in variants:
            step = per.get(v["variant"])
            cells.append("—" if step is None else f"{n(step['instructions'])} / **{n(step['per_sample'])}** / "
                         f"{f2(step.get('per_mac'))}")
        rows.append((label, *cells))
    out += table(("model, batch", *(f"{c}: step / sample / MAC" for c in cols)), rows)
    out += ["", "Mean over the measured steps (consecutive steps from the same initial weights; counts vary "
            "slightly with the data through rounding, window and ReLU branches). Per sample = per step / batch.", ""]
    out += _train_split(variants)

    # code size
    out += ["### Code size of the kernel library", "",
            "All of `c_kernels/src` compiled for the build (`-Os`, as the conformance builds), summed over the "
            "objects with `arm-none-eabi-size` before linking (a program links only what it calls).", ""]
    rows = [(v["variant"], n(v["code_size"]["text"]), n(v["code_size"]["data"]), n(v["code_size"]["bss"]))
            for v in variants]
    out += table(("build", "text", "data", "bss"), rows)
    by = {v["variant"]: v["code_size"]["text"] for v in variants}
    for core in ("m4", "m7"):
        if core in by and f"{core}-nodsp" in by:
            d = by[core] - by[f"{core}-nodsp"]
            out.append(f"\nDSP path against portable on {core.upper()}: {by[core]:,} vs {by[core + '-nodsp']:,} "
                       f"bytes of text ({d:+,} bytes).")
    out.append("")
    return out


# Whole-step goals on M4 (issue 13), instructions per sample, by model key.
STEP_GOALS_M4 = {"digits_mlp": 20_000, "lenet5_8x8_b8": 250_000}


def mac_goal(it: dict[str, Any], variant: str) -> float | None:
    """The instructions-per-MAC goal of a measured item on a build (issue 13), or None: M4 means
    its DSP build, M0+ the portable one; a training step's goal per sample is turned into per MAC."""
    kind = it["kind"]
    m4, m0 = variant == "m4", variant == "m0plus"
    if kind == "train":
        goal = STEP_GOALS_M4.get(it.get("model", "")) if m4 else None
        return None if goal is None else goal * it["batch"] / it["macs"]
    if kind == "dense_forward":
        if m4 and it.get("batch") == 1:
            return 2.5
        if m4 and it.get("batch", 0) >= 16 and it.get("n_in", 0) >= 64:
            return 1.2
        return 7.0 if m0 and it.get("batch") == 32 else None
    if kind in ("dense_backward_error", "dense_gradient"):
        return 1.5 if m4 else 9.0 if m0 else None
    if "conv" not in it:
        return None
    one = it["conv"][3] == 1  # a one-channel (first) layer
    if kind == "conv2d_forward":
        return (10.0 if one else 2.5) if m4 else (20.0 if one else 8.0) if m0 else None
    return (10.0 if one else 3.0) if m4 else None


def _per_mac_goals(variants: Sequence[dict[str, Any]]) -> list[str]:
    """Instructions per MAC of every MAC kernel and of whole steps on every build, each beside its goal."""
    out = ["### Instructions per MAC, every MAC kernel, M0+/M4/M7, portable and DSP", "",
           "Each figure with its goal (issue 13) where one is set: met (≤ goal) or not met. M4 goals are for "
           "the DSP build, M0+ goals for its (only, portable) build; a whole step's goal per sample (M4: digits "
           "MLP 20,000, LeNet-5 8x8 250,000) is shown per MAC. A step's MACs are each parameter layer's forward, "
           "gradient and (but for the first layer) backward error.", ""]
    kinds = [*(k for k in KERNEL_TITLES if k.startswith(("dense_", "conv2d_"))), "train"]
    rows = []
    for kind in kinds:
        for label, per in _by_label(variants, kind, None, per_mac_only=True).items():
            cells = []
            for v in variants:
                got = per.get(v["variant"])
                if got is None:
                    cells.append("—")
                    continue
                goal = mac_goal(got, v["variant"])
                cell = f2(got["per_mac"])
                if goal is not None:
                    cell += f" (≤ {goal:.3g}: {'met' if got['per_mac'] <= goal else 'not met'})"
                cells.append(cell)
            rows.append((KERNEL_TITLES.get(kind, "whole training step"), label, *cells))
    out += table(("kernel", "shape", *_variant_columns(variants)), rows, "ll" + "r" * len(variants))
    out += ["", "How each kernel gets there. DSP builds (dual 16-bit MACs, SMLAD, on values sign-extended into "
            "16-bit lanes by SXTB16): the dense forward packs pairs of batch rows once per chunk of inputs and runs "
            "2x2 blocks (two rows, two outputs) in assembly. The dense backward error pairs outputs: each pair's "
            "errors are packed once, its weights four inputs at a time into (w[o][i], w[o+1][i]) lanes that stay in "
            "registers over the whole batch, the sums moving by LDM/STM. The dense gradient packs x once per call "
            "into pairs of batch rows (2 KB on the stack; larger x takes the portable rows), so a row of the "
            "gradient is SMLADs over the batch, two rows per instruction (four pairs of rows per loop test when "
            "their count allows). The conv2d forward runs the patches of two output positions (im2col; one-channel "
            "inputs copy an interior patch without a test per tap) through the dense forward's blocks; the conv2d "
            "backward error gathers, per input element, dots over output channels against kernels transposed once "
            "on the stack, already in 16-bit lanes, so that only the errors are unpacked; the conv2d gradient "
            "packs x once per call (pairs of samples, pairs of channels, zero padding: 2 KB on the stack) and sums "
            "each tap by SMLADs against a row's error pairs (one-channel or larger inputs: the portable rows, "
            "which sum each tap over the positions whose tap is inside the input). The update computes the counter "
            "hash's per-tensor rounds once and one round per "
            "weight. Portable builds: the same conv2d forward on tt_dot_2x2 (in assembly on ARMv6-M: sums in "
            "r8-r11), two rows per pass over the sums for the dense backward kernels.", ""]
    return out


def _same_in_both_builds(variants: Sequence[dict[str, Any]]) -> list[str]:
    """Kernel kinds whose counts are equal between each DSP build and its portable twin."""
    by = {v["variant"]: v for v in variants}
    pairs = [(by[k], by[f"{k}-nodsp"]) for k in ("m4", "m7") if k in by and f"{k}-nodsp" in by]
    if not pairs:
        return []
    same = []
    for kind, title in KERNEL_TITLES.items():
        equal = all([it["counts"] for it in _items(a, kind)] == [it["counts"] for it in _items(b, kind)]
                    and _items(a, kind) for a, b in pairs)
        if equal:
            same.append(title)
    return same


def _train_split(variants: Sequence[dict[str, Any]], top: int = 6) -> list[str]:
    """Where the first measured step of each model goes on the M4 DSP build, by function."""
    v = next((v for v in variants if v["variant"] == "m4"), None)
    if v is None:
        return []
    out = ["Where a step's instructions go on the M4 DSP build (first measured step, by function as named in "
           "the symbol table; rule helpers the compiler kept out of line appear on their own):", ""]
    rows = []
    for it in _items(v, "train"):
        pf = it["per_function"]
        total = sum(pf.values())
        parts = sorted(pf.items(), key=lambda kv: -kv[1])[:top]
        rows.append((it["label"], ", ".join(f"`{k}` {100 * c / total:.0f}%" for k, c in parts)))
    return [*out, *table(("model, batch", f"top {top} functions"), rows, "ll"), ""]


def _m4_headline(m4: dict[str, Any]) -> str:
    wanted = ("64->64, batch 32", "256->64, batch 16")
    items = [it for it in _items(m4, "dense_forward", None) if it["label"] in wanted]
    items = list({it["label"]: it for it in items}.values())
    if not items:
        return ""
    parts = []
    for it in items:
        s = split_dense_forward(it)
        parts.append(f"{it['label']}: **{f2(it['per_mac'])}** instructions/MAC = MAC block "
                     f"{f2(s['mac'] / it['macs'])} + checks {f2(s['checks'] / it['macs'])} + requantise/window "
                     f"{f2(s['output'] / it['macs'])} + loop/ReLU/max {f2(s['rest'] / it['macs'])}")
    below = [it["per_mac"] < 2 for it in items]
    mac_below = all(split_dense_forward(it)["mac"] / it["macs"] < 2 for it in items)
    if all(below):
        verdict = "below the project's target of 2 instructions/MAC"
    else:
        verdict = ("above the project's target of 2 instructions/MAC" if not any(below) else
                   "not all below the project's target of 2 instructions/MAC")
        if mac_below:
            verdict += "; the MAC block alone is below 2, the checks and the per-output work add the rest"
    subject = "Both are" if len(items) > 1 else "That is"
    return "Cortex-M4 with the DSP path: " + "; ".join(parts) + f". {subject} {verdict}."


def _jax(res: dict[str, Any]) -> list[str]:
    jx = res["jax"]
    out = ["## (c) JAX reference: training throughput, integer step against float32", ""]
    if jx.get("error"):
        return [*out, f"Not measured: {jx['error']}", ""]
    out += [
        "Both steps jitted on this CPU and timed side by side in one process on the same batches: compile and "
        "warm-up, then repeats alternating integer and float32 (each repeat at least "
        f"{jx['min_repeat_s']} s of steps), median time per step. Integer: `jit_packed_train_step` of the `tintin` "
        "preset (bit-exact integer rules on int32; the state packed into few device buffers, as `tintin train` "
        "runs it). float32: the float baseline (same layers, SGD). "
        "Ratio = integer samples/s / float32 samples/s.",
        "",
    ]
    rows = [(m["title"], m["batch"], m["data"], n(m["int_samples_per_s"]), n(m["float_samples_per_s"]),
             f"**{m['ratio']:.2f}**", f"{m['int_step_ms']:.3f} / {m['float_step_ms']:.3f}",
             f"{m['repeats']} x ({m['int_steps_per_repeat']} / {m['float_steps_per_repeat']})",
             f"{m['int_compile_s']:.1f} / {m['float_compile_s']:.1f}") for m in jx["models"]]
    out += table(("model", "batch", "data", "integer samples/s", "float32 samples/s", "ratio int/float",
                  "median ms/step int / float", "repeats x steps", "compile + first step, s"), rows, "lrlrrrrrr")
    out.append("")
    return out + _jax_scaling(jx.get("scaling") or [])


def _jax_scaling(scaling: list[dict[str, Any]]) -> list[str]:
    """Samples/s of the data-parallel integer step (reference/parallel.py) on 1, 2, 4 forced host devices."""
    if not scaling:
        return []
    out = ["Data-parallel integer step (`tintin train --devices N`: the batch sharded over N devices with "
           "jax.sharding, bit-identical to one device) on 1, 2 and 4 host CPU devices forced with "
           "`XLA_FLAGS=--xla_force_host_platform_device_count=4`, in a child process, one step in flight at a time "
           "(as `tintin train` runs it: queued sharded steps can starve XLA's CPU all-reduce), median of the "
           "repeats:", ""]
    rows = []
    for s in scaling:
        if s.get("error"):
            rows.append((s["title"], "—", "—", "—", f"not measured: {s['error']}"))
            continue
        base = s["runs"][0]["samples_per_s"]
        for r in s["runs"]:
            rows.append((s["title"], s["batch"], r["devices"], n(r["samples_per_s"]),
                         f"{r['samples_per_s'] / base:.2f}x of 1 device; {r['step_ms']:.3f} ms/step; "
                         f"same bits as 1 device: {'yes' if s['same_bits'] else 'NO'}"))
    out += table(("model", "batch", "devices", "integer samples/s", "note"), rows, "lrrrl")
    cpus = next((s.get("cpu_count") for s in scaling if s.get("cpu_count")), None)
    out += ["", f"The forced devices share this machine's {cpus} CPU core(s): the figure shows the overhead of "
            "splitting the batch (partitioning, all-reduces, more threads than cores), not a speed-up. "
            "On separate devices or hosts (docs/data-parallel.md) the same step spreads the work.", ""]
    return out


def _times(res: dict[str, Any]) -> list[str]:
    t = res["times"]
    out = ["## (d) Tool times: CI goldens and proofs", "",
           "Each command run as a user runs it (`python -m tintin ...`, a fresh process, output into a temporary "
           "folder); wall time including start-up.", ""]
    g, p = t["goldens"], t["proofs"]
    rows = [("generate the CI goldens", f"`{g['command']}`", f"{g['seconds']:.1f} s" if g["ok"] else "failed",
             f"{g['files']} files, {n(g['bytes'])} bytes ({g['scope']})" if g["ok"] else g["detail"])]
    if p.get("seconds") is not None and p.get("ok"):
        rows.append(("run all proofs", f"`{p['command']}`", f"{p['seconds']:.1f} s", p.get("detail", "")))
    else:
        rows.append(("run all proofs", f"`{p['command']}`", "—", p.get("detail", "")))
    out += table(("job", "command", "wall time", "result"), rows, "llrl")
    out.append("")
    return out


def _mutation(res: dict[str, Any]) -> list[str]:
    m = res.get("mutation")
    if m is None:  # a benchmarks.json from before this section: renders as it did
        return []
    out = ["## (e) Mutation score of the goldens", "",
           "How many single-point mutants of the C kernels the CI goldens kill (`tintin mutate`, docs/mutation.md): "
           "killed / (killed + survived); mutants that do not build and equivalent ones are not scored. Read from "
           "the committed reports under docs/results/ (a whole-population run takes far longer than this "
           "benchmark, so it is not run here).", ""]
    rows = []
    for r in m["runs"]:
        if "error" in r:
            rows.append((r["name"], "unreadable", "", "", "", "", "", "", r["error"]))
            continue
        c = r["counts"]
        scope = f"sample {r['sample']} of {n(r['population'])}" if r["sample"] else f"all {n(r['population'])}"
        score = f"{r['score']:.1f}%" if r["score"] is not None else "—"
        if r.get("current") is False:  # measured on other kernels, harness or goldens than these
            score += " (stale)"
        rows.append((f"[{r['name']}]({r['report']})", ", ".join(r["targets"]), score,
                     f"{n(c['killed'])} / {n(c['killed'] + c['survived'])}", n(c["did-not-build"]),
                     n(c["equivalent"]), scope, f"{r['wall_s'] / 60:.1f} min", f"`{r['command']}`"))
    if rows:
        out += table(("report", "targets", "score", "killed / scored", "did not build", "equivalent", "mutants",
                      "wall time", "command"), rows, "llrrrrlrl")
        out.append("")
    if any(r.get("current") is False for r in m["runs"]):
        out += ["(stale): the report's fingerprint (kernel sources, conformance harness, golden files) is not "
                "this checkout's, so its score is that of earlier kernels or goldens; rerun its command.", ""]
    for miss in m["missing"]:
        out.append(f"Not committed yet: {miss['name']} (`{miss['command']}`).")
    if m["missing"]:
        out.append("")
    return out


def render(res: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{res['command']}` (tintin.bench); rerun it to refresh this file and `benchmarks.json`, "
        "which holds every number below and more (per-function instruction splits, every repeat). Each "
        "comparison is measured side by side in the same run; read the ratios, not the absolute values, which "
        "belong to this machine." + (" This is a reduced `--quick` run (smaller shapes, fewer builds)."
                                     if res["quick"] else ""),
        "",
    ]
    lines += _machine(res)
    lines += _ram(res)
    lines += _instructions(res)
    lines += _jax(res)
    lines += _times(res)
    lines += _mutation(res)
    return "\n".join(lines).rstrip() + "\n"
