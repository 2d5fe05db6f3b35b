"""`scratchrnn run` end to end: every output file, user files, config, classification, Ctrl-C."""
import json

import pytest

from scratchrnn.cli import main
from scratchrnn.train import load_checkpoint
from scratchrnn.app import sweep as sweep_mod

MODELS, IMPLS = ("rnn", "lstm", "gru"), ("scratch", "torch")


def test_quick_run_writes_every_file(quick_run):
    code, out = quick_run
    assert code == 0
    figures = {"raw_vs_clean.png", "timing.png"}
    for m in MODELS:
        for i in IMPLS:
            figures |= {f"curves_{m}_{i}.png", f"pred_{m}_{i}.png", f"pred_{m}_{i}.pdf"}
    assert figures <= {p.name for p in (out / "figures").iterdir()}
    models = {f"{m}_{i}_h{h}.npz" for m in MODELS for i in IMPLS for h in (16, 32)}
    assert models == {p.name for p in (out / "models").iterdir()}
    report = (out / "report.md").read_text()
    for name in figures - {f"pred_{m}_{i}.pdf" for m in MODELS for i in IMPLS}:
        assert f"(figures/{name})" in report
    assert "persistence" in report and "Best model = a copy" in report
    assert "÷ persistence" in report and "beat persistence" in report


def test_quick_run_results_json(quick_run):
    _, out = quick_run
    res = json.loads((out / "results.json").read_text())
    assert len(res["records"]) == 3 * 2 * 2 and not res["interrupted"]
    for rec in res["records"]:
        for key in ("model", "impl", "hidden_size", "test_mse", "best_val_mse", "epochs",
                    "train_seconds"):
            assert rec[key] is not None, key
        assert rec["epochs"] == 15 and rec["test"]["original"]["rmse"] > 0
    assert {"persistence", "train_mean"} <= set(res["baselines"])
    assert sum(r["selected"] for r in res["records"]) == 6
    ckpt = res["records"][0]["checkpoint"]
    assert load_checkpoint(out / ckpt).hidden_size == res["records"][0]["hidden_size"]
    import numpy
    import torch
    assert (res["schema"], res["schema_version"]) == ("scratchrnn-results", 2)
    assert res["versions"]["numpy"] == numpy.__version__
    assert res["versions"]["torch"] == torch.__version__
    assert res["out"] == str(out)


def test_user_csv_with_a_time_column(ecg_csv, tmp_path, tiny_args):
    out = tmp_path / "run"
    code = main(["run", "--data", str(ecg_csv), "--time-column", "time_s", "--column",
                 "ecg_mV", "--window", "20", "--out", str(out), *tiny_args])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert res["data"]["fs"] == pytest.approx(200.0) and res["data"]["samples_used"] == 600
    assert res["records"][0]["epochs"] == 2


def test_config_file_and_flags(ecg_csv, tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('[run]\nmodels = ["rnn"]\nhidden = [3, 4]\nepochs = 5\nimpl = "scratch"\n'
                   'window = 10\nquiet = true\n')
    out = tmp_path / "run"
    code = main(["run", "--config", str(cfg), "--data", str(ecg_csv), "--epochs", "2",
                 "--out", str(out)])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert [(r["model"], r["hidden_size"], r["epochs"]) for r in res["records"]] == \
        [("rnn", 3, 2), ("rnn", 4, 2)]                       # the flag beats the file


def test_classification_task(tmp_path, tiny_args):
    out = tmp_path / "cls"
    code = main(["run", "--task", "classify", "--stride", "10", "--out", str(out),
                 *tiny_args])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    rec = res["records"][0]
    assert res["data"]["name"] == "mitdb" and 0 <= rec["test"]["accuracy"] <= 1
    assert len(rec["test"]["confusion_matrix"]) == 2 and "majority_class" in res["baselines"]
    assert (out / "figures" / "confusion_gru_scratch.png").exists()


def test_ctrl_c_writes_the_finished_runs(tmp_path, monkeypatch, capsys, tiny_args):
    real, calls = sweep_mod.train_one, []

    def interrupt_after_first(*args):
        calls.append(args)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(sweep_mod, "train_one", interrupt_after_first)
    out = tmp_path / "run"
    code = main(["run", "--max-samples", "400", "--window", "20", "--out", str(out),
                 "--models", "rnn,gru", "--jobs", "1", *tiny_args[2:]])
    assert code == 130
    res = json.loads((out / "results.json").read_text())
    assert res["interrupted"] and [r["model"] for r in res["records"]] == ["rnn"]
    assert "Interrupted" in (out / "report.md").read_text()
    assert (out / "models" / "rnn_scratch_h4.npz").exists()


def test_torch_missing_is_a_note_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_mod, "load_reference_trainer", lambda: None)
    out = tmp_path / "run"
    code = main(["run", "--max-samples", "400", "--window", "20", "--out", str(out),
                 "--models", "rnn", "--hidden", "3", "--epochs", "1", "--quiet"])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert [r["impl"] for r in res["records"]] == ["scratch"]
    assert any("torch is not installed" in n for n in res["notes"])


