"""Section (a): training-time RAM of the integer C train step against float32 training.

The integer side asks the C library itself: ``tt_seq_workspace_size_mode`` (the exact static
buffers ``tt_train_step_seq_mode`` needs in a gradient mode) and ``tt_seq_weight_count``, called
through ctypes on a host build of c_kernels/src. What each side counts, in bytes, for batch B:

integer (tt_train_step_seq)
  weights       int8, one byte per weight
  headers       one (S, U, D) int8 triple per weight tensor and one for the input batch
  workspace     act (every layer's int8 output) + err_a + err_b (int8 error ping-pong)
                + 4 * acc_words (the int32 scratch: largest accumulator, softmax row and gradient:
                the whole gradient of the largest layer in the mode "stored", one gradient row in
                the mode "recompute", which computes the rows that do not fit twice)
  input batch   int8 inputs B x n_in, plus int32 labels (classification; the autoencoder's
                target is the input buffer itself)

The totals are those of the library's default mode (``TT_GRAD_DEFAULT``: what
``tt_train_step_seq`` and the instruction counts of section (b) use); the other mode's acc and
totals are given beside them. Only acc differs between the modes.

float32 training (the same model, layer for layer)
  weights       4 bytes per weight
  activations   4 bytes per element of every layer output kept for backprop (the same
                tensors the C step keeps)
  errors        two float32 error buffers of the widest layer (the same ping-pong)
  gradients     4 bytes per weight: a gradient buffer for every layer
  input batch   float32 inputs, plus int32 labels

"float32, lean" keeps the integer step's schedule (each layer updated as soon as its
gradient exists, so one gradient buffer of the largest layer) and shows how much of the
saving comes from 8-bit storage alone. Stack is not in either total (no float C step exists
to measure); the integer step's peak stack, measured on QEMU, is reported beside it.
"""

from __future__ import annotations

import ctypes
import subprocess
from ctypes import POINTER, c_int32, c_uint32
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from tintin.bench.models import BenchModel, CModel
from tintin.kernels.driver.build import PACKAGE_DIR, find_tool

TT_SEQ_MAX_LAYERS = 16
TT_MAX_PARAM_LAYERS = 8
HEADER_BYTES = 3  # tt_header_t: three int8
GRAD_MODES = {"stored": 0, "recompute": 1}  # tt_grad_mode_t: TT_GRAD_STORED, TT_GRAD_RECOMPUTE
DEFAULT_GRAD_MODE = "recompute"  # TT_GRAD_DEFAULT (c_kernels/include/tintin.h); account() checks it


class CLayerStruct(ctypes.Structure):
    _fields_ = [("kind", c_int32), ("out", c_uint32), ("kernel", c_uint32), ("stride", c_uint32),
                ("pad", c_uint32), ("relu", c_int32)]


class SeqStruct(ctypes.Structure):
    _fields_ = [("n_layers", c_uint32), ("layers", CLayerStruct * TT_SEQ_MAX_LAYERS), ("in_h", c_uint32),
                ("in_w", c_uint32), ("in_c", c_uint32), ("batch", c_uint32), ("loss_mse", c_int32)]


class WorkspaceSizeStruct(ctypes.Structure):
    _fields_ = [("act_bytes", c_uint32), ("err_bytes", c_uint32), ("acc_words", c_uint32)]


