"""Several benchmark runs of the same grid as one table: `python -m benchmarks.runs DIR...`.

A target met once is not met: this prints, per case, each engine's and torch's median
time over the runs and the range of the ratios, then the target's geomean and worst ratio
of every run (the table docs/benchmarks.md shows is this output).
"""
from __future__ import annotations

import json
import pathlib
import statistics
import sys


def load(dirs) -> list:
    return [json.loads((pathlib.Path(d) / "results.json").read_text()) for d in dirs]


def table(runs: list) -> str:
    cases = {}
    for run in runs:
        for r in run["rows"]:
            cases.setdefault((r["mode"], r["model"], r["hidden"], r["steps"], r["batch"]),
                             []).append(r)
    plain = all("plain_median_ms" in r for rs in cases.values() for r in rs)
    head = ("| mode | model | H | T | B | " + ("plain ms | " if plain else "") +
            "fast ms | torch ms | " + ("plain/torch | " if plain else "") + "fast/torch |\n"
            "|---|---|---:|---:|---:|" + "---:|" * (5 if plain else 3) + "\n")
    lines = []
    for (mode, model, h, t, b), rs in cases.items():
        cells = [mode, model, h, t, b]
        keys = (["plain_median_ms"] if plain else []) + ["fast_median_ms", "torch_median_ms"]
        cells += [_ms(statistics.median(r[k] for r in rs)) for k in keys]
        cells += [_span([r[k] for r in rs]) for k in (["plain_ratio"] if plain else []) +
                  ["ratio"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    foot = "\n".join(_target_line(i, run) for i, run in enumerate(runs, 1) if run["target"])
    return head + "\n".join(lines) + "\n\n" + foot + "\n"


def _ms(v: float) -> str:
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def _span(values: list) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.2f}" if f"{lo:.2f}" == f"{hi:.2f}" else f"{lo:.2f}-{hi:.2f}"


def _target_line(i: int, run: dict) -> str:
    t, m = run["target"], run["machine"]
    plain = (f"; plain/torch geomean {t['plain_geomean_ratio']:.2f}, worst "
             f"{t['plain_worst_ratio']:.2f}" if "plain_geomean_ratio" in t else "")
    return (f"- run {i} ({m['date']}, {m['cpu']}, {m['threads']} threads each): fast/torch "
            f"geomean {t['geomean_ratio']:.2f}, worst {t['worst_ratio']:.2f}{plain}")


if __name__ == "__main__":
    print(table(load(sys.argv[1:])), end="")
