"""Exercise 6: gradient clipping by the global norm, torch.nn.utils.clip_grad_norm_.

    N = (sum over all entries of all gradients of |g|^p)^(1/p)   (p = inf: the largest |g|)
    c = min(max_norm / (N + 1e-6), 1)
    every gradient g <- c g   (in place)

Return N, the norm BEFORE clipping, as a float.
Check: python -m pytest exercises -k clip     (the lesson's answer: scratchrnn/optim/clip.py)
"""


def clip_grad_norm_(grads, max_norm, norm_type=2.0):
    """grads: a list of arrays, scaled in place. -> the total norm before clipping."""
    raise NotImplementedError("exercise 6: write clip_grad_norm_")
