"""The minimum-crater bound and the exact MOS search, on runways of the facility registry."""

from __future__ import annotations

import numpy as np
import pytest

from anpo.posture.runways import runways
from anpo.sim.runway import FT, MAX_BITS, Strip, min_craters, need, repairs_for_strips, repairs_needed

FIGHTER = (1525.0, 15.0)
TANKER = (2450.0, 30.0)
D = 15.0


def test_need_closed_form() -> None:
    assert need(1000, 1525, D) == 0
    assert need(1525, 1525, D) == 1
    assert need(3688, 1525, D) == 2  # a 12,100 ft runway: two cuts
    assert need(91.44, 15, D) == 3  # 300 ft across: three craters per cut


def _registry_strips() -> list[tuple[str, Strip]]:
    out = []
    for icao in ("RODN", "ROTM", "RJTY", "RJSM", "RJOI", "ROAH", "PGUA"):
        for rw in runways()[icao]:
            if rw.closed or rw.width_ft is None:
                continue
            for mos in (FIGHTER, TANKER):
                s = Strip(rw.length_ft * FT, rw.width_ft * FT, *mos, D)
                if s.usable:
                    out.append((f"{icao} {rw.ident} {mos}", s))
    return out


STRIPS = _registry_strips()


def _cut_pattern(s: Strip) -> tuple[np.ndarray, np.ndarray]:
    """Craters at the bound's spacing: need_L cut lines, need_W craters on each."""
    nl, nw = need(s.length, s.mos_length, D), need(s.width, s.mos_width, D)
    # Every gap just under the MOS: spacing (mos + d) less a little more each time.
    xs = (np.arange(nl) + 1) * (s.mos_length + D - 1e-3) - D / 2
    ys = (np.arange(nw) + 1) * (s.mos_width + D - 1e-3) - D / 2
    xx, yy = np.meshgrid(np.minimum(xs, s.length - D / 2), np.minimum(ys, s.width - D / 2))
    return xx.ravel()[None, :], yy.ravel()[None, :]


@pytest.mark.parametrize(("label", "strip"), STRIPS, ids=[lab for lab, _ in STRIPS])
def test_bound_pattern_closes_and_one_less_opens(label: str, strip: Strip) -> None:
    cx, cy = _cut_pattern(strip)
    assert cx.shape[1] == strip.bound == min_craters(strip.length, strip.width, *strip_mos(strip), D)
    assert repairs_needed(strip, cx, cy, shortcut=False)[0] >= 1
    for j in range(cx.shape[1]):
        keep = np.arange(cx.shape[1]) != j
        assert repairs_needed(strip, cx[:, keep], cy[:, keep], shortcut=False)[0] == 0


def strip_mos(s: Strip) -> tuple[float, float]:
    return s.mos_length, s.mos_width


@pytest.mark.parametrize(("label", "strip"), STRIPS[:6], ids=[lab for lab, _ in STRIPS[:6]])
def test_random_craters_below_the_bound_never_close(label: str, strip: Strip) -> None:
    rng = np.random.default_rng(3)
    k = strip.bound - 1
    if k < 1:
        pytest.skip("bound of one crater")
    n = 4000
    cx = rng.uniform(0, strip.length, (n, k))
    cy = rng.uniform(0, strip.width, (n, k))
    assert (repairs_needed(strip, cx, cy, shortcut=False) == 0).all()


def test_exact_search_against_brute_force_grid() -> None:
    rng = np.random.default_rng(4)
    s = Strip(400.0, 40.0, 150.0, 15.0, 10.0)
    n, k = 300, 8
    cx = rng.uniform(0, s.length, (n, k))
    cy = rng.uniform(0, s.width, (n, k))
    got = repairs_needed(s, cx, cy, shortcut=False)
    r = s.crater_d / 2
    x0 = np.arange(0, s.length - s.mos_length + 1e-9, 0.25)[:, None]
    y0 = np.arange(0, s.width - s.mos_width + 1e-9, 0.25)[:, None]
    for i in range(n):
        # every strip placement on a 0.25 m grid: craters it overlaps, fewest over all placements
        bx = (x0 < cx[i] + r) & (x0 + s.mos_length > cx[i] - r)  # (positions along, craters)
        by = (y0 < cy[i] + r) & (y0 + s.mos_width > cy[i] - r)  # (positions across, craters)
        best = int((bx[:, None, :] & by[None, :, :]).sum(axis=-1).min())
        # The grid can only miss a better placement, never find one the search missed.
        assert got[i] <= best
        assert got[i] >= best - 1


