"""The proof report: console table, Markdown, JSON, the C header of proved limits, and
counterexamples turned into golden-vector cases."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import z3

from tintin import atomic
from tintin.proofs.configs import EXPECTED_FAILURES, Targets
from tintin.proofs.prover import FAILED, PROVED, Counterexample, TheoremResult
from tintin.reference.config import NumericsConfig


@dataclass
class Report:
    results: list[TheoremResult]
    configs: dict[str, NumericsConfig]
    targets: Targets
    seconds: float
    mutants: list[TheoremResult] = field(default_factory=list)  # each must be FAILED
    derived: list[str] = field(default_factory=list)  # rule parameters derived for custom widths, and why

    def failed(self) -> list[TheoremResult]:
        return [r for r in self.results if not r.ok]

    def unexpected(self) -> list[TheoremResult]:
        """Outcomes that differ from configs.EXPECTED_FAILURES (either way)."""
        out = []
        for r in self.results:
            expected_fail = r.theorem in EXPECTED_FAILURES.get(r.config, frozenset())
            if expected_fail != (r.result == FAILED) or r.result not in (PROVED, FAILED, "n/a"):
                out.append(r)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": "tintin prove",
            "z3_version": z3.get_version_string(),
            "seconds": round(self.seconds, 3),
            "targets": asdict(self.targets),
            "configs": {name: c.to_json() for name, c in self.configs.items()},
            "results": [
                {**r.to_json(), "expected_failure": r.theorem in EXPECTED_FAILURES.get(r.config, frozenset())}
                for r in self.results
            ],
            "mutants": [r.to_json() for r in self.mutants],
            "derived": list(self.derived),
            "counterexample_cases": counterexample_cases(self),
        }


def _status(r: TheoremResult) -> str:
    if r.result == FAILED and r.theorem in EXPECTED_FAILURES.get(r.config, frozenset()):
        return "FAILED (expected)"
    return r.result


# -- console ----------------------------------------------------------------------------------


def table(report: Report) -> str:
    rows = [("theorem", "config", "result", "time")]
    rows += [(r.theorem, r.config, _status(r), f"{r.seconds:.2f}s") for r in report.results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in report.mutants:
        caught = "caught" if r.result == FAILED and r.counterexample else f"NOT CAUGHT ({r.result})"
        lines.append(f"mutant {r.mutant} -> {r.theorem} [{r.config}]: {caught} {r.seconds:.2f}s")
    lines.append(f"total {report.seconds:.1f}s, {sum(r.result == PROVED for r in report.results)} proved, "
                 f"{sum(r.result == FAILED for r in report.results)} failed, "
                 f"{sum(r.result not in (PROVED, FAILED) for r in report.results)} other")
    return "\n".join(lines)


def limit_lines(report: Report) -> list[str]:
    """Each exact limit with the counterexample one past it (what the header exports)."""
    out = []
    for r in report.results:
        for li in r.limits:
            if not li["exact"]:
                continue
            value, what = li["value"], li["doc"]
            past = next((b.counterexample for b in r.boundaries if b.counterexample), None)
            head = f"{r.theorem} [{r.config}]: {what} = {value}"
            if value == 0:
                head += " (limit 0: not even one term is safe)"
            if r.result != PROVED and not (r.requirement and past is not None):
                head += f" - not proved ({r.result}{': ' + r.note if r.note else ''})"
            elif r.requirement and not r.requirement["met"]:
                head += f" - below the required {r.requirement['required']}"
            if past is not None:
                head += f"; one past it fails: {_inputs(past)} ({past.replay})"
            else:
                head += "; no counterexample one past it (not shown exact)"
            out.append(head)
    return out


def describe_failure(r: TheoremResult) -> str:
    lines = [f"{r.theorem} [{r.config}]: {r.result}" + (f" - {r.note}" if r.note else "")]
    if r.counterexample:
        cx = r.counterexample
        lines.append("  counterexample: " + ", ".join(f"{k} = {v}" for k, v in cx.inputs.items()))
        lines += [f"    violates: {v}" for v in cx.violated[:8]]
        lines.append(f"    exact oracle: {cx.replay}")
    return "\n".join(lines)


# -- Markdown ---------------------------------------------------------------------------------


def _derived_block(report: Report) -> list[str]:
    if not report.derived:
        return []
    return ["## Derived parameters", "",
            "Not given on the command line, so derived for the widths asked about (proofs/widths.py):", "",
            *[f"- {d}" for d in report.derived], ""]


def to_markdown(report: Report) -> str:
    out = [
        "# Proof report (`tintin prove`)",
        "",
        f"Z3 {z3.get_version_string()}; {len(report.results)} theorem runs in {report.seconds:.1f} s. "
        "Every theorem runs the unchanged rules of `tintin.reference.rules` under `Z3Ops`; "
        "`proved` means the premises imply every overflow obligation and every claim, the "
        "premises are satisfiable (not vacuous), every lemma holds and every boundary "
        "variant has a counterexample (the limit is exact).",
        "",
        f"Required sizes: fan-in {report.targets.fan_in}, fan-out {report.targets.fan_out}, "
        f"batch {report.targets.batch}, classes {report.targets.classes}; convolution patch "
        f"{report.targets.conv_patch}, backward sum {report.targets.conv_backward_terms}, gradient sum "
        f"{report.targets.conv_gradient_terms} (batch x output positions).",
        "",
        *_derived_block(report),
        "## Summary",
        "",
        "| theorem | " + " | ".join(report.configs) + " |",
        "| --- | " + " | ".join("---" for _ in report.configs) + " |",
    ]
    by = {(r.theorem, r.config): r for r in report.results}
    for name in dict.fromkeys(r.theorem for r in report.results):
        cells = [f"{_status(by[(name, c)])} ({by[(name, c)].seconds:.1f}s)" if (name, c) in by else "-"
                 for c in report.configs]
        out.append(f"| `{name}` | " + " | ".join(cells) + " |")
    out += ["", "## Proved limits", "", "| config | limit | value | theorem | status |",
            "| --- | --- | --- | --- | --- |"]
    for r in report.results:
        for li in r.limits:
            out.append(f"| {r.config} | `{li['macro']}` | {li['value']} | `{r.theorem}` | "
                       f"{_limit_status(r, li['exact'])} |")
    if report.mutants:
        out += ["", "## Mutants (each must yield a counterexample)", "",
                "| mutant | theorem | config | result | counterexample |",
                "| --- | --- | --- | --- | --- |"]
        for r in report.mutants:
            cx = f"{_inputs(r.counterexample)} ({r.counterexample.replay})" if r.counterexample else "-"
            out.append(f"| `{r.mutant}` | `{r.theorem}` | {r.config} | {r.result} | {cx} |")
    out += ["", "## Theorems", ""]
    for r in report.results:
        out += [f"### `{r.theorem}` [{r.config}]: {_status(r)}", "", r.statement, "",
                f"- covers: {', '.join(f'`{c}`' for c in r.covers)}",
                f"- guards: {', '.join(f'`{g}`' for g in r.guards)}",
                f"- accumulator bits: {r.ops_bits}; obligations: {r.obligations}; vacuity check: {r.vacuity}; "
                f"time: {r.seconds:.2f} s"]
        if r.uses:
            out.append(f"- uses lemmas of: {', '.join(f'`{u}`' for u in r.uses)}")
        if r.note:
            out.append(f"- note: {r.note}")
        out.append("- premises:")
        out += [f"  - {p}" for p in r.premises]
        out.append("- claims:")
        out += [f"  - {c}" for c in r.claims]
        for b in r.boundaries:
            cx = f": {_inputs(b.counterexample)} ({b.counterexample.replay})" if b.counterexample else ""
            out.append(f"- boundary `{b.name}` ({b.doc}): {b.status}{cx}")
        if r.counterexample:
            out.append(f"- **counterexample**: {_inputs(r.counterexample)}")
            out.append(f"  - violates: {'; '.join(r.counterexample.violated)}")
            out.append(f"  - exact oracle: {r.counterexample.replay}")
        out.append("")
    return "\n".join(out)


def _inputs(cx: Counterexample) -> str:
    return ", ".join(f"{k} = {v}" for k, v in cx.inputs.items())


def _limit_status(r: TheoremResult, exact: bool = True) -> str:
    kind = "proved exact" if exact else "proved bound"
    if r.result == PROVED:
        return kind
    if r.requirement and not r.requirement["met"] and all(b.status == "counterexample" for b in r.boundaries):
        return f"{kind}; below the required {r.requirement['required']}"
    return "not proved"


# -- C header ---------------------------------------------------------------------------------


def _macro_prefix(config: str) -> str:
    return "TT_PROVED_" + config.upper().replace("-", "_").replace(".", "_")


def c_header(report: Report) -> str:
    out = [
        "/* tt_proved_limits.h - limits proved by `tintin prove` (generated; do not edit).",
        " *",
        " * Each TT_PROVED_<CONFIG>_<LIMIT> is exact: proved safe by the named Z3 theorem, with a",
        " * counterexample just past it. Limits of theorems that were not proved are left out.",
        " * A kernel selects its config with TT_PROVED_CONFIG_<CONFIG> (or defines its own",
        " * TT_MAX_FAN_IN etc., which are then checked against the proved values).",
        " */",
        "#ifndef TT_PROVED_LIMITS_H",
        "#define TT_PROVED_LIMITS_H",
        "",
        "#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L",
        "#define TT_PROVED_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)",
        "#else /* C99: a negative array size fails the build */",
        "#define TT_PROVED_CAT2(a, b) a##b",
        "#define TT_PROVED_CAT(a, b) TT_PROVED_CAT2(a, b)",
        "#define TT_PROVED_STATIC_ASSERT(cond, msg) \\",
        "    typedef char TT_PROVED_CAT(tt_proved_assert_, __LINE__)[(cond) ? 1 : -1]",
        "#endif",
        "",
    ]
    for name, cfg in report.configs.items():
        pre = _macro_prefix(name)
        rs = [r for r in report.results if r.config == name]
        out += [f"/* config {name}: int{cfg.payload_bits} payloads, int{cfg.acc_bits} accumulators */",
                f"#define {pre}_PAYLOAD_BITS {cfg.payload_bits}",
                f"#define {pre}_ACC_BITS {cfg.acc_bits}",
                f"#define {pre}_QMAX {cfg.qmax}"]
        for r in rs:
            for li in r.limits:
                status = _limit_status(r, li["exact"])
                if status == "not proved":
                    out.append(f"/* {pre}_{li['macro']} not proved ({r.theorem}: {r.result}) */")
                    continue
                out.append(f"#define {pre}_{li['macro']} {li['value']} /* {li['doc']}; {r.theorem}: {status} */")
        out += _consistency_asserts(pre, cfg, rs)
        out.append("")
    out += _selected_block(report)
    out += ["#endif /* TT_PROVED_LIMITS_H */", ""]
    return "\n".join(out)


DOT_LIMITS = ("MAX_FAN_IN", "MAX_FAN_OUT", "MAX_BATCH", "MAX_CONV_PATCH", "MAX_CONV_BACKWARD_TERMS",
              "MAX_CONV_GRADIENT_TERMS")


def _consistency_asserts(pre: str, cfg: NumericsConfig, rs: list[TheoremResult]) -> list[str]:
    """Checks the C compiler repeats: each exact limit really is the arithmetic bound."""
    have = {li["macro"] for r in rs for li in r.limits if _limit_status(r) != "not proved"}
    out = []
    for macro in DOT_LIMITS:
        if macro in have:
            out.append(f"TT_PROVED_STATIC_ASSERT({pre}_{macro} * {pre}_QMAX * {pre}_QMAX <= {cfg.acc_max}LL && "
                       f"({pre}_{macro} + 1LL) * {pre}_QMAX * {pre}_QMAX > {cfg.acc_max}LL, "
                       f"\"{pre}_{macro} is the exact dot-product limit\");")
    return out


def _selected_block(report: Report) -> list[str]:
    out = ["/* The selected config's limits, and checks of a kernel's own limits against them. */"]
    macros = sorted({li["macro"] for r in report.results for li in r.limits})
    for i, name in enumerate(report.configs):
        pre = _macro_prefix(name)
        out.append(f"{'#if' if i == 0 else '#elif'} defined(TT_PROVED_CONFIG_{pre[len('TT_PROVED_'):]})")
        for macro in macros:
            if any(li["macro"] == macro and _limit_status(r) != "not proved"
                   for r in report.results if r.config == name for li in r.limits):
                out.append(f"#define TT_PROVED_{macro} {pre}_{macro}")
    out.append("#endif")
    for macro in (*DOT_LIMITS, "MAX_CLASSES"):
        mine = f"TT_{macro}"
        out += [f"#if defined({mine}) && !defined(TT_PROVED_{macro})",
                f"#error \"{mine} is set but the selected config has no proved {macro}\"",
                f"#elif defined({mine})",
                f"TT_PROVED_STATIC_ASSERT({mine} <= TT_PROVED_{macro}, \"{mine} exceeds the proved limit\");",
                "#endif"]
    out.append("")
    return out


# -- counterexamples as golden cases -------------------------------------------------------


def counterexample_cases(report: Report) -> list[dict[str, Any]]:
    """Each counterexample as a case for the golden suites: inputs (name -> int) that make
    the named C function overflow or break its contract, with a comment and flags.

    Counterexamples of the main query and of every boundary (the inputs just past an exact
    limit) are included. Names follow the theorem's variables: an element and its tensor's
    max (``g``, ``g_max``: the tensor holds an element of magnitude ``g_max``), header fields
    (``w_h.s``), the rounding hash (``bits``); dot products give ``terms`` equal products
    ``x_fill * w_fill``. Booleans become 0/1.
    """
    from tintin.proofs import theorems as T

    cases = []
    for r in [*report.results, *report.mutants]:
        found: list[tuple[str, Counterexample]] = []
        if r.counterexample:
            found.append(("counterexample", r.counterexample))
        found += [(f"boundary {b.name}", b.counterexample) for b in r.boundaries if b.counterexample]
        seen: set[str] = set()
        th = T.get(r.theorem)
        cfg = report.configs[r.config]
        for kind, cx in found:
            inputs = {k: int(v) for k, v in cx.inputs.items()}
            if th.to_case is not None:
                inputs = th.to_case(inputs, cfg)
            key = json.dumps(inputs, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            cases.append({
                "id": ".".join(_slug(x) for x in (r.config, r.theorem, kind, r.mutant) if x),
                "theorem": r.theorem,
                "config": r.config,
                "kernel": r.guards[0] if r.guards else "",
                "kernels": list(r.guards),
                "kind": kind,
                "comment": f"{kind} of {r.theorem}: {'; '.join(cx.violated[:3])}; oracle: {cx.replay}",
                "flags": ["proof-counterexample", "overflow" if cx.oracle_overflow else "contract"],
                "inputs": inputs,
            })
    return cases


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.]+", "-", text.lower()).strip("-")


CASES_FORMAT = "tintin-proof-counterexamples"


def counterexample_cases_doc(report: Report) -> dict[str, Any]:
    """The counterexample cases as the golden suites' source (golden_vectors/proof_counterexamples.json).

    Deterministic for a given set of counterexamples: cases sorted by id, no times or versions.
    Each case also names its mutant ("" for none). configs, mutants and targets say what was
    run, so a check can repeat the run and compare the ids.
    """
    mutant_ids = {
        ".".join(_slug(x) for x in (r.config, r.theorem, "counterexample", r.mutant)): r.mutant for r in report.mutants
    }
    cases = [{**c, "mutant": mutant_ids.get(c["id"], "")} for c in counterexample_cases(report)]
    return {
        "format": CASES_FORMAT,
        "format_version": 1,
        "note": "Counterexamples found by `tintin prove` (report.counterexample_cases): the golden suites "
        "turn them into cases (golden_vectors/suites/proof_cases.py) without running Z3. Regenerate "
        "with `tintin prove --config all --mutants --expected-ok --cases-out "
        "golden_vectors/proof_counterexamples.json`; Z3 may pick other values, the ids stay.",
        "configs": list(report.configs),
        "mutants": [r.mutant for r in report.mutants],
        "targets": asdict(report.targets),
        "cases": sorted(cases, key=lambda c: c["id"]),
    }


def dumps_counterexample_cases(report: Report) -> str:
    """counterexample_cases_doc as stable JSON text (sorted keys, 2-space indent, ASCII, final newline)."""
    return json.dumps(counterexample_cases_doc(report), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def write(report: Report, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "proofs.md", out_dir / "proofs.json", out_dir / "tt_proved_limits.h"]
    atomic.write_text(paths[0], to_markdown(report) + "\n")
    atomic.write_text(paths[1], json.dumps(report.to_json(), indent=2) + "\n")
    atomic.write_text(paths[2], c_header(report))
    return paths
