"""Rebuild the recordings embedded in scratchrnn/data/datasets/ from the PyPI wheels.

    python scripts/make_datasets.py            # downloads two wheels with pip, writes two .npz

Nothing here runs when scratchrnn is used: the package only reads the .npz files.
- ecg.npz:   pyhrv==0.5.0  pyhrv/files/SampleECG.txt (BITalino, 1000 Hz, ECG in the last
             column as 10-bit ADC counts) -> mV -> resampled to 250 Hz.
- mitdb.npz: sktime==1.2.0 sktime/datasets/data/mitdb/mitdb.csv (columns data,label; 360 Hz),
             copied unchanged.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import resample_poly

OUT = Path(__file__).resolve().parents[1] / "scratchrnn" / "data" / "datasets"
# sha256 of the source files inside the wheels, so a changed upstream file is noticed
SHA256 = {
    "pyhrv/files/SampleECG.txt":
        "49159790819cb55cdb31422c7e6f792644122c2e80fa1c2da339b1dcdf1cd657",
    "sktime/datasets/data/mitdb/mitdb.csv":
        "d4f2539a5e85e1ac1e7f8bba152b5e60a02356282463a8a1c97848ad3e1bb386",
}


def download(spec: str, dest: Path) -> Path:
    """Path of the wheel of `spec` (e.g. 'pyhrv==0.5.0') fetched by pip into `dest`."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    spec, "-d", str(dest)], check=True)
    name = spec.split("==")[0]
    return next(dest.glob(f"{name}-*.whl"))


def read_member(wheel: Path, member: str) -> bytes:
    data = zipfile.ZipFile(wheel).read(member)
    digest = hashlib.sha256(data).hexdigest()
    print(f"{member}: {len(data)} bytes, sha256 {digest}")
    if SHA256[member] != digest:
        raise SystemExit(f"{member}: expected sha256 {SHA256[member]}, got {digest}")
    return data


def bitalino_ecg_mv(adc: np.ndarray, n_bits: int = 10) -> np.ndarray:
    """BITalino ECG transfer function: ECG(mV) = (ADC / 2^n - 1/2) * VCC / G_ECG * 1000.

    VCC = 3.3 V and G_ECG = 1100 (BITalino ECG sensor data sheet); A1-A4 are 10-bit channels.
    """
    return (adc / 2**n_bits - 0.5) * 3.3 / 1100 * 1000


def make_ecg(wheel: Path) -> None:
    text = read_member(wheel, "pyhrv/files/SampleECG.txt").decode()
    # OpenSignals text: '#' header lines, then tab-separated nSeq, I1, I2, O1, O2, A2 (+ a
    # trailing tab, hence an empty 7th column). The ECG is A2, column 5.
    table = pd.read_csv(io.StringIO(text), sep="\t", comment="#", header=None)
    adc = table[5].to_numpy(dtype=np.float64)
    assert len(adc) == 22_350, len(adc)
    mv = bitalino_ecg_mv(adc)
    # 1000 -> 250 Hz: resample_poly low-passes before decimating; 'line' padding avoids edge dips
    ecg = resample_poly(mv, up=1, down=4, padtype="line")
    np.savez_compressed(OUT / "ecg.npz", values=ecg, fs=np.float64(250.0))
    print(f"ecg.npz: {len(ecg)} samples at 250 Hz, {ecg.min():.3f}..{ecg.max():.3f} mV")


def make_mitdb(wheel: Path) -> None:
    text = read_member(wheel, "sktime/datasets/data/mitdb/mitdb.csv").decode()
    table = pd.read_csv(io.StringIO(text))
    assert list(table.columns) == ["data", "label"] and len(table) == 7_500, table.shape
    np.savez_compressed(OUT / "mitdb.npz", values=table["data"].to_numpy(np.float64),
                        labels=table["label"].to_numpy(np.int8), fs=np.float64(360.0))
    print(f"mitdb.npz: {len(table)} samples at 360 Hz, {int(table['label'].sum())} labelled 1")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder with the wheels (skip pip download)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        pyhrv = next(folder.glob("pyhrv-0.5.0-*.whl"), None) or download("pyhrv==0.5.0", folder)
        sktime = next(folder.glob("sktime-1.2.0-*.whl"), None) or download("sktime==1.2.0", folder)
        OUT.mkdir(parents=True, exist_ok=True)
        make_ecg(pyhrv)
        make_mitdb(sktime)


if __name__ == "__main__":
    main()
