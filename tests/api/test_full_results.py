"""A list's full results written by distinct legal readings (anpo.api.full_results, issue 19):
byte for byte `orjson.dumps` of the ordinary results (`assess_raw(..., explain=False)`) for
random lists across events, targets, dates since 1952 (law-change days and their
neighbours among them), places on land, at sea and on coasts, U.S. actions, ids and
what-ifs; texts learnt from earlier lists give later lists the same bytes; and what this
way does not take is declined, so that the ordinary way answers (explanations, bodies the
columns path declines)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from anpo.api import full_results, list_pool
from anpo.api.compact_lists import list_columns
from anpo.api.full_results import _Memory, full_json
from anpo.api.list_pool import _query, answer_list
from anpo.api.models import EVENTS, OPERATION_AREAS, US_ACTIONS
from anpo.api.routes.assess import _full_list
from anpo.core.codes import LOCATED_EVENTS
from anpo.core.dates import FIRST_DATE, LAST_DATE, from_day
from anpo.law.assess import assess_raw
from anpo.law.whatif import WhatIf

LOCATED = {e.name for e in LOCATED_EVENTS}
# Land, territorial seas, straits, open sea; islands whose administration changed (Okinawa,
# Amami, the Bonins, the Senkakus), places Japan claims but does not administer (Takeshima,
# the Northern Territories), Guam, Taiwan, the Korean peninsula, off the region.
PLACES = [(35.68, 139.77), (26.35, 127.77), (24.45, 122.99), (25.743, 123.473), (37.24, 131.87),
          (43.8, 146.0), (43.67, 145.5), (28.3, 129.5), (27.09, 142.19), (24.78, 141.32), (13.44, 144.79),
          (25.0, 121.5), (37.56, 126.98), (39.0, 125.75), (34.0, 129.5), (41.5, 140.5), (35.5, 139.85),
          (30.0, 135.0), (33.9, 130.9), (26.2, 127.6), (0.0, 0.0), (-33.9, 151.2), (90.0, -180.0)]
WHATIFS = ["", "without=jp-peace-security-legislation-2015", "in_force=us-japan-1960=1958-01-01",
           "without=us-japan-1960&without=jp-peace-security-legislation-2015"]
# Days the law turns on (entries into force, reversions, statements), from which rows are
# drawn with their neighbours: the comparisons the texts are keyed by.
TURNS = ["1952-04-28", "1953-12-25", "1954-07-01", "1960-06-23", "1968-06-26", "1972-05-15",
         "1973-11-07", "1977-07-01", "1979-04-10", "1999-08-25", "2003-06-13", "2014-07-01",
         "2016-03-29", "2019-04-19", "2023-01-11", "2014-05-30"]


def _date(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return str(draw(st.dates(FIRST_DATE, LAST_DATE)))
    turn = np.datetime64(draw(st.sampled_from(TURNS)))
    return str(turn + np.timedelta64(draw(st.integers(-1, 1)), "D"))


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    event = draw(st.sampled_from(EVENTS))
    row: dict[str, Any] = {"date": _date(draw), "event": event}
    if draw(st.booleans()):
        odd = st.sampled_from(['a"b', "a\\b", "\n", "é", "\x00"])
        row["id"] = draw(st.one_of(st.none(), st.text(max_size=12), odd))
    if event != "none" or draw(st.booleans()):
        row["target"] = draw(st.sampled_from(["JPN", "USA", "TWN", "KOR", "CHN", "PHL", "RUS"]))
    if event in LOCATED or draw(st.booleans()):
        lat, lon = draw(st.sampled_from(PLACES))
        if draw(st.booleans()):  # near the place: coasts and the territorial sea's edge
            lat = min(90.0, max(-90.0, lat + draw(st.floats(-0.3, 0.3))))
            lon = min(180.0, max(-180.0, lon + draw(st.floats(-0.3, 0.3))))
        row["lat"], row["lon"] = lat, lon
    if draw(st.booleans()):
        row["us_action"] = draw(st.sampled_from(US_ACTIONS))
    if draw(st.booleans()):
        row["operation_area"] = draw(st.one_of(st.none(), st.sampled_from(OPERATION_AREAS)))
    return row


def _whatif(query: str) -> WhatIf | None:
    params = _query(query)
    assert params is not None
    without, in_force = params["without"], params["in_force"]
    return WhatIf.parse(without or (), in_force or ()) if (without or in_force) else None


def _expected(body: list[dict[str, Any]], query: str) -> bytes:
    return orjson.dumps(assess_raw(body, explain=False, whatif=_whatif(query))[0])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rows(), min_size=1, max_size=40), st.sampled_from(WHATIFS))
def test_the_written_list_is_orjson_of_the_ordinary_results(body: list[dict[str, Any]], query: str) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    expected = _expected(body, query)
    fast = list_pool._full_columns(raw, _query(query))  # type: ignore[arg-type]
    assert fast is not None
    assert fast == expected
    assert answer_list(raw, query) == expected  # a list worker's answer
    assert _full_list(body, _whatif(query)) == expected  # the route's, from parsed scenarios


@settings(max_examples=10, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=20))
def test_rows_with_assumptions_take_their_own_input_hash(body: list[dict[str, Any]]) -> None:
    for i, row in enumerate(body):
        if i % 2 == 0:
            row["assume"] = {"armed_attack_judged": i % 4 == 0, "survival_threatening_certified": True}
            if i % 3 == 0:
                row["assume"]["termination_notice"] = "2030-01-01"
    assert _full_list(body, None) == _expected(body, "")


def _random(n: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    events = [e for e in EVENTS if e != "none"]
    out: list[dict[str, Any]] = []
    for i in range(n):
        lat, lon = PLACES[int(rng.integers(len(PLACES)))]
        out.append({"id": f"s{i}", "date": str(from_day(int(rng.integers(-6400, 47000)))),
                    "event": events[int(rng.integers(len(events)))],
                    "target": ["JPN", "USA", "TWN", "KOR"][int(rng.integers(4))],
                    "lat": float(np.clip(lat + rng.normal(0, 0.2), -90, 90)),
                    "lon": float(np.clip(lon + rng.normal(0, 0.2), -180, 180)),
                    "us_action": US_ACTIONS[int(rng.integers(len(US_ACTIONS)))]})
    return out


def _written(body: list[dict[str, Any]], memory: _Memory, query: str = "") -> bytes | None:
    columns = list_columns(json.dumps(body).encode())
    assert columns is not None
    return full_json(*columns, whatif=_whatif(query), memory=memory)


def test_days_around_every_bound_the_law_compared_with_are_written_as_the_ordinary_way() -> None:
    """A memory taught by a random list, then rows on each day the law compared the day
    with, and the days either side of it, at each place: every text found or built is right."""
    memory = _Memory()
    taught = _random(400, seed=1)
    assert _written(taught, memory) == _expected(taught, "")
    (readings,) = memory.by_whatif.values()
    bounds = [int(b) for b in readings.bounds[1:-1] if -6500 < b < 47000]
    assert len(bounds) >= 5  # the law compares the day with its entries into force
    body = [{"id": f"{b}{d}", "date": str(from_day(b + d)), "event": event, "target": target,
             "lat": lat, "lon": lon, "us_action": action}
            for b in bounds for d in (-1, 0, 1) for (lat, lon) in PLACES[::3]
            for event, target, action in (("armed_attack", "JPN", "none"),
                                          ("cyber_attack", "USA", "combat_operations_from_japan"))]
    for at in range(0, len(body), 1000):
        part = body[at:at + 1000]
        assert _written(part, memory) == _expected(part, "")
        assert _written(part, _Memory()) == _expected(part, "")  # built afresh


def test_each_static_key_is_split_only_at_the_days_its_own_results_compared() -> None:
    """A text's day part is an interval among its own static key's bounds (not every number
    any key's results compared the day with), and days anywhere in it get the same bytes."""
    memory = _Memory()
    taught = _random(400, seed=4)
    assert _written(taught, memory) == _expected(taught, "")
    (readings,) = memory.by_whatif.values()
    everything = set(readings.bounds.tolist())
    assert any(len(b) < len(everything) for b in readings.key_bounds.values())
    for key, part, _ in readings.texts:
        if len(part) == 3:
            own = readings.key_bounds.get(key, (int(readings.bounds[0]), int(readings.bounds[-1])))
            assert part[0] in own and part[1] in own
            assert [b for b in own if part[0] < b < part[1]] == []
    # The taught rows on other days (other intervals, other keys, some new): the same bytes.
    again = [dict(r, date=str(from_day(d))) for r in taught[:100] for d in (-6000, 0, 15000, 19000, 46000)]
    for at in range(0, len(again), 1000):
        part = again[at:at + 1000]
        assert _written(part, memory) == _expected(part, "")


def test_rows_sharing_a_reading_are_built_once_and_keep_their_own_id_date_and_receipt() -> None:
    memory = _Memory()
    body = [{"id": i, "date": date, "event": "armed_attack", "target": "JPN", "lat": 35.68, "lon": 139.77}
            for i, date in (("a", "2020-01-01"), (None, "2020-06-30"), ('q"uote', "2021-02-03"))]
    assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    assert len(readings.texts) == 1  # one legal reading, three rows
    results = json.loads(_written(body, memory) or b"")
    assert [r["id"] for r in results] == ["a", None, 'q"uote']
    assert len({r["receipt"]["input_sha256"] for r in results}) == 3


def test_a_day_used_otherwise_than_in_comparisons_keys_the_text_by_the_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A result that wrote the day itself (here a field added to every result's U.S. part)
    is kept by exact day: each day its own text, every one right."""
    from anpo.law import assess as law

    ordinary = law._us

    def writes_the_day(ev: Any, i: int) -> dict[str, Any]:
        out = ordinary(ev, i)
        out["day_number"] = str(ev.row(i)["day"])
        return out

    monkeypatch.setattr(law, "_us", writes_the_day)
    memory = _Memory()
    body = [{"date": date, "event": "armed_attack", "target": "JPN", "lat": 35.68, "lon": 139.77}
            for date in ("1965-01-01", "1965-01-02", "1971-12-31", "1980-01-01", "1980-01-01")]
    assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    assert readings.exact
    assert len(readings.texts) == 4  # one a day
    assert _written(body, memory) == _expected(body, "")


def test_okinawa_before_reversion_shares_texts_across_days() -> None:
    """Okinawa under U.S. administration: the note says when it reverted, found by comparing
    the day with the administration periods' starts, so days between the same bounds share
    a text, and days on and around the reversion are right."""
    memory = _Memory()
    body = [{"date": date, "event": "armed_attack", "target": "JPN", "lat": 26.35, "lon": 127.77}
            for date in ("1965-01-01", "1965-01-02", "1971-12-31", "1972-05-14", "1972-05-15",
                         "1972-05-16", "1980-01-01")]
    assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    assert not readings.exact
    assert _written(body, memory) == _expected(body, "")
    assert _written(body, _Memory()) == _expected(body, "")


def test_places_claimed_but_not_administered_share_texts_across_days() -> None:
    """Takeshima and the Northern Territories: the statement named for the day's
    administration period is found by comparing the day with the periods' starts, so their
    texts are kept by interval between bounds, not by exact day, and stay right on and
    around every period's start."""
    from anpo.core.dates import to_day
    from anpo.law.common import default_context

    memory = _Memory()
    ctx = default_context()
    starts = sorted({to_day(p.start) for u in ctx.units if u is not None for p in u.history})
    days = [d + k for d in starts for k in (-1, 0, 1) if -6400 < d < 47000] + [20000, 20001, 30000]
    body = [{"id": f"{lat}-{d}", "date": str(from_day(d)), "event": event, "target": "JPN",
             "lat": lat, "lon": lon}
            for d in days for lat, lon in ((37.24, 131.87), (43.8, 146.0), (43.67, 145.5))
            for event in ("armed_attack", "gray_zone")]
    for at in range(0, len(body), 1000):
        part = body[at:at + 1000]
        assert _written(part, memory) == _expected(part, "")
    (readings,) = memory.by_whatif.values()
    assert not readings.exact
    # Forty days in a row at the same places: a text for each place and event (two where the
    # days straddle a bound), not for each day.
    before = len(readings.texts)
    later = [dict(r, date=str(from_day(20000 + k))) for k in range(40) for r in body[:6]]
    assert _written(later, memory) == _expected(later, "")
    assert len(readings.texts) - before <= 2 * 6


def test_the_administration_period_by_day_number_is_the_one_of_the_day() -> None:
    """`LawContext.period_instrument` compares day numbers with the periods' starts: the
    same instrument as `Unit.period_on` of the day's date, on and around every start."""
    from anpo.core.dates import to_day
    from anpo.law.common import default_context

    ctx = default_context()
    checked = 0
    for code, unit in enumerate(ctx.units):
        if unit is None:
            continue
        for p in unit.history:
            for d in (to_day(p.start) - 1, to_day(p.start), to_day(p.start) + 1):
                period = unit.period_on(from_day(d))
                assert ctx.period_instrument(code, d) == (None if period is None else period.instrument)
                checked += 1
    assert checked > 10


def test_each_what_if_has_its_own_readings_and_the_actual_law_keeps_its_own() -> None:
    memory = _Memory()
    body = _random(200, seed=2)
    for query in WHATIFS + [""]:
        assert _written(body, memory, query) == _expected(body, query)
    assert len(memory.by_whatif) == len(WHATIFS)


def test_a_builder_reading_what_the_stand_in_lacks_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the per-row builder came to read something of the scenario this way does not give
    it (here its longitude), the list is declined rather than written wrong."""
    from anpo.law import assess as law

    ordinary = law.result

    def reads_more(ev: Any, place: Any, i: int, scenario: Any, **kw: Any) -> dict[str, Any]:
        out = ordinary(ev, place, i, scenario, **kw)
        out["lon"] = scenario.lon
        return out

    monkeypatch.setattr(law, "result", reads_more)
    assert _written(_random(5, seed=3), _Memory()) is None


def test_a_result_written_otherwise_than_its_sections_declines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The legal sections are found or built one by one and the result put together here:
    if `law.assess.result` came to write something more, the first text of a memory, checked
    against it, declines the list."""
    from anpo.law import assess as law

    ordinary = law.result

    def writes_more(ev: Any, place: Any, i: int, scenario: Any, **kw: Any) -> dict[str, Any]:
        return {**ordinary(ev, place, i, scenario, **kw), "more": 1}

    monkeypatch.setattr(law, "result", writes_more)
    assert _written(_random(5, seed=3), _Memory()) is None


def test_legal_sections_are_built_once_a_path_and_found_across_readings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A section is kept by the path its builder took (what it read of the row, how the day
    compared): texts of new readings find most of their sections (Japan's here) instead of
    building them, and every text stays right, on lists with what-ifs too."""
    from anpo.law import assess as law

    ordinary, builds = law._japan, [0]

    def counted(ev: Any, i: int) -> dict[str, Any]:
        builds[0] += 1
        return ordinary(ev, i)

    monkeypatch.setattr(law, "_japan", counted)
    for query in ("", "without=jp-peace-security-legislation-2015"):
        memory, texts, built = _Memory(), 0, 0
        for seed in (10, 11, 12):
            body = _random(150, seed=seed)
            expected = _expected(body, query)
            builds[0] = 0
            assert _written(body, memory, query) == expected
            (readings,) = memory.by_whatif.values()
            texts, built = len(readings.texts), built + builds[0] - (not texts)  # (the first: checked)
        assert 0 < built < texts / 3


def test_a_kept_path_asks_each_question_once_and_stays_right() -> None:
    """A section's builder reads some columns several times; its kept path asks each
    question (column, comparison, operand) once along the way, and the texts that later lists
    find through those paths are still the ordinary ones."""
    memory = _Memory()
    for seed in (20, 21, 22):
        body = _random(150, seed=seed)
        assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    paths = 0
    for root in readings.sections.values():
        stack: list[tuple[Any, frozenset[Any]]] = [(root, frozenset())]
        while stack:
            node, asked = stack.pop()
            if node.observation is None:
                paths += node.out is not None
                continue
            question = node.observation[:3]
            assert question not in asked
            stack += [(child, asked | {question}) for child in node.next.values()]
    assert paths >= len(readings.sections)


def test_a_list_leaves_no_cycles_for_the_collector() -> None:
    """A text's builder and its column readers let go of each other when the build ends:
    a list's work is freed by reference counting, none of it left for the collector."""
    import gc

    memory = _Memory()
    for seed in (23, 24):  # (the first text's check done, the geography's lazy parts built)
        _written(_random(150, seed=seed), memory)
    gc.collect()
    gc.disable()
    try:
        assert _written(_random(150, seed=25), memory) is not None
        # (before: some 11,000 objects, a build's observations in a cycle each; none now, a
        # margin left for whatever a library may cache with a cycle on its own first use)
        assert gc.collect() < 50
    finally:
        gc.enable()


@pytest.mark.parametrize("query", ["explain=true", "explain=1&without=jp-peace-security-legislation-2015"])
def test_lists_with_explanations_take_the_ordinary_way(query: str) -> None:
    body = _random(3, seed=4)
    raw = json.dumps(body).encode()
    answer = answer_list(raw, query)
    assert answer is not None
    assert all("explanation" in r for r in json.loads(answer))
    assert answer == orjson.dumps(assess_raw(body, explain=True, whatif=_whatif(query))[0])


@pytest.mark.parametrize("body", [
    b'{"date": "2026-01-01", "event": "none"}',  # one scenario: its default is an explanation
    b'[{"date": "2026-01-01", "event": "none", "assume": {"armed_attack_judged": true}}]',
    b'[{"date": "2026-02-30", "event": "none"}]', b"[]",
])
def test_bodies_the_columns_path_declines_are_not_written(body: bytes) -> None:
    assert list_pool._full_columns(body, _query("")) is None  # type: ignore[arg-type]


def test_a_bad_what_if_is_declined_for_the_ordinary_422() -> None:
    raw = json.dumps(_random(2, seed=5)).encode()
    assert list_pool._full_columns(raw, _query("without=no-such-instrument")) is None  # type: ignore[arg-type]
    assert answer_list(raw, "without=no-such-instrument") is None


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-180, 180, allow_nan=False), min_size=1, max_size=50))
def test_numbers_are_written_as_json_writes_them(values: list[float]) -> None:
    values += [0.0, -0.0, 1e-4, 9.99e-5, -1e-5, 1e-300, 180.0, 25.743]
    assert full_results._float_texts(np.array(values)) == [json.dumps(v) for v in values]


