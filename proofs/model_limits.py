"""`tintin prove --model FILE.toml`: the theorems for one model's sizes and widths, per layer.

The sizes the limit theorems must reach (configs.Targets) become the model's own: the largest
dense fan-in, fan-out and batch, convolution patch, backward taps x channels and batch x
output positions over its layers (reference.limits, the lengths the reference enforces), and
its classes; a kind of sum the model does not have needs 1. After the proofs, every layer's
sums are set against the proved exact limits, so a failure names the layer (file, line and
[[layers]] index) with the theorem's counterexample; a failing rule theorem (requantise, fine
steps, window, update, softmax) names the layers whose kernels it guards.
"""

from __future__ import annotations

from dataclasses import dataclass

from tintin.reference.limits import DotLength
from tintin.reference.model import MLP
from tintin.reference.modelfile import ModelFile

from .configs import Targets
from .prover import TheoremResult
from .report import Report

# (layer type, sum) -> the accumulator theorem that bounds it, and the Targets field
SUM_THEOREMS: dict[tuple[str, str], tuple[str, str]] = {
    ("Dense", "forward"): ("accumulator.forward", "fan_in"),
    ("Dense", "backward error"): ("accumulator.backward_error", "fan_out"),
    ("Dense", "gradient"): ("accumulator.gradient", "batch"),
    ("Conv2D", "forward"): ("accumulator.conv_forward", "conv_patch"),
    ("Conv2D", "backward error"): ("accumulator.conv_backward_error", "conv_backward_terms"),
    ("Conv2D", "gradient"): ("accumulator.conv_gradient", "conv_gradient_terms"),
}
# The C kernels each layer type calls in one training step (matched against Theorem.guards).
LAYER_KERNELS: dict[str, tuple[str, ...]] = {
    "Dense": ("tt_dense_forward", "tt_dense_backward_error", "tt_dense_gradient", "tt_update_dense", "tt_requantise",
              "tt_window", "tt_normalize_header", "tt_align", "tt_rshift_round", "tt_fine_step"),
    "Conv2D": ("tt_conv2d_forward", "tt_conv2d_backward_error", "tt_conv2d_gradient", "tt_update_dense",
               "tt_requantise", "tt_window", "tt_normalize_header", "tt_align", "tt_rshift_round", "tt_fine_step"),
}


@dataclass(frozen=True)
class LayerSum:
    """One accumulator sum of one layer against the proved limit."""

    where: str  # "my.toml:12 layers[0] (dense)"
    sum: DotLength
    theorem: str
    limit: int | None  # the proved exact limit (None: the theorem did not run)

    @property
    def ok(self) -> bool:
        return self.limit is not None and self.sum.terms <= self.limit


def _where(mf: ModelFile, plan_index: int) -> str:
    return mf.where(plan_index)


def _sums(mf: ModelFile) -> list[tuple[int, str, DotLength]]:
    """(plan index, layer type, sum) for every accumulator sum of one training step."""
    out = []
    for d in mf.model.dot_lengths(mf.batch):
        _, index, kind = d.layer.split(" ", 2)
        out.append((int(index), kind, d))
    return out


def model_targets(mf: ModelFile) -> Targets:
    need = {f: 1 for _, f in SUM_THEOREMS.values()}
    for _, kind, d in _sums(mf):
        field = SUM_THEOREMS[(kind, d.sum)][1]
        need[field] = max(need[field], d.terms)
    classes = mf.model.sizes[-1] if isinstance(mf.model, MLP) else mf.model.n_outputs
    return Targets(classes=classes if mf.loss == "softmax_xent" else 2, **need)


def layer_sums(mf: ModelFile, report: Report) -> list[LayerSum]:
    proved = {r.theorem: r.requirement["proved"] for r in report.results if r.requirement}
    return [LayerSum(_where(mf, k), d, SUM_THEOREMS[(kind, d.sum)][0], proved.get(SUM_THEOREMS[(kind, d.sum)][0]))
            for k, kind, d in _sums(mf)]


def _counterexample(r: TheoremResult | None) -> str:
    if r is None:
        return ""
    cx = r.counterexample or next((b.counterexample for b in r.boundaries if b.counterexample), None)
    if cx is None:
        return ""
    return "; counterexample (one past the limit): " + ", ".join(f"{k} = {v}" for k, v in cx.inputs.items())


def table(mf: ModelFile, rows: list[LayerSum]) -> str:
    lines = [f"model {mf.name} (batch {mf.batch}, config {mf.cfg.name}: {mf.cfg.payload_bits}-bit payloads, "
             f"{mf.cfg.acc_bits}-bit accumulators)",
             "| layer | sum | products | theorem | proved limit | |", "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r.where} | {r.sum.sum} ({r.sum.why}) | {r.sum.terms} | {r.theorem} | "
                     f"{'-' if r.limit is None else r.limit} | {_verdict(r)} |")
    return "\n".join(lines)


def _verdict(r: LayerSum) -> str:
    if r.limit is None:
        return "not run (--theorem)"
    return "ok" if r.ok else "FAILS"


def failures(mf: ModelFile, rows: list[LayerSum], report: Report) -> list[str]:
    """One message per failing layer sum, then per failing rule theorem with the layers it guards."""
    by_name = {r.theorem: r for r in report.results}
    out = []
    for r in rows:
        if r.limit is not None and not r.ok:
            out.append(f"{r.where}: the {r.sum.sum} sums {r.sum.terms} products ({r.sum.why}); {r.theorem} "
                       f"proves at most {r.limit} for {mf.cfg.payload_bits}-bit payloads in a {mf.cfg.acc_bits}-bit "
                       f"accumulator{_counterexample(by_name.get(r.theorem))}")
    sum_theorems = {t for t, _ in SUM_THEOREMS.values()}
    plan_kinds = [(k, kind) for k, kind in enumerate(_kinds(mf))]
    for res in report.results:
        if res.ok or res.theorem in sum_theorems or not relevant(mf, res.theorem):
            continue
        users = [_where(mf, k) for k, kind in plan_kinds if set(res.guards) & set(LAYER_KERNELS.get(kind, ()))]
        if res.theorem.startswith(("softmax.", "mse.")):
            users = [f"{mf.path} [model] loss ({mf.loss})"]
        note = f" ({res.note})" if res.note else ""
        out.append(f"{res.theorem} [{res.config}]: {res.result}{note}; used by {', '.join(users) or 'no layer'}"
                   f"{_counterexample(res)}")
    return out


def relevant(mf: ModelFile, theorem: str) -> bool:
    """Whether the model's step uses what the theorem guards (its loss, its update rule)."""
    if theorem.startswith("softmax."):
        return mf.loss == "softmax_xent"
    if theorem.startswith("mse."):
        return mf.loss == "mse"
    if theorem == "update.niti":
        return mf.cfg.update_rule == "niti"
    if theorem == "update.aligned":
        return mf.cfg.update_rule == "aligned"
    return True


def _kinds(mf: ModelFile) -> list[str]:
    names = {"dense": "Dense", "conv2d": "Conv2D", "maxpool": "MaxPool2D", "flatten": "Flatten"}
    return [names[li.type] for li in mf.layers if li.type != "relu"]
