"""The MSE error path (spec 5.1): rescale both tensors to the coarser header, subtract.

The element model follows tintin.reference.layers.mse_error up to the requantisation
(which the requantise theorem covers for any tensor max up to acc_max).
"""

from __future__ import annotations

from typing import Any

from tintin.proofs.theorem import Cond, Theorem
from tintin.proofs.thm_common import LAYERS, RULES, abs_le, header, header_vars, is_normal, normal_premise, payload_var
from tintin.reference import rules as R
from tintin.reference.config import NumericsConfig
from tintin.reference.rules import Header


def mse_element(o: Any, y: Any, t: Any, y_h: Header, t_h: Header, cfg: NumericsConfig) -> dict[str, Any]:
    """layers.mse_error before requantisation, for one element; rules only."""
    y_coarser = o.ge(R.header_thirds(o, y_h), R.header_thirds(o, t_h))
    h = Header(*(o.where(y_coarser, a, b) for a, b in zip(y_h, t_h)))
    a = R.rescale_to_coarser(o, y, y_h, h, cfg)
    b = R.rescale_to_coarser(o, t, t_h, h, cfg)
    return {"a": a, "b": b, "diff": o.sub(a, b), "h": h}


def _vars(cfg: NumericsConfig) -> list[Any]:
    return [payload_var("y", cfg), payload_var("t", cfg), *header_vars("y_h"), *header_vars("t_h")]


def _claims(m: Any, v: dict[str, Any], out: dict[str, Any], cfg: NumericsConfig) -> list[Cond]:
    q = cfg.qmax
    return [
        ("both operands stay payloads: |a|, |b| <= qmax",
         m.and_(abs_le(m, m.lift(out["a"]), m.c(q)), abs_le(m, m.lift(out["b"]), m.c(q)))),
        ("|y - t| <= 2 qmax (then requantised)", abs_le(m, m.lift(out["diff"]), m.c(2 * q))),
        ("the error header is normal", is_normal(m, out["h"])),
    ]


MSE = Theorem(
    name="mse.error",
    statement=(
        "For payloads y, t and normal headers with S in int8, bringing both to the coarser "
        "header (rescale_plan, apply_downs, rshift_round_wide by a shift proved non-negative) and "
        "subtracting has no overflow on any branch; both operands stay in [-qmax, qmax], the "
        "difference in [-2 qmax, 2 qmax], and the error header is normal."
    ),
    covers=(RULES + "rescale_to_coarser", RULES + "rescale_plan", RULES + "apply_downs",
            RULES + "header_thirds", LAYERS + "mse_error"),
    guards=("tt_mse_error",),
    variables=_vars,
    premises=lambda m, v, cfg: [normal_premise(m, v, "y_h"), normal_premise(m, v, "t_h")],
    model=lambda o, v, cfg: mse_element(o, v["y"], v["t"], header(v, "y_h"), header(v, "t_h"), cfg),
    claims=_claims,
    spec_bits=lambda cfg: cfg.acc_bits + 4,
)

THEOREMS = (MSE,)
