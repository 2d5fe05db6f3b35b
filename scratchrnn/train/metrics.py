"""Evaluation on the test part: regression errors, the baselines that give them meaning,
and classification metrics (all computed by scikit-learn).

    MSE  = mean (y - ŷ)^2          RMSE = sqrt(MSE)  (in the signal's units)
    MAE  = mean |y - ŷ|            R²   = 1 - SSE / SST  (1 perfect, 0 = predicting the mean)

Baselines (a network that cannot beat them learned nothing useful):
    persistence  ŷ = last value of the input window   x[:, -1, :]    ("tomorrow = today")
    train mean   ŷ = mean of the training targets                    (R² ≈ 0)
"""
from __future__ import annotations

import math

import numpy as np
from sklearn import metrics as skm


def regression_metrics(y_true, y_pred) -> dict:
    """{'mse', 'rmse', 'mae', 'r2'} of predictions (N,O) against targets (N,O)."""
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"expected predictions of shape {y_true.shape}, got {y_pred.shape}")
    if not np.all(np.isfinite(y_pred)):
        nan = float("nan")
        return {"mse": nan, "rmse": nan, "mae": nan, "r2": nan}
    mse = float(skm.mean_squared_error(y_true, y_pred))
    r2 = float(skm.r2_score(y_true, y_pred)) if len(y_true) > 1 else float("nan")
    return {"mse": mse, "rmse": math.sqrt(mse),
            "mae": float(skm.mean_absolute_error(y_true, y_pred)), "r2": r2}


def evaluate_regression(y_true, y_pred, inverse=None) -> dict:
    """Metrics in normalized units and, with `inverse` (the scaler's inverse_transform),
    in the signal's original units: {'normalized': {...}, 'original': {...} or None}."""
    out = {"normalized": regression_metrics(y_true, y_pred), "original": None}
    if inverse is not None:
        out["original"] = regression_metrics(inverse(_2d(y_true)), inverse(_2d(y_pred)))
    return out


def persistence_forecast(X, target_features=None) -> np.ndarray:
    """ŷ = the last value of each window: X (N,T,F) -> (N,F) (or the chosen feature columns)."""
    last = np.asarray(X)[:, -1, :]                  # N,F
    return last if target_features is None else last[:, target_features]


def mean_forecast(y_train, n: int) -> np.ndarray:
    """ŷ = the mean training target, repeated n times: (n,O)."""
    mean = _2d(y_train).mean(axis=0, keepdims=True)  # 1,O
    return np.repeat(mean, n, axis=0)


def baselines(X_test, y_test, y_train, inverse=None) -> dict:
    """Test metrics of the persistence and training-mean baselines."""
    y_test = _2d(y_test)
    preds = {"persistence": persistence_forecast(X_test)[:, :y_test.shape[1]],
             "train_mean": mean_forecast(y_train, len(y_test))}
    return {name: evaluate_regression(y_test, p, inverse) for name, p in preds.items()}


def classification_metrics(y_true, logits_or_labels, labels=None) -> dict:
    """Accuracy, precision, recall, F1 (binary: of class 1; else macro) and the confusion matrix.

    `logits_or_labels` is (N,C) logits (argmax taken) or (N,) predicted labels.
    """
    pred = np.asarray(logits_or_labels)
    pred = pred.argmax(axis=1) if pred.ndim == 2 else pred
    y_true = np.asarray(y_true).reshape(-1)
    labels = sorted(set(np.unique(y_true)) | set(np.unique(pred))) if labels is None else labels
    average = "binary" if len(labels) <= 2 and set(labels) <= {0, 1} else "macro"
    kw = dict(average=average, zero_division=0)
    if average == "binary":
        kw["pos_label"] = 1
    else:
        kw["labels"] = labels
    return {
        "accuracy": float(skm.accuracy_score(y_true, pred)),
        "balanced_accuracy": _balanced_accuracy(y_true, pred),
        "precision": float(skm.precision_score(y_true, pred, **kw)),
        "recall": float(skm.recall_score(y_true, pred, **kw)),
        "f1": float(skm.f1_score(y_true, pred, **kw)),
        "average": average,
        "labels": [int(v) for v in labels],
        "confusion_matrix": skm.confusion_matrix(y_true, pred, labels=labels).tolist(),
    }


def _balanced_accuracy(y_true, pred) -> float:
    """Mean recall over the classes present in y_true (robust to class imbalance)."""
    classes = np.unique(y_true)
    return float(np.mean([np.mean(pred[y_true == c] == c) for c in classes]))


def _2d(a) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 else a
