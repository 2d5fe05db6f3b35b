"""Turn a sweep's runs into result records: the numbers `results.json` and report.md show.

One record per (model, implementation, hidden size):
    model, impl, hidden_size, best_val_loss, best_epoch (1-based), epochs, train_seconds,
    seconds_per_epoch, stopped, message, selected (lowest validation loss of its model+impl),
    test: {'normalized': {mse, rmse, mae, r2}, 'original': {...}}   (forecasting), and
    test_mse / best_val_mse, or test: {accuracy, precision, recall, f1, ...}   (classification).
"""
from __future__ import annotations

import math

import numpy as np

from ..train.metrics import baselines, classification_metrics, evaluate_regression


def run_record(run, data: dict) -> dict:
    """The record of one `sweep.Run` evaluated on data's test part."""
    h = run.history
    rec = {"model": run.model, "impl": run.impl, "hidden_size": run.hidden_size,
           "best_val_loss": _num(h.best_val_loss), "best_epoch": h.best_epoch + 1,
           "epochs": h.epochs, "train_seconds": h.train_seconds,
           "seconds_per_epoch": float(np.median(h.epoch_seconds)) if h.epochs else None,
           "stopped": h.stopped, "message": h.message, "selected": False}
    if data["task"] == "classify":
        rec["test"] = classification_metrics(data["y_test"], run.test_pred,
                                             labels=list(range(data["n_outputs"])))
        rec["test_accuracy"], rec["test_f1"] = rec["test"]["accuracy"], rec["test"]["f1"]
    else:
        rec["test"] = evaluate_regression(data["y_test"], run.test_pred, data.get("inverse"))
        rec["test_mse"] = rec["test"]["normalized"]["mse"]
        rec["best_val_mse"] = rec["best_val_loss"]
    return rec


def mark_selected(records: list[dict]) -> list[dict]:
    """Flag, per (model, impl), the hidden size with the lowest best validation loss."""
    groups: dict = {}
    for r in records:
        if r["best_val_loss"] is not None:
            key = (r["model"], r["impl"])
            if key not in groups or r["best_val_loss"] < groups[key]["best_val_loss"]:
                groups[key] = r
    for r in groups.values():
        r["selected"] = True
    return records


def baseline_record(data: dict) -> dict:
    """Test metrics of the baselines: persistence and training mean (forecast), or the
    majority class (classification)."""
    if data["task"] == "classify":
        majority = int(np.bincount(data["y_train"]).argmax())
        pred = np.full(len(data["y_test"]), majority)
        return {"majority_class": classification_metrics(
            data["y_test"], pred, labels=list(range(data["n_outputs"])))}
    return baselines(data["X_test"], data["y_test"], data["y_train"], data.get("inverse"))


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None