@settings(max_examples=30, deadline=None)
@given(st.lists(rows(), min_size=1, max_size=30))
def test_input_hashes_are_the_receipts(body: list[dict[str, Any]]) -> None:
    from anpo.law.assess import parse
    from anpo.law.engine import input_sha256

    columns = list_columns(json.dumps(body).encode())
    assume(columns is not None)  # (a body the columns path declines: the other test's business)
    assert columns is not None
    hashes = full_results._input_hashes(*columns, None)
    assert hashes == [orjson.dumps(input_sha256(s.to_input_dict())) for s in parse(body)[0]]


def test_coast_distances_are_spliced_and_a_hint_writing_one_keys_by_what_it_writes() -> None:
    """Off Choshi in 2020, just outside the 12 nm territorial sea: Article V's note names
    the distance to one place (12.05 and 12.11 nm both read "12.1 nm"), `place.detail` to two;
    inside it the rows share one text whatever their distance."""
    memory = _Memory()
    outside = [141.1218, 141.1229, 141.1241]  # 12.05, 12.11, 12.16 nm
    inside = [141.1195, 141.1207]  # 11.94, 12.00 nm
    body = [{"date": "2020-01-01", "event": "armed_attack", "target": "JPN", "lat": 35.7, "lon": lon}
            for lon in outside + inside]
    assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    assert set(readings.formats.values()) == {(".1f",)}
    assert len(readings.texts) == 3  # "12.1 nm", "12.2 nm", inside
    results = json.loads(_written(body, memory) or b"")
    notes = [r["article5"].get("blocked_by", {}).get("would_change", "")[:20] for r in results]
    assert notes == ["the point is 12.1 nm"] * 2 + ["the point is 12.2 nm", "", ""]


