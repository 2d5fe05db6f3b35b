"""The biomedical signal pipeline (CPU side: NumPy, pandas, SciPy, scikit-learn).

The slides' "Load, Clean and Preprocess Data" and "Prepare Train-Validation-Test sets", one
module per step; docs/data.md walks through them.

    datasets.py   Signal, load_dataset('ecg' | 'mitdb'), list_datasets
    io.py         load_signal: files, arrays, pandas objects; the column it picks
    readers.py    one reader per file format: text, .npy, Parquet, EDF/BDF, WFDB
    timebase.py   the sampling rate from a time column or from the file
    synthetic.py  sine_mixture, mackey_glass, synthetic_ecg
    clean.py      interpolation, outliers (Hampel, robust z), smoothing, Butterworth, resampling
    scale.py      ZScoreScaler, MinMaxScaler (fit on the training part only)
    windows.py    make_windows: (N, window, F) inputs and their targets
    embed.py      delay_embed and the delay / dimension helpers
    spectral.py   Welch PSD and its dominant peaks
    split.py      random (the slides') and chronological splits, leakage
    pipeline.py   SignalPipeline: all of the above, returning (B, T, F) arrays

Torch tensors for the reference models: reference/data.py (scratchrnn never imports torch).
"""
from .clean import (CleaningReport, StepReport, butter_filter, butter_sos, hampel_filter,
                    interpolate_missing, median_smooth, moving_average, resample,
                    zscore_outliers)
from .datasets import Signal, list_datasets, load_dataset
from .embed import (autocorrelation, delay_embed, delay_from_autocorrelation,
                    delay_from_mutual_information, dimension_from_fnn,
                    false_nearest_neighbours, mutual_information)
from .io import load_signal
from .pipeline import Dataset, SignalPipeline
from .scale import MinMaxScaler, ZScoreScaler, make_scaler
from .spectral import Peaks, band_power, dominant_frequencies, power_spectrum
from .split import Split, chronological_split, covered_samples, leakage, random_split
from .synthetic import mackey_glass, sine_mixture, synthetic_ecg
from .windows import make_windows, window_starts, windows_at

__all__ = [
    "Signal", "list_datasets", "load_dataset", "load_signal",
    "sine_mixture", "mackey_glass", "synthetic_ecg",
    "StepReport", "CleaningReport", "interpolate_missing", "hampel_filter", "zscore_outliers",
    "moving_average", "median_smooth", "butter_filter", "butter_sos", "resample",
    "ZScoreScaler", "MinMaxScaler", "make_scaler",
    "make_windows", "window_starts", "windows_at",
    "delay_embed", "autocorrelation", "delay_from_autocorrelation", "mutual_information",
    "delay_from_mutual_information", "false_nearest_neighbours", "dimension_from_fnn",
    "power_spectrum", "dominant_frequencies", "band_power", "Peaks",
    "Split", "random_split", "chronological_split", "covered_samples", "leakage",
    "SignalPipeline", "Dataset",
]
