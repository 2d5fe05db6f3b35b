"""Scratch vs PyTorch speed: `python -m benchmarks --help` (or `scratchrnn bench`).

OpenBLAS (NumPy's BLAS) keeps its idle threads spinning for a while after each call;
torch's OpenMP threads then wait for a core, and torch's times become 2-10x slower and
erratic (measured here on 2 cores). Before NumPy loads we shorten that spin, so that
torch is timed at its best. It must be set before NumPy is imported: run the benchmark
as its own process (`python -m benchmarks`).
"""
import os

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
