"""Errors raised at the public boundary."""


class ShapeError(ValueError, RuntimeError):
    """An array has the wrong shape or number of dimensions.

    Subclasses both ValueError (what NumPy code expects) and RuntimeError (what torch
    raises for the same mistake), so ``except`` clauses written for either catch it.
    """
