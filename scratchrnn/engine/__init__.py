"""The fast engine: the lesson's RNN, LSTM and GRU (scratchrnn/cells, bptt.py) rearranged
for speed, proven equal to it (tests/core/test_fast_vs_plain.py: every layer option,
float64, 1e-9 relative). Layers run it with engine='fast', the default.

What each piece buys, measured with `python -m benchmarks --ladder` on 2 cores of an AMD
EPYC (2026-12-04; training step, T=50, float32; LSTM H=64 B=700 / RNN H=128 B=7000):

    kernels/, loop.py   packed W = [W_hh | W_ih | b], feature-major, ONE product a step,
                        elementwise work in place, slopes and weight gradients in a few
                        large calls: 1.06x / 0.74x over the lesson alone (1.82x at
                        LSTM H=16: the fewer NumPy calls matter most at small sizes)
    workspace.py        buffers kept from call to call (no page faults): 1.23x / 1.73x;
                        a backward with an older forward's cache is refused
    workers.py,         a worker process per further core runs a share of the batch
    direction.py        (no GIL between them): 1.55x / 1.87x on 2 cores
    parallel.py         the number of cores; NumPy's BLAS held to one thread in the loop
    fpenv.py            set_flush_denormal: denormals to zero (slow on some CPUs at T>=200)
    flat.py             a model's parameters in one buffer: an optimizer's step is 13
                        calls for all of them, not 13 per parameter (step 13)

In all, 2.0x / 2.4x faster than the lesson on one core. docs/performance.md has the
ladder and what was measured and removed (threads on row blocks, a spare-core helper
thread, cache blocks, slopes during forward) and what came after the ladder (steps 4-13).
"""
from .direction import Cache, direction_backward, direction_forward
from .fpenv import get_flush_denormal, set_flush_denormal
from .kernels import KERNELS
from .parallel import get_num_threads, set_num_threads, threads
from .workspace import Workspace

__all__ = ["Cache", "direction_forward", "direction_backward", "KERNELS", "Workspace",
           "get_num_threads", "set_num_threads", "threads", "get_flush_denormal",
           "set_flush_denormal"]