def build_host_library(out_dir: Path) -> Path:
    """c_kernels/src compiled for the host as a shared library (for ctypes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lib = out_dir / "libtintin_bench.so"
    src = PACKAGE_DIR / "src"
    cmd = [find_tool("gcc"), "-std=c99", "-O1", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror",
           f"-I{PACKAGE_DIR / 'include'}", f"-I{src}", *map(str, sorted(src.glob("*.c"))), "-o", str(lib)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"building the host kernel library failed:\n{proc.stderr}")
    return lib


class HostKernels:
    """tt_seq_workspace_size(_mode) and tt_seq_weight_count through ctypes."""

    def __init__(self, lib_path: Path) -> None:
        self.lib = ctypes.CDLL(str(lib_path))
        self.lib.tt_seq_workspace_size.argtypes = [POINTER(SeqStruct), POINTER(WorkspaceSizeStruct)]
        self.lib.tt_seq_workspace_size.restype = c_int32
        self.lib.tt_seq_workspace_size_mode.argtypes = [POINTER(SeqStruct), c_int32, POINTER(WorkspaceSizeStruct)]
        self.lib.tt_seq_workspace_size_mode.restype = c_int32
        self.lib.tt_seq_weight_count.argtypes = [POINTER(SeqStruct), c_uint32]
        self.lib.tt_seq_weight_count.restype = c_uint32

    @staticmethod
    def seq(m: CModel) -> SeqStruct:
        if len(m.layers) > TT_SEQ_MAX_LAYERS:
            raise ValueError(f"at most {TT_SEQ_MAX_LAYERS} layers")
        s = SeqStruct()
        s.n_layers = len(m.layers)
        for i, layer in enumerate(m.layers):
            s.layers[i] = CLayerStruct(layer.kind, layer.out, layer.kernel, layer.stride, layer.pad, layer.relu)
        s.in_h, s.in_w, s.in_c, s.batch, s.loss_mse = m.in_h, m.in_w, m.in_c, m.batch, m.loss_mse
        return s

    def workspace(self, m: CModel, mode: str | None = None) -> WorkspaceSizeStruct:
        """The step's buffers in a gradient mode (GRAD_MODES); None: the library's default mode
        (tt_seq_workspace_size, what tt_train_step_seq needs)."""
        size = WorkspaceSizeStruct()
        if mode is None:
            status = self.lib.tt_seq_workspace_size(ctypes.byref(self.seq(m)), ctypes.byref(size))
        else:
            status = self.lib.tt_seq_workspace_size_mode(ctypes.byref(self.seq(m)), GRAD_MODES[mode],
                                                         ctypes.byref(size))
        if status != 0:
            raise ValueError(f"tt_seq_workspace_size rejected the model (status {status})")
        return size

    def weight_counts(self, m: CModel) -> list[int]:
        s = self.seq(m)
        counts = [int(self.lib.tt_seq_weight_count(ctypes.byref(s), p)) for p in range(TT_MAX_PARAM_LAYERS)]
        return [c for c in counts if c]


@dataclass(frozen=True)
class RamAccount:
    key: str
    title: str
    batch: int
    n_params: int
    # integer side
    int_weights: int
    int_headers: int
    int_act: int
    int_err: int  # both buffers
    int_acc: int  # bytes
    int_input: int
    int_labels: int
    # float side
    f_weights: int
    f_act: int
    f_err: int
    f_grads: int
    f_grads_lean: int
    f_input: int
    f_labels: int
    grad_mode: str = DEFAULT_GRAD_MODE  # the gradient mode of int_acc and every integer total
    int_acc_modes: dict[str, int] = field(default_factory=dict)  # acc bytes in each gradient mode
    stack_peak: dict[str, int] | None = None  # measured on QEMU per core (not in the totals)

    @property
    def int_workspace(self) -> int:
        return self.int_act + self.int_err + self.int_acc

    @property
    def int_total(self) -> int:
        return self.int_weights + self.int_headers + self.int_workspace + self.int_input + self.int_labels

    @property
    def float_total(self) -> int:
        return self.f_weights + self.f_act + self.f_err + self.f_grads + self.f_input + self.f_labels

    @property
    def float_lean_total(self) -> int:
        return self.float_total - self.f_grads + self.f_grads_lean

    @property
    def ratio(self) -> float:
        return self.int_total / self.float_total

    @property
    def saving(self) -> float:
        return 1.0 - self.ratio

    @property
    def saving_lean(self) -> float:
        return 1.0 - self.int_total / self.float_lean_total

    def in_mode(self, mode: str) -> RamAccount:
        """The same account with the integer side in another gradient mode (only acc changes)."""
        return replace(self, grad_mode=mode, int_acc=self.int_acc_modes[mode])

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(int_workspace=self.int_workspace, int_total=self.int_total, float_total=self.float_total,
                 float_lean_total=self.float_lean_total, ratio=round(self.ratio, 4),
                 saving_percent=round(100 * self.saving, 1), saving_lean_percent=round(100 * self.saving_lean, 1))
        d["modes"] = {}
        for mode in self.int_acc_modes:
            a = self.in_mode(mode)
            d["modes"][mode] = {"int_acc": a.int_acc, "int_workspace": a.int_workspace, "int_total": a.int_total,
                                "ratio": round(a.ratio, 4), "saving_percent": round(100 * a.saving, 1),
                                "saving_lean_percent": round(100 * a.saving_lean, 1)}
        return d


def account(host: HostKernels, bm: BenchModel, mode: str | None = None) -> RamAccount:
    """The RAM of one training step of ``bm`` on both sides (see the module docstring), the
    integer side in gradient mode ``mode`` (None: the library's default mode)."""
    m = bm.c_model()
    by_mode = {k: host.workspace(m, k) for k in GRAD_MODES}
    default = host.workspace(m)
    if _sizes(default) != _sizes(by_mode[DEFAULT_GRAD_MODE]):
        raise RuntimeError(f"tt_seq_workspace_size no longer sizes the mode {DEFAULT_GRAD_MODE!r}: "
                           "update DEFAULT_GRAD_MODE in tintin/bench/ram.py to TT_GRAD_DEFAULT")
    if len({_sizes(ws)[:2] for ws in by_mode.values()}) != 1:
        raise RuntimeError(f"{bm.key}: the gradient modes differ in more than acc")
    mode = mode or DEFAULT_GRAD_MODE
    ws = by_mode[mode]
    counts = host.weight_counts(m)
    if counts != bm.weight_counts():
        raise RuntimeError(f"{bm.key}: C weight counts {counts} differ from the reference {bm.weight_counts()}")
    n_params = sum(counts)
    batch_in = bm.batch * m.n_in
    labels = 0 if bm.mse else 4 * bm.batch
    # the float side keeps the same tensors: every non-flatten layer's output, errors of the widest layer
    acts = ws.act_bytes
    widest = ws.err_bytes
    return RamAccount(
        key=bm.key, title=bm.title, batch=bm.batch, n_params=n_params,
        int_weights=n_params, int_headers=HEADER_BYTES * (len(counts) + 1), int_act=ws.act_bytes,
        int_err=2 * ws.err_bytes, int_acc=4 * ws.acc_words, int_input=batch_in, int_labels=labels,
        f_weights=4 * n_params, f_act=4 * acts, f_err=2 * 4 * widest, f_grads=4 * n_params,
        f_grads_lean=4 * max(counts), f_input=4 * batch_in, f_labels=labels,
        grad_mode=mode, int_acc_modes={k: 4 * v.acc_words for k, v in by_mode.items()},
    )


def _sizes(ws: WorkspaceSizeStruct) -> tuple[int, int, int]:
    return ws.act_bytes, ws.err_bytes, ws.acc_words


__all__ = ["DEFAULT_GRAD_MODE", "GRAD_MODES", "HostKernels", "RamAccount", "account", "build_host_library"]
