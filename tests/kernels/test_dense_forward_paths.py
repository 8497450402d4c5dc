"""tt_dense_forward on every code path and core against the Python oracle.

The dense forward has a DSP path (Cortex-M4/M7/M33/M55: inputs pre-extended to 16-bit lanes
in chunks of 256, 2x2 blocks in assembly, odd rows and outputs by single dots) and a portable
path (host, M0+, M3, and -DTT_NO_DSP). The goldens use small shapes; here one program per core
runs shapes that reach every branch: fan-in below, at and above the chunk size (several
chunks, 0-3 inputs after the last whole group), odd and even batch and outputs, ReLU on and
off, magnitudes that make the window shift left and step up, step down or shift right (the
NITI preset has no fine steps), unaligned x and w, and a -128 anywhere (rejected, outputs
untouched). Inputs come from a small LCG that the program and this file both run; the
program prints a hash of y, the header and acc per case.
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

SRC = PACKAGE_DIR / "src"
# tt_path_helpers.h: the generator, hashes and result line the path programs share.
HELPERS = Path(__file__).resolve().parent
SOURCES = [SRC / "tt_dense_forward.c", SRC / "tt_acc_output.c", SRC / "tt_check_config.c"]
PRESET_NAMES = ("tintin", "niti")
HEADERS = ((-7, 0, 0), (-6, 1, 0), (-9, 0, 2), (3, 2, 0))
X_BYTES, W_BYTES, OUT_MAX = 3000, 3000, 160  # the M0+ board (micro:bit) has 16 KB of RAM
TT_OK, TT_ERR_RANGE = 0, 3

MAIN = r"""
#include <stdint.h>

#include "tintin.h"
#include "tt_harness.h"
#include "tt_presets.h"
#include "tt_dfp_cases.h"
#include "tt_path_helpers.h"

static int8_t xs[TT_DFP_X + 4], ws[TT_DFP_W + 4], y[TT_DFP_OUT];
static int32_t acc[TT_DFP_OUT];

