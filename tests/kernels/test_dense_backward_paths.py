"""tt_dense_backward_error and tt_dense_gradient on every code path and core against the oracle.

Both kernels have a DSP path (Cortex-M4/M7/M33/M55) beside the portable one (host, M0+, M3 and
-DTT_NO_DSP). The backward error pairs outputs and takes inputs four at a time (an odd last
output, 0-3 inputs after the last four in C) over chunks of 128 batch rows; the gradient packs
x once per call when it fits its 2 KB buffer (batch rows in pairs, padded to a multiple of four;
inputs four at a time) and otherwise uses the portable rows. The shapes here reach every one of
those branches: every n_in mod 4, odd and even batch and outputs, batch mod 4, more than one
chunk of rows, x just inside and just outside the buffer, more than 256 rows, unaligned
pointers, both presets, and a -128 anywhere (rejected). The M0+ board (16 KB) runs the small
cases only. Inputs come from the LCG the program and this file both run; the program prints a
hash of the outputs, header and accumulators per case.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tintin.kernels.driver.build import PACKAGE_DIR, build_program
from tintin.kernels.driver.presets import write_presets_header
from tintin.kernels.driver.run import run_program
from tintin.reference import layers as L
from tintin.reference.config import PRESETS
from tintin.reference.layers import QTensor
from tintin.reference.ops import PyOps
from tintin.reference.rules import Header

from .test_dense_forward_paths import HEADERS, PRESET_NAMES, TARGET_DEFINES, Lcg, fnv

SRC = PACKAGE_DIR / "src"
# tt_path_helpers.h: the generator, hashes and result line the path programs share.
HELPERS = Path(__file__).resolve().parent
SOURCES = [SRC / f"{n}.c" for n in ("tt_dense_backward_error", "tt_dense_gradient", "tt_acc_output",
                                     "tt_requant_output", "tt_check_config", "tt_update_dense")]
SMALL_BI = 1200  # batch x n_in of the cases the micro:bit (16 KB of RAM) runs
TT_OK, TT_ERR_RANGE = 0, 3

MAIN = r"""
#include <stdint.h>

#include "tintin.h"
#include "tt_harness.h"
#include "tt_presets.h"
#include "tt_dbp_cases.h"
#include "tt_path_helpers.h"

static int8_t es[TT_DBP_E + 4], ws[TT_DBP_W + 4], xs[TT_DBP_X + 4], ein[TT_DBP_X];
static int32_t acc[TT_DBP_X], g[TT_DBP_W];

