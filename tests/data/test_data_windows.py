"""make_windows equals the slides' create_dataset, reconstructs the series, and fixes y's shape."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratchrnn.data import make_windows, window_starts, windows_at


def create_dataset(series, time_steps):
    """The slides' loop, copied verbatim (with the spaces in names restored to underscores)."""
    X, y = [], []
    for i in range(len(series) - time_steps):
        X.append(series[i:i + time_steps])
        y.append(series[i + time_steps])
    return np.array(X), np.array(y)


@given(st.integers(2, 80), st.integers(1, 20))
def test_equals_the_slides_create_dataset(n, time_steps):
    if n <= time_steps:
        n = time_steps + 1
    data = np.random.default_rng(n).normal(size=n)
    X_slides, y_slides = create_dataset(data, time_steps)
    X_slides = np.reshape(X_slides, (X_slides.shape[0], X_slides.shape[1], 1))  # as the slides
    X, y = make_windows(data, time_steps)
    np.testing.assert_array_equal(X, X_slides)
    np.testing.assert_array_equal(y, y_slides[:, None])      # (N, 1), where the slides had (N,)


def test_on_the_real_ecg_with_the_slides_window(ecg):
    X_slides, y_slides = create_dataset(ecg.values, 50)
    X, y = make_windows(ecg.values, 50)
    assert X.shape == (5538, 50, 1) and y.shape == (5538, 1) and y_slides.shape == (5538,)
    np.testing.assert_array_equal(X[..., 0], X_slides)


def test_the_slides_one_dimensional_y_broadcasts_in_mse_loss():
    torch = pytest.importorskip("torch")
    pred = torch.tensor([[0.0], [2.0]])                        # model output (N, 1)
    y_slides, y_ours = torch.tensor([0.0, 2.0]), torch.tensor([[0.0], [2.0]])
    with pytest.warns(UserWarning, match="target size"):
        wrong = torch.nn.MSELoss()(pred, y_slides)             # (N,1) - (N,) -> (N, N)
    assert wrong.item() == 2.0                                 # a perfect model scores badly
    assert torch.nn.MSELoss()(pred, y_ours).item() == 0.0


series_cases = st.tuples(st.integers(1, 40), st.integers(1, 3), st.integers(1, 8),
                         st.integers(1, 4), st.integers(1, 5))


@given(series_cases)
def test_windows_reconstruct_the_series(case):
    extra, features, window, horizon, stride = case
    n = window + horizon + extra
    series = np.arange(n * features, dtype=float).reshape(n, features)
    X, y = make_windows(series, window, horizon, stride)
    y = y[:, None] if horizon == 1 else y                          # N, horizon, F
    starts = window_starts(n, window, horizon, stride)
    assert len(X) == len(y) == len(starts) == (n - window - horizon) // stride + 1
    assert X.shape[1:] == (window, features) and y.shape[1:] == (horizon, features)
    # every window is the slice of the series it claims to be ...
    full = np.concatenate([X, y], axis=1)                          # N, window + horizon, F
    index = starts[:, None] + np.arange(window + horizon)
    np.testing.assert_array_equal(full, series[index])
    # ... so the windows put back together give the series (where they reach)
    rebuilt = np.full_like(series, np.nan)
    rebuilt[index] = full
    covered = ~np.isnan(rebuilt)
    np.testing.assert_array_equal(rebuilt[covered], series[covered])
    if stride <= window + horizon:
        assert covered[: starts[-1] + window + horizon].all()


def test_horizon_shapes_are_documented_ones():
    series = np.arange(20.0)
    assert make_windows(series, 5)[1].shape == (15, 1)
    assert make_windows(series, 5, horizon=3)[1].shape == (13, 3, 1)
    assert make_windows(np.ones((20, 2)), 5, horizon=3, stride=2)[0].shape == (7, 5, 2)


def test_windows_at_picks_rows_and_returns_writable_copies():
    series = np.arange(30.0)
    X, y = make_windows(series, 4)
    Xs, ys = windows_at(series, [7, 2], 4)
    np.testing.assert_array_equal(Xs, X[[7, 2]])
    Xs[0] = -1.0                                        # a copy: the series is untouched
    assert series[7] == 7.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(window=10, horizon=1), r"at least window \+ horizon = 11 samples, got 10"),
    (dict(window=0), "window to be a positive integer, got 0"),
    (dict(window=3, stride=0), "stride to be a positive integer, got 0"),
    (dict(window=3, horizon=-1), "horizon to be a positive integer"),
    (dict(window=2.5), "window to be a positive integer, got 2.5"),
])
def test_bad_window_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(10.0), **kwargs)


@pytest.mark.parametrize("series, message", [
    (np.array([]), "non-empty series"),
    (np.zeros((3, 2, 2)), r"got \(3, 2, 2\)"),
])
def test_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        make_windows(series, 1)
