"""Campaigns of several salvos: the MOS search with its placement, and damage that persists."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_strike_kernel import GRID_STRIPS, STRIPS, _kernel, _on_grid, _on_runway, _plan

from anpo.sim.campaign_kernel import (
    FLAT_MAX,
    campaign_tile,
    fewest_ordered,
    fewest_where,
    merge_order,
    sort_order,
)
from anpo.sim.runway import Strip, _exact, kernel_constants
from anpo.sim.streams import stream
from anpo.sim.strike_kernel import CREWS, NS, P_LAND, REPAIR_H, REPAIR_S, SIGMA, strike_tile
from anpo.sim.strikes import Defense, pack_defense


def _search(s: Strip, cx: np.ndarray, cy: np.ndarray) -> tuple[int, float, float]:
    m = cx.size
    return fewest_where(cx.copy(), cy.copy(), m, kernel_constants((s,))[0], np.empty(3 * m + 1),
                        np.empty(10 * m + 8, np.int64))


@pytest.mark.parametrize("name", sorted(STRIPS) + sorted(GRID_STRIPS))
def test_fewest_where_counts_as_the_numpy_search_and_its_placement_holds_that_many(name: str) -> None:
    s = {**STRIPS, **GRID_STRIPS}[name]
    rng = np.random.default_rng(len(name))
    r = s.crater_d / 2
    counts = set()
    for m in (1, 3, 12, 40, 63, 64, 90, 150):
        for draw in (_on_runway, _on_grid):
            cx, cy = draw(rng, s, 20, m)
            ref = _exact(s, cx, cy)
            for i in range(cx.shape[0]):
                got, x, y = _search(s, cx[i], cy[i])
                assert got == ref[i], (m, i)
                assert 0.0 <= x <= s.length - s.mos_length and 0.0 <= y <= s.width - s.mos_width
                inside = ((cx[i] - r) - s.mos_length < x) & (x < cx[i] + r)
                inside &= ((cy[i] - r) - s.mos_width < y) & (y < cy[i] + r)
                assert int(inside.sum()) == got
                counts.add(got)
    assert len(counts) >= 4


# One runway as narrow as the MOS, so that every crater on its centreline cuts it across.
NARROW = Strip(3000.0, 15.0, 1500.0, 15.0, 15.0)


def _hand_campaign(
    starts: list[float], missiles: int, crews: int, hours: float
) -> tuple[np.ndarray, np.ndarray]:
    """The campaign kernel on NARROW with exact hits (sigma 0, every missile lands)."""
    sc = np.zeros(NS)
    sc[SIGMA], sc[P_LAND], sc[CREWS], sc[REPAIR_H], sc[REPAIR_S] = 0.0, 1.0, crews, hours, 0.0
    dims = np.stack([kernel_constants((NARROW, NARROW))])
    ends = np.empty((1, 1, 2, len(starts)))
    closed = np.empty((1, 2))
    campaign_tile(stream(1, 0), 0, 1, sc, np.array(starts), np.array([0, 1]), np.array([missiles]), dims,
                  np.ones((1, 2), np.int64), ends, closed, **pack_defense(Defense("none"), 1, len(starts),
                                                                          _plan({}).params))
    return ends[0, 0], closed[0]


def test_unrepaired_craters_stay_for_the_next_salvo() -> None:
    # Two missiles hit 750 m and 2,250 m: any 1,500 m strip holds one crater. One crew, 30 h
    # a crater: the first salvo's repair is unfinished when the second lands 24 h later, so
    # the second finds two craters in every strip (the old one and its new twin): 60 h more.
    ends, closed = _hand_campaign([0.0, 24.0], missiles=2, crews=1, hours=30.0)
    np.testing.assert_array_equal(ends, [[24.0, 84.0], [24.0, 84.0]])
    np.testing.assert_array_equal(closed, [84.0, 84.0])


def test_crews_work_down_their_list_between_salvos() -> None:
    # 3 h a crater, salvos 4 h apart: the first strip's crater (at 750 m) is filled at 3 h,
    # the crew then starts on the one at 2,250 m but has not finished it at 4 h. The second
    # salvo: 750 m (new), 2,250 m (old and new); the strip from 0 holds one crater: 3 h.
    ends, closed = _hand_campaign([0.0, 4.0], missiles=2, crews=1, hours=3.0)
    np.testing.assert_array_equal(ends, [[3.0, 7.0], [3.0, 7.0]])
    # With a day between salvos every crater is filled in time: each salvo is a fresh start.
    ends, _ = _hand_campaign([0.0, 24.0, 48.0], missiles=2, crews=1, hours=3.0)
    np.testing.assert_array_equal(ends[0], [3.0, 27.0, 51.0])
    # Two crews fill the first strip's crater and the other at once.
    ends, _ = _hand_campaign([0.0, 3.0], missiles=2, crews=2, hours=3.0)
    np.testing.assert_array_equal(ends[0], [3.0, 6.0])


def test_with_instant_repairs_every_salvo_is_a_fresh_single_salvo() -> None:
    n = 20_000
    plan = _plan({"strike.salvos": 3, "repair.hours_per_crater": {"default": 0.01, "spread": 0.0},
                  "repair.crews_per_base": 10})
    campaign = _kernel(plan, n, seed=21)
    one = _kernel(_plan({"repair.hours_per_crater": {"default": 0.01, "spread": 0.0},
                         "repair.crews_per_base": 10}), n, seed=22)
    single = (one.ends[..., 0] > one.starts[0]).mean(axis=0)  # (base, class)
    for s in range(3):
        p = (campaign.ends[..., s] > campaign.starts[s]).mean(axis=0)
        se = np.sqrt(single * (1 - single) * 2 / n) + 1 / n
        assert (np.abs(p - single) < 4 * se).all(), (s, p, single)
    assert single.max() > 0.1  # the salvos do close runways


def test_a_single_salvo_uses_the_one_salvo_kernel() -> None:
    # The one-salvo path stays the optimized kernel; its draws, and so its answers, unchanged.
    plan = _plan({})
    salvos = _kernel(plan, 500, seed=3)
    ends = np.empty_like(salvos.ends)
    closed = np.empty_like(salvos.closed)
    strike_tile(stream(3, 0), 0, 500, salvos.scalars, salvos.starts, salvos.base_first, salvos.missiles,
                salvos.dims, salvos.floors, ends, closed, salvos.units, salvos.unit_p, salvos.covers,
                np.zeros_like(salvos.tally))
    np.testing.assert_array_equal(ends, salvos.ends)
    np.testing.assert_array_equal(closed, salvos.closed)


def test_a_campaign_gives_the_same_result_for_any_chunk_size_and_workers() -> None:
    from anpo.sim.run import run_plan
    from anpo.sim.streams import TILE

    plan = _plan({"strike.salvos": 3, "strike.missiles_per_base": 12, "strike.salvo_interval_h": 6})
    n = 2 * TILE + 321
    ref = run_plan(plan, n, seed=3).to_dict()
    ref.pop("receipt")
    for chunk, workers in ((TILE, 1), (5000, 2)):
        got = run_plan(plan, n, seed=3, chunk=chunk, workers=workers).to_dict()
        got.pop("receipt")
        assert got == ref
    assert ref["metrics_h"]["runway_closed_naha_tanker_h"]["mean"] > 0



def test_a_campaign_drawn_in_slices_is_drawn_as_tile_by_tile(monkeypatch: pytest.MonkeyPatch) -> None:
    """`Salvos.draw` splits a campaign's tile into timed slices (so a stop waits for one
    slice, not a tile): a trial's draws and closures do not depend on where the cuts fall."""
    from anpo.sim import strikes
    from anpo.sim.run import run_plan
    from anpo.sim.streams import TILE

    plan = _plan({"strike.salvos": 4, "strike.missiles_per_base": 20, "strike.salvo_interval_h": 8})
    n = TILE + 77
    monkeypatch.setattr(strikes, "FIRST_SLICE", 2 * TILE)  # one call a tile
    ref = run_plan(plan, n, seed=5).to_dict()
    calls: list[int] = []
    kernel = strikes.campaign_tile

    def counted(s: object, lo: int, hi: int, *rest: object) -> None:
        calls.append(hi - lo)
        kernel(s, lo, hi, *rest)

    monkeypatch.setattr(strikes, "campaign_tile", counted)
    monkeypatch.setattr(strikes, "FIRST_SLICE", 3)
    monkeypatch.setattr(strikes, "SLICE_S", 1e-5)  # slices of a few trials
    got = run_plan(plan, n, seed=5).to_dict()
    assert len(calls) > 100 and sum(calls) == n
    ref.pop("receipt")
    got.pop("receipt")
    assert got == ref

