"""The application: the one place that wires data -> trainer -> report (what `scratchrnn
run` does). Everything below it receives arrays and returns results; only this layer
reaches the torch reference (`reference`, imported lazily when torch is installed).

    spec.py        RunSpec: the options, their checks, defaults, --quick, the TOML config,
                   jobs x threads fitted to the cores
    prepare.py     recording -> cleaned, windowed, split arrays (scratchrnn.data)
    sweep.py       RNN/LSTM/GRU x hidden sizes x scratch/torch, in parallel processes
                   or on a Dask cluster
    records.py     the runs' test metrics and baselines (scratchrnn.train.metrics)
    experiment.py  all of it, then the figures, results.json and report.md (scratchrnn.report)
    predict.py     a finished run's model on a new recording, in the signal's units

    from scratchrnn.app import build_spec, run_experiment
    spec = build_spec({'models': ('lstm',), 'hidden': (16, 32), 'epochs': 20})
    code = run_experiment(spec, out_dir='runs/demo')     # 0, or 130 after Ctrl-C
"""
import importlib

# Loaded on first use, so that `scratchrnn --help` (which needs only spec.py) does not load
# matplotlib, scikit-learn and the trainer.
_HOME = {"RunSpec": "spec", "build_spec": "spec", "load_and_prepare": "prepare",
         "run_experiment": "experiment", "run_sweep": "sweep", "SweepConfig": "sweep",
         "SweepOutcome": "sweep", "Run": "sweep", "predict_run": "predict"}
__all__ = list(_HOME)


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
