"""Metrics and baselines: the formulas, computed through scikit-learn."""
import numpy as np
import pytest

from scratchrnn.train.metrics import (baselines, classification_metrics, evaluate_regression,
                                      mean_forecast, persistence_forecast, regression_metrics)


def test_regression_metrics_match_their_formulas():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(50, 1)), rng.normal(size=(50, 1))
    m = regression_metrics(y, p)
    mse = np.mean((y - p) ** 2)
    assert m["mse"] == pytest.approx(mse) and m["rmse"] == pytest.approx(np.sqrt(mse))
    assert m["mae"] == pytest.approx(np.mean(np.abs(y - p)))
    assert m["r2"] == pytest.approx(1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))
    assert regression_metrics(y, y)["r2"] == 1.0
    assert np.isnan(regression_metrics(y, np.full_like(y, np.nan))["mse"])
    with pytest.raises(ValueError, match=r"expected predictions of shape \(50, 1\)"):
        regression_metrics(y, p[:10])


def test_original_units_go_through_the_inverse_transform():
    y, p = np.array([[0.0], [1.0]]), np.array([[0.5], [1.0]])
    m = evaluate_regression(y, p, inverse=lambda z: 3.0 * z + 10.0)
    assert m["normalized"]["mse"] == pytest.approx(0.125)
    assert m["original"]["mse"] == pytest.approx(9 * 0.125)
    assert m["original"]["r2"] == pytest.approx(m["normalized"]["r2"])
    assert evaluate_regression(y, p)["original"] is None


def test_baselines():
    X = np.arange(24, dtype=float).reshape(4, 6, 1)               # N,T,F
    np.testing.assert_array_equal(persistence_forecast(X), X[:, -1, :])
    np.testing.assert_array_equal(mean_forecast([[1.0], [3.0]], 3), [[2.0]] * 3)
    y_test = X[:, -1, :] + 1.0
    b = baselines(X, y_test, y_train=[[0.0], [2.0]])
    assert b["persistence"]["normalized"]["mse"] == pytest.approx(1.0)
    assert b["train_mean"]["normalized"]["mae"] == pytest.approx(np.mean(np.abs(y_test - 1.0)))


def test_classification_metrics():
    y = np.array([0, 0, 0, 1, 1, 0])
    logits = np.array([[2, 0], [1, 0], [0, 1], [0, 3], [1, 0], [3, 1]], dtype=float)
    m = classification_metrics(y, logits, labels=[0, 1])           # pred 0,0,1,1,0,0
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["precision"] == pytest.approx(0.5) and m["recall"] == pytest.approx(0.5)
    assert m["f1"] == pytest.approx(0.5) and m["confusion_matrix"] == [[3, 1], [1, 1]]
    assert m["balanced_accuracy"] == pytest.approx((3 / 4 + 1 / 2) / 2)
    none = classification_metrics(y, np.zeros(6, dtype=int), labels=[0, 1])   # no warning
    assert none["precision"] == 0.0 and none["recall"] == 0.0
