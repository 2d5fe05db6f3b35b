"""Fixtures for the data-pipeline tests."""
import pytest

from scratchrnn.data import load_dataset


@pytest.fixture(scope="session")
def ecg():
    """The embedded real ECG (5588 samples at 250 Hz, mV)."""
    return load_dataset("ecg")
