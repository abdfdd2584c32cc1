"""Hypothesis budgets: modest in every test run, larger by hand.

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_core_*.py tests/test_cli.py tests/test_fuzz.py

runs every property with 25x its examples (a few minutes on this 2-core machine instead of seconds).
"""

import os

from hypothesis import HealthCheck, settings

SCALE = {"ci": 1, "long": 25}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in SCALE:
    raise ValueError(f"HYPOTHESIS_PROFILE must be one of {sorted(SCALE)}, not {PROFILE!r}")

for name in SCALE:
    # no deadline: a shared machine makes single examples slow now and then; print_blob to replay a failure
    settings.register_profile(name, deadline=None, print_blob=True,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(PROFILE)


def budget(examples: int) -> settings:
    """Settings for one property: `examples` in a test run, SCALE times as many under the long profile."""
    return settings(max_examples=examples * SCALE[PROFILE])
