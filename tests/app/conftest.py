"""Fixtures `sine` and `tiny`: see tests/sines.py."""
from sines import sine, tiny  # noqa: F401
