"""core.settings: the knobs agree with one another and with the lecture."""

import math

import numpy as np

from core.settings import SETTINGS


def test_the_lectures_values():
    s = SETTINGS
    assert (s.smoothing, s.seed, s.lr, s.reg, s.steps) == (1.0, 2147483647, 50.0, 0.01, 100)  # LECTURE.md


def test_the_smoothing_ladder_starts_at_exactly_zero_and_holds_the_lectures_one():
    ladder = SETTINGS.smoothing_ladder
    assert ladder[0] == 0.0 and 1.0 in ladder and list(ladder) == sorted(set(ladder))
    assert SETTINGS.smoothing_curve[0] == ladder[1] and SETTINGS.smoothing_curve[-1] == ladder[-1]  # log axis


def test_the_grids_are_ascending_and_positive_where_a_log_axis_needs_it():
    for grid in (SETTINGS.smoothing_curve, SETTINGS.dev_smoothing_grid, SETTINGS.curve_regs):
        assert (np.diff(grid) > 0).all() and min(grid) > 0
    assert SETTINGS.reg_grid[0] == 0.0 and (np.diff(SETTINGS.reg_grid) > 0).all()
    lo, hi = SETTINGS.closest_k_range
    assert 0 < lo < min(SETTINGS.smoothing_curve) and hi > max(SETTINGS.smoothing_curve)


def test_the_split_shares_add_up_and_the_caps_are_whole():
    assert math.isclose(sum(SETTINGS.split), 1.0)
    assert SETTINGS.max_bytes == 10 * 2**20 and SETTINGS.onehot_chunk_bytes > 0
