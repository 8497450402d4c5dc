"""Plots of training runs (matplotlib, written to files; never shown interactively)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tintin.reference.training import History


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    from tintin import atomic

    with atomic.open_atomic(path, "wb") as f:  # a half-written PNG never replaces a good one
        fig.savefig(f, format=path.suffix.lstrip(".") or "png")
    _pyplot().close(fig)
    return path


def plot_curves(histories: list[History], path: Path, title: str, references: dict[str, float] | None = None) -> Path:
    """The test metric per epoch for each run; accuracy in percent with the training accuracy
    dashed, any other metric (AUC, detection probability) on its own 0..1 scale. A reference
    (a classical detector's value of the same metric) is a dotted horizontal line."""
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    percent = all(h.metric == "accuracy" for h in histories)
    k = 100.0 if percent else 1.0
    for i, h in enumerate(histories):
        color = f"C{i}"
        epochs = range(1, len(h.test_metric) + 1)
        ax.plot(epochs, [k * a for a in h.test_metric], color=color, marker="." if len(epochs) < 40 else None,
                label=f"{h.name} test")
        if h.train_acc and percent:
            ax.plot(epochs, [k * a for a in h.train_acc], color=color, linestyle="--", alpha=0.6,
                    label=f"{h.name} train")
    for name, value in (references or {}).items():
        ax.axhline(k * value, color="black", linestyle=":", linewidth=1.2, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    metric = histories[0].metric if histories else "metric"
    ax.set_ylabel("accuracy (%)" if percent else f"{metric} (test set)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    return _save(fig, path)


def _draw_roc(ax: Any, curves: dict[str, tuple[np.ndarray, np.ndarray, float]]) -> None:
    for i, (name, (fpr, tpr, auc)) in enumerate(curves.items()):
        reference = name.startswith("reference")
        ax.plot(fpr, tpr, color="black" if reference else f"C{i}", linewidth=1.2 if reference else 1.8,
                linestyle=":" if reference else "-", label=f"{name} ({auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("false-alarm rate (healthy windows flagged)")
    ax.set_ylabel("detection rate (faulty windows flagged)")
    ax.set_title("ROC, all faults (AUC in brackets)", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")


def _draw_group_bars(ax: Any, table: dict[str, dict[str, float]], groups: Sequence[str]) -> None:
    names = list(table)
    width = 0.8 / max(1, len(names))
    x = np.arange(len(groups))
    for i, name in enumerate(names):
        reference = name.startswith("reference")
        ax.bar(x + (i - (len(names) - 1) / 2) * width, [table[name][g] for g in groups], width,
               color="lightgrey" if reference else f"C{i}", edgecolor="black" if reference else None,
               linewidth=0.5, label=name)
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xticks(x, groups, fontsize=8, rotation=30 if len(groups) > 4 else 0)
    ax.set_ylim(0.4, 1.02)
    ax.set_ylabel("AUC")
    ax.set_xlabel("fault group (type, severity)")
    ax.set_title("AUC per fault group", fontsize=9)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7, loc="upper left")


def plot_roc_and_groups(curves: dict[str, tuple[np.ndarray, np.ndarray, float]],
                        table: dict[str, dict[str, float]], groups: Sequence[str], path: Path, title: str) -> Path:
    """Anomaly detection at a glance: ROC curves per scorer, name -> (fpr, tpr, AUC), and the
    AUC of each scorer per fault group."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5), dpi=120, gridspec_kw={"width_ratios": [1, 1.3]})
    _draw_roc(left, curves)
    _draw_group_bars(right, table, groups)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def plot_pd_vs_snr(snr: np.ndarray, curves: dict[str, np.ndarray], pfa: float, path: Path, title: str) -> Path:
    """Detection probability per SNR bucket at a fixed false-alarm rate, one curve per detector."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for i, (name, pd) in enumerate(curves.items()):
        reference = name.startswith("energy detector")
        ax.plot(snr, pd, color="black" if reference else f"C{i}", linestyle=":" if reference else "-",
                marker="o" if not reference else "s", markersize=4, label=name)
    ax.axhline(pfa, color="grey", linewidth=0.8, linestyle="--", label=f"Pfa = {pfa:g}")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("SNR (dB)")
    ax.set_ylabel(f"detection probability at Pfa = {pfa:g}")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return _save(fig, path)