def test_absent_craters_are_ignored() -> None:
    s = Strip(3000.0, 45.0, 1525.0, 15.0, D)
    cx = np.array([[np.nan, np.nan]])
    assert repairs_needed(s, cx, cx.copy(), shortcut=False)[0] == 0


def _random_rows(rng: np.random.Generator, s: Strip, n: int, k: int, grid: float) -> tuple[np.ndarray, ...]:
    """Rows of craters about the runway, some absent; on a grid, many lie exactly on edges."""
    cx = rng.normal(s.length / 2, s.length / 3, (n, k))
    cy = rng.normal(s.width / 2, 25.0, (n, k))
    cx[rng.random((n, k)) < 0.3] = np.nan
    if grid:
        cx, cy = np.round(cx / (10 * grid)) * 10 * grid, np.round(cy / grid) * grid
    return cx, cy


@pytest.mark.parametrize("grid", [0.0, 7.5, 1.5])
def test_compiled_search_matches_the_numpy_search(grid: float) -> None:
    # The compiled row-by-row search must give the numpy search's answers exactly, ties
    # (craters exactly on a strip's edge: the grid cases) included.
    rng = np.random.default_rng(5)
    for _ in range(40):
        length, width = rng.uniform(300, 4000), rng.uniform(20, 95)
        d = float(rng.choice([0.0, 6.0, 15.0]))
        s = Strip(
            length,
            width,
            min(float(rng.choice([150.0, 1525.0, 2450.0])), length),
            min(float(rng.choice([15.0, 30.0])), width),
            d,
        )
        cx, cy = _random_rows(rng, s, 200, int(rng.integers(1, 40)), grid)
        for shortcut in (True, False):
            fast = repairs_needed(s, cx, cy, shortcut=shortcut)
            ref = repairs_needed(s, cx, cy, shortcut=shortcut, vectorized=True)
            np.testing.assert_array_equal(fast, ref)


def test_strips_of_one_runway_in_one_pass() -> None:
    rng = np.random.default_rng(6)
    fighter, tanker = Strip(2743.2, 45.72, *FIGHTER, D), Strip(2743.2, 45.72, *TANKER, D)
    cx, cy = _random_rows(rng, fighter, 500, 30, 0.0)
    both = repairs_for_strips((fighter, tanker), cx, cy)
    np.testing.assert_array_equal(both[0], repairs_needed(fighter, cx, cy))
    np.testing.assert_array_equal(both[1], repairs_needed(tanker, cx, cy))


def test_rows_wider_than_the_bitmask() -> None:
    # More crater columns than MAX_BITS take the numpy search; absent columns change nothing.
    rng = np.random.default_rng(7)
    s = Strip(3000.0, 45.0, *FIGHTER, D)
    cx, cy = _random_rows(rng, s, 100, 12, 0.0)
    pad = np.full((100, MAX_BITS + 5), np.nan)
    wide = repairs_needed(s, np.hstack([cx, pad]), np.hstack([cy, pad]), shortcut=False)
    np.testing.assert_array_equal(wide, repairs_needed(s, cx, cy, shortcut=False))


def test_rows_of_exactly_max_bits_craters_on_the_runway() -> None:
    # The widest rows the compiled search takes: 63 craters fill the mask's last group of
    # four up to bit 63 (the rest of that group is a NaN pad).
    rng = np.random.default_rng(8)
    s = Strip(3000.0, 60.0, *FIGHTER, D)
    cx = rng.uniform(0.0, s.length, (200, MAX_BITS))
    cy = rng.uniform(0.0, s.width, (200, MAX_BITS))
    cy[:100] = rng.uniform(0.0, 20.0, (100, MAX_BITS))  # leave a free band in half the rows
    fast = repairs_needed(s, cx, cy, shortcut=False)
    np.testing.assert_array_equal(fast, repairs_needed(s, cx, cy, shortcut=False, vectorized=True))
    assert (fast[:100] == 0).any() and (fast > 0).any()
