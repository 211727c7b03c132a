"""One figure of a backtest: how well each method ranks and how well it is calibrated.

Top row: ROC curves of the model and both baselines for every binary target,
AUC in the legend. Bottom row: reliability diagrams -- observed frequency
against mean predicted probability in bins of equal count, Brier score in the
legend. Written whole or not at all; the format follows the file's suffix.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from collsec.backtest.evaluate import Scores
from collsec.data.export import atomic_write_bytes, check_output_path

__all__ = ["FIGURE_SUFFIXES", "check_figure_path", "write_figure"]

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
BINARY = ("involvement", "council_action", "effectiveness", "regional")
METHODS = (("model", "#1f5fa8", "-"), ("logistic", "#c0504d", "--"), ("era", "#7f7f7f", ":"))
#: bins of the reliability diagram (equal counts)
BINS = 8


def check_figure_path(path: str | os.PathLike[str]) -> Path:
    """The figure's path, or a one-line error (exit 2) before any work is done."""
    return check_output_path(path, FIGURE_SUFFIXES, kind="figure", field="--plot")


def write_figure(scores: Scores, payload: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Draw the ROC curves and reliability diagrams of ``scores`` into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_curve

    target = check_figure_path(path)
    summary = payload["targets"]
    fig, axes = plt.subplots(2, len(BINARY), figsize=(4.0 * len(BINARY), 8.2))
    for j, name in enumerate(BINARY):
        y = scores.truth[name].astype(int)
        roc, rel = axes[0, j], axes[1, j]
        for method, colour, style in METHODS:
            p = np.asarray(scores.predictions[name][method], dtype=float)
            s = summary[name]["model"] if method == "model" else summary[name]["baselines"][method]
            fpr, tpr, _ = roc_curve(y, p)
            roc.plot(fpr, tpr, style, color=colour, lw=1.8, label=f"{method} {s['auc']:.3f}")
            obs, pred = calibration_curve(y, p, n_bins=BINS, strategy="quantile")
            rel.plot(
                pred,
                obs,
                style,
                color=colour,
                lw=1.6,
                marker="o",
                ms=3.5,
                label=f"{method} {s['brier']:.3f}",
            )
        for ax in (roc, rel):
            ax.plot([0, 1], [0, 1], color="#cccccc", lw=0.8, zorder=0)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.set_aspect("equal")
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        roc.set_title(f"{name.replace('_', ' ')} (n={len(y)}, {int(y.sum())} yes)", fontsize=10)
        roc.set_xlabel("false positive rate")
        rel.set_xlabel("mean predicted probability")
        roc.legend(title="AUC", fontsize=8, title_fontsize=8, loc="lower right", frameon=False)
        rel.legend(title="Brier", fontsize=8, title_fontsize=8, loc="upper left", frameon=False)
    axes[0, 0].set_ylabel("true positive rate")
    axes[1, 0].set_ylabel("observed frequency")
    fig.suptitle(f"ICB backtest: {payload['n']} crises, {payload['mode']}", fontsize=11)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=target.suffix.lower().lstrip("."), dpi=120)
    plt.close(fig)
    return atomic_write_bytes(target, buf.getvalue())
