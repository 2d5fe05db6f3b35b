"""Numbers the docs quote, recomputed from the code (issue 13, item 3).

Each test computes a figure that docs/*.md or README.md states about what the code computes,
formats it as the page does, and asserts that the page's text contains it. A change in the
code that moves a number fails here, naming the page, so the docs cannot go stale silently.
Timings are out of scope (they are labelled with the machine and the date). Everything here
runs in a few seconds: no training, except the check of docs/default_run.json against the
default sweep itself (and a few variations running.md quotes), which runs with
SCRATCHRNN_SLOW_DOCS=1 only (about 4 minutes).
"""
from __future__ import annotations

import inspect
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import find_peaks

from scratchrnn.app import build_spec, load_and_prepare
from scratchrnn.data import SignalPipeline, list_datasets, load_dataset
from scratchrnn.data.clean import butter_filter, hampel_filter, zscore_outliers
from scratchrnn.data.embed import (delay_from_autocorrelation, delay_from_mutual_information,
                                   dimension_from_fnn, false_nearest_neighbours)
from scratchrnn.data.spectral import band_power, dominant_frequencies, power_spectrum
from scratchrnn.data.synthetic import mackey_glass

ROOT = Path(__file__).resolve().parents[2]


def page(name: str) -> str:
    """The page's text with every run of whitespace (line breaks too) made one space."""
    path = ROOT / name if name == "README.md" else ROOT / "docs" / name
    return " ".join(path.read_text(encoding="utf-8").split())


def assert_quoted(name: str, *phrases: str) -> None:
    text = page(name)
    missing = [p for p in phrases if p not in text]
    assert not missing, (f"{name} no longer quotes what the code computes: expected the text "
                         f"to contain {missing} (update the page, or the code)")


def thousands(n: int) -> str:
    return f"{n:,}"


@pytest.fixture(scope="module")
def ecg():
    return load_dataset("ecg")


@pytest.fixture(scope="module")
def r_peaks(ecg):
    """The R peaks of the embedded ECG: maxima above 0.2 mV at least 0.4 s apart."""
    peaks, _ = find_peaks(ecg.values, height=0.2, distance=int(0.4 * ecg.fs))
    return peaks


@pytest.fixture(scope="module")
def pipelines(ecg):
    return {split: SignalPipeline(window=50, split=split).fit_transform(ecg)
            for split in ("random", "chronological")}


@pytest.fixture(scope="module")
def default_run():
    """What `scratchrnn run` trains on (no training): its spec and its data."""
    spec = build_spec({})
    return spec, load_and_prepare(spec)[1]


# -- docs/data.md ---------------------------------------------------------------------------

def test_data_md_the_datasets(ecg):
    mitdb = load_dataset("mitdb")
    anomalous = np.flatnonzero(np.asarray(mitdb.labels))
    assert np.array_equal(anomalous, np.arange(anomalous[0], anomalous[-1] + 1)), \
        "data.md: the MIT-BIH excerpt's anomalous samples are no longer one stretch"
    shipped = sum((ROOT / "scratchrnn" / "data" / "datasets" / f"{n}.npz").stat().st_size
                  for n in list_datasets())
    # resample_poly from 1000 Hz to 250 Hz gives ceil(22,350 / 4) samples
    assert len(ecg) == math.ceil(22_350 * ecg.fs / 1000), \
        "data.md: the ECG no longer is the 22,350-sample 1000 Hz file resampled"
    assert_quoted(
        "data.md",
        f"Signal: ({len(ecg)},) mV at {ecg.fs:.0f} Hz",
        f"`list_datasets()` gives `{list_datasets()}`",
        f"{shipped / 1000:.0f} KB together",
        "22,350 samples at 1000 Hz",
        f"resampled to {ecg.fs:.0f} Hz",
        f"{thousands(len(ecg))} samples, {len(ecg) / ecg.fs:.2f} s",
        f"{thousands(len(mitdb))} samples at {mitdb.fs:.0f} Hz",
        f"({anomalous.size} samples, one stretch at indices {anomalous[0]}–{anomalous[-1]},",
    )


def test_data_md_beats(ecg, r_peaks):
    bpm = 60 * ecg.fs / np.median(np.diff(r_peaks))             # from the median RR interval
    assert_quoted("data.md", f"about {len(r_peaks)} beats at ~{bpm:.0f} bpm")


