"""Exercises that grade themselves: write the body, run `python -m pytest exercises`."""
