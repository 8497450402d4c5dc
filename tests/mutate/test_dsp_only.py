"""The DSP-only selection of `tintin mutate --dsp-only` (tintin/mutate/dsp.py)."""

from __future__ import annotations

from tintin.kernels.driver.program_sources import SRC_DIR
from tintin.mutate.dsp import dsp_lines, dsp_only
from tintin.mutate.population import population

TEXT = """int a;
#if TT_USE_DSP
int dsp1;
#if defined(__GNUC__)
int dsp2;
#endif
#else
int portable1;
#endif
#if !(defined(__ARM_FEATURE_DSP) && !defined(TT_NO_DSP))
int portable2;
#else
int dsp3;
#endif
#ifdef __ARM_FEATURE_SAT /* saturation */
int dsp4;
#endif
#if defined(__GNUC__)
int other;
#elif TT_USE_DSP
int dsp5;
#endif
"""


def test_dsp_lines_follow_the_feature_present_branches() -> None:
    lines = TEXT.splitlines()
    got = {lines[n - 1] for n in dsp_lines(TEXT)}
    assert got == {"int dsp1;", "int dsp2;", "int dsp3;", "int dsp4;", "int dsp5;"}


def test_dsp_only_population_of_the_reference_kernels() -> None:
    every = population(SRC_DIR)
    chosen = dsp_only(SRC_DIR, every)
    files = {m.file for m in chosen}
    # the DSP dot products and the DSP loops of the layers; nothing of a file without a DSP branch
    assert {"tt_dot.h", "tt_dsp.h", "tt_rules.h"} <= files
    assert "tt_check_config.c" not in files and "tt_relu_forward.c" not in files
    assert 0 < len(chosen) < len(every)
    dot = [m for m in chosen if m.file == "tt_dot.h"]
    text = (SRC_DIR / "tt_dot.h").read_text()
    assert all(m.line in dsp_lines(text) for m in dot)
