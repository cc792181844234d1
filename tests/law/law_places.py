"""Helpers for law tests: Place columns built directly (the law's real input, not a mock)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from anpo.core.codes import NULL, Event, OperationArea, UsAction, Zone, country_code
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


def random_rows(n: int, seed: int, countries: tuple[str | None, ...], *, stated_area_share: float = 1.0,
                territorial_sea_share: float = 1.0, specified_area_share: float = 0.0
                ) -> tuple[ScenarioFrame, Place]:
    """Random rows over every event, action, operation area, zone and place code (days 1945-2106).

    `stated_area_share`: the share of rows that state an operation area (the rest state none);
    `territorial_sea_share`: the share of located rows with a 12 nm sea; `specified_area_share`:
    the share in the specified area."""
    rng = np.random.default_rng(seed)
    codes = np.array([code(c) for c in countries], np.int16)
    day = rng.integers(-9000, 50000, n).astype(np.int32)
    tri = np.array([TRI_NONE, 0, 1], np.int8)
    frame = ScenarioFrame(
        day=day,
        event=rng.integers(0, len(Event), n).astype(np.int8),
        target=codes[rng.integers(0, len(codes), n)],
        lat=rng.uniform(20, 45, n), lon=rng.uniform(120, 150, n),
        us_action=rng.integers(0, len(UsAction), n).astype(np.int8),
        termination_notice_day=np.where(rng.random(n) < 0.1, day - 400, FOREVER).astype(np.int32),
        armed_attack_judged=tri[rng.integers(0, 3, n)],
        survival_threatening_certified=tri[rng.integers(0, 3, n)],
        ids=[],
        operation_area=_share(rng, n, stated_area_share, rng.integers(0, len(OperationArea), n), 0)
        .astype(np.int8),
    )
    zone = rng.integers(-1, len(Zone), n).astype(np.int8)
    located = zone != NULL
    admin = codes[rng.integers(0, len(codes), n)]
    unit = np.where(located, rng.integers(-1, len(UNITS), n), NULL).astype(np.int16)
    place = Place(
        zone=zone,
        unit=unit,
        administered_by=np.where(located, admin, NULL).astype(np.int16),
        claims=np.where(located, rng.integers(0, 3, n), 0).astype(np.int16),
        coast_distance_nm=np.where(located, rng.uniform(0, 300, n), np.nan).astype(np.float32),
        territorial_sea_nm=np.where(located & _share(rng, n, territorial_sea_share, True, False),
                                    12.0, np.nan).astype(np.float32),
        specified_area=_share(rng, n, specified_area_share, 0, NULL).astype(np.int8),
    )
    return frame, place


def _share(rng: np.random.Generator, n: int, share: float, yes: object, no: object) -> np.ndarray:
    """`yes` on a random `share` of n rows, else `no`; no draw when the share is 0 or 1."""
    if share >= 1.0:
        return np.broadcast_to(np.asarray(yes), (n,)).copy()
    if share <= 0.0:
        return np.full(n, no)
    return np.where(rng.random(n) < share, yes, no)