def test_data_md_pipeline_example_shapes(pipelines):
    ds = pipelines["chronological"]
    assert_quoted("data.md",
                  f"ds.X_train.shape, ds.y_train.shape # {tuple(ds.X_train.shape)}, "
                  f"{tuple(ds.y_train.shape)}")


def test_data_md_mains_hum(ecg):
    t, x, fs = ecg.times, ecg.values, ecg.fs
    noisy = x + 0.3 * np.sin(2 * np.pi * 50.0 * t)
    cleaned, _ = butter_filter(noisy, fs, 40.0, "lowpass", order=6)
    before = band_power(*power_spectrum(noisy, fs, nperseg=1024), 48, 52)
    after = band_power(*power_spectrum(cleaned, fs, nperseg=1024), 48, 52)
    mantissa, exponent = f"{after:.1e}".split("e")
    superscript = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    reference, _ = butter_filter(x, fs, 40.0, "lowpass", order=6)
    inside = slice(int(fs), -int(fs))
    assert np.abs(cleaned - reference)[inside].max() < 0.015, "data.md: hum left >= 0.015 mV"
    assert_quoted("data.md",
                  f"from {before:.3f} mV² to {mantissa}·10{superscript} mV² "
                  f"(−{-10 * np.log10(after / before):.0f} dB)",
                  "less than 0.015 mV of the hum is left")


def test_data_md_outlier_rules(ecg, r_peaks):
    x = ecg.values
    z, _ = zscore_outliers(x)
    h, _ = hampel_filter(x, half_window=5)
    changed = np.flatnonzero(h != x)
    nearest_peak = np.abs(changed[:, None] - r_peaks[None, :]).min()
    assert nearest_peak > 10, "data.md: the Hampel filter now changes samples near R peaks"
    assert_quoted(
        "data.md",
        f"`zscore_outliers` replaces {np.count_nonzero(z != x)} of {thousands(len(x))} samples",
        f"amplitude from {x[r_peaks].mean():.2f} mV to {z[r_peaks].mean():.2f} mV",
        f"(half-window 5) changes {changed.size} samples",
        f"by at most {np.abs(h - x).max():.3f} mV",
    )


def test_data_md_dominant_frequency(ecg):
    f = dominant_frequencies(ecg.values, ecg.fs, n=1, nperseg=2048,
                             min_freq=0.5).freqs[0]
    assert_quoted("data.md", f"the strongest peak is {f:.2f} Hz, i.e. {60 * f:.0f} beats per "
                             "minute")


def test_data_md_delay_embedding(ecg):
    x, fs = ecg.values, ecg.fs
    tau = delay_from_mutual_information(x)
    fractions = false_nearest_neighbours(x, tau)
    # as the page writes them: two decimals, three below 0.015
    listed = ", ".join(f"{v:.2f}" if v >= 0.015 else f"{v:.3f}" for v in fractions)
    mg = mackey_glass().values
    mg_tau = delay_from_mutual_information(mg)
    assert_quoted(
        "data.md",
        f"τ = {tau} samples ({1000 * tau / fs:.0f} ms) by mutual information, "
        f"{delay_from_autocorrelation(x, '1/e')} by 1/e, "
        f"{delay_from_autocorrelation(x, 'zero')} by the zero crossing",
        f"m = 1…{len(fractions)} are {listed}, so m = {dimension_from_fnn(x, tau)}.",
        f"the helpers find τ = {mg_tau} and m = {dimension_from_fnn(mg, mg_tau)}",
    )


def test_data_md_auto_embedding_lowest_fnn(default_run):
    _, data = default_run
    head = data["cleaned"][:int(len(data["cleaned"]) * 0.7), 0]      # band-passed, train part
    tau = delay_from_mutual_information(head)
    lowest = false_nearest_neighbours(head, tau).min()
    assert lowest > 0.01, "data.md: the band-passed ECG now gets below 1% false neighbours"
    assert_quoted("data.md", f"on the band-passed ECG the lowest is {100 * lowest:.1f}%")


def test_data_md_leakage_table(pipelines):
    rows = []
    for split in ("random", "chronological"):
        ds = pipelines[split]
        train = set(np.asarray(ds.split.train).tolist())
        test = np.asarray(ds.split.test)
        twins = np.mean([(i - 1 in train) or (i + 1 in train) for i in test])
        rows.append((len(ds.X_train), len(ds.X_val), len(ds.X_test), ds.leakage, twins))
    (r_tr, r_va, r_te, r_leak, r_twin), (c_tr, c_va, c_te, c_leak, c_twin) = rows
    assert_quoted(
        "data.md",
        f"| random (slides) | {r_tr} / {r_va} / {r_te} | **{100 * r_leak:.0f} %** | "
        f"{100 * r_twin:.1f} % |",
        f"| chronological, gap 50 | {c_tr} / {c_va} / {c_te} | **{100 * c_leak:.0f} %** | "
        f"{100 * c_twin:.0f} % |",
    )
    assert round(10 * r_twin) == 9, "data.md: 'nine test windows in ten' have a training twin"
    assert_quoted("data.md", "nine test windows in ten have a training twin")


