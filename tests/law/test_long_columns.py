"""The law over long columns gives each row the value it gets alone.

Long columns take other code paths than one scenario does: the branch-free code arithmetic
of `law.common` (from 4,096 rows), the allocator setting of `law.engine.reuse_freed_memory`
(from LONG_COLUMN_ROWS rows), and the formulas' shortcuts on whole columns (`.any()`,
`.all()`). Random rows over every event, action, operation area, zone and place code,
evaluated together, must equal the same rows evaluated in small pieces.
"""

from __future__ import annotations

import numpy as np
from law_places import UNITS, code

from anpo.core.codes import NULL, Event, OperationArea, UsAction, Zone
from anpo.core.dates import FOREVER
from anpo.core.scenario import TRI_NONE, ScenarioFrame
from anpo.geo.place import Place
from anpo.law.common import LawContext
from anpo.law.engine import LONG_COLUMN_ROWS
from anpo.law.rules import evaluate

PIECE = 1000  # rows a small evaluation (below the long-column thresholds)


def _random(n: int, seed: int) -> tuple[ScenarioFrame, Place]:
    rng = np.random.default_rng(seed)
    countries = np.array([code(c) for c in ("JPN", "USA", "TWN", "KOR", "CHN", "RUS", None)], np.int16)
    day = rng.integers(-9000, 50000, n).astype(np.int32)  # 1945 to 2106
    tri = np.array([TRI_NONE, 0, 1], np.int8)
    frame = ScenarioFrame(
        day=day,
        event=rng.integers(0, len(Event), n).astype(np.int8),
        target=countries[rng.integers(0, len(countries), n)],
        lat=rng.uniform(20, 45, n), lon=rng.uniform(120, 150, n),
        us_action=rng.integers(0, len(UsAction), n).astype(np.int8),
        termination_notice_day=np.where(rng.random(n) < 0.1, day - 400, FOREVER).astype(np.int32),
        armed_attack_judged=tri[rng.integers(0, 3, n)],
        survival_threatening_certified=tri[rng.integers(0, 3, n)],
        ids=[],
        operation_area=rng.integers(0, len(OperationArea), n).astype(np.int8),
    )
    zone = rng.integers(-1, len(Zone), n).astype(np.int8)
    located = zone != NULL
    admin = countries[rng.integers(0, len(countries), n)]
    place = Place(
        zone=zone,
        unit=np.where(located, rng.integers(-1, len(UNITS), n), NULL).astype(np.int16),
        administered_by=np.where(located, admin, NULL).astype(np.int16),
        claims=np.where(located, rng.integers(0, 3, n), 0).astype(np.int16),
        coast_distance_nm=np.where(located, rng.uniform(0, 300, n), np.nan).astype(np.float32),
        territorial_sea_nm=np.where(located & (rng.random(n) < 0.5), 12.0, np.nan).astype(np.float32),
        specified_area=np.where(rng.random(n) < 0.05, 0, NULL).astype(np.int8),
    )
    return frame, place


def _piece(frame: ScenarioFrame, place: Place, lo: int, hi: int) -> tuple[ScenarioFrame, Place]:
    def cut(obj: object) -> dict[str, object]:
        return {k: (v[lo:hi] if isinstance(v, np.ndarray) else v) for k, v in vars(obj).items()}

    return ScenarioFrame(**cut(frame)), Place(**cut(place))  # type: ignore[arg-type]


def test_long_columns_equal_small_pieces(context: LawContext) -> None:
    n = LONG_COLUMN_ROWS + 3 * PIECE + 17
    frame, place = _random(n, seed=19)
    whole = evaluate(frame, place, context)
    for lo in range(0, n, PIECE):
        hi = min(n, lo + PIECE)
        part = evaluate(*_piece(frame, place, lo, hi), context)
        for c in whole.ruleset.conditions:
            got, want = whole[c.name][lo:hi], part[c.name]
            assert got.dtype == want.dtype, c.name
            assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), (c.name, lo)
            for i in range(0, hi - lo, 97):  # assumption marks, sampled
                assert whole.assumed(c.name, lo + i) == part.assumed(c.name, i), (c.name, lo + i)
