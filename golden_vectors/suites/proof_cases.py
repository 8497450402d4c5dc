"""Golden cases made from the counterexamples `tintin prove` found (issue 4).

The source is the committed file golden_vectors/proof_counterexamples.json, written by
`tintin prove --config all --mutants --expected-ok --cases-out ...`: generation reads that
file and never runs Z3, so the goldens regenerate byte for byte. Only the entries of the
configs the C kernels implement (``tintin`` and ``niti``: int8 payloads, int32 accumulators)
become cases; the other width configs stay in the file and are replayed by the tests.

Each entry goes to the suite of the kernel its theorem guards (ROUTES), with its inputs laid
out as that suite's tensors (an element and its tensor's max become a two-element tensor).
What the case expects comes from the exact oracle (PyOps, under the suite's config):

* the oracle accepts the inputs (a mutant's counterexample: inside the true rule's domain,
  where the known bug shows): an ordinary case, outputs from the oracle (and equal to JAX);
* the oracle rejects them (a boundary: one past a proved limit): a rejection case, no
  outputs, param expect_status = the C status of that rejection (_common.oracle_status:
  OracleOverflow -> TT_ERR_RANGE, a result header past int8 -> TT_ERR_HEADER);
* a boundary the oracle accepts: a finding, reported in SKIPPED, no case (a status is never
  invented);
* sizes past what the kernels accept (TT_MAX_ELEMENTS): no tensors stored, listed in SKIPPED
  (the kernels' shape limit is below the proved limit, so they never form that sum).

An entry of ``niti`` lands in a suite of the ``tintin`` preset only if the oracle gives the
same result under both configs. Entries with equal inputs share one case, whose comment names
them all. Cases are appended after a suite's own cases, ids "<suite>/proof-<what>-NNNN".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tintin.reference.config import NITI, TINTIN, NumericsConfig

from ..model import EXPECT_STATUS, STATUS_NAMES
from ..suite import CaseSpec
from ._common import PROOF_FLAG, OutputRangeError, hdr, i8, i32, oracle_status

if TYPE_CHECKING:
    from ._common import KernelSuite

PROOF_FILE = Path(__file__).resolve().parents[1] / "proof_counterexamples.json"
FILE_FORMAT = "tintin-proof-counterexamples"
# The configs whose widths the C kernels implement; entries of other configs get no case.
C_CONFIGS: dict[str, NumericsConfig] = {"tintin": TINTIN, "niti": NITI}
# c_kernels/include/tintin.h: the most elements any kernel accepts in one tensor
# (tests/golden/test_proof_cases.py checks the header says the same).
TT_MAX_ELEMENTS = 65535
# Tensor bytes one proof case may store: a C golden header holds at most
# emit_c.DEFAULT_MAX_BYTES (32 KB, for the small cores' flash), and the case must fit one.
MAX_CASE_TENSOR_BYTES = 16 * 1024

Inputs = dict[str, Any]


@dataclass(frozen=True)
class Layout:
    """An entry's inputs as a suite's tensors and params, and what the layout adds."""

    inputs: Inputs
    params: dict[str, int]
    note: str = ""


@dataclass(frozen=True)
class Route:
    """Where a theorem's counterexamples go: a suite and how to lay out the inputs; or why
    they cannot be stored (too_big returns a reason, or None when the entry fits)."""

    suite: str | Callable[[dict[str, Any]], str]
    layout: Callable[[dict[str, int]], Layout] | None = None
    too_big: Callable[[dict[str, int]], str | None] | None = None


@dataclass(frozen=True)
class Planned:
    """One golden case: the entries it comes from and its spec (without the id number)."""

    suite: str
    entries: tuple[str, ...]
    edge: str
    comment: str
    flags: tuple[str, ...]
    inputs: Inputs
    params: dict[str, int]

    @property
    def expect_status(self) -> int | None:
        return self.params.get(EXPECT_STATUS)


@dataclass(frozen=True)
class Skipped:
    """An entry of a C config that is no golden case, and why."""

    entry: str
    reason: str


# -- the file ------------------------------------------------------------------------------------


@cache
def load(path: Path = PROOF_FILE) -> dict[str, Any]:
    """The committed counterexample file (format checked)."""
    doc = json.loads(path.read_text(encoding="ascii"))
    if doc.get("format") != FILE_FORMAT or doc.get("format_version") != 1:
        raise ValueError(f"{path}: not a {FILE_FORMAT} file (version 1)")
    ids = [c["id"] for c in doc["cases"]]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise ValueError(f"{path}: case ids must be unique and sorted")
    return doc


def entries(path: Path = PROOF_FILE) -> list[dict[str, Any]]:
    return list(load(path)["cases"])


def c_entries(path: Path = PROOF_FILE) -> list[dict[str, Any]]:
    """The entries of the configs the C kernels implement."""
    return [e for e in entries(path) if e["config"] in C_CONFIGS]


# -- layouts: an entry's inputs as a suite's tensors --------------------------------------------


def _header(v: Mapping[str, int], prefix: str) -> np.ndarray:
    return hdr(v[f"{prefix}.s"], v[f"{prefix}.u"], v[f"{prefix}.d"])


def _rshift(v: dict[str, int]) -> Layout:
    return Layout({"x": i32([v["x"]]), "s": i32([v["s"]])}, {})


def _fine(v: dict[str, int]) -> Layout:
    return Layout({"x": i32([v["x"]])}, {})


def _requantise(v: dict[str, int]) -> Layout:
    return Layout(
        {"acc": i32([[v["x"], v["m"]]]), "h": _header(v, "h")},
        {},
        "acc = [x, m]: the element and the tensor's max |value|",
    )


def _window(v: dict[str, int]) -> Layout:
    # The window theorem runs on header (0, 0, 0): the header is window.header's subject.
    return Layout(
        {"q": i8([[v["q"], v["max_abs"]]]), "h": hdr(0)},
        {},
        "q = [q, max_abs]: the element and the tensor's max |value|, header (0, 0, 0)",
    )


def _window_header(v: dict[str, int]) -> Layout:
    return Layout({"q": i8([[v["max_abs"]]]), "h": _header(v, "h")}, {}, "q = [max_abs]")


def _normalize(v: dict[str, int]) -> Layout:
    return Layout({"h": i8([[v["h.s"], v["h.u"], v["h.d"]]])}, {})


def _header_mul(v: dict[str, int]) -> Layout:
    return Layout(
        {"x": i8([[1]]), "h_x": _header(v, "a"), "w": i8([[1]]), "h_w": _header(v, "b")},
        {"relu": 0},
        "h_x = a, h_w = b; payloads x = w = [[1]] (accumulator 1: no requantisation shift moves S)",
    )


def _update(v: dict[str, int]) -> Layout:
    note = "w = [w, w_max], g = [g, g_max]; hash from seed 0, step 0, tensor_id 0"
    if "bits" in v:
        note += f" (the proof's hash bits {v['bits']} are not reproduced)"
    inputs = {
        "w": i8([[v["w"], v["w_max"]]]),
        "h_w": _header(v, "w_h"),
        "g": i32([[v["g"], v["g_max"]]]),
        "h_g": _header(v, "g_h"),
        "seed": i32(0),
        "step": i32(0),
    }
    return Layout(inputs, {"tensor_id": 0}, note)


def _too_long(n: int, what: str, sum_of: str, nbytes: int) -> str | None:
    """Why a sum of n terms is not stored as a case (None: it would fit)."""
    if n > TT_MAX_ELEMENTS:
        return (
            f"{n} {what}: the kernels refuse tensors of more than TT_MAX_ELEMENTS = {TT_MAX_ELEMENTS} "
            f"elements (below the proved limit), so no kernel forms this {sum_of}; not stored"
        )
    if nbytes > MAX_CASE_TENSOR_BYTES:
        return (
            f"{n} {what}: its tensors need {nbytes} bytes, more than a proof case may store "
            f"({MAX_CASE_TENSOR_BYTES}; a C golden header holds 32 KB for the small cores); not stored"
        )
    return None


def _too_many_terms(v: dict[str, int]) -> str | None:
    return _too_long(v["terms"], "terms", "dot product", 2 * v["terms"])  # x and w rows of int8


def _too_many_classes(v: dict[str, int]) -> str | None:
    return _too_long(v["c"] + 1, "classes", "row sum", v["c"] + 1)  # one int8 logit row


def _update_suite(e: dict[str, Any]) -> str:
    return "update_niti" if e["config"] == "niti" else "update_tintin"


_ACCUMULATORS = {
    "forward": "dense_forward",
    "backward_error": "dense_backward_error",
    "gradient": "dense_gradient",
    "conv_forward": "conv2d_forward",
    "conv_backward_error": "conv2d_backward_error",
    "conv_gradient": "conv2d_gradient",
}

ROUTES: dict[str, Route] = {
    "rounding.rshift_round": Route("rshift_round", _rshift),
    "rounding.rshift_round_wide": Route("rshift_round", _rshift),
    "fine_step.up": Route("fine_up", _fine),
    "fine_step.down": Route("fine_down", _fine),
    "requantise": Route("requantise", _requantise),
    "window": Route("window", _window),
    "window.header": Route("window", _window_header),
    "header.normalize": Route("normalize_header", _normalize),
    "header.mul": Route("dense_forward", _header_mul),
    "update.aligned": Route(_update_suite, _update),
    "update.niti": Route(_update_suite, _update),
    **{f"accumulator.{k}": Route(suite, too_big=_too_many_terms) for k, suite in _ACCUMULATORS.items()},
    "softmax.row_sum": Route("softmax_xent_error", too_big=_too_many_classes),
}


# -- planning --------------------------------------------------------------------------------------


def _edge(e: dict[str, Any]) -> str:
    what = e["mutant"] or e["kind"].removeprefix("boundary ")
    return "proof-" + (re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "case")


def _run(ks: KernelSuite, cfg: NumericsConfig, lay: Layout) -> tuple[int | None, Any]:
    """(status, outputs) of the exact oracle: status None when it accepts the inputs."""
    try:
        return None, ks.oracle_with(cfg, lay.inputs, lay.params)
    except Exception as exc:  # mapped to a status below; an unmapped one is a generation error
        status = oracle_status(exc)
        if status is None:
            raise ValueError(f"the exact oracle raised {type(exc).__name__}: {exc}; no C status matches") from exc
        why = f"output {exc.output!r}: {exc.problem}" if isinstance(exc, OutputRangeError) else str(exc)
        return status, f"{type(exc).__name__}: {why}"


def _same(a: tuple[int | None, Any], b: tuple[int | None, Any]) -> bool:
    if a[0] is not None or b[0] is not None:
        return a[0] == b[0]
    return a[1].keys() == b[1].keys() and all(np.array_equal(a[1][k], b[1][k]) for k in a[1])


def _key(lay: Layout) -> str:
    return json.dumps(
        [[k, np.asarray(v).dtype.name, np.asarray(v).tolist()] for k, v in lay.inputs.items()]
        + [sorted(lay.params.items())]
    )


def plan(kernel_suites: Mapping[str, KernelSuite], path: Path = PROOF_FILE) -> tuple[list[Planned], list[Skipped]]:
    """Every C-config entry as a golden case (grouped by inputs) or a skip with its reason."""
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], Layout, int | None, Any]]] = {}
    skipped: list[Skipped] = []
    for e in c_entries(path):
        route = ROUTES.get(e["theorem"])
        if route is None:
            raise ValueError(f"{e['id']}: no golden suite for theorem {e['theorem']!r} (proof_cases.ROUTES)")
        reason = route.too_big(e["inputs"]) if route.too_big else None
        if reason:
            skipped.append(Skipped(e["id"], reason))
            continue
        if route.layout is None:
            raise ValueError(f"{e['id']}: theorem {e['theorem']!r} has no input layout (proof_cases.ROUTES)")
        suite = route.suite(e) if callable(route.suite) else route.suite
        ks = kernel_suites[suite]
        lay = route.layout(e["inputs"])
        status, result = _run(ks, ks.cfg, lay)
        if e["config"] != ks.cfg.name and not _same((status, result), _run(ks, C_CONFIGS[e["config"]], lay)):
            skipped.append(
                Skipped(
                    e["id"],
                    f"suite {suite} runs the {ks.cfg.name} preset, under which the exact "
                    f"oracle gives another result than under {e['config']}",
                )
            )
            continue
        if status is None and not e["mutant"]:
            skipped.append(
                Skipped(
                    e["id"],
                    f"finding: the exact oracle (PyOps, {ks.cfg.name}) accepts these "
                    f"inputs ({suite}: {_outputs_text(result)}) although the proof "
                    f"shows them outside the domain ({e['kind']} of {e['theorem']}); no "
                    "status is derived, so no case",
                )
            )
            continue
        groups.setdefault((suite, _key(lay)), []).append((e, lay, status, result))
    planned = [_planned(suite, members) for (suite, _), members in groups.items()]
    return sorted(planned, key=lambda p: (p.suite, p.entries[0])), skipped


def _outputs_text(outputs: Mapping[str, np.ndarray]) -> str:
    return ", ".join(f"{k} = {np.asarray(v).tolist()}" for k, v in outputs.items())


def _planned(suite: str, members: list[tuple[dict[str, Any], Layout, int | None, Any]]) -> Planned:
    first, lay, status, result = members[0]
    ids = tuple(m[0]["id"] for m in members)
    flags = [PROOF_FLAG, "mutant" if first["mutant"] else "boundary"]
    flags += [f for m in members for f in m[0]["flags"] if f != PROOF_FLAG]
    what = (
        f"mutant {first['mutant']} of {first['theorem']}"
        if first["mutant"]
        else f"{first['kind']} of {first['theorem']}"
    )
    layout = f"; {lay.note}" if lay.note else ""
    params = dict(lay.params)
    if status is None:
        expect = "inside the rule's domain: expected outputs from the exact oracle (PyOps), equal to JAX"
    else:
        params[EXPECT_STATUS] = status
        flags.append("rejection")
        expect = (
            f"outside the proved domain: the exact oracle rejects it ({result}), so the kernel must "
            f"return {STATUS_NAMES[status]}"
        )
    proof = first["comment"]
    comment = f"proof counterexample {', '.join(ids)} ({what}){layout}; {expect}. Proof: {proof}"
    return Planned(suite, ids, _edge(first), comment, tuple(dict.fromkeys(flags)), lay.inputs, params)


# -- what the suites call --------------------------------------------------------------------------


@cache
def _plan_registry() -> tuple[list[Planned], list[Skipped]]:
    from . import KERNEL_SUITES

    return plan(KERNEL_SUITES)


def planned() -> list[Planned]:
    return _plan_registry()[0]


def skipped() -> list[Skipped]:
    """The C-config entries that are no golden case, with the reason (sizes past the kernels'
    limits; findings where the oracle accepts a boundary input)."""
    return _plan_registry()[1]


def suite_specs(ks: KernelSuite, start: int) -> list[CaseSpec]:
    """The proof cases of one suite as CaseSpecs numbered from ``start``."""
    out: list[CaseSpec] = []
    for p in planned():
        if p.suite == ks.name:
            case_id = f"{ks.name}/{p.edge}-{start + len(out):04d}"
            out.append(CaseSpec(case_id, p.comment, list(p.flags), dict(p.inputs), dict(p.params)))
    return out
