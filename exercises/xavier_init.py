"""Exercise 7: Xavier (Glorot) uniform initialization, torch.nn.init.xavier_uniform_.

For a weight of shape (fan_out, fan_in) (torch's (out, in)):

    a = gain * sqrt(6 / (fan_in + fan_out)),   w ~ U(-a, a)

(its variance a^2 / 3 = gain^2 * 2 / (fan_in + fan_out) keeps the signal's size through
a layer in both directions). Draw with numpy.random.default_rng(rng).
Check: python -m pytest exercises -k xavier   (the lesson's answer: scratchrnn/init.py)
"""


def xavier_uniform_(w, gain=1.0, rng=None):
    """Fill `w` in place and return it."""
    raise NotImplementedError("exercise 7: write xavier_uniform_")
