"""The training loop: twin of torch's, learns, keeps a real copy of the best epoch, stops
cleanly on NaN, early stopping, determinism."""
import numpy as np
import pytest

import reference
import reference.train as rtrain
from scratchrnn.models import MODELS
from scratchrnn.train import TrainConfig, predict, train
from scratchrnn.train.loop import fit
from scratchrnn.train.metrics import persistence_forecast, regression_metrics
from scratchrnn.train.trainer import ScratchStepper


def _parts(d):
    return d["X_train"], d["y_train"], d["X_val"], d["y_val"]


def _max_rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize("name", ["rnn", "lstm", "gru"])
def test_full_batch_adam_loss_curve_equals_torch_float64(name, tiny):
    model = MODELS[name](1, 6, 1, dtype="float64", seed=3)
    tmodel = reference.to_torch(model)                         # same initial weights
    cfg = TrainConfig(epochs=12, lr=1e-2, progress=False)
    ours = train(model, *_parts(tiny), cfg).history
    theirs = rtrain.train(tmodel, *_parts(tiny), cfg).history
    for key in ("train_loss", "val_loss", "grad_norm"):
        err = _max_rel(getattr(ours, key), getattr(theirs, key))
        assert err < 1e-9, f"{name} {key}: max relative difference {err:.2e}"
    assert ours.best_epoch == theirs.best_epoch


@pytest.mark.parametrize("opt,options", [("sgd", {"momentum": 0.9, "nesterov": True}),
                                         ("adamw", {"weight_decay": 0.1})])
def test_mini_batch_with_clipping_equals_torch_float64(opt, options, tiny):
    model = MODELS["gru"](1, 5, 1, dtype="float64", seed=1)
    tmodel = reference.to_torch(model)
    cfg = TrainConfig(epochs=4, lr=0.05, optimizer=opt, optimizer_options=options,
                      batch_size=16, clip_norm=0.5, clip_value=0.1, seed=7, progress=False)
    ours = train(model, *_parts(tiny), cfg)
    theirs = rtrain.train(tmodel, *_parts(tiny), cfg)
    assert _max_rel(ours.history.train_loss, theirs.history.train_loss) < 1e-9
    assert _max_rel(ours.history.val_loss, theirs.history.val_loss) < 1e-9
    for k, v in ours.best_state.items():
        np.testing.assert_allclose(v, theirs.best_state[k], rtol=1e-9, atol=1e-12)


def test_trained_model_beats_persistence_on_a_clean_signal(sine):
    model = MODELS["gru"](1, 16, 1, dtype="float64", seed=0)
    hist = train(model, *_parts(sine), TrainConfig(epochs=60, lr=1e-2, progress=False)).history
    pred = predict(model, sine["X_test"])
    ours = regression_metrics(sine["y_test"], pred)["mse"]
    naive = regression_metrics(sine["y_test"], persistence_forecast(sine["X_test"]))["mse"]
    assert hist.train_loss[-1] < 0.2 * hist.train_loss[0]
    assert ours < 0.5 * naive, f"test MSE {ours:.4g} vs persistence {naive:.4g}"


def test_best_checkpoint_is_a_copy_when_validation_loss_rises_at_the_end(tiny):
    """Validation targets = the predictions of the same run after k epochs, so the validation
    loss is ~0 at epoch k and rises afterwards: the best epoch is k, not the last."""
    k, epochs, cfg = 4, 10, dict(lr=5e-2, progress=False)
    probe = MODELS["lstm"](1, 6, 1, dtype="float64", seed=2)
    train(probe, *_parts(tiny), TrainConfig(epochs=k, **cfg))
    y_val = predict(probe, tiny["X_val"])                       # loss 0 after epoch k
    model = MODELS["lstm"](1, 6, 1, dtype="float64", seed=2)
    slides_best_model = model                                   # the slides' `best_model = model`
    res = train(model, tiny["X_train"], tiny["y_train"], tiny["X_val"], y_val,
                TrainConfig(epochs=epochs, restore_best=False, **cfg))
    h = res.history
    assert h.best_epoch == k - 1 and h.val_loss[-1] > 10 * h.val_loss[k - 1] + 1e-12
    for name, w in probe.state_dict().items():                 # the best copy is epoch k's
        np.testing.assert_array_equal(res.best_state[name], w)
    assert any(not np.array_equal(res.best_state[n], res.last_state[n]) for n in res.last_state)
    for name, w in slides_best_model.state_dict().items():      # the reference is the last
        np.testing.assert_array_equal(w, res.last_state[name])
    ScratchStepper(model, TrainConfig()).restore(res.best_state)
    np.testing.assert_array_equal(predict(model, tiny["X_val"]), y_val)


