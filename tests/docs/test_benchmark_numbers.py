"""docs/benchmarks.md: the share line it quotes is the one benchmarks.share picks from the
table it shows (the timings themselves are measurements, dated where shown)."""
from __future__ import annotations

import math
import re
from pathlib import Path

from benchmarks import share

PAGE = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
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
