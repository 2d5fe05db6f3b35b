"""`python -m pytest exercises` grades your files; `--reference` grades scratchrnn's own
lesson instead (what a correct answer looks like to the grader)."""


def pytest_addoption(parser):
    parser.addoption("--reference", action="store_true",
                     help="grade scratchrnn's lesson (scratchrnn/cells, bptt.py, optim, init) "
                          "instead of the files in exercises/")
