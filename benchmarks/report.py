"""Write a benchmark's results: CSV, JSON, a Markdown table, and plots."""
from __future__ import annotations

import csv
import json

import numpy as np


def line(row: dict) -> str:
    plain = f"  plain {row['plain_median_ms']:9.1f} ms" if "plain_median_ms" in row else ""
    return (f"{row['mode']:<9} {row['model']:<4} H={row['hidden']:<3} T={row['steps']:<3} "
            f"B={row['batch']:<4}  fast {row['fast_median_ms']:9.1f} ms{plain}  "
            f"torch {row['torch_median_ms']:9.1f} ms  fast/torch {row['ratio']:.2f}")


def target_summary(rows: list) -> dict | None:
    """Geomean and worst fast/torch ratio of the training step at T=50, B in {700, 7000}
    (and the plain engine's, where it was timed)."""
    target = [r for r in rows if r["mode"] == "train" and r["steps"] == 50
              and r["batch"] in (700, 7000)]
    if not target:
        return None
    out = dict(cases=len(target), **_geomean_worst([r["ratio"] for r in target]))
    if all("plain_ratio" in r for r in target):
        out.update({f"plain_{k}": v for k, v in
                    _geomean_worst([r["plain_ratio"] for r in target]).items()})
    return out


def _geomean_worst(ratios: list) -> dict:
    return dict(geomean_ratio=float(np.exp(np.mean(np.log(ratios)))),
                worst_ratio=float(max(ratios)))


def markdown(rows: list, info: dict) -> str:
    plain = all("plain_median_ms" in r for r in rows)
    head = ("| mode | model | H | T | B | " + ("plain ms (IQR) | " if plain else "") +
            "fast ms (IQR) | torch ms (IQR) | " + ("plain/torch | " if plain else "") +
            "fast/torch |\n|---|---|---:|---:|---:|" + "---:|" * (5 if plain else 3) + "\n")
    body = "".join(
        f"| {r['mode']} | {r['model']} | {r['hidden']} | {r['steps']} | {r['batch']} | "
        + (f"{r['plain_median_ms']:.1f} ({r['plain_iqr_ms']:.1f}) | " if plain else "")
        + f"{r['fast_median_ms']:.1f} ({r['fast_iqr_ms']:.1f}) | "
        f"{r['torch_median_ms']:.1f} ({r['torch_iqr_ms']:.1f}) | "
        + (f"{r['plain_ratio']:.2f} | " if plain else "") + f"{r['ratio']:.2f} |\n"
        for r in rows)
    note = (f"\nMedians of interleaved runs; numpy {info['numpy']}, torch {info['torch']}, "
            f"{info['threads']} threads each; float32 matmul peak "
            f"{info['matmul_peak_gflops']} GFLOP/s"
            f"{'; denormals flushed to zero (both)' if info.get('flush_denormal') else ''}"
            f"{'; on the GPU: ' + str(info['gpu']) if info.get('gpu') else ''}.\n")
    return head + body + note


def write(out, rows: list, info: dict) -> str:
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    target = target_summary(rows)
    (out / "results.json").write_text(json.dumps(dict(machine=info, target=target, rows=rows),
                                                 indent=1))
    (out / "table.md").write_text(markdown(rows, info))
    plot(out, rows)
    if target is None:
        return "no target cases (T=50, B 700/7000, train) in this grid"
    plain = (f"; plain/torch geomean {target['plain_geomean_ratio']:.2f}, worst "
             f"{target['plain_worst_ratio']:.2f}" if "plain_geomean_ratio" in target else "")
    return (f"target: {target['cases']} cases, geomean fast/torch "
            f"{target['geomean_ratio']:.2f}, worst {target['worst_ratio']:.2f}{plain}")


def plot(out, rows: list) -> None:
    import matplotlib  # noqa: PLC0415 (headless backend before pyplot)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    for x_key, name in (("hidden", "time_vs_hidden"), ("steps", "time_vs_steps")):
        groups = {}
        for r in rows:
            other = tuple(r[k] for k in ("mode", "batch", "steps" if x_key == "hidden"
                                         else "hidden"))
            groups.setdefault(other, {}).setdefault(r["model"], []).append(r)
        series = {k: v for k, v in groups.items()
                  if any(len(rs) > 1 for rs in v.values())}
        if not series:
            continue
        fig, axes = plt.subplots(1, len(series), figsize=(5 * len(series), 4), squeeze=False)
        for ax, (key, by_model) in zip(axes[0], series.items()):
            for (model, rs), color in zip(sorted(by_model.items()),
                                          ("#FF662A", "#82AC26", "#4F3F84")):
                rs = sorted(rs, key=lambda r: r[x_key])
                xs = [r[x_key] for r in rs]
                ax.plot(xs, [r["fast_median_ms"] for r in rs], "o-", color=color,
                        label=f"{model} fast")
                if "plain_median_ms" in rs[0]:
                    ax.plot(xs, [r["plain_median_ms"] for r in rs], ":", color=color,
                            label=f"{model} plain")
                ax.plot(xs, [r["torch_median_ms"] for r in rs], "s--", color=color,
                        label=f"{model} torch")
            ax.set(xlabel="hidden size H" if x_key == "hidden" else "segment length T",
                   ylabel="median ms", title=f"{key[0]}, B={key[1]}, "
                   f"{'T' if x_key == 'hidden' else 'H'}={key[2]}")
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(out / f"{name}.png", dpi=110)
        plt.close(fig)
