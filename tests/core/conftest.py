"""`each_engine`: run a test module once with the lesson ('plain') and once with 'fast'."""
import pytest

import scratchrnn


@pytest.fixture(params=["plain", "fast"], scope="module")
def each_engine(request):
    """Make `request.param` the default engine of every layer the test builds."""
    previous = scratchrnn.get_engine()
    scratchrnn.set_engine(request.param)
    yield request.param
    scratchrnn.set_engine(previous)