# ---------------------------------------------------------------- a plain reference
def _reference_search(s: Strip, cx: list[float], cy: list[float]) -> tuple[int, float, float]:
    """Every (x, y) placement, x ascending then y ascending; the first with the fewest."""
    r = s.crater_d / 2
    xs = sorted([0.0] + [c + r for c in cx if 0 <= c + r <= s.length - s.mos_length])
    ys = sorted([0.0] + [c + r for c in cy if 0 <= c + r <= s.width - s.mos_width])
    best = (len(cx) + 1, 0.0, 0.0)
    for x in xs:
        for y in ys:
            n = sum(
                ((a - r) - s.mos_length < x) and (x < a + r) and ((b - r) - s.mos_width < y) and (y < b + r)
                for a, b in zip(cx, cy, strict=True)
            )
            if n < best[0]:
                best = (n, x, y)
    return best


def _reference_campaign(
    craters: list[list[tuple[list[float], list[float]]]], starts: list[float], hours: float, crews: int,
    strips: list[dict[int, Strip]],
) -> tuple[np.ndarray, np.ndarray]:
    """The campaign of `campaign_base` written plainly: craters[s][w] = the salvo's (x, y) lists."""
    ends = np.zeros((2, len(starts)))
    for c in range(2):
        held: dict[int, list[list[float]]] = {w: [] for w, st in enumerate(strips) if c in st}  # [x, y, rank]
        begin = None
        for s, t in enumerate(starts):
            done = 0 if begin is None else crews * math.floor((t - begin) / hours)
            best, bw, bx, by = None, None, 0.0, 0.0
            for w in held:
                xs, ys = craters[s][w]
                kept = [k for k in held[w] if k[2] >= done]
                held[w] = kept + [[x, y, -1] for x, y in zip(xs, ys, strict=True)]
                if best == 0:
                    continue
                got = _reference_search(strips[w][c], [k[0] for k in held[w]], [k[1] for k in held[w]])
                if best is None or got[0] < best:
                    best, bw, bx, by = got[0], w, got[1], got[2]
            order: list[list[float]] = []
            if best:
                s_ = strips[bw][c]
                r = s_.crater_d / 2
                inside = [k for k in held[bw] if ((k[0] - r) - s_.mos_length < bx) and (bx < k[0] + r)
                          and ((k[1] - r) - s_.mos_width < by) and (by < k[1] + r)]
                order = inside + [k for k in held[bw] if k not in inside]
            order += [k for w in held if not (best and w == bw) for k in held[w]]
            for rank, k in enumerate(order):
                k[2] = rank
            begin = t
            end = t + math.ceil(best / crews) * hours if best else t
            ends[c, s] = min(end, starts[s + 1]) if s + 1 < len(starts) else end
    return ends, (ends - np.array(starts)).sum(axis=1)


