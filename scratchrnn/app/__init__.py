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

    from scratchrnn.app import build_spec, run_experiment
    spec = build_spec({'models': ('lstm',), 'hidden': (16, 32), 'epochs': 20})
    code = run_experiment(spec, out_dir='runs/demo')     # 0, or 130 after Ctrl-C
"""
from .experiment import run_experiment
from .prepare import load_and_prepare
from .spec import RunSpec, build_spec
from .sweep import Run, SweepConfig, SweepOutcome, run_sweep

__all__ = ["RunSpec", "build_spec", "load_and_prepare", "run_experiment", "run_sweep",
           "SweepConfig", "SweepOutcome", "Run"]
