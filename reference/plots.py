"""Plots of training runs (matplotlib, written to files; never shown interactively)."""

from __future__ import annotations

from pathlib import Path

from tintin.reference.training import History


def plot_curves(histories: list[History], path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for i, h in enumerate(histories):
        color = f"C{i}"
        epochs = range(1, len(h.test_acc) + 1)
        ax.plot(epochs, [100 * a for a in h.test_acc], color=color, label=f"{h.name} test")
        ax.plot(epochs, [100 * a for a in h.train_acc], color=color, linestyle="--", alpha=0.6,
                label=f"{h.name} train")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
