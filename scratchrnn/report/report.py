"""`report.md`: the run explained for a student, with the figures and tables embedded.

Built from the same payload as `results.json`, plus the figure paths (relative to the
report, so the folder can be moved or zipped as a whole).
"""
from __future__ import annotations

from pathlib import Path

from .tables import (baseline_table, classify_table, forecast_table, side_by_side, timing_table,
                     verdicts)

BEST_MODEL_NOTE = (
    "**Best model = a copy.** The slides keep `best_model = model` when the validation loss "
    "improves; that stores a *reference* to a model that keeps training, so after the loop "
    "their \"best\" model is simply the last one. Here the weights of the best epoch are "
    "copied (`model.state_dict()`) and loaded back after training; the dot on each learning "
    "curve marks the epoch they come from.")


def write_report(path, payload: dict, figures: dict) -> str:
    """Write the Markdown report to `path`; `figures` maps a name to a relative path."""
    lines = _header(payload) + _data_section(payload, figures) + _results_section(payload)
    lines += _figure_sections(payload, figures) + _notes(payload)
    Path(path).write_text("\n".join(lines) + "\n")
    return str(path)


def _header(p: dict) -> list[str]:
    s, v = p["settings"], p["versions"]
    batch = "full batch" if s["batch_size"] is None else f"mini-batches of {s['batch_size']}"
    status = (["**Interrupted (Ctrl-C): only the finished runs are reported.**", ""]
              if p.get("interrupted") else [])
    return [f"# scratchrnn run: {p['data']['name']} ({p['task']})", "",
            f"Command: `{p['command']}`  ", f"Created {p['created']}, scratchrnn "
            f"{p['scratchrnn_version']}, total {p['total_seconds']:.1f} s, written to "
            f"`{p['out']}` (a new folder: a run never writes into another's).  ",
            f"Python {v['python']}, NumPy {v['numpy']}, torch {v['torch'] or 'not installed'}.",
            "", *status,
            "## Settings", "",
            f"- models {', '.join(s['models'])}; hidden sizes {s['hidden_sizes']}; "
            f"implementations {', '.join(s['impls'])}",
            f"- {s['epochs']} epochs, {s['optimizer']} (lr {s['lr']}), "
            f"{batch}, loss {s['loss']}, clip norm {s['clip_norm']}, clip value {s['clip_value']}, "
            f"early-stopping patience {s['patience']}",
            f"- window {s['window']} samples, stride {s['stride']}, split {s['split']}, "
            f"dtype {s['dtype']}, "
            f"backend {s['backend']}, engine {s['engine']}, seed {s['seed']} (both "
            "implementations start from the same initial weights)", ""]


def _data_section(p: dict, figures: dict) -> list[str]:
    d = p["data"]
    lines = ["## Data", "",
             f"- {d['description']}",
             f"- used {d['samples_used']} of {d['samples_total']} samples at {d['fs']:g} Hz "
             f"({d['samples_used'] / d['fs']:.1f} s), units {d['units'] or 'unknown'}",
             f"- windows: train {d['n_train']}, validation {d['n_val']}, test {d['n_test']} "
             f"({d['split']} split)",
             f"- cleaning: {d['cleaning'].replace(chr(10), '; ')}"]
    if d.get("segments_seconds"):
        spans = [f"{name} {lo:.1f}-{hi:.1f} s" for name, (lo, hi) in
                 zip(("train", "validation", "test"), d["segments_seconds"])]
        lines.append(f"- segments: {', '.join(spans)} (shaded below; a window lies entirely "
                     "inside one segment, the gaps between them are not used)")
    if d.get("leakage") is not None:
        lines.append(f"- leakage: {100 * d['leakage']:.0f}% of the test targets were seen "
                     "inside a training window" + (" (the random split of overlapping "
                                                    "windows leaks)" if d["leakage"] > 0 else ""))
    if d.get("test_outside_train_range"):
        lines.append(f"- {100 * d['test_outside_train_range']:.0f}% of the test targets lie "
                     "outside the range of the training targets: a network has to extrapolate "
                     "there, and since its hidden state is bounded (tanh), its predictions tend "
                     "to saturate")
    if "raw_vs_clean" in figures:
        lines += ["", f"![raw vs cleaned signal]({figures['raw_vs_clean']})"]
    return lines + [""]


def _results_section(p: dict) -> list[str]:
    records = p["records"]
    if not records:
        return ["## Results", "", "No run finished.", ""]
    if p["task"] == "classify":
        return ["## Results (test part)", "", *classify_table(records, p["baselines"]), ""]
    units = p["data"]["units"]
    naive = p["baselines"]["persistence"]["normalized"]["mse"]
    return ["## Results (test part)", "",
            "Selected = the hidden size with the lowest validation loss for each model and "
            "implementation (the test part is never used to choose). MSE in normalized units "
            f"(z-scores); RMSE and MAE in the signal's units ({units or 'original units'}); "
            "÷ persistence below 1 means better than the persistence baseline.",
            "", *forecast_table([r for r in records if r["selected"]], units, naive), "",
            *verdicts(records, naive), "",
            "Baselines: *persistence* predicts the last value of the window; *train mean* "
            "predicts the mean training target. A network that does not beat persistence has "
            "learned nothing useful about the signal's dynamics.", "",
            *baseline_table(p["baselines"], units), "",
            "### Every run of the sweep", "", *forecast_table(records, units), "",
            "### Scratch vs torch", "", *side_by_side(records), ""]


def _figure_sections(p: dict, figures: dict) -> list[str]:
    lines = ["## Learning curves", "",
             "The slides' plot: one color per hidden size, training loss solid, validation "
             "loss dashed (log scale); the dot is the best epoch, whose weights are kept.", ""]
    lines += [f"![{k}]({v})" for k, v in figures.items() if k.startswith("curves_")]
    preds = {k: v for k, v in figures.items() if k.startswith("pred_")}
    if preds:
        lines += ["", "## True vs predicted on the test part", "",
                  "The selected model of each kind (PNG here; a PDF as on the slides sits "
                  "beside it).", ""]
        lines += [f"![{k}]({v})" for k, v in preds.items()]
    lines += [f"![{k}]({v})" for k, v in figures.items() if k.startswith("confusion_")]
    lines += ["", "## Time (assignment 1: RNN vs LSTM vs GRU)", ""]
    if "timing" in figures:
        lines += [f"![timing]({figures['timing']})", ""]
    return lines + timing_table(p["records"]) + [""]


def _notes(p: dict) -> list[str]:
    lines = ["## Notes", "", f"- {BEST_MODEL_NOTE}"]
    lines += [f"- {n}" for n in p.get("notes", [])]
    lines += [f"- {r['model']} ({r['impl']}, H={r['hidden_size']}): {r['message']}"
              for r in p["records"] if r["stopped"] != "completed" and r["message"]]
    lines += ["- Files: `results.json` (every number above), `figures/` (PNG, and PDF for "
              "the test plots), `models/` (best weights of every run, `.npz`; load with "
              "`scratchrnn.train.load_checkpoint(path)`, into torch with "
              "`reference.load_checkpoint(path)`)."]
    return lines
