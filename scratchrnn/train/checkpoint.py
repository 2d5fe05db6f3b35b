"""Checkpoints: a model's weights in one `.npz`, with a JSON header, never pickled.

    save_checkpoint(model, 'lstm_h32.npz', extra={'best_epoch': 41})
    model  = load_checkpoint('lstm_h32.npz')                      # scratch model
    tmodel = reference.load_checkpoint('lstm_h32.npz')            # torch reference model

File layout (``np.load(path, allow_pickle=False)`` reads it):
    '__header__'        0-d unicode array: JSON {"format", "version", "class", "config", "extra"}
    'rnn.weight_ih_l0'  ... one array per parameter, named like torch's state_dict keys
`config` is the model's constructor arguments (``model.config``), so loading rebuilds the
model and copies the weights in; the weights are bit-for-bit those saved.
"""
from __future__ import annotations

import json
import os

import numpy as np

from ..models import MODELS

FORMAT, VERSION = "scratchrnn-checkpoint", 1
_CLASSES = {cls.__name__: cls for cls in MODELS.values()}


def save_checkpoint(model, path, extra: dict | None = None) -> str:
    """Write `model`'s weights and constructor arguments to `path` (.npz); returns the path."""
    name = type(model).__name__
    if name not in _CLASSES:
        raise TypeError(f"save_checkpoint: expected one of {sorted(_CLASSES)}, got {name}")
    header = {"format": FORMAT, "version": VERSION, "class": name,
              "config": _jsonable(model.config), "extra": _jsonable(extra or {})}
    arrays = model.state_dict()
    if "__header__" in arrays:  # pragma: no cover - impossible with torch-style names
        raise ValueError("parameter named '__header__' clashes with the checkpoint header")
    path = os.fspath(path)
    with open(path, "wb") as f:      # a file object: np.savez would otherwise append '.npz'
        np.savez(f, __header__=np.array(json.dumps(header)), **arrays)
    return path


def read_checkpoint(path) -> tuple[dict, dict]:
    """(header, weights) of a checkpoint; weights are NumPy arrays keyed like state_dict."""
    with np.load(os.fspath(path), allow_pickle=False) as npz:
        if "__header__" not in npz.files:
            raise ValueError(f"{path}: not a scratchrnn checkpoint (no '__header__' entry)")
        header = json.loads(str(npz["__header__"]))
        weights = {k: npz[k] for k in npz.files if k != "__header__"}
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: expected format {FORMAT!r}, got {header.get('format')!r}")
    if header.get("class") not in _CLASSES:
        raise ValueError(f"{path}: unknown model class {header.get('class')!r}; expected one "
                         f"of {sorted(_CLASSES)}")
    return header, weights


def load_checkpoint(path, framework: str = "scratch", **kwargs):
    """Rebuild the saved scratch model with its weights; kwargs (e.g. backend='cupy') go to
    its constructor. The torch model: `reference.load_checkpoint(path)` (this package never
    imports torch)."""
    if framework != "scratch":
        raise ValueError(f"framework must be 'scratch', got {framework!r}; for the torch "
                         "model use reference.load_checkpoint(path)")
    header, weights = read_checkpoint(path)
    config = {**header["config"], **kwargs}
    model = _CLASSES[header["class"]](**config)
    model.load_state_dict(weights)
    return model


def _jsonable(obj):
    """Plain-JSON copy of a config (NumPy scalars -> Python numbers, tuples -> lists)."""
    return json.loads(json.dumps(obj, default=lambda o: o.item() if hasattr(o, "item")
                                 else str(o)))
