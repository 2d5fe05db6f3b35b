"""The numbers docs/running.md quotes from the default `scratchrnn run`, generated from it.

    python scripts/default_run_numbers.py                 # runs the default sweep (~2 min),
                                                          # rewrites docs/default_run.json
    python scripts/default_run_numbers.py --from RUN_DIR  # the same from a finished run

The default run trains 24 models (scratch and torch); its results.json holds far more than
the docs show. This keeps what running.md's table quotes: persistence's test MSE and, per
model and implementation, the selected hidden size and its test MSE (z-score units).
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


def from_run(run_dir: Path) -> dict:
    return numbers(json.loads((run_dir / "results.json").read_text(encoding="utf-8")))


def run_default() -> dict:
    """Run the default `scratchrnn run` in a temporary folder and return its numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "scratchrnn", "run", "--out", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        return from_run(Path(tmp))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="run_dir", type=Path, help="a finished default run's folder")
    args = p.parse_args(argv)
    result = from_run(args.run_dir) if args.run_dir else run_default()
    OUT.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
