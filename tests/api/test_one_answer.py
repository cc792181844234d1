"""The remembered legal part of one-scenario answers (`anpo.api.one_answer`, issue 19): every
answer, built or remembered, equals the route's byte for byte; what varies per request (id,
date, place, receipt) is never remembered; scenarios the law reads differently get different
parts."""

from __future__ import annotations

import datetime as dt
import json
import operator
import random
from typing import Any

import orjson
import pytest

from anpo.api.models import ScenarioIn
from anpo.api.one_answer import LegalParts, _Day, answer_one
from anpo.api.routes.assess import answer
from anpo.core.codes import Event, OperationArea, UsAction
from anpo.core.errors import InputError
from anpo.law.common import applied
from anpo.law.whatif import WhatIf

TARGETS = ["JPN", "USA", "TWN", "KOR", "PHL", "CHN", "AUS"]
# Points the law reads differently: the Senkakus, Okinawa, Yonaguni, Tokyo, Takeshima, the
# Northern Territories, Guam, the Taiwan Strait, Seoul, the open Pacific.
POINTS = [(25.743, 123.473), (26.2, 127.7), (24.45, 122.99), (35.68, 139.76), (37.24, 131.87),
          (43.6, 145.4), (13.45, 144.8), (24.5, 119.5), (37.56, 126.97), (30.0, 150.0)]


def _scenarios(n: int, seed: int) -> list[dict[str, Any]]:
    """Random scenarios over every event, action, target, era and assumption."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        day = dt.date(1946, 1, 1) + dt.timedelta(days=rng.randrange(0, 150 * 365))
        s: dict[str, Any] = {"id": f"s{i}", "date": day.isoformat(), "event": rng.choice(list(Event)).name,
                             "us_action": rng.choice(list(UsAction)).name}
        if s["event"] != "none":
            s["target"] = rng.choice(TARGETS)
        if rng.random() < 0.8:
            near = rng.random() < 0.7
            lat, lon = rng.choice(POINTS) if near else (rng.uniform(20, 45), rng.uniform(120, 150))
            s["lat"] = round(lat + rng.uniform(-0.05, 0.05), 4)
            s["lon"] = round(lon + rng.uniform(-0.05, 0.05), 4)
        if rng.random() < 0.2:
            s["operation_area"] = rng.choice(list(OperationArea)).name
        if rng.random() < 0.2:
            s["assume"] = {"armed_attack_judged": rng.random() < 0.5,
                           "survival_threatening_certified": rng.random() < 0.5}
        out.append(s)
    return out


def _route(s: dict[str, Any], explain: bool) -> bytes | None:
    try:
        return bytes(answer(ScenarioIn.model_validate(s), explain, None, None, "full").body)
    except InputError:
        return None


def _one(s: dict[str, Any], explain: bool, parts: LegalParts) -> bytes | None:
    try:
        return answer_one(ScenarioIn.model_validate(s).raw(), explain, parts)
    except InputError:
        return None


@pytest.mark.parametrize("explain", [True, False])
def test_built_and_remembered_answers_equal_the_routes(explain: bool) -> None:
    parts = LegalParts()
    scenarios = _scenarios(400, seed=19)
    checked = 0
    for s in scenarios + scenarios:  # the second round is answered from what the first built
        want = _route(s, explain)
        assert _one(s, explain, parts) == want, s
        checked += want is not None
    assert checked > 600  # most random scenarios are valid ones
    # The second round is all remembered; the first already shares parts between scenarios.
    assert parts.hits > checked // 2 and parts.builds < checked // 2


def test_scenarios_sharing_a_part_keep_their_own_id_date_place_and_receipt() -> None:
    parts = LegalParts()
    # Two points in the Senkakus' territorial sea, 1.3 and 3.8 nautical miles off the coast.
    a = {"id": "a", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
         "lat": 25.76, "lon": 123.52, "us_action": "combat_operations_from_japan"}
    b = {**a, "id": "b", "date": "2025-06-30", "lat": 25.70, "lon": 123.40}
    first, second = _one(a, True, parts), _one(b, True, parts)
    assert parts.builds == 1 and parts.hits == 1  # b is answered with a's legal part
    assert second == _route(b, True) and first == _route(a, True)
    one, two = orjson.loads(first or b""), orjson.loads(second or b"")
    assert (one["id"], one["date"]) == ("a", "2026-01-15") and (two["id"], two["date"]) == ("b", "2025-06-30")
    assert one["place"]["detail"] != two["place"]["detail"]
    assert one["receipt"]["input_sha256"] != two["receipt"]["input_sha256"]
    assert {k: one[k] for k in ("article5", "japan", "us", "explanation")} == \
        {k: two[k] for k in ("article5", "japan", "us", "explanation")}


def test_scenarios_the_law_reads_differently_get_different_parts() -> None:
    parts = LegalParts()
    base = {"id": "x", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
            "lat": 25.743, "lon": 123.473, "us_action": "combat_operations_from_japan"}
    # Before the 2015 legislation, before the 1960 treaty, another target, a cyber attack.
    others = [{**base, "date": "2010-01-15"}, {**base, "date": "1955-01-15"}, {**base, "target": "USA"},
              {**base, "event": "cyber_attack"}]
    legal = set()
    for s in [base, *others]:
        got = _one(s, True, parts)
        assert got == _route(s, True)
        doc = orjson.loads(got or b"")
        legal.add(json.dumps({k: doc[k] for k in ("article5", "japan", "us", "explanation")}, sort_keys=True))
    assert len(legal) == 5 and parts.builds == 5 and parts.hits == 0


def test_a_day_the_row_functions_compare_is_noted_as_a_comparison_else_exactly() -> None:
    seen: list[Any] = []
    day = _Day(20000, seen)
    assert (day >= 19000) and not (day < 19000) and operator.gt(21000, day)  # the last reflected
    assert seen == [("day", operator.ge, 19000, True), ("day", operator.lt, 19000, False),
                    ("day", operator.lt, 21000, True)]
    seen.clear()
    assert f"{day}" == "20000" and day + 1 == 20001
    assert seen == [("day", None, None, 20000)] * 2  # written or computed with: the exact day


def test_under_a_process_wide_what_if_the_ordinary_way_answers() -> None:
    raw = {"date": "2026-01-15", "event": "cyber_attack", "target": "USA"}
    with applied(WhatIf.parse(["jp-peace-security-legislation-2015"], ())):
        assert answer_one(raw, True, LegalParts()) is None
    assert answer_one(raw, True, LegalParts()) == _route(raw, True)


def test_one_store_of_parts_shared_by_threads_gives_each_the_same_answers() -> None:
    # Two threads answer from one small store (evictions all the time, new shapes beside
    # walks of the old), as an app served by several event loops does: no error, and each
    # answer equals the one a store of its own gives.
    import sys
    import threading

    scenarios = _scenarios(300, seed=23)
    want = [_one(s, False, LegalParts()) for s in scenarios]
    shared = LegalParts(max_keys=8)
    errors: list[BaseException] = []
    got: dict[int, list[bytes | None]] = {}

    def work(k: int) -> None:
        try:
            got[k] = [_one(s, False, shared) for s in scenarios]
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads hand over as often as they can
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert got[0] == want and got[1] == want
