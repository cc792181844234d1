"""Weaponeering against closed forms, the reference's test vectors, and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest

from anpo.core.errors import InputError
from anpo.sim import weaponeering as w


@pytest.mark.parametrize(
    ("radius", "cep", "expected"),
    [(50, 50, 0.5000), (25, 50, 0.1591), (100, 50, 0.9375), (20, 300, 0.0031)],
)
def test_cookie_cutter_reference_vectors(radius: float, cep: float, expected: float) -> None:
    assert w.sspk_cookie_cutter(radius, cep) == pytest.approx(expected, abs=5e-5)


def test_cep_sigma_relation() -> None:
    assert pytest.approx(1.17741, abs=1e-5) == w.CEP_PER_SIGMA
    assert w.sigma_from_cep(1.17741) == pytest.approx(1.0, abs=1e-5)


def test_salvo_and_weapons_required_vectors() -> None:
    assert w.salvo_pk(0.5, 3) == pytest.approx(0.875)
    assert w.salvo_pk(0.5, 3, reliability=0.9, p_intercept=0.3) == pytest.approx(0.6786, abs=5e-5)
    assert w.weapons_required(0.3, 0.9) == 7
    assert w.weapons_required(0.5, 0.875) == 3  # exactly three shots, not four


def test_carleton_and_poisson_closed_forms() -> None:
    sigma = w.sigma_from_cep(50)
    b = 40.0
    assert w.sspk_carleton(b, 50) == pytest.approx(b * b / (b * b + sigma * sigma))
    assert w.poisson_coverage(10, 2.0, 100.0) == pytest.approx(1 - math.exp(-0.2))


@pytest.mark.parametrize("fraction", [0.25, 0.5, 1.0, 1.5, 2.0])
def test_sampled_impacts_match_closed_form_at_several_radii(fraction: float) -> None:
    rng = np.random.default_rng(1)
    cep = 50.0
    n = 400_000
    dx, dy = w.sample_impacts(rng, (n,), cep)
    hit = np.hypot(dx, dy) < fraction * cep
    p = w.sspk_cookie_cutter(fraction * cep, cep)
    se = math.sqrt(p * (1 - p) / n)
    assert abs(hit.mean() - p) < 3 * se


def test_radial_normal_pitfall_is_detected_off_the_cep() -> None:
    """A normal *radius* with sigma = CEP/0.675 has the right median but the wrong shape."""
    rng = np.random.default_rng(2)
    cep, n = 50.0, 400_000
    r = np.abs(rng.normal(0, cep / 0.6745, n))
    p = w.sspk_cookie_cutter(cep / 2, cep)
    se = math.sqrt(p * (1 - p) / n)
    assert abs((r < cep).mean() - 0.5) < 0.01
    assert abs((r < cep / 2).mean() - p) > 30 * se


def test_bad_inputs() -> None:
    with pytest.raises(InputError):
        w.sigma_from_cep(0.0)
    with pytest.raises(InputError):
        w.salvo_pk(1.2, 3)
