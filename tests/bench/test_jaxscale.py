"""The data-parallel scaling figure of bench section (c): the child process measures 1, 2 and 4
forced host devices and the three runs end on the same bits; the report renders every run."""

from __future__ import annotations

from tintin.bench import jaxscale, report
from tintin.bench.models import tiny_mlp


def test_scaling_child_measures_each_device_count_with_the_same_bits() -> None:
    bm = tiny_mlp(batch=8)
    result = jaxscale.measure(bm, repeats=1, min_repeat_s=0.01)
    assert "error" not in result, result
    assert [r["devices"] for r in result["runs"]] == list(jaxscale.DEVICES)
    assert result["same_bits"] is True
    assert all(r["samples_per_s"] > 0 for r in result["runs"])
    lines = report._jax_scaling([result])
    assert sum(1 for line in lines if line.startswith("| tiny MLP")) == len(jaxscale.DEVICES)
    assert "not a speed-up" in " ".join(lines)
