"""Several benchmark runs of the same grid as one table: `python -m benchmarks.runs DIR...`.

A target met once is not met: this prints, per case, each engine's and torch's median
time over the runs and the range of the ratios, then the target's geomean and worst ratio
of every run, and each case's median ratio over the runs: their geomean and the cases
above 1.0 (the table docs/benchmarks.md shows is this output).
"""
from __future__ import annotations

import argparse
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
    foot = [_target_line(i, run) for i, run in enumerate(runs, 1) if run["target"]]
    foot += [_all_cases_line(i, run) for i, run in enumerate(runs, 1)]
    if len(runs) > 1:
        foot.append(_median_line(cases))
    return head + "\n".join(lines) + "\n\n" + "\n".join(foot) + "\n"


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


def _all_cases_line(i: int, run: dict) -> str:
    """Every case of the run, training and inference (issue 15's goal: none above 1.0)."""
    ratios = [r["ratio"] for r in run["rows"]]
    worst = max(run["rows"], key=lambda r: r["ratio"])
    above = sum(x > 1.0 for x in ratios)
    return (f"- run {i}, all {len(ratios)} cases: fast/torch geomean "
            f"{statistics.geometric_mean(ratios):.2f}, {above} above 1.0, worst "
            f"{worst['ratio']:.2f} ({worst['mode']} {worst['model']} H={worst['hidden']} "
            f"B={worst['batch']})")


def _median_line(cases: dict) -> str:
    """Each case's median fast/torch over the runs, and the cases it puts above 1.0."""
    medians = {key: statistics.median(r["ratio"] for r in rs) for key, rs in cases.items()}
    above = [f"{mode} {model} H={h} B={b} ({m:.2f})"
             for (mode, model, h, _, b), m in sorted(medians.items(), key=lambda kv: -kv[1])
             if m > 1.0]
    runs = max(len(rs) for rs in cases.values())
    return (f"- each case's median over the {runs} runs: fast/torch geomean "
            f"{statistics.geometric_mean(medians.values()):.2f}, {len(above)} above 1.0"
            + (": " + ", ".join(above) if above else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.runs", description=__doc__)
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="folders written by "
                        "`python -m benchmarks --out DIR` (each has results.json)")
    args = parser.parse_args(argv)
    print(table(load(args.dirs)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
