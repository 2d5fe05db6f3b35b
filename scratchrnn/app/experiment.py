"""The slides' whole practical part in one call: load -> clean -> windows -> split -> sweep
of RNN/LSTM/GRU x hidden sizes x scratch/torch -> evaluation -> figures -> report.

    spec = build_spec({'models': ('lstm',), 'hidden': (16, 32), 'epochs': 20})
    code = run_experiment(spec, out_dir='runs/demo')     # 0, or 130 after Ctrl-C

Writes to out_dir: report.md, results.json, figures/*.png (+ .pdf for the test plots),
models/<model>_<impl>_h<H>.npz (the best weights of every run).
"""
from __future__ import annotations

import datetime as _dt
import platform
import time
from importlib import metadata
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..engine.parallel import available_cores
from ..models import MODELS
from ..report import figures as figs
from ..report.report import write_report
from ..report.results import write_results
from ..train.checkpoint import save_checkpoint
from ..train.loop import TrainConfig
from .prepare import load_and_prepare
from .records import baseline_record, mark_selected, run_record
from .spec import RunSpec, plan_jobs
from .sweep import SweepConfig, run_sweep


def sweep_config(spec: RunSpec, data: dict) -> SweepConfig:
    """The sweep `spec` asks for (spec.jobs and spec.threads as `plan_jobs` fitted them)."""
    classify = spec.task == "classify"
    train = TrainConfig(epochs=spec.epochs, lr=spec.lr, optimizer=spec.optimizer,
                        loss="cross_entropy" if classify else "mse",
                        loss_options={"weight": data["class_weight"]} if classify else {},
                        batch_size=spec.batch_size, clip_norm=spec.clip_norm,
                        clip_value=spec.clip_value, patience=spec.patience, seed=spec.seed,
                        progress=not spec.quiet)
    kwargs = {"dtype": spec.dtype, "init": spec.init, "engine": spec.engine}
    if spec.backend != "numpy":
        kwargs["backend"] = spec.backend
    return SweepConfig(models=tuple(spec.models), hidden_sizes=tuple(spec.hidden),
                       impls=tuple(spec.impl), train=train, model_kwargs=kwargs, seed=spec.seed,
                       jobs=spec.jobs or 1, threads=spec.threads, cluster=spec.cluster)


def run_experiment(spec: RunSpec, out_dir, command: str = "scratchrnn run", log=print,
                   prepared=None) -> int:
    """Run everything and write the outputs; returns 0, or 130 when interrupted by Ctrl-C.

    prepared: the (signal, data) of `load_and_prepare(spec)` if already loaded.
    """
    t0 = time.perf_counter()
    say = (lambda *a: None) if spec.quiet else log
    spec = plan_jobs(spec, available_cores())
    signal, data = prepared if prepared is not None else load_and_prepare(spec)
    cfg = sweep_config(spec, data)
    out = Path(out_dir)
    say(f"{signal.name or 'signal'}: {len(data['X_train'])} training windows; writing to {out}")
    for note in spec.notes + data["notes"]:
        say(f"note: {note}")

    def on_run(run):
        (out / "models").mkdir(parents=True, exist_ok=True)     # once a run has finished
        model = MODELS[run.model](**run.config)
        model.load_state_dict(run.best_state)
        save_checkpoint(model, out / "models" / f"{run.key}.npz",
                        extra={"impl": run.impl, "best_epoch": run.history.best_epoch + 1,
                               "preprocessing": data["preprocessing"]})
        h = run.history
        say(f"  {run.model:<4} {run.impl:<7} H={run.hidden_size:<4} best val "
            f"{h.best_val_loss:.4g} (epoch {h.best_epoch + 1}/{h.epochs}) "
            f"{h.train_seconds:.1f} s" + (f"  [{h.message}]" if h.message else ""))

    outcome = run_sweep(data, cfg, on_run=on_run)
    records = mark_selected([run_record(r, data) for r in outcome.runs])
    for rec, run in zip(records, outcome.runs):
        rec["checkpoint"] = f"models/{run.key}.npz"
        rec["history"] = {k: getattr(run.history, k) for k in
                          ("train_loss", "val_loss", "grad_norm", "epoch_seconds")}
    out.mkdir(parents=True, exist_ok=True)
    figures = draw_figures(out, data, outcome, records)
    payload = _payload(spec, signal, data, records, outcome, command, time.perf_counter() - t0,
                       out)
    write_results(out / "results.json", payload)
    write_report(out / "report.md", payload, figures)
    for note in outcome.notes:
        log(f"note: {note}")
    log(f"report: {out / 'report.md'}")
    return 130 if outcome.interrupted else 0


