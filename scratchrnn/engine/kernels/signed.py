"""The sigmoid of the kernels' negated rows (their SIGNS): sigma(x) from u = -x, in place.

pack stores the rows of the sigmoid gates times -1 (exact), so a step's product gives
u = -x there, and

    sigma(x) = 1 / (1 + exp(-x)) = 1 / (1 + exp(u))

is three calls (exp, +1, reciprocal) instead of four (the lesson's functional.sigmoid
negates x first). For very negative x, exp(u) overflows to inf and the result is its
exact limit 0; the loop silences that overflow once around its steps.
"""
from ...backend import namespace_of


def sigmoid_of_minus_(u):
    """u (an array view) -> sigma(-u) IN PLACE; returns u."""
    xp = namespace_of(u)
    xp.exp(u, out=u)
    u += 1
    xp.reciprocal(u, out=u)
    return u
