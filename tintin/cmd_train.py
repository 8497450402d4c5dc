"""`tintin train`: integer-only training on the bundled digits data, against float32.

Trains the same architecture with each chosen policy on the same batches, prints the
held-out accuracy table, and writes results.json, summary.md and curves.png.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from tintin.cli import UserError

if TYPE_CHECKING:
    from tintin.reference.data import Dataset

POLICIES = ("tintin", "niti", "float")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="mlp", choices=["mlp", "lenet5"], help="model (default: mlp)")
    p.add_argument("--data", default="digits", choices=["digits", "mnist"],
                   help="data set (default: scikit-learn's bundled 8x8 digits; mnist needs --mnist-dir)")
    p.add_argument("--mnist-dir", type=Path, default=None, help="folder with the four MNIST IDX files")
    p.add_argument("--train-limit", type=int, default=None, help="use only the first N training samples")
    p.add_argument("--hidden", default="64", help="hidden layer sizes, comma separated (default: 64)")
    p.add_argument("--policy", default=",".join(POLICIES),
                   help="comma-separated subset of tintin,niti,float (default: all three)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--float-lr", type=float, default=None,
                   help="float SGD learning rate (default: batch * 2**-lr_shift, the integer rate)")
    p.add_argument("--out", type=Path, default=Path("out/train"), help="output folder")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


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


def run(args: argparse.Namespace) -> int:
    policies = _parse_policies(args.policy)
    hidden = _parse_sizes(args.hidden)
    if args.epochs < 1 or args.epochs > 10000:
        raise UserError(f"--epochs must be in [1, 10000], got {args.epochs}")

    from tqdm import tqdm

    from tintin.reference import model as M
    from tintin.reference import training as T
    from tintin.reference.config import preset
    from tintin.reference.plots import plot_curves
    from tintin.reference.sequential import lenet5

    data = _load_data(args)
    if not 1 <= args.batch <= len(data.y_train):
        raise UserError(f"--batch must be in [1, {len(data.y_train)}], got {args.batch}")
    if args.model == "lenet5":
        assert data.image_shape is not None
        model: object = lenet5(data.image_shape[0], data.image_shape[2], data.n_classes)
        sizes = "LeNet-5"
    else:
        model = M.MLP((data.x_train.shape[1], *hidden, data.n_classes))
        sizes = str(model.sizes)
    tintin_cfg = preset("tintin")
    float_lr = args.float_lr if args.float_lr is not None else args.batch * 2.0**-tintin_cfg.lr_shift

    total = len(policies) * args.epochs * T.steps_per_epoch(len(data.y_train), args.batch)
    histories = []
    with tqdm(total=total, desc="training", unit="step", disable=args.no_progress) as bar:
        for policy in policies:
            bar.set_postfix_str(policy)
            if policy == "float":
                histories.append(T.train_float(model, tintin_cfg, data, args.epochs, args.batch,
                                               args.seed, float_lr, bar))
            else:
                _, hist = T.train_integer(model, preset(policy), data, args.epochs, args.batch,
                                          args.seed, bar)
                histories.append(hist)

    args.out.mkdir(parents=True, exist_ok=True)
    title = f"{args.model} {sizes} on {data.name}, batch {args.batch}, seed {args.seed}"
    plot = plot_curves(histories, args.out / "curves.png", title)
    result = {
        "model": args.model, "architecture": sizes, "data": data.name,
        "train_size": len(data.y_train), "test_size": len(data.y_test),
        "epochs": args.epochs, "batch": args.batch, "seed": args.seed, "float_lr": float_lr,
        "runs": [h.to_json() for h in histories],
        "final_test_acc": {h.name: h.final_test_acc for h in histories},
    }
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [f"# Training: {title}", "", "| run | final test accuracy | best test accuracy |",
             "| --- | --- | --- |"]
    lines += [f"| {h.name} | {100 * h.final_test_acc:.2f}% | {100 * max(h.test_acc):.2f}% |"
              for h in histories]
    lines += ["", f"Curves: {plot.name}. Float learning rate {float_lr:g}.", ""]
    (args.out / "summary.md").write_text("\n".join(lines))
    print("\n".join(lines[2:-2]))
    print(f"wrote {args.out / 'results.json'}, {args.out / 'summary.md'}, {plot}")
    return 0
