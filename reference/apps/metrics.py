"""Detection metrics on real-valued scores (float: evaluation only, never the numerics path)."""

from __future__ import annotations

import numpy as np


def auc(is_positive: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve; ties count one half (scikit-learn's roc_auc_score)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(is_positive, score))


def roc(is_positive: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(false-positive rate, true-positive rate) over all thresholds."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(is_positive, score)
    return fpr, tpr


def threshold_at_pfa(null_scores: np.ndarray, pfa: float) -> float:
    """The (1 - pfa) quantile of the scores of negative (noise-only) windows.

    A window is declared positive when its score is strictly above the threshold, so the
    realised false-alarm rate is at most about ``pfa`` (ties at the threshold lower it).
    """
    if not 0 < pfa < 1:
        raise ValueError(f"the false-alarm rate must be in (0, 1), got {pfa}")
    return float(np.quantile(null_scores, 1 - pfa))


def pd_at_pfa(is_positive: np.ndarray, score: np.ndarray, pfa: float) -> float:
    """Detection probability over all positive windows at the threshold for ``pfa``."""
    pos = is_positive.astype(bool)
    return float(np.mean(score[pos] > threshold_at_pfa(score[~pos], pfa)))


def pd_by_group(is_positive: np.ndarray, score: np.ndarray, group: np.ndarray, groups: np.ndarray,
                pfa: float) -> np.ndarray:
    """Detection probability per group of positive windows (e.g. an SNR bucket), one threshold."""
    pos = is_positive.astype(bool)
    thr = threshold_at_pfa(score[~pos], pfa)
    return np.array([np.mean(score[pos & (group == g)] > thr) for g in groups])
