"""Integer softmax cross-entropy (spec 5.2): exponent, 2**-x table, row sum, division, error.

layers.softmax_probabilities is: d = z - max z, a = softmax_exponent(d), e = exp2_neg_q(a),
den = sum of e over the row, p = div_round(e, den). Each stage is a theorem whose
conclusion is the next one's premise: 0 <= e <= 2**table_bits (and e = 2**table_bits for
the max logit), so den is a sum of at most C such terms with den >= 2**table_bits, and
num = e <= min(den, 2**table_bits); p in [0, 2**out_bits] then feeds the error element.
"""

from __future__ import annotations

from typing import Any

import z3

from tintin.proofs.configs import targets
from tintin.proofs.theorem import INT8_MAX, INT8_MIN, Boundary, Cond, Lemma, Limit, Theorem, Var, general
from tintin.proofs.thm_common import LAYERS, RULES, abs_le, header, header_vars, normal_premise
from tintin.proofs.trace import Recorder
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig

# -- exponent and table ------------------------------------------------------------------------


def _spec_width(cfg: NumericsConfig) -> int:
    """The spec's width: the constants (2**(12 + floor_bits), 2**table_bits, the log2(e)
    products) need 32 bits even where the accumulator is narrower; the rules still run at
    acc_bits, so this only keeps the statement itself from wrapping."""
    return max(cfg.acc_bits, 32)


def _exp_vars(cfg: NumericsConfig) -> list[Var]:
    return [Var("d", -2 * cfg.qmax, 0, text="d = z - max z in [-2 qmax, 0]"), *header_vars("h", INT8_MIN, INT8_MAX)]


def _exp_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    a = R.softmax_exponent(o, v["d"], header(v, "h"), cfg)
    return {"a": a, "e": R.exp2_neg_q(o, a, cfg)}


def _exp_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    a, e, d = m.lift(out["a"]), m.lift(out["e"]), m.lift(v["d"])
    top = 1 << (cfg.log2e_frac_bits + cfg.softmax_floor_bits)
    one = 1 << cfg.softmax_table_bits
    return [
        (f"0 <= a <= 2**(12 + floor_bits) = {top}", m.within(a, 0, top)),
        (f"0 <= e <= 2**table_bits = {one}", m.within(e, 0, one)),
        ("the max logit (d = 0) gets e = 2**table_bits, so the row sum is positive",
         m.implies(m.eq(d, 0), m.eq(e, one))),
    ]


EXPONENT = Theorem(
    name="softmax.exponent",
    statement=(
        "For a logit difference d in [-2 qmax, 0] and a normal logit header with S in int8: "
        "softmax_exponent and exp2_neg_q have no overflow on any branch (including the fine "
        "steps of the header's U/D and the clamped left shift), the exponent a is in "
        "[0, 2**(12 + floor_bits)], the table value e in [0, 2**table_bits], and d = 0 gives "
        "e = 2**table_bits."
    ),
    covers=(RULES + "softmax_exponent", RULES + "exp2_neg_q", RULES + "rshift_round_wide"),
    guards=("tt_softmax_xent_error",),
    variables=_exp_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "h")],
    model=_exp_model,
    claims=_exp_claims,
    spec_bits=lambda cfg: _spec_width(cfg) + 4,
)


# -- the row sum ----------------------------------------------------------------------------------


def max_classes(cfg: NumericsConfig) -> int:
    """Most classes whose table values (each <= 2**table_bits) sum within acc_max."""
    return cfg.acc_max >> cfg.softmax_table_bits


def _sum_vars(cfg: NumericsConfig, n: int, first: int = 0) -> list[Var]:
    one = 1 << cfg.softmax_table_bits
    return [
        Var("c", first, n - 1, kind="ghost", text=f"c in [{first}, {n - 1}] (classes already summed)"),
        Var("s", 0, lambda m, v: m.mul(v["c"], one), text=f"0 <= s <= c * 2**table_bits = c * {one}"),
        Var("e", 0, one, text=f"e in [0, {one}] (softmax.exponent)"),
    ]


def _sum_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    bound = m.mul(m.add(v["c"], 1), 1 << cfg.softmax_table_bits)
    return [("0 <= s + e <= (c + 1) * 2**table_bits (the induction step)", m.within(m.lift(out["s2"]), 0, bound))]


