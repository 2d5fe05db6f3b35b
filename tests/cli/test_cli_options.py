"""Every bad option, tried as a user would: one line naming the option, exit code 2, and
nothing written. The same checks apply to the keys of a --config file."""
import pytest

from scratchrnn.cli import main


def _refused(capsys, code, *expected):
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scratchrnn: error: "), err
    assert all(e in lines[0] for e in expected), lines[0]


@pytest.mark.parametrize("option,value,expected", [
    ("--lr", "nan", "positive finite number"), ("--lr", "inf", "positive finite number"),
    ("--lr", "0", "positive finite number"), ("--lr", "-0.01", "positive finite number"),
    ("--lr", "fast", "positive number"),
    ("--fs", "0", "positive finite number"), ("--fs", "nan", "positive finite number"),
    ("--fs", "-250", "positive finite number"),
    ("--clip-norm", "0", "positive finite number"), ("--clip-value", "inf", "finite"),
    ("--epochs", "1.5", "positive integer"), ("--epochs", "-3", "positive integer"),
    ("--window", "0", "positive integer"), ("--stride", "0", "positive integer"),
    ("--batch-size", "0", "positive integer"), ("--patience", "0", "positive integer"),
    ("--threads", "0", "positive integer"), ("--jobs", "0", "positive integer"),
    ("--jobs", "two", "positive integer"),
    ("--max-samples", "-1", "non-negative integer"), ("--max-windows", "1e3", "integer"),
    ("--seed", "-1", "non-negative integer"), ("--seed", str(2 ** 32), "2**32 - 1"),
    ("--hidden", "0", "positive integers"), ("--hidden", ",", "positive integers"),
    ("--models", ",", "unknown model"),
    ("--filter", "lowpass:0", "positive cutoffs"), ("--filter", "lowpass:nan", "positive"),
    ("--filter", "bandpass:40-0.5", "low < high"), ("--filter", "lowpass:-5", "filter like"),
    ("--filter", "bandpass:5", "filter like"),
    ("--embed", "0,5", "positive m and tau"),
])
def test_a_bad_value_names_its_option(capsys, tmp_path, option, value, expected):
    out = tmp_path / "run"
    code = main(["run", option, value, "--out", str(out)])
    _refused(capsys, code, option, expected)
    assert not out.exists()


def test_an_out_with_files_in_it_is_refused_and_the_default_is_always_new(capsys, tmp_path):
    old = tmp_path / "old_run"
    old.mkdir()
    (old / "report.md").write_text("the first run")
    _refused(capsys, main(["run", "--out", str(old)]), "--out", "already holds files")
    assert [p.name for p in old.iterdir()] == ["report.md"]
    from datetime import datetime

    from scratchrnn.app.spec import fresh_run_folder
    now = datetime(2026, 12, 4, 10, 0, 0)
    first = fresh_run_folder(tmp_path, now)
    first.mkdir()
    assert first.name == "2026-12-04_10-00-00"
    assert fresh_run_folder(tmp_path, now).name == "2026-12-04_10-00-00-2"


def test_an_out_that_is_a_file_is_refused_before_anything_runs(capsys, tmp_path):
    file = tmp_path / "results.txt"
    file.write_text("keep me")
    _refused(capsys, main(["run", "--out", str(file)]), "--out", "is a file")
    _refused(capsys, main(["run", "--out", str(file / "sub")]), "--out", "is a file")
    assert file.read_text() == "keep me"


@pytest.mark.parametrize("toml,expected", [
    ('epochs = "ten"', "epochs: expected a positive integer"),
    ("epochs = true", "epochs: expected a positive integer"),
    ("epochs = 2.5", "epochs: expected a positive integer"),
    ("lr = nan", "lr: expected a positive finite number"),
    ("lr = -inf", "lr: expected a positive finite number"),
    ("fs = 0", "fs: expected a positive finite number"),
    ('optimizer = "rmsprop"', "optimizer: expected one of adam, adamw, sgd"),
    ('dtype = "float16"', "dtype: expected one of float32, float64"),
    ('split = 3', "split: expected one of chronological, random"),
    ('hidden = [16, "x"]', "hidden: expected comma separated integers"),
    ('quick = "yes"', "quick: expected true or false"),
    ("data = 5", "data: expected a non-empty text"),
    ("clip-norm = 0.0", "clip-norm: expected a positive finite number"),
    ("jobs = 0", "jobs: expected a positive integer"),
    ("run = 5", "[run] must be a table"),
    ("epochs = ", "is not valid TOML"),
    ("epoch = 3", "unknown option 'epoch'"),
])
def test_a_bad_config_key_names_the_file_and_the_key(capsys, tmp_path, toml, expected):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml + "\n")
    out = tmp_path / "run"
    _refused(capsys, main(["run", "--config", str(cfg), "--out", str(out)]), "bad.toml",
             expected)
    assert not out.exists()


def test_a_config_folder_is_refused(capsys, tmp_path):
    _refused(capsys, main(["run", "--config", str(tmp_path)]), "is a folder")


def test_good_values_in_a_config_are_accepted(tmp_path):
    """The checks refuse only what is wrong: a config with every kind of value passes."""
    from scratchrnn.app.spec import build_spec
    cfg = tmp_path / "good.toml"
    cfg.write_text('[run]\nlr = 0.005\nfs = 360\nseed = 7\ncolumn = 2\nquick = true\n'
                   'optimizer = "sgd"\nhidden = [4, 8]\nclip-norm = 1\njobs = 2\n'
                   'filter = "bandpass:0.5-40"\n')
    spec = build_spec({}, cfg)
    assert (spec.lr, spec.fs, spec.seed, spec.column) == (0.005, 360.0, 7, "2")
    assert spec.quick and spec.optimizer == "sgd" and spec.hidden == (4, 8)
    assert spec.clip_norm == 1.0 and spec.jobs == 2 and spec.filter == ("bandpass", (0.5, 40.0))