def test_restore_best_leaves_the_best_weights_in_the_model(tiny):
    model = MODELS["rnn"](1, 4, 1, dtype="float64", seed=0)
    res = train(model, *_parts(tiny), TrainConfig(epochs=5, lr=1e-2, progress=False))
    for name, w in model.state_dict().items():
        np.testing.assert_array_equal(w, res.best_state[name])


class _NaNAfter(ScratchStepper):
    """Poisons a weight with NaN after `n` steps: the loss of step n+1 is NaN."""

    def __init__(self, model, cfg, n):
        super().__init__(model, cfg)
        self.n, self.calls = n, 0

    def step(self, X, y):
        out = super().step(X, y)
        self.calls += 1
        if self.calls == self.n:
            self.model.params["fc.bias"][...] = np.nan
        return out


def test_non_finite_loss_stops_with_a_message_and_keeps_the_best(tiny):
    model = MODELS["gru"](1, 4, 1, dtype="float64", seed=0)
    cfg = TrainConfig(epochs=20, lr=1e-2, progress=False)
    res = fit(_NaNAfter(model, cfg, n=3), *_parts(tiny), cfg)
    h = res.history
    # the NaN enters with the 3rd update, so epoch 3's validation loss is the first NaN
    assert h.stopped == "non_finite" and h.epochs == 3
    assert np.isfinite(h.train_loss[-1]) and np.isnan(h.val_loss[-1])
    assert h.message.startswith("training stopped at epoch 3: validation loss nan is not finite")
    assert "kept the best weights, from epoch 2" in h.message and h.best_epoch == 1
    assert all(np.isfinite(w).all() for w in model.params.values())   # best restored


def test_early_stopping_after_patience(tiny):
    k = 3
    probe = MODELS["rnn"](1, 4, 1, dtype="float64", seed=5)
    train(probe, *_parts(tiny), TrainConfig(epochs=k, lr=5e-2, progress=False))
    y_val = predict(probe, tiny["X_val"])
    model = MODELS["rnn"](1, 4, 1, dtype="float64", seed=5)
    h = train(model, tiny["X_train"], tiny["y_train"], tiny["X_val"], y_val,
              TrainConfig(epochs=50, lr=5e-2, patience=2, progress=False)).history
    assert h.stopped == "early_stopping" and h.epochs == k + 2 and h.best_epoch == k - 1


def test_mini_batches_are_seeded_and_history_is_complete(tiny):
    def run(seed):
        model = MODELS["lstm"](1, 4, 1, dtype="float64", seed=0)
        return train(model, *_parts(tiny), TrainConfig(epochs=3, batch_size=8, seed=seed,
                                                       progress=False)).history
    a, b, c = run(1), run(1), run(2)
    assert a.train_loss == b.train_loss and a.val_loss == b.val_loss
    assert a.train_loss != c.train_loss
    assert len(a.grad_norm) == len(a.epoch_seconds) == a.epochs == 3
    assert all(g > 0 for g in a.grad_norm) and a.train_seconds > 0


def test_progress_bar_is_silent_when_stderr_is_not_a_terminal(tiny, capsys):
    model = MODELS["rnn"](1, 4, 1, seed=0)
    train(model, *_parts(tiny), TrainConfig(epochs=2, progress=True))
    assert capsys.readouterr().err == ""


def test_bad_config_and_data_are_refused(tiny):
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        TrainConfig(epochs=0)
    with pytest.raises(ValueError, match="clip_norm must be > 0"):
        TrainConfig(clip_norm=0)
    model = MODELS["rnn"](1, 4, 1, seed=0)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        train(model, *_parts(tiny), TrainConfig(optimizer="rmsprop"))
    with pytest.raises(ValueError, match="as many targets as windows"):
        train(model, tiny["X_train"], tiny["y_train"][:-1], tiny["X_val"], tiny["y_val"])