def test_data_md_lookup_regressors(pipelines):
    from sklearn.linear_model import Ridge
    from sklearn.neighbors import KNeighborsRegressor

    def sci(v):
        mantissa, exponent = f"{v:.1e}".split("e")
        sup = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
        return f"{mantissa}·10{sup} mV²"

    mse = {}
    for split, ds in pipelines.items():
        X = np.asarray(ds.X_train).reshape(len(ds.X_train), -1)
        Xt = np.asarray(ds.X_test).reshape(len(ds.X_test), -1)
        truth = ds.scaler.inverse_transform(np.asarray(ds.y_test))
        for name, reg in (("1nn", KNeighborsRegressor(1)), ("ridge", Ridge(alpha=1e-3))):
            pred = reg.fit(X, np.asarray(ds.y_train)).predict(Xt).reshape(-1, 1)
            mse[split, name] = float(np.mean((ds.scaler.inverse_transform(pred) - truth) ** 2))
    ratio = mse["chronological", "1nn"] / mse["random", "1nn"]
    assert_quoted(
        "data.md",
        f"| {sci(mse['random', '1nn'])} | {sci(mse['random', 'ridge'])} |",
        f"| {sci(mse['chronological', '1nn'])} | {sci(mse['chronological', 'ridge'])} |",
        f"scores {float(f'{ratio:.2g}'):.0f} times better",
    )


# -- docs/running.md and README.md -----------------------------------------------------------

def test_running_md_defaults_and_quick_preset():
    spec, quick = build_spec({}), build_spec({"quick": True})
    n_trainings = len(spec.models) * len(spec.hidden) * len(spec.impl)
    assert_quoted(
        "running.md",
        f"(hidden sizes {' and '.join(map(str, quick.hidden))}, {quick.epochs} epochs, "
        f"at most {quick.max_windows} windows)",
        f"hidden sizes {', '.join(map(str, spec.hidden))}, Adam, {spec.epochs} full-batch "
        "epochs",
        f"`scratchrnn run` ({len(spec.models)} models x {len(spec.hidden)} hidden sizes x "
        f"{len(spec.impl)} implementations x {spec.epochs} epochs)",
        f"**At most {thousands(spec.max_windows)} windows**",
        f"the {n_trainings} trainings are independent",
        f"the default is **{spec.lr:g}**",
        f"| {spec.window}, {spec.stride}, {spec.max_windows}, all | windows |",
        f"| {spec.epochs}, {spec.lr:g}, {spec.optimizer}, full batch | training |",
        f"| {spec.dtype}, {spec.backend}, {spec.seed} |",
    )
    assert_quoted("README.md", f"({len(spec.models)} models x {len(spec.hidden)} hidden "
                               f"sizes x scratch and torch x {spec.epochs} epochs, "
                               f"{n_trainings} trainings)")


def test_running_md_windows_of_the_default_run(ecg, default_run):
    spec, data = default_run
    every = len(data["cleaned"]) - spec.window                  # windows at stride 1
    n = len(data["X_train"]) + len(data["X_val"]) + len(data["X_test"])
    assert_quoted(
        "running.md",
        f"(k = {data['stride']} for the embedded ECG: {len(data['X_train'])} training, "
        f"{len(data['X_val'])} validation, {len(data['X_test'])} test windows over the whole "
        f"{len(ecg) / ecg.fs:.0f} s recording)",
        f"~{thousands(round(every, -2))} windows, {every / n:.0f} times as many",
        f"BITalino, {ecg.fs:.0f} Hz, {len(ecg) / ecg.fs:.1f} s, in mV",
    )


def test_running_md_random_split_leaks():
    default = load_and_prepare(build_spec({"split": "random"}))[1]
    quick = load_and_prepare(build_spec({"split": "random", "quick": True}))[1]
    assert default["leakage"] == 1.0, "running.md: the default random split no longer leaks all"
    assert_quoted("running.md",
                  f"windows every {default['stride']} samples",
                  f"{100 * quick['leakage']:.0f}% with `--quick`")


