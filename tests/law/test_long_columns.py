"""The law over long columns gives each row the value it gets alone.

Long columns take other code paths than one scenario does: the branch-free code arithmetic
of `law.common` (from 4,096 rows), the allocator setting of `law.engine.reuse_freed_memory`
(from LONG_COLUMN_ROWS rows), and the formulas' shortcuts on whole columns (`.any()`,
`.all()`). Random rows over every event, action, operation area, zone and place code,
evaluated together, must equal the same rows evaluated in small pieces.
"""

from __future__ import annotations

import numpy as np
from law_places import random_rows

from anpo.core.scenario import ScenarioFrame
from anpo.geo.place import Place
from anpo.law.common import LawContext
from anpo.law.engine import LONG_COLUMN_ROWS
from anpo.law.rules import evaluate

PIECE = 1000  # rows a small evaluation (below the long-column thresholds)


def _random(n: int, seed: int) -> tuple[ScenarioFrame, Place]:
    return random_rows(n, seed, ("JPN", "USA", "TWN", "KOR", "CHN", "RUS", None),
                       territorial_sea_share=0.5, specified_area_share=0.05)


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
