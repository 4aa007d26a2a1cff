"""The charts logged with every model: gain/lift, feature importance, calibration.

Each function returns a matplotlib Figure (Agg backend: no display needed); `models.train`
logs them as MLflow artifacts under `plots/`, where the MLflow UI shows them with the run.
"""

from __future__ import annotations

import numpy as np

from models.metrics import calibration, gains


def _figure(width: float = 6.4, height: float = 4.2):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def gain_lift(y: np.ndarray, p: np.ndarray, title: str):
    """Cumulative gains (share of openers reached against share of customers contacted) and
    the lift of each decile."""
    data = gains(y, p, bins=10)
    fig = _figure(10, 4.2)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(np.r_[0, data["share"]], np.r_[0, data["captured"]], marker="o", label="model")
    ax1.plot([0, 1], [0, 1], linestyle="--", color="grey", label="random")
    ax1.set(xlabel="share of eligible customers contacted", ylabel="share of openers reached",
            title=f"{title}: cumulative gains")
    ax1.legend()
    ax2.bar(np.arange(1, len(data["lift"]) + 1), data["lift"])
    ax2.axhline(1.0, linestyle="--", color="grey")
    ax2.set(xlabel="decile (1 = highest scores)", ylabel="lift over base rate",
            title=f"{title}: lift by decile")
    fig.tight_layout()
    return fig


def feature_importance(importance: dict[str, float], title: str, top: int = 20):
    """The `top` features by total gain."""
    ranked = sorted(importance.items(), key=lambda kv: kv[1], reverse=True)[:top][::-1]
    fig = _figure(7, max(3.0, 0.28 * len(ranked) + 1))
    ax = fig.subplots()
    ax.barh([name for name, _ in ranked], [value for _, value in ranked])
    ax.set(xlabel="total gain", title=f"{title}: feature importance (top {len(ranked)})")
    fig.tight_layout()
    return fig


def calibration_curve(y: np.ndarray, p: np.ndarray, title: str):
    """Observed opening rate against mean predicted propensity, per decile of the scores."""
    data = calibration(y, p, bins=10)
    fig = _figure(5.2, 4.6)
    ax = fig.subplots()
    top = float(max(data["predicted"].max(initial=0), data["observed"].max(initial=0), 1e-6))
    ax.plot([0, top], [0, top], linestyle="--", color="grey", label="perfect")
    ax.plot(data["predicted"], data["observed"], marker="o", label="model")
    ax.set(xlabel="mean predicted propensity", ylabel="observed opening rate",
           title=f"{title}: calibration")
    ax.legend()
    fig.tight_layout()
    return fig