def test_running_md_test_part_and_persistence(default_run):
    from scratchrnn.train.metrics import baselines

    _, data = default_run
    persistence = baselines(data["X_test"], data["y_test"], data["y_train"],
                            data["inverse"])["persistence"]["normalized"]["mse"]
    lo, hi = data["y_train"].min(axis=0), data["y_train"].max(axis=0)
    outside = float(((data["y_test"] < lo) | (data["y_test"] > hi)).mean())
    start, stop = data["segments"][2]
    assert_quoted(
        "running.md",
        f"a multiple of persistence's {persistence:.3f} (above 1",
        f"against persistence's {persistence:.2f})",
        f"The test part (the last {(stop - start) / data['fs']:.1f} s)",
        f"({100 * outside:.0f}% of the test targets)",
    )


# -- docs/models.md ------------------------------------------------------------------------

def test_models_md_lstm_gradient_shape():
    from scratchrnn.models import LSTMModel

    shape = LSTMModel(1, 32, 1, seed=0).grads["lstm.weight_hh_l0"].shape
    assert_quoted("models.md", f'model.grads["lstm.weight_hh_l0"].shape # {shape}')


def test_models_md_y_shape_pitfall_table():
    """The notebook's measurement with torch, redone with NumPy's identical broadcasting."""
    from scratchrnn.data import make_windows, sine_mixture
    from scratchrnn.errors import ShapeError
    from scratchrnn.losses import MSELoss

    series = sine_mixture(n=2000, seed=0).values
    series = (series - series.mean()) / series.std()
    _, y = make_windows(series, 50)
    noise = np.random.default_rng(1).normal(0, 0.1, size=y.shape)
    rows = {"perfect, p = y": y, "good, p = y + N(0, 0.1²) noise": y + noise,
            "constant, p = mean of y": np.full_like(y, y.mean())}
    phrases = [f"N = {len(y)} windows (50 samples)"]
    for name, p in rows.items():
        right = np.mean((p - y) ** 2)
        broadcast = np.mean((p - y[:, 0]) ** 2)                  # (N, 1) vs (N,) -> (N, N)
        phrases.append(f"| {name} | {right:.4f} | {broadcast:.4f} |")
    with pytest.raises(ShapeError) as err:
        MSELoss()(y, y[:, 0])
    phrases.append(f"`ShapeError: {err.value}`")
    phrases.append(f"(torch.Size([{len(y)}]))")
    assert_quoted("models.md", *phrases)


# -- docs/optim.md --------------------------------------------------------------------------

def test_optim_md_gains_and_defaults():
    from scratchrnn.init import calculate_gain
    from scratchrnn.optim import AdamW

    def frac(name):
        return str(Fraction(calculate_gain(name)).limit_denominator(10))

    assert calculate_gain("relu") ** 2 == pytest.approx(2.0)
    assert calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert {calculate_gain(n) for n in ("linear", "conv1d", "sigmoid")} == {1.0}
    decay = inspect.signature(AdamW).parameters["weight_decay"].default
    assert_quoted("optim.md",
                  f"tanh {frac('tanh')}, relu √2",
                  f"selu {frac('selu')} |",
                  "(slope = `param`, default 0.01)",
                  f"AdamW's default `weight_decay` is {decay:.0e}".replace("e-0", "e-"))


# -- docs/cells.md --------------------------------------------------------------------------

def test_cells_md_sigmoid_overflow_threshold():
    limit64 = int(np.log(np.finfo(np.float64).max))
    limit32 = int(np.log(np.finfo(np.float32).max))
    assert_quoted("cells.md", f"x below about −{limit64} (float64; −{limit32} in float32)")


def test_running_md_the_slides_learning_rate_barely_trains(default_run):
    """One GRU-32 training as the default run does it, at the slides' lr 0.001 (~4 s)."""
    from scratchrnn.app.experiment import sweep_config
    from scratchrnn.app.sweep import train_one

    spec = build_spec({"lr": 0.001, "models": "gru", "hidden": "32", "impl": "scratch",
                       "quiet": True})
    _, data = default_run                    # the same data: the lr does not change it
    run = train_one("gru", 32, "scratch", data, sweep_config(spec, data))
    mse = float(np.mean((np.asarray(run.test_pred) - data["y_test"]) ** 2))
    assert_quoted("running.md", f"(a GRU-32 then has a test MSE of {mse:.2f} against")


