"""The trivially-equivalent check: a mutant inside code the host does not build compiles to
the original's object, a mutant of code it builds does not; asked again (the originals'
objects are then remembered), the answers stay the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tintin.kernels.driver.program_sources import SRC_DIR
from tintin.mutate.dsp import dsp_only
from tintin.mutate.library import SourceTree, same_code
from tintin.mutate.population import population

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not on PATH (Debian package gcc)")


def test_same_code_tells_dsp_only_mutants_from_built_ones(tmp_path: Path) -> None:
    mutants = population(SRC_DIR, ["tt_dense_forward.c"])
    dsp = dsp_only(SRC_DIR, mutants)[0]  # inside an #if of the DSP build: not compiled on host
    built = next(m for m in mutants if m not in dsp_only(SRC_DIR, mutants) and m.operator == "relational")
    tree = SourceTree(SRC_DIR)
    for _ in range(2):
        assert same_code(tree, dsp, ("host",), tmp_path)
        assert not same_code(tree, built, ("host",), tmp_path)


def test_same_code_of_a_header_mutant_compiles_its_includers(tmp_path: Path) -> None:
    tree = SourceTree(SRC_DIR)
    rules = [m for m in population(SRC_DIR, ["tt_rules.h"]) if m.operator == "shift-direction"][0]
    assert len(tree.touched(rules)) > 1
    assert not same_code(tree, rules, ("host",), tmp_path)
