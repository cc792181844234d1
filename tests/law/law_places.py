"""Helpers for law tests: Place columns built directly (the law's real input, not a mock)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from anpo.core.codes import NULL, Zone, country_code
from anpo.core.dates import FOREVER
from anpo.core.scenario import TRI_NONE, ScenarioFrame
from anpo.geo.place import AdminPeriod, Place, Unit
from anpo.law.common import LawContext


def _period(start: str, admin: str | None, claims: tuple[str, ...] = (), instrument: str | None = None
            ) -> AdminPeriod:
    return AdminPeriod(dt.date.fromisoformat(start), admin, claims, "test period", "test", "confirmed",
                       instrument)


UNITS = [
    Unit(0, "ryukyu", "Ryukyu Islands", "japan",
         (_period("1945-09-02", "USA", (), "treaty-of-peace-1951/art-3"), _period("1972-05-15", "JPN"))),
    Unit(1, "northern-territories", "Northern Territories", "japan",
         (_period("1945-09-02", "RUS", ("JPN",)),)),
    Unit(2, "jp-main", "Japan (main islands)", "japan", (_period("1945-09-02", "JPN"),)),
    Unit(3, "korea", "Republic of Korea", "12nm", (_period("1945-09-02", "KOR"),)),
]
CLAIM_SETS = [(), ("JPN",), ("CHN", "TWN")]
SPECIFIED_AREAS = ["Tsugaru Strait"]


def law_context() -> LawContext:
    return LawContext.build(UNITS, CLAIM_SETS, SPECIFIED_AREAS)


def code(alpha3: str | None) -> int:
    return NULL if alpha3 is None else country_code(alpha3)


def make_place(n: int, zone: int | None, unit: int | None, admin: str | None, claims: int = 0,
               distance: float = float("nan"), breadth: float = float("nan"),
               specified: int | None = None) -> Place:
    def col(value: float | int | None, dtype: type) -> np.ndarray:
        return np.full(n, NULL if value is None else value, dtype=dtype)

    return Place(
        zone=col(zone, np.int8), unit=col(unit, np.int16), administered_by=col(code(admin), np.int16),
        claims=col(claims if zone is not None else 0, np.int16),
        coast_distance_nm=col(distance, np.float32), territorial_sea_nm=col(breadth, np.float32),
        specified_area=col(specified, np.int8),
    )


def make_frame(days: np.ndarray, event: int, target: str | None, us_action: int = 0,
               notice_day: int = FOREVER, judged: int = TRI_NONE, certified: int = TRI_NONE,
               located: bool = True) -> ScenarioFrame:
    n = len(days)
    return ScenarioFrame(
        day=days.astype(np.int32), event=np.full(n, event, np.int8),
        target=np.full(n, code(target), np.int16),
        lat=np.full(n, 26.0 if located else np.nan), lon=np.full(n, 127.0 if located else np.nan),
        us_action=np.full(n, us_action, np.int8), termination_notice_day=np.full(n, notice_day, np.int32),
        armed_attack_judged=np.full(n, judged, np.int8),
        survival_threatening_certified=np.full(n, certified, np.int8), ids=[None] * n,
    )


LAND = int(Zone.land)
SEA = int(Zone.territorial_sea)
OUTSIDE = int(Zone.outside)
