"""The report of a run: figures (matplotlib, headless), tables, results.json and report.md.

    experiment.py  the whole practical part as one call (used by `scratchrnn run`)
    spec.py        RunSpec: the options, their defaults, --quick, the TOML config
    figures.py     learning curves, true vs predicted, raw vs cleaned, timing, confusion
    results.py     result records and results.json
    report.py, tables.py  report.md
"""
