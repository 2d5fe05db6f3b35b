#!/usr/bin/env bash
# The GPU check of issue 14, as ONE short run on a machine with an NVIDIA GPU, CuPy and a
# CUDA build of torch (the project's device image has cupy-cuda13x and torch+cu130; where
# CuPy is missing and the network is reachable, it installs cupy-cuda12x). Run from the
# repository root:  OUT=some/folder bash scripts/gpu_check.sh
# Writes at most 7 files under $OUT: env.txt, tests.txt, bench.txt, bench_table.md,
# bench_results.json, run.txt, run_report.md. Each stage runs even if one before failed.
# Shorter stages: T_TESTS, T_BENCH, T_RUN (seconds), BENCH_ARGS (default --repeats 5 --budget 20).
set -uo pipefail
OUT=${OUT:-gpu_out}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
PY=${PYTHON:-python3}
work=$(mktemp -d)

python_has() { "$PY" -c "import $1" 2>/dev/null; }
python_has cupy || "$PY" -m pip install -q cupy-cuda12x || echo "CuPy missing and not installable"

{ date -u; nvidia-smi || true
  "$PY" -c "import sys, numpy, torch, cupy; print(sys.version); print('numpy', numpy.__version__,
'torch', torch.__version__, torch.cuda.get_device_name(), 'cupy', cupy.__version__)"
} > "$OUT/env.txt" 2>&1

# 1. parity: both engines on CuPy against torch CUDA (float64 1e-9, float32 1e-4), the fast
#    engine's cupy.fuse kernels (kernels/fused.py) against the kernels' NumPy lines, the
#    optimizers on CuPy, and the CPU stand-in suite (the same code paths, strict namespace)
timeout "${T_TESTS:-240}" "$PY" -m pytest -q -p no:cacheprovider -rs tests/gpu tests/optim/test_optim_cupy.py \
    > "$OUT/tests.txt" 2>&1
echo "pytest exit $?" >> "$OUT/tests.txt"

# 2. speed: the target grid on the GPU, scratchrnn on CuPy (both engines) vs torch cuDNN
timeout "${T_BENCH:-300}" "$PY" -m benchmarks --device cuda --grid target ${BENCH_ARGS:---repeats 5 --budget 20} \
    --out "$work/bench" > "$OUT/bench.txt" 2>&1
echo "benchmark exit $?" >> "$OUT/bench.txt"
cp "$work/bench/table.md" "$OUT/bench_table.md" 2>/dev/null
cp "$work/bench/results.json" "$OUT/bench_results.json" 2>/dev/null

# 3. the main job on the GPU
timeout "${T_RUN:-120}" "$PY" -m scratchrnn run --backend cupy --quick --impl scratch --out "$work/run" \
    > "$OUT/run.txt" 2>&1
echo "run exit $?" >> "$OUT/run.txt"
cp "$work/run/report.md" "$OUT/run_report.md" 2>/dev/null
exit 0
