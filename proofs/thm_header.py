"""Header normal form (spec 2.3): U, D in {0, 1, 2}, at most one non-zero, kept by every rule.

Together with the requantise and window theorems (which prove the same for their headers)
this gives bounded U, D over unbounded training: every header a rule produces from normal
headers is normal, so by induction over training steps U, D never leave {0, 1, 2}.
"""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import INT8_MAX, INT8_MIN, Boundary, Cond, Theorem, Var
from tintin.proofs.thm_common import RULES, header, header_vars, is_normal, normal_premise
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.rules import Header

# -- normalize ------------------------------------------------------------------------------


def _norm_vars(cfg: NumericsConfig, ud_hi: int = 5) -> list[Var]:
    return [Var("h.s", INT8_MIN + 1, INT8_MAX - 1), Var("h.u", 0, ud_hi, split=True), Var("h.d", 0, ud_hi, split=True)]


def _norm_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    h = header(v, "h")
    h2 = R.normalize(o, h)
    return {"h2": h2, "t": R.header_thirds(o, h), "t2": R.header_thirds(o, h2)}


def _norm_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    h2: Header = out["h2"]
    ds = m.sub(m.lift(h2.s), m.lift(v["h.s"]))
    return [
        ("result normal", is_normal(m, h2)),
        ("3S+D-U preserved", m.eq(m.lift(out["t2"]), m.lift(out["t"]))),
        ("S moves by at most one (stays in int8)", m.within(ds, -1, 1)),
    ]


NORMALIZE = Theorem(
    name="header.normalize",
    statement=(
        "For S in [-127, 126] and any U, D in [0, 5], normalize returns U, D in {0, 1, 2} with at "
        "most one non-zero, the same 3S + D - U, and S changed by at most one. Boundary: U = 6 "
        "is not normalised by one fold (the premise [0, 5] is exact)."
    ),
    covers=(RULES + "normalize", RULES + "header_thirds"),
    guards=("tt_normalize_header",),
    variables=_norm_vars,
    model=_norm_model,
    claims=_norm_claims,
    spec_bits=lambda cfg: cfg.acc_bits,  # exact: the spec's own no-wrap conditions are proved
    boundaries=(Boundary("U or D = 6", "one fold cannot normalise 6", variables=lambda cfg: _norm_vars(cfg, 6)),),
)


# -- header_mul ------------------------------------------------------------------------------


def _mul_vars(cfg: NumericsConfig) -> list[Var]:
    return [*header_vars("a"), *header_vars("b")]


def _mul_premises(m: Any, v: dict[str, Any], cfg: NumericsConfig, lo: int = INT8_MIN + 1) -> list[Cond]:
    ssum = m.add(m.lift(v["a.s"]), m.lift(v["b.s"]))
    return [
        normal_premise(m, v, "a"),
        normal_premise(m, v, "b"),
        (f"a.s + b.s in [{lo}, {INT8_MAX - 1}]", m.within(ssum, lo, INT8_MAX - 1)),
    ]


def _mul_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    a, b = header(v, "a"), header(v, "b")
    h = R.header_mul(o, a, b)
    return {"h": h, "ta": R.header_thirds(o, a), "tb": R.header_thirds(o, b), "th": R.header_thirds(o, h)}


def _mul_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    h: Header = out["h"]
    return [
        ("product header normal", is_normal(m, h)),
        ("3S+D-U adds", m.eq(m.lift(out["th"]), m.add(m.lift(out["ta"]), m.lift(out["tb"])))),
        ("S in int8", m.within(m.lift(h.s), INT8_MIN, INT8_MAX)),
    ]


HEADER_MUL = Theorem(
    name="header.mul",
    statement=(
        "For normal headers a, b with a.s + b.s in [-127, 126] (the kernel checks the sum), "
        "header_mul gives a normal header whose 3S + D - U is the sum of the operands', with S "
        "in int8. Boundary: a.s + b.s = -128 can fold to S = -129."
    ),
    covers=(RULES + "header_mul", RULES + "normalize"),
    guards=("tt_dense_forward", "tt_dense_backward_error", "tt_dense_gradient", "tt_normalize_header"),
    variables=_mul_vars,
    premises=_mul_premises,
    model=_mul_model,
    claims=_mul_claims,
    spec_bits=lambda cfg: cfg.acc_bits,  # exact: the spec's own no-wrap conditions are proved
    boundaries=(
        Boundary("S sum at int8 min", "a.s + b.s = -128 with an up fold",
                 premises=lambda m, v, cfg: [
                     *_mul_premises(m, v, cfg, lo=INT8_MIN),
                     ("a.s + b.s = -128", m.eq(m.add(m.lift(v["a.s"]), m.lift(v["b.s"])), INT8_MIN)),
                 ]),
    ),
)


# -- rescale_plan ------------------------------------------------------------------------------

EXTRA_SHIFT = 64  # |extra_shift| bound used below (the update passes pre - lr_shift, within +-40)


def _plan_vars(cfg: NumericsConfig) -> list[Var]:
    return [*header_vars("f"), *header_vars("t"), Var("extra", -EXTRA_SHIFT, EXTRA_SHIFT)]


def _plan_model(o: Any, v: dict[str, Any], cfg: NumericsConfig) -> dict[str, Any]:
    f, t = header(v, "f"), header(v, "t")
    return {"plan": R.rescale_plan(o, f, t, v["extra"]), "tf": R.header_thirds(o, f), "tt": R.header_thirds(o, t)}


def _plan_claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    plan = out["plan"]
    p, k = m.lift(plan.shift), m.lift(plan.downs)
    want = m.add(m.sub(m.lift(out["tf"]), m.lift(out["tt"])), m.mul(m.lift(v["extra"]), 3))
    return [
        ("downs in {0, 1, 2}", m.within(k, 0, 2)),
        ("2**shift * r**-downs is the scale ratio: 3*shift - downs = thirds(from) - thirds(to) + 3*extra",
         m.eq(m.sub(m.mul(p, 3), k), want)),
    ]


RESCALE_PLAN = Theorem(
    name="header.rescale_plan",
    statement=(
        "For normal headers from, to with S in int8 and extra in [-64, 64], rescale_plan has no "
        "overflow, returns downs in {0, 1, 2} and a shift P with 2**P * r**-downs equal to the "
        "scale ratio times 2**extra (3P - downs = thirds(from) - thirds(to) + 3 extra)."
    ),
    covers=(RULES + "rescale_plan",),
    guards=("tt_align", "tt_update_dense", "tt_mse_error"),
    variables=_plan_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "f"), normal_premise(m, v, "t")],
    model=_plan_model,
    claims=_plan_claims,
    spec_bits=lambda cfg: cfg.acc_bits,  # exact: the spec's own no-wrap conditions are proved
)

THEOREMS = (NORMALIZE, HEADER_MUL, RESCALE_PLAN)
