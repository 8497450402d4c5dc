"""Layer suites: relu_forward, relu_backward, dense_forward, dense_backward_error,
dense_gradient, update_tintin, update_niti (docs/spec.md 4.1 - 4.4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tintin.reference import layers as L
from tintin.reference.config import NITI, TINTIN, NumericsConfig
from tintin.reference.layers import QTensor, RoundingContext

from ._common import (
    INT32_MAX,
    INT32_MIN,
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
from .configs import POW2_WINDOW, WIDE_WINDOW, inputs_of

# --- ReLU (4.1, 4.2) ----------------------------------------------------------------------

RELU_SEED = 5101


def _relu_forward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": L.relu_forward(o, o.widen(x["acc"]))}


def _relu_backward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"e": L.relu_backward(o, o.widen(x["e"]), o.widen(x["y"]))}


def relu_forward_cases(level: str) -> list:
    c = CaseList("relu_forward")
    rng = StableRng(RELU_SEED)
    c.add("edges", "0, +-1, +-127, +-128, the int32 extremes: negatives (and 0) give 0",
          ["zero", "one", "int32-max", "int32-min", "qmax"],
          {"acc": i32([0, 1, -1, 127, -127, 128, -128, INT32_MAX, INT32_MIN, -INT32_MAX, 1 << 30, -(1 << 30)])})
    c.add("all-zero", "all-zero accumulator", ["all-zero"], {"acc": i32([0] * 16)})
    c.add("all-negative", "all negative: all 0", ["all-negative"],
          {"acc": i32([-rng.integer(1, INT32_MAX) for _ in range(16)])})
    for _ in range(n_random(level, 3, 40)):
        c.add("random", "seeded random accumulators (every bit width)", ["random"],
              {"acc": i32([rng.magnitude(INT32_MAX) for _ in range(64)])})
    return c.specs


def relu_backward_cases(level: str) -> list:
    c = CaseList("relu_backward")
    rng = StableRng(RELU_SEED + 1)
    ys, es = (0, 1, -1, 127, -127), (0, 1, -1, 127, -127)
    c.add("table", "every (e, y) of {0, +-1, +-127}^2: e passes only where y > 0", ["zero", "one", "qmax"],
          {"e": i8([e for e in es for _ in ys]), "y": i8([y for _ in es for y in ys])})
    c.add("all-zero-y", "stored activation all 0 (a dead layer): the error is blocked", ["all-zero"],
          {"e": i8([rng.integer(-127, 127) for _ in range(16)]), "y": i8([0] * 16)})
    for _ in range(n_random(level, 3, 40)):
        n = 64
        c.add("random", "seeded random errors and activations", ["random"],
              {"e": rng.ints(-127, 127, n, np.int8), "y": rng.ints(-127, 127, n, np.int8)})
    return c.specs


RELU_FORWARD = KernelSuite(
    name="relu_forward",
    null_args=2,
    kernel="tt_relu_forward",
    description="ReLU on the int32 accumulator before requantisation (spec 4.1): y = acc > 0 ? acc : 0.",
    cfg=TINTIN,
    fn=_relu_forward,
    outputs={"y": "int32"},
    cases=relu_forward_cases,
    seed=RELU_SEED,
    rows=("acc",),
)

RELU_BACKWARD = KernelSuite(
    name="relu_backward",
    null_args=3,
    kernel="tt_relu_backward",
    description="ReLU backward (spec 4.2): e passes where the stored int8 activation y > 0, else 0.",
    cfg=TINTIN,
    fn=_relu_backward,
    outputs={"e": "int8"},
    cases=relu_backward_cases,
    seed=RELU_SEED + 1,
    rows=("e", "y"),
)

# --- dense layer (4.1 - 4.3) ----------------------------------------------------------------

DENSE_SEED = 5202
# (h_a, h_b, what): products fold, cancel, S positive and negative (all in normal form).
HEADER_PAIRS: tuple[tuple[tuple[int, int, int], tuple[int, int, int], str], ...] = (
    ((-7, 0, 0), (-7, 0, 0), "plain"),
    ((-7, 2, 0), (-6, 2, 0), "fold-up"),
    ((3, 0, 2), (-9, 0, 1), "fold-down"),
    ((-7, 1, 0), (-7, 0, 1), "cancel"),
    ((5, 0, 0), (4, 1, 0), "s-positive"),
    ((-20, 0, 2), (-12, 2, 0), "cancel"),
)


def _q(t: QTensor) -> dict[str, Any]:
    return {"q": t.q, "h": tuple(t.h)}


def _dense_forward(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    xt = QTensor(x["x"], header_in(o, x["h_x"]))
    wt = QTensor(x["w"], header_in(o, x["h_w"]))
    t = L.dense_forward(o, xt, wt, bool(p["relu"]), cfg)
    return {"y": t.q, "h_y": tuple(t.h)}


def _dense_backward_error(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    t = L.dense_backward_error(o, QTensor(x["e"], header_in(o, x["h_e"])), QTensor(x["w"], header_in(o, x["h_w"])), cfg)
    return {"e_in": t.q, "h_e_in": tuple(t.h)}


def _dense_gradient(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    g, h = L.dense_gradient(o, QTensor(x["e"], header_in(o, x["h_e"])), QTensor(x["x"], header_in(o, x["h_x"])))
    return {"g": g, "h_g": tuple(h)}


def _payload(rng: StableRng, shape: Sequence[int], lo: int = -127, hi: int = 127) -> np.ndarray:
    return rng.ints(lo, hi, shape, np.int8)


def _full(shape: Sequence[int], v: int) -> np.ndarray:
    return i8(np.full(tuple(shape), v, dtype=np.int64))


# Few distinct shapes per suite (each one is a JAX compilation): an edge shape with every
# dimension different (catches transposed indexing), an MLP-sized one, and 1x1x1.
MLP_SHAPE = (8, 16, 12)


def dense_forward_cases(level: str) -> list:
    c = CaseList("dense_forward")
    rng = StableRng(DENSE_SEED)
    h7 = hdr(-7)
    b, i, o = 2, 3, 4  # edge shape: x [2, 3], w [4, 3]

    def add(edge: str, comment: str, flags: list[str], x: Any, hx: Any, w: Any, hw: Any, relu: int) -> None:
        c.add(edge, comment, [*flags, "relu" if relu else "no-relu"],
              {"x": i8(x), "h_x": hx, "w": i8(w), "h_w": hw}, {"relu": relu})

    for relu in (0, 1):
        add("zero-x", "all-zero input: output 0, header of the product", ["zero", "all-zero"],
            _full((b, i), 0), h7, _payload(rng, (o, i)), hdr(-6, 1, 0), relu)
        add("zero-w", "all-zero weights", ["zero", "all-zero"], _payload(rng, (b, i)), h7, _full((o, i), 0), h7, relu)
    x_pos = _payload(rng, (b, i), 1, 127)
    w_neg = _payload(rng, (o, i), -127, -1)
    add("relu-kills-all", "every accumulator negative: ReLU leaves all zeros", ["relu-kills-all", "all-zero"],
        x_pos, h7, w_neg, h7, 1)
    add("all-negative", "the same without ReLU: all negative outputs", ["all-negative"], x_pos, h7, w_neg, h7, 0)
    x_sat = [[127, 127, 1], [0, 0, 0]]
    add("saturate-high", "acc 255: requantise rounds 127.5 to 128, saturates to 127, window steps down",
        ["saturate-high", "down-step"], x_sat, h7, [[1, 1, 1], [0, 0, 0], [0, 1, 0], [1, 0, 0]], h7, 1)
    add("saturate-low", "acc -255: rounds to -128, saturates to -127", ["saturate-low", "down-step"],
        x_sat, h7, [[-1, -1, -1], [0, 1, 0], [0, 0, 0], [1, 0, 0]], h7, 0)
    mb, mi, mo = MLP_SHAPE
    signs = np.where(np.arange(mo)[:, None] % 2 == 0, 127, -127) * np.ones((mo, mi), dtype=np.int64)
    add("max-magnitude", f"x all 127, w all +-127, fan-in {mi}: acc +-{127 * 127 * mi}", ["max-magnitude", "qmax"],
        _full((mb, mi), 127), h7, signs, hdr(-8), 0)
    add("max-magnitude", "the same with x = -127 and ReLU", ["max-magnitude", "qmax"],
        _full((mb, mi), -127), h7, signs, hdr(-8), 1)
    add("window-left", "tiny accumulators (shift 0): the window shifts left and steps up",
        ["window-left", "no-shift"], _payload(rng, (b, i), -3, 3), h7, _payload(rng, (o, i), -2, 2), hdr(-5, 0, 1), 0)
    add("window-in", "accumulator max 81 (in [32, 112]): shift 0, the window leaves it", ["in-window", "no-shift"],
        [[9, -3, 2], [1, 1, 1]], h7, [[9, 0, 0], [1, 5, 3], [0, 0, 0], [2, 2, 2]], h7, 0)
    for hx, hw, what in HEADER_PAIRS:
        add("headers", f"header product {hx} x {hw} ({what})", ["header", what],
            _payload(rng, (b, i)), hdr(*hx), _payload(rng, (o, i)), hdr(*hw), 1)
    add("single", "B = I = O = 1", ["shape", "single-element"], [[-77]], h7, [[93]], hdr(-6), 0)
    add("mlp-shape", f"B={mb}, I={mi}, O={mo}", ["shape"], _payload(rng, (mb, mi)), h7, _payload(rng, (mo, mi)),
        hdr(-6), 1)
    for _ in range(n_random(level, 8, 150)):
        bb, ii, oo = rng.choice([(b, i, o), MLP_SHAPE])
        mx, mw = rng.integer(1, 127), rng.integer(1, 127)
        add("random", f"seeded random payloads (|x| <= {mx}, |w| <= {mw}) and headers", ["random"],
            _payload(rng, (bb, ii), -mx, mx), normal_header(rng, -20, 10), _payload(rng, (oo, ii), -mw, mw),
            normal_header(rng, -20, 10), rng.integer(0, 1))
    # Odd batches and outputs (its own seed, so the cases above keep theirs): the last row and the
    # last output of the 2x2 blocks are computed alone, and the blocks must not touch past them.
    odd = StableRng(DENSE_SEED + 7)
    # (2, 263, 3): n_in past one 256-input chunk of the M4's packed 2x2 dot (TT_PACK_K in tt_dot.h)
    for bb, ii, oo in ((3, 5, 5), (2, 7, 3), (5, 3, 1), (1, 4, 3), (2, 263, 3)):
        for relu in (0, 1):
            add("odd-edges", f"B={bb}, I={ii}, O={oo}: odd edges of the 2x2 blocks", ["shape", "odd-edge"],
                _payload(odd, (bb, ii)), h7, _payload(odd, (oo, ii)), hdr(-6), relu)
    # The window without fine steps (a config of the case's own, configs.py): a right shift above
    # the window, left shifts only below it. Its own seed, so the cases above keep theirs.
    pw = StableRng(DENSE_SEED + 8)
    w_sat = [[1, 1, 1], [0, 0, 0], [0, 1, 0], [1, 0, 0]]
    pow2: list[tuple[str, str, Any, Any, Any, Any]] = [
        ("right", "acc 255 saturates to 127: above the window, one right shift", x_sat, h7, w_sat, h7),
        ("right", "acc -255 saturates to -127: one right shift", x_sat, h7, [[-1, -1, -1], [0, 1, 0], [0, 0, 0],
                                                                            [1, 0, 0]], h7),
        ("left", "tiny accumulators: left shifts into the window, no up step",
         _payload(pw, (b, i), -3, 3), h7, _payload(pw, (o, i), -2, 2), hdr(-5, 0, 1)),
        ("in", "accumulator max 81: inside the window, left as it is", [[9, -3, 2], [1, 1, 1]], h7,
         [[9, 0, 0], [1, 5, 3], [0, 0, 0], [2, 2, 2]], h7),
        ("left", "accumulator max 19: exactly one left shift, nothing else", [[4, -1, 2], [1, 1, 1]], h7,
         [[5, 1, 0], [1, 2, 3], [0, 0, 0], [2, 2, 2]], h7),
        ("mlp", f"B={mb}, I={mi}, O={mo}, random payloads", _payload(pw, (mb, mi)), h7, _payload(pw, (mo, mi)),
         hdr(-6)),
    ]
    for what, comment, x, hx, w, hw in pow2:
        for relu in (0, 1):
            c.add(f"pow2-window-{what}", f"window without fine steps: {comment}",
                  ["config", "no-fine-steps", f"window-{what}", "relu" if relu else "no-relu"],
                  {"x": i8(x), "h_x": hx, "w": i8(w), "h_w": hw, **inputs_of(POW2_WINDOW)}, {"relu": relu})
    for relu in (0, 1):  # the plan must see the saturated maximum (127, in the window), not 128
        c.add("wide-window-saturate", "window_high = 127: acc 255 requantises to 127.5, rounds to 128 and "
              "saturates to 127, inside the window (no down step)", ["config", "saturate-high", "in-window",
                                                                    "relu" if relu else "no-relu"],
              {"x": i8(x_sat), "h_x": h7, "w": i8(w_sat), "h_w": h7, **inputs_of(WIDE_WINDOW)}, {"relu": relu})
    return c.specs


def dense_backward_error_cases(level: str) -> list:
    c = CaseList("dense_backward_error")
    rng = StableRng(DENSE_SEED + 1)
    h7 = hdr(-7)
    b, o, i = 2, 4, 3  # edge shape: e [2, 4], w [4, 3]

    def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, w: Any, hw: Any) -> None:
        c.add(edge, comment, flags, {"e": i8(e), "h_e": he, "w": i8(w), "h_w": hw})

    add("zero-e", "all-zero error", ["zero", "all-zero"], _full((b, o), 0), h7, _payload(rng, (o, i)), h7)
    add("zero-w", "all-zero weights", ["zero", "all-zero"], _payload(rng, (b, o)), h7, _full((o, i), 0), h7)
    w_sat = [[1, 2, 0], [1, 0, 0], [1, -1, 0], [0, 0, 0]]
    add("saturate-high", "e W = 255: rounds to 128, saturates to 127", ["saturate-high"],
        [[127, 127, 1, 0], [0, 0, 0, 0]], h7, w_sat, hdr(-6))
    add("saturate-low", "e W = -255: rounds to -128, saturates to -127", ["saturate-low"],
        [[-127, -127, -1, 0], [0, 0, 0, 1]], h7, w_sat, hdr(-6))
    mb, mo, mi = MLP_SHAPE[0], MLP_SHAPE[2], MLP_SHAPE[1]
    add("max-magnitude", f"e all 127, W all -127, fan-in {mo}: acc {-127 * 127 * mo}", ["max-magnitude", "qmax"],
        _full((mb, mo), 127), h7, _full((mo, mi), -127), h7)
    add("no-shift", "small products (shift 0): no window, the payload keeps its size", ["no-shift"],
        _payload(rng, (b, o), -2, 2), h7, _payload(rng, (o, i), -3, 3), h7)
    for he, hw, what in HEADER_PAIRS:
        add("headers", f"header product {he} x {hw} ({what})", ["header", what],
            _payload(rng, (b, o)), hdr(*he), _payload(rng, (o, i)), hdr(*hw))
    add("single", "B = O = I = 1", ["shape", "single-element"], [[-101]], h7, [[-99]], hdr(-6))
    add("mlp-shape", f"B={mb}, O={mo}, I={mi}", ["shape"], _payload(rng, (mb, mo)), h7, _payload(rng, (mo, mi)),
        hdr(-6))
    for _ in range(n_random(level, 8, 150)):
        bb, oo, ii = rng.choice([(b, o, i), (mb, mo, mi)])
        me = rng.integer(1, 127)
        add("random", f"seeded random errors (|e| <= {me}), weights and headers", ["random"],
            _payload(rng, (bb, oo), -me, me), normal_header(rng, -20, 10), _payload(rng, (oo, ii)),
            normal_header(rng, -20, 10))
    # B * I = 3 (mod 4): the requantiser's 4-at-a-time maximum ends one short (its own seed)
    odd = StableRng(DENSE_SEED + 9)
    # (130, 3, 5): past the DSP build's 128-row chunks (TT_BE_ROWS), an odd n_out and an input tail
    for bb, oo, ii in ((1, 4, 3), (3, 2, 5), (5, 3, 7), (130, 3, 5)):
        add("odd-count", f"B={bb}, O={oo}, I={ii}: {bb * ii} outputs, 3 past a multiple of 4", ["shape", "odd-count"],
            _payload(odd, (bb, oo)), h7, _payload(odd, (oo, ii)), hdr(-6))
    return c.specs


def dense_gradient_cases(level: str) -> list:
    c = CaseList("dense_gradient")
    rng = StableRng(DENSE_SEED + 2)
    h7 = hdr(-7)
    b, o, i = 4, 3, 5  # edge shape: e [4, 3], x [4, 5]

    def add(edge: str, comment: str, flags: list[str], e: Any, he: Any, x: Any, hx: Any) -> None:
        c.add(edge, comment, flags, {"e": i8(e), "h_e": he, "x": i8(x), "h_x": hx})

    add("zero-e", "all-zero error: zero gradient", ["zero", "all-zero"],
        _full((b, o), 0), h7, _payload(rng, (b, i)), h7)
    add("zero-x", "all-zero input: zero gradient", ["zero", "all-zero"],
        _payload(rng, (b, o)), h7, _full((b, i), 0), h7)
    mb, mo, mi = MLP_SHAPE[0], MLP_SHAPE[2], MLP_SHAPE[1]
    e_sign = np.where(np.arange(mo) % 2 == 0, 127, -127) * np.ones((mb, mo), dtype=np.int64)
    add("max-magnitude", f"batch {mb} of +-127 x 127: entries +-{127 * 127 * mb}", ["max-magnitude", "qmax"],
        e_sign, h7, _full((mb, mi), 127), h7)
    add("batch-1", "one sample: the outer product", ["batch-1"], _payload(rng, (1, o)), h7, _payload(rng, (1, i)), h7)
    for he, hx, what in HEADER_PAIRS:
        add("headers", f"header sum {he} + {hx} ({what})", ["header", what],
            _payload(rng, (b, o)), hdr(*he), _payload(rng, (b, i)), hdr(*hx))
    add("single", "B = O = I = 1", ["shape", "single-element"], [[-127]], h7, [[127]], hdr(-6))
    add("mlp-shape", f"B={mb}, O={mo}, I={mi}", ["shape"], _payload(rng, (mb, mo)), h7, _payload(rng, (mb, mi)), h7)
    # The DSP build packs x when (n_in + 3) / 4 * pairs * 2 <= 512 words (pairs = (B + 3) / 4 * 2, at
    # most 64): B = 8 with n_in 256 (512 words, packed) and 257 (520, not), B = 130 (66 pairs, not),
    # and input tails. Their own seed, so the cases above keep theirs.
    pk = StableRng(DENSE_SEED + 10)
    for bb, oo, ii in ((8, 2, 256), (8, 2, 257), (9, 1, 253), (130, 1, 3), (128, 1, 5), (5, 3, 7)):
        add("pack-edge", f"B={bb}, O={oo}, I={ii}: edges of the DSP build's packed inputs", ["shape", "pack-edge"],
            _payload(pk, (bb, oo)), h7, _payload(pk, (bb, ii)), h7)
    for _ in range(n_random(level, 8, 150)):
        bb, oo, ii = rng.choice([(b, o, i), (mb, mo, mi)])
        add("random", "seeded random errors, inputs and headers", ["random"],
            _payload(rng, (bb, oo)), normal_header(rng, -20, 10), _payload(rng, (bb, ii)), normal_header(rng, -20, 10))
    return c.specs


DENSE_FORWARD = KernelSuite(
    name="dense_forward",
    headers=("h_x", "h_w"),
    zero_dims=((("x", 0),), (("w", 0),), (("x", 1), ("w", 1))),
    null_args=6,
    payloads=("x", "w"),
    kernel="tt_dense_forward",
    description="Dense forward (spec 4.1): acc = x W^T (int32), ReLU on acc if param relu = 1, header "
    "header_mul(h_x, h_w), requantise, window (tintin), store int8.",
    cfg=TINTIN,
    fn=_dense_forward,
    outputs={"y": "int8", "h_y": "int8"},
    cases=dense_forward_cases,
    seed=DENSE_SEED,
)

DENSE_BACKWARD_ERROR = KernelSuite(
    name="dense_backward_error",
    zero_dims=((("e", 0),), (("e", 1), ("w", 0)), (("w", 1),)),
    null_args=6,
    payloads=("e", "w"),
    kernel="tt_dense_backward_error",
    description="Backward error (spec 4.2): e_in = e W (int32) with the pre-update W, header "
    "header_mul(h_e, h_w), requantise; no window.",
    cfg=TINTIN,
    fn=_dense_backward_error,
    outputs={"e_in": "int8", "h_e_in": "int8"},
    cases=dense_backward_error_cases,
    seed=DENSE_SEED + 1,
)

DENSE_GRADIENT = KernelSuite(
    name="dense_gradient",
    zero_dims=((("e", 0), ("x", 0)), (("e", 1),), (("x", 1),)),
    null_args=4,
    payloads=("e", "x"),
    kernel="tt_dense_gradient",
    description="Batch gradient (spec 4.3): g = e^T x summed over the batch in int32, header "
    "header_mul(h_e, h_x).",
    cfg=TINTIN,
    fn=_dense_gradient,
    outputs={"g": "int32", "h_g": "int8"},
    cases=dense_gradient_cases,
    seed=DENSE_SEED + 2,
)

# --- weight update (4.4) --------------------------------------------------------------------


def _update(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    ctx = RoundingContext(x["seed"], x["step"], p["tensor_id"])  # traced under JAX: one compilation
    w = QTensor(x["w"], header_in(o, x["h_w"]))
    t = L.update_weights(o, w, o.widen(x["g"]), header_in(o, x["h_g"]), cfg, ctx)
    return {"w": t.q, "h_w": tuple(t.h)}


# Edges of the aligned (tintin) rule that mean nothing to the NITI rule.
ALIGNED_ONLY_FLAGS = {"cap", "left-shift", "window-left", "fine-steps", "downs-1", "downs-2", "wide-shift", "pre-shift"}


def rng_free_gradient(rng: StableRng) -> np.ndarray:
    """A small gradient (|g| < 2^10, far finer than W) that moves W by a unit at most."""
    return rng.magnitudes(1 << 10, (3, 4))


def update_cases(suite: str, seed: int, cfg: NumericsConfig) -> Any:
    """One table for both update rules; for NITI the comments and flags say what NITI does."""

    def cases(level: str) -> list:
        c = CaseList(suite)
        rng = StableRng(seed)
        h7 = hdr(-7)

        def add(edge: str, comment: str, flags: list[str], w: Any, hw: Any, g: Any, hg: Any,
                step_seed: tuple[int, int] = (1234, 5), tensor_id: int = 0) -> None:
            inputs = {"w": w, "h_w": hw, "g": g, "h_g": hg, "seed": i32(step_seed[0]), "step": i32(step_seed[1])}
            if cfg.update_rule == "niti":
                cut = max(0, int(np.max(np.abs(g.astype(np.int64)), initial=0)).bit_length() - cfg.niti_mu)
                comment = f"{comment} [aligned-rule edge; NITI cuts G by {cut} bits, W's header stays]"
                flags = [f for f in flags if f not in ALIGNED_ONLY_FLAGS] + ["niti-cut" if cut else "niti-no-cut"]
            c.add(edge, comment, flags, inputs, {"tensor_id": tensor_id})

        w_full = _payload(rng, (3, 4), -99, 99)
        w_full[0, 0] = 100  # max|W| in the window: the window leaves W alone, only the update shows
        add("zero-gradient", "G = 0: the update is 0 (the window may still act)", ["zero", "zero-gradient"],
            w_full, h7, i32(np.zeros((3, 4), dtype=np.int64)), hdr(-14))
        add("small-gradient", "typical: G much finer than W; stochastic rounding of sub-unit updates",
            ["stochastic"], w_full, h7, rng.magnitudes(1 << 14, (3, 4)), hdr(-14))
        add("cap", "G coarse: the update is capped at bitwidth(max|W|) - 2 bits", ["cap"],
            w_full, h7, rng.magnitudes(1 << 20, (3, 4)), h7)
        w_sat = i8([[127, 120, -5, 60], [100, -127, -120, 3], [0, 1, -1, 110]])
        g_hi = i32([[-(1 << 20), -(1 << 20), 3, 100], [-(1 << 19), 7, 0, -5], [0, 0, 0, -(1 << 20)]])
        add("saturate-high", "W - G past +127 saturates to 127", ["saturate-high", "cap"], w_sat, h7, g_hi, h7)
        add("saturate-low", "W - G past -127 saturates to -127", ["saturate-low", "cap"],
            i8(-w_sat.astype(np.int64)), h7,
            i32(-g_hi.astype(np.int64)), h7)
        add("pre-shift", "|G| up to INT32_MAX: pre-shift by 9 before the fine steps", ["pre-shift", "max-magnitude",
            "int32-max"], w_full, h7, i32([[INT32_MAX, -INT32_MAX, 1 << 30, 0], [5, -5, 1 << 25, -(1 << 22)],
                                          [rng.magnitude(INT32_MAX) for _ in range(4)]]), hdr(-20))
        add("left-shift", "G coarser than W, tiny values: the aligned update is shifted left", ["left-shift"],
            w_full, h7, rng.ints(-3, 3, (3, 4)), hdr(5))
        add("fine-align-1", "fine parts differ by one third: one down step", ["fine-steps", "downs-1"],
            w_full, hdr(-7, 1, 0), rng.magnitudes(1 << 16, (3, 4)), hdr(-14, 0, 1))
        add("fine-align-2", "fine parts differ by two thirds: two down steps", ["fine-steps", "downs-2"],
            w_full, hdr(-7, 0, 0), rng.magnitudes(1 << 16, (3, 4)), hdr(-15, 2, 0))
        add("wide-shift", "G far finer than W: final shift >= 32 gives 0", ["wide-shift"],
            w_full, h7, rng.magnitudes(1 << 10, (3, 4)), hdr(-60))
        add("zero-weights", "W = 0: cap 1 bit, then the window shifts the tiny weights up",
            ["zero-weights", "window-left"], _full((3, 4), 0), hdr(-10), rng.magnitudes(1 << 18, (3, 4)), hdr(-12))
        add("window-left", "small W (max 20): after the update the window shifts left and steps up",
            ["window-left"], _payload(rng, (3, 4), -20, 20), hdr(-9, 0, 1), rng.magnitudes(1 << 12, (3, 4)), hdr(-18))
        g_ctx = rng.magnitudes(1 << 15, (3, 4))
        for (sd, st), tid in (((0, 0), 0), ((-1, INT32_MAX), 1), ((INT32_MIN, -1), 2), ((77, 1 << 20), 7)):
            add("hash-inputs", f"seed {sd}, step {st}, tensor_id {tid}: other rounding bits", ["hash-inputs",
                "stochastic"], w_full, h7, g_ctx, hdr(-14), (sd, st), tid)
        for o_, i_ in ((1, 1), (12, 16)):
            add("shape", f"O={o_}, I={i_}", ["shape"] + (["single-element"] if o_ * i_ == 1 else []),
                _payload(rng, (o_, i_)), hdr(-6), rng.magnitudes(1 << 17, (o_, i_)), hdr(-15, 1, 0), (3, 9), 1)
        for _ in range(n_random(level, 8, 150)):
            o_, i_ = rng.choice([(3, 4), (12, 16)])
            mw = rng.integer(1, 127)
            add("random", f"seeded random weights (|w| <= {mw}), gradient and headers", ["random"],
                _payload(rng, (o_, i_), -mw, mw), normal_header(rng, -12, -2), rng.magnitudes(INT32_MAX, (o_, i_)),
                normal_header(rng, -40, 0), (rng.integer(INT32_MIN, INT32_MAX), rng.integer(0, 1 << 20)),
                rng.integer(0, 3))
        edge = StableRng(seed + 2)  # own stream: the cases above stay as they were
        g_big = edge.magnitudes(INT32_MAX, (3, 4))
        g_big[1, 2] = INT32_MAX  # pre-shift 9: the aligned gradient has 22 bits
        for s_g, right in ((-39, 31), (-40, 32), (-41, 33)):
            add("final-shift-edge", f"h_g S = {s_g}: final shift {right}, at the edge of the 32-bit stochastic shift",
                ["wide-shift", "stochastic"], w_full, h7, g_big, hdr(s_g))
        g_pre1 = edge.magnitudes((1 << 23) - 1, (3, 4))
        g_pre1[0, 3] = -((1 << 23) - 1)  # bit width grad_pre_bits + 1: a pre-shift of exactly 1
        add("pre-shift-1", "max|G| of 23 bits: pre-shift by exactly 1", ["pre-shift"], w_full, h7, g_pre1, hdr(-14))
        nearest = cfg.replace(name=f"{cfg.name}-nearest", grad_rounding="nearest")
        for g_n, hg_n in ((edge.magnitudes(1 << 14, (3, 4)), hdr(-14)), (g_big, hdr(-24))):
            c.add("nearest-gradient", "gradient rounded to nearest, not stochastically (a config of the case's own)",
                  ["config", "nearest"], {"w": w_full, "h_w": h7, "g": g_n, "h_g": hg_n, "seed": i32(1234),
                                          "step": i32(5), **inputs_of(nearest)}, {"tensor_id": 0})
        if cfg.update_rule == "aligned":  # the window without fine steps on the updated weights (configs.py)
            pw = StableRng(seed + 1)
            for what, w_pw, comment in (
                ("left", _payload(pw, (3, 4), -20, 20), "small W (max <= 20): left shifts only, no up step"),
                ("left", i8([[20, -17, 3, 0], [5, 9, -1, 2], [0, 0, 1, -8]]), "max|W| 20 -> 17..20: one left shift"),
                ("right", _full((3, 4), 120), "W 120: above the window, one right shift"),
            ):
                c.add(f"pow2-window-{what}", f"window without fine steps: {comment}",
                      ["config", "no-fine-steps", f"window-{what}"],
                      {"w": w_pw, "h_w": h7, "g": rng_free_gradient(pw), "h_g": hdr(-18), "seed": i32(1234),
                       "step": i32(5), **inputs_of(POW2_WINDOW)}, {"tensor_id": 0})
        return c.specs

    return cases


UPDATE_TINTIN = KernelSuite(
    name="update_tintin",
    zero_dims=((("w", 0), ("g", 0)),),
    null_args=4,
    payloads=("w",),
    kernel="tt_update_dense",
    description="Gradient-aligned weight update (spec 4.4, config tintin): pre-shift to 22 bits, "
    "align to W's header times 2^-8 with down steps, cap at bitwidth(max|W|) - 2 bits, stochastic "
    "rounding with counter_hash(seed, step, tensor_id, index), W = sat(W - G3), window. Domain: "
    "|g| <= 2^31 - 1.",
    cfg=TINTIN,
    fn=_update,
    outputs={"w": "int8", "h_w": "int8"},
    cases=update_cases("update_tintin", 5303, TINTIN),
    seed=5303,
    traced_params=("tensor_id",),
)

UPDATE_NITI = KernelSuite(
    name="update_niti",
    zero_dims=((("w", 0), ("g", 0)),),
    null_args=4,
    payloads=("w",),
    kernel="tt_update_dense",
    description="NITI weight update (spec 4.4, config niti): s = max(0, bitwidth(max|G|) - 5), "
    "G3 = stochastic round(G / 2^s) with counter_hash(seed, step, tensor_id, index), "
    "W = sat(W - G3); the header never changes. Domain: |g| <= 2^31 - 1.",
    cfg=NITI,
    fn=_update,
    outputs={"w": "int8", "h_w": "int8"},
    cases=update_cases("update_niti", 5404, NITI),
    seed=5404,
    traced_params=("tensor_id",),
)

ENTRIES: list[Entry] = [
    entry(k)
    for k in (
        RELU_FORWARD, RELU_BACKWARD, DENSE_FORWARD, DENSE_BACKWARD_ERROR, DENSE_GRADIENT, UPDATE_TINTIN, UPDATE_NITI
    )
]
