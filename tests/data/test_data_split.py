"""The slides' random split, reproduced; the chronological split shares no sample; leakage."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import train_test_split

from scratchrnn.data import (chronological_split, covered_samples, leakage, make_windows,
                             random_split)


@given(st.integers(4, 400))   # 4: the fewest windows the slides' two calls accept
def test_random_split_is_the_slides_two_train_test_split_calls(n):
    X = np.random.default_rng(n).normal(size=(n, 5, 1))
    y = np.random.default_rng(n + 1).normal(size=(n, 1))
    # the slides, verbatim
    X_train, X_temp, y_train, y_temp = train_test_split(X, y, test_size=0.3, random_state=42)
    X_val, X_test, y_val, y_test = train_test_split(X_temp, y_temp, test_size=0.5,
                                                    random_state=42)
    split = random_split(n)
    for ours, theirs in [(X[split.train], X_train), (X[split.val], X_val),
                         (X[split.test], X_test), (y[split.train], y_train),
                         (y[split.test], y_test)]:
        np.testing.assert_array_equal(ours, theirs)


def test_random_split_sizes_and_seed():
    split = random_split(1000)
    assert (len(split.train), len(split.val), len(split.test)) == (700, 150, 150)
    assert not np.array_equal(random_split(1000, seed=0).train, split.train)
    other = random_split(1000, fractions=(0.8, 0.15, 0.05))
    assert (len(other.train), len(other.val), len(other.test)) == (800, 150, 50)
    together = np.sort(np.concatenate(split[:3]))
    np.testing.assert_array_equal(together, np.arange(1000))       # a partition


chrono_cases = st.tuples(st.integers(0, 400), st.integers(1, 20), st.integers(1, 5),
                         st.integers(1, 4), st.sampled_from([None, 0, 3]),
                         st.sampled_from([(0.7, 0.15, 0.15), (0.5, 0.25, 0.25), (0.6, 0.3, 0.1)]))


@given(chrono_cases)
def test_chronological_parts_never_share_a_sample(case):
    extra, window, horizon, stride, gap, fractions = case
    # long enough that the smallest part (10%) holds a stride-aligned window
    n = 12 * (window + horizon + stride) + 2 * max(window, 3) + extra
    split = chronological_split(n, window, horizon, stride, fractions, gap)
    masks = [covered_samples(getattr(split, p), n, window, horizon, stride)
             for p in ("train", "val", "test")]
    assert not (masks[0] & masks[1]).any() and not (masks[1] & masks[2]).any()
    assert not (masks[0] & masks[2]).any()
    last = [np.flatnonzero(m).max() for m in masks]
    first = [np.flatnonzero(m).min() for m in masks]
    gap = window if gap is None else gap
    assert first[1] - last[0] > gap and first[2] - last[1] > gap       # in time order, apart
    assert leakage(split, window, horizon, stride) == 0.0
    X, _ = make_windows(np.arange(n, dtype=float), window, horizon, stride)
    for part in split[:3]:                                              # valid window rows
        assert part.min() >= 0 and part.max() < len(X)


def test_chronological_segments_follow_the_fractions():
    split = chronological_split(1100, window=50)
    assert split.segments == ((0, 700), (750, 900), (950, 1100))
    assert split.train[-1] + 51 <= 700 and split.test[0] >= 950


def test_random_split_of_overlapping_ecg_windows_leaks_and_chronological_does_not(ecg):
    n, window = len(ecg), 50
    n_windows = n - window
    random = random_split(n_windows)
    assert leakage(random, window) > 0.99          # every test target was inside a train window
    assert leakage(random, window, part="val") > 0.99
    assert leakage(chronological_split(n, window), window) == 0.0


def test_covered_samples_matches_a_loop():
    idx, n, window, horizon, stride = np.array([0, 3]), 20, 4, 2, 2
    expected = np.zeros(n, bool)
    for i in idx:
        expected[i * stride: i * stride + window + horizon] = True
    np.testing.assert_array_equal(covered_samples(idx, n, window, horizon, stride), expected)


def test_leakage_counts_targets_seen_in_training_windows():
    from scratchrnn.data import Split
    # windows of 3 inputs + 1 target; train window 0 covers samples 0..3
    split = Split(train=np.array([0]), val=np.array([], int), test=np.array([1, 3]))
    # test window 1 targets sample 4 (unseen), test window 3 targets sample 6 (unseen)
    assert leakage(split, window=3) == 0.0
    split = Split(train=np.array([0, 3]), val=np.array([], int), test=np.array([1]))
    assert leakage(split, window=3) == 1.0           # sample 4 is an input of train window 3


@pytest.mark.parametrize("fractions", [(0.7, 0.2, 0.2), (0.5, 0.2, 0.2), (0.8, 0.2),
                                       (0.9, 0.2, -0.1), (1.0, 0.0, 0.0)])
def test_invalid_fractions(fractions):
    with pytest.raises(ValueError, match="expected three positive fractions .* summing to 1"):
        random_split(100, fractions)
    with pytest.raises(ValueError, match="expected three positive fractions"):
        chronological_split(1000, 10, fractions=fractions)


@pytest.mark.parametrize("call, message", [
    (lambda: chronological_split(101, window=50), r"more than 2 \* gap \+ 2 = 102 samples"),
    (lambda: chronological_split(300, window=50), "too short for these fractions"),
    (lambda: chronological_split(300, window=0), "window to be a positive integer"),
    (lambda: chronological_split(300, window=5, gap=-1), "non-negative integer gap"),
    (lambda: random_split(3), "expected enough windows for three non-empty parts"),
    (lambda: leakage(random_split(10), 3, part="train"), "part 'val' or 'test'"),
])
def test_split_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
