"""Closed-form weaponeering and impact sampling (simulation reference §1.1).

The miss distance is a circular bivariate normal with per-axis sigma; CEP is its median
radial miss, so sigma = CEP / sqrt(2 ln 2) = CEP / 1.1774. Impacts are drawn as (x, y)
normal pairs, never as a normal radius (the pitfall of §1.1: right median, wrong shape).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError

CEP_PER_SIGMA = math.sqrt(2.0 * math.log(2.0))  # 1.17741

FloatArray = npt.NDArray[np.float64]


def _positive(value: float, field: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise InputError(field, f"{value!r} must be a number > 0")
    return value


def _probability(value: float, field: str) -> float:
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise InputError(field, f"{value!r} is outside [0, 1]")
    return value


def sigma_from_cep(cep: float) -> float:
    """Per-axis standard deviation of a circular normal with this CEP."""
    return _positive(cep, "cep") / CEP_PER_SIGMA


def sspk_cookie_cutter(lethal_radius: float, cep: float) -> float:
    """Single-shot kill probability of a point target, cookie-cutter damage (W2)."""
    if lethal_radius < 0:
        raise InputError("lethal_radius", f"{lethal_radius!r} must be >= 0")
    return 1.0 - 0.5 ** ((lethal_radius / _positive(cep, "cep")) ** 2)


def sspk_carleton(b: float, cep: float) -> float:
    """Single-shot kill probability with the Carleton damage function of scale b (W3)."""
    sigma = sigma_from_cep(cep)
    return b * b / (b * b + sigma * sigma)


def salvo_pk(sspk: float, n: int, reliability: float = 1.0, p_intercept: float = 0.0) -> float:
    """Probability that at least one of n independent shots kills (W4)."""
    if n < 0:
        raise InputError("n", f"{n!r} must be >= 0")
    p = _probability(sspk, "sspk") * _probability(reliability, "reliability")
    p *= 1.0 - _probability(p_intercept, "p_intercept")
    return 1.0 - (1.0 - p) ** n


def weapons_required(p: float, pd: float) -> int:
    """Fewest independent shots of single-shot probability p for damage probability pd (W5)."""
    _probability(p, "p")
    _probability(pd, "pd")
    if pd == 0:
        return 0
    if p == 0 or pd == 1:
        raise InputError("pd", "unreachable with this single-shot probability")
    if p == 1:
        return 1
    # The tiny tolerance keeps an exact power (0.5**3 = 0.125) from rounding up a shot.
    return math.ceil(math.log(1.0 - pd) / math.log(1.0 - p) - 1e-12)


def poisson_coverage(n: float, lethal_area: float, area: float) -> float:
    """Expected fraction of an area covered by n randomly placed lethal areas (W6)."""
    return 1.0 - math.exp(-n * lethal_area / _positive(area, "area"))


def sample_impacts(
    rng: np.random.Generator, shape: tuple[int, ...], cep: float
) -> tuple[FloatArray, FloatArray]:
    """Miss vectors (dx, dy) in the units of cep, circular normal."""
    sigma = sigma_from_cep(cep)
    return rng.standard_normal(shape) * sigma, rng.standard_normal(shape) * sigma
