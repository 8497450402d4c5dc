"""Header and whole-tensor rule suites: normalize_header, requantise, window,
rescale_to_coarser (docs/spec.md 2.3, 3.5, 3.6, 3.7)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tintin.reference import layers as L
from tintin.reference import rules as R
from tintin.reference.config import TINTIN, NumericsConfig
from tintin.reference.layers import QTensor
from tintin.reference.rules import Header

from ._common import (
    DOWN_DOMAIN,
    FINE_PARTS,
    INT32_MAX,
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
    thirds,
)
from .configs import PAYLOAD16, POW2_WINDOW, inputs_of

# --- normalize_header (2.3) -----------------------------------------------------------------

NORM_SEED = 4101


def _normalize(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    h = x["h"]
    return {"h": tuple(R.normalize(o, Header(o.widen(h[:, 0]), o.widen(h[:, 1]), o.widen(h[:, 2]))))}


def _normalized(s: int, u: int, d: int) -> tuple[int, int, int]:
    c = min(u, d)
    u, d = u - c, d - c
    if u >= 3:
        u, s = u - 3, s - 1
    if d >= 3:
        d, s = d - 3, s + 1
    return s, u, d


def normalize_header_cases(level: str) -> list:
    c = CaseList("normalize_header")
    every_ud = [(u, d) for u in range(6) for d in range(6)]
    for edge, s, flags in (("every-ud", 0, ["exhaustive-ud"]), ("s-positive", 37, ["exhaustive-ud", "s-positive"]),
                           ("s-negative", -41, ["exhaustive-ud", "s-negative"])):
        c.add(edge, f"every (U, D) in [0, 5]^2 with S = {s}: cancel pairs, then fold three steps into S",
              [*flags, "fold", "cancel"], {"h": i8([[s, u, d] for u, d in every_ud])})
    ext = []
    for s in (-128, -127, 126, 127):
        for u, d in every_ud:
            if -128 <= _normalized(s, u, d)[0] <= 127:
                ext.append([s, u, d])
    c.add("s-extreme", "S at the int8 ends: every (U, D) whose folded S still fits int8 (e.g. -127 -> -128)",
          ["s-extreme", "fold"], {"h": i8(ext)})
    c.add("normal", "headers already in normal form are unchanged", ["normal-form"],
          {"h": i8([[s, u, d] for s in (-7, 0, 3) for u, d in FINE_PARTS])})
    rng = StableRng(NORM_SEED)
    for _ in range(n_random(level, 2, 32)):
        c.add("random", "seeded random S in [-120, 120], U and D in [0, 5]", ["random"],
              {"h": i8([[rng.integer(-120, 120), rng.integer(0, 5), rng.integer(0, 5)] for _ in range(48)])})
    return c.specs


NORMALIZE_HEADER = KernelSuite(
    name="normalize_header",
    null_args=2,
    kernel="tt_normalize_header",
    description="Header normal form (spec 2.3): cancel min(U, D), then fold U >= 3 (S -= 1) and "
    "D >= 3 (S += 1). Rows (S, U, D) with U, D in [0, 5]; the folded S fits int8.",
    cfg=TINTIN,
    fn=_normalize,
    outputs={"h": "int8"},
    cases=normalize_header_cases,
    seed=NORM_SEED,
    rows=("h",),
)

# --- requantise (3.5) -----------------------------------------------------------------------

REQ_SEED = 4202
# Headers in normal form with U/D non-zero and S of both signs; S <= 103 so S + shift
# (at most 24 for |acc| <= 2^31 - 1) fits int8.
EDGE_SHAPE = (2, 4)  # few distinct shapes: each one is a JAX compilation
REQ_HEADERS = ((0, 0, 0), (-7, 0, 0), (-14, 1, 0), (5, 0, 1), (-30, 2, 0), (20, 0, 2), (-128, 0, 0), (103, 1, 0))


def _requantise(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    t = L.store(o, L.requantise(o, o.widen(x["acc"]), header_in(o, x["h"]), cfg), cfg)
    return {"q": t.q, "h": tuple(t.h)}


def _with_max(rng: StableRng, shape: tuple[int, int], max_abs: int, negative: bool) -> np.ndarray:
    """Random values of |v| <= max_abs with one element exactly +-max_abs."""
    a = [rng.magnitude(max_abs) for _ in range(shape[0] * shape[1])]
    a[rng.integer(0, len(a) - 1)] = -max_abs if negative else max_abs
    return i32(a).reshape(shape)


def requantise_cases(level: str) -> list:
    c = CaseList("requantise")
    rng = StableRng(REQ_SEED)
    c.add("all-zero", "all-zero accumulator: shift 0, payload 0, header unchanged", ["zero", "all-zero"],
          {"acc": i32(np.zeros(EDGE_SHAPE, dtype=np.int64)), "h": hdr(-7, 1, 0)})
    for k in range(1, 32):
        h = REQ_HEADERS[k % len(REQ_HEADERS)]
        c.add(f"width-{k:02d}-max", f"max|acc| = 2^{k} - 1 (bit width {k}, largest of its width)",
              ["bitwidth-boundary", "pow2-minus-1"] + (["max-magnitude"] if k == 31 else []),
              {"acc": _with_max(rng, EDGE_SHAPE, (1 << k) - 1, k % 2 == 1), "h": hdr(*h)})
        if k <= 30:
            c.add(f"width-{k + 1:02d}-min", f"max|acc| = 2^{k} (bit width {k + 1}, smallest of its width)",
                  ["bitwidth-boundary", "power-of-two"],
                  {"acc": _with_max(rng, EDGE_SHAPE, 1 << k, k % 2 == 0), "h": hdr(*h)})
    c.add("one", "max|acc| = 1: no shift", ["one"], {"acc": i32([[1, 0, -1, 0], [0, 1, 0, -1]]), "h": hdr(3, 0, 2)})
    c.add("no-shift", "max|acc| <= 127: shift 0, the payload is the accumulator", ["no-shift", "qmax"],
          {"acc": i32([[127, -127, 0, 1], [5, -64, 100, -1]]), "h": hdr(-9, 2, 0)})
    c.add("saturate-high", "max acc 255: shift 1, 127.5 rounds to 128, saturates to 127", ["saturate-high"],
          {"acc": i32([[255, 3, -2, 253], [0, 1, 254, -255 + 1]]), "h": hdr(-7)})
    c.add("saturate-low", "min acc -255: -127.5 rounds away to -128, saturates to -127", ["saturate-low"],
          {"acc": i32([[-255, 3, -2, -253], [0, 1, -254, 254]]), "h": hdr(12, 0, 1)})
    for s in (1, 8, 17, 24):
        tie = 255 << (s - 1)
        c.add("saturate-both", f"+-255 * 2^{s - 1} (shift {s}) rounds to +-128 and saturates; one less stays 127",
              ["saturate-high", "saturate-low", "tie"],
              {"acc": i32([[tie, -tie, tie - 1, 0], [-(tie - 1), 0, 1 << (s - 1), -(1 << (s - 1))]]),
               "h": hdr(-20 + s, 1, 0)})
    for s in (1, 5, 13, 24):
        m = (1 << (s + 7)) - 1  # shift s
        ties = [(2 * k + 1) << (s - 1) for k in (0, 1, 60)]
        c.add("ties", f"exact halves at shift {s} round away from zero, both signs", ["tie"],
              {"acc": i32([[m, *ties], [-m, *(-t for t in ties)]]), "h": hdr(-3, 0, 2)})
    c.add("int32-max", "+-INT32_MAX: bit width 31, shift 24", ["int32-max", "max-magnitude"],
          {"acc": i32([[INT32_MAX, -INT32_MAX, 1, -1], [1 << 30, -(1 << 30), 0, INT32_MAX - 1]]), "h": hdr(-40, 0, 1)})
    c.add("batch-1", "one row", ["batch-1"], {"acc": _with_max(rng, (1, 8), 70000, True), "h": hdr(-9)})
    c.add("single", "a 1x1 tensor", ["single-element"], {"acc": i32([[-1000]]), "h": hdr(0, 2, 0)})
    # n = 15: the max-abs scan's groups of four end at 12 and three are left to its tail (a group
    # bound one short reads one past acc); the largest magnitude is the tail's last element.
    tail = _with_max(StableRng(REQ_SEED + 1), (3, 5), 900, False)  # own stream: the random cases stay
    tail[2, 4] = -50000
    c.add("scan-tail", "15 elements, the largest in the last one: the scan's tail sets the shift",
          ["tail", "bitwidth-boundary"], {"acc": tail, "h": hdr(-9, 1, 0)})
    for _ in range(n_random(level, 8, 200)):
        shape = rng.choice([EDGE_SHAPE, (8, 10)])
        width = rng.integer(0, 31)
        a = rng.magnitudes((1 << width) - 1, shape)
        c.add("random", f"seeded random accumulator of bit width <= {width}", ["random"],
              {"acc": a, "h": normal_header(rng, -60, 60)})
    return c.specs


REQUANTISE = KernelSuite(
    name="requantise",
    zero_dims=((("acc", 0),),),
    null_args=4,
    kernel="tt_requantise",
    description="Requantisation (spec 3.5): shift = max(0, bitwidth(max|acc|) - 7), "
    "q = saturate(rshift_round(acc, shift), 127), header (S + shift, U, D). "
    "Domain: |acc| <= 2^31 - 1 (INT32_MIN is outside: its magnitude does not fit int32).",
    cfg=TINTIN,
    fn=_requantise,
    outputs={"q": "int8", "h": "int8"},
    cases=requantise_cases,
    seed=REQ_SEED,
)

# --- window (3.6) ---------------------------------------------------------------------------

WIN_SEED = 4303
WIN_HEADERS = ((-7, 0, 0), (0, 0, 0), (12, 1, 0), (-20, 0, 1), (5, 2, 0), (-9, 0, 2), (100, 0, 0), (-100, 1, 0))


def _window(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    t = L.store(o, L.window(o, QTensor(o.widen(x["q"]), header_in(o, x["h"])), cfg), cfg)
    return {"q": t.q, "h": tuple(t.h)}


def _payload_with_max(rng: StableRng, shape: tuple[int, int], m: int, negative: bool) -> np.ndarray:
    a = [rng.integer(-m, m) for _ in range(shape[0] * shape[1])]
    a[rng.integer(0, len(a) - 1)] = -m if negative else m
    return i8(a).reshape(shape)


def _window_flags(m: int, cfg: NumericsConfig) -> list[str]:
    if m == 0:
        flags = ["zero", "all-zero"]
    elif m < cfg.window_low:
        flags = ["below-window", "shift-left", "up-step"]
    elif m <= cfg.window_high:
        flags = ["in-window"]
    else:
        flags = ["above-window", "down-step"]
    if m in (1, cfg.window_low - 1, cfg.window_low, cfg.window_high, cfg.window_high + 1, cfg.qmax):
        flags.append("window-boundary")
    return flags


def window_cases(level: str) -> list:
    c = CaseList("window")
    rng = StableRng(WIN_SEED)
    cfg = TINTIN
    for m in range(cfg.qmax + 1):
        h = WIN_HEADERS[m % len(WIN_HEADERS)]
        sign = "neg" if m % 2 else "pos"
        c.add(f"max-{m:03d}", f"max|q| = {m} ({'negative' if m % 2 else 'positive'} extreme), header {h}",
              _window_flags(m, cfg), {"q": _payload_with_max(rng, (2, 3), m, sign == "neg"), "h": hdr(*h)})
    c.add("fold-up", "U = 2 plus the up step folds to S - 1", ["fold", "up-step", "below-window"],
          {"q": _payload_with_max(rng, (2, 3), 9, False), "h": hdr(-7, 2, 0)})
    c.add("fold-down", "D = 2 plus the down step folds to S + 1", ["fold", "down-step", "above-window"],
          {"q": _payload_with_max(rng, (2, 3), 120, True), "h": hdr(-7, 0, 2)})
    c.add("cancel-up", "D = 1 and the up step cancel", ["cancel", "up-step", "below-window"],
          {"q": _payload_with_max(rng, (2, 3), 20, True), "h": hdr(3, 0, 1)})
    c.add("cancel-down", "U = 1 and the down step cancel", ["cancel", "down-step", "above-window"],
          {"q": _payload_with_max(rng, (2, 3), 127, False), "h": hdr(3, 1, 0)})
    c.add("qmax-both", "both +127 and -127 present: one down step, symmetric", ["qmax", "above-window"],
          {"q": i8([[127, -127, 0], [1, -1, 64]]), "h": hdr(-7)})
    # A 16-bit configuration: -128 is a payload like any other (the kernel's 4-byte scan for it
    # runs only for qmax = 127); the window steps it down.
    c.add("payload16-128", "payload_bits = 16: q holds -128 (legal), max|q| 128 is above the window",
          ["config", "payload-16", "above-window"],
          {"q": i8([[-128, 5, 7, -3], [100, 0, -128, 1]]), "h": hdr(-7), **inputs_of(PAYLOAD16)})
    # The window without fine steps (a config of the case's own, configs.py): left shifts only
    # below the window, one right shift above it. Its own seed, so the cases around keep theirs.
    pw = StableRng(WIN_SEED + 1)
    for m in (0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 100, 111, 112, 113, 120, 127):
        h = WIN_HEADERS[m % len(WIN_HEADERS)]
        c.add(f"pow2-window-{m:03d}", f"window without fine steps, max|q| = {m}, header {h}",
              ["config", "no-fine-steps", *_window_flags(m, POW2_WINDOW)[:1]],
              {"q": _payload_with_max(pw, (2, 3), m, m % 2 == 1), "h": hdr(*h), **inputs_of(POW2_WINDOW)})
    for _ in range(n_random(level, 8, 200)):
        shape = rng.choice([(2, 3), (1, 10), (8, 16)])
        m = rng.integer(0, cfg.qmax)
        c.add("random", f"seeded random payload with max|q| = {m}", ["random", *_window_flags(m, cfg)[:1]],
              {"q": _payload_with_max(rng, shape, m, bool(rng.integer(0, 1))), "h": normal_header(rng, -100, 100)})
    return c.specs


WINDOW = KernelSuite(
    name="window",
    headers=("h",),
    zero_dims=((("q", 0),),),
    null_args=3,
    payloads=("q",),
    kernel="tt_window",
    description="Dynamic-range window (spec 3.6, config tintin): from m = max|q|, left shifts "
    "into [32, 64) and one up step if it stays <= 112; one down step if m > 112; then normalise.",
    cfg=TINTIN,
    fn=_window,
    outputs={"q": "int8", "h": "int8"},
    cases=window_cases,
    seed=WIN_SEED,
)

# --- rescale_to_coarser (3.7) -------------------------------------------------------------

RESCALE_SEED = 4404


def _rescale(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": R.rescale_to_coarser(o, o.widen(x["x"]), header_in(o, x["h_from"]), header_in(o, x["h_to"]), cfg)}


def _rescale_x(rng: StableRng) -> np.ndarray:
    fixed = [0, 1, -1, 2, -2, 3, -3, 127, -127, 128, -128, 1000, -1000, 1 << 20, -(1 << 20), DOWN_DOMAIN, -DOWN_DOMAIN]
    return i32(fixed + [rng.magnitude(DOWN_DOMAIN) for _ in range(32 - len(fixed))])


def _plan(h_from: tuple[int, int, int], h_to: tuple[int, int, int]) -> tuple[int, int]:
    """(right shift, down steps) of the rescale, for the case's flags and comment."""
    diff = thirds(h_to) - thirds(h_from)  # = 3 * right + downs, downs in {0, 1, 2}
    downs = diff % 3
    return (diff - downs) // 3, downs


