"""Build a theorem with Z3Ops and ZMath, solve it, and replay counterexamples exactly.

Per theorem: a vacuity query (the premises alone must be satisfiable), the refutation
queries (premises and the negation of one goal), lemma queries, and one refutation per
boundary variant (which must find a counterexample: the limit is exact). Counterexamples
are replayed through PyOps/PyMath, the exact oracle, so every Z3 finding is confirmed by
the same rules run on Python integers.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from tintin.proofs.specmath import PyMath, ZMath
from tintin.proofs.theorem import Boundary, Cond, Theorem, Var, boundaries_of
from tintin.proofs.z3ops import Z3Ops
from tintin.reference.config import NumericsConfig
from tintin.reference.ops import OracleOverflow, PyOps

PROVED, FAILED, UNKNOWN, NOT_APPLICABLE = "proved", "FAILED", "unknown", "n/a"
QUICK_S = 3.0  # time for the first look at the obligations alone


# -- results -------------------------------------------------------------------------------


@dataclass
class Counterexample:
    inputs: dict[str, int | bool]
    violated: list[str]  # obligations and claims false under the model
    replay: str  # what the exact oracle says about the same inputs

    @property
    def oracle_overflow(self) -> bool:
        return self.replay.startswith("OracleOverflow")

    def to_json(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "violated": self.violated, "replay": self.replay}


@dataclass
class BoundaryResult:
    name: str
    doc: str
    status: str  # "counterexample" (expected), "no counterexample", "unknown"
    counterexample: Counterexample | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "doc": self.doc, "status": self.status}
        if self.counterexample:
            out["counterexample"] = self.counterexample.to_json()
        return out


@dataclass
class TheoremResult:
    theorem: str
    config: str
    result: str  # proved | FAILED | unknown | n/a
    seconds: float
    statement: str = ""
    covers: tuple[str, ...] = ()
    guards: tuple[str, ...] = ()
    premises: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)  # theorems whose lemmas this result relies on
    obligations: int = 0
    vacuity: str = ""  # "sat": the premises are satisfiable (the proof is not vacuous)
    counterexample: Counterexample | None = None
    boundaries: list[BoundaryResult] = field(default_factory=list)
    limits: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    ops_bits: int = 0
    mutant: str = ""
    requirement: dict[str, Any] | None = None  # proved limit vs the size the project needs

    @property
    def ok(self) -> bool:
        return self.result in (PROVED, NOT_APPLICABLE)

    def to_json(self) -> dict[str, Any]:
        return {
            "theorem": self.theorem,
            "config": self.config,
            "mutant": self.mutant,
            "result": self.result,
            "seconds": round(self.seconds, 3),
            "statement": self.statement,
            "covers": list(self.covers),
            "guards": list(self.guards),
            "premises": self.premises,
            "claims": self.claims,
            "uses": self.uses,
            "obligations": self.obligations,
            "vacuity": self.vacuity,
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "boundaries": [b.to_json() for b in self.boundaries],
            "limits": self.limits,
            "requirement": self.requirement,
            "note": self.note,
            "acc_bits": self.ops_bits,
        }


# -- building ------------------------------------------------------------------------------


@dataclass
class Goal:
    label: str
    cond: z3.BoolRef
    stage: str  # "obligation" (rules), "spec" (no-wrap of the spec), "requires" (a fact), "claim"
    split: bool = True  # proved case by case over the split variables (claims and facts only)
    generalize: tuple[Any, ...] = ()  # model terms replaced by fresh variables (see theorem.general)


@dataclass
class Built:
    vars: dict[str, Any]
    premises: list[tuple[str, z3.BoolRef]]
    goals: list[Goal]
    gives: list[z3.BoolRef]  # one per "requires" goal, in order
    n_obligations: int
    uses: list[str]  # theorems whose lemmas the facts come from


def _bound(b: Any, m: Any, v: dict[str, Any]) -> Any:
    return b(m, v) if callable(b) else b


def _lift_var(m: Any, var: Var, x: Any) -> Any:
    if var.kind == "u32":
        return m.ulift(x)
    if var.kind == "ghost" and isinstance(m, ZMath):
        return x
    return m.lift(x)


def _range_premises(m: Any, var: Var, v: dict[str, Any], ops_bits: int) -> list[Cond]:
    if var.kind == "bool":
        return []
    x = _lift_var(m, var, v[var.name])
    lo, hi = _bound(var.lo, m, v), _bound(var.hi, m, v)
    if var.kind == "u32":
        lo = 0 if lo is None else lo
        hi = 0xFFFFFFFF if hi is None else hi
    elif var.kind == "int":
        lo = -(1 << (ops_bits - 1)) if lo is None else lo
        hi = (1 << (ops_bits - 1)) - 1 if hi is None else hi
    out: list[Cond] = []
    if lo is not None:
        out.append((var.describe(), m.le(lo, x)))
    if hi is not None:
        out.append((var.describe(), m.le(x, hi)))
    return out


def _make_var(var: Var, ops_bits: int, spec_bits: int) -> Any:
    if var.kind == "int":
        return z3.BitVec(var.name, ops_bits)
    if var.kind == "u32":
        return z3.BitVec(var.name, 32)
    if var.kind == "bool":
        return z3.Bool(var.name)
    if var.kind == "ghost":
        return z3.BitVec(var.name, spec_bits)
    raise ValueError(f"variable {var.name}: unknown kind {var.kind!r}")


def _claim(c: tuple[Any, ...]) -> tuple[str, Any, bool, tuple[Any, ...]]:
    return (c[0], c[1], c[2] if len(c) > 2 else True, c[3] if len(c) > 3 else ())


def build(
    th: Theorem,
    cfg: NumericsConfig,
    ops_bits: int | None = None,
    variables: Sequence[Var] | None = None,
    boundary: Boundary | None = None,
) -> Built:
    """Symbolic inputs, premises and goals for Z3."""
    bits = ops_bits or cfg.acc_bits
    o = Z3Ops(bits)
    vs = list(variables if variables is not None else th.variables(cfg))
    # A uint32 input (the rounding hash) is lifted unsigned: the spec needs 33 bits for it
    # even when the accumulator is narrower.
    m = ZMath(max(th.spec_bits(cfg), bits, 33 if any(var.kind == "u32" for var in vs) else 0))
    v: dict[str, Any] = {}
    premises: list[tuple[str, z3.BoolRef]] = []
    for var in vs:
        v[var.name] = _make_var(var, bits, m.width)
        premises += [(t, m.truth(c)) for t, c in _range_premises(m, var, v, bits)]
    extra = boundary.premises if boundary is not None and boundary.premises is not None else th.premises
    premises += [(t, m.truth(c)) for t, c in extra(m, v, cfg)]
    out = th.model(o, v, cfg)
    facts = th.facts(m, v, out, cfg)
    claims = [_claim(c) for c in th.claims(m, v, out, cfg)]
    goals = [Goal(ob.label, ob.cond, "obligation") for ob in o.obligations]
    goals += [Goal(f"by {f.by}: {f.text} (its premise)", m.truth(f.requires), "requires") for f in facts]
    goals += [Goal(t, m.truth(c), "claim", sp, gen) for t, c, sp, gen in claims]
    goals += [Goal("spec arithmetic fits its width", c, "spec") for c in m.obligations]
    return Built(v, premises, goals, [m.truth(f.gives) for f in facts], len(o.obligations),
                 sorted({f.by for f in facts}))


def _generalized(cond: z3.BoolRef, terms: tuple[Any, ...]) -> z3.BoolRef:
    """cond with each term replaced by a fresh variable of its sort."""
    if not terms:
        return cond
    pairs = [(t, z3.FreshConst(t.sort(), "any")) for t in terms if z3.is_expr(t) and not z3.is_const(t)]
    return z3.substitute(cond, *pairs) if pairs else cond


# -- solving -------------------------------------------------------------------------------


def _solver(timeout_s: float, logic: str | None = "QF_BV") -> z3.Solver:
    s = z3.SolverFor(logic) if logic else z3.Solver()
    s.set("timeout", max(1, int(timeout_s * 1000)))
    s.set("ctrl_c", False)  # Z3 would take SIGINT for itself; tintin.interrupt handles it
    return s


def _check(s: z3.Solver) -> str:
    r = s.check()
    return "sat" if r == z3.sat else "unsat" if r == z3.unsat else "unknown"


def _simplify(c: z3.BoolRef) -> z3.BoolRef:
    return z3.simplify(c, som=True)  # sum-of-monomials normal form decides many identities


_CACHE: dict[tuple[int, int], list[tuple[z3.ExprRef, z3.ExprRef, str, z3.ModelRef | None]]] = {}


def _solve(premises: z3.BoolRef, goal: z3.BoolRef, timeout_s: float) -> tuple[str, z3.ModelRef | None]:
    """Is premises & not goal satisfiable? Identical formulas (two configs that share what a
    theorem depends on) are solved once per process; structural identity is exact in Z3."""
    key = (premises.hash(), goal.hash())
    for p, g, status, model in _CACHE.get(key, []):
        if p.eq(premises) and g.eq(goal):
            return status, model
    s = _solver(timeout_s)
    s.add(premises)
    s.add(z3.Not(goal))
    status = _check(s)
    model = s.model() if status == "sat" else None
    if status != "unknown":
        _CACHE.setdefault(key, []).append((premises, goal, status, model))
    return status, model


@dataclass
class Found:
    model: z3.ModelRef
    case: dict[str, int | bool]  # values of the case-split variables
    label: str


def _cases(vs: Sequence[Var]) -> list[dict[str, int | bool]]:
    """Every combination of the small-range variables marked ``split``."""
    cases: list[dict[str, int | bool]] = [{}]
    for var in vs:
        if not var.split:
            continue
        if var.kind == "bool":
            values: list[int | bool] = [False, True]
        elif isinstance(var.lo, int) and isinstance(var.hi, int):
            values = list(range(var.lo, var.hi + 1))
        else:
            raise ValueError(f"split variable {var.name} needs constant bounds")
        cases = [{**c, var.name: x} for c in cases for x in values]
    return cases


def _substitution(b: Built, case: dict[str, int | bool]) -> list[tuple[Any, Any]]:
    out = []
    for name, x in case.items():
        var = b.vars[name]
        out.append((var, z3.BoolVal(bool(x)) if z3.is_bool(var) else z3.BitVecVal(int(x), var.size())))
    return out


def _refute_one(
    b: Built, goal: Goal, assumed: list[z3.BoolRef], cases: list[dict[str, int | bool]], timeout_s: float
) -> tuple[Found | None, bool]:
    """A counterexample to one goal (or None), and whether the solver gave up somewhere."""
    gave_up = False
    for case in cases if goal.split else [{}]:
        subst = _substitution(b, case)

        def fix(c: z3.BoolRef, subst: list[tuple[Any, Any]] = subst) -> z3.BoolRef:
            return _simplify(z3.substitute(c, *subst) if subst else c)

        g = fix(_generalized(goal.cond, goal.generalize))
        if z3.is_true(g):
            continue
        premises = fix(z3.And(*[c for _, c in b.premises], *assumed))
        if z3.is_false(premises):
            continue
        status, model = _solve(premises, g, timeout_s)
        if status == "sat" and model is not None:
            return Found(model, case, goal.label), gave_up
        gave_up = gave_up or status == "unknown"
    return None, gave_up


def _refute(b: Built, vs: Sequence[Var], timeout_s: float) -> tuple[str, Found | None, str]:
    """Look for inputs meeting the premises that break a goal.

    0. A quick look at the rule obligations alone (short timeout): done if that settles them.
    1. Fact premises and claims in order, each assuming the fact conclusions and claims
       proved before it, case by case over the split variables (unless a claim opts out).
    2. Rule obligations and the spec's no-wrap conditions, assuming everything proved in 1,
       all in one query, and goal by goal only if that fails.
    Each goal is proved from the premises and goals proved before it, so nothing circular
    is assumed. Many small bit-blasted problems are far faster than one big one, and with
    the split variables fixed the simplifier often decides a goal outright. The first
    counterexample stops the search.
    """
    cases = _cases(vs)
    unknown = ""
    side = [g for g in b.goals if g.stage in ("obligation", "spec")]
    # A quick first look at the obligations alone: a broken rule usually overflows, and the
    # counterexample then comes at once instead of after every claim.
    status, _ = _solve(_simplify(z3.And(*[c for _, c in b.premises])),
                       _simplify(z3.And(*[g.cond for g in side])), min(timeout_s, QUICK_S))
    if status == "sat":
        for g in side:
            found, _ = _refute_one(b, Goal(g.label, g.cond, g.stage, True), [], cases, timeout_s)
            if found:
                return "sat", found, found.label
    side_done = status == "unsat"
    assumed: list[z3.BoolRef] = []
    gives = iter(b.gives)
    for g in b.goals:
        if g.stage not in ("requires", "claim"):
            continue
        found, gave_up = _refute_one(b, g, [] if g.generalize else assumed, cases, timeout_s)
        if found:
            return "sat", found, found.label
        given = next(gives) if g.stage == "requires" else g.cond
        if gave_up:
            unknown = unknown or f"'{g.label}'"
        else:
            assumed = [*assumed, given]
    if side_done:
        return ("unknown", None, unknown) if unknown else ("unsat", None, "")
    premises = _simplify(z3.And(*[c for _, c in b.premises], *assumed))
    status, _ = _solve(premises, _simplify(z3.And(*[g.cond for g in side])), timeout_s)
    if status != "unsat":
        for g in side:
            found, gave_up = _refute_one(b, Goal(g.label, g.cond, g.stage, True), assumed, cases, timeout_s)
            if found:
                return "sat", found, found.label
            unknown = unknown or (f"'{g.label}'" if gave_up else "")
    return ("unknown", None, unknown) if unknown else ("unsat", None, "")


def _value(var: Var, model: z3.ModelRef, x: Any) -> int | bool:
    val = model.eval(x, model_completion=True)
    if var.kind == "bool":
        return bool(z3.is_true(val))
    if var.kind == "u32":
        return val.as_long()
    return val.as_signed_long()


def _counterexample(
    th: Theorem, cfg: NumericsConfig, b: Built, found: Found, vs: Sequence[Var], bits: int
) -> Counterexample:
    model, case = found.model, found.case
    inputs = {
        var.name: case[var.name] if var.name in case else _value(var, model, b.vars[var.name]) for var in vs
    }
    subst = _substitution(b, case)
    violated = [
        g.label for g in b.goals
        if z3.is_false(model.eval(z3.substitute(g.cond, *subst) if subst else g.cond, model_completion=True))
    ]
    if found.label not in violated:
        violated.insert(0, found.label)
    return Counterexample(inputs, violated, replay(th, cfg, inputs, bits, vs))


# -- running -------------------------------------------------------------------------------


def run_theorem(
    th: Theorem,
    cfg: NumericsConfig,
    timeout_s: float = 60.0,
    ops_bits: int | None = None,
    with_boundaries: bool = True,
    mutant: str = "",
) -> TheoremResult:
    """Prove one theorem for one config; FAILED results carry a replayed counterexample."""
    t0 = time.perf_counter()
    bits = ops_bits or cfg.acc_bits
    res = TheoremResult(th.name, cfg.name, UNKNOWN, 0.0, th.statement, th.covers, th.guards,
                        ops_bits=bits, mutant=mutant)
    reason = th.applies(cfg)
    if reason:
        res.result, res.note, res.seconds = NOT_APPLICABLE, reason, time.perf_counter() - t0
        return res
    vs = th.variables(cfg)
    b = build(th, cfg, bits, vs)
    res.premises = list(dict.fromkeys(t for t, _ in b.premises))
    res.claims = list(dict.fromkeys(g.label for g in b.goals if g.stage in ("requires", "claim")))
    res.uses = b.uses
    res.obligations = b.n_obligations
    res.limits = [{"macro": li.macro, "value": li.value, "doc": li.doc, "exact": li.exact} for li in th.limits(cfg)]

    zero_limit = any(li.exact and li.value == 0 for li in th.limits(cfg))
    vac = _solver(timeout_s)
    vac.add(*[c for _, c in b.premises])
    res.vacuity = _check(vac)

    status, found, why = _refute(b, vs, timeout_s)
    if status == "sat" and found is not None:
        res.result = FAILED
        res.counterexample = _counterexample(th, cfg, b, found, vs, bits)
    elif status == "unknown":
        res.result, res.note = UNKNOWN, f"solver gave up (timeout {timeout_s:g} s) on {why}"
    elif res.vacuity != "sat" and zero_limit:
        # k in [0, K - 1] is empty: the step lemma says nothing, the boundary shows 1 term fails.
        res.result, res.note = FAILED, "limit 0: not even one term is safe (one term alone overflows)"
    elif res.vacuity != "sat":
        res.result, res.note = FAILED, f"premises are not satisfiable (vacuity check: {res.vacuity})"
    else:
        res.result = PROVED
        _run_lemmas(th, cfg, res, timeout_s)

    if with_boundaries:
        for bd in boundaries_of(th, cfg):
            res.boundaries.append(_run_boundary(th, cfg, bd, timeout_s, bits))
        bad = [x.name for x in res.boundaries if x.status != "counterexample"]
        if res.result == PROVED and bad:
            res.result = UNKNOWN if any(x.status == "unknown" for x in res.boundaries) else FAILED
            res.note = f"limit not shown exact: boundary {', '.join(bad)} found no counterexample"
    if zero_limit and res.result == FAILED and res.counterexample is None:
        res.counterexample = next((x.counterexample for x in res.boundaries if x.counterexample), None)
    need = th.requirement(cfg)
    if need is not None:
        have, want, what = need
        res.requirement = {"proved": have, "required": want, "what": what, "met": have >= want}
        if res.result == PROVED and have < want:
            # The limit is exact, so an input just past it (the boundary counterexample, no
            # larger than the required size) really fails.
            res.result = FAILED
            res.note = f"required {what} {want} exceeds the proved exact limit {have}"
            witness = next((x.counterexample for x in res.boundaries if x.counterexample), None)
            res.counterexample = witness
    res.seconds = time.perf_counter() - t0
    return res


def _run_lemmas(th: Theorem, cfg: NumericsConfig, res: TheoremResult, timeout_s: float) -> None:
    for lemma in th.lemmas(cfg):
        res.claims.append(lemma.text)
        vac = _solver(timeout_s, logic=None)
        vac.add(*lemma.premises)
        s = _solver(timeout_s, logic=None)
        s.add(*lemma.premises)
        s.add(z3.Not(lemma.claim))
        vac_status, status = _check(vac), _check(s)
        if vac_status != "sat":
            res.result, res.note = FAILED, f"lemma premises not satisfiable: {lemma.text}"
        elif status == "sat":
            res.result, res.note = FAILED, f"lemma false: {lemma.text} (model {s.model()})"
        elif status == "unknown":
            res.result, res.note = UNKNOWN, f"solver gave up on lemma: {lemma.text}"
        if res.result != PROVED:
            return


def _run_boundary(th: Theorem, cfg: NumericsConfig, bd: Boundary, timeout_s: float, bits: int) -> BoundaryResult:
    vs = bd.variables(cfg) if bd.variables else th.variables(cfg)
    b = build(th, cfg, bits, vs, boundary=bd)
    status, found, _ = _refute(b, vs, timeout_s)
    if status == "sat" and found is not None:
        return BoundaryResult(bd.name, bd.doc, "counterexample", _counterexample(th, cfg, b, found, vs, bits))
    return BoundaryResult(bd.name, bd.doc, "no counterexample" if status == "unsat" else "unknown")


# -- exact replay --------------------------------------------------------------------------


@dataclass
class Replay:
    premises_hold: bool
    overflow: str | None  # the OracleOverflow message
    failed_claims: list[str]


def evaluate(
    th: Theorem,
    cfg: NumericsConfig,
    inputs: dict[str, int | bool],
    ops_bits: int | None = None,
    variables: Sequence[Var] | None = None,
) -> Replay:
    """Run the theorem on concrete inputs with PyOps (exact, raises on overflow) and PyMath."""
    bits = ops_bits or cfg.acc_bits
    m = PyMath()
    vs = list(variables if variables is not None else th.variables(cfg))
    v = dict(inputs)
    ok = all(bool(c) for var in vs for _, c in _range_premises(m, var, v, bits))
    ok = ok and all(bool(c) for _, c in th.premises(m, v, cfg))
    try:
        out = th.model(PyOps(bits), v, cfg)
    except OracleOverflow as exc:
        return Replay(ok, str(exc), [])
    failed = [f"{f.text} (premise)" for f in th.facts(m, v, out, cfg) if not bool(f.requires)]
    failed += [f"{f.text} (conclusion)" for f in th.facts(m, v, out, cfg) if not bool(f.gives)]
    failed += [c[0] for c in th.claims(m, v, out, cfg) if not bool(c[1])]
    return Replay(ok, None, failed)


def replay(
    th: Theorem, cfg: NumericsConfig, inputs: dict[str, int | bool], ops_bits: int | None = None,
    variables: Sequence[Var] | None = None,
) -> str:
    try:
        r = evaluate(th, cfg, inputs, ops_bits, variables)
    except Exception as exc:  # an input outside the rule's domain can break the Python model
        return f"oracle error: {type(exc).__name__}: {exc}"
    if r.overflow:
        return f"OracleOverflow: {r.overflow}"
    if r.failed_claims:
        return "claim violated: " + "; ".join(r.failed_claims)
    return "not reproduced by the oracle (an obligation PyOps does not check)"


# -- random inputs meeting the premises (to test the proofs against the oracle) ---------------


def sample_inputs(
    th: Theorem, cfg: NumericsConfig, rng: random.Random, n: int, ops_bits: int | None = None, tries: int = 200
) -> list[dict[str, int | bool]]:
    """Inputs drawn in variable order (dependent ranges respected), biased to range ends."""
    bits = ops_bits or cfg.acc_bits
    m = PyMath()
    vs = th.variables(cfg)
    found: list[dict[str, int | bool]] = []
    for _ in range(n * tries):
        if len(found) >= n:
            break
        v: dict[str, Any] = {}
        for var in vs:
            if var.kind == "bool":
                v[var.name] = rng.random() < 0.5
                continue
            lo, hi = _bound(var.lo, m, v), _bound(var.hi, m, v)
            if var.kind == "u32":
                lo, hi = (0 if lo is None else lo), (0xFFFFFFFF if hi is None else hi)
            elif var.kind == "ghost":
                lo, hi = int(lo), int(hi)
            else:
                lo = -(1 << (bits - 1)) if lo is None else max(int(lo), -(1 << (bits - 1)))
                hi = (1 << (bits - 1)) - 1 if hi is None else min(int(hi), (1 << (bits - 1)) - 1)
            if lo > hi:
                break
            if var.pick is not None:
                v[var.name] = var.pick(v)
                continue
            pick = rng.random()
            v[var.name] = lo if pick < 0.15 else hi if pick < 0.3 else rng.randint(lo, hi)
        else:
            if all(bool(c) for _, c in th.premises(m, v, cfg)):
                found.append(v)
    return found
