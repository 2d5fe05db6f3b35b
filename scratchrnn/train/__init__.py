"""Training and evaluation: the slides' "Train the Model" and "Inference and Performance
Evaluation" sections. This package receives arrays and returns results; loading data, the
sweep and the report are wired together above it, in `scratchrnn.app`.

    loop.py        the training loop (shared with the torch mirror in reference/train.py)
    trainer.py     one step of a scratch model; train(), predict()
    losses.py      CrossEntropyLoss (classification); MSE is scratchrnn.losses.MSELoss
    metrics.py     MSE, RMSE, MAE, R², baselines, classification metrics (scikit-learn)
    checkpoint.py  .npz checkpoints with a JSON header (no pickle); into torch with
                   reference.load_checkpoint
"""
from .checkpoint import load_checkpoint, read_checkpoint, save_checkpoint
from .loop import FitResult, History, TrainConfig, fit
from .losses import CrossEntropyLoss, make_loss
from .metrics import baselines, classification_metrics, evaluate_regression, regression_metrics
from .trainer import ScratchStepper, make_optimizer, predict, train

__all__ = ["TrainConfig", "History", "FitResult", "fit", "train", "predict", "ScratchStepper",
           "make_optimizer", "CrossEntropyLoss", "make_loss", "regression_metrics",
           "evaluate_regression", "baselines", "classification_metrics", "save_checkpoint",
           "load_checkpoint", "read_checkpoint"]
