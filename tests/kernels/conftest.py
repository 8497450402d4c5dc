"""Fixtures for the kernel tests: the kernels as a host shared library (built once per
session) and a check that no UBSan report appeared while a test ran."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from .hostlib import Kernels, build


@pytest.fixture(scope="session")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Kernels:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not on PATH (install the Debian package gcc)")
    path, flags = build(tmp_path_factory.mktemp("hostlib"))
    return Kernels(path, flags)


@pytest.fixture
def no_ub(kernels: Kernels, capfd: pytest.CaptureFixture[str]) -> Iterator[Kernels]:
    """The kernels; the test fails if UBSan reported undefined behaviour on stderr."""
    yield kernels
    err = capfd.readouterr().err
    assert "runtime error" not in err, f"UBSan report from the kernels:\n{err}"
