"""Training and evaluation: the slides' "Train the Model" and "Inference and Performance
Evaluation" sections.

    loop.py        the training loop (shared with the torch mirror in reference/train.py)
    trainer.py     one step of a scratch model; train(), predict()
    losses.py      CrossEntropyLoss (classification); MSE is scratchrnn.losses.MSELoss
    sweep.py       the hidden-size sweep over RNN / LSTM / GRU and both implementations
    metrics.py     MSE, RMSE, MAE, R², baselines, classification metrics (scikit-learn)
    checkpoint.py  .npz checkpoints with a JSON header (no pickle), loadable into torch
"""
from .checkpoint import load_checkpoint, read_checkpoint, save_checkpoint
from .loop import FitResult, History, TrainConfig, fit
from .losses import CrossEntropyLoss, make_loss
from .metrics import baselines, classification_metrics, evaluate_regression, regression_metrics
from .sweep import Run, SweepConfig, SweepOutcome, run_sweep
from .trainer import ScratchStepper, make_optimizer, predict, train

__all__ = ["TrainConfig", "History", "FitResult", "fit", "train", "predict", "ScratchStepper",
           "make_optimizer", "CrossEntropyLoss", "make_loss", "SweepConfig", "SweepOutcome",
           "Run", "run_sweep", "regression_metrics", "evaluate_regression", "baselines",
           "classification_metrics", "save_checkpoint", "load_checkpoint", "read_checkpoint"]
