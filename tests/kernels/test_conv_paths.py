"""tt_conv2d_forward's patch path and tt_conv2d_backward_error's DSP path on every core against
the host build.

Every build computes a convolution from the patches of two output positions (im2col, zeros for
the padding) run through the dense forward's 2x2 blocks: packed SMLAD blocks on DSP cores
(Cortex-M4/M7/M33/M55), tt_dot_2x2 (assembly on ARMv6-M) elsewhere; patches longer than the
stack buffer (512 bytes on DSP cores, 256 otherwise) use the direct loops. The host build is
checked against the JAX reference by test_differential_conv.py; here one program runs geometries
that reach every branch - one and several channels, patch lengths around the 256-input chunk
and past both buffers, an odd number of output positions, odd and even output channels, stride
2, padding 0-2, ReLU on and off, unaligned x and w - and every core must print the host's
hashes of y, header and acc. The backward error of the same geometries (random errors) runs the
DSP cores' gather form (kernels transposed on the stack when OC*K*K*C <= 1024 bytes, else the
scatter loops every portable build runs) and must match too, and so must the gradient of the
same geometries (the DSP cores' packed rows when x fits the 2 KB pack and C >= 2, else the
portable rows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tintin.kernels.driver.build import PACKAGE_DIR, build_program
from tintin.kernels.driver.presets import write_presets_header
from tintin.kernels.driver.run import run_program

from .test_dense_forward_paths import HEADERS, TARGET_DEFINES

SRC = PACKAGE_DIR / "src"
# tt_path_helpers.h: the generator, hashes and result line the path programs share.
HELPERS = Path(__file__).resolve().parent
SOURCES = [SRC / f"{n}.c" for n in ("tt_conv2d_forward", "tt_conv2d_backward_error", "tt_conv_check",
                                     "tt_conv_out_size", "tt_acc_output", "tt_requant_output", "tt_check_config",
                                     "tt_conv2d_gradient", "tt_update_dense", "tt_counter_hash", "tt_dense_forward")]

MAIN = r"""
#include <stdint.h>

#include "tintin.h"
#include "tt_harness.h"
#include "tt_presets.h"
#include "tt_cfp_cases.h"
#include "tt_path_helpers.h"

static int8_t xs[TT_CFP_X + 4], ws[TT_CFP_W + 4], y[TT_CFP_Y], es[TT_CFP_Y + 4], ein[TT_CFP_X];
#define TT_CFP_XY (TT_CFP_Y > TT_CFP_X ? TT_CFP_Y : TT_CFP_X)
static int32_t acc[TT_CFP_XY > TT_CFP_W ? TT_CFP_XY : TT_CFP_W]; /* also the gradient */

