"""The `scratchrnn` command.

    scratchrnn run                 the slides' practical part on the embedded ECG -> runs/<time>/
    scratchrnn run --quick         the same in under a minute (smaller)
    scratchrnn run --data rec.csv --time-column t --column ecg
    scratchrnn predict runs/<time> --data new.csv   that run's model on another recording
    scratchrnn gradcheck           finite differences vs backward for the three cells
    scratchrnn bench               the benchmarks (from a source checkout)

Bad input (missing file, unknown column or model, window longer than the series, text
where numbers are expected, a NaN, infinite, zero or negative value where it makes no sense,
an --out that cannot be a folder) ends with one line on stderr naming the option, and exit
code 2, before anything is written. torch is only imported when a torch run starts (and
the torch side is skipped if it is not installed). The wiring itself lives in
`scratchrnn.app`; this module only reads the command line.
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

from . import __version__
from .app.spec import CHOICES, DEFAULT_LR, DEFAULT_MAX_WINDOWS, QUICK, build_spec, convert

RUN_HELP = """Run the slides' practical part: load and clean the signal, cut windows, split,
train RNN, LSTM and GRU for every hidden size (scratch and torch side by side, from the same
initial weights; as many trainings at a time as there are cores), select by validation loss,
evaluate on the test part against baselines,
and write report.md, results.json, figures/ and models/ to --out (default runs/<timestamp>/).
Values come from: defaults < --quick < --config FILE.toml < the flags given."""


PREDICT_HELP = """Use a finished run: clean, filter, scale and window a new recording exactly as
the run did (nothing is refitted: the steps and statistics are in the run's checkpoints),
predict every sample with the run's model, and write predictions.csv (time, true and
predicted value in the recording's units) and a true-vs-predicted figure."""


class UsageError(Exception):
    """A bad command line; main() prints one line and returns 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _conv(key):
    def parse(text):
        try:
            return convert(key, text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return parse


def add_text_options(p) -> None:
    """How to read a text file (`run` and `predict`; app.prepare.read_options passes them)."""
    p.add_argument("--no-header", action="store_const", const=True, help="the text file "
                   "has no header row: its first row is samples (columns are then 0, 1, ...)")
    p.add_argument("--sep", type=_conv("sep"), metavar="CHAR", help="separator of a text "
                   "file: one character, tab, space or whitespace (default: ',' for .csv, tab "
                   "for .tsv, detected for .txt)")


def add_run_options(p: argparse.ArgumentParser) -> None:
    a = p.add_argument
    d = p.add_argument_group("data")
    d.add_argument("--data", metavar="FILE", help="a CSV/TSV/.txt/.npy/.parquet, EDF/BDF or "
                   "WFDB (.hea) recording "
                   "(default: the embedded ECG; the MIT-BIH excerpt with --task classify)")
    d.add_argument("--dataset", choices=CHOICES["dataset"], help="embedded recording to use "
                   "when --data is not given")
    d.add_argument("--column", metavar="NAME", help="signal column or channel, by name or "
                   "position (default: the last numeric column that is not the time column; "
                   "the first channel of an EDF/BDF or WFDB record)")
    d.add_argument("--time-column", metavar="NAME", help="column of times in seconds (or "
                   "--time-unit) or datetimes; the sampling rate is inferred from it")
    d.add_argument("--time-unit", choices=CHOICES["time_unit"], help="unit of the numbers "
                   "in --time-column (default s)")
    d.add_argument("--label-column", metavar="NAME", help="per-sample labels (0 normal, else "
                   "anomalous) for --task classify with --data")
    add_text_options(d)
    d.add_argument("--fs", type=_conv("fs"), metavar="HZ", help="sampling rate (default: inferred "
                   "from --time-column, else 1 sample per time unit)")
    d.add_argument("--max-samples", type=_conv("max_samples"), metavar="N", help="use the "
                   "first N samples of the recording only (default: all)")
    d.add_argument("--max-windows", type=_conv("max_windows"), metavar="N", help="with the "
                   "automatic stride, windows start every k samples, the smallest k giving at "
                   f"most N windows (default {DEFAULT_MAX_WINDOWS}, so the default sweep takes "
                   "minutes on 2 cores; 0 = every window)")
    d.add_argument("--filter", type=_conv("filter"), metavar="SPEC", help="zero-phase "
                   "Butterworth: lowpass:40, highpass:0.5, bandpass:0.5-40 or none (default: "
                   "bandpass:0.5-40 for the embedded ECG, none otherwise)")
    d.add_argument("--clean", type=_conv("clean"), metavar="STEPS", help="cleaning steps in "
                   "order, comma separated: interpolate, hampel, zscore, median, "
                   "moving_average (default: interpolate)")
    d.add_argument("--window", type=_conv("window"), metavar="N", help="samples per input "
                   "window (default 50, as on the slides)")
    d.add_argument("--stride", type=_conv("stride"), metavar="N", help="step in samples "
                   "between window starts (default: automatic, see --max-windows)")
    d.add_argument("--embed", type=_conv("embed"), metavar="M,TAU", help="time-delay "
                   "embedding: each window step becomes [x_t, x_(t+TAU), ..., x_(t+(M-1)TAU)] "
                   "(e.g. 5,10); auto picks TAU (mutual information) and M (false nearest "
                   "neighbours) on the training part (default: none, the slides' windows)")
    d.add_argument("--split", choices=CHOICES["split"], help="chronological "
                   "(default: train | gap | val | gap | test, no shared sample) or random "
                   "(the slides' shuffled 70/15/15, which leaks)")
    d.add_argument("--task", choices=CHOICES["task"], help="forecast the next "
                   "sample (default) or classify windows normal/anomalous")
    m = p.add_argument_group("models and training")
    m.add_argument("--models", type=_conv("models"), metavar="LIST",
                   help="comma separated: rnn,lstm,gru (default: all three)")
    m.add_argument("--hidden", type=_conv("hidden"), metavar="LIST",
                   help="hidden sizes to sweep (default 16,32,64,128)")
    m.add_argument("--impl", type=_conv("impl"), metavar="WHICH", help="scratch, torch or "
                   "both (default both; torch is skipped with a note if not installed)")
    m.add_argument("--epochs", type=_conv("epochs"), metavar="N", help="default 100")
    m.add_argument("--lr", type=_conv("lr"), metavar="LR", help=f"learning rate (default "
                   f"{DEFAULT_LR:g}; the slides' 0.001 barely trains in 100 full-batch steps)")
    m.add_argument("--optimizer", choices=CHOICES["optimizer"], help="default adam")
    m.add_argument("--batch-size", type=_conv("batch_size"), metavar="N", help="mini-batches "
                   "of N windows, reshuffled every epoch (default: full batch, as the slides)")
    m.add_argument("--clip-norm", type=_conv("clip_norm"), metavar="X", help="clip the "
                   "gradients' global 2-norm to X (default: no clipping)")
    m.add_argument("--clip-value", type=_conv("clip_value"), metavar="X", help="clip every "
                   "gradient entry to [-X, X] (default: no clipping)")
    m.add_argument("--patience", type=_conv("patience"), metavar="N", help="early stopping "
                   "after N epochs without a better validation loss (default: off)")
    m.add_argument("--init", choices=CHOICES["init"], help="weight init (default: torch's)")
    m.add_argument("--dtype", choices=CHOICES["dtype"], help="default float32")
    m.add_argument("--backend", choices=CHOICES["backend"], help="array library of the "
                   "scratch models (default numpy; cupy needs a GPU)")
    m.add_argument("--engine", choices=CHOICES["engine"], help="how the scratch models run: "
                   "'plain' is the lesson (scratchrnn/cells, bptt.py: read it, set breakpoints "
                   "there), 'fast' (default) the engine, proven equal to it and faster")
    m.add_argument("--seed", type=_conv("seed"), metavar="N", help="initial weights and "
                   "batch order, 0 to 2**32 - 1 (default 0)")
    o = p.add_argument_group("run")
    o.add_argument("--jobs", type=_conv("jobs"), metavar="N", help="trainings at a time, "
                   "each in its own process (default: the cores available / --threads; the "
                   "numbers are the same as with --jobs 1)")
    o.add_argument("--threads", type=_conv("threads"), metavar="N", help="threads of "
                   "scratchrnn, of NumPy's BLAS and of torch in each job (default 1: these "
                   "matrices are small; jobs x threads is kept within the cores)")
    o.add_argument("--cluster", metavar="ADDRESS", help="run the trainings on a Dask "
                   "cluster, e.g. tcp://scheduler:8786 (pip install 'scratchrnn[cluster]')")
    o.add_argument("--quick", action="store_const", const=True, help="a small preset that "
                   f"finishes in under a minute: {QUICK}")
    o.add_argument("--quiet", action="store_const", const=True,
                   help="no progress bars and no per-run lines")
    o.add_argument("--out", metavar="DIR", help="output folder (default runs/<timestamp>)")
    o.add_argument("--config", metavar="FILE", help="options from a TOML file (keys as the "
                   "flags, e.g. epochs = 50, hidden = [16, 32]; see scratchrnn.toml.example)")
    a("--debug", action="store_true", help=argparse.SUPPRESS)


def build_parser() -> Parser:
    parser = Parser(prog="scratchrnn", description="RNN, LSTM and GRU from scratch in NumPy, "
                    "side by side with torch, on biomedical signals.")
    parser.add_argument("--version", action="version", version=f"scratchrnn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    run = sub.add_parser("run", help="the slides' practical part, as one command",
                         description=RUN_HELP)
    add_run_options(run)
    grad = sub.add_parser("gradcheck", help="check backward against finite differences",
                          description="Finite differences vs backward for RNN, LSTM, GRU.")
    grad.add_argument("--models", type=_conv("models"), default=("rnn", "lstm", "gru"),
                      metavar="LIST", help="comma separated: rnn,lstm,gru")
    grad.add_argument("--seed", type=int, default=0)
    pred = sub.add_parser("predict", help="a finished run's model on a new recording",
                          description=PREDICT_HELP)
    pred.add_argument("run_dir", metavar="RUN_DIR", help="a folder written by `scratchrnn run`")
    pred.add_argument("--data", required=True, metavar="FILE", help="the recording to predict")
    pred.add_argument("--model", metavar="NAME", help="a checkpoint of the run, e.g. "
                      "gru_scratch_h64 (default: the selected model with the lowest "
                      "validation loss)")
    for flag in ("--column", "--time-column"):
        pred.add_argument(flag, metavar="NAME", help="as for `run` (default: as the run read "
                          "its recording; none: no such column)")
    pred.add_argument("--time-unit", choices=CHOICES["time_unit"], help="as for `run` "
                      "(default: as the run read its recording)")
    pred.add_argument("--fs", type=_conv("fs"), metavar="HZ")
    add_text_options(pred)
    pred.add_argument("--out", metavar="DIR", help="output folder (default "
                      "RUN_DIR/predictions/<recording name>)")
    pred.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub.add_parser("bench", help="speed benchmarks, scratch vs torch (from a source "
                   "checkout; `scratchrnn bench --help` lists their options)")
    return parser


def main(argv=None) -> int:
    """Entry point of the `scratchrnn` console script; returns the exit code."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:
        return cmd_bench(argv[1:])       # every argument (--help too) belongs to benchmarks.run
    try:
        args = parser.parse_args(argv)
    except UsageError as err:
        return fail(str(err))
    except SystemExit as exit_:          # --help
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help()
        return 0
    handlers = {"run": cmd_run, "predict": cmd_predict, "gradcheck": cmd_gradcheck}
    try:
        return handlers[args.command](args, argv)
    except KeyboardInterrupt:
        return fail("interrupted", code=130)
    except BrokenPipeError:              # `scratchrnn ... | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def fail(message: str, code: int = 2) -> int:
    print(f"scratchrnn: {message}" if code == 130 else f"scratchrnn: error: {message}",
          file=sys.stderr)
    return code


def refused(err: Exception, debug: bool) -> int:
    """Bad input: its first line, exit code 2 (with --debug: the traceback, re-raised)."""
    if debug:
        raise err
    return fail(str(err).splitlines()[0] if str(err) else type(err).__name__)


def cmd_run(args, argv) -> int:
    from .app import experiment
    from .app.prepare import load_and_prepare
    from .app.spec import check_out, fresh_run_folder
    from .backend import get_xp

    values = {k: v for k, v in vars(args).items() if k not in ("command", "config", "debug")}
    command = "scratchrnn " + " ".join(shlex.quote(a) for a in argv)
    try:
        spec = build_spec(values, args.config)
        out = Path(spec.out) if spec.out else fresh_run_folder()
        check_out(out)
        get_xp(spec.backend)
        prepared = load_and_prepare(spec)
        return experiment.run_experiment(spec, out, command, prepared=prepared)
    except (ValueError, OSError) as err:
        return refused(err, args.debug)


def cmd_predict(args, argv) -> int:
    from .app.predict import write_predictions
    from .app.prepare import read_options

    try:
        files = write_predictions(args.run_dir, args.data, args.out, model=args.model,
                                  column=args.column, time_column=args.time_column,
                                  time_unit=args.time_unit, fs=args.fs, **read_options(args))
    except (ValueError, OSError) as err:
        return refused(err, args.debug)
    for path in files:
        print(path)
    return 0


def cmd_gradcheck(args, argv) -> int:
    import numpy as np

    from . import nn
    from .gradcheck import gradcheck

    layers = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    x = np.random.default_rng(args.seed).normal(size=(5, 2, 3))       # T,B,I
    ok = True
    for name in args.models:
        report = gradcheck(layers[name](3, 4, dtype="float64", seed=args.seed), x)
        print(f"{name.upper()} (I=3, H=4, T=5, B=2) {report}\n")
        ok = ok and report.ok
    return 0 if ok else 1


def cmd_bench(argv) -> int:
    """Run `python -m benchmarks ARGS` in a fresh process of the source checkout.

    A fresh process, because the benchmark sets OPENBLAS_THREAD_TIMEOUT before NumPy loads
    (see benchmarks/__init__.py), which this process can no longer do.
    """
    root = _benchmarks_root()
    if root is not None:
        return subprocess.run([sys.executable, "-m", "benchmarks", *argv], cwd=root).returncode
    return fail("the benchmarks are not available; run `scratchrnn bench` from a source "
                "checkout of scratchrnn, where benchmarks/run.py lives", code=1)


def _benchmarks_root():
    """The source checkout holding benchmarks/ (next to this package, or the cwd)."""
    for root in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (root / "benchmarks" / "run.py").exists():
            return root
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
