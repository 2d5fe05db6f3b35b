"""Project-wide test settings.

Hypothesis profiles: 'ci' (default, small and derandomized so every run is the same)
and 'thorough' (HYPOTHESIS_PROFILE=thorough pytest) for a deeper search.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=400, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
