"""Markdown tables of the report (lists of lines)."""
from __future__ import annotations


def fmt(x, digits: int = 4) -> str:
    """A number for a table: 4 significant digits, '—' for missing values."""
    if x is None:
        return "—"
    if isinstance(x, int):
        return str(x)
    return f"{x:.{digits}g}"


def table(header: list, rows: list) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def forecast_table(records: list[dict], units: str, persistence_mse=None) -> list[str]:
    """One row per run; with `persistence_mse`, a column test MSE / persistence's (< 1: better)."""
    u = f" ({units})" if units else ""
    header = ["model", "impl", "hidden", "best val MSE", "test MSE", f"test RMSE{u}",
              f"test MAE{u}", "test R²", "best epoch / epochs", "s / epoch", "selected"]
    if persistence_mse:
        header.insert(5, "÷ persistence")
    rows = []
    for r in records:
        n, o = r["test"]["normalized"], r["test"]["original"] or {}
        row = [r["model"], r["impl"], r["hidden_size"], fmt(r["best_val_loss"]),
               fmt(n["mse"]), fmt(o.get("rmse")), fmt(o.get("mae")), fmt(n["r2"]),
               f"{r['best_epoch']} / {r['epochs']}", fmt(r["seconds_per_epoch"], 3),
               "✔" if r["selected"] else ""]
        if persistence_mse:
            ratio = None if n["mse"] is None else n["mse"] / persistence_mse
            row.insert(5, fmt(ratio, 2))
        rows.append(row)
    return table(header, rows)


def verdicts(records: list[dict], persistence_mse) -> list[str]:
    """One sentence per selected run: better or worse than persistence on the test part."""
    out = []
    for r in records:
        mse = r["test"]["normalized"]["mse"]
        if not r["selected"] or mse is None or not persistence_mse:
            continue
        ratio = mse / persistence_mse
        word = (f"beats persistence: its test MSE is {ratio:.2f} times persistence's"
                if ratio < 1 else f"does NOT beat persistence on the test part (test MSE "
                f"{ratio:.2f} times persistence's); its test plot shows where it fails, e.g. "
                "where the signal leaves the range of values seen in training")
        out.append(f"- {r['model']} ({r['impl']}, hidden {r['hidden_size']}) {word}.")
    return out


def baseline_table(baselines: dict, units: str) -> list[str]:
    u = f" ({units})" if units else ""
    rows = []
    for name, m in baselines.items():
        n, o = m["normalized"], m["original"] or {}
        rows.append([name.replace("_", " "), fmt(n["mse"]), fmt(o.get("rmse")),
                     fmt(o.get("mae")), fmt(n["r2"])])
    return table(["baseline", "test MSE", f"test RMSE{u}", f"test MAE{u}", "test R²"], rows)


def classify_table(records: list[dict], baselines: dict) -> list[str]:
    header = ["model", "impl", "hidden", "best val loss", "accuracy", "balanced acc.",
              "precision", "recall", "F1", "confusion [[TN FP] [FN TP]]", "selected"]
    rows = [[r["model"], r["impl"], r["hidden_size"], fmt(r["best_val_loss"]),
             fmt(r["test"]["accuracy"]), fmt(r["test"]["balanced_accuracy"]),
             fmt(r["test"]["precision"]), fmt(r["test"]["recall"]), fmt(r["test"]["f1"]),
             r["test"]["confusion_matrix"], "✔" if r["selected"] else ""] for r in records]
    for name, m in baselines.items():
        rows.append([name.replace("_", " "), "baseline", "", "", fmt(m["accuracy"]),
                     fmt(m["balanced_accuracy"]), fmt(m["precision"]), fmt(m["recall"]),
                     fmt(m["f1"]), m["confusion_matrix"], ""])
    return table(header, rows)


def side_by_side(records: list[dict]) -> list[str]:
    """Scratch and torch runs of the same (model, hidden size): they start from the same
    weights and see the same batches, so their curves differ only by rounding."""
    pairs = {}
    for r in records:
        pairs.setdefault((r["model"], r["hidden_size"]), {})[r["impl"]] = r
    rows, apart = [], []
    for (model, hidden), p in pairs.items():
        if {"scratch", "torch"} <= set(p):
            s, t = p["scratch"], p["torch"]
            if _differ(s["best_val_loss"], t["best_val_loss"]):
                apart.append(f"{model} {hidden}")
            rows.append([model, hidden, fmt(s["best_val_loss"]), fmt(t["best_val_loss"]),
                         fmt(s.get("test_mse")), fmt(t.get("test_mse")),
                         fmt(s["seconds_per_epoch"], 3), fmt(t["seconds_per_epoch"], 3)])
    if not rows:
        return ["(no pair of scratch and torch runs to compare)"]
    note = []
    if apart:
        note = ["", f"These pairs ended more than 1% apart: {', '.join(apart)}. Both sides "
                "compute the same thing up to float32 rounding (~1e-7), but when training is "
                "unstable (spikes in the learning curves) such tiny differences grow into "
                "different trajectories. A lower --lr makes the training itself stable; "
                "--dtype float64 and --clip-norm 1 keep the pairs together longer but may "
                "not be enough (on the embedded ECG, RNN-128 still ends apart with either)."]
    return ["Same initial weights, same data, same loop: the two columns should agree to "
            "rounding (float32 rounding grows over the epochs).", "",
            *table(["model", "hidden", "best val (scratch)", "best val (torch)",
                    "test MSE (scratch)", "test MSE (torch)", "s/epoch (scratch)",
                    "s/epoch (torch)"], rows), *note]


def _differ(a, b, rel: float = 0.01) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(a - b) > rel * max(abs(a), abs(b))


def timing_table(records: list[dict]) -> list[str]:
    if not records:
        return []
    rows = [[r["model"], r["impl"], r["hidden_size"], r["epochs"], fmt(r["train_seconds"], 3),
             fmt(r["seconds_per_epoch"], 3)] for r in records]
    return table(["model", "impl", "hidden", "epochs", "train s", "s / epoch (median)"], rows)