def test_performance_md_what_no_grad_does_not_keep():
    """The training forward's gate buffer of the LSTM at H = 128, B = 7000, T = 50: the
    engine's own shape ((T+1) x (R+E+K)*H x B), float32; under no_grad two steps of it."""
    import numpy as np

    import scratchrnn
    from scratchrnn.engine.kernels import lstm
    T, H, B = 50, 128, 7000
    blocks = len(lstm.LAYOUT) + lstm.CARRIED + lstm.KEPT
    assert_quoted("performance.md", f"{(T + 1) * blocks * H * B * 4 / 1e6:.0f} MB at H = 128")
    layer = scratchrnn.nn.LSTM(1, H, engine="fast")              # the same shape, small B
    with scratchrnn.no_grad():
        layer.forward(np.zeros((T, 3, 1), np.float32))
    assert layer._workspaces[(0, 0)]._arrays["a"].size == 2 * blocks * H * 3


def test_performance_md_the_cost_of_a_share():
    """Step 8 quotes the split rule's constants and each kernel's NUMBERS."""
    from scratchrnn.engine import KERNELS, workers
    numbers = ", ".join(f"{name} {KERNELS[name].NUMBERS}" for name in ("RNN", "LSTM", "GRU"))
    assert_quoted("performance.md", f"`NUMBER_COST` = {workers.NUMBER_COST} for each number",
                  f"(`NUMBERS`: {numbers} per hidden unit",
                  f"`SHARE_WORK` = {workers.DEFAULT_SHARE_WORK / 1e6:.0f} M of it")


def test_running_md_where_a_batch_is_shared_by_default():
    from scratchrnn.engine import workers
    assert_quoted("running.md", f"from {2 * workers.DEFAULT_SHARE_WORK / 1e6:.0f} M "
                                "multiply-adds up on two cores by default")


def test_performance_md_how_long_the_caller_waits_awake():
    """Step 9 quotes how long the caller polls for a worker's reply."""
    from scratchrnn.engine import workers
    spin_ms = f"{workers.SPIN_S * 1e3:.0f} ms"
    assert_quoted("performance.md", f"It now polls for `SPIN_S` ({spin_ms}) too")