ROW_SUM = Theorem(
    name="softmax.row_sum",
    statement=(
        "Inductive lemma with a symbolic class count c < C_max: a partial row sum "
        "0 <= s <= c * 2**table_bits plus one table value (softmax.exponent: 0 <= e <= "
        "2**table_bits) neither overflows nor leaves (c + 1) * 2**table_bits; so rows of up to "
        "C_max = floor(acc_max / 2**table_bits) classes are safe, and C_max is exact (boundary: "
        "C_max + 1 full table values overflow). FAILS when C_max is below the required classes."
    ),
    covers=(LAYERS + "softmax_probabilities",),
    guards=("tt_softmax_xent_error",),
    variables=lambda cfg: _sum_vars(cfg, max_classes(cfg)),
    model=lambda o, v, cfg: {"s2": o.add(v["s"], v["e"])},  # ops.sum_rows, one step
    claims=_sum_claims,
    limits=lambda cfg: [Limit("MAX_CLASSES", max_classes(cfg), "most softmax classes in one row", exact=True)],
    requirement=lambda cfg: (max_classes(cfg), targets().classes, "classes"),
    boundaries=(
        Boundary(
            "C_max + 1 classes", "C_max full table values, then one more",
            variables=lambda cfg: _sum_vars(cfg, max_classes(cfg) + 1, first=max_classes(cfg)),
            premises=lambda m, v, cfg: [("s = c * 2**table_bits, e = 2**table_bits (all logits equal)",
                                         m.and_(m.eq(m.lift(v["s"]), m.mul(v["c"], 1 << cfg.softmax_table_bits)),
                                                m.eq(m.lift(v["e"]), 1 << cfg.softmax_table_bits)))],
        ),
    ),
    spec_bits=lambda cfg: 2 * _spec_width(cfg) + 4,
)


# -- the division -----------------------------------------------------------------------------------


def _div_vars(cfg: NumericsConfig) -> list[Var]:
    one = 1 << cfg.softmax_table_bits
    den_hi = max(max_classes(cfg), 1) * one
    return [
        Var("den", one, den_hi, text=f"den in [2**table_bits, C * 2**table_bits] = [{one}, {den_hi}]"),
        Var("num", 0, lambda m, v: m.ite(m.le(m.lift(v["den"]), one), m.lift(v["den"]), m.c(one)),
            text=f"0 <= num <= min(den, {one})"),
    ]


def _div_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    rec = Recorder(o, "where", "add")
    p = R.div_round(rec, v["num"], v["den"], cfg.softmax_out_bits)
    wheres, adds = rec.calls["where"], rec.calls["add"]
    # Per step the rule selects the new remainder, then the quotient bit, then adds it in.
    return {"p": p, "rem": [v["num"], *wheres[0::2]], "q": [0, *adds[:-1]]}


def _div_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    b = cfg.softmax_out_bits
    den, p, num = m.lift(v["den"]), m.lift(out["p"]), m.lift(v["num"])
    rem, q = [m.lift(r) for r in out["rem"]], [m.lift(x) for x in out["q"]]
    claims: list[Cond] = []
    for i in range(1, b + 2):  # an inductive step each, proved for any previous state
        r2 = m.mul(rem[i - 1], 2)
        ge = m.ge(r2, den)
        before = m.and_(m.within(rem[i - 1], 0, den), m.le(rem[i - 1], m.mul(num, 1 << (i - 1))),
                        m.within(q[i - 1], 0, (1 << (i - 1)) - 1))
        after = m.and_(m.eq(rem[i], m.ite(ge, m.sub(r2, den), r2)),
                       m.eq(q[i], m.add(m.mul(q[i - 1], 2), m.ite(ge, m.c(1), m.c(0)))),
                       m.within(rem[i], 0, den), m.le(rem[i], m.mul(num, 1 << i)),
                       m.within(q[i], 0, (1 << i) - 1))
        claims.append(general(
            f"step {i}: from 0 <= rem <= min(den, 2**{i - 1} num), 0 <= q < 2**{i - 1}: "
            f"rem' = 2 rem - [2 rem >= den] den, q' = 2 q + [2 rem >= den], "
            f"0 <= rem' <= min(den, 2**{i} num), 0 <= q' < 2**{i}",
            m.implies(before, after), out["rem"][i - 1], out["q"][i - 1],
        ))
    qn = q[b + 1]
    return [
        *claims,
        ("p = (q + 1) >> 1 (round half up of the last quotient bit)",
         m.and_(m.le(m.mul(p, 2), m.add(qn, 1)), m.le(m.add(qn, 1), m.add(m.mul(p, 2), 1)))),
        (f"0 <= p <= 2**{b}", m.within(p, 0, 1 << b)),
    ]


