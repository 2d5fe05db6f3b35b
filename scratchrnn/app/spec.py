"""What `scratchrnn run` will do: `RunSpec`, its defaults, the --quick preset, and the
merge of defaults < --quick < config file (TOML) < command-line flags.

    spec = build_spec(cli_values={'epochs': 20}, config_path='scratchrnn.toml')

Every value goes through one checker per option (`CONVERT`, `CHOICES`), from the command
line and from a config file alike, so a NaN learning rate, a zero sampling rate or a word
where a number belongs is refused with a message naming the option, before anything runs.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..backend import ENGINES, check_engine
from ..data.io import TIME_UNITS
from ..models import MODELS

# A default run trains 3 models x 4 hidden sizes x 2 implementations for 100 full-batch
# epochs. With every window of the 22 s recording (5,500 windows) that takes far longer than
# "a few minutes" on 2 cores, so by default the windows start every `stride` samples, the
# smallest stride that gives at most DEFAULT_MAX_WINDOWS windows (see docs/running.md).
DEFAULT_MAX_WINDOWS = 1200
DEFAULT_LR = 1e-2
QUICK = {"hidden": (16, 32), "epochs": 15, "max_windows": 400}
IMPLS = {"scratch": ("scratch",), "torch": ("torch",), "both": ("scratch", "torch")}
AUTO_ECG_FILTER = ("bandpass", (0.5, 40.0))


@dataclass
class RunSpec:
    """Every option of `scratchrnn run` (see `scratchrnn run --help`)."""
    data: str | None = None           # a file; None: the embedded dataset
    dataset: str | None = None        # 'ecg' (forecast) / 'mitdb' (classify) when data is None
    column: str | None = None
    time_column: str | None = None
    time_unit: str = "s"              # of a numeric time column: s, ms, us, ns, min, h
    label_column: str | None = None
    no_header: bool = False           # a text file whose first row is already samples
    sep: str | None = None            # a text file's separator (default: by the extension,
                                      # sniffed for .txt)
    fs: float | None = None
    task: str = "forecast"            # 'forecast' | 'classify'
    max_samples: int | None = None    # use the first N samples only (0 or None: all)
    max_windows: int = DEFAULT_MAX_WINDOWS   # bound for the automatic stride (0: no bound)
    window: int = 50
    stride: object = "auto"           # 'auto' | N
    split: str = "chronological"
    clean: tuple = ("interpolate",)
    filter: object = "auto"           # 'auto' | None | (kind, cutoff)
    models: tuple = ("rnn", "lstm", "gru")
    hidden: tuple = (16, 32, 64, 128)
    impl: tuple = ("scratch", "torch")
    epochs: int = 100
    lr: float = DEFAULT_LR
    optimizer: str = "adam"
    batch_size: int | None = None
    clip_norm: float | None = None
    clip_value: float | None = None
    patience: int | None = None
    init: str = "default"
    dtype: str = "float32"
    backend: str = "numpy"
    engine: str = "fast"              # 'plain' (the lesson) or 'fast' (scratchrnn.engine)
    embed: object = None              # None, (m, tau) or 'auto': time-delay embedding
    seed: int = 0
    threads: int = 1                  # scratchrnn, BLAS (NumPy) and torch threads, per job
    jobs: int | None = None           # trainings at a time (None: the cores / threads)
    cluster: str | None = None        # a Dask scheduler's address: the sweep runs there
    quick: bool = False
    quiet: bool = False
    out: str | None = None
    notes: list = field(default_factory=list)   # choices worth telling the reader


# -- converters from text (command line) or TOML values ----------------------------------
def as_list(value) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def model_list(value) -> tuple:
    names = tuple(v.lower() for v in as_list(value))
    bad = [n for n in names if n not in MODELS]
    if bad or not names:
        raise ValueError(f"unknown model {bad[0] if bad else value!r}; expected a comma "
                         f"separated list of {', '.join(MODELS)}")
    return names


def int_list(value) -> tuple:
    try:
        sizes = tuple(int(v) for v in as_list(value))
    except ValueError:
        raise ValueError(f"expected comma separated integers, got {value!r}") from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"expected positive integers, got {value!r}")
    return sizes


def impl_choice(value) -> tuple:
    if isinstance(value, (list, tuple)):
        return tuple(dict.fromkeys(x for v in value for x in impl_choice(v)))
    if value not in IMPLS:
        raise ValueError(f"unknown implementation {value!r}; expected scratch, torch or both")
    return IMPLS[value]


def embed_spec(value):
    """'m,tau' (two positive integers), 'auto' or 'none'."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    try:
        m, tau = (int(v) for v in as_list(value))
    except (TypeError, ValueError):
        raise ValueError(f"expected m,tau (e.g. 5,10), auto or none, got {value!r}") from None
    if m < 1 or tau < 1:
        raise ValueError(f"expected positive m and tau, got {value!r}")
    return m, tau