def test_performance_md_what_a_share_moves_and_when_dw_is_one_product(monkeypatch):
    """Step 10 quotes the packed W's size (LSTM, I = 1, float32) and the rule F > b, and
    which shares of B = 64 on two cores it takes one product for."""
    import numpy as np

    from scratchrnn.engine import KERNELS, loop
    from scratchrnn.models import LSTMModel
    sizes = []
    for H in (64, 128):
        model = LSTMModel(1, H, 1, dtype="float32")
        p = model.layer._direction(model.layer._params, "_l0")
        sizes.append(f"{loop.pack(KERNELS['LSTM'], p, H).nbytes / 1e3:.0f} KB at H = {H}")
    assert_quoted("performance.md", f"({sizes[0]}, {sizes[1]}, float32)",
                  "`weight_gradient` takes one product where F > b")
    one_product = [H for H in (16, 32, 64, 128) if H + 2 > 64 // 2]   # F = H + I + 1
    assert_quoted("performance.md", f"(b = 32), H >= {one_product[0]}")
    one = []                                   # the rule as the code has it: F > b
    monkeypatch.setattr(np, "tensordot", lambda *a, **k: one.append(1) or np.zeros((4, 3)))
    for b in (2, 3, 4):
        loop.weight_gradient(np.zeros((2, 4, b)), np.zeros((2, 3, b)))     # F = 3
    assert one == [1]


def test_performance_md_the_slopes_in_blocks():
    """Step 11 quotes the block size, how many blocks 50 steps make, and the size of the
    slopes of all 50 steps (LSTM, float32) that blocks keep out of memory."""
    from scratchrnn.engine import KERNELS, loop
    k, T, S = loop.SLOPE_STEPS, 50, KERNELS["LSTM"].SLOPES
    mb = [f"{T * S * H * b * 4 / 1e6:.1f} MB at H = {H}, b = {b}" for H, b in ((64, 32), (16, 350))]
    blocks = {7: "seven"}[-(-T // k)]
    assert_quoted("performance.md", f"`SLOPE_STEPS` = {k} steps at a time, into a ring of {k}",
                  f"({mb[0]}; {mb[1]} with the LSTM's {({5: 'five'})[S]} slopes since step",
                  f"on a block's views, {blocks} times as many")


def test_performance_md_one_buffer_and_the_step_by_step_weight_gradient():
    """Step 13 quotes Adam's NumPy calls per parameter (counted through __array_ufunc__),
    the LSTM model's parameter count, STEP_DW_MIN and the dW sizes on each side of it."""
    import numpy as np

    from scratchrnn import optim
    from scratchrnn.engine import loop
    from scratchrnn.models import LSTMModel

    calls = []

    class Counted(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *args, **kwargs):
            calls.append(ufunc.__name__)
            args = [a.view(np.ndarray) if isinstance(a, Counted) else a for a in args]
            if "out" in kwargs:
                kwargs["out"] = tuple(o.view(np.ndarray) for o in kwargs["out"])
            result = getattr(ufunc, method)(*args, **kwargs)
            return result.view(Counted) if isinstance(result, np.ndarray) else result

    param = np.ones(3).view(Counted)
    adam, state = optim.Adam(LSTMModel(1, 2, 1)), {}
    adam._update(param, np.ones(3).view(Counted), state)          # the state is made here
    calls.clear()
    adam._update(param, np.ones(3).view(Counted), state)
    n = len(LSTMModel(1, 2, 1).params)
    assert_quoted("performance.md", f"Adam's update is {len(calls)} NumPy calls",
                  f"{len(calls) * n} calls a step for the LSTM model's {dict(((6, 'six'),))[n]}")
    dw = {name: R * H * (H + 2) for name, R, H in
          (("rnn16", 1, 16), ("rnn32", 1, 32), ("gru16", 4, 16), ("lstm16", 4, 16),
           ("lstm32", 4, 32))}
    below = max(v for k, v in dw.items() if k != "lstm32")
    assert below < 1200 < loop.STEP_DW_MIN <= dw["lstm32"]
    assert_quoted("performance.md", "with dW under 1,200 numbers",
                  f"(4,{dw['lstm32'] % 1000:03d} numbers)",
                  f"`STEP_DW_MIN` = {loop.STEP_DW_MIN} numbers of dW on")


# -- the default run's results (docs/default_run.json, scripts/default_run_numbers.py) -------

def _default_run_numbers():
    import importlib.util
    spec = importlib.util.spec_from_file_location("default_run_numbers",
                                                  ROOT / "scripts" / "default_run_numbers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed_default_run() -> dict:
    import json
    return json.loads((ROOT / "docs" / "default_run.json").read_text(encoding="utf-8"))


def test_running_md_the_default_runs_selected_models():
    """running.md's table is docs/default_run.json, formatted as the page does."""
    run = _committed_default_run()
    persistence = run["persistence_mse"]

    def cell(mse):
        return f"{mse:.3f} ({mse / persistence:.2f} x)"
    rows = []
    for model, name in (("rnn", "RNN"), ("lstm", "LSTM"), ("gru", "GRU")):
        ours, theirs = run["selected"][model]["scratch"], run["selected"][model]["torch"]
        assert ours["hidden"] == theirs["hidden"], model     # the table has one hidden column
        rows.append(f"| {name} | {ours['hidden']} | {cell(ours['test_mse'])} | "
                    f"{cell(theirs['test_mse'])} |")
    assert_quoted("running.md", f"persistence's {persistence:.3f}", *rows)


def test_running_md_the_default_runs_variations():
    """The slides' learning rate, and what does or does not keep RNN-128 together."""
    v = _committed_default_run()["variations"]
    gru = v["slides_lr"]["gru-32 scratch"]["test_mse"]
    lr = [v["rnn128_lr0.003"][f"rnn-128 {impl}"]["best_val_mse"] for impl in ("scratch", "torch")]
    assert f"{lr[0]:.4f}" == f"{lr[1]:.4f}"                       # "on both sides"

    def pair(name):
        return " vs ".join(f"{v[name][f'rnn-128 {impl}']['best_val_mse']:.3f}"
                           for impl in ("scratch", "torch"))
    assert_quoted("running.md", f"a GRU-32 then has a test MSE of {gru:.2f}",
                  f"RNN-128 best validation {lr[0]:.4f} on both sides",
                  f"{pair('rnn128_float64')} in float64", f"{pair('rnn128_clip1')} with")


@pytest.mark.skipif(__import__("os").environ.get("SCRATCHRNN_SLOW_DOCS") != "1",
                    reason="runs the default sweep (about 4 minutes): SCRATCHRNN_SLOW_DOCS=1")
def test_default_run_json_is_what_the_default_run_gives_today():
    assert _default_run_numbers().run_default() == _committed_default_run()
