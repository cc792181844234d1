"""POST /v1/assess?fields=compact: the batch row of each scenario, equal to the single path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anpo.core.codes import Event, OperationArea, UsAction
from anpo.core.dates import FIRST_DATE, LAST_DATE
from anpo.core.errors import InputError
from anpo.core.scenario import ScenarioFrame
from anpo.io import compact_results
from anpo.io.compact_results import FIELDS, compact_json, compact_rows, frame_json, frame_rows
from anpo.law.assess import assess_raw, parse
from anpo.law.whatif import WhatIf

SENKAKU = {"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}

# Points where the answers turn: disputed and reverted islands, straits, the open sea, land.
PLACES = [(25.743, 123.473), (26.35, 127.77), (33.45, 129.9), (34.6, 129.3), (37.24, 131.87),
          (43.8, 146.0), (24.3, 124.15), (13.45, 144.8), (35.68, 139.77), (25.0, 121.5)]
points = st.one_of(
    st.none(),
    st.sampled_from(PLACES),
    st.tuples(st.floats(20, 46, allow_nan=False), st.floats(118, 150, allow_nan=False)),
)
stated = st.one_of(
    st.none(),
    st.fixed_dictionaries({}, optional={
        "armed_attack_judged": st.booleans(),
        "survival_threatening_certified": st.booleans(),
        "termination_notice": st.dates(dt.date(1970, 6, 23), dt.date(2100, 12, 31)).map(str),
    }),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {
        "date": str(draw(st.dates(FIRST_DATE, LAST_DATE))),
        "event": draw(st.sampled_from([e.name for e in Event])),
        "us_action": draw(st.sampled_from([a.name for a in UsAction])),
    }
    target = draw(st.sampled_from(["JPN", "USA", "TWN", "KOR", "PHL", None]))
    if target is not None:
        out["target"] = target
    point = draw(points)
    if point is not None:
        out["lat"], out["lon"] = round(point[0], 4), round(point[1], 4)
    area = draw(st.sampled_from([None, *(a.name for a in OperationArea)]))
    if area is not None:
        out["operation_area"] = area
    assumptions = draw(stated)
    if assumptions:
        out["assume"] = assumptions
    if draw(st.booleans()):
        out["id"] = f"s{draw(st.integers(0, 999))}"
    assume(_parses(out))  # e.g. an armed attack needs a place: the error tests cover those
    return out


def _parses(row: dict[str, Any]) -> bool:
    try:
        parse(dict(row))
    except InputError:
        return False
    return True


def as_compact(full: dict[str, Any]) -> dict[str, Any]:
    """The compact row's fields read off a full result of the single-scenario path."""
    place, japan, us = full["place"], full["japan"], full["us"]
    return {
        "id": full["id"],
        "date": full["date"],
        "zone": place["zone"],
        "administered_by": place["administered_by"],
        "claimed_by": ",".join(place["claimed_by"]) or None,
        "place": place["name"],
        "security_treaty_in_force": full["treaty"] or "none",
        "article5": full["article5"]["status"],
        "un_security_council_report_required": full["article5"]["un_security_council_report_required"],
        "agreed_minute_applies": full["agreed_minute"]["applies"],
        "prior_consultation_required": full["prior_consultation"]["required"],
        "korea_minute_noted": full["prior_consultation"]["korea_minute"],
        "defense_operation_available": japan["individual_self_defense"],
        "collective_self_defense_legal_basis": japan["collective_self_defense_legal_basis"],
        "collective_self_defense_available": japan["collective_self_defense_available"],
        "survival_threatening_situation": japan["survival_threatening_situation"],
        "japan_situation": japan["situation"],
        "rear_area_support": japan["rear_area_support"],
        "diet_approval_required": japan["diet_approval_required"],
        "maritime_security_operations_available": "maritime_security_operations" in japan["measures"],
        "ballistic_missile_destruction_measures_available":
            "ballistic_missile_destruction_measures" in japan["measures"],
        "war_powers_report_required": us["war_powers_report_hours"] is not None,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(scenarios(), min_size=1, max_size=40))
