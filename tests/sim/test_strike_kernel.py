"""The compiled salvos: the plain MOS count, closure odds against numpy, and the repair queue."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest

from anpo import sim
from anpo.sim import strikes
from anpo.sim.parameters import Parameters
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.runway import Strip, _exact, kernel_constants, repairs_for_strips
from anpo.sim.streams import stream
from anpo.sim.strike_kernel import _fewest_plain
from anpo.sim.weaponeering import sigma_from_cep

SCENARIO = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}

STRIPS = {
    "naha fighter": Strip(2999.232, 45.72, 1525.0, 15.0, 15.0),
    "naha tanker": Strip(2999.232, 45.72, 2450.0, 30.0, 15.0),
    "kadena fighter": Strip(3688.08, 91.44, 1525.0, 15.0, 15.0),
    "short, MOS capped": Strip(1200.0, 30.0, 1200.0, 30.0, 15.0),
    "small craters": Strip(600.0, 40.0, 150.0, 15.0, 6.0),
    "point craters": Strip(500.0, 25.0, 150.0, 15.0, 0.0),
}
# Geometries whose edges fall on a 7.5 m grid (exact in binary): craters on the grid put
# candidate positions exactly on other craters' edges and on the runway's last position.
GRID_STRIPS = {
    "grid fighter": Strip(3000.0, 45.0, 1500.0, 15.0, 15.0),
    "grid tanker": Strip(2400.0, 60.0, 1800.0, 30.0, 15.0),
    "grid short": Strip(600.0, 30.0, 150.0, 15.0, 7.5),
}


def _plain(s: Strip, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    dims = kernel_constants((s,))
    n, m = cx.shape
    out = np.empty(n, np.int64)
    for i in range(n):
        # Scratch rows longer than m, as in the kernel: the tail must be ignored.
        px = np.concatenate([cx[i], np.full(5, s.length / 2)])
        py = np.concatenate([cy[i], np.full(5, s.width / 2)])
        out[i] = _fewest_plain(px, py, m, dims, 0)
    return out


def _on_runway(rng: np.random.Generator, s: Strip, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    # Craters bunched about the centreline so that rows often close, all on the runway.
    cx = rng.uniform(0.0, s.length, (n, m))
    cy = np.clip(rng.normal(s.width / 2, s.width / 3, (n, m)), 0.01, s.width - 0.01)
    return cx, cy


def _on_grid(rng: np.random.Generator, s: Strip, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    step = 7.5
    cx = rng.integers(1, int(s.length / step), (n, m)) * step
    cy = rng.integers(1, int(s.width / step), (n, m)) * step
    return cx.astype(float), cy.astype(float)


@pytest.mark.parametrize("name", sorted(STRIPS))
def test_plain_count_equals_the_numpy_search(name: str) -> None:
    s = STRIPS[name]
    rng = np.random.default_rng(sorted(STRIPS).index(name))
    seen = set()
    for m in (1, 2, 5, 12, 30, 63, 64, 70, 85, 100):
        cx, cy = _on_runway(rng, s, 40, m)
        ref = _exact(s, cx, cy)
        np.testing.assert_array_equal(_plain(s, cx, cy), ref, err_msg=f"{m} craters")
        seen.update(ref.tolist())
    assert len(seen) >= 4  # open rows and rows needing repairs (every crater, on the capped strip)


@pytest.mark.parametrize("name", sorted(GRID_STRIPS))
def test_plain_count_equals_the_numpy_search_with_craters_on_edges(name: str) -> None:
    s = GRID_STRIPS[name]
    r = s.crater_d / 2
    rng = np.random.default_rng(10 + sorted(GRID_STRIPS).index(name))
    ties = 0
    for m in (3, 10, 40, 64, 72, 90, 100):
        cx, cy = _on_grid(rng, s, 40, m)
        ref = _exact(s, cx, cy)
        np.testing.assert_array_equal(_plain(s, cx, cy), ref, err_msg=f"{m} craters")
        # a candidate (crater edge + r) exactly on another crater's lower blocking edge
        cand = cx + r
        ties += int((cand[:, :, None] == (cx - r - s.mos_length)[:, None, :]).sum())
        ties += int((cand == s.length - s.mos_length).sum())
    assert ties > 100


def _plan(overrides: dict[str, Any], bases: tuple[str, ...] = ("kadena", "naha")) -> Plan:
    # The legacy flat interception: these tests check the craters and the search against numpy
    # (the missile defenses have their own tests, test_missile_defense.py).
    s = sim.parse_sim_scenario({"scenario": SCENARIO, "strikes": {"bases": list(bases), "defenses": "flat"}})
    return compile_plan(s, sim.load_parameters().with_overrides(overrides))


def _kernel(plan: Plan, n: int, seed: int) -> strikes.Salvos:
    salvos = strikes.closures(plan.bases, plan.params, n)
    salvos.draw(stream(seed, 0), 0, n)
    return salvos


def _numpy_repairs(
    base: strikes.BaseTarget, p: Parameters, n: int, gen: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Craters to repair per class (2, n) for one salvo, fewest over the base's runways;
    and the share of (runway, trial) rows with more than 63 craters on the runway."""
    sigma = sigma_from_cep(p["strike.cep_m"])
    p_land = p["strike.reliability"] * (1.0 - p["strike.interception_probability"])
    best = np.full((2, n), np.iinfo(np.int64).max)
    wide = []
    for rw in base.runways:
        k = rw.missiles
        served = [c for c, cls in enumerate(strikes.CLASSES) if cls in rw.strips]
        if k == 0:
            best[served] = 0
            continue
        lands = gen.random((n, k)) < p_land
        aim = (np.arange(k) + 0.5) * rw.length_m / k
        cx = aim + sigma * gen.standard_normal((n, k))
        cy = rw.width_m / 2 + sigma * gen.standard_normal((n, k))
        cx[~lands] = np.nan
        cy[~lands] = np.nan
        r = next(iter(rw.strips.values())).crater_d / 2
        on = (cx > -r) & (cx < rw.length_m + r) & (cy > -r) & (cy < rw.width_m + r)
        wide.append((on.sum(axis=1) > 63).mean())
        strips = tuple(rw.strips[strikes.CLASSES[c]] for c in served)
        got = repairs_for_strips(strips, cx, cy, shortcut=False, vectorized=True)
        best[served] = np.minimum(best[served], np.array(got))
    return best, float(np.mean(wide)) if wide else 0.0


