"""Where `tintin bench` writes: out/bench/ under the current folder by default; the committed
BENCHMARKS.md and benchmarks.json only with --update-committed, and never from a --quick run.
The measurements are replaced by a stub, so this checks the folder rule alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tintin import cmd_bench
from tintin.bench import runner
from tintin.cli import main


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[runner.Options]:
    seen: list[runner.Options] = []

    def fake_run(opts: runner.Options) -> dict[str, Any]:
        seen.append(opts)
        return {"wall_seconds": 0.0, "ram": {}, "instructions": {}, "jax": {},
                "times": {"goldens": {}, "proofs": {}}}

    monkeypatch.setattr(runner, "run", fake_run)
    return seen


def _committed() -> tuple[bytes, bytes]:
    root = cmd_bench.repo_root()
    return (root / runner.MD_NAME).read_bytes(), (root / runner.JSON_NAME).read_bytes()


@pytest.mark.parametrize("quick", [False, True])
def test_default_is_out_bench_under_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       calls: list[runner.Options], quick: bool) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["bench", "--no-progress", *(["--quick"] if quick else [])]) == 0
    assert [(c.out.resolve(), c.quick) for c in calls] == [((tmp_path / "out" / "bench").resolve(), quick)]
    assert cmd_bench.repo_root().resolve() != (tmp_path / "out" / "bench").resolve()


def test_update_committed_targets_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      calls: list[runner.Options]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["bench", "--no-progress", "--update-committed"]) == 0
    assert [c.out.resolve() for c in calls] == [cmd_bench.repo_root().resolve()]
    assert calls[0].command == "tintin bench --update-committed" and not calls[0].quick


@pytest.mark.parametrize("args", [["--quick", "--update-committed"], ["--quick", "--out", "{root}"]])
def test_quick_never_replaces_the_committed_files(args: list[str], calls: list[runner.Options],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = _committed()
    root = str(cmd_bench.repo_root())
    assert main(["bench", "--no-progress", *(a.format(root=root) for a in args)]) == 2
    assert calls == [] and _committed() == before
    assert "--quick results may not replace the committed" in capsys.readouterr().err


def test_update_committed_takes_no_out(tmp_path: Path, calls: list[runner.Options],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--update-committed", "--out", str(tmp_path)]) == 2
    assert calls == [] and "takes no --out" in capsys.readouterr().err
