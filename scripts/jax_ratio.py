"""Section (c) of the bench alone, several times: the integer / float32 ratio per model, median and spread.

    timeout 900 .venv/bin/python scripts/jax_ratio.py [RUNS] [KEY,KEY...]

Each run is the bench's own measurement (tintin.bench.jaxspeed.measure with the full run's
repeats=7, min_repeat_s=0.3: integer and float steps alternating in one process). On a shared
machine one run is noisy; the median of a few is the figure to compare.
"""

from __future__ import annotations

import statistics
import sys


def main(runs: int, keys: list[str] | None) -> None:
    from tintin.bench import jaxspeed
    from tintin.bench.models import DIGITS_MLP, LENET8_B16, LENET28_B8

    for bm in (DIGITS_MLP, LENET8_B16, LENET28_B8):
        if keys is not None and bm.key not in keys:
            continue
        results = [jaxspeed.measure(bm, repeats=7, min_repeat_s=0.3) for _ in range(runs)]
        for r in results:
            print(f"{bm.key}: ratio {r.ratio:.3f}, int {r.int_step_ms:.3f} ms, float {r.float_step_ms:.3f} ms",
                  flush=True)
        ratios = sorted(r.ratio for r in results)
        print(f"== {bm.key}: median ratio {statistics.median(ratios):.3f} (range {ratios[0]:.3f}-{ratios[-1]:.3f}, "
              f"{runs} runs)", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3, sys.argv[2].split(",") if len(sys.argv) > 2 else None)
