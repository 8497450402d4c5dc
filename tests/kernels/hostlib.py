"""The C kernels as a host shared library, with their C API described to ctypes.

Built with UBSan when the instrumented library loads (recoverable mode: a report goes to
stderr and the test checking stderr fails), else plain. Arrays are numpy arrays passed by
pointer; ``None`` passes NULL.
"""

from __future__ import annotations

import ctypes
import subprocess
from ctypes import POINTER, c_int8, c_int32, c_uint32
from pathlib import Path
from typing import Any

import numpy as np

from tintin.kernels.driver.build import PACKAGE_DIR
from tintin.kernels.driver.presets import CONFIG_FIELDS, write_presets_header

TT_OK, TT_ERR_NULL, TT_ERR_SHAPE, TT_ERR_RANGE, TT_ERR_CONFIG, TT_ERR_HEADER = range(6)
TT_MLP_MAX_LAYERS = 8
TT_SEQ_MAX_LAYERS = 16
TT_DENSE, TT_CONV2D, TT_MAXPOOL2D, TT_FLATTEN = 1, 2, 3, 4
TT_GRAD_STORED, TT_GRAD_RECOMPUTE = 0, 1  # tt_grad_mode_t

SOURCES = [*sorted((PACKAGE_DIR / "src").glob("*.c")), PACKAGE_DIR / "conformance" / "tt_conf_presets.c"]
FLAG_SETS = (
    ("-O1", "-g", "-fsanitize=undefined", "-fno-omit-frame-pointer"),
    ("-O1", "-g"),
)


class Header(ctypes.Structure):
    _fields_ = [("s", c_int8), ("u", c_int8), ("d", c_int8)]

    def tuple(self) -> tuple[int, int, int]:
        return (self.s, self.u, self.d)


class Config(ctypes.Structure):
    _fields_ = [*((name, c_int32) for name in CONFIG_FIELDS), ("exp2_table", POINTER(c_int32))]


class Mlp(ctypes.Structure):
    _fields_ = [
        ("n_layers", c_uint32),
        ("sizes", c_uint32 * (TT_MLP_MAX_LAYERS + 1)),
        ("batch", c_uint32),
        ("loss_mse", c_int32),
    ]


class MlpState(ctypes.Structure):
    _fields_ = [
        ("w", POINTER(c_int8) * TT_MLP_MAX_LAYERS),
        ("h", Header * TT_MLP_MAX_LAYERS),
        ("seed", c_int32),
        ("step", c_int32),
    ]


class MlpWorkspace(ctypes.Structure):
    _fields_ = [("act", POINTER(c_int8)), ("err_a", POINTER(c_int8)), ("err_b", POINTER(c_int8)),
                ("acc", POINTER(c_int32))]


class MlpWorkspaceSize(ctypes.Structure):
    _fields_ = [("act_bytes", c_uint32), ("err_bytes", c_uint32), ("acc_words", c_uint32)]


class Metrics(ctypes.Structure):
    _fields_ = [("correct", c_int32), ("error_abs_sum", c_int32)]


class ConvGeometry(ctypes.Structure):
    _fields_ = [(name, c_uint32) for name in ("batch", "height", "width", "channels", "out_channels", "kernel",
                                               "stride", "pad")]


class Layer(ctypes.Structure):
    _fields_ = [("kind", c_int32), ("out", c_uint32), ("kernel", c_uint32), ("stride", c_uint32),
                ("pad", c_uint32), ("relu", c_int32)]


class Seq(ctypes.Structure):
    _fields_ = [
        ("n_layers", c_uint32),
        ("layers", Layer * TT_SEQ_MAX_LAYERS),
        ("in_h", c_uint32),
        ("in_w", c_uint32),
        ("in_c", c_uint32),
        ("batch", c_uint32),
        ("loss_mse", c_int32),
    ]


# tt_model_state_t, tt_workspace_t and tt_workspace_size_t are the MLP's types under other names.
ModelState, Workspace, WorkspaceSize = MlpState, MlpWorkspace, MlpWorkspaceSize


P8, P32, PU32 = POINTER(c_int8), POINTER(c_int32), POINTER(c_uint32)
PCFG, PHDR = POINTER(Config), POINTER(Header)
U32 = c_uint32