def test_compact_rows_equal_the_single_scenario_path(rows: list[dict[str, Any]]) -> None:
    parsed, _ = parse(rows)
    compact = compact_rows(parsed)
    assert [list(r) for r in compact] == [list(FIELDS)] * len(rows)
    for i, row in enumerate(rows):
        single, _ = assess_raw(dict(row))  # one scenario: exact geography, with explanation
        assert compact[i] == as_compact(single[0]), i


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(scenarios(), min_size=1, max_size=40), st.data())
def test_frame_json_is_the_rows_json(monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]],
                                     data: st.DataObject) -> None:
    """The list worker's JSON written from codes is orjson's text of the compact rows, byte for
    byte: any id text (quotes, escapes, non-ASCII, null), under a what-if too, and with the
    remembered texts of code combinations emptied as they fill (a tiny bound here)."""
    parsed, _ = parse(rows)
    frame = ScenarioFrame.from_scenarios(parsed)
    ids = data.draw(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=len(rows),
                             max_size=len(rows)))
    dates = [s.date.isoformat() for s in parsed]
    monkeypatch.setattr(compact_results, "_SEEN_MAX", data.draw(st.sampled_from([0, 3, 1 << 12])))
    for whatif in (None, WhatIf.parse(["jp-peace-security-legislation-2015"], ())):
        expected = orjson.dumps(frame_rows(frame, ids, dates, whatif=whatif))
        assert frame_json(frame, ids, dates, whatif=whatif) == expected
        assert frame_json(frame, ids, dates, whatif=whatif) == expected  # texts remembered
        assert compact_json(parsed, whatif=whatif) == orjson.dumps(compact_rows(parsed, whatif=whatif))


@pytest.mark.parametrize("ids", [
    ["a\\", ",", "b,c", "\x00", "\n", "é東京", "\\u0022", "", "x" * 200, "\u2028"],  # cut from one text
    ["a", 'say "no"', '","', None, "b", "\\", "c", "d", "e", "f"],  # a quote, a null: value by value
])
def test_frame_json_ids_cut_from_one_text(ids: list[str | None]) -> None:
    parsed, _ = parse([{**SENKAKU, "date": f"20{10 + i}-01-01"} for i in range(len(ids))])
    frame = ScenarioFrame.from_scenarios(parsed)
    dates = [s.date.isoformat() for s in parsed]
    assert frame_json(frame, ids, dates) == orjson.dumps(frame_rows(frame, ids, dates))
    assert [row["id"] for row in orjson.loads(frame_json(frame, ids, dates))] == ids


def test_frame_json_of_no_rows() -> None:
    frame = ScenarioFrame.from_scenarios([])
    assert frame_json(frame, [], []) == orjson.dumps(frame_rows(frame, [], [])) == b"[]"


def test_compact_under_a_what_if_equals_the_single_path() -> None:
    whatif = WhatIf.parse(["jp-peace-security-legislation-2015"], ())
    rows = [SENKAKU, {**SENKAKU, "target": "USA", "lat": 35.0, "lon": 135.0}]
    compact = compact_rows(parse(rows)[0], whatif=whatif)
    assert compact == [as_compact(assess_raw(dict(r), whatif=whatif)[0][0]) for r in rows]
    assert compact != compact_rows(parse(rows)[0])


def test_compact_over_http(client: TestClient) -> None:
    okinawa_1971 = {**SENKAKU, "date": "1971-05-01", "lat": 26.35, "lon": 127.77, "target": "USA"}
    r = client.post("/v1/assess?fields=compact", json=[SENKAKU, okinawa_1971])
    assert r.status_code == 200
    full = assess_raw([dict(SENKAKU), dict(okinawa_1971)], explain=False)[0]
    assert r.json() == [as_compact(x) for x in full]
    assert [x["article5"] for x in r.json()] == ["applies", "does_not_apply"]
    one = client.post("/v1/assess?fields=compact", json=SENKAKU).json()
    assert one == as_compact(assess_raw(dict(SENKAKU))[0][0])
    what_if = client.post("/v1/assess?fields=compact&without=jp-peace-security-legislation-2015",
                          json=[SENKAKU] * 5).json()
    assert what_if[0]["collective_self_defense_legal_basis"] is False


def test_compact_keeps_the_error_contract(client: TestClient) -> None:
    no_lon = {k: v for k, v in SENKAKU.items() if k != "lon"}
    r = client.post("/v1/assess?fields=compact", json=[SENKAKU, SENKAKU, no_lon])
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", 2, "lon"]]
    r = client.post("/v1/assess?fields=compact", json=[SENKAKU] * 6 + [{**SENKAKU, "target": "XXX"}])
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["body", 6, "target"]]
    r = client.post("/v1/assess?fields=compact&explain=true", json=[SENKAKU])
    assert r.status_code == 422
    assert [d["loc"] for d in r.json()["detail"]] == [["query", "explain"]]
    assert client.post("/v1/assess?fields=short", json=[SENKAKU]).status_code == 422