def filter_spec(value):
    """'auto', 'none', 'lowpass:40', 'highpass:0.5', 'bandpass:0.5-40' -> pipeline filter."""
    if value in (None, "none", "auto") or isinstance(value, tuple):
        return None if value == "none" else value
    kind, _, cut = str(value).partition(":")
    try:
        cuts = tuple(float(c) for c in cut.replace(",", "-").split("-"))   # '-5': ('', '5')
    except ValueError:
        cuts = ()
    two = kind in ("bandpass", "bandstop")
    if kind not in ("lowpass", "highpass", "bandpass", "bandstop") or len(cuts) != 1 + two:
        raise ValueError(f"expected a filter like 'lowpass:40', 'highpass:0.5', "
                         f"'bandpass:0.5-40' or 'none', got {value!r}")
    if not all(math.isfinite(c) and c > 0 for c in cuts) or (two and cuts[0] >= cuts[1]):
        raise ValueError(f"expected positive cutoffs in Hz (low < high for a band), "
                         f"got {value!r}")
    return (kind, cuts if two else cuts[0])


def _integer(value) -> int:
    """An int from text or a TOML integer; never a bool, a float or a word."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError
    return int(value)


def non_negative_int(value) -> int:
    try:
        v = _integer(value)
    except (TypeError, ValueError):
        v = -1
    if v < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return v


def positive_int(value) -> int:
    try:
        v = _integer(value)
    except (TypeError, ValueError):
        v = 0
    if v < 1:
        raise ValueError(f"expected a positive integer, got {value!r}")
    return v


def stride_value(value):
    """'auto' (see `auto_stride`) or a positive integer."""
    return "auto" if value == "auto" else positive_int(value)


def seed_int(value) -> int:
    v = non_negative_int(value)
    if v >= 2 ** 32:
        raise ValueError(f"expected a seed from 0 to 2**32 - 1, got {value!r}")
    return v


def positive_float(value) -> float:
    """A finite number > 0 (a learning rate, a sampling rate, a clipping threshold)."""
    try:
        if isinstance(value, bool):
            raise ValueError
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a positive number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"expected a positive finite number, got {value!r}")
    return v


def text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty text, got {value!r}")
    return value


def column_name(value):
    """A column: its name (text) or its position (an integer)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(value)


def separator(value) -> str:
    """A column separator: one character, or 'tab' / 'space' / 'whitespace' by name."""
    names = {"tab": "\t", "\\t": "\t", "space": " ", "whitespace": r"\s+"}
    if isinstance(value, str) and (value in names or len(value) == 1):
        return names.get(value, value)
    raise ValueError(f"expected one character, tab, space or whitespace, got {value!r}")


def flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


CHOICES = {"dataset": ("ecg", "mitdb"), "split": ("chronological", "random"),
           "task": ("forecast", "classify"), "optimizer": ("adam", "adamw", "sgd"),
           "init": ("default", "xavier_uniform", "xavier_normal", "orthogonal"),
           "dtype": ("float32", "float64"), "backend": ("numpy", "cupy"), "engine": ENGINES,
           "time_unit": tuple(TIME_UNITS)}


def choice(key: str):
    def check(value):
        if value not in CHOICES[key]:
            raise ValueError(f"expected one of {', '.join(CHOICES[key])}, got {value!r}")
        return value
    return check


CONVERT = {"models": model_list, "hidden": int_list, "impl": impl_choice, "filter": filter_spec,
           "clean": lambda v: tuple(as_list(v)), "window": positive_int, "stride": stride_value,
           "epochs": positive_int, "batch_size": positive_int, "max_samples": non_negative_int,
           "max_windows": non_negative_int, "threads": positive_int, "jobs": positive_int,
           "patience": positive_int, "engine": check_engine, "embed": embed_spec,
           "lr": positive_float, "fs": positive_float, "clip_norm": positive_float,
           "clip_value": positive_float, "seed": seed_int, "data": text, "out": text,
           "cluster": text, "column": column_name, "time_column": column_name,
           "label_column": column_name, "quick": flag, "quiet": flag,
           "no_header": flag, "sep": separator,
           **{k: choice(k) for k in CHOICES if k != "engine"}}


def convert(key: str, value):
    return CONVERT[key](value) if key in CONVERT and value is not None else value


def load_config(path) -> dict:
    """Options from a TOML file: top level or a [run] table, names as on the command line."""
    try:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ValueError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ValueError(f"config file {path} is a folder; expected a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path} is not valid TOML: {err}") from None
    raw = raw.get("run", raw)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: [run] must be a table of options")
    known = {f.name for f in fields(RunSpec)} - {"notes"}
    values = {k.replace("-", "_"): v for k, v in raw.items()}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{path}: unknown option {unknown[0]!r}; expected one of {sorted(known)}")
    converted = {}
    for key, value in values.items():
        try:
            converted[key] = convert(key, value)
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path}: {key.replace('_', '-')}: {err}") from None
    return converted


