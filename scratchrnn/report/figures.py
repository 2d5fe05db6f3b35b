"""The figures of a run, drawn headless with matplotlib's object API (no pyplot, no GUI).

    learning_curves(histories, path)   the slides' plot: one color per hidden size,
                                       training loss solid, validation loss dashed
    true_vs_predicted(...)             the slides' test plot, saved as PDF (as on the slides) + PNG
    raw_vs_clean(...)                  the recording before and after cleaning
    timing(...)                        seconds per epoch of each model (assignment 1)
    confusion(...)                     confusion matrix of a classifier

`Figure` + `savefig` renders with the Agg canvas, so nothing depends on a display or on
pyplot's global state, and figures are freed when they go out of scope.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

SLIDE_COLORS = ["#FF662A", "#FFA22A", "#82AC26", "#4F3F84"]    # the slides' my_color
EXTRA_COLORS = ["#1f77b4", "#d62728", "#17becf", "#8c564b"]
TRUE_COLOR, PRED_COLOR = "#696969", "#FF5500"                 # the slides' test plot
MODEL_COLORS = {"rnn": "#FF662A", "lstm": "#82AC26", "gru": "#4F3F84"}


def color(i: int) -> str:
    colors = SLIDE_COLORS + EXTRA_COLORS
    return colors[i % len(colors)]


def _save(fig: Figure, path, formats=("png",)) -> list[str]:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        fig.savefig(target, format=fmt, dpi=110, bbox_inches="tight")
        out.append(str(target))
    return out


def learning_curves(histories: dict, path, title: str, log: bool = True,
                    loss: str = "MSE, normalized units") -> list[str]:
    """histories: {hidden_size: History}. Train solid, validation dashed, one color per size."""
    fig = Figure(figsize=(10, 6))
    ax = fig.add_subplot()
    for i, (hidden, h) in enumerate(histories.items()):
        epochs = np.arange(1, h.epochs + 1)
        ax.plot(epochs, h.train_loss, color=color(i), linestyle="solid",
                label=f"Training Loss (Hidden Size {hidden})")
        ax.plot(epochs, h.val_loss, color=color(i), linestyle="dashed",
                label=f"Validation Loss (Hidden Size {hidden})")
        if h.best_epoch >= 0:
            ax.plot([h.best_epoch + 1], [h.best_val_loss], "o", color=color(i), markersize=4)
    if log and _all_positive(histories):
        ax.set_yscale("log")
    ax.set(title=title, xlabel="Epochs", ylabel=f"Loss ({loss})"
           + (", log scale" if ax.get_yscale() == "log" else ""))
    ax.legend(fontsize=8)
    return _save(fig, path)


def _all_positive(histories) -> bool:
    values = [v for h in histories.values() for v in h.train_loss + h.val_loss]
    return bool(values) and all(np.isfinite(v) and v > 0 for v in values)


def true_vs_predicted(times, y_true, y_pred, path, title: str, units: str = "",
                      max_points: int = 2000) -> list[str]:
    """Test targets and predictions against the time of each target (sorted by time).

    With a chronological split the test part is one stretch of the recording; with the
    slides' random split the test windows are scattered, so points are sorted by time.
    """
    order = np.argsort(times)
    t, yt, yp = np.asarray(times)[order], _col(y_true)[order], _col(y_pred)[order]
    if len(t) > max_points:
        t, yt, yp = t[:max_points], yt[:max_points], yp[:max_points]
    fig = Figure(figsize=(10, 6))
    ax = fig.add_subplot()
    ax.plot(t, yt, label="True Time Series", color=TRUE_COLOR)
    ax.plot(t, yp, label="Predicted Time Series", color=PRED_COLOR, linestyle="dashed")
    ax.set(title=title, xlabel="Time of the predicted sample (s)",
           ylabel=f"Value ({units})" if units else "Value")
    ax.legend()
    return _save(fig, path, formats=("pdf", "png"))


def _col(a) -> np.ndarray:
    a = np.asarray(a)
    return a.reshape(len(a), -1)[:, 0]


SEGMENT_COLORS = {"train": "#82AC26", "validation": "#FFA22A", "test": "#4F3F84"}


def raw_vs_clean(raw, cleaned, fs: float, path, units: str = "", seconds=None,
                 segments=None, labels=None) -> list[str]:
    """The first feature of the raw and cleaned recordings (optionally the first `seconds`),
    with the chronological train / validation / test segments shaded when given, and the
    samples labelled anomalous (labels (T,) nonzero) marked in red."""
    raw, cleaned = _col(raw), _col(cleaned)
    n = len(raw) if seconds is None else min(len(raw), int(seconds * fs))
    fig = Figure(figsize=(10, 4))
    ax = fig.add_subplot()
    ax.plot(np.arange(n) / fs, raw[:n], color=TRUE_COLOR, linewidth=0.8, label="raw")
    m = min(n, len(cleaned))
    ax.plot(np.arange(m) / fs, cleaned[:m], color=PRED_COLOR, linewidth=0.8, label="cleaned")
    if labels is not None and np.any(labels[:n]):
        hit = np.flatnonzero(np.asarray(labels[:n]) != 0)
        ax.plot(hit / fs, cleaned[hit], ".", color="#d62728", markersize=2, label="anomalous")
    for name, (lo, hi) in zip(SEGMENT_COLORS, segments or ()):
        ax.axvspan(lo / fs, hi / fs, color=SEGMENT_COLORS[name], alpha=0.12, label=name)
    ax.set(title="Raw vs cleaned signal", xlabel="Time (s)",
           ylabel=f"Value ({units})" if units else "Value")
    ax.legend(loc="lower left", ncol=5, fontsize=8)
    return _save(fig, path)


def timing(records: list[dict], path) -> list[str]:
    """Seconds per epoch against hidden size: one color per model, scratch solid, torch dashed."""
    fig = Figure(figsize=(8, 5))
    ax = fig.add_subplot()
    styles = {"scratch": "solid", "torch": "dashed"}
    for model in sorted({r["model"] for r in records}):
        for impl, style in styles.items():
            rows = sorted((r["hidden_size"], r["seconds_per_epoch"]) for r in records
                          if r["model"] == model and r["impl"] == impl)
            if rows:
                h, s = zip(*rows)
                ax.plot(h, s, marker="o", linestyle=style, label=f"{model} ({impl})",
                        color=MODEL_COLORS.get(model, "black"))
    sizes = sorted({r["hidden_size"] for r in records})
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(h) for h in sizes])
    ax.minorticks_off()
    ax.set(title="Training time per epoch (median)", xlabel="Hidden size",
           ylabel="Seconds per epoch")
    ax.legend()
    return _save(fig, path)


def confusion(matrix, labels, path, title: str) -> list[str]:
    """A confusion matrix (rows: true class, columns: predicted class) with counts."""
    m = np.asarray(matrix)
    fig = Figure(figsize=(4.5, 4))
    ax = fig.add_subplot()
    ax.imshow(m, cmap="Oranges")
    for (i, j), v in np.ndenumerate(m):
        ax.text(j, i, str(v), ha="center", va="center")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(title=title, xlabel="Predicted", ylabel="True")
    return _save(fig, path)
