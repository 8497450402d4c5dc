"""Element-wise rounding suites: rshift_round, rshift_stochastic, counter_hash, fine_up,
fine_down (docs/spec.md 3.2, 3.3). Each case is a vector of elements sharing one edge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tintin.reference import rules as R
from tintin.reference.config import TINTIN, NumericsConfig

from ..model import EXPECT_STATUS, STATUS_CODES
from ._common import (
    DOWN_DOMAIN,
    INT32_MAX,
    INT32_MIN,
    REJECTION_FLAG,
    U32_MAX,
    UP_DOMAIN,
    Arrays,
    CaseList,
    Entry,
    KernelSuite,
    StableRng,
    entry,
    i32,
    n_random,
    u32,
)
from .configs import bound_cases

# --- the domain of both shifts (tintin.h): s in [0, 63]; x = INT32_MIN only with s <= 31 -----

RANGE = STATUS_CODES["TT_ERR_RANGE"]
# (x, s, why): one bad element each; the exact oracle refuses s < 0 itself, the rest is the C domain.
SHIFT_REJECTS = ((5, -1, "s = -1, below the range"), (5, 64, "s = 64, above the range"),
                 (INT32_MIN, 32, "x = INT32_MIN with s = 32, outside the exact domain"))


def _shift_domain(x: Arrays, p: Mapping[str, int]) -> int | None:
    s, v = np.asarray(x["s"], dtype=np.int64), np.asarray(x["x"], dtype=np.int64)
    bad = (s < 0) | (s > 63) | ((s > 31) & (v == INT32_MIN))
    return RANGE if bool(bad.any()) else None


def _add_shift_rejections(c: CaseList, make: Any, valid: Sequence[tuple[int, ...]], extra: tuple[int, ...]) -> None:
    """Each bad element first and last among elements valid at the bounds (s = 0, s = 63,
    INT32_MIN with s = 31), so a check that skips an element or stops early passes one."""
    for x, s, why in SHIFT_REJECTS:
        for where in ("first", "last"):
            bad = (x, s, *extra)
            rows = [bad, *valid] if where == "first" else [*valid, bad]
            c.add("reject", f"{why} at the {where} element, the others valid: TT_ERR_RANGE",
                  [REJECTION_FLAG, "shift-range"], make(rows), {EXPECT_STATUS: RANGE})


# --- rshift_round (3.2) ---------------------------------------------------------------------

RSHIFT_SEED = 3101


def _rshift_round(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": R.rshift_round_wide(o, o.widen(x["x"]), o.widen(x["s"]))}


def _pairs(pairs: Sequence[tuple[int, int]]) -> dict[str, Any]:
    return {"x": i32([a for a, _ in pairs]), "s": i32([b for _, b in pairs])}


def _ties(sign: int) -> list[tuple[int, int]]:
    """x = (2k+1) 2^(s-1): exactly half way between two results, for every s in [1, 31]."""
    out = []
    for s in range(1, 32):
        top = ((INT32_MAX >> (s - 1)) - 1) >> 1  # largest k with (2k+1) 2^(s-1) <= INT32_MAX
        for k in sorted({0, 1, 2, 5, top}):
            if 0 <= k <= top:
                out.append((sign * ((2 * k + 1) << (s - 1)), s))
    return out


def rshift_round_cases(level: str) -> list:
    c = CaseList("rshift_round")
    every_s = range(64)
    c.add("zero", "0 >> s is 0 for every s in [0, 63]", ["zero", "every-shift"], _pairs([(0, s) for s in every_s]))
    c.add(
        "one",
        "+1 and -1 for every s: 1/2 rounds away to 1, -1/2 to -1; below a half to 0",
        ["one", "every-shift", "tie"],
        _pairs([(v, s) for v in (1, -1) for s in every_s]),
    )
    c.add(
        "qmax",
        "+-127 and +-128 for every s (payload extremes and the saturation value)",
        ["qmax", "every-shift"],
        _pairs([(v, s) for v in (127, -127, 128, -128) for s in every_s]),
    )
    identity = [0, 1, -1, 2, -2, 127, -127, 2**30, -(2**30), INT32_MAX, INT32_MIN, -INT32_MAX, 12345, -12345]
    c.add("shift-zero", "s = 0 is the identity, also for INT32_MIN and INT32_MAX",
          ["shift-zero", "int32-max", "int32-min"],
          _pairs([(v, 0) for v in identity]))
    c.add("tie-pos", "x = (2k+1) 2^(s-1) > 0: exact halves round up (away from zero)", ["tie", "positive"],
          _pairs(_ties(1)))
    c.add("tie-neg", "x = -(2k+1) 2^(s-1): exact negative halves round down (away from zero)", ["tie", "negative"],
          _pairs(_ties(-1)))
    near = [(x + d, s) for x, s in _ties(1) + _ties(-1) for d in (-1, 1) if INT32_MIN < x + d <= INT32_MAX]
    c.add("near-tie", "one below and one above each half: rounds to the nearer result", ["near-tie"], _pairs(near))
    pow2 = []
    for j in range(31):
        for v in (1 << j, -(1 << j)):
            pow2 += [(v, s) for s in (j - 1, j, j + 1) if 0 <= s <= 63]
    pow2 += [(INT32_MIN, s) for s in (29, 30, 31)]
    c.add("pow2", "+-2^j shifted by j-1, j, j+1 (exact, one half, one quarter)", ["power-of-two"], _pairs(pow2))
    c.add("int32-max", "INT32_MAX for every s in [0, 63]; s = 31 gives 1, s = 32 gives 0", ["int32-max", "every-shift"],
          _pairs([(INT32_MAX, s) for s in every_s]))
    c.add("neg-int32-max", "-INT32_MAX for every s in [0, 63]", ["max-magnitude", "negative", "every-shift"],
          _pairs([(-INT32_MAX, s) for s in every_s]))
    c.add(
        "int32-min",
        "INT32_MIN for s in [0, 31] (never overflows; s >= 32 is outside the exact domain)",
        ["int32-min"],
        _pairs([(INT32_MIN, s) for s in range(32)]),
    )
    rng = StableRng(RSHIFT_SEED)
    c.add(
        "wide-shift",
        "s in [32, 63] gives 0 for every |x| <= INT32_MAX (rshift_round_wide)",
        ["wide-shift"],
        _pairs([(rng.magnitude(INT32_MAX), rng.integer(32, 63)) for _ in range(32)]),
    )
    boundary = [(v, s) for v in (INT32_MAX, -INT32_MAX, 2**30, -(2**30), 2**30 + 1, -(2**30) - 1, 3 << 29, -(3 << 29))
                for s in (30, 31, 32, 33)]
    c.add("shift-31-32", "large x at s = 30..33: the change from s <= 31 to the wide range", ["shift-boundary"],
          _pairs(boundary))
    for _ in range(n_random(level, 4, 64)):
        n = 64 if level == "ci" else 256
        pairs = []
        for _ in range(n):
            x = rng.magnitude(INT32_MAX)
            s = rng.integer(0, 40)
            pairs.append((x, s))
        c.add("random", "seeded random x (every bit width) and s in [0, 40]", ["random"], _pairs(pairs))
    _add_shift_rejections(c, _pairs, [(1, 0), (-7, 3), (INT32_MAX, 63), (INT32_MIN, 31)], ())
    return c.specs


RSHIFT_ROUND = KernelSuite(
    name="rshift_round",
    null_args=3,
    kernel="tt_rshift_round",
    description="Round-half-away-from-zero right shift, rules.rshift_round_wide (spec 3.2): "
    "y = x / 2^s rounded, s in [0, 63] (0 for s >= 32). Domain: |x| <= 2^31 - 1, or x = -2^31 "
    "with s <= 31.",
    cfg=TINTIN,
    fn=_rshift_round,
    domain=_shift_domain,
    outputs={"y": "int32"},
    cases=rshift_round_cases,
    seed=RSHIFT_SEED,
    rows=("x", "s"),
)

# --- rshift_stochastic (3.2) ----------------------------------------------------------------

STOCH_SEED = 3202


def _rshift_stochastic(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": R.rshift_stochastic_wide(o, o.widen(x["x"]), o.widen(x["s"]), o.u32(x["bits"]))}


def _triples(rows: Sequence[tuple[int, int, int]]) -> dict[str, Any]:
    return {
        "x": i32([r[0] for r in rows]),
        "s": i32([r[1] for r in rows]),
        "bits": u32([r[2] for r in rows]),
    }


def _bits_for_threshold(t: int, s: int, low: int) -> int:
    """A hash word whose top s bits are t (the rule's threshold); low bits are ignored."""
    if s == 0:
        return low & U32_MAX
    return ((t << (32 - s)) | (low & ((1 << (32 - s)) - 1))) & U32_MAX


def rshift_stochastic_cases(level: str) -> list:
    c = CaseList("rshift_stochastic")
    rng = StableRng(STOCH_SEED)
    xs = [0, 1, -1, 5, -5, 127, -127, 1000, -1000, 2**30 + 7, -(2**30) - 7, INT32_MAX, -INT32_MAX, INT32_MIN]
    c.add("bits-zero", "threshold 0: a carry whenever the discarded part is non-zero (ceiling)", ["bits-zero"],
          _triples([(x, s, 0) for x in xs for s in (1, 3, 8, 31)]))
    c.add("bits-max", "all hash bits set: threshold 2^s - 1, never a carry (floor)", ["bits-max"],
          _triples([(x, s, U32_MAX) for x in xs for s in (1, 3, 8, 31)]))
    rows = []
    for s in (1, 2, 5, 8, 13, 20, 31):
        for _ in range(3):
            t = rng.integer(0, (1 << s) - 1)
            floor_part = rng.magnitude(INT32_MAX >> s)
            for d in (-1, 0, 1):
                rem = t + d
                if 0 <= rem < (1 << s):
                    x = (floor_part << s) + rem
                    if INT32_MIN <= x <= INT32_MAX:
                        rows.append((x, s, _bits_for_threshold(t, s, rng.integer(0, U32_MAX))))
    c.add("threshold", "discarded part = threshold - 1, threshold, threshold + 1: the carry is 'rem > t'",
          ["threshold-boundary"], _triples(rows))
    c.add("shift-zero", "s = 0 returns x whatever the bits", ["shift-zero", "int32-max", "int32-min"],
          _triples([(x, 0, b) for x in xs for b in (0, 1 << 31, U32_MAX)]))
    c.add("shift-31", "s = 31: the threshold is the top 31 bits", ["shift-31", "max-magnitude"],
          _triples([(x, 31, rng.integer(0, U32_MAX)) for x in (INT32_MAX, -INT32_MAX, INT32_MIN, 2**30, -(2**30), 1, -1)
                    for _ in range(2)]))
    c.add("negative", "negative x: floor toward -inf, remainder x & (2^s - 1) is non-negative", ["negative"],
          _triples([(-rng.integer(1, 10**6), rng.integer(1, 12), rng.integer(0, U32_MAX)) for _ in range(48)]))
    c.add("wide-shift", "s in [32, 63] gives 0 (rshift_stochastic_wide)", ["wide-shift"],
          _triples([(rng.magnitude(INT32_MAX), rng.integer(32, 63), rng.integer(0, U32_MAX)) for _ in range(24)]))
    c.add("zero", "x = 0 gives 0 for every s and bits", ["zero", "every-shift"],
          _triples([(0, s, rng.integer(0, U32_MAX)) for s in range(64)]))
    for _ in range(n_random(level, 4, 64)):
        n = 64 if level == "ci" else 256
        rows = [(rng.magnitude(INT32_MAX), rng.integer(0, 34), rng.integer(0, U32_MAX)) for _ in range(n)]
        c.add("random", "seeded random x (every bit width), s in [0, 34], random hash bits", ["random"], _triples(rows))
    _add_shift_rejections(c, _triples, [(1, 0, 0), (-7, 3, 5), (INT32_MAX, 63, 1), (INT32_MIN, 31, 7)], (0,))
    return c.specs


RSHIFT_STOCHASTIC = KernelSuite(
    name="rshift_stochastic",
    null_args=4,
    kernel="tt_rshift_stochastic",
    description="Stochastic rounding right shift, rules.rshift_stochastic_wide (spec 3.2): "
    "floor(x / 2^s) + [x & (2^s - 1) > top s bits of bits], s in [0, 63] (0 for s >= 32).",
    cfg=TINTIN,
    fn=_rshift_stochastic,
    domain=_shift_domain,
    outputs={"y": "int32"},
    cases=rshift_stochastic_cases,
    seed=STOCH_SEED,
    rows=("x", "s", "bits"),
)

# --- counter_hash (3.2) ---------------------------------------------------------------------

HASH_SEED = 3303


def _counter_hash(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"h": R.counter_hash(o, x["seed"], x["step"], x["tensor_id"], x["index"])}


def _quads(rows: Sequence[tuple[int, int, int, int]]) -> dict[str, Any]:
    names = ("seed", "step", "tensor_id", "index")
    return {n: i32([r[i] for r in rows]) for i, n in enumerate(names)}


def counter_hash_cases(level: str) -> list:
    c = CaseList("counter_hash")
    rng = StableRng(HASH_SEED)
    c.add("zero", "all four inputs 0, then each one alone set to 1", ["zero"],
          _quads([(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)]))
    ext = (INT32_MIN, -1, INT32_MAX, 0)
    c.add("extremes", "every combination of INT32_MIN, -1, INT32_MAX and 0 (negative = two's complement)",
          ["int32-min", "int32-max", "all-bits-set"],
          _quads([(a, b, t, i) for a in ext for b in ext for t in ext for i in ext]))
    c.add("init-draw", "step = -1: the draws of the initial weights (spec 4.5), layers 0-2", ["init"],
          _quads([(seed, -1, layer, i) for seed in (0, 7) for layer in range(3) for i in range(16)]))
    c.add("index-sweep", "consecutive element indices 0..63 of one tensor", ["index-sweep"],
          _quads([(12345, 17, 1, i) for i in range(64)]))
    c.add("step-sweep", "consecutive step counters 0..31", ["step-sweep"], _quads([(99, k, 0, 5) for k in range(32)]))
    c.add("seed-sweep", "consecutive seeds, including the 0x9E3779B9 offset's wrap (seed = 0x61C88647)",
          ["seed-sweep", "wrap"],
          _quads([(s, 3, 2, 1) for s in (*range(16), 0x61C88646, 0x61C88647, 0x61C88648)]))
    for _ in range(n_random(level, 3, 48)):
        n = 64 if level == "ci" else 256
        rows = [tuple(rng.integer(INT32_MIN, INT32_MAX) for _ in range(4)) for _ in range(n)]
        c.add("random", "seeded random int32 inputs", ["random"], _quads(rows))  # type: ignore[arg-type]
    return c.specs


COUNTER_HASH = KernelSuite(
    name="counter_hash",
    null_args=5,
    kernel="tt_counter_hash",
    description="Counter-based hash of the stochastic rounding (spec 3.2): uint32 wrap-around, "
    "fmix32 chain over seed + 0x9E3779B9, step, tensor_id, index (int32 inputs taken as bits).",
    cfg=TINTIN,
    fn=_counter_hash,
    outputs={"h": "uint32"},
    cases=counter_hash_cases,
    seed=HASH_SEED,
    rows=("seed", "step", "tensor_id", "index"),
)

# --- fine steps (3.3) ---------------------------------------------------------------------



def _fine_up(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": R.step_up(o, o.widen(x["x"]), cfg)}


def _fine_down(o: Any, cfg: NumericsConfig, x: Arrays, p: Mapping[str, int]) -> dict[str, Any]:
    return {"y": R.step_down(o, o.widen(x["x"]), cfg)}


def _fine_cases(suite: str, domain: int, shift: int, seed: int, what: str, configs: bool = False) -> Any:
    half = 1 << (shift - 1)  # x * M is a tie iff x = half (mod 2^shift), M odd

    def cases(level: str) -> list:
        c = CaseList(suite)
        rng = StableRng(seed)
        c.add("payload", f"every payload -127..127 ({what})", ["payload-range", "zero", "qmax"],
              {"x": i32(list(range(-127, 128)))})
        ties = []
        for k in (0, 1, 2, 3, 100, domain // (1 << shift) - 1):
            t = half + (k << shift)
            if t <= domain:
                ties += [t, -t]
        c.add("tie", f"x = {half} mod {1 << shift}: x * M is an exact half, rounds away from zero", ["tie"],
              {"x": i32(ties)})
        c.add("near-tie", "one either side of each tie", ["near-tie"],
              {"x": i32([t + d for t in ties for d in (-1, 1)])})
        edge = [domain, -domain, domain - 1, -(domain - 1), domain - half, -(domain - half)]
        c.add("domain-max", f"the domain edge |x| = {domain}: x * M still fits int32", ["domain-max", "max-magnitude"],
              {"x": i32(edge)})
        pow2 = [v for j in range(domain.bit_length()) for v in (1 << j, -(1 << j)) if abs(v) <= domain]
        c.add("pow2", "+-2^j over the domain", ["power-of-two"], {"x": i32(pow2)})
        for _ in range(n_random(level, 3, 48)):
            n = 64 if level == "ci" else 256
            c.add("random", "seeded random x in the domain (every bit width)", ["random"],
                  {"x": i32([rng.magnitude(domain) for _ in range(n)])})
        if configs:  # every bound of tt_check_config, through a kernel that reads the up step
            for args in bound_cases({"x": i32([-127, -100, -3, -2, -1, 0, 1, 2, 3, 5, 63, 100, 127])}):
                c.add(*args)
        return c.specs

    return cases


FINE_UP = KernelSuite(
    name="fine_up",
    null_args=3,
    kernel="tt_fine_up",
    description=f"Fine up step (spec 3.3): y = rshift_round(x * {TINTIN.up.multiplier}, {TINTIN.up.shift}) "
    f"(factor ~2^(1/3)). Domain: |x| <= {UP_DOMAIN}.",
    cfg=TINTIN,
    fn=_fine_up,
    outputs={"y": "int32"},
    cases=_fine_cases("fine_up", UP_DOMAIN, TINTIN.up.shift, 3404, "grows by ~1.26", configs=True),
    seed=3404,
    rows=("x",),
)

FINE_DOWN = KernelSuite(
    name="fine_down",
    null_args=3,
    kernel="tt_fine_down",
    description=f"Fine down step (spec 3.3): y = rshift_round(x * {TINTIN.down.multiplier}, "
    f"{TINTIN.down.shift}) (factor ~2^(-1/3)). Domain: |x| <= {DOWN_DOMAIN}.",
    cfg=TINTIN,
    fn=_fine_down,
    outputs={"y": "int32"},
    cases=_fine_cases("fine_down", DOWN_DOMAIN, TINTIN.down.shift, 3505, "shrinks by ~0.79"),
    seed=3505,
    rows=("x",),
)

ENTRIES: list[Entry] = [entry(k) for k in (RSHIFT_ROUND, RSHIFT_STOCHASTIC, COUNTER_HASH, FINE_UP, FINE_DOWN)]