int main(void)
{
    uint32_t c;
    tt_write("TARGET ");
    tt_puts(TT_TARGET);
    for (c = 0; c < sizeof tt_dfp_cases / sizeof tt_dfp_cases[0]; c++) {
        const tt_dfp_case_t *k = &tt_dfp_cases[c];
        const tt_config_t *cfg = k->preset == 0 ? &TT_PRESET_TINTIN : &TT_PRESET_NITI;
        int8_t *x = xs + k->x_off, *w = ws + k->w_off;
        uint32_t nx = k->batch * k->n_in, nw = k->n_out * k->n_in, ny = k->batch * k->n_out, i, h = 2166136261u;
        uint32_t untouched = 1;
        tt_header_t hy = {99, 99, 99};
        tt_status_t st;
        rng = k->seed;
        fill(x, nx, k->mx);
        fill(w, nw, k->mw);
        if (k->bad >= 0) {
            if ((uint32_t)k->bad < nx) x[k->bad] = -128;
            else w[(uint32_t)k->bad - nx] = -128;
        }
        for (i = 0; i < ny; i++) y[i] = 0x5A, acc[i] = 0x5A5A5A5A;
        st = tt_dense_forward(cfg, x, k->hx, w, k->hw, k->batch, k->n_in, k->n_out, k->relu, acc, y, &hy);
        for (i = 0; i < ny; i++) untouched &= (uint32_t)(y[i] == 0x5A && acc[i] == 0x5A5A5A5A);
        h = fnv(h, (const uint8_t *)y, ny);
        h = fnv(h, (const uint8_t *)&hy, sizeof hy);
        for (i = 0; i < ny; i++) {
            uint32_t a = (uint32_t)acc[i];
            uint8_t b[4];
            b[0] = (uint8_t)a, b[1] = (uint8_t)(a >> 8), b[2] = (uint8_t)(a >> 16), b[3] = (uint8_t)(a >> 24);
            h = fnv(h, b, 4);
        }
        tt_write("DF ");
        tt_write_u32(c);
        tt_write(" ");
        tt_write_i32((int32_t)st);
        tt_write(" ");
        tt_write_hex32(st == TT_OK ? h : 0u);
        tt_write(" ");
        tt_write_u32(untouched);
        tt_write("\n");
    }
    return tt_finish(0);
}
"""


class Lcg:
    def __init__(self, seed: int) -> None:
        self.s = seed

    def fill(self, n: int, bound: int) -> np.ndarray:
        out = np.empty(n, np.int64)
        for i in range(n):
            self.s = (self.s * 1664525 + 1013904223) & 0xFFFFFFFF
            out[i] = (self.s >> 8) % (2 * bound + 1) - bound
        return out


def fnv(h: int, data: bytes) -> int:
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def cases() -> list[dict]:
    rng = np.random.default_rng(2024)
    # around 0, 4, 16, 64 inputs, one chunk (256), two chunks (512), and three
    fan_in = [*range(1, 10), 15, 16, 17, 63, 64, 65, *range(252, 261), *range(510, 517), 700]
    out: list[dict] = []
    for i, n_in in enumerate(fan_in * 4):
        cap = max(1, min(X_BYTES, W_BYTES) // n_in)
        batch = int(rng.integers(1, min(5, cap) + 1))
        n_out = int(rng.integers(1, min(7, cap, OUT_MAX // batch) + 1))
        kind = i % 4  # magnitudes: tiny (window left/up), full (down/right), medium, mixed
        mx, mw = [(1, 2), (127, 127), (40, 30), (int(rng.integers(0, 128)), int(rng.integers(0, 128)))][kind]
        out.append(
            {
                "batch": batch,
                "n_in": n_in,
                "n_out": n_out,
                "mx": mx,
                "mw": mw,
                "relu": int(rng.integers(0, 2)),
                "preset": int(rng.integers(0, 2)),
                "hx": HEADERS[int(rng.integers(0, 4))],
                "hw": HEADERS[int(rng.integers(0, 4))],
                "x_off": int(rng.integers(0, 4)),
                "w_off": int(rng.integers(0, 4)),
                "seed": int(rng.integers(0, 2**32)),
                "bad": -1,
            }
        )
    for n_in, batch, n_out in [(64, 4, 6), (257, 3, 5), (9, 2, 2), (700, 2, 4)]:
        for at in sorted(
            {
                0,
                1,
                2,
                3,
                5,
                batch * n_in - 1,
                batch * n_in,
                batch * n_in + 3,
                (batch + n_out) * n_in - 1,
                (batch + n_out) * n_in - 2,
                batch * n_in + n_in // 2,
            }
        ):
            out.append(
                {
                    "batch": batch,
                    "n_in": n_in,
                    "n_out": n_out,
                    "mx": 127,
                    "mw": 127,
                    "relu": 1,
                    "preset": 0,
                    "hx": HEADERS[0],
                    "hw": HEADERS[0],
                    "x_off": at % 4,
                    "w_off": (at + 1) % 4,
                    "seed": 77 + at,
                    "bad": at,
                }
            )
    return out


def cases_header(cs: list[dict]) -> str:
    def hdr(h: tuple[int, int, int]) -> str:
        return "{" + ", ".join(str(v) for v in h) + "}"

    rows = [
        f"    {{{c['seed']}u, {c['batch']}u, {c['n_in']}u, {c['n_out']}u, {c['mx']}u, {c['mw']}u, {c['relu']}, "
        f"{c['preset']}, {hdr(c['hx'])}, {hdr(c['hw'])}, {c['x_off']}u, {c['w_off']}u, {c['bad']}}},"
        for c in cs
    ]
    return "\n".join(
        [
            "#include <stdint.h>",
            '#include "tintin.h"',
            f"#define TT_DFP_X {X_BYTES}u",
            f"#define TT_DFP_W {W_BYTES}u",
            f"#define TT_DFP_OUT {OUT_MAX}u",
            "typedef struct { uint32_t seed, batch, n_in, n_out, mx, mw; int32_t relu, preset; tt_header_t hx, hw;",
            "                 uint32_t x_off, w_off; int32_t bad; } tt_dfp_case_t;",
            "static const tt_dfp_case_t tt_dfp_cases[] = {",
            *rows,
            "};",
            "",
        ]
    )


def expected(c: dict) -> tuple[int, int, int]:
    """(status, hash, untouched) from the oracle."""
    lcg = Lcg(c["seed"])
    b, i, o = c["batch"], c["n_in"], c["n_out"]
    x = lcg.fill(b * i, c["mx"])
    w = lcg.fill(o * i, c["mw"])
    if c["bad"] >= 0:
        return TT_ERR_RANGE, 0, 1
    cfg = PRESETS[PRESET_NAMES[c["preset"]]]
    ops = PyOps()
    t = L.dense_forward(
        ops,
        QTensor(x.reshape(b, i), Header(*c["hx"])),
        QTensor(w.reshape(o, i), Header(*c["hw"])),
        bool(c["relu"]),
        cfg,
    )
    acc = np.asarray(x.reshape(b, i) @ w.reshape(o, i).T, dtype=np.int64)
    if c["relu"]:
        acc = np.maximum(acc, 0)
    h = fnv(2166136261, bytes(int(v) & 0xFF for v in np.asarray(t.q, dtype=object).ravel()))
    h = fnv(h, bytes(int(v) & 0xFF for v in t.h))
    h = fnv(h, acc.astype("<i4").tobytes())
    return TT_OK, h, 0


TARGET_DEFINES = {
    "host": ("host", ()),
    "m0plus": ("m0plus", ()),
    "m3": ("m3", ()),
    "m4": ("m4", ()),
    "m4-nodsp": ("m4", ("TT_NO_DSP",)),
    "m7": ("m7", ()),
    "m33": ("m33", ()),
    "m55": ("m55", ()),
}


def _param(key: str) -> object:
    marks = () if key == "host" else (pytest.mark.toolchain, pytest.mark.qemu)
    return pytest.param(key, id=key, marks=marks)


@pytest.fixture(scope="module")
def oracle() -> tuple[list[dict], list[tuple[int, int, int]]]:
    cs = cases()
    return cs, [expected(c) for c in cs]


@pytest.mark.parametrize("key", [_param(k) for k in TARGET_DEFINES])
def test_dense_forward_every_path(
    key: str, oracle: tuple[list[dict], list[tuple[int, int, int]]], tmp_path: Path
) -> None:
    cs, want = oracle
    target, defines = TARGET_DEFINES[key]
    gen = tmp_path / "gen"
    write_presets_header(gen)
    (gen / "tt_dfp_cases.h").write_text(cases_header(cs))
    (gen / "tt_dfp_main.c").write_text(MAIN)
    elf = build_program(
        target, [gen / "tt_dfp_main.c", *SOURCES], [gen, HELPERS, PACKAGE_DIR / "include", SRC], tmp_path, defines,
        name="dfp"
    )
    run = run_program(target, elf, timeout_s=120.0)
    text = run.stdout + run.stderr
    assert run.passed, text[-2000:]
    got = {}
    for line in text.splitlines():
        if line.startswith("DF "):
            _, idx, st, h, untouched = line.split()
            got[int(idx)] = (int(st), int(h, 16), int(untouched))
    assert sorted(got) == list(range(len(cs))), "the program did not report every case"
    bad = [(i, cs[i], got[i], want[i]) for i in range(len(cs)) if got[i] != want[i]]
    assert not bad, f"{len(bad)} of {len(cs)} cases differ on {key}; first: {bad[0]}"
