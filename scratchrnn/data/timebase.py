"""The sampling rate of a recording: inferred from its time stamps, or stated by its file.

    fs, notes = sampling_rate(times, fs=None, label='t')   # 1 / median(diff(times)), and
                                                           # sentences on gaps and repeats
    fs = agreed_rate(360.0, fs=None, what="the sampling rate in 100.hea")   # 360.0
"""
from __future__ import annotations

import numpy as np

MAX_ODD_STEPS = 0.1   # at most this fraction of the time steps may be repeated or irregular


def agreed_rate(found: float, fs: float | None, what: str) -> float:
    """`fs` when given and within 1% of the rate `found` in the data, else `found`."""
    if fs is not None and abs(found - fs) > 0.01 * fs:
        raise ValueError(f"expected fs to match {what} ({found:.6g} Hz), got {fs}")
    return float(found) if fs is None else float(fs)


def sampling_rate(times: np.ndarray | None, fs: float | None, label) -> tuple[float, list]:
    """(fs, notes): the rate inferred from the time column, checked against `fs`, and
    sentences on what is odd about the time stamps (repeated ones, gaps, jitter)."""
    if times is None:
        return 1.0 if fs is None else float(fs), []
    name = f"time column {label!r}"
    if not np.isfinite(times).all():
        missing = np.flatnonzero(~np.isfinite(times))
        raise ValueError(f"expected a {name} without missing values, got {len(missing)} "
                         f"NaN/inf (the first at sample {missing[0]})")
    if len(times) < 2:
        raise ValueError(f"expected at least 2 time stamps in the {name} to infer fs, "
                         f"got {len(times)}")
    steps = np.diff(times)                                                   # T-1
    back = np.flatnonzero(steps < 0)
    if len(back):
        i = back[0] + 1
        raise ValueError(f"expected a strictly increasing {name}, got {len(back)} "
                         f"non-increasing of {len(steps)} steps (sample {i}, {times[i]:g} s, "
                         f"follows {times[i - 1]:g} s); sort the rows by time")
    repeated = np.flatnonzero(steps == 0)
    if len(repeated) > MAX_ODD_STEPS * len(steps):
        raise ValueError(f"expected one row per time stamp in the {name}, got "
                         f"{len(repeated)} of {len(steps)} steps of 0 s (repeated time "
                         f"stamps); is the file in long format, one row per channel and time?")
    step = float(np.median(steps[steps > 0]))
    irregular = np.flatnonzero((steps > 0) & (np.abs(steps - step) > 0.5 * step))
    if len(irregular) > MAX_ODD_STEPS * len(steps):
        raise ValueError(f"expected a regularly sampled {name}, got {len(irregular)} of "
                         f"{len(steps)} steps differing from the median step {step:.3g} s by "
                         f"more than half; resample the recording onto a regular grid first")
    fs = agreed_rate(1.0 / step, fs, f"the time column {label!r}")
    notes = []
    if len(repeated):
        plural = "s" if len(repeated) > 1 else ""
        notes.append(f"{name} has {len(repeated)} repeated time stamp{plural} (the first at "
                     f"sample {repeated[0] + 1}), kept as consecutive samples")
    if len(irregular):
        longest = irregular[np.argmax(steps[irregular])]
        notes.append(f"{name} is irregular: {len(irregular)} of {len(steps)} steps differ "
                     f"from the median step {step:.3g} s by more than half (the longest, "
                     f"{steps[longest]:.3g} s, before sample {longest + 1}); the samples are "
                     f"used as if evenly spaced at {fs:.6g} Hz")
    return fs, notes