def _div_lemmas(cfg: NumericsConfig) -> list[Lemma]:
    """The restoring recurrence computes round(num * 2**b / den): invariant and conclusion."""
    n = cfg.softmax_out_bits + 1
    big_n, q, rem, den, num, p = z3.Ints("N q rem den num p")
    r2 = 2 * rem
    ge = r2 >= den
    rem1, q1 = z3.If(ge, r2 - den, r2), 2 * q + z3.If(ge, 1, 0)

    def inv(n_val: Any, q_val: Any, r_val: Any) -> Any:
        return z3.And(n_val == q_val * den + r_val, r_val >= 0, r_val <= den, z3.Implies(r_val == den, num == den))

    domain = (den >= 1, num >= 0, num <= den)
    lhs = num * 2**n + den
    return [
        Lemma("restoring-division invariant num * 2**i = q_i den + rem_i, 0 <= rem_i <= den "
              "(rem_i = den only when num = den): holds at i = 0 and is kept by every step",
              (*domain, inv(big_n, q, rem)), inv(2 * big_n, q1, rem1)),
        Lemma(f"the invariant after {n} steps and p = (q + 1) >> 1 give "
              f"p = floor(num * 2**{n - 1} / den + 1/2) exactly",
              (*domain, inv(num * 2**n, q, rem), 2 * p <= q + 1, q + 1 <= 2 * p + 1),
              z3.And(2 * p * den <= lhs, lhs < 2 * (p + 1) * den)),
    ]


DIVISION = Theorem(
    name="softmax.division",
    statement=(
        "For den in [2**table_bits, C_max * 2**table_bits] (the row sum, softmax.row_sum) "
        "and 0 <= num <= min(den, 2**table_bits) (one table value of the row): the "
        "restoring division div_round(num, den, out_bits) has no overflow and returns exactly "
        "floor(num * 2**out_bits / den + 1/2), in [0, 2**out_bits]. Proof: over bit-vectors, the "
        "rule's recorded remainders and quotients follow the restoring recurrence exactly; in "
        "integer arithmetic, the recurrence keeps the invariant num * 2**i = q_i den + rem_i, "
        "which after the last step gives the rounding."
    ),
    covers=(RULES + "div_round", LAYERS + "softmax_probabilities"),
    guards=("tt_softmax_xent_error",),
    variables=_div_vars,
    model=_div_model,
    claims=_div_claims,
    lemmas=_div_lemmas,
    spec_bits=lambda cfg: _spec_width(cfg) + 4,
)


# -- the error element --------------------------------------------------------------------------------


def _err_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    one = 1 << cfg.softmax_out_bits
    p, e = m.lift(v["p"]), m.lift(out["e"])
    exact = m.sub(p, m.ite(v["is_label"], m.c(one), m.c(0)))
    clipped = m.or_(m.and_(v["is_label"], m.eq(p, 0)), m.and_(m.not_(v["is_label"]), m.eq(p, one)))
    return [
        ("|e| <= qmax", abs_le(m, e, m.c(cfg.qmax))),
        ("e = p - onehot except the two clipped corners (p = 0 on the label, p = 1 elsewhere), "
         "which move by one unit", m.and_(m.implies(m.not_(clipped), m.eq(e, exact)),
                                          abs_le(m, m.sub(e, exact), m.c(1)))),
    ]


ERROR = Theorem(
    name="softmax.error_element",
    statement=(
        "For p in [0, 2**out_bits] (softmax.division) and either label flag: "
        "softmax_error_element has no overflow, |e| <= qmax, and e = p - onehot except at the "
        "two saturated corners, which differ by one unit."
    ),
    covers=(RULES + "softmax_error_element", LAYERS + "softmax_xent_error"),
    guards=("tt_softmax_xent_error",),
    variables=lambda cfg: [Var("p", 0, 1 << cfg.softmax_out_bits), Var("is_label", kind="bool")],
    model=lambda o, v, cfg: {"e": R.softmax_error_element(o, v["p"], v["is_label"], cfg)},
    claims=_err_claims,
    spec_bits=lambda cfg: _spec_width(cfg) + 4,
)

THEOREMS = (EXPONENT, ROW_SUM, DIVISION, ERROR)