def test_progress_lines_and_quiet(ecg_csv, tmp_path, capsys):
    base = ["run", "--data", str(ecg_csv), "--column", "ecg_mV", "--window", "20",
            "--models", "rnn", "--hidden", "3", "--epochs", "2", "--impl", "scratch"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    loud = capsys.readouterr()
    assert "rnn  scratch H=3" in loud.out and "report:" in loud.out and loud.err == ""
    assert main([*base, "--quiet", "--out", str(tmp_path / "b")]) == 0
    quiet = capsys.readouterr()
    assert quiet.out.strip().splitlines() == [f"report: {tmp_path / 'b' / 'report.md'}"]


def test_classification_of_a_labelled_user_file(tmp_path, tiny_args):
    import numpy as np
    import pandas as pd
    t = np.arange(2000) / 100.0
    label = ((t > 15) & (t < 17)).astype(int)
    x = np.sin(2 * np.pi * t) * (1 + 2 * label)
    path = tmp_path / "labelled.csv"
    pd.DataFrame({"t": t, "x": x, "label": label}).to_csv(path, index=False)
    out = tmp_path / "cls"
    code = main(["run", "--task", "classify", "--data", str(path), "--time-column", "t",
                 "--column", "x", "--label-column", "label", "--window", "20",
                 "--out", str(out), *tiny_args])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert res["data"]["class_counts"][1] > 3 and res["data"]["fs"] == pytest.approx(100.0)


def test_engine_plain_and_fast_train_the_same_model(ecg_csv, tmp_path):
    """`--engine plain` runs the lesson's code: same losses and test errors as 'fast'."""
    results = {}
    for engine in ("plain", "fast"):
        out = tmp_path / engine
        code = main(["run", "--data", str(ecg_csv), "--time-column", "time_s", "--column",
                     "ecg_mV", "--window", "12", "--models", "lstm", "--hidden", "5",
                     "--epochs", "4", "--impl", "scratch", "--dtype", "float64", "--quiet",
                     "--engine", engine, "--out", str(out)])
        assert code == 0
        results[engine] = json.loads((out / "results.json").read_text())
        assert results[engine]["settings"]["engine"] == engine
        assert f"engine {engine}" in (out / "report.md").read_text()
    plain, fast = (results[e]["records"][0] for e in ("plain", "fast"))
    assert fast["test_mse"] == pytest.approx(plain["test_mse"], rel=1e-9)
    assert fast["best_val_mse"] == pytest.approx(plain["best_val_mse"], rel=1e-9)


def test_embed_option_builds_delay_vector_windows(ecg_csv, tmp_path, tiny_args):
    out = tmp_path / "run"
    code = main(["run", "--data", str(ecg_csv), "--time-column", "time_s", "--column",
                 "ecg_mV", "--window", "12", "--embed", "3,2", "--out", str(out), *tiny_args])
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    assert res["settings"]["embed"] == [3, 2]
    assert load_checkpoint(out / res["records"][0]["checkpoint"]).input_size == 3
    assert "time-delay embedding m = 3, tau = 2" in (out / "report.md").read_text()


def test_embed_is_refused_for_classification_and_when_malformed(tmp_path, capsys):
    assert main(["run", "--task", "classify", "--embed", "3,2", "--quick", "--quiet",
                 "--out", str(tmp_path / "a")]) == 2
    assert "--embed is for --task forecast" in capsys.readouterr().err
    assert main(["run", "--embed", "3", "--out", str(tmp_path / "b")]) == 2
    assert "expected m,tau" in capsys.readouterr().err
