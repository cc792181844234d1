"""A compact list read straight into columns (anpo.api.compact_lists, issue 19): the answer is
the ordinary way's answer, byte for byte, and every body the columns path is not sure of
(anything the request model, the library's parser or the strict JSON check might refuse, or
a row it does not handle) is declined, so that the ordinary way gives its 422 unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anpo.api import list_pool
from anpo.api.compact_lists import list_columns
from anpo.api.list_pool import answer_list
from anpo.api.models import EVENTS, OPERATION_AREAS, US_ACTIONS
from anpo.core.codes import LOCATED_EVENTS
from anpo.core.dates import FIRST_DATE, LAST_DATE

LOCATED = {e.name for e in LOCATED_EVENTS}
PLACES = [(25.743, 123.473), (26.35, 127.77), (37.24, 131.87), (43.8, 146.0), (35.68, 139.77),
          (25.0, 121.5), (0, 0), (-90, 180), (90.0, -180.0), (-0.0, 12)]


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    event = draw(st.sampled_from(EVENTS))
    row: dict[str, Any] = {"date": str(draw(st.dates(FIRST_DATE, LAST_DATE))), "event": event}
    if draw(st.booleans()):
        row["id"] = draw(st.one_of(st.none(), st.text(max_size=20)))
    if event != "none" or draw(st.booleans()):
        row["target"] = draw(st.sampled_from(["JPN", "USA", "TWN", "KOR", "CHN", "PHL"]))
    if event in LOCATED or draw(st.booleans()):
        lat, lon = draw(st.one_of(st.sampled_from(PLACES), st.tuples(
            st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False))))
        row["lat"], row["lon"] = lat, lon
    if draw(st.booleans()):
        row["us_action"] = draw(st.sampled_from(US_ACTIONS))
    if draw(st.booleans()):
        row["operation_area"] = draw(st.one_of(st.none(), st.sampled_from(OPERATION_AREAS)))
    return row


def _ordinary(body: bytes, query: str, monkeypatch: pytest.MonkeyPatch) -> bytes | None:
    with monkeypatch.context() as m:
        m.setattr(list_pool, "_compact_columns", lambda body, params: None)
        return answer_list(body, query)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rows(), min_size=1, max_size=40))
def test_the_columns_answer_is_the_ordinary_answer(monkeypatch: pytest.MonkeyPatch,
                                                   body: list[dict[str, Any]]) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    for query in ("fields=compact", "fields=compact&without=jp-peace-security-legislation-2015"):
        fast = list_pool._compact_columns(raw, list_pool._query(query))  # type: ignore[arg-type]
        assert fast is not None
        assert fast == _ordinary(raw, query, monkeypatch)


GOOD = {"id": "a", "date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 25.7, "lon": 123.4}


@pytest.mark.parametrize("body", [
    b'[{"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": NaN, "lon": 1}]',
    b'[{"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 1e999, "lon": 1}]',
    b'[{"id": "\\ud800", "date": "2026-01-01", "event": "none"}]',  # a lone surrogate
    b'[{"date": "2026-01-01", "event": "none"},]',  # malformed
    b'[]', b'{}', b'"x"', json.dumps([GOOD] * 1001).encode(),
])
def test_bodies_the_strict_check_or_the_model_refuse_are_declined(body: bytes) -> None:
    assert list_columns(body) is None


@pytest.mark.parametrize("change", [
    {"lat": 90.5}, {"lon": -180.01}, {"lat": True}, {"lat": "25"}, {"lat": None},
    {"date": "2026-02-30"}, {"date": "2026-1-01"}, {"date": "1945-09-01"}, {"date": "٢٠٢٦-01-01"},
    {"date": None}, {"date": ["2026-01-01"]}, {"event": "invasion"}, {"event": None}, {"event": ["none"]},
    {"target": "jpn"}, {"target": "XXX"}, {"target": None}, {"us_action": None}, {"us_action": "nuke"},
    {"operation_area": "mars"}, {"id": 5}, {"id": "x" * 201}, {"assume": {"armed_attack_judged": True}},
    {"assume": None}, {"extra": 1}, {"lat": [1]},
])
def test_rows_the_model_or_the_parser_might_refuse_are_declined(change: dict[str, Any]) -> None:
    # in one row of several, and in every row (rows stating the same fields are read together)
    for body in ([GOOD, {**GOOD, **change}], [{**GOOD, **change}] * 3):
        assert list_columns(json.dumps(body, ensure_ascii=False).encode()) is None
    assert list_columns(json.dumps([GOOD, GOOD]).encode()) is not None


def test_rows_in_any_field_order_give_the_ordinary_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    reordered = dict(reversed(list(GOOD.items())))
    okinawa = {**GOOD, "date": "1971-05-01", "lat": 26.35, "lon": 127.77, "target": "USA",
               "us_action": "combat_operations_from_japan", "operation_area": None}
    empty_ids = [{**GOOD, "id": None}, {**GOOD, "id": ""}]  # ids null or empty, none longer
    for body in ([GOOD, reordered, okinawa], [reordered, reordered], [okinawa, okinawa], empty_ids):
        raw = json.dumps(body).encode()
        fast = list_pool._compact_columns(raw, list_pool._query("fields=compact"))  # type: ignore[arg-type]
        assert fast is not None
        assert fast == _ordinary(raw, "fields=compact", monkeypatch)


def test_a_located_event_without_a_place_is_declined() -> None:
    row = {k: v for k, v in GOOD.items() if k not in ("lat", "lon")}
    assert list_columns(json.dumps([row]).encode()) is None
    assert list_columns(json.dumps([{**row, "event": "cyber_attack"}]).encode()) is not None


def test_dates_are_read_as_numpy_reads_them_and_non_days_are_declined() -> None:
    """The date column's day numbers for every day anpo takes, and a month or day that is not
    in the calendar (February 29 outside leap years, April 31, month 13, day 0) declined."""
    import numpy as np

    from anpo.api.compact_lists import _days, _Decline

    every = np.arange(np.datetime64(FIRST_DATE), np.datetime64(LAST_DATE) + 1)
    assert np.array_equal(_days(every.astype(str).tolist()), every.astype(np.int64))
    for text in ("2026-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                 "2026-01-00", "2026-01-32"):
        with pytest.raises(_Decline):
            _days(["2026-01-01", text])
    assert _days(["2024-02-29", "2000-02-29"]).tolist() == [19782, 11016]
