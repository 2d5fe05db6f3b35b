"""`results.json`: every number of a run, as plain JSON (NaN and inf become null)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def write_results(path, payload: dict) -> str:
    """Write `payload` as JSON (NaN/inf become null so any JSON reader accepts it)."""
    Path(path).write_text(json.dumps(_clean(payload), indent=2) + "\n")
    return str(path)


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    return obj