@pytest.mark.parametrize("seed", range(10))
def test_campaign_base_plays_the_campaign_of_the_plain_reference(seed: int) -> None:
    from anpo.sim.campaign_kernel import campaign_base, campaign_state
    from anpo.sim.strike_kernel import NOT_SERVED

    rng = np.random.default_rng(seed)
    # A main runway for both classes and a secondary one for fighters only.
    main_f, main_t = Strip(2400.0, 45.0, 1200.0, 15.0, 15.0), Strip(2400.0, 45.0, 1800.0, 30.0, 15.0)
    second = Strip(1600.0, 30.0, 1200.0, 15.0, 15.0)
    strips = [{0: main_f, 1: main_t}, {0: second}]
    starts = [0.0, 6.0, 10.0, 30.0, 33.0]
    hours, crews = float(rng.choice([2.0, 3.0, 5.0])), int(rng.integers(1, 3))
    per_salvo = int(rng.integers(4, 12))
    craters = []
    for _ in starts:
        salvo = []
        for st in (main_f, second):
            k = int(rng.integers(0, per_salvo))
            x, y = rng.uniform(-5, st.length + 5, k), rng.normal(st.width / 2, st.width / 3, k)
            salvo.append((list(x), list(y)))
        craters.append(salvo)
    most = max(len(c[0]) for salvo in craters for c in salvo) or 1
    fx, fy = np.zeros((len(starts), 2, most)), np.zeros((len(starts), 2, most))
    fresh = np.zeros((len(starts), 2), np.int64)
    for s, salvo in enumerate(craters):
        for w, (x, y) in enumerate(salvo):
            fx[s, w, : len(x)], fy[s, w, : len(y)], fresh[s, w] = x, y, len(x)
    dims = np.stack([kernel_constants((main_f, main_t)), kernel_constants((second, second))])
    floors = np.array([[max(main_f.bound, 1), max(main_t.bound, 1)], [max(second.bound, 1), NOT_SERVED]])
    ends, closed = np.empty((2, len(starts))), np.empty(2)
    campaign_base(fx, fy, fresh, np.array(starts), hours, float(crews), 0, 2, dims, floors,
                  campaign_state(2, len(starts) * most), ends, closed)
    ref_ends, ref_closed = _reference_campaign(craters, starts, hours, crews, strips)
    np.testing.assert_array_equal(ends, ref_ends)
    np.testing.assert_allclose(closed, ref_closed, atol=1e-9)
    assert (ref_ends > np.array(starts)).any()  # the salvos do close the base