def test_a_full_memory_keeps_the_texts_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    memory = _Memory()
    monkeypatch.setattr(full_results, "MAX_TEXTS", 5)
    lists = [_random(30, seed=6), _random(60, seed=7), _random(30, seed=6), _random(20, seed=8)]
    for body in lists + lists:  # trimmed before most of them: the answers stay right
        assert _written(body, memory) == _expected(body, "")
    (readings,) = memory.by_whatif.values()
    texts = dict(readings.texts)
    readings.used = set(list(texts)[:3])
    readings.trim()
    assert readings.texts == {k: texts[k] for k in list(texts)[:3]} and not readings.used


@pytest.mark.parametrize("query", ["explain=false", "explain=0&in_force=us-japan-1960=1958-01-01"])
def test_lists_asking_for_no_explanation_are_written_too(query: str) -> None:
    body = _random(40, seed=9)
    raw = json.dumps(body).encode()
    assert list_pool._full_columns(raw, _query(query)) == _expected(body, query)  # type: ignore[arg-type]
    assert answer_list(raw, query) == _expected(body, query)


@pytest.mark.parametrize("width", [1, 8, 65, 130])
def test_static_keys_are_told_apart_by_their_bytes_even_when_hashes_collide(
        width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are grouped by a hash of their static key's bytes, every row checked against its
    group's first: the groups are those of the bytes themselves, also when every hash is the
    same (the sort of the bytes then groups them)."""
    rng = np.random.default_rng(width)
    rows = rng.integers(0, 3, (300, width)).astype(np.uint8)
    rows[rng.integers(0, 300, 150)] = rows[0]
    static = rows.view(f"V{width}").ravel()
    expected = [static[r].tobytes() for r in range(300)]
    distinct = len(np.unique(static))
    keys, key_of = full_results._distinct(static)
    assert [keys[k] for k in key_of] == expected and len(keys) == distinct
    monkeypatch.setattr(full_results, "_hashed", lambda words: np.zeros(len(words), np.uint64))
    keys, key_of = full_results._distinct(static)
    assert [keys[k] for k in key_of] == expected and len(keys) == distinct


def test_built_groups_whose_rows_fall_where_their_text_was_placed_need_no_other_round(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new key's only row (the usual new reading), or rows all in the interval its build
    placed its text in, take the text built: the list is grouped again only for keys whose
    rows fall elsewhere, and every text is still the ordinary one."""
    rounds = [0]
    grouped = full_results._day_codes

    def counted(*args: Any) -> Any:
        rounds[0] += 1
        return grouped(*args)

    monkeypatch.setattr(full_results, "_day_codes", counted)
    memory, lists = _Memory(), 0
    for seed in (30, 31, 32, 33):
        body = _random(60, seed=seed)
        assert _written(body, memory) == _expected(body, "")
        lists += 1
    assert rounds[0] < 2 * lists
    # The same places again on days around the law's turns: groups of several rows of a key,
    # split by bounds their builds learnt, still written as the ordinary way.
    again = [dict(r, date=turn) for r in _random(40, seed=34) for turn in TURNS[::3]]
    assert _written(again, memory) == _expected(again, "")


def test_each_column_lies_in_a_static_key_where_its_span_says() -> None:
    """The head's inputs are cut from the static key by spans worked out from the layout
    (`_spans`): each is where `_static_keys` packed that column, and they tile the key."""
    from anpo.law import assess as law
    from anpo.law.common import active_context
    from anpo.law.rules import evaluate

    body = _random(80, seed=40) + [{"date": "2001-01-01", "event": "none"}]  # (a row without a place)
    columns = list_columns(json.dumps(body).encode())
    assert columns is not None
    frame = columns[0]
    place = law.resolve(frame)
    ev = evaluate(frame, place, active_context())
    static, layout = full_results._static_keys(ev, place, frame, None)
    spans = full_results._spans(layout)
    matrix = static.view(np.uint8).reshape(len(static), -1)
    assert sorted((s.start, s.stop) for s in spans.values())[0][0] == 0
    assert sum(s.stop - s.start for s in spans.values()) == static.itemsize
    packed = {f"v:{k}": v for k, v in ev.values.items() if k not in ("day", "coast_distance_nm")}
    packed |= {"coast_stated": ~np.isnan(place.coast_distance_nm), "located": ~np.isnan(frame.lat)}
    for name, values in packed.items():
        column = np.ascontiguousarray(np.broadcast_to(values, (len(static),)))
        assert matrix[:, spans[name]].tobytes() == column.view(np.uint8).tobytes(), name
    assert set(full_results._CASE_INPUTS + full_results._PLACE_INPUTS) <= spans.keys()


def test_heads_are_found_by_their_case_and_place_for_new_readings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text's head is built once for its case (event, target, action, treaty) and place:
    a later list whose readings are new (after the 2016 security legislation: other static
    keys) but whose cases and places were met finds every head, and is written as the
    ordinary way."""
    built = {"case": 0, "place": 0}
    case, place = full_results._Builder._case, full_results._Builder._place_text

    def counted_case(self: Any, i: int) -> bytes:
        built["case"] += 1
        return case(self, i)

    def counted_place(self: Any, i: int) -> tuple[bytes, bytes | None]:
        built["place"] += 1
        return place(self, i)

    monkeypatch.setattr(full_results._Builder, "_case", counted_case)
    monkeypatch.setattr(full_results._Builder, "_place_text", counted_place)
    memory = _Memory()
    first = [dict(r, date=day) for r in _random(30, seed=41) for day in ("1995-06-01", "2010-06-01")]
    assert _written(first, memory) == _expected(first, "")
    (readings,) = memory.by_whatif.values()
    keys = {k for k, _, _ in readings.texts}
    assert 0 < built["case"] == len(readings.cases) and 0 < built["place"] == len(readings.places)
    assert len(readings.places) < len(keys)  # (a place in several keys: built once)
    built.update(case=0, place=0)
    again = [dict(r, date=day) for r in _random(30, seed=41) for day in ("2017-06-01",)]
    assert _written(again, memory) == _expected(again, "")
    assert {k for k, _, _ in readings.texts} - keys  # new readings, built
    assert built == {"case": 0, "place": 0}
