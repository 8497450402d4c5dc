"""The conformance results: one suite on one target, one built program, one core's kernel
objects, and the whole run. Plain records: they are filled by output_parser.py and
target_job.py, and written out by report.py."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def ok(self) -> bool:
        return self.state == "passed"

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

    def result(self, suite: str, target: str) -> SuiteResult:
        return self.results[(suite, target)]

    @property
    def failures(self) -> list[SuiteResult]:
        return [r for r in self.results.values() if r.state not in ("passed", "skipped")]

    @property
    def ok(self) -> bool:
        return not self.failures and all(k.clean for k in self.kernel_checks)