def build_spec(cli_values: dict, config_path=None) -> RunSpec:
    """defaults < --quick preset < config file < explicit command-line values (names as
    RunSpec's fields; text or typed values, each checked as on the command line)."""
    config = load_config(config_path) if config_path else {}
    quick = cli_values.get("quick") or config.get("quick")
    spec = RunSpec()
    if quick:
        spec = replace(spec, **QUICK, quick=True)
    spec = replace(spec, **config)
    given = {}
    for key, value in cli_values.items():       # from argparse: converted already, unchanged
        if value is not None:
            try:
                given[key] = convert(key, value)
            except (TypeError, ValueError) as err:
                raise ValueError(f"--{key.replace('_', '-')}: {err}") from None
    return finalize(replace(spec, **given))


def finalize(spec: RunSpec) -> RunSpec:
    """Resolve 'auto' choices (dataset, filter) and record them as notes for the report."""
    notes = list(spec.notes)
    if spec.time_unit != "s" and spec.time_column is None:
        raise ValueError(f"--time-unit {spec.time_unit}: expected a --time-column whose numbers "
                         "are in that unit, got none")
    if spec.data is None and spec.dataset is None:
        spec = replace(spec, dataset="mitdb" if spec.task == "classify" else "ecg")
    if spec.filter == "auto":
        auto = spec.data is None and spec.dataset == "ecg"
        spec = replace(spec, filter=AUTO_ECG_FILTER if auto else None)
        if auto:
            notes.append("the embedded ECG is band-passed 0.5-40 Hz (zero-phase Butterworth, "
                         "order 4) to remove baseline wander and high-frequency noise "
                         "(--filter none to skip)")
    if spec.max_samples == 0:
        spec = replace(spec, max_samples=None)
    if spec.lr == DEFAULT_LR:
        notes.append(f"learning rate {DEFAULT_LR:g}: the slides use 0.001, with which 100 "
                     "full-batch Adam steps barely train (on the embedded ECG a GRU-32 then "
                     "does worse than the persistence baseline); --lr 0.001 reproduces them")
    return replace(spec, notes=notes)


def plan_jobs(spec: RunSpec, cores: int) -> RunSpec:
    """Trainings at a time (jobs) and threads per job, so that jobs x threads <= cores.

    Default: one thread per job and as many jobs as cores (1 on a GPU: the jobs would share
    one device), never more jobs than trainings. Asked for more than the cores, the numbers
    are lowered and the report says so. On a cluster the cluster sets the parallelism.
    """
    notes, threads = list(spec.notes), spec.threads
    n_runs = len(spec.models) * len(spec.hidden) * len(spec.impl)
    if threads > cores:
        notes.append(f"--threads {threads} lowered to {cores}, the cores available")
        threads = cores
    if spec.cluster is not None:
        return replace(spec, jobs=None, threads=threads, notes=notes + [
            f"the trainings ran on the Dask cluster at {spec.cluster}, {threads} thread(s) "
            "each"])
    if spec.jobs is None:
        jobs = 1 if spec.backend == "cupy" else max(1, cores // threads)
    else:
        jobs = spec.jobs
        if jobs * threads > cores:
            notes.append(f"--jobs {jobs} x --threads {threads} is more than the {cores} cores "
                         f"available; lowered to {max(1, cores // threads)} job(s)")
            jobs = max(1, cores // threads)
    jobs = min(jobs, n_runs)
    if jobs > 1:
        notes.append(f"{jobs} trainings ran at a time, in worker processes, {threads} "
                     "thread(s) each (--jobs, --threads); the numbers are those of one at a "
                     "time (--jobs 1); the seconds per epoch are each job's own, measured "
                     "while the other jobs ran (for assignment 1's timings use --jobs 1)")
    return replace(spec, jobs=jobs, threads=threads, notes=notes)


def fresh_run_folder(root="runs", now=None) -> Path:
    """runs/<date>_<time>, or with -2, -3, ... when a run started in the same second."""
    stamp = (now or _dt.datetime.now()).strftime("%Y-%m-%d_%H-%M-%S")
    candidates = (Path(root) / (stamp if i == 1 else f"{stamp}-{i}") for i in range(1, 1000))
    return next(p for p in candidates if not p.exists())


def check_out(path) -> None:
    """Refuse an --out that cannot become a folder of results of this run only (a file, a
    folder that holds files already, one that cannot be written), before anything runs."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {path} is a file; expected a folder")
    if out.is_dir() and any(out.iterdir()):
        raise ValueError(f"--out {path} already holds files (a previous run?); give a new or "
                         "empty folder, so one run's report never sits beside another's files")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        raise ValueError(f"--out {path}: {existing} is a file, so the folder cannot be made")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"--out {path}: {existing} is not writable")


def auto_stride(n_samples: int, window: int, max_windows: int) -> int:
    """The smallest stride giving at most `max_windows` windows (1 when max_windows is 0)."""
    n_windows = max(n_samples - window, 1)          # windows at stride 1 (horizon 1)
    return 1 if not max_windows else max(1, -(-n_windows // max_windows))
