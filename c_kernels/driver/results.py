"""The conformance results: one suite on one target, one built program, one core's kernel
objects, and the whole run. Plain records: they are filled by output_parser.py and
target_job.py, and written out by report.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Case ids are "<suite>/<name>-<NNNN>"; the family is the name's first word (edges, random, headers, proof...).
_FAMILY = re.compile(r"^[^/]*/([a-z0-9]+)")


def case_family(case_id: str, rejection: bool = False) -> str:
    """The family a golden case belongs to, from its id; rejection cases (param expect_status,
    proof counterexamples among them) are one family: they test the status path, not values."""
    if rejection:
        return "rejection"
    m = _FAMILY.match(case_id)
    return m.group(1) if m else case_id


MUTED_NOTE = "failed; its detail was not printed (the suite had used its TT_SUITE_DETAIL_LINES lines)"


@dataclass
class CaseFailure:
    """One failing golden case on one target, from its first failure line. kind: mismatch (a
    value differs), status (the kernel's status differs), error (the runner could not run it),
    muted (the case failed after its suite had printed its budget of detail lines,
    TT_SUITE_DETAIL_LINES in tt_harness.h), check, fault (a line without a case: the suite or
    program as a whole)."""

    suite: str
    target: str
    case: str | None
    kind: str
    line: str
    step: int | None = None
    tensor: str | None = None
    index: int | None = None
    expected: str | None = None
    actual: str | None = None
    differing: int | None = None
    count: int | None = None
    kernel: str | None = None
    notes: list[str] = field(default_factory=list)  # the case's later lines (other tensors, gradient mode)

    @property
    def what(self) -> str:
        """Expected against actual in a few words: values, statuses or the reason."""
        if self.kind == "mismatch":
            text = f"expected {self.expected}, got {self.actual}"
            if self.differing is not None and self.count is not None:
                text += f" ({self.differing} of {self.count} elements differ)"
            return text
        if self.kind == "status":
            return f"{self.kernel}: expected {self.expected}, got {self.actual}"
        if self.kind == "muted":
            return MUTED_NOTE
        return self.line

    def to_json(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("suite", "target")}


@dataclass
class SuiteResult:
    """One suite on one target. state: passed, failed, error, timeout, fault, build-error,
    skipped, or not-run (the program stopped before reaching it)."""

    suite: str
    target: str
    total: int
    cases: int = 0
    passed: int = 0
    failed: int = 0
    state: str = "not-run"
    first_failure: str | None = None
    detail: str = ""
    parts_seen: int = 0
    implementation: str = "reference"  # or the user's functions this suite exercises (--kernels)
    case_ids: tuple[str, ...] = ()  # the golden cases, in order (one JUnit testcase each)
    families: dict[str, str] = field(default_factory=dict)  # case id -> case_family
    failures: list[CaseFailure] = field(default_factory=list)  # every failing case, in output order

    def failure_of(self, case: str | None) -> CaseFailure | None:
        return next((f for f in self.failures if f.case == case), None)

    def family_counts(self) -> dict[str, tuple[int, int]]:
        """family -> (cases, failing cases), in first-seen order."""
        failing = {f.case for f in self.failures}
        out: dict[str, tuple[int, int]] = {}
        for cid in self.case_ids:
            fam = self.families.get(cid, case_family(cid))
            n, bad = out.get(fam, (0, 0))
            out[fam] = (n + 1, bad + (cid in failing))
        return out

    @property
    def ok(self) -> bool:
        return self.state == "passed"

    @property
    def failure_text(self) -> str:
        """What went wrong, naming the user's functions when they were under test."""
        text = self.first_failure or self.detail
        return text if self.implementation == "reference" else f"{text} [under test: {self.implementation}]"

    @property
    def label(self) -> str:
        if self.state in ("passed", "failed"):
            return f"{self.passed}/{self.total}"
        return self.state

    def to_json(self) -> dict[str, object]:
        return {
            "suite": self.suite,
            "target": self.target,
            "state": self.state,
            "total": self.total,
            "cases": self.cases,
            "passed": self.passed,
            "failed": self.failed,
            "first_failure": self.first_failure,
            "detail": self.detail,
            "implementation": self.implementation,
            "failures": [f.to_json() for f in self.failures],
            "families": {fam: {"cases": n, "failed": bad} for fam, (n, bad) in self.family_counts().items()},
        }


# (suite, target) -> its result; every module of the run fills the same dict.
Results = dict[tuple[str, str], SuiteResult]


@dataclass
class ProgramResult:
    """One built program (a group of golden headers) and its run."""

    target: str
    name: str
    headers: tuple[str, ...]
    suites: tuple[str, ...]
    program: str | None = None
    status: int | None = None
    passed: bool = False
    timed_out: bool = False
    faulted: bool = False
    duration_s: float = 0.0
    build_s: float = 0.0
    size: dict[str, int] | None = None
    arena_peak: int | None = None
    arena_limit: int | None = None
    error: str = ""

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class KernelCheck:
    """Kernel objects alone for one core: float/64-bit helpers and code size."""

    target: str
    helpers: list[str] = field(default_factory=list)
    size: dict[str, int] | None = None
    error: str = ""

    @property
    def clean(self) -> bool:
        return not self.error and not self.helpers

    def to_json(self) -> dict[str, object]:
        return {"target": self.target, "helpers": self.helpers, "size": self.size, "error": self.error,
                "clean": self.clean}


@dataclass
class ConformanceReport:
    level: str
    data_dir: str
    targets: tuple[str, ...]  # one column per target (Renode twins and user targets included)
    suites: tuple[str, ...]
    results: Results
    programs: list[ProgramResult]
    kernel_checks: list[KernelCheck]
    wall_s: float = 0.0
    renode_note: str = ""
    user_functions: dict[str, dict[str, str]] = field(default_factory=dict)  # target -> symbol -> origin

    def result(self, suite: str, target: str) -> SuiteResult:
        return self.results[(suite, target)]

    @property
    def failures(self) -> list[SuiteResult]:
        return [r for r in self.results.values() if r.state not in ("passed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failures and all(k.clean for k in self.kernel_checks)