def draw_figures(out: Path, data: dict, outcome, records) -> dict:
    """Every figure of the report; returns {name: path relative to out}."""
    fdir, made = out / "figures", {}
    made["raw_vs_clean"] = figs.raw_vs_clean(data["raw"], data["cleaned"], data["fs"],
                                             fdir / "raw_vs_clean", data["units"],
                                             segments=data.get("segments"),
                                             labels=data.get("labels"))[0]
    for model in dict.fromkeys(r.model for r in outcome.runs):
        for impl in dict.fromkeys(r.impl for r in outcome.runs):
            hist = {r.hidden_size: r.history for r in outcome.runs
                    if r.model == model and r.impl == impl}
            if hist:
                made[f"curves_{model}_{impl}"] = figs.learning_curves(
                    hist, fdir / f"curves_{model}_{impl}",
                    f"Training and Validation Loss for Different Hidden Sizes ({model}, {impl})",
                    loss=("weighted cross-entropy" if data["task"] == "classify"
                          else "MSE, normalized units"))[0]
            best = outcome.best(model, impl)
            if best is not None:
                made.update(_best_figure(fdir, data, best, records))
    if records:
        made["timing"] = figs.timing(records, fdir / "timing")[0]
    return {k: str(Path(v).relative_to(out)) for k, v in made.items()}


def _best_figure(fdir, data, run, records) -> dict:
    name = f"{run.model}_{run.impl}"
    title = f"{run.model} ({run.impl}, hidden {run.hidden_size})"
    if data["task"] == "classify":   # the run's test metrics, as its record has them
        m = next(r["test"] for r in records if (r["model"], r["impl"], r["hidden_size"])
                 == (run.model, run.impl, run.hidden_size))
        return {f"confusion_{name}": figs.confusion(
            m["confusion_matrix"], m["labels"], fdir / f"confusion_{name}", title)[0]}
    inv = data.get("inverse") or (lambda a: a)
    paths = figs.true_vs_predicted(data["test_times"], inv(data["y_test"]), inv(run.test_pred),
                                   fdir / f"pred_{name}", f"True vs Predicted Time Series: "
                                   f"{title}", data["units"])
    return {f"pred_{name}": paths[1]}     # the PNG for the report; the PDF sits beside it


# results.json's layout: version 2 added schema, versions, out and the checkpoints'
# preprocessing; a reader should check schema_version before trusting a field.
RESULTS_SCHEMA, RESULTS_VERSION = "scratchrnn-results", 2


def library_versions() -> dict:
    """Python and the libraries the numbers depend on (torch without importing it)."""
    found = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "pandas", "scikit-learn", "torch"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _payload(spec, signal, data, records, outcome, command, seconds, out) -> dict:
    settings = {k: v for k, v in asdict(spec).items() if k not in ("notes", "quiet")}
    settings.update(models=list(spec.models), hidden_sizes=list(spec.hidden),
                    impls=list(spec.impl),
                    loss="weighted cross-entropy" if spec.task == "classify" else "mse",
                    stride=data["stride"], split=data["split"])
    return {
        "schema": RESULTS_SCHEMA, "schema_version": RESULTS_VERSION,
        "scratchrnn_version": __version__, "versions": library_versions(),
        "command": command, "task": spec.task, "out": str(out),
        "created": _dt.datetime.now().isoformat(timespec="seconds"),
        "total_seconds": seconds, "interrupted": outcome.interrupted,
        "notes": spec.notes + data["notes"] + outcome.notes, "settings": settings,
        "data": {"name": signal.name or str(spec.data), "description": signal.description or
                 str(spec.data), "source": signal.source, "license": signal.license,
                 "fs": signal.fs, "units": data["units"],
                 "samples_total": len(signal),
                 "samples_used": len(data["cleaned"]), "n_train": len(data["X_train"]),
                 "n_val": len(data["X_val"]), "n_test": len(data["X_test"]),
                 "cleaning": data["cleaning"], "leakage": data.get("leakage"),
                 "split": data["split"], "class_counts": data.get("class_counts"),
                 "segments_seconds": _seconds(data.get("segments"), data["fs"]),
                 "test_outside_train_range": _outside(data)},
        "baselines": baseline_record(data), "records": records,
    }


def _seconds(segments, fs):
    return None if segments is None else [[lo / fs, hi / fs] for lo, hi in segments]


def _outside(data):
    """Fraction of test targets outside [min, max] of the training targets (forecast only)."""
    if data["task"] != "forecast":
        return None
    lo, hi = data["y_train"].min(axis=0), data["y_train"].max(axis=0)
    return float(((data["y_test"] < lo) | (data["y_test"] > hi)).mean())
