"""The instruments the geography names (units.yaml `instrument`) and how the law cites them."""

from __future__ import annotations

import datetime as dt

import numpy as np
from law_places import LAND, SEA, make_frame, make_place

from anpo.core.codes import Event
from anpo.core.dates import to_day
from anpo.geo import units
from anpo.geo.place import AdminPeriod, Unit
from anpo.law import instruments
from anpo.law.common import LawContext
from anpo.law.rules import evaluate

ADMINISTERED = "in_territories_under_japanese_administration"


def test_every_instrument_in_units_yaml_resolves() -> None:
    named = [(u.id, p) for u in units() for p in u.history if p.instrument is not None]
    assert len(named) >= 10
    for unit_id, p in named:
        citation = instruments.cite(p.instrument)  # DataError if the id is not shipped
        # An official link, or (when no official address is known) the document named instead.
        assert citation.url.startswith("http") or instruments.instrument_of(p.instrument).document, unit_id


def test_reversions_name_the_agreement_that_took_effect_that_day() -> None:
    by_id = {u.id: u for u in units()}
    expected = {
        "ryukyu": "okinawa-reversion-1971/art-1", "daito": "okinawa-reversion-1971/art-1",
        "senkaku": "okinawa-reversion-1971/art-1", "amami": "amami-reversion-1953/return",
        "ogasawara": "ogasawara-reversion-1968/return", "tokara": "tokara-reversion-1952/return",
    }
    for unit_id, provision in expected.items():
        period = by_id[unit_id].history[-1]
        assert period.administered_by == "JPN" and period.instrument == provision
        assert instruments.instrument_of(provision).in_force == period.start, unit_id
    assert by_id["takeshima"].history[-1].instrument == "jp-cabinet-answer-2014-05-30/takeshima"


def _period(
    start: str, admin: str, claims: tuple[str, ...] = (), instrument: str | None = None
) -> AdminPeriod:
    return AdminPeriod(dt.date.fromisoformat(start), admin, claims, "test", "test", "confirmed", instrument)


# Made-up units: the law must read the instrument from the period, not from the date or id.
UNITS = [
    Unit(0, "isle-a", "Isle A", "japan",
         (_period("1945-09-02", "USA"), _period("1980-01-01", "JPN", (), "amami-reversion-1953/return"))),
    Unit(1, "isle-b", "Isle B", "japan",
         (_period("1945-09-02", "USA", (), "treaty-of-peace-1951/art-3"), _period("1972-05-15", "JPN"))),
    Unit(2, "rocks", "Rocks", "12nm",
         (_period("1945-09-02", "KOR", ("JPN",), "jp-cabinet-answer-2014-05-30/takeshima"),)),
    Unit(3, "reef", "Reef", "12nm", (_period("1945-09-02", "KOR", ("JPN",)),)),
    # U.S. administration in its own right (Guam, the Northern Marianas): never Art. III.
    Unit(4, "atoll", "Atoll", "12nm", (_period("1945-09-02", "USA"),)),
]


def _cites(date: str, place: tuple) -> list[str]:
    context = LawContext.build(UNITS, [(), ("JPN",)], [])
    frame = make_frame(np.array([to_day(dt.date.fromisoformat(date))]), int(Event.armed_attack), "JPN")
    ev = evaluate(frame, make_place(1, *place), context)
    return list(ev.citations(ADMINISTERED, 0))


def test_reversion_citation_comes_from_the_period() -> None:
    assert "amami-reversion-1953/return" in _cites("1980-01-01", (LAND, 0, "JPN"))
    # Returned on the Okinawa reversion day, but the data names no instrument: none is guessed.
    assert not any("reversion" in c for c in _cites("1980-01-01", (LAND, 1, "JPN")))


def test_claimed_but_not_administered_cites_the_periods_statement_from_its_day() -> None:
    assert "jp-cabinet-answer-2014-05-30/takeshima" in _cites("2014-05-30", (SEA, 2, "KOR", 1))
    assert "jp-cabinet-answer-2014-05-30/takeshima" not in _cites("2014-05-29", (SEA, 2, "KOR", 1))
    assert "jp-cabinet-answer-2014-05-30/takeshima" not in _cites("2020-01-01", (SEA, 3, "KOR", 1))
    assert "jp-cabinet-answer-2019-11-29/not-administered" in _cites("2020-01-01", (SEA, 3, "KOR", 1))


def test_article3_islands_only_once_the_peace_treaty_is_in_force() -> None:
    context = LawContext.build(UNITS, [(), ("JPN",)], [])

    def article3(date: str, unit: int = 1) -> bool:
        frame = make_frame(np.array([to_day(dt.date.fromisoformat(date))]), int(Event.armed_attack), "USA")
        ev = evaluate(frame, make_place(1, LAND, unit, "USA"), context)
        return bool(ev.value("article3_islands_under_us_administration", 0))

    assert not article3("1952-04-27")  # occupation, not Art. III administration
    assert article3("1952-04-28")
    assert article3("1972-05-14")
    assert not article3("1972-05-15")  # reverted


def test_article3_islands_are_those_the_peace_treaty_placed_under_us_administration() -> None:
    context = LawContext.build(UNITS, [(), ("JPN",)], [])
    assert context.article3_unit.tolist() == [False, True, False, False, False]
    frame = make_frame(np.array([to_day(dt.date(1965, 1, 1))]), int(Event.armed_attack), "USA")
    ev = evaluate(frame, make_place(1, LAND, 4, "USA"), context)
    assert not ev.value("article3_islands_under_us_administration", 0)
    hint = ev.hint("article3_islands_under_us_administration", 0) or ""
    assert "never placed under U.S. administration" in hint
