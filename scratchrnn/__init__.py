"""scratchrnn: recurrent networks written from scratch in NumPy, proven against torch.nn.

Never imports torch. Read `cells/` (one time step), `bptt.py` (the loop over time),
`nn/recurrent.py` (layers), `models.py` (the slides' three models).
"""
__version__ = "0.1.0"
