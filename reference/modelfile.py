"""Model files: one TOML file describes a network, its batch, seed and numerics.

The same file drives `tintin train --model`, `tintin golden generate --model`, `tintin prove
--model` and `tintin conformance --model` (docs/model-file.md documents every key). Loading
gives the reference model object (``MLP`` when the layers are dense with a ReLU between each
pair, as the MLP training step expects; otherwise ``Sequential``) and the ``NumericsConfig``.

Every problem is a ``ModelFileError`` whose one-line message names the file, the line (found
in the text, or from tomllib for a syntax error) and the field; the command line maps it to
exit status 2. The bundled models live in reference/models/*.toml (``BUILTIN``).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tintin.reference import sequential as S
from tintin.reference.config import ConfigError, NumericsConfig, preset, unchecked_widths
from tintin.reference.limits import DotLengthError, check_dot_lengths
from tintin.reference.model import MLP, ShapeError

MODELS_DIR = Path(__file__).parent / "models"
LOSSES = ("softmax_xent", "mse")
LAYER_TYPES = ("dense", "conv2d", "maxpool", "relu", "flatten")
# Keys each layer type takes (besides "type"); all are positive ints but padding (>= 0).
LAYER_KEYS: dict[str, tuple[str, ...]] = {
    "dense": ("units",),
    "conv2d": ("filters", "kernel", "stride", "padding"),
    "maxpool": ("size",),
    "relu": (),
    "flatten": (),
}
MODEL_KEYS = ("name", "input", "batch", "seed", "loss", "description")
# Fields of NumericsConfig a model file may set (the derived softmax constants stay fixed).
NUMERIC_KEYS = tuple(f.name for f in dataclasses.fields(NumericsConfig)
                     if f.name not in ("log2e_q", "log2e_frac_bits"))
_KINDS = {bool: "true or false", int: "an integer", str: "a string"}
MAX_DIM = 65535  # TT_MAX_ELEMENTS: no kernel takes a larger tensor


class ModelFileError(ValueError):
    """A model file that cannot be used; the message is one line naming file, line and field."""


@dataclass(frozen=True)
class LayerInfo:
    """One [[layers]] entry as written, for reports: its index, type and line."""

    index: int
    type: str
    line: int | None


@dataclass(frozen=True)
class ModelFile:
    """A loaded model file."""

    path: Path
    name: str
    model: MLP | S.Sequential
    cfg: NumericsConfig
    batch: int
    seed: int
    input_shape: tuple[int, ...]
    layers: tuple[LayerInfo, ...]
    preset: str = "tintin"  # the preset [numerics] starts from
    description: str = ""

    @property
    def loss(self) -> str:
        return self.model.loss

    def where(self, plan_index: int) -> str:
        """'FILE:LINE layers[i] (type)' of the model's plan_index-th computing layer (relu entries
        are not layers of their own: the reference numbers the others, e.g. "layer 2 Dense")."""
        li = [x for x in self.layers if x.type != "relu"][plan_index]
        at = f"{self.path}:{li.line}" if li.line is not None else str(self.path)
        return f"{at} layers[{li.index}] ({li.type})"

    def check_dot_lengths(self) -> None:
        """ModelFileError naming the layer when a sum is longer than the accumulator holds."""
        try:
            check_dot_lengths(self.model.dot_lengths(self.batch), self.cfg)
        except DotLengthError as exc:
            m = re.match(r"layer (\d+) \w+: (.*)", str(exc))
            raise ModelFileError(f"{self.where(int(m.group(1)))}: {m.group(2)}" if m else str(exc)) from None

    def param_layers(self) -> list[int]:
        """Index in ``layers`` (the file's entries) of each weight tensor's dense/conv2d layer."""
        return [li.index for li in self.layers if li.type in ("dense", "conv2d")]


# --- locating lines ------------------------------------------------------------------------------


class _Lines:
    """Finds the line of a key in a table, or of the i-th [[layers]] entry (tomllib gives no
    positions for values, so the text is searched; None when not found)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def _sections(self, header: str) -> list[int]:
        pat = re.compile(r"^\s*" + re.escape(header) + r"\s*(#.*)?$")
        return [i for i, line in enumerate(self.lines) if pat.match(line)]

    def _key_in(self, start: int | None, key: str | None) -> int | None:
        if start is None:
            return None
        if key is None:
            return start + 1
        pat = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(start + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[i]):
                break
            if pat.match(self.lines[i]):
                return i + 1
        return start + 1

    def table(self, name: str, key: str | None = None) -> int | None:
        found = self._sections(f"[{name}]")
        return self._key_in(found[0] if found else None, key)

    def layer(self, index: int, key: str | None = None) -> int | None:
        found = self._sections("[[layers]]")
        return self._key_in(found[index] if index < len(found) else None, key)


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.where = _Lines(text)

    def fail(self, line: int | None, field: str, why: str) -> ModelFileError:
        at = f"{self.path}:{line}" if line is not None else str(self.path)
        return ModelFileError(f"{at}: {field}: {why}")

    def integer(self, value: Any, line: int | None, field: str, lo: int, hi: int = MAX_DIM) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(line, field, f"must be an integer, got {value!r}")
        if not lo <= value <= hi:
            raise self.fail(line, field, f"must be in [{lo}, {hi}], got {value}")
        return value

    def unknown(self, table: Mapping[str, Any], known: tuple[str, ...], line_of: Any, what: str) -> None:
        for key in table:
            if key not in known:
                raise self.fail(line_of(key), f"{what}.{key}", f"unknown key; expected one of {', '.join(known)}")


# --- loading ------------------------------------------------------------------------------------


def load(path: str | Path, check_widths: bool = True) -> ModelFile:
    """Read and validate a model file; ModelFileError (one line) on any problem.

    check_widths=False accepts numerics whose rules can overflow (spec 6.1), for `tintin prove`,
    which shows where with counterexamples; nothing else may use such a config."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(f"{p}: cannot read the model file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ModelFileError(f"{p}: cannot read the model file: not UTF-8 text") from None
    return loads(text, p, check_widths)


def loads(text: str, path: str | Path = "<model>", check_widths: bool = True) -> ModelFile:
    p = Path(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = f":{m.group(1)}" if m else ""
        raise ModelFileError(f"{p}{line}: not valid TOML: {str(exc).split(' (at ')[0]}") from None
    if check_widths:
        return _build(doc, _Checker(p, text))
    with unchecked_widths():
        return _build(doc, _Checker(p, text))


def _build(doc: dict[str, Any], ck: _Checker) -> ModelFile:
    w = ck.where
    for key in doc:
        if key not in ("model", "layers", "numerics"):
            raise ck.fail(w.table(key), key, "unknown table; expected [model], [[layers]] and [numerics]")
    model = doc.get("model")
    if not isinstance(model, dict):
        raise ck.fail(None, "model", "missing the [model] table (name, input, batch, seed, loss)")
    ck.unknown(model, MODEL_KEYS, lambda k: w.table("model", k), "model")
    name = model.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,31}", name):
        raise ck.fail(w.table("model", "name"), "model.name",
                      f"must be 1-32 letters, digits, '-' or '_' starting with a letter, got {name!r}")
    shape = model.get("input")
    if not isinstance(shape, list) or len(shape) not in (1, 3):
        raise ck.fail(w.table("model", "input"), "model.input",
                      f"must be [N] (a vector) or [H, W, C] (an image), got {shape!r}")
    input_shape = tuple(ck.integer(v, w.table("model", "input"), "model.input", 1) for v in shape)
    batch = ck.integer(model.get("batch", 32), w.table("model", "batch"), "model.batch", 1)
    seed = ck.integer(model.get("seed", 0), w.table("model", "seed"), "model.seed", -(2**31), 2**31 - 1)
    loss = model.get("loss", "softmax_xent")
    if loss not in LOSSES:
        raise ck.fail(w.table("model", "loss"), "model.loss", f"must be one of {', '.join(LOSSES)}, got {loss!r}")
    description = model.get("description", "")
    if not isinstance(description, str):
        raise ck.fail(w.table("model", "description"), "model.description", "must be a string")

    entries = doc.get("layers")
    if not isinstance(entries, list) or not entries:
        raise ck.fail(None, "layers", "needs at least one [[layers]] entry")
    layers = [_layer(ck, i, e) for i, e in enumerate(entries)]
    net = _model(ck, input_shape, layers, loss, name)
    table = doc.get("numerics", {})
    cfg = _numerics(ck, table, name)
    infos = tuple(LayerInfo(i, e["type"], w.layer(i)) for i, e in enumerate(layers))
    base = table.get("preset", "tintin") if isinstance(table, dict) else "tintin"
    return ModelFile(ck.path, name, net, cfg, batch, seed, input_shape, infos, base, description)


def _layer(ck: _Checker, i: int, entry: Any) -> dict[str, Any]:
    w = ck.where
    if not isinstance(entry, dict):
        raise ck.fail(w.layer(i), f"layers[{i}]", "must be a table")
    kind = entry.get("type")
    if kind not in LAYER_TYPES:
        raise ck.fail(w.layer(i, "type"), f"layers[{i}].type", f"must be one of {', '.join(LAYER_TYPES)}, got {kind!r}")
    known = ("type", *LAYER_KEYS[kind])
    ck.unknown(entry, known, lambda k: w.layer(i, k), f"layers[{i}]")
    out: dict[str, Any] = {"type": kind}
    defaults = {"stride": 1, "padding": 0, "size": 2}
    for key in LAYER_KEYS[kind]:
        if key not in entry and key not in defaults:
            needs = ", ".join(LAYER_KEYS[kind])
            raise ck.fail(w.layer(i), f"layers[{i}].{key}", f"missing (a {kind} layer needs {needs})")
        lo = 0 if key == "padding" else 1
        out[key] = ck.integer(entry.get(key, defaults.get(key)), w.layer(i, key), f"layers[{i}].{key}", lo)
    if kind == "conv2d" and out["padding"] >= out["kernel"]:
        raise ck.fail(w.layer(i, "padding"), f"layers[{i}].padding",
                      f"must be below the kernel size {out['kernel']}, got {out['padding']}")
    return out


def _model(ck: _Checker, shape: tuple[int, ...], layers: list[dict[str, Any]], loss: str, name: str
           ) -> MLP | S.Sequential:
    """MLP when the layers are dense, relu, dense, ..., dense (no ReLU on the output, as the MLP
    step has it); otherwise a Sequential, where a relu must follow a dense or conv2d layer."""
    w = ck.where
    if layers[0]["type"] == "relu":
        raise ck.fail(w.layer(0, "type"), "layers[0].type", "a relu must follow a dense or conv2d layer")
    built: list[S.Layer] = []
    for i, e in enumerate(layers):
        kind = e["type"]
        if kind == "relu":
            prev = built[-1] if built else None
            if not isinstance(prev, (S.Dense, S.Conv2D)) or prev.relu:
                raise ck.fail(w.layer(i, "type"), f"layers[{i}].type", "a relu must follow a dense or conv2d layer")
            built[-1] = dataclasses.replace(prev, relu=True)
        elif kind == "dense":
            built.append(S.Dense(e["units"], relu=False))
        elif kind == "conv2d":
            built.append(S.Conv2D(e["filters"], e["kernel"], e["stride"], e["padding"], relu=False))
        elif kind == "maxpool":
            built.append(S.MaxPool2D(e["size"]))
        else:
            built.append(S.Flatten())
    dense_only = all(isinstance(layer, S.Dense) for layer in built)
    is_mlp = dense_only and all(layer.relu for layer in built[:-1]) and not built[-1].relu
    try:
        if len(shape) == 1:
            if not is_mlp:
                raise ck.fail(w.table("model", "input"), "model.input",
                              "a vector input takes dense layers with a relu between each pair and none after the "
                              "last (an MLP); give an [H, W, C] input for other stacks")
            return MLP((shape[0], *(layer.out for layer in built)), loss=loss)
        if loss == "mse":
            raise ck.fail(w.table("model", "loss"), "model.loss", "mse goes with a vector input (an MLP autoencoder)")
        net = S.Sequential(shape, tuple(built), loss=loss, name=name)
    except ShapeError as exc:
        raise ck.fail(_layer_line(ck, str(exc), layers), "layers", str(exc)) from None
    if built and isinstance(built[-1], (S.Dense, S.Conv2D)) and built[-1].relu:
        raise ck.fail(w.layer(len(layers) - 1, "type"), f"layers[{len(layers) - 1}]",
                      "no relu after the last layer: its output is the logits")
    return net


def _layer_line(ck: _Checker, message: str, layers: list[dict[str, Any]]) -> int | None:
    """The line of the entry a ShapeError names ("layer 3 ..." counts built layers, without relu)."""
    m = re.match(r"layer (\d+)", message)
    if not m:
        return None
    built = [i for i, e in enumerate(layers) if e["type"] != "relu"]
    k = int(m.group(1))
    return ck.where.layer(built[k]) if k < len(built) else None


def _numerics(ck: _Checker, table: Any, model_name: str) -> NumericsConfig:
    w = ck.where
    if not isinstance(table, dict):
        raise ck.fail(w.table("numerics"), "numerics", "must be a table")
    ck.unknown(table, ("preset", *NUMERIC_KEYS), lambda k: w.table("numerics", k), "numerics")
    base_name = table.get("preset", "tintin")
    try:
        base = preset(base_name)
    except ConfigError as exc:
        raise ck.fail(w.table("numerics", "preset"), "numerics.preset", str(exc)) from None
    fields = {f.name: f for f in dataclasses.fields(NumericsConfig)}
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key == "preset":
            continue
        want = type(getattr(base, key))
        if want is tuple:
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise ck.fail(w.table("numerics", key), f"numerics.{key}", f"must be a list of integers, got {value!r}")
            value = tuple(value)
        elif (want is bool) != isinstance(value, bool) or not isinstance(value, want):
            raise ck.fail(w.table("numerics", key), f"numerics.{key}",
                          f"must be {_KINDS.get(want, want.__name__)}, got {value!r}")
        changes[key] = value
    assert set(changes) <= set(fields)
    if changes and "name" not in changes:
        changes["name"] = f"{base_name}-{model_name}".lower()
    try:
        return base.replace(**changes) if changes else base
    except ConfigError as exc:
        field = str(exc).split(":")[0].split("/")[0]
        line = w.table("numerics", field) if field in table else w.table("numerics")
        raise ck.fail(line, f"numerics.{field}" if field in fields else "numerics", str(exc)) from None


# --- bundled models ------------------------------------------------------------------------------


def builtin_names() -> list[str]:
    return sorted(p.stem for p in MODELS_DIR.glob("*.toml"))


def resolve(name_or_path: str | Path, check_widths: bool = True) -> ModelFile:
    """A bundled model by name (reference/models/NAME.toml) or a .toml path."""
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text:
        return load(text, check_widths)
    path = MODELS_DIR / f"{text}.toml"
    if not path.is_file():
        raise ModelFileError(f"unknown model {text!r}: give a .toml path or one of {', '.join(builtin_names())}")
    return load(path, check_widths)


def bundled_mlp(name: str) -> MLP:
    """The MLP of a bundled model file: the one description the apps and `tintin train` build from."""
    net = resolve(name).model
    if not isinstance(net, MLP):
        raise ModelFileError(f"bundled model {name!r} is not an MLP")
    return net


__all__ = ["MODELS_DIR", "LayerInfo", "ModelFile", "ModelFileError", "builtin_names", "bundled_mlp", "load", "loads",
           "resolve"]
