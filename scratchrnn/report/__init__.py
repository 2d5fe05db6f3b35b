"""The report of a run: it renders what it is given (figures, tables, results.json,
report.md) and computes nothing itself; `scratchrnn.app` runs the experiment and hands it
the numbers.

    figures.py     learning curves, true vs predicted, raw vs cleaned, timing, confusion
    results.py     results.json
    report.py, tables.py  report.md
"""
