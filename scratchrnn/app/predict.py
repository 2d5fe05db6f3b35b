"""A finished run, reused: its model's predictions on a new recording, in the signal's units.

    table = predict_run('runs/2026-12-04_10-00-00', 'next_week.csv')   # the selected model
    table = predict_run(run_dir, 'rec.csv', model='gru_scratch_h64')   # or any run's model
    table.columns        # time_s, true, predicted  (units in table.attrs['units'])

`scratchrnn predict RUN_DIR --data FILE` does the same and writes predictions.csv and a true
vs predicted figure. Everything that turned the training recording into the model's input
is in each checkpoint's header (`extra['preprocessing']`: the cleaning steps, the filter,
the scaler's statistics fitted on the training part, the window, the embedding, fs, units),
so the new recording goes through exactly the same steps, with nothing refitted.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.io import load_signal
from ..data.pipeline import SignalPipeline
from ..report.figures import true_vs_predicted
from ..train.checkpoint import load_checkpoint, read_checkpoint
from ..train.trainer import predict
from .prepare import column_ref


def predict_run(run_dir, source, model: str | None = None, column=None, time_column=None,
                fs: float | None = None, time_unit: str | None = None,
                **read_options) -> pd.DataFrame:
    """One row per predicted sample of `source`: its time (s), the true value and the
    prediction, in the units of the recording the run was trained on.

    model: a checkpoint name of the run ('gru_scratch_h64'); default: the selected model with
        the lowest validation loss. column, time_column, time_unit, fs, read_options: how to
        read `source` (default: as the run read its recording; 'none': no such column, e.g.
        no time column in an EDF file after a run on a CSV).
    """
    run = Path(run_dir)
    key = model or selected_model(run)
    path = run / "models" / f"{key}.npz"
    if not path.exists():
        known = sorted(p.stem for p in (run / "models").glob("*.npz"))
        raise ValueError(f"no model {key!r} in {run / 'models'}; expected one of {known}")
    header, _ = read_checkpoint(path)
    state = header["extra"].get("preprocessing")
    if state is None:
        raise ValueError(f"{path} records no preprocessing (a checkpoint written before "
                         "scratchrnn 0.2, or not by `scratchrnn run`); train the run again")
    if state.get("task", "forecast") != "forecast":
        raise ValueError("predict reads forecasting runs; this run classified windows")
    reading = state.get("reading", {})
    time_column = _option(time_column, reading.get("time_column"))
    unit = time_unit or (reading.get("time_unit", "s") if time_column is not None else "s")
    signal = load_signal(source, column=_option(column, reading.get("column")),
                         time_column=time_column, time_unit=unit, fs=fs,
                         **(reading.get("options", {}) | read_options))
    pipe = SignalPipeline.from_state(state["pipeline"], stride=1)
    X, y, times = pipe.transform(signal, with_times=True)
    net = load_checkpoint(path)
    scaler = pipe.scaler_
    pred = scaler.inverse_transform(predict(net, X))
    true = scaler.inverse_transform(np.asarray(y))
    table = pd.DataFrame({"time_s": times, "true": true[:, 0], "predicted": pred[:, 0]})
    table.attrs.update(units=state.get("units", ""), model=key, fs=pipe.fs_,
                       source=str(source))
    return table


def _option(given, stored):
    """A column for the new recording: as given, 'none' for none, else as the run read its
    own recording."""
    return None if given == "none" else column_ref(stored if given is None else given)


def selected_model(run: Path) -> str:
    """The run's selected model with the lowest validation loss (scratch before torch on a
    tie: both start from the same weights)."""
    try:
        records = json.loads((run / "results.json").read_text())["records"]
    except FileNotFoundError:
        raise ValueError(f"{run} is not a run folder of `scratchrnn run` (no "
                         "results.json)") from None
    chosen = [r for r in records if r["selected"] and r["best_val_loss"] is not None]
    if not chosen:
        raise ValueError(f"{run}: no model finished training")
    best = min(chosen, key=lambda r: (r["best_val_loss"], r["impl"] != "scratch"))
    return Path(best["checkpoint"]).stem


def write_predictions(run_dir, source, out_dir=None, **options) -> list[str]:
    """`predict_run` written to out_dir (default run_dir/predictions/<recording name>):
    predictions.csv (time_s, true_<units>, predicted_<units>) and the figure (PNG, PDF)."""
    table = predict_run(run_dir, source, **options)
    out = Path(out_dir) if out_dir else Path(run_dir) / "predictions" / Path(str(source)).stem
    out.mkdir(parents=True, exist_ok=True)
    units = table.attrs["units"]
    suffix = f"_{units}" if units else ""
    csv = out / "predictions.csv"
    table.rename(columns={"true": f"true{suffix}", "predicted": f"predicted{suffix}"}) \
        .to_csv(csv, index=False)
    figures = true_vs_predicted(table["time_s"], table["true"], table["predicted"],
                                out / "true_vs_predicted", f"True vs Predicted: "
                                f"{table.attrs['model']} on {Path(str(source)).name}", units)
    return [str(csv), *figures]
