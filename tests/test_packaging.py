"""What the package says about itself is true: version, license, Python range, extras."""
import email
import pathlib
import subprocess
import sys
import tomllib
import zipfile

import pytest

import scratchrnn
from scratchrnn.cli import main

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_version_is_the_packages(capsys):
    assert scratchrnn.__version__ == PROJECT["version"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"scratchrnn {PROJECT['version']}"


def test_this_python_is_in_the_supported_range():
    floor = tuple(int(v) for v in PROJECT["requires-python"].lstrip(">=").split("."))
    assert sys.version_info[:2] >= floor


def test_extras_the_tests_use_pin_torch_to_the_cpu_build():
    extras = PROJECT["optional-dependencies"]
    assert "torch==2.13.0" in extras["torch"] and "torch==2.13.0" in extras["test"]


@pytest.mark.slow
def test_the_wheel_ships_the_license_and_the_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path), str(ROOT)], check=True, timeout=300,
                   capture_output=True)
    wheel = next(tmp_path.glob("scratchrnn-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(zf.read(info))
        license_file = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert zf.read(license_file) == (ROOT / "LICENSE").read_bytes()
    assert meta["License-Expression"] == "MIT" and meta["Requires-Python"] == ">=3.11"
    assert meta["Version"] == scratchrnn.__version__
    assert "scratchrnn/data/datasets/ecg.npz" in names             # the embedded recording
    assert any(n.startswith("scratchrnn/app/") for n in names)
    assert any(n.startswith("reference/") for n in names)
