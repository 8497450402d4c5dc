"""Loss-error suites: softmax_xent_error and mse_error (docs/spec.md 5.1, 5.2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tintin.reference import layers as L
from tintin.reference.config import TINTIN, NumericsConfig
from tintin.reference.layers import QTensor

from ._common import (
    FINE_PARTS,
    Arrays,
    CaseList,
    Entry,
    KernelSuite,
    StableRng,
    entry,
    hdr,
    header_in,
    i8,
    i32,
    n_random,
    normal_header,
)

# --- softmax cross-entropy (5.2) --------------------------------------------------------------

SOFTMAX_SEED = 6101
EDGE, WIDE = (3, 5), (8, 10)  # [B, C]; few distinct shapes, each one is a JAX compilation


def _softmax(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    t = L.softmax_xent_error(o, QTensor(x["z"], header_in(o, x["h_z"])), o.widen(x["labels"]), cfg)
    return {"e": t.q, "h_e": tuple(t.h)}


def softmax_cases(level: str) -> list:
    c = CaseList("softmax_xent_error")
    rng = StableRng(SOFTMAX_SEED)

    def add(edge: str, comment: str, flags: list[str], z: Any, h: Any, labels: Any) -> None:
        c.add(edge, comment, flags, {"z": i8(z), "h_z": h, "labels": i32(labels)})

    def rand_z(b: int, n: int, m: int = 127) -> np.ndarray:
        return rng.ints(-m, m, (b, n), np.int8)

    add("uniform", "all logits equal: p = 128 / C for every class", ["uniform", "zero"],
        np.zeros(EDGE, dtype=np.int64), hdr(-7), [0, 1, 4])
    add("uniform", "equal non-zero logits, C = 10", ["uniform"], np.full(WIDE, 77), hdr(-3), list(range(9, 1, -1)))
    confident = [[127, -127, -127, -127, -127], [-127, -127, -127, -127, 127], [-127, 127, -127, -127, -127]]
    add("confident", "one logit 127, the rest -127 at S = 0: p ~ 128 on the max; label there gives e ~ 0,"
        " elsewhere p = 0 - 128 saturates to -127 (and p = 128 off the label to 127)",
        ["confident", "saturate-low", "saturate-high", "max-magnitude"],
        confident, hdr(0), [0, 0, 1])
    add("floor", "differences far past the floor (2^-32): zero probabilities", ["floor"],
        [[127, 0, -127, 100, 1], [-127, 127, 126, -50, 0], [0, 0, 0, 0, -127]], hdr(2, 1, 0), [3, 2, 4])
    for s in (1, 6, 10, 11, 30, 127):
        add("s-positive", f"S = {s}: left shift min(S, 10) of the clamped exponent", ["s-positive"],
            rand_z(*EDGE, 3 if s > 3 else 30), hdr(s), [1, 4, 0])
    for s in (-7, -13, -20, -31, -32, -40, -128):
        add("s-negative", f"S = {s}: a rounding right shift (0 past 31: uniform)",
            ["s-negative"] + (["wide-shift"] if s < -31 else []), rand_z(*EDGE), hdr(s), [0, 2, 4])
    for u, d in FINE_PARTS:
        if (u, d) != (0, 0):
            add("fine-header", f"header (-6, {u}, {d}): {u or d} fine step(s) on the exponent",
                ["fine-steps", "up-step" if d else "down-step"], rand_z(*EDGE), hdr(-6, u, d), [4, 0, 3])
    add("extremes", "d = -254 (127 and -127 in a row) with the largest up steps (D = 2)", ["max-magnitude",
        "fine-steps"], [[127, -127, 0, 0, 0], [-127, 127, -127, 5, 5], [1, 2, 3, 4, 5]], hdr(-4, 0, 2), [1, 2, 0])
    add("labels", "the label at the first and the last class", ["label-edge"], rand_z(*WIDE), hdr(-5),
        [0, 9, 0, 9, 0, 9, 0, 9])
    add("batch-1", "one row, C = 2", ["batch-1"], rand_z(1, 2), hdr(-7), [1])
    add("single-class", "C = 1: p = 128, e = 0", ["single-class"], rand_z(4, 1), hdr(-7), [0, 0, 0, 0])
    for _ in range(n_random(level, 8, 150)):
        b, n = rng.choice([EDGE, WIDE])
        m = rng.integer(1, 127)
        add("random", f"seeded random logits (|z| <= {m}), header and labels", ["random"], rand_z(b, n, m),
            normal_header(rng, -14, 3), [rng.integer(0, n - 1) for _ in range(b)])
    return c.specs


SOFTMAX_XENT_ERROR = KernelSuite(
    name="softmax_xent_error",
    zero_dims=((("z", 0), ("labels", 0)), (("z", 1),)),
    null_args=6,
    payloads=("z",),
    kernel="tt_softmax_xent_error",
    description="Softmax cross-entropy error (spec 5.2): integer 2^x table softmax in Q7 by restoring "
    "division, e = sat(p - 128 [label]), header (-7, 0, 0). labels in [0, C).",
    cfg=TINTIN,
    fn=_softmax,
    outputs={"e": "int8", "h_e": "int8"},
    cases=softmax_cases,
    seed=SOFTMAX_SEED,
)

# --- MSE (5.1) ----------------------------------------------------------------------------

MSE_SEED = 6202


def _mse(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    y = QTensor(x["y"], header_in(o, x["h_y"]))
    t = QTensor(x["t"], header_in(o, x["h_t"]))
    e = L.mse_error(o, y, t, cfg)
    return {"e": e.q, "h_e": tuple(e.h)}


def mse_cases(level: str) -> list:
    c = CaseList("mse_error")
    rng = StableRng(MSE_SEED)

    def add(edge: str, comment: str, flags: list[str], y: Any, hy: Any, t: Any, ht: Any) -> None:
        c.add(edge, comment, flags, {"y": i8(y), "h_y": hy, "t": i8(t), "h_t": ht})

    def rand(b: int = 2, n: int = 6, m: int = 127) -> np.ndarray:  # few shapes: each one is a compilation
        return rng.ints(-m, m, (b, n), np.int8)

    same = rand()
    add("equal", "y = t with the same header: zero error", ["zero", "equal-headers"], same, hdr(-7), same, hdr(-7))
    add("all-zero", "both all zero", ["zero", "all-zero"], np.zeros((2, 6), dtype=np.int64), hdr(-7, 1, 0),
        np.zeros((2, 6), dtype=np.int64), hdr(-5))
    add("max-magnitude", "127 - (-127) = 254 in one header: requantise shifts by 1", ["max-magnitude", "qmax"],
        [[127, -127, 0, 1, 2, 3], [127, 0, -127, 0, 0, 0]], hdr(-7),
        [[-127, 127, 0, 1, 2, 3], [0, 127, 127, 0, 0, 0]], hdr(-7))
    add("y-coarser", "y's header is coarser: t is rescaled (right shifts)", ["y-coarser"], rand(), hdr(-5),
        rand(), hdr(-7))
    add("t-coarser", "t's header is coarser: y is rescaled", ["t-coarser"],
        rand(), hdr(-9, 0, 1), rand(), hdr(-6, 1, 0))
    for ds in (10, 31, 32, 40):
        add("far-apart", f"S differs by {ds}: the finer tensor rounds to 0", ["wide-shift"], rand(), hdr(-7 - ds),
            rand(), hdr(-7))
    n = 0
    for uy, dy in FINE_PARTS:
        for ut, dt in FINE_PARTS:
            n += 1
            s = (-7, 3)[n % 2]
            add("fine-headers", f"fine parts y ({uy}, {dy}), t ({ut}, {dt}) at S = {s}", ["fine-steps"],
                rand(), hdr(s, uy, dy), rand(), hdr(s, ut, dt))
    add("int8-extreme", "headers at the ends of int8: S -128 against S 127", ["s-extreme", "wide-shift"], rand(),
        hdr(127), rand(), hdr(-128))
    for _ in range(n_random(level, 8, 150)):
        b, nn = rng.choice([(2, 6), (4, 12)])
        add("random", "seeded random reconstruction, target and headers", ["random"], rand(b, nn, rng.integer(1, 127)),
            normal_header(rng, -12, 0), rand(b, nn, rng.integer(1, 127)), normal_header(rng, -12, 0))
    return c.specs


MSE_ERROR = KernelSuite(
    name="mse_error",
    zero_dims=((("y", 0), ("t", 0)),),
    null_args=5,
    payloads=("y", "t"),
    kernel="tt_mse_error",
    description="MSE error (spec 5.1): y and t rescaled to the coarser header (y's on a tie), "
    "e = requantise(y - t).",
    cfg=TINTIN,
    fn=_mse,
    outputs={"e": "int8", "h_e": "int8"},
    cases=mse_cases,
    seed=MSE_SEED,
)

ENTRIES: list[Entry] = [entry(k) for k in (SOFTMAX_XENT_ERROR, MSE_ERROR)]