def _close(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Difference of two independent sample means and its standard error (at least 1/n)."""
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return abs(a.mean() - b.mean()), max(se, 1.0 / min(a.size, b.size))


@pytest.mark.parametrize(
    ("overrides", "facility"),
    [({}, "kadena"), ({}, "naha"), ({"strike.missiles_per_base": 60, "strike.cep_m": 20}, "naha")],
)
def test_closure_odds_agree_with_numpy_craters(overrides: dict[str, Any], facility: str) -> None:
    n = 20_000
    plan = _plan(overrides)
    p = plan.params
    b = [x.facility for x in plan.bases].index(facility)
    salvos = _kernel(plan, n, seed=17)
    ref, _ = _numpy_repairs(plan.bases[b], p, n, np.random.default_rng(18))
    hours = p["repair.hours_per_crater"] * np.exp(
        p.spread("repair.hours_per_crater") * np.random.default_rng(19).standard_normal(n)
    )
    for c, cls in enumerate(strikes.CLASSES):
        kernel = salvos.ends[:, b, c, 0] > salvos.starts[0]
        diff, se = _close(kernel.astype(float), (ref[c] > 0).astype(float))
        assert diff < 4 * se, (cls, kernel.mean(), (ref[c] > 0).mean())
        closed_h = np.ceil(ref[c] / p["repair.crews_per_base"]) * hours
        diff, se = _close(salvos.closed[:, b * 2 + c], closed_h)
        assert diff < 4 * se, (cls, salvos.closed[:, b * 2 + c].mean(), closed_h.mean())
    assert 0.02 < (salvos.ends[:, b, :, 0] > salvos.starts[0]).mean() < 0.98  # odds that can differ


def test_rows_of_more_than_63_craters_agree_with_numpy() -> None:
    # 200 missiles, all landing: most runway rows take the plain count in the kernel.
    n = 3000
    plan = _plan(
        {
            "strike.missiles_per_base": 200,
            "strike.interception_probability": 0.0,
            "strike.reliability": 1.0,
            "strike.cep_m": 40,
            "repair.crews_per_base": 1,
            "repair.hours_per_crater": {"default": 1.0, "spread": 0.0},
        },
        bases=("naha",),
    )
    salvos = _kernel(plan, n, seed=21)
    ref, wide = _numpy_repairs(plan.bases[0], plan.params, n, np.random.default_rng(22))
    assert wide > 0.6
    for c in range(2):
        got = salvos.closed[:, c]  # one crew, one hour a crater: the craters repaired
        np.testing.assert_array_equal(got, np.rint(got))
        diff, se = _close(got, ref[c].astype(float))
        assert diff < 4 * se, (c, got.mean(), ref[c].mean())
        assert ref[c].mean() > 2


def _packed(salvos: strikes.Salvos, rows: list[int], missiles: list[int], n: int) -> strikes.Salvos:
    """One base made of the given runways (rows of the packing), with the given missiles."""
    return dataclasses.replace(
        salvos,
        base_first=np.array([0, len(rows)], np.int64),
        missiles=np.array(missiles, np.int64),
        dims=salvos.dims[rows],
        floors=salvos.floors[rows],
        ends=np.empty((n, 1, 2, salvos.starts.size)),
        closed=np.empty((n, 2)),
    )


def test_a_runway_without_missiles_keeps_its_base_open() -> None:
    n = 2000
    # One missile a base, which never misses: the longer runway gets it, the other none.
    precise = {
        "strike.missiles_per_base": 1,
        "strike.interception_probability": 0.0,
        "strike.reliability": 1.0,
        "strike.cep_m": 1,
    }
    plan = _plan(precise)
    assert [[rw.missiles for rw in base.runways] for base in plan.bases] == [[1, 0], [1, 0]]
    salvos = _kernel(plan, n, seed=3)
    np.testing.assert_array_equal(salvos.ends, np.broadcast_to(salvos.starts, salvos.ends.shape))
    assert not salvos.closed.any()
    # Naha's 18L alone, with that missile, closes to tankers: the open 18R is what saves the base.
    alone = _packed(salvos, [2], [1], n)
    alone.draw(stream(3, 0), 0, n)
    assert (alone.closed[:, 1] > 0).mean() > 0.9
    for rows, missiles in (([2, 3], [60, 0]), ([3, 2], [0, 60])):
        both = _packed(salvos, rows, missiles, n)
        both.draw(stream(4, 0), 0, n)
        assert not both.closed.any(), (rows, missiles)
        np.testing.assert_array_equal(both.ends, np.broadcast_to(both.starts, both.ends.shape))
    hit = _packed(salvos, [2], [60], n)
    hit.draw(stream(4, 0), 0, n)
    assert (hit.closed > 0).mean(axis=0).min() > 0.5


def test_a_short_secondary_strip_is_no_target_and_serves_no_class() -> None:
    # Iwakuni's registry lists a 1,200 ft 02R/20L beside the 8,000 ft main runway.
    plan = _plan({}, bases=("iwakuni",))
    (base,) = plan.bases
    assert [(rw.ident, rw.missiles) for rw in base.runways] == [("02/20", 30)]
    # The main runway is 2,438 m, 12 m short of the tanker MOS: it serves tankers, capped.
    assert base.runways[0].strips["tanker"].mos_length == pytest.approx(base.runways[0].length_m)


def _base(p: Parameters, *runways: tuple[float, float, int]) -> strikes.BaseTarget:
    rts = []
    for j, (length, width, missiles) in enumerate(runways):
        strips = {c: strikes._strip(length, width, p, c, j == 0) for c in strikes.CLASSES}
        rts.append(strikes.RunwayTarget(f"rw{j}", length, width, missiles,
                                        {c: st for c, st in strips.items() if st is not None}))
    return strikes.BaseTarget("synthetic", tuple(rts))


def test_a_secondary_runway_serves_only_the_classes_it_fits() -> None:
    n = 20_000
    p = _plan({}).params
    # A 2,000 m secondary runway fits the fighter MOS (1,525 m) but not the tanker's (2,450 m).
    base = _base(p, (3000.0, 45.0, 20), (2000.0, 45.0, 10))
    assert set(base.runways[1].strips) == {"fighter"}
    salvos = strikes.closures((base,), p, n)
    salvos.draw(stream(21, 0), 0, n)
    ref, _ = _numpy_repairs(base, p, n, np.random.default_rng(22))
    for c in range(2):
        kernel = salvos.ends[:, 0, c, 0] > salvos.starts[0]
        diff, se = _close(kernel.astype(float), (ref[c] > 0).astype(float))
        assert diff < 4 * se, (c, kernel.mean(), (ref[c] > 0).mean())
    # Left untargeted, the secondary keeps fighters flying but is no use to tankers.
    spared = strikes.closures((_base(p, (3000.0, 45.0, 30), (2000.0, 45.0, 0)),), p, n)
    spared.draw(stream(23, 0), 0, n)
    assert not spared.closed[:, 0].any()
    assert (spared.closed[:, 1] > 0).mean() > 0.9


def _union_hours(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Length of the union of [starts[s], ends[..., s]) over salvos s."""
    total = np.zeros(ends.shape[:-1])
    reach = np.full(ends.shape[:-1], -np.inf)
    for s in range(starts.size):
        total += np.maximum(0.0, ends[..., s] - np.maximum(starts[s], reach))
        reach = np.maximum(reach, ends[..., s])
    return total


def test_closed_hours_of_one_salvo_are_its_interval() -> None:
    n = 5000
    salvos = _kernel(_plan({"strike.time_h": 1.5}), n, seed=8)
    assert salvos.starts.tolist() == [1.5]
    assert salvos.ends.shape == (n, 2, 2, 1)
    closed = salvos.closed.reshape(n, 2, 2)
    np.testing.assert_allclose(closed, salvos.ends[..., 0] - 1.5, rtol=0, atol=1e-9)
    assert (salvos.ends >= 1.5).all()
    assert 0.1 < (closed > 0).mean() < 0.9


@pytest.mark.parametrize("spread", [0.3, 0.0])
def test_a_campaign_closes_in_intervals_cut_at_the_next_salvo(spread: float) -> None:
    n = 5000
    p = {
        "strike.salvos": 4,
        "strike.salvo_interval_h": 5.0,
        "strike.time_h": 2.0,
        "repair.crews_per_base": 1,
        "repair.hours_per_crater": {"default": 3.0, "spread": spread},
    }
    salvos = _kernel(_plan(p), n, seed=9)
    starts, ends = salvos.starts, salvos.ends
    assert starts.tolist() == [2.0, 7.0, 12.0, 17.0]
    assert ends.shape == (n, 2, 2, 4)
    assert (ends >= starts).all()
    assert (ends[..., :-1] <= starts[1:]).all()  # the next salvo starts the next closure
    closed = salvos.closed.reshape(n, 2, 2)
    np.testing.assert_allclose(closed, _union_hours(starts, ends), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(closed, (ends - starts).sum(axis=-1), atol=1e-9)
    work = ends - starts
    if spread == 0.0:
        whole = np.concatenate([ends[..., :-1] < starts[1:], np.ones(ends.shape[:-1] + (1,), bool)], axis=-1)
        np.testing.assert_allclose(work[whole] / 3.0, np.rint(work[whole] / 3.0), atol=1e-9)  # whole rounds
    # One crew cannot keep up with a salvo every 5 h: the damage piles up, so later salvos
    # find the runways closed more often than the first.
    busy = (work > 0).mean(axis=0)  # (base, class, salvo)
    assert (busy[..., 3] > busy[..., 0] + 0.05).any()
    assert (busy[..., 3] >= busy[..., 0] - 4 * np.sqrt(0.25 / n)).all()
