"""Checkpoints: exact round trip, no pickle, loadable into the torch reference model."""
import json
import zipfile

import numpy as np
import pytest
import torch

import reference

from scratchrnn.models import MODELS
from scratchrnn.train import load_checkpoint, read_checkpoint, save_checkpoint


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_exact(name, dtype, tmp_path):
    kwargs = {"num_layers": 2, "bidirectional": True} if name == "gru" else {}
    model = MODELS[name](2, 5, 3, dtype=dtype, seed=4, **kwargs)
    path = save_checkpoint(model, tmp_path / f"{name}.npz", extra={"best_epoch": 7})
    loaded = load_checkpoint(path)
    assert type(loaded) is type(model) and loaded.config == model.config
    assert loaded.dtype == model.dtype
    for key, w in model.state_dict().items():
        got = loaded.state_dict()[key]
        assert got.dtype == w.dtype
        np.testing.assert_array_equal(got, w)
    header, _ = read_checkpoint(path)
    assert header["class"] == type(model).__name__ and header["extra"] == {"best_epoch": 7}


def test_checkpoint_is_plain_npz_with_a_json_header(tmp_path):
    model = MODELS["lstm"](1, 4, 1, seed=0)
    path = save_checkpoint(model, tmp_path / "m.ckpt")          # no '.npz' appended
    assert path.endswith("m.ckpt")
    with np.load(path, allow_pickle=False) as npz:
        header = json.loads(str(npz["__header__"]))
        assert set(npz.files) == {"__header__", *model.params}
    assert header["format"] == "scratchrnn-checkpoint" and header["config"]["hidden_size"] == 4
    with zipfile.ZipFile(path) as zf:                            # every entry is a .npy
        assert all(n.endswith(".npy") for n in zf.namelist())


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_loads_into_the_torch_reference_model(name, tmp_path):
    model = MODELS[name](1, 6, 1, dtype="float64", seed=1)
    path = save_checkpoint(model, tmp_path / "m.npz")
    tmodel = reference.load_checkpoint(path)
    assert isinstance(tmodel, torch.nn.Module)
    x = np.random.default_rng(0).normal(size=(3, 7, 1))
    with torch.no_grad():
        theirs = tmodel.eval()(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model.eval().forward(x), theirs, rtol=1e-12, atol=1e-14)


def test_bad_checkpoints_are_refused(tmp_path):
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.zeros(3))
    with pytest.raises(ValueError, match="not a scratchrnn checkpoint"):
        load_checkpoint(plain)
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __header__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False"):
        load_checkpoint(pickled)                                 # allow_pickle=False refuses
    with pytest.raises(ValueError, match="framework must be"):
        load_checkpoint(plain, framework="jax")
    with pytest.raises(ValueError, match="reference.load_checkpoint"):
        load_checkpoint(plain, framework="torch")   # train/ never imports torch