# ---------------------------------------------------------------- kept orders
def _reference_search_np(s: Strip, cx: np.ndarray, cy: np.ndarray) -> tuple[int, float, float]:
    """`_reference_search` with numpy: every placement's count, and the first with the fewest."""
    r = s.crater_d / 2
    xs = np.sort(np.concatenate([[0.0], (cx + r)[(cx + r >= 0) & (cx + r <= s.length - s.mos_length)]]))
    ys = np.sort(np.concatenate([[0.0], (cy + r)[(cy + r >= 0) & (cy + r <= s.width - s.mos_width)]]))
    bx = ((cx - r) - s.mos_length < xs[:, None]) & (xs[:, None] < cx + r)  # (x candidate, crater)
    by = ((cy - r) - s.mos_width < ys[:, None]) & (ys[:, None] < cy + r)
    counts = bx.astype(np.int64) @ by.T.astype(np.int64)  # (x, y): craters blocking that placement
    i, j = np.unravel_index(np.argmin(counts), counts.shape)  # the first in x, then y order
    return int(counts[i, j]), float(xs[i]), float(ys[j])


def _tie_order(rng: np.random.Generator, v: np.ndarray) -> np.ndarray:
    """Indices sorting v, ties broken at random."""
    return np.lexsort((rng.random(v.size), v)).astype(np.int64)


@pytest.mark.parametrize("name", sorted(GRID_STRIPS))
def test_fewest_ordered_gives_the_plain_searchs_placement_for_any_order_of_ties(name: str) -> None:
    # Craters on the 7.5 m grid share x and y values and land on candidate edges; the
    # search is given their orders with ties broken at random, and must return the
    # reference's (count, x, y): the first placement, x then y ascending, with the fewest.
    # Both sweeps: up to FLAT_MAX y candidates a plain array, more a min tree (craters
    # whose y are all candidates).
    s = GRID_STRIPS[name]
    rng = np.random.default_rng(sorted(GRID_STRIPS).index(name) + 40)
    d = kernel_constants((s,))[0]
    r, top_y = s.crater_d / 2, s.width - s.mos_width
    flat = tree = 0
    for m in (1, 2, 5, 9, 17, 33, 60, 90, 140, 200):
        grid_y = rng.integers(0, int(top_y / 7.5) + 1, (2, m)) * 7.5 - r
        for cx, cy in (_on_runway(rng, s, 2, m), _on_grid(rng, s, 2, m), (_on_grid(rng, s, 2, m)[0], grid_y)):
            for i in range(cx.shape[0]):
                ref = _reference_search_np(s, cx[i], cy[i])
                if m <= 17:
                    assert ref == _reference_search(s, list(cx[i]), list(cy[i]))
                ny = 1 + int(((cy[i] + r >= 0) & (cy[i] + r <= top_y)).sum())
                flat, tree = flat + (ny <= FLAT_MAX), tree + (ny > FLAT_MAX)
                for _ in range(3):
                    xo, yo = _tie_order(rng, cx[i]), _tie_order(rng, cy[i])
                    got = fewest_ordered(cx[i].copy(), cy[i].copy(), m, xo, yo, d, np.empty(2 * m + 1),
                                         np.empty(10 * m + 8, np.int64))
                    assert got == ref, (m, i)
    assert flat > 20 and tree >= 4


def test_sort_and_merge_keep_a_runways_orders_as_a_sort_would() -> None:
    # A runway's craters over salvos: some repaired (dropped, the rest renumbered in
    # order), then the salvo's own craters appended. The merged order must sort them.
    rng = np.random.default_rng(5)
    for trial in range(200):
        cap = 400
        v = np.empty(cap)
        order = np.empty(cap, np.int64)
        held = 0
        for _ in range(int(rng.integers(1, 8))):
            f = int(rng.integers(0, 70))  # both sorts: insertion up to 48, numpy's above
            new = np.round(rng.normal(0, 3, f)) if trial % 2 else rng.normal(0, 3, f)  # ties, or none
            kept = rng.random(held) < 0.6
            remap = np.where(kept, np.cumsum(kept) - 1, -1).astype(np.int64)
            keep = int(kept.sum())
            v[:keep] = v[:held][kept]
            v[keep : keep + f] = new
            fresh = np.empty(max(f, 1), np.int64)
            sort_order(new, f, fresh)
            assert np.array_equal(np.sort(new), new[fresh[:f]])
            merge_order(order, held, remap, keep, v, fresh, f)
            held = keep + f
            assert sorted(order[:held]) == list(range(held))
            assert np.array_equal(v[order[:held]], np.sort(v[:held]))
