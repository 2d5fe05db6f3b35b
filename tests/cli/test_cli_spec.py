"""RunSpec: defaults < --quick < config file < flags, automatic stride and filter."""
import pytest

from scratchrnn.app.spec import (AUTO_ECG_FILTER, DEFAULT_MAX_WINDOWS, QUICK, auto_stride,
                                    build_spec, filter_spec)


def test_defaults_are_the_slides_sweep():
    spec = build_spec({})
    assert spec.models == ("rnn", "lstm", "gru") and spec.hidden == (16, 32, 64, 128)
    assert spec.epochs == 100 and spec.window == 50 and spec.batch_size is None
    assert spec.impl == ("scratch", "torch") and spec.dataset == "ecg"
    assert spec.filter == AUTO_ECG_FILTER and any("0.001" in n for n in spec.notes)


def test_precedence(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('quick = true\nepochs = 7\nhidden = "8,9"\nmax-windows = 50\n')
    spec = build_spec({"epochs": 3}, cfg)
    assert spec.quick and spec.epochs == 3 and spec.hidden == (8, 9) and spec.max_windows == 50
    quick = build_spec({"quick": True})
    assert quick.hidden == QUICK["hidden"] and quick.epochs == QUICK["epochs"]


def test_config_errors(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("epoch = 3\n")
    with pytest.raises(ValueError, match="unknown option 'epoch'"):
        build_spec({}, cfg)
    cfg.write_text("epochs = \n")
    with pytest.raises(ValueError):
        build_spec({}, cfg)


def test_user_data_gets_no_automatic_filter_and_classify_uses_mitdb():
    assert build_spec({"data": "x.csv"}).filter is None
    assert build_spec({"task": "classify"}).dataset == "mitdb"
    assert filter_spec("bandpass:0.5-40") == ("bandpass", (0.5, 40.0))
    assert filter_spec("lowpass:40") == ("lowpass", 40.0) and filter_spec("none") is None


@pytest.mark.parametrize("n,window,bound,expected", [
    (5588, 50, DEFAULT_MAX_WINDOWS, 5), (1000, 50, 1200, 1), (5588, 50, 0, 1),
    (1250, 50, 1200, 1), (1251, 50, 1200, 2)])
def test_auto_stride(n, window, bound, expected):
    stride = auto_stride(n, window, bound)
    assert stride == expected
    if bound:
        assert (n - window - 1) // stride + 1 <= bound


def test_the_example_config_gives_the_defaults():
    from pathlib import Path
    example = Path(__file__).resolve().parents[2] / "scratchrnn.toml.example"
    assert build_spec({}, example) == build_spec({})
