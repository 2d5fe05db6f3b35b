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
RANGE = r" ([\d.]+)(?:-([\d.]+))? \|"     # a ratio, or the range of two runs' ratios
FLOOR_ROW = re.compile(r"^\| (inference|train) \| (\d+) \| (\d+) \|" + r" ([\d.]+) \|" * 6
                       + RANGE * 3 + "$", re.M)


def _floor_rows(section):
    """benchmarks.floor's rows: (mode, H, B, the six times, then (low, high) of each of the
    three ratios: floor, with hand-over, engine / torch)."""
    rows = []
    for mode, hidden, batch, *cols in FLOOR_ROW.findall(section):
        ratios = [(float(lo), float(hi or lo)) for lo, hi in zip(cols[6::2], cols[7::2])]
        rows.append((mode, int(hidden), int(batch), [float(c) for c in cols[:6]], ratios))
    return rows


def _span(pairs):
    return f"{min(lo for lo, _ in pairs):.2f}-{max(hi for _, hi in pairs):.2f}"


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
    floor = [r for r in _floor_rows(section) if r[2] == 7000]
    assert len(floor) == 4
    span = _span([r[4][0] for r in floor])
    assert f"the floor is at torch's time ({span})" in words
    assert f"whose floor is at torch's time ({span})" in readme
    above = [t[4] / t[3] - 1 for _, _, _, t, _ in floor]      # engine / with hand-over
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


def test_the_floor_on_zen_1_and_what_the_docs_draw_from_it():
    """The ranges quoted under the floor table of the Zen 1 machine are its columns'."""
    text = PAGE.read_text()
    section = _between(text, "**The floor on this machine**", "**Why the floor is high here")
    rows = _floor_rows(section)
    assert len(rows) == 16
    for mode, hidden, batch, times, ratios in rows:   # the mean times within each range
        for (lo, hi), t in zip(ratios, (min(times[0], times[2]), min(times[0], times[3]),
                                        times[4])):
            assert lo - 0.01 <= t / times[5] <= hi + 0.01, (mode, hidden, batch)
    words = " ".join(section.split())
    infer = [r[4][0] for r in rows if r[0] == "inference"]
    assert f"take {_span(infer)} of torch's time, in both runs, in all eight cases" in words
    b64 = [r[4] for r in rows if r[0] == "train" and r[2] == 64]
    assert f"the floor is {_span([r[0] for r in b64])} of torch's time and the split with " \
           f"the engine's hand-over {_span([r[1] for r in b64])}, the engine " \
           f"{_span([r[2] for r in b64])}" in words
    b700 = [r[4][2] for r in rows if r[0] == "train" and r[2] == 700]
    assert f"stays below torch's time ({_span(b700)})" in words
    handed = _span([r[4][1] for r in rows if r[:3] == ("train", 128, 64)])
    assert f"the split with the engine's hand-over already takes {handed} of torch's time" \
        in words
    assert f"with the engine's hand-over already take {handed} of torch's time" \
        in " ".join(README.read_text().split())
    small = {r[1]: _span(r[4][:1]) for r in rows if r[0] == "inference" and r[2] == 64}
    assert f"at the floor measured above ({small[16]} and {small[32]} of torch's time)" \
        in " ".join(text.split())


SCALING_ROW = re.compile(r"^\| (train|inference) \| (rnn|lstm|gru) \|"
                         + r" ([\d.]+) / ([\d.]+) \|" * 5 + "$", re.M)


def test_the_zen_1_scaling_table_and_what_the_docs_draw_from_it():
    """Time per step at T = 400 against T = 50, and torch's LSTM inference, as the table
    of the Zen 1 machine gives them (T = 25, 50, 100, 200, 400)."""
    text = PAGE.read_text()
    section = _between(text, "**On the Zen 1 AMD EPYC**", "**On the Intel Xeon")
    rows = SCALING_ROW.findall(section)
    assert len(rows) == 6
    per_step = [float(r[10]) / 400 / (float(r[4]) / 50) for r in rows]
    words = " ".join(section.split())
    assert f"is {min(per_step):.2f}-{max(per_step):.2f} of its time per step at T = 50" \
        in words
    lstm = [float(r[k]) / float(r[k + 1]) for r in rows if r[:2] == ("inference", "lstm")
            for k in range(2, 12, 2)]
    assert all(x > 1 for x in lstm)
    assert f"(the engine at {min(lstm):.2f}-{max(lstm):.2f} of its time)" in words
