"""On a few rows the evaluator remembers each condition's result by the columns it reads
(`anpo.law.engine.FEW_ROWS`, issue 19): every row evaluated alone, computed or remembered,
equals the same row of one long evaluation (values and assumption marks), on random
scenarios with dates around the law's changes, under two contexts in turn."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np

from anpo.core.codes import Event, OperationArea, UsAction
from anpo.core.scenario import ScenarioFrame
from anpo.law import assess as law
from anpo.law import engine, instruments
from anpo.law.common import default_context
from anpo.law.rules import ruleset
from anpo.law.whatif import WhatIf

TARGETS = ["JPN", "USA", "TWN", "KOR", "PHL", "CHN"]
POINTS = [(25.743, 123.473), (26.2, 127.7), (35.68, 139.76), (37.24, 131.87), (43.6, 145.4),
          (41.45, 140.5), (24.5, 119.5), (37.56, 126.97), (30.0, 150.0), (13.45, 144.8)]


def _change_days() -> list[dt.date]:
    """The days instruments start and end, and the days either side."""
    days = []
    for inst in instruments.instruments().values():
        for d in (inst.in_force, inst.ended):
            if isinstance(d, dt.date):
                days += [d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)]
    return days


def _scenarios(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    changes = _change_days()
    out: list[dict[str, Any]] = []
    for i in range(n):
        day = (rng.choice(changes) if rng.random() < 0.5
               else dt.date(1946, 1, 1) + dt.timedelta(days=rng.randrange(0, 150 * 365)))
        s: dict[str, Any] = {"id": f"s{i}", "date": day.isoformat(), "event": rng.choice(list(Event)).name,
                             "us_action": rng.choice(list(UsAction)).name}
        if s["event"] != "none":
            s["target"] = rng.choice(TARGETS)
        if rng.random() < 0.85:
            lat, lon = rng.choice(POINTS)
            s["lat"] = round(lat + rng.uniform(-0.2, 0.2), 4)
            s["lon"] = round(lon + rng.uniform(-0.2, 0.2), 4)
        if rng.random() < 0.2:
            s["operation_area"] = rng.choice(list(OperationArea)).name
        if rng.random() < 0.3:
            s["assume"] = {"armed_attack_judged": rng.random() < 0.5,
                           "survival_threatening_certified": rng.random() < 0.5}
        out.append(s)
    return out


def _frame(raws: list[dict[str, Any]]) -> ScenarioFrame:
    return ScenarioFrame.from_scenarios([law.parse(r)[0][0] for r in raws])


def test_rows_alone_equal_the_long_evaluations_rows() -> None:
    raws = [r for r in _scenarios(300, seed=5) if _parses(r)]
    frame = _frame(raws)
    place = law.resolve(frame, exact=True)
    rs = ruleset()
    actual = default_context()
    # another context: the 2015 legislation switched off, the 1960 treaty moved earlier
    whatif = actual.under(WhatIf(without=("jp-peace-security-legislation-2015",),
                                 in_force=(("us-japan-1960", dt.date(1955, 1, 1)),)))
    assert len(raws) > engine.FEW_ROWS and len(raws) > 250
    long = {ctx_id: rs.evaluate(_inputs(frame, place, None), ctx)
            for ctx_id, ctx in (("a", actual), ("w", whatif))}
    remembered = 0
    for round_ in range(2):  # the second round is mostly remembered
        for i in range(len(raws)):
            for ctx_id, ctx in (("a", actual), ("w", whatif)):  # the context changes every row
                before = len(rs._few.results)
                one = rs.evaluate(_inputs(frame, place, slice(i, i + 1)), ctx)
                remembered += round_ == 1 and len(rs._few.results) == before
                want = long[ctx_id]
                for c in rs.conditions:
                    assert one.values[c.name][0] == want.values[c.name][i], (c.name, raws[i])
                    assert one.values[c.name].dtype == want.values[c.name].dtype
                    assert one.assumed(c.name, 0) == want.assumed(c.name, i), (c.name, raws[i])
    assert remembered > 0
    # rows in small batches too (2..8 rows), against the same long evaluation
    for size in (2, 3, 8):
        for lo in range(0, len(raws) - size, 37):
            some = rs.evaluate(_inputs(frame, place, slice(lo, lo + size)), actual)
            for c in rs.conditions:
                assert np.array_equal(some.values[c.name], long["a"].values[c.name][lo:lo + size]), c.name
                for k in range(size):
                    assert some.assumed(c.name, k) == long["a"].assumed(c.name, lo + k), c.name


def test_a_condition_that_reads_the_day_is_never_remembered() -> None:
    rs = ruleset()
    for c in rs.conditions:
        if "day" in c.needs or "coast_distance_nm" in c.needs:
            assert c.name not in rs._remembered
    assert rs._remembered  # and the others are


def _parses(raw: dict[str, Any]) -> bool:
    try:
        law.parse(raw)
    except Exception:
        return False
    return True


def _inputs(frame: ScenarioFrame, place: Any, rows: slice | None) -> dict[str, Any]:
    from anpo.law.rules import inputs

    columns = inputs(frame, place)
    if rows is None:
        return columns
    # each row's columns as their own arrays, as a one-row frame would have them
    return {k: np.array(v[rows]) for k, v in columns.items()}
