"""The conformance report in three forms: Markdown (for people), JSON (for tools) and JUnit
XML (for CI: one testcase per golden case and target, the failure message is the case's first
failure line). All three, and the console's failure table, are written from the same
ConformanceReport, so they cannot disagree."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from tintin import atomic

from .results import CaseFailure, ConformanceReport, SuiteResult

MARKDOWN_NAME = "conformance.md"
JSON_NAME = "conformance.json"
JUNIT_NAME = "conformance-junit.xml"
REPORT_FORMAT = "tintin-conformance"
# Failing cases the console lists before "and N more" (tintin conformance --max-failures).
DEFAULT_MAX_FAILURES = 20


def _cell(r: SuiteResult) -> str:
    mark = "" if r.state in ("passed", "skipped") else " ✗"
    return f"{r.label}{mark}"


def table(report: ConformanceReport) -> str:
    """The suite x target table (Markdown), as printed by `tintin conformance`."""
    head = "| suite | " + " | ".join(report.targets) + " |"
    rule = "| --- |" + " --- |" * len(report.targets)
    rows = [
        f"| {s} | " + " | ".join(_cell(report.result(s, t)) for t in report.targets) + " |" for s in report.suites
    ]
    return "\n".join([head, rule, *rows])


def _failure_key(f: CaseFailure) -> tuple[object, ...]:
    return (f.suite, f.case, f.kind, f.step, f.tensor, f.index, f.expected, f.actual, f.differing, f.kernel,
            f.line if f.kind not in ("mismatch", "status") else "")


def failing_cases(report: ConformanceReport) -> list[tuple[CaseFailure, list[str]]]:
    """Every failing case once, with the targets it failed on the same way (a wrong golden or
    a portable bug fails every target alike), in suite then output order."""
    merged: dict[tuple[object, ...], tuple[CaseFailure, list[str]]] = {}
    for suite in report.suites:
        for target in report.targets:
            for f in report.result(suite, target).failures:
                entry = merged.setdefault(_failure_key(f), (f, []))
                entry[1].append(target)
    return list(merged.values())


def _dash(v: object) -> str:
    return "-" if v is None else str(v)


def _failure_row(f: CaseFailure, targets: list[str]) -> str:
    reason = f.line.split(" reason=", 1)[-1] if f.kind == "error" else f.line
    if f.kind == "mismatch":
        differing = f"{f.differing} of {f.count}" if f.differing is not None else "-"
        cells = [f.tensor, f.index, f.expected, f.actual, differing]
    elif f.kind == "status":
        cells = [f"status of {f.kernel}", "-", f.expected, f.actual, "-"]
    elif f.kind == "muted":
        cells = ["-", "-", "-", "(detail not printed: suite output budget spent)", "-"]
    else:
        cells = [f.tensor, "-", "-", reason.replace("|", "/"), "-"]
    return "| " + " | ".join(_dash(c) for c in [", ".join(targets), f.suite, f.case, f.step, *cells]) + " |"


def failure_table(report: ConformanceReport, max_failures: int = 0) -> str:
    """Every failing case as a Markdown table, capped after max_failures rows (0: no cap) with a
    line saying how many more there are. Empty when no case failed."""
    rows = failing_cases(report)
    if not rows:
        return ""
    shown = rows if max_failures <= 0 else rows[:max_failures]
    out = ["| targets | suite | case | step | tensor | index | expected | actual | differing |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
           *(_failure_row(f, targets) for f, targets in shown)]
    if len(shown) < len(rows):
        out.append(f"... and {len(rows) - len(shown)} more failing cases (--max-failures 0 lists all; "
                   "every one is in the JSON and JUnit reports)")
    return "\n".join(out)


def family_summary(report: ConformanceReport) -> list[str]:
    """Per failing suite (one kernel function): which case families fail, with failing/total, and
    which pass; targets that fail the same families share a line."""
    lines: list[str] = []
    for suite in report.suites:
        by_pattern: dict[tuple[tuple[str, int, int], ...], list[str]] = {}
        for target in report.targets:
            r = report.result(suite, target)
            if not r.failures:
                continue
            counts = r.family_counts()
            pattern = tuple((fam, n, bad) for fam, (n, bad) in counts.items())
            by_pattern.setdefault(pattern, []).append(target)
        for pattern, targets in by_pattern.items():
            failing = [f"{fam} {bad}/{n}" for fam, n, bad in pattern if bad]
            passing = [fam for fam, _n, bad in pattern if not bad]
            lines.append(f"{suite} on {', '.join(targets)}: failing families {', '.join(failing) or 'none'}; "
                         f"passing {', '.join(passing) or 'none'}")
    return lines


def _size(size: dict[str, int] | None) -> tuple[str, str, str]:
    if not size:
        return ("-", "-", "-")
    return (str(size["text"]), str(size["data"]), str(size["bss"]))


def to_markdown(report: ConformanceReport) -> str:
    failures = report.failures
    verdict = "PASSED" if report.ok else "FAILED"
    out = [
        "# Conformance report",
        "",
        f"**{verdict}**: level `{report.level}`, goldens from `{report.data_dir}`, "
        f"{len(report.suites)} suites x {len(report.targets)} targets, wall time {report.wall_s:.1f} s. "
        "Cells show passed/total cases.",
        "",
        table(report),
        "",
        "## Failing suites and targets",
        "",
    ]
    if failures:
        out += ["| suite | target | state | failing cases | first failure |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {r.suite} | {r.target} | {r.state} | {len(r.failures)} | `{r.failure_text}` |"
                for r in failures]
        cases = failure_table(report)
        if cases:
            out += ["", "## Every failing case", "", cases, "", "## Case families of the failing suites", ""]
            out += [f"- {line}" for line in family_summary(report)]
    else:
        out.append("None: every case matched bit for bit.")
    if any(report.user_functions.values()):
        out += ["", "## Kernel library under test (--kernels)", "",
                "Functions not listed come from the reference kernels in `c_kernels/src`.", "",
                "| target | function | defined in |", "| --- | --- | --- |"]
        out += [f"| {t} | {fn} | `{where}` |" for t, fns in report.user_functions.items() for fn, where in fns.items()]
    out += ["", "## Kernel objects per core (no float, no 64-bit helpers; code size in bytes)", ""]
    out += ["| core | float/64-bit helpers | text | data | bss |", "| --- | --- | --- | --- | --- |"]
    for k in report.kernel_checks:
        helpers = k.error or (", ".join(k.helpers) if k.helpers else "none")
        out.append(f"| {k.target} | {helpers} | " + " | ".join(_size(k.size)) + " |")
    out += ["", "## Programs", ""]
    out += [
        "| target | program | suites | text | data | bss | arena peak / limit | build s | run s | result |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in report.programs:
        arena = f"{p.arena_peak} / {p.arena_limit}" if p.arena_peak is not None else "-"
        state = "passed" if p.passed else ("build error" if p.error else
                                           "timeout" if p.timed_out else f"exit {p.status}")
        out.append(
            f"| {p.target} | {p.name} | {len(p.suites)} | " + " | ".join(_size(p.size))
            + f" | {arena} | {p.build_s:.1f} | {p.duration_s:.1f} | {state} |"
        )
    if report.renode_note:
        out += ["", f"Renode targets: {report.renode_note}."]
    return "\n".join(out) + "\n"


def to_json(report: ConformanceReport) -> dict[str, object]:
    return {
        "format": REPORT_FORMAT,
        "format_version": 2,
        "ok": report.ok,
        "level": report.level,
        "data_dir": report.data_dir,
        "wall_s": round(report.wall_s, 3),
        "targets": list(report.targets),
        "suites": list(report.suites),
        "results": [report.result(s, t).to_json() for s in report.suites for t in report.targets],
        "failing_cases": [{"suite": f.suite, "target": f.target, **f.to_json()}
                          for s in report.suites for t in report.targets for f in report.result(s, t).failures],
        "kernel_checks": [k.to_json() for k in report.kernel_checks],
        "programs": [p.to_json() for p in report.programs],
        "renode": report.renode_note,
        "user_functions": report.user_functions,
    }


def _junit_failure(case: ET.Element, f: CaseFailure, implementation: str) -> None:
    under_test = "" if implementation == "reference" else f" [under test: {implementation}]"
    el = ET.SubElement(case, "failure", message=f.line + under_test, type=f.kind)
    el.text = "\n".join([f.what, *f.notes])


def _junit_suite(suite_el: ET.Element, r: SuiteResult, counts: dict[str, int]) -> None:
    """One testcase per golden case of r; a suite-level testcase for what no case accounts for
    (a fault, a timeout, a line without a case)."""
    classname = f"conformance.{r.target}.{r.suite}"
    ids = set(r.case_ids)
    per_case = [f for f in r.failures if f.case in ids]
    # Cases without a failure line passed only if every case of the suite was counted.
    known = r.cases == r.total and r.passed + len(per_case) == r.total
    for cid in r.case_ids:
        case = ET.SubElement(suite_el, "testcase", classname=classname, name=cid)
        counts["tests"] += 1
        f = r.failure_of(cid)
        if f is not None:
            _junit_failure(case, f, r.implementation)
            counts["failures"] += 1
        elif r.state == "skipped" or not known:
            why = r.detail if r.state == "skipped" else f"no result for this case: suite {r.state}"
            ET.SubElement(case, "skipped", message=why)
            counts["skipped"] += 1
    orphans = [f for f in r.failures if f.case not in ids]
    if r.state not in ("passed", "skipped") and (orphans or not known or not per_case):
        case = ET.SubElement(suite_el, "testcase", classname=classname, name=f"{r.suite} (suite)")
        counts["tests"] += 1
        el = ET.SubElement(case, "failure", message=r.failure_text, type=r.state)
        el.text = "\n".join([f"{r.label}: {r.detail}".strip(), *(f.line for f in orphans)])
        counts["failures"] += 1


def to_junit(report: ConformanceReport) -> ET.ElementTree:
    root = ET.Element("testsuites", name="tintin-conformance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for target in report.targets:
        suite_el = ET.SubElement(root, "testsuite", name=f"conformance.{target}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for name in report.suites:
            _junit_suite(suite_el, report.result(name, target), counts)
        for key, value in counts.items():
            suite_el.set(key, str(value))
            totals[key] += value
    if report.kernel_checks:
        suite_el = ET.SubElement(root, "testsuite", name="conformance.kernel-objects")
        failed = 0
        for k in report.kernel_checks:
            case = ET.SubElement(suite_el, "testcase", classname="conformance.kernel-objects",
                                 name=f"no-float-no-int64.{k.target}")
            if not k.clean:
                ET.SubElement(case, "failure", message=k.error or "helpers: " + ", ".join(k.helpers))
                failed += 1
        suite_el.set("tests", str(len(report.kernel_checks)))
        suite_el.set("failures", str(failed))
        totals["tests"] += len(report.kernel_checks)
        totals["failures"] += failed
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{report.wall_s:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_reports(report: ConformanceReport, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the three reports into out_dir; returns kind -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / MARKDOWN_NAME, "json": out / JSON_NAME, "junit": out / JUNIT_NAME}
    atomic.write_text(paths["markdown"], to_markdown(report))
    atomic.write_text(paths["json"], json.dumps(to_json(report), indent=2) + "\n")
    with atomic.open_atomic(paths["junit"], "wb") as f:
        to_junit(report).write(f, encoding="utf-8", xml_declaration=True)
    return paths


__all__ = ["DEFAULT_MAX_FAILURES", "JSON_NAME", "JUNIT_NAME", "MARKDOWN_NAME", "failing_cases", "failure_table",
           "family_summary", "table", "to_json", "to_junit", "to_markdown",
           "write_reports"]