SIGNATURES: dict[str, list[Any]] = {
    "tt_rshift_round": [P32, P32, P32, U32],
    "tt_rshift_stochastic": [P32, P32, PU32, P32, U32],
    "tt_counter_hash": [P32, P32, P32, P32, PU32, U32],
    "tt_fine_up": [PCFG, P32, P32, U32],
    "tt_fine_down": [PCFG, P32, P32, U32],
    "tt_normalize_header": [P8, P8, U32],
    "tt_requantise": [PCFG, P32, U32, Header, P8, PHDR],
    "tt_window": [PCFG, P8, U32, PHDR],
    "tt_rescale_to_coarser": [PCFG, P32, U32, Header, Header, P32],
    "tt_relu_forward": [P32, P32, U32],
    "tt_relu_backward": [P8, P8, P8, U32],
    "tt_dense_forward": [PCFG, P8, Header, P8, Header, U32, U32, U32, c_int32, P32, P8, PHDR],
    "tt_dense_backward_error": [PCFG, P8, Header, P8, Header, U32, U32, U32, P32, P8, PHDR],
    "tt_dense_gradient": [P8, Header, P8, Header, U32, U32, U32, P32, PHDR],
    "tt_update_dense": [PCFG, P8, PHDR, P32, Header, U32, c_int32, c_int32, c_int32],
    "tt_dense_gradient_update": [PCFG, P8, Header, P8, Header, U32, U32, U32, P8, PHDR, c_int32, c_int32, c_int32,
                                 P32, U32],
    "tt_softmax_xent_error": [PCFG, P8, Header, P32, U32, U32, P32, P8, PHDR],
    "tt_mse_error": [PCFG, P8, Header, P8, Header, U32, P8, PHDR],
    "tt_mlp_workspace_size": [POINTER(Mlp), POINTER(MlpWorkspaceSize)],
    "tt_train_step_mlp": [PCFG, POINTER(Mlp), POINTER(MlpState), P8, Header, P32, P8, Header,
                          POINTER(MlpWorkspace), POINTER(Metrics)],
    "tt_check_config": [PCFG],
    "tt_conv2d_forward": [PCFG, POINTER(ConvGeometry), P8, Header, P8, Header, c_int32, P32, P8, PHDR],
    "tt_conv2d_backward_error": [PCFG, POINTER(ConvGeometry), P8, Header, P8, Header, P32, P8, PHDR],
    "tt_conv2d_gradient": [POINTER(ConvGeometry), P8, Header, P8, Header, P32, PHDR],
    "tt_conv2d_gradient_update": [PCFG, POINTER(ConvGeometry), P8, Header, P8, Header, P8, PHDR, c_int32, c_int32,
                                  c_int32, P32, U32],
    "tt_maxpool2d_forward": [P8, U32, U32, U32, U32, U32, P8],
    "tt_maxpool2d_backward": [P8, P8, U32, U32, U32, U32, U32, P8],
    "tt_seq_workspace_size": [POINTER(Seq), POINTER(MlpWorkspaceSize)],
    "tt_train_step_seq": [PCFG, POINTER(Seq), POINTER(MlpState), P8, Header, P32, P8, Header,
                          POINTER(MlpWorkspace), POINTER(Metrics)],
    "tt_seq_workspace_size_mode": [POINTER(Seq), c_int32, POINTER(MlpWorkspaceSize)],
    "tt_train_step_seq_mode": [PCFG, POINTER(Seq), POINTER(MlpState), P8, Header, P32, P8, Header,
                               POINTER(MlpWorkspace), c_int32, POINTER(Metrics)],
}
# Functions returning uint32 (a size), not a status.
U32_SIGNATURES: dict[str, list[Any]] = {
    "tt_conv_out_size": [U32, U32, U32, U32],
    "tt_seq_weight_count": [POINTER(Seq), U32],
}


def build(out_dir: Path) -> tuple[Path, tuple[str, ...]]:
    """Compile the shared library; returns its path and the flags that worked."""
    include = [PACKAGE_DIR / "include", PACKAGE_DIR / "src", PACKAGE_DIR / "platform", PACKAGE_DIR / "conformance",
               write_presets_header(out_dir / "include").parent]
    errors = []
    for k, flags in enumerate(FLAG_SETS):
        lib = out_dir / f"libtintin{k}.so"
        cmd = ["gcc", "-std=c99", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", *flags,
               *(f"-I{d}" for d in include), *map(str, SOURCES), "-o", str(lib)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            errors.append(proc.stderr)
            continue
        try:
            ctypes.CDLL(str(lib))
        except OSError as exc:  # e.g. the UBSan runtime refuses to be loaded late
            errors.append(str(exc))
            continue
        return lib, flags
    raise RuntimeError("could not build or load the kernels as a shared library:\n" + "\n".join(errors))


class Kernels:
    """The loaded library: kernels with argtypes set, presets and pointer helpers."""

    def __init__(self, path: Path, flags: tuple[str, ...]) -> None:
        self.lib = ctypes.CDLL(str(path))
        self.flags = flags
        self.sanitized = any("sanitize" in f for f in flags)
        for name, argtypes in SIGNATURES.items():
            fn = getattr(self.lib, name)
            fn.argtypes = argtypes
            fn.restype = c_int32
        for name, argtypes in U32_SIGNATURES.items():
            fn = getattr(self.lib, name)
            fn.argtypes = argtypes
            fn.restype = c_uint32
        self.lib.tt_preset.argtypes = [ctypes.c_char_p]
        self.lib.tt_preset.restype = PCFG
        self.lib.tt_conf_preset_for.argtypes = [ctypes.c_char_p]
        self.lib.tt_conf_preset_for.restype = PCFG

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lib, name)

    def preset(self, name: str) -> Any:
        """Pointer to the generated preset (ctypes POINTER(Config))."""
        p = self.lib.tt_preset(name.encode())
        if not p:
            raise KeyError(name)
        return p


def ptr(a: np.ndarray | None) -> Any:
    """A ctypes pointer to a numpy array's data (None: NULL)."""
    if a is None:
        return None
    kind = {np.dtype(np.int8): P8, np.dtype(np.int32): P32, np.dtype(np.uint32): PU32}[a.dtype]
    assert a.flags.c_contiguous
    return a.ctypes.data_as(kind)


def header(h: Any) -> Header:
    s, u, d = (int(v) for v in h)
    return Header(s, u, d)