int main(void)
{
    uint32_t c;
    tt_write("TARGET ");
    tt_puts(TT_TARGET);
    for (c = 0; c < sizeof tt_dbp_cases / sizeof tt_dbp_cases[0]; c++) {
        const tt_dbp_case_t *k = &tt_dbp_cases[c];
        const tt_config_t *cfg = k->preset == 0 ? &TT_PRESET_TINTIN : &TT_PRESET_NITI;
        int8_t *e = es + k->e_off, *w = ws + k->w_off, *x = xs + k->x_off;
        uint32_t ne = k->batch * k->n_out, nw = k->n_out * k->n_in, nx = k->batch * k->n_in, h;
        tt_header_t ho = {99, 99, 99};
        tt_status_t st;
        rng = k->seed;
        fill(e, ne, k->me);
        fill(w, nw, k->mw);
        fill(x, nx, k->mx);
        if (k->bad >= 0) {
            if ((uint32_t)k->bad < ne) e[k->bad] = -128;
            else if ((uint32_t)k->bad < ne + nw) w[(uint32_t)k->bad - ne] = -128;
            else x[(uint32_t)k->bad - ne - nw] = -128;
        }
        st = tt_dense_backward_error(cfg, e, k->he, w, k->hw, k->batch, k->n_in, k->n_out, acc, ein, &ho);
        h = fnv(2166136261u, (const uint8_t *)ein, nx);
        h = fnv(h, (const uint8_t *)&ho, sizeof ho);
        report("BE ", c, st, fnv32(h, acc, nx));
        st = tt_dense_gradient(e, k->he, x, k->hx, k->batch, k->n_in, k->n_out, g, &ho);
        h = fnv(2166136261u, (const uint8_t *)&ho, sizeof ho);
        report("DG ", c, st, fnv32(h, g, nw));
    }
    return tt_finish(0);
}
"""


def cases(small: bool) -> list[dict]:
    rng = np.random.default_rng(13)
    shapes = [(b, i, o) for b in (1, 2, 3, 4, 5, 7, 8) for i in (1, 2, 3, 4, 5, 6, 7, 8, 13) for o in (1, 2, 3)]
    shapes += [(32, 64, 10), (32, 16, 7), (9, 63, 4), (6, 17, 5), (129, 4, 3), (130, 9, 2), (300, 4, 2),
               (5, 260, 2), (8, 256, 2), (8, 257, 2), (7, 254, 1), (12, 171, 2), (13, 160, 2), (32, 65, 2)]
    out: list[dict] = []
    for j, (b, i, o) in enumerate(shapes):
        if small and b * i > SMALL_BI:
            continue
        kind = j % 4  # magnitudes: tiny, full, medium, mixed
        me, mw, mx = [(1, 2, 1), (127, 127, 127), (40, 30, 50), tuple(int(v) for v in rng.integers(0, 128, 3))][kind]
        out.append({"batch": b, "n_in": i, "n_out": o, "me": me, "mw": mw, "mx": mx,
                    "preset": int(rng.integers(0, 2)), "he": HEADERS[int(rng.integers(0, 4))],
                    "hw": HEADERS[int(rng.integers(0, 4))], "hx": HEADERS[int(rng.integers(0, 4))],
                    "e_off": int(rng.integers(0, 4)), "w_off": int(rng.integers(0, 4)),
                    "x_off": int(rng.integers(0, 4)), "seed": int(rng.integers(0, 2**32)), "bad": -1})
    b, i, o = 5, 9, 3
    n = b * o + o * i + b * i
    for at in (0, 1, b * o - 1, b * o, b * o + o * i - 1, b * o + o * i, n - 1, n - 5):
        out.append({"batch": b, "n_in": i, "n_out": o, "me": 127, "mw": 127, "mx": 127, "preset": 0,
                    "he": HEADERS[0], "hw": HEADERS[0], "hx": HEADERS[0], "e_off": at % 4, "w_off": (at + 1) % 4,
                    "x_off": (at + 2) % 4, "seed": 99 + at, "bad": at})
    return out


def cases_header(cs: list[dict]) -> str:
    def hdr(h: tuple[int, int, int]) -> str:
        return "{" + ", ".join(str(v) for v in h) + "}"

    rows = [
        f"    {{{c['seed']}u, {c['batch']}u, {c['n_in']}u, {c['n_out']}u, {c['me']}u, {c['mw']}u, {c['mx']}u, "
        f"{c['preset']}, {hdr(c['he'])}, {hdr(c['hw'])}, {hdr(c['hx'])}, {c['e_off']}u, {c['w_off']}u, "
        f"{c['x_off']}u, {c['bad']}}},"
        for c in cs
    ]
    sizes = {
        "E": max(c["batch"] * c["n_out"] for c in cs),
        "W": max(c["n_out"] * c["n_in"] for c in cs),
        "X": max(c["batch"] * c["n_in"] for c in cs),
    }
    return "\n".join([
        "#include <stdint.h>",
        '#include "tintin.h"',
        *(f"#define TT_DBP_{k} {v}u" for k, v in sizes.items()),
        "typedef struct { uint32_t seed, batch, n_in, n_out, me, mw, mx; int32_t preset; tt_header_t he, hw, hx;",
        "                 uint32_t e_off, w_off, x_off; int32_t bad; } tt_dbp_case_t;",
        "static const tt_dbp_case_t tt_dbp_cases[] = {",
        *rows,
        "};",
        "",
    ])


def _acc_hash(h: int, a: np.ndarray) -> int:
    return fnv(h, np.asarray(a, dtype=np.int64).astype("<i4").tobytes())


def expected(c: dict) -> tuple[tuple[int, int], tuple[int, int]]:
    """((status, hash) of the backward error, (status, hash) of the gradient) from the oracle."""
    lcg = Lcg(c["seed"])
    b, i, o = c["batch"], c["n_in"], c["n_out"]
    e = lcg.fill(b * o, c["me"]).reshape(b, o)
    w = lcg.fill(o * i, c["mw"]).reshape(o, i)
    x = lcg.fill(b * i, c["mx"]).reshape(b, i)
    # the backward error reads e and w, the gradient e and x: a -128 in one of them is rejected
    bad, n_e, n_ew = c["bad"], b * o, b * o + o * i
    be_bad, dg_bad = 0 <= bad < n_ew, 0 <= bad < n_e or bad >= n_ew
    cfg = PRESETS[PRESET_NAMES[c["preset"]]]
    ops = PyOps()
    be = (TT_ERR_RANGE, 0)
    if not be_bad:
        t = L.dense_backward_error(ops, QTensor(e, Header(*c["he"])), QTensor(w, Header(*c["hw"])), cfg)
        h = fnv(2166136261, bytes(int(v) & 0xFF for v in np.asarray(t.q, dtype=object).ravel()))
        h = fnv(h, bytes(int(v) & 0xFF for v in t.h))
        be = (TT_OK, _acc_hash(h, e @ w))
    if dg_bad:
        return be, (TT_ERR_RANGE, 0)
    g, hg = L.dense_gradient(ops, QTensor(e, Header(*c["he"])), QTensor(x, Header(*c["hx"])))
    h = fnv(2166136261, bytes(int(v) & 0xFF for v in hg))
    dg = (TT_OK, _acc_hash(h, np.asarray(g, dtype=np.int64)))
    return be, dg


def _param(key: str) -> object:
    marks = () if key == "host" else (pytest.mark.toolchain, pytest.mark.qemu)
    return pytest.param(key, id=key, marks=marks)


@pytest.mark.parametrize("key", [_param(k) for k in TARGET_DEFINES])
def test_dense_backward_every_path(key: str, tmp_path: Path) -> None:
    cs = cases(small=key == "m0plus")
    want = [expected(c) for c in cs]
    target, defines = TARGET_DEFINES[key]
    gen = tmp_path / "gen"
    write_presets_header(gen)
    (gen / "tt_dbp_cases.h").write_text(cases_header(cs))
    (gen / "tt_dbp_main.c").write_text(MAIN)
    elf = build_program(
        target, [gen / "tt_dbp_main.c", *SOURCES], [gen, HELPERS, PACKAGE_DIR / "include", SRC], tmp_path, defines,
        name="dbp"
    )
    run = run_program(target, elf, timeout_s=180.0)
    text = run.stdout + run.stderr
    assert run.passed, text[-2000:]
    got: dict[tuple[str, int], tuple[int, int]] = {}
    for line in text.splitlines():
        if line.startswith(("BE ", "DG ")):
            tag, idx, st, h = line.split()
            got[(tag, int(idx))] = (int(st), int(h, 16))
    assert len(got) == 2 * len(cs), "the program did not report every case"
    bad = [(k, cs[k[1]], got[k], want[k[1]][0 if k[0] == "BE" else 1]) for k in sorted(got)
           if got[k] != want[k[1]][0 if k[0] == "BE" else 1]]
    assert not bad, f"{len(bad)} of {2 * len(cs)} results differ on {key}; first: {bad[0]}"