def rescale_cases(level: str) -> list:
    c = CaseList("rescale_to_coarser")
    rng = StableRng(RESCALE_SEED)
    base_s = (-7, 9, -40)
    n = 0
    for uf, df in FINE_PARTS:
        for ut, dt in FINE_PARTS:
            for ds in (0, 1, 2):
                s = base_s[n % len(base_s)]
                h_from, h_to = (s, uf, df), (s + ds, ut, dt)
                if thirds(h_to) < thirds(h_from):
                    continue
                n += 1
                right, downs = _plan(h_from, h_to)
                flags = [f"downs-{downs}", "equal-headers" if h_from == h_to else f"shift-{min(right, 9)}"]
                flags.append("s-negative" if s < 0 else "s-positive")
                c.add("fine", f"from {h_from} to {h_to}: {downs} down step(s), then a right shift by {right}",
                      flags, {"x": _rescale_x(rng), "h_from": hdr(*h_from), "h_to": hdr(*h_to)})
    for ds in (10, 30, 31, 32, 33, 60):
        h_from, h_to = (-20, 0, 1), (-20 + ds, 1, 0)
        right, downs = _plan(h_from, h_to)
        c.add("wide-shift", f"from {h_from} to {h_to}: right shift {right} (0 once it is >= 32)",
              ["wide-shift", f"downs-{downs}"], {"x": _rescale_x(rng), "h_from": hdr(*h_from), "h_to": hdr(*h_to)})
    c.add("int8-extreme", "S from -128 to 127: right shift 255, everything rounds to 0", ["wide-shift", "s-extreme"],
          {"x": _rescale_x(rng), "h_from": hdr(-128), "h_to": hdr(127)})
    for s in (1, 4, 15):
        ties = [(2 * k + 1) << (s - 1) for k in (0, 1, 7)]
        c.add("ties", f"same fine part, shift {s}: exact halves round away from zero", ["tie", "downs-0"],
              {"x": i32(ties + [-t for t in ties]), "h_from": hdr(-10), "h_to": hdr(-10 + s)})
    for _ in range(n_random(level, 6, 150)):
        r_from = normal_header(rng, -60, 60)
        while True:
            r_to = normal_header(rng, -60, 70)
            if thirds(r_to) >= thirds(r_from):
                break
        c.add("random", "seeded random x in the down-step domain and a random coarser header", ["random"],
              {"x": i32([rng.magnitude(DOWN_DOMAIN) for _ in range(32)]), "h_from": r_from, "h_to": r_to})
    return c.specs


RESCALE = KernelSuite(
    name="rescale_to_coarser",
    null_args=3,
    kernel="tt_rescale_to_coarser",
    description="Rescale to a coarser (or equal) header (spec 3.7): k in {0, 1, 2} down steps, then "
    "rshift_round_wide by -P. Domain: |x| <= 10578706 (the down step runs on both sides of the "
    "selection), headers in normal form, 3 S_to + D_to - U_to >= 3 S_from + D_from - U_from.",
    cfg=TINTIN,
    fn=_rescale,
    outputs={"y": "int32"},
    cases=rescale_cases,
    seed=RESCALE_SEED,
    rows=("x",),
)

ENTRIES: list[Entry] = [entry(k) for k in (NORMALIZE_HEADER, REQUANTISE, WINDOW, RESCALE)]
