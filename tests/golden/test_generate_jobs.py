"""`tintin golden generate --jobs N`: suites built in parallel processes, the bytes of a serial run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tintin.cli import main
from tintin.golden.generate import generate
from tintin.golden.model import GoldenFormatError
from tintin.golden.suites import SUITES

# Cheap suites at the thorough level (built on demand, so not compared with committed files).
NAMES = ["normalize_header", "relu_backward", "fine_up"]


def test_thorough_suites_in_two_processes_match_a_serial_run(tmp_path: Path) -> None:
    serial = generate(SUITES, "thorough", tmp_path / "serial", names=NAMES, progress=False)
    parallel = generate(SUITES, "thorough", tmp_path / "jobs", names=NAMES, progress=False, jobs=2)
    assert [p.name for p in parallel] == [p.name for p in serial] == [f"{n}.thorough.json" for n in NAMES]
    for a, b in zip(serial, parallel, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between --jobs 1 and --jobs 2"


def test_jobs_refuse_suites_outside_the_registry(tmp_path: Path) -> None:
    fake = {n: SUITES[n] for n in NAMES[:1]}
    other = {**fake, "relu_backward": SUITES["relu_backward"]}
    generate(other, "ci", tmp_path, progress=False, jobs=2)  # registered ones are fine
    from dataclasses import replace

    copy = replace(SUITES["fine_up"])
    with pytest.raises(GoldenFormatError, match="only registered suites"):
        generate({**fake, "fine_up": copy}, "ci", tmp_path, progress=False, jobs=2)


def test_jobs_below_one_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["golden", "generate", "--jobs", "0", "--out", str(tmp_path)]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err