int main(void)
{
    uint32_t c;
    tt_write("TARGET ");
    tt_puts(TT_TARGET);
    for (c = 0; c < sizeof tt_cfp_cases / sizeof tt_cfp_cases[0]; c++) {
        const tt_cfp_case_t *k = &tt_cfp_cases[c];
        const tt_config_t *cfg = k->preset == 0 ? &TT_PRESET_TINTIN : &TT_PRESET_NITI;
        tt_conv_geometry_t g = {k->b, k->h, k->w, k->c, k->oc, k->k, k->s, k->p};
        int8_t *x = xs + k->x_off, *w = ws + k->w_off;
        uint32_t oh = (k->h + 2u * k->p - k->k) / k->s + 1u, ow = (k->w + 2u * k->p - k->k) / k->s + 1u;
        uint32_t ny = k->b * oh * ow * k->oc, h = 2166136261u;
        tt_header_t hy = {99, 99, 99};
        tt_status_t st;
        rng = k->seed;
        fill(x, k->b * k->h * k->w * k->c, k->mx);
        fill(w, k->oc * k->k * k->k * k->c, k->mw);
        st = tt_conv2d_forward(cfg, &g, x, k->hx, w, k->hw, k->relu, acc, y, &hy);
        h = fnv(h, (const uint8_t *)y, ny);
        h = fnv(h, (const uint8_t *)&hy, sizeof hy);
        h = fnv32(h, acc, ny);
        report("CF ", c, st, h);
        fill(es + k->x_off, ny, k->mx);
        st = tt_conv2d_backward_error(cfg, &g, es + k->x_off, k->hx, w, k->hw, acc, ein, &hy);
        h = fnv(2166136261u, (const uint8_t *)ein, k->b * k->h * k->w * k->c);
        h = fnv(h, (const uint8_t *)&hy, sizeof hy);
        report("CB ", c, st, fnv32(h, acc, k->b * k->h * k->w * k->c));
        st = tt_conv2d_gradient(&g, es + k->x_off, k->hx, x, k->hw, acc, &hy);
        h = fnv(2166136261u, (const uint8_t *)&hy, sizeof hy);
        report("CG ", c, st, fnv32(h, acc, k->oc * k->k * k->k * k->c));
    }
    return tt_finish(0);
}
"""

# (batch, height, width, channels, out channels, kernel, stride, pad)
GEOMETRIES = [
    (1, 5, 5, 1, 1, 3, 1, 1), (2, 6, 5, 1, 6, 3, 1, 1), (1, 7, 7, 1, 5, 5, 1, 2), (3, 4, 4, 2, 3, 3, 2, 1),
    (2, 4, 4, 6, 16, 3, 1, 1), (1, 6, 6, 6, 7, 5, 1, 0), (1, 5, 6, 3, 4, 1, 1, 0), (2, 5, 5, 5, 2, 2, 2, 0),
    (1, 6, 6, 11, 3, 5, 1, 1), (1, 5, 5, 10, 4, 5, 1, 0), (1, 5, 5, 21, 3, 5, 1, 0), (1, 3, 3, 20, 2, 5, 1, 1),
    (3, 3, 3, 1, 2, 3, 1, 0), (1, 8, 8, 4, 9, 3, 2, 2), (2, 5, 7, 7, 1, 3, 1, 1), (1, 2, 2, 64, 2, 2, 1, 0),
    # the gradient's DSP rows: an odd batch with three channels; x past the 2 KB pack; error pairs past 64
    (3, 5, 5, 3, 4, 3, 1, 1), (1, 6, 6, 16, 2, 3, 1, 2), (3, 9, 9, 2, 1, 3, 1, 1),
    # one input channel with stride 2 (the DSP cores' one-channel patches, tt_im2col1)
    (2, 7, 6, 1, 3, 3, 2, 1),
]


def cases() -> list[dict]:
    rng = np.random.default_rng(7)
    out = []
    for j, geo in enumerate(GEOMETRIES * 2):
        kind = j % 3
        mx, mw = [(1, 2), (127, 127), (40, 30)][kind]
        out.append({"geo": geo, "mx": mx, "mw": mw, "relu": j % 2, "preset": int(rng.integers(0, 2)),
                    "hx": HEADERS[int(rng.integers(0, 4))], "hw": HEADERS[int(rng.integers(0, 4))],
                    "x_off": int(rng.integers(0, 4)), "w_off": int(rng.integers(0, 4)),
                    "seed": int(rng.integers(0, 2**32))})
    return out


def _sizes(geo: tuple[int, ...]) -> tuple[int, int, int]:
    b, h, w, c, oc, k, s, p = geo
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    return b * h * w * c, oc * k * k * c, b * oh * ow * oc


def cases_header(cs: list[dict]) -> str:
    def hdr(h: tuple[int, int, int]) -> str:
        return "{" + ", ".join(str(v) for v in h) + "}"

    rows = [
        "    {" + ", ".join(f"{v}u" for v in c["geo"]) + f", {c['seed']}u, {c['mx']}u, {c['mw']}u, {c['relu']}, "
        f"{c['preset']}, {hdr(c['hx'])}, {hdr(c['hw'])}, {c['x_off']}u, {c['w_off']}u}},"
        for c in cs
    ]
    sx, sw, sy = (max(_sizes(c["geo"])[i] for c in cs) for i in range(3))
    return "\n".join([
        "#include <stdint.h>",
        '#include "tintin.h"',
        f"#define TT_CFP_X {sx}u",
        f"#define TT_CFP_W {sw}u",
        f"#define TT_CFP_Y {sy}u",
        "typedef struct { uint32_t b, h, w, c, oc, k, s, p, seed, mx, mw; int32_t relu, preset; tt_header_t hx, hw;",
        "                 uint32_t x_off, w_off; } tt_cfp_case_t;",
        "static const tt_cfp_case_t tt_cfp_cases[] = {",
        *rows,
        "};",
        "",
    ])


def _run(key: str, cs: list[dict], tmp_path: Path) -> dict[tuple[str, int], tuple[int, int]]:
    target, defines = TARGET_DEFINES[key]
    gen = tmp_path / f"gen-{key}"
    write_presets_header(gen)
    (gen / "tt_cfp_cases.h").write_text(cases_header(cs))
    (gen / "tt_cfp_main.c").write_text(MAIN)
    elf = build_program(target, [gen / "tt_cfp_main.c", *SOURCES], [gen, HELPERS, PACKAGE_DIR / "include", SRC],
                        tmp_path, defines, name=f"cfp-{key}")
    run = run_program(target, elf, timeout_s=180.0)
    text = run.stdout + run.stderr
    assert run.passed, text[-2000:]
    got = {}
    for line in text.splitlines():
        if line.startswith(("CF ", "CB ", "CG ")):
            tag, idx, st, h = line.split()
            got[(tag, int(idx))] = (int(st), int(h, 16))
    assert len(got) == 3 * len(cs), f"{key}: the program did not report every case"
    return got


def _param(key: str) -> object:
    return pytest.param(key, id=key, marks=(pytest.mark.toolchain, pytest.mark.qemu))


@pytest.mark.parametrize("key", [_param(k) for k in TARGET_DEFINES if k != "host"])
def test_conv_kernels_match_the_host(key: str, tmp_path: Path) -> None:
    cs = cases()
    want = _run("host", cs, tmp_path)
    assert all(st == 0 for st, _ in want.values()), "every case is a valid convolution"
    got = _run(key, cs, tmp_path)
    bad = [(k, cs[k[1]]["geo"], got[k], want[k]) for k in sorted(want) if got[k] != want[k]]
    assert not bad, f"{len(bad)} of {3 * len(cs)} results differ from the host on {key}; first: {bad[0]}"
