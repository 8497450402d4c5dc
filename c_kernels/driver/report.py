"""The conformance report in three forms: Markdown (for people), JSON (for tools) and JUnit
XML (for CI: one testcase per suite x target, the failure message is the first mismatch).
All three are written from the same ConformanceReport, so they cannot disagree."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from tintin import atomic

from .plan import RENODE_TARGET
from .results import ConformanceReport, SuiteResult

MARKDOWN_NAME = "conformance.md"
JSON_NAME = "conformance.json"
JUNIT_NAME = "conformance-junit.xml"
REPORT_FORMAT = "tintin-conformance"


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
        "## First mismatch per failing suite and target",
        "",
    ]
    if failures:
        out += ["| suite | target | state | first failure |", "| --- | --- | --- | --- |"]
        out += [f"| {r.suite} | {r.target} | {r.state} | `{r.first_failure or r.detail}` |" for r in failures]
    else:
        out.append("None: every case matched bit for bit.")
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
        out += ["", f"Renode ({RENODE_TARGET}): {report.renode_note}."]
    return "\n".join(out) + "\n"


def to_json(report: ConformanceReport) -> dict[str, object]:
    return {
        "format": REPORT_FORMAT,
        "format_version": 1,
        "ok": report.ok,
        "level": report.level,
        "data_dir": report.data_dir,
        "wall_s": round(report.wall_s, 3),
        "targets": list(report.targets),
        "suites": list(report.suites),
        "results": [report.result(s, t).to_json() for s in report.suites for t in report.targets],
        "kernel_checks": [k.to_json() for k in report.kernel_checks],
        "programs": [p.to_json() for p in report.programs],
        "renode": report.renode_note,
    }


def to_junit(report: ConformanceReport) -> ET.ElementTree:
    root = ET.Element("testsuites", name="tintin-conformance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for target in report.targets:
        suite_el = ET.SubElement(root, "testsuite", name=f"conformance.{target}")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for name in report.suites:
            r = report.result(name, target)
            case = ET.SubElement(suite_el, "testcase", classname=f"conformance.{target}", name=name)
            counts["tests"] += 1
            if r.state == "skipped":
                ET.SubElement(case, "skipped", message=r.detail)
                counts["skipped"] += 1
            elif r.state != "passed":
                failure = ET.SubElement(case, "failure", message=r.first_failure or r.detail, type=r.state)
                failure.text = f"{r.label}: {r.detail}".strip()
                counts["failures"] += 1
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


__all__ = ["JSON_NAME", "JUNIT_NAME", "MARKDOWN_NAME", "table", "to_json", "to_junit", "to_markdown",
           "write_reports"]
