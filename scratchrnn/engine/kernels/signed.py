"""The sigmoid of the kernels' negated rows (their SIGNS): sigma(x) from u = -x, in place.

pack stores the rows of the sigmoid gates times -1 (exact), so a step's product gives
u = -x there, and

    sigma(x) = 1 / (1 + exp(-x)) = 1 / (1 + exp(u))

is three calls (exp, +1, 1/.) instead of four (the lesson's functional.sigmoid negates x
first). For very negative x, exp(u) overflows to inf and the result is its exact limit
0; the loop silences that overflow once around its steps.
"""
from ...backend import namespace_of


def bind_sigmoid_of_minus(u):
    """A function of no arguments that turns u (a view) into sigma(-u) IN PLACE.

    As in every bound step (kernels/__init__.py), each call writes into its last argument,
    and 1 is a 0-d array of u's dtype: NumPy takes ~1 us longer a call to convert a
    Python 1. `divide(1, u)`, not `reciprocal(u)`: the same correctly rounded 1/u, but
    NumPy vectorizes only the division (0.14 against 0.22 ns a float32, AMD EPYC).
    """
    xp = namespace_of(u)
    exp, add, divide, one = xp.exp, xp.add, xp.divide, xp.ones((), dtype=u.dtype)

    def sigmoid():
        exp(u, u)               # exp(-x)
        add(u, one, u)          # 1 + exp(-x)
        divide(one, u, u)       # sigma(x)
    return sigmoid
