"""Scratch vs PyTorch speed: `python -m benchmarks --help` (or `scratchrnn bench`)."""
