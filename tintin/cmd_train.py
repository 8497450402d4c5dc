"""`tintin train`: integer-only training against float32, on digits/MNIST or a sensing app.

Trains the same architecture with each chosen policy on the same batches, prints the
table of the final test metric, and writes results.json, summary.md and curves.png.
With ``--app bearing|spectrum`` it trains the paper's sensing applications instead
(tintin.reference.apps) and also writes the application's figure (ROC or Pd against SNR).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tintin.cli import UserError

if TYPE_CHECKING:
    from tintin.reference.apps.app import App
    from tintin.reference.data import Dataset
    from tintin.reference.training import Evaluation, History

POLICIES = ("tintin", "niti", "float")
APPS = ("bearing", "spectrum")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="mlp",
                   help="mlp or lenet5 (shaped to the data), a bundled model file (digits-mlp, lenet5-digits, "
                        "lenet5-mnist, ...) or a .toml model file (docs/model-file.md) (default: mlp)")
    p.add_argument("--data", default="digits", choices=["digits", "mnist"],
                   help="data set (default: scikit-learn's bundled 8x8 digits; mnist needs --mnist-dir)")
    p.add_argument("--mnist-dir", type=Path, default=None, help="folder with the four MNIST IDX files")
    p.add_argument("--train-limit", type=int, default=None, help="use only the first N training samples")
    p.add_argument("--app", default=None, choices=APPS,
                   help="train a sensing application instead: bearing (autoencoder fault detection, AUC) or "
                        "spectrum (signal present/absent, Pd at a fixed false-alarm rate); synthetic data "
                        "unless --app-data")
    p.add_argument("--app-data", type=Path, default=None, metavar="FILE.npz",
                   help="real data for --app: bearing needs arrays windows [N, L], labels [N] (0 healthy, "
                        "1 fault), sample_rate; spectrum needs iq (complex [N, L]), present [N] (0/1), snr_db [N]")
    p.add_argument("--pfa", type=float, default=None, help="--app spectrum: the false-alarm rate (default 0.1)")
    p.add_argument("--hidden", default=None,
                   help="hidden layer sizes, comma separated (default: those of the bundled model files "
                        "digits-mlp 64, bearing 16,8,16, spectrum 32)")
    p.add_argument("--policy", default=",".join(POLICIES),
                   help="comma-separated subset of tintin,niti,float (default: all three)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--float-lr", type=float, default=None,
                   help="float SGD learning rate (default: batch * 2**-lr_shift, the integer rate)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: out/train, or out/APP)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--devices", type=int, default=1, metavar="N",
                   help="split every integer batch over N local JAX devices (bit-identical to 1; the batch must "
                        "be divisible by N; host CPU devices: XLA_FLAGS=--xla_force_host_platform_device_count=N)")
    p.add_argument("--export-c", type=Path, default=None, metavar="FILE.h",
                   help="also write the trained integer weights and headers as a C header for the C kernels")


def _load_data(args: argparse.Namespace) -> Dataset:
    from tintin.reference.data import load_digits
    from tintin.reference.mnist import IdxError, load_mnist

    if args.train_limit is not None and args.train_limit < 1:
        raise UserError(f"--train-limit must be positive, got {args.train_limit}")
    if args.data == "digits":
        if args.mnist_dir is not None:
            raise UserError("--mnist-dir goes with --data mnist")
        return load_digits(seed=args.seed)
    if args.mnist_dir is None:
        raise UserError("--data mnist needs --mnist-dir DIR (the folder with the four IDX files; nothing is downloaded)"
                        )
    try:
        return load_mnist(args.mnist_dir, args.train_limit)
    except IdxError as exc:
        raise UserError(str(exc)) from None


def _parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise UserError(f"--hidden must be comma-separated integers, got {text!r}") from None
    if any(n < 1 or n > 4096 for n in sizes):
        raise UserError(f"--hidden sizes must be in [1, 4096], got {text!r}")
    return sizes


def _parse_policies(text: str) -> list[str]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in chosen if p not in POLICIES]
    if bad or not chosen:
        raise UserError(f"--policy takes a subset of {','.join(POLICIES)}, got {text!r}")
    return chosen


def _check_app_arguments(args: argparse.Namespace) -> None:
    """Options that belong to one mode only are refused in the other, never silently ignored."""
    if args.app is None:
        for flag, value in (("--app-data", args.app_data), ("--pfa", args.pfa)):
            if value is not None:
                raise UserError(f"{flag} goes with --app")
        return
    wrong = [flag for flag, used in (("--model", args.model != "mlp"), ("--data", args.data != "digits"),
                                     ("--mnist-dir", args.mnist_dir is not None),
                                     ("--train-limit", args.train_limit is not None)) if used]
    if wrong:
        raise UserError(f"{', '.join(wrong)} cannot be combined with --app "
                        "(the application sets its own model and data)")
    if args.pfa is not None and args.app != "spectrum":
        raise UserError("--pfa goes with --app spectrum")
    if args.pfa is not None and not 0 < args.pfa < 1:
        raise UserError(f"--pfa must be in (0, 1), got {args.pfa}")


def _prepare_app(args: argparse.Namespace) -> App:
    from tintin.reference.apps import bearing, spectrum
    from tintin.reference.apps.files import AppDataError

    hidden = _parse_sizes(args.hidden) if args.hidden is not None else None
    try:
        if args.app == "bearing":
            return bearing.prepare(args.seed, args.app_data, hidden or bearing.HIDDEN)
        return spectrum.prepare(args.seed, args.app_data, hidden or spectrum.HIDDEN,
                                args.pfa if args.pfa is not None else spectrum.PFA)
    except AppDataError as exc:
        raise UserError(str(exc)) from None


def _model_file(name: str, data: Dataset) -> tuple[Any, str, Any]:
    """The model of a model file (bundled name or path) and its numerics, checked against the data."""
    from tintin.reference import modelfile as MF
    from tintin.reference.training import input_shape

    try:
        mf = MF.resolve(name)
    except MF.ModelFileError as exc:
        raise UserError(str(exc)) from None
    want = input_shape(mf.model)
    have = data.image_shape if len(want) == 3 else (data.x_train.shape[1],)
    classes = mf.model.sizes[-1] if isinstance(mf.model, MF.MLP) else mf.model.n_outputs
    if tuple(want) != tuple(have or ()) or mf.loss != "softmax_xent" or classes != data.n_classes:
        raise UserError(f"model {name}: input {list(want)} ({mf.loss}, {classes} classes) does not fit "
                        f"{data.name} (input {list(have or ())}, {data.n_classes} classes, softmax_xent)")
    return mf.model, mf.name, {mf.preset: mf.cfg}


def _train_policies(model: Any, data: Dataset, policies: list[str], args: argparse.Namespace, float_lr: float,
                    evaluation: Evaluation | None = None, per_sample: bool = False,
                    file_cfg: dict[str, Any] | None = None, states: dict[str, Any] | None = None
                    ) -> tuple[list[History], dict[str, float]]:
    """Every chosen policy on the same batches, with one progress bar; also each run's seconds.
    A model file's numerics replace the preset its [numerics] starts from (file_cfg); the final
    integer states are put in `states` when given."""
    from tqdm import tqdm

    from tintin import progress
    from tintin.reference import training as T
    from tintin.reference.config import preset

    total = len(policies) * args.epochs * T.steps_per_epoch(len(data.y_train), args.batch)
    histories, seconds = [], {}
    show = progress.wanted(False if args.no_progress else None)
    with tqdm(total=total, desc="training", unit="step", disable=not show, file=sys.stderr) as bar:
        for policy in policies:
            bar.set_postfix_str(policy)
            start = time.perf_counter()
            if policy == "float":
                hist = T.train_float(model, preset("tintin"), data, args.epochs, args.batch, args.seed, float_lr,
                                     bar, evaluation)
            else:
                cfg = (file_cfg or {}).get(policy) or preset(policy)
                state, hist = T.train_integer(model, cfg, data, args.epochs, args.batch, args.seed, bar,
                                              evaluation, per_sample, args.devices)
                if states is not None:
                    states[policy] = state
            histories.append(hist)
            seconds[hist.name] = time.perf_counter() - start
    return histories, seconds


def _fmt(metric: str, value: float) -> str:
    return f"{100 * value:.2f}%" if metric == "accuracy" else f"{value:.3f}"


def _results_table(histories: list[History], seconds: dict[str, float]) -> list[str]:
    metric = histories[0].metric
    label = "test accuracy" if metric == "accuracy" else metric
    lines = [f"| run | final {label} | best {label} | seconds |", "| --- | --- | --- | --- |"]
    lines += [f"| {h.name} | {_fmt(metric, h.final_metric)} | {_fmt(metric, h.best_metric)} | {seconds[h.name]:.1f} |"
              for h in histories]
    return lines


def _write(out: Path, title: str, histories: list[History], seconds: dict[str, float], meta: dict[str, Any],
           extra_lines: list[str], extra_plots: list[Path], references: dict[str, float] | None = None) -> None:
    """results.json, summary.md and curves.png; the table (and extra lines) printed too."""
    from tintin import atomic
    from tintin.reference.plots import plot_curves

    out.mkdir(parents=True, exist_ok=True)
    plot = plot_curves(histories, out / "curves.png", title, references)
    result = {**meta, "metric": histories[0].metric, "runs": [h.to_json() for h in histories],
              "final_metric": {h.name: h.final_metric for h in histories},
              "best_metric": {h.name: h.best_metric for h in histories}, "seconds": seconds}
    atomic.write_text(out / "results.json", json.dumps(result, indent=2) + "\n")
    table = _results_table(histories, seconds)
    plots = ", ".join(p.name for p in [plot, *extra_plots])
    lines = [f"# Training: {title}", "", *table, "", *([*extra_lines, ""] if extra_lines else []),
             f"Plots: {plots}. Float learning rate {meta['float_lr']:g}.", ""]
    atomic.write_text(out / "summary.md", "\n".join(lines))
    print("\n".join([*table, *(["", *extra_lines] if extra_lines else [])]))
    print(f"wrote {out / 'results.json'}, {out / 'summary.md'}, " + ", ".join(str(p) for p in [plot, *extra_plots]))


def _run_app(args: argparse.Namespace, policies: list[str]) -> int:
    from tintin.reference.config import preset

    app = _prepare_app(args)
    if not 1 <= args.batch <= len(app.data.y_train):
        raise UserError(f"--batch must be in [1, {len(app.data.y_train)}], got {args.batch}")
    float_lr = args.float_lr if args.float_lr is not None else args.batch * 2.0 ** -preset("tintin").lr_shift
    states: dict[str, Any] = {}
    histories, seconds = _train_policies(app.model, app.data, policies, args, float_lr, app.evaluation,
                                         per_sample=True, states=states)
    report = app.report({h.name: h.outputs for h in histories if h.outputs is not None})
    out = args.out or Path("out") / app.name
    kind = "autoencoder" if app.model.loss == "mse" else "classifier"
    title = f"{app.name} {kind} {list(app.model.sizes)}, batch {args.batch}, seed {args.seed}"
    out.mkdir(parents=True, exist_ok=True)
    app_plot = app.plot(report, out / app.plot_file, title)
    meta = {"app": app.name, "data": app.source, "architecture": list(app.model.sizes),
            "train_size": len(app.data.y_train), "test_size": len(app.data.y_test), "epochs": args.epochs,
            "batch": args.batch, "seed": args.seed, "float_lr": float_lr, "report": report}
    _write(out, title, histories, seconds, meta, [f"Data: {app.source}.", "", *app.markdown(report)], [app_plot],
           app.references(report))
    _write_weights(out, app.model, args, states)
    return 0


def _check_numbers(args: argparse.Namespace) -> None:
    """Numbers out of range or not finite are refused, never trained on silently."""
    import math

    if not 0 <= args.seed <= 0xFFFFFFFF:
        raise UserError(f"--seed must be in [0, 2**32 - 1] (it feeds the uint32 rounding hash), got {args.seed}")
    if args.float_lr is not None and not (math.isfinite(args.float_lr) and args.float_lr > 0):
        raise UserError(f"--float-lr must be a positive finite number, got {args.float_lr}")
    if args.pfa is not None and not math.isfinite(args.pfa):
        raise UserError(f"--pfa must be in (0, 1), got {args.pfa}")


def _check_devices(args: argparse.Namespace, policies: list[str]) -> None:
    """--devices and --export-c need integer policies; the device count must fit the batch."""
    from tintin.reference.parallel import DeviceError, check_devices

    integer = [p for p in policies if p != "float"]
    if args.export_c is not None and not integer:
        raise UserError("--export-c needs an integer policy (tintin or niti) in --policy")
    if args.export_c is not None and args.export_c.suffix != ".h":
        raise UserError(f"--export-c takes a .h file name, got {str(args.export_c)!r}")
    if args.devices != 1:
        try:
            check_devices(args.devices, args.batch)
        except DeviceError as exc:
            raise UserError(str(exc)) from None


def _write_weights(out: Path, model: Any, args: argparse.Namespace, states: dict[str, Any]) -> None:
    """weights.<policy>.npz for every integer policy, and the C header with --export-c."""
    from tintin import export

    paths = [export.save_npz(out / f"weights.{policy}.npz", policy, model, args.batch, state)
             for policy, state in states.items()]
    if args.export_c is not None and states:
        paths.append(export.write_c_header(args.export_c, model, args.batch, states))
    if paths:
        print("wrote " + ", ".join(str(p) for p in paths))


def run(args: argparse.Namespace) -> int:
    from tintin.atomic import writable_dir

    policies = _parse_policies(args.policy)
    _check_numbers(args)
    if args.out is not None:
        writable_dir(args.out)
    _check_devices(args, policies)
    if args.epochs < 1 or args.epochs > 10000:
        raise UserError(f"--epochs must be in [1, 10000], got {args.epochs}")
    _check_app_arguments(args)
    if args.app is not None:
        return _run_app(args, policies)
    from tintin.reference.modelfile import bundled_mlp

    # --model mlp: the hidden layers of reference/models/digits-mlp.toml unless --hidden
    hidden = _parse_sizes(args.hidden) if args.hidden is not None else bundled_mlp("digits-mlp").sizes[1:-1]

    from tintin.reference import model as M
    from tintin.reference.config import preset
    from tintin.reference.sequential import lenet5

    data = _load_data(args)
    if not 1 <= args.batch <= len(data.y_train):
        raise UserError(f"--batch must be in [1, {len(data.y_train)}], got {args.batch}")
    file_cfg = None
    model: object
    if args.model not in ("mlp", "lenet5"):
        model, sizes, file_cfg = _model_file(args.model, data)
        changed = [p for p, cfg in (file_cfg or {}).items() if p in policies and cfg != preset(p)]
        if args.export_c is not None and changed:
            # The header names the built-in presets (tt_presets.h); a file's own numerics have none.
            raise UserError(f"--export-c: {args.model} changes the numerics of {', '.join(changed)}; the C header "
                            "can only name the built-in presets, so export a model that keeps them")
    elif args.model == "lenet5":
        assert data.image_shape is not None
        model = lenet5(data.image_shape[0], data.image_shape[2], data.n_classes)
        sizes = "LeNet-5"
    else:
        mlp = M.MLP((data.x_train.shape[1], *hidden, data.n_classes))
        model, sizes = mlp, str(mlp.sizes)
    float_lr = args.float_lr if args.float_lr is not None else args.batch * 2.0 ** -preset("tintin").lr_shift
    states: dict[str, Any] = {}
    histories, seconds = _train_policies(model, data, policies, args, float_lr, file_cfg=file_cfg, states=states)
    title = f"{args.model} {sizes} on {data.name}, batch {args.batch}, seed {args.seed}"
    meta = {"model": args.model, "architecture": sizes, "data": data.name, "train_size": len(data.y_train),
            "test_size": len(data.y_test), "epochs": args.epochs, "batch": args.batch, "seed": args.seed,
            "float_lr": float_lr}
    _write(args.out or Path("out/train"), title, histories, seconds, meta, [], [])
    _write_weights(args.out or Path("out/train"), model, args, states)
    return 0
