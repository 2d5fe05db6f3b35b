"""docs/benchmarks.md: the share line it quotes is the one benchmarks.share picks from the
table it shows (the timings themselves are measurements, dated where shown)."""
from __future__ import annotations

import math
import re
from pathlib import Path

from benchmarks import share

PAGE = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
README = PAGE.parents[1] / "README.md"
ROW = re.compile(r"^\| (RNN|LSTM|GRU) H=(\d+) B=(\d+), (inference|train) \| ([\d.]+) \| "
                 r"([\d.]+) \| [\d.]+-[\d.]+ \|$", re.M)


def test_the_quoted_share_setting_is_the_one_its_table_gives():
    text = PAGE.read_text()
    section = text[text.index("**Each machine sets its own line"):]
    rows = ROW.findall(section[:section.index("It put the line")])
    assert len(rows) == len(share.LADDER)
    measured = []
    for model, hidden, batch, mode, work, ratio in rows:
        w = share.work_of(share.parse(f"{model.lower()}:{hidden}:{batch}:{mode}"))
        assert work == f"{w / 1e6:.1f}", (model, hidden, batch, mode)
        measured.append((w, float(ratio)))
    line, cost = share.best_line(measured)
    words = " ".join(section.split())
    assert f"It put the line at {line / 1e6:.1f} M of work, `export " \
           f"SCRATCHRNN_SHARE_WORK={share.setting(line)}`" in words
    assert f"at {math.exp(cost / len(rows)):.2f} of one process's time (geometric mean)" in words


EXP_TANH_ROW = re.compile(r"^\| (LSTM|GRU) \| (\d+) \| (\d+) \|" + r" ([\d.]+) \|" * 5 + "$", re.M)
FLOOR_ROW = re.compile(r"^\| inference \| (\d+) \| (\d+) \|" + r" ([\d.]+) \|" * 9 + "$", re.M)


def _between(text, start, end):
    part = text[text.index(start):]
    return part[:part.index(end)]


def test_the_exp_and_tanh_table_and_what_the_docs_draw_from_it():
    """Ratios as the ms columns give them; the ranges quoted below it and in the README."""
    text = PAGE.read_text()
    section = _between(text, "**Why the floor is high here", "## The rest of the full grid")
    rows = EXP_TANH_ROW.findall(section)
    assert len(rows) == 14
    for model, hidden, batch, alone, fast, torch_ms, alone_ratio, fast_ratio in rows:
        # printed from the unrounded medians: within rounding of the ms shown
        assert abs(float(alone) / float(torch_ms) - float(alone_ratio)) < 0.01, (model, hidden)
        assert abs(float(fast) / float(torch_ms) - float(fast_ratio)) < 0.01, (model, hidden)
    small = [float(r[6]) for r in rows if r[0] == "LSTM" and int(r[1]) <= 64]
    quoted = f"{min(small):.2f}-{max(small):.2f}"
    words, readme = " ".join(section.split()), " ".join(README.read_text().split())
    assert f"`exp` and `tanh` alone take {quoted} of torch's whole time" in words
    assert f"calls alone taking {quoted} of torch's whole time at H = 16 to 64" in readme
    floor = [r for r in FLOOR_ROW.findall(section) if r[1] == "7000"]
    assert len(floor) == 4
    ratios = [float(r[8]) for r in floor]
    assert f"the floor is at torch's time ({min(ratios):.2f}-{max(ratios):.2f})" in words
    assert f"whose floor is at torch's time ({min(ratios):.2f}-{max(ratios):.2f})" in readme
    above = [float(r[6]) / float(r[5]) - 1 for r in floor]     # engine / with hand-over
    assert f"the engine is within {math.ceil(100 * max(above))}% of the bare calls" in words
    assert f"the engine is within {math.ceil(100 * max(above))}% of its bare calls" in readme


STEP15_ROW = re.compile(r"^\| LSTM H = (\d+), B = (\d+) \| ([\d.]+) -> ([\d.]+) \| ([\d.]+) \| "
                        r"([\d.]+) \(([\d.]+)-([\d.]+)\) \|$", re.M)


def test_performance_md_step_15_ratios_are_its_times():
    """Step 15's 'after / before' column is the fastest processes' ratio, and each median
    of the paired ratios lies within the range shown beside it."""
    text = (PAGE.parent / "performance.md").read_text()
    section = text[text.index("## Step 15"):text.index("## A switch for long segments")]
    rows = STEP15_ROW.findall(section)
    assert len(rows) == 7
    for hidden, batch, before, after, ratio, median, low, high in rows:
        assert f"{float(after) / float(before):.2f}" == ratio, (hidden, batch)
        assert float(low) <= float(median) <= float(high), (hidden, batch)


STEP16_ROW = re.compile(r"^\| (\d+) \| (\d+) \| ([\d.]+) -> ([\d.]+) \| ([\d.]+) \| "
                        r"([\d.]+) -> ([\d.]+) \| ([\d.]+) \|$", re.M)


def test_performance_md_step_16_ratios_are_its_times():
    """Step 16's 'after / before' columns are its times' ratios; where it pays and by how
    much, and its one loss, as the table gives them."""
    text = (PAGE.parent / "performance.md").read_text()
    section = _between(text, "## Step 16", "## A switch for long segments")
    rows = STEP16_ROW.findall(section)
    assert len(rows) == 9
    ratios = []
    for hidden, b, *cols in rows:
        for before, after, ratio in (cols[:3], cols[3:]):
            assert f"{float(after) / float(before):.2f}" == ratio, (hidden, b)
            ratios.append((int(hidden), int(b), float(ratio)))
    assert all(r < 1 for h, b, r in ratios if h >= 32)
    losses = [(h, b) for h, b, r in ratios if r > 1]
    assert losses == [(16, 32)]
    words = " ".join(section.split())
    best = min(r for _, _, r in ratios)
    assert f"It pays from H = 32 on, up to {round(100 * (1 - best))}% at H = 128" in words
    assert "The one loss is inference at H = 16, b = 32" in words
