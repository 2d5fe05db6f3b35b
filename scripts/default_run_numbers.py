"""The numbers docs/running.md quotes from the default `scratchrnn run`, generated from it.

    python scripts/default_run_numbers.py                 # runs the default sweep (~2 min),
                                                          # rewrites docs/default_run.json
    python scripts/default_run_numbers.py --from RUN_DIR  # the default run's part from a
                                                          # finished run (variations rerun)

The default run trains 24 models (scratch and torch); its results.json holds far more than
the docs show. This keeps what running.md's table quotes: persistence's test MSE and, per
model and implementation, the selected hidden size and its test MSE (z-score units); and
from a few variations of it that running.md quotes (`VARIATIONS`: the slides' learning
rate, and what does or does not keep the unstable RNN-128 runs of both sides together),
each run's best validation MSE and test MSE.
tests/docs/test_doc_numbers.py checks that the page quotes these numbers (always), and,
with SCRATCHRNN_SLOW_DOCS=1, runs this script's sweep again and compares (the sweep is
deterministic: fixed seeds, and --jobs does not change the numbers).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "default_run.json"


def numbers(results: dict) -> dict:
    """{'persistence_mse': ..., 'selected': {'rnn': {'scratch': {'hidden': , 'test_mse': }}}}."""
    selected: dict = {}
    for r in results["records"]:
        if r["selected"]:
            selected.setdefault(r["model"], {})[r["impl"]] = {
                "hidden": r["hidden_size"], "test_mse": round(r["test_mse"], 6)}
    persistence = results["baselines"]["persistence"]["normalized"]["mse"]
    return {"persistence_mse": round(persistence, 6), "selected": selected}


# name -> the options added to the default run (running.md quotes each)
VARIATIONS = {
    "slides_lr": ["--models", "gru", "--hidden", "32", "--impl", "scratch", "--lr", "0.001"],
    "rnn128_lr0.003": ["--models", "rnn", "--hidden", "128", "--lr", "0.003"],
    "rnn128_float64": ["--models", "rnn", "--hidden", "128", "--dtype", "float64"],
    "rnn128_clip1": ["--models", "rnn", "--hidden", "128", "--clip-norm", "1"],
}


def each_run(results: dict) -> dict:
    """{'rnn-128 scratch': {'best_val_mse': , 'test_mse': }, ...} of every run."""
    return {f"{r['model']}-{r['hidden_size']} {r['impl']}": {
        "best_val_mse": round(r["best_val_mse"], 6), "test_mse": round(r["test_mse"], 6)}
        for r in results["records"]}


def results_of(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text(encoding="utf-8"))


def from_run(run_dir: Path) -> dict:
    return numbers(results_of(run_dir))


def run(options: list) -> dict:
    """`scratchrnn run OPTIONS` in a temporary folder: its results.json."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "scratchrnn", "run", "--out", tmp, *options],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return results_of(Path(tmp))


def run_variations() -> dict:
    return {name: each_run(run(options)) for name, options in VARIATIONS.items()}


def run_default() -> dict:
    """Run the default `scratchrnn run` and its variations; return their numbers."""
    return {**numbers(run([])), "variations": run_variations()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="run_dir", type=Path, help="a finished default run's folder")
    args = p.parse_args(argv)
    result = {**from_run(args.run_dir), "variations": run_variations()} if args.run_dir \
        else run_default()
    OUT.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
