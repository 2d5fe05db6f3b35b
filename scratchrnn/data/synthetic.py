"""Seeded synthetic signals for tests and teaching; each returns a `Signal`.

    sine_mixture(n=1000, fs=100.0, freqs=(1.0, 5.0))   # noisy sum of sines
    mackey_glass(n=1000)                                 # chaotic time-delay benchmark (tau=17)
    synthetic_ecg(duration=10.0, fs=250.0)              # P-QRS-T beats from Gaussian bumps
"""
from __future__ import annotations

import numpy as np

from .datasets import Signal


def sine_mixture(n: int = 1000, fs: float = 100.0, freqs=(1.0, 5.0), amplitudes=None,
                 noise: float = 0.1, seed: int = 0) -> Signal:
    """x(t) = sum_k a_k sin(2 pi f_k t + phi_k) + noise * N(0, 1); phases phi_k drawn from `seed`.

    Returns a Signal with values (n,), in arbitrary units.
    """
    _check_positive(n=n, fs=fs)
    rng = np.random.default_rng(seed)
    freqs = np.atleast_1d(np.asarray(freqs, dtype=np.float64))                # K
    amps = np.ones_like(freqs) if amplitudes is None else np.asarray(amplitudes, np.float64)
    phases = rng.uniform(0, 2 * np.pi, size=len(freqs))                        # K
    t = np.arange(n) / fs                                                      # n
    x = (amps * np.sin(2 * np.pi * freqs * t[:, None] + phases)).sum(axis=1)   # n
    x = x + noise * rng.standard_normal(n)
    return Signal(x, fs, units="a.u.", name="sine_mixture",
                  description=f"sines at {freqs.tolist()} Hz + {noise} Gaussian noise, seed {seed}")


def mackey_glass(n: int = 1000, tau: float = 17.0, beta: float = 0.2, gamma: float = 0.1,
                 power: float = 10.0, dt: float = 0.1, sample_every: float = 1.0,
                 discard: int = 500, seed: int = 0) -> Signal:
    """The Mackey-Glass delay differential equation, sampled every `sample_every` time units.

        dx/dt = beta * x(t - tau) / (1 + x(t - tau)^power) - gamma * x(t)

    tau = 17 gives the classic mildly chaotic benchmark. Integrated with Euler steps of `dt`
    (tau must be a multiple of dt); the history before t = 0 is 1.2 plus a small seeded
    perturbation, and the first `discard` samples (the transient) are dropped.
    Returns a Signal with values (n,) and fs = 1 / sample_every.
    """
    _check_positive(n=n, tau=tau, dt=dt, sample_every=sample_every)
    lag, every = round(tau / dt), round(sample_every / dt)
    if not (np.isclose(lag * dt, tau) and np.isclose(every * dt, sample_every)):
        raise ValueError(f"expected tau and sample_every to be multiples of dt={dt}, "
                         f"got tau={tau}, sample_every={sample_every}")
    rng = np.random.default_rng(seed)
    steps = (n + discard) * every
    x = np.empty(lag + steps + 1)
    x[: lag + 1] = 1.2 + 0.01 * rng.standard_normal(lag + 1)   # history on [-tau, 0]
    for k in range(lag, lag + steps):  # a delay equation: each step needs the value tau ago
        delayed = x[k - lag]
        x[k + 1] = x[k] + dt * (beta * delayed / (1 + delayed**power) - gamma * x[k])
    samples = x[lag::every][discard:discard + n]
    return Signal(samples, 1.0 / sample_every, units="a.u.", name="mackey_glass",
                  description=f"Mackey-Glass tau={tau}, beta={beta}, gamma={gamma}, "
                              f"n={power}, Euler dt={dt}, seed {seed}")


# (time offset as a fraction of the RR interval, amplitude in mV, width in s) of P, Q, R, S, T
_WAVES = np.array([[0.20, 0.15, 0.025],
                   [0.31, -0.12, 0.010],
                   [0.33, 1.00, 0.012],
                   [0.35, -0.25, 0.010],
                   [0.60, 0.30, 0.040]])


def synthetic_ecg(duration: float = 10.0, fs: float = 250.0, heart_rate: float = 60.0,
                  rr_jitter: float = 0.05, noise: float = 0.01, seed: int = 0) -> Signal:
    """An ECG-like waveform: each beat is a sum of five Gaussian bumps (P, Q, R, S, T).

        x(t) = sum_waves a_w exp(-(t - t_beat - o_w RR)^2 / (2 s_w^2)) + noise * N(0, 1)

    RR intervals are 60 / heart_rate seconds times (1 + rr_jitter * N(0, 1)), from `seed`.
    A teaching stand-in (cf. McSharry et al. 2003's ECGSYN), not a physiological model.
    Returns a Signal with values (round(duration * fs),) in mV.
    """
    _check_positive(duration=duration, fs=fs, heart_rate=heart_rate)
    rng = np.random.default_rng(seed)
    n = round(duration * fs)
    n_beats = int(np.ceil(duration * heart_rate / 60 * 1.5)) + 2   # enough beats for any jitter
    rr = 60.0 / heart_rate * np.clip(1 + rr_jitter * rng.standard_normal(n_beats), 0.5, 1.5)
    onsets = np.concatenate([[0.0], np.cumsum(rr)[:-1]]) - 0.2 * rr[0]   # n_beats
    t = np.arange(n) / fs                                                  # n
    beat = np.clip(np.searchsorted(onsets, t, side="right") - 1, 0, n_beats - 1)   # n
    centers = onsets[beat, None] + _WAVES[:, 0] * rr[beat, None]           # n, 5
    bumps = _WAVES[:, 1] * np.exp(-0.5 * ((t[:, None] - centers) / _WAVES[:, 2]) ** 2)
    x = bumps.sum(axis=1) + noise * rng.standard_normal(n)                 # n
    return Signal(x, fs, units="mV", name="synthetic_ecg",
                  description=f"{heart_rate} bpm Gaussian-bump ECG, jitter {rr_jitter}, "
                              f"noise {noise} mV, seed {seed}")


def _check_positive(**values) -> None:
    for key, value in values.items():
        if not value > 0:
            raise ValueError(f"expected {key} > 0, got {value!r}")
