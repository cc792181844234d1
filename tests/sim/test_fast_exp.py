"""The arithmetic exp of the timeline's lognormal delays (`fast_exp`) against the C library."""

from __future__ import annotations

import math

import numba
import numpy as np

from anpo.sim.fast_exp import exp


@numba.njit(cache=False)
def _vector(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = exp(x[i])
    return out


@numba.njit(cache=False)
def _scalar(x: float) -> float:
    return exp(x)


def test_within_three_units_in_the_last_place_of_the_c_library() -> None:
    x = np.random.default_rng(5).standard_normal(200_000) * 4.0
    x = np.concatenate([x, [0.0, -0.0, 1.0, -1.0, 0.5 * math.log(2), -700.0, 700.0, 1e-300, -1e-300]])
    got = _vector(x)
    ref = np.array([math.exp(v) for v in x])
    ulps = np.abs(got.view(np.int64) - ref.view(np.int64))
    assert ulps.max() <= 3
    assert (ulps > 0).mean() < 0.25  # most values are the library's to the bit


def test_zero_gives_exactly_one_so_a_delay_without_spread_is_its_median() -> None:
    assert _scalar(0.0) == 1.0
    assert _scalar(-0.0) == 1.0
    assert 24.0 * _scalar(0.0 * 1.5) == 24.0


def test_the_scalar_and_the_vectorized_loop_give_the_same_bits() -> None:
    x = np.random.default_rng(6).standard_normal(10_000) * 2.0
    np.testing.assert_array_equal(_vector(x), np.array([_scalar(v) for v in x]))


def test_extremes_are_clamped_not_overflowed() -> None:
    assert _scalar(-1e6) > 0.0 and _scalar(-1e6) < 1e-300
    assert math.isfinite(_scalar(1e6))
