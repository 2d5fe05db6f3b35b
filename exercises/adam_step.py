"""Exercise 5: one Adam update of one parameter, as torch.optim.Adam computes it.

At step t = 1, 2, ... with gradient g (gamma = lr, lambda = weight_decay, m_0 = v_0 = 0):

    g     = g + lambda theta                      (only if weight_decay != 0: L2, not AdamW)
    m_t   = beta1 m_{t-1} + (1 - beta1) g
    v_t   = beta2 v_{t-1} + (1 - beta2) g^2
    theta = theta - gamma / (1 - beta1^t) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)

Where eps enters matters: torch adds it AFTER the bias-corrected square root.
`state` is a dict that starts empty: keep t, m and v in it between calls.
Check: python -m pytest exercises -k adam     (the lesson's answer: scratchrnn/optim/adam.py)
"""


def adam_step(param, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """Update `param` IN PLACE (param[...] = ... or param -= ...); returns nothing."""
    raise NotImplementedError("exercise 5: write Adam's update")
