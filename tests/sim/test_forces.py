"""The order of battle by date (src/anpo/data/sim/forces.yaml): its checks, and that runs in
different years see the forces history gives them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anpo import sim
from anpo.core.errors import DataError
from anpo.sim import forces
from anpo.sim.plan import compile_plan

SENKAKU = {"date": "2026-06-01", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}


def _units(day: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in forces.order_of_battle(dt.date.fromisoformat(day)):
        out[r.unit] = out.get(r.unit, 0) + r.count
    return out


def test_every_assumed_count_has_a_range_and_every_row_a_name() -> None:
    for r in forces.unit_table():
        assert r.unit, r
        if r.provenance.startswith("assumption"):
            assert r.low is not None and r.high is not None and r.low <= r.count <= r.high, r


def test_kadena_fighters_follow_history() -> None:
    before, eagles, after = _units("1978-06-01"), _units("1985-06-01"), _units("2026-06-01")
    assert "18th TFW F-4 Phantoms" in before and "18th Wing F-15C/D" not in before
    assert eagles["18th Wing F-15C/D"] == 48 and "18th TFW F-4 Phantoms" not in eagles
    assert "18th Wing F-15C/D" not in after and "Kadena rotational fighters" in after


def test_misawa_f16_from_1985_and_carrier_hulls_by_date() -> None:
    assert "Misawa F-16s" not in _units("1984-06-01")
    assert _units("1990-06-01")["Misawa F-16s"] == 36
    assert "forward-deployed carrier" not in _units("1972-06-01")
    assert _units("1980-06-01")["forward-deployed carrier"] == 1
    # between USS Ronald Reagan's departure (May 2024) and USS George Washington's arrival
    # (2024-11-22) there was no carrier at Yokosuka
    assert "forward-deployed carrier" not in _units("2024-08-01")
    assert _units("2026-01-01")["forward-deployed carrier"] == 1


def test_air_wing_moves_from_atsugi_to_iwakuni() -> None:
    def where(day: str) -> set[str]:
        rows = forces.order_of_battle(dt.date.fromisoformat(day))
        return {r.facility for r in rows if r.unit == "Carrier Air Wing 5 strike fighters"}

    assert where("2010-01-01") == {"atsugi"}
    assert where("2020-01-01") == {"iwakuni"}


def test_naha_doubles_with_the_9th_air_wing() -> None:
    assert _units("2016-01-30")["JASDF Naha fighters"] == 20
    assert _units("2016-01-31")["JASDF Naha fighters"] == 40


def test_a_1985_and_a_2026_run_differ_in_forces() -> None:
    params = sim.load_parameters()
    plans = {
        year: compile_plan(sim.parse_sim_scenario({"scenario": {**SENKAKU, "date": f"{year}-06-01"}}), params)
        for year in (1985, 2026)
    }
    units = {
        y: {(u["facility"], u["country"], u["type"], u["count"]) for u in p.units()} for y, p in plans.items()
    }
    assert ("kadena", "USA", "fighter", 48) in units[1985]
    assert ("kadena", "USA", "fighter", 48) not in units[2026]
    assert ("misawa", "JPN", "fighter", 30) in units[2026]
    fighters = {
        y: sum(u["count"] for u in p.units() if u["type"] == "fighter" and u["country"] == "JPN")
        for y, p in plans.items()
    }
    assert fighters[2026] > fighters[1985]  # Naha's second squadron, Misawa's F-35A
    # the run record names each unit and, for an assumed count, its range
    rows = {u["unit"]: u for u in plans[1985].units()}
    assert rows["18th Wing F-15C/D"]["count_range"] == [48, 72]
    assert rows["forward-deployed carrier"]["basis"].startswith("source: USS Midway")


def _check(rows: list[dict[str, Any]]) -> None:
    for i, u in enumerate(rows):
        forces._row(i, u)
    forces._check_periods([forces._row(i, u) for i, u in enumerate(rows)])


GOOD: dict[str, Any] = {
    "unit": "u",
    "facility": "kadena",
    "country": "USA",
    "type": "fighter",
    "count": 10,
    "count_range": [5, 20],
    "from": dt.date(1980, 1, 1),
    "to": None,
    "assumption": "a guess",
}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"count_range": None}, "needs count_range"),
        ({"count_range": [12, 20]}, "outside count_range"),
        ({"count_range": [5]}, "count_range must be"),
        ({"to": dt.date(1979, 1, 1)}, "must be after"),
        ({"count": 0}, "positive integer"),
        ({"colour": "red"}, "unknown keys"),
        ({"source": "x"}, "exactly one of"),
    ],
)
def test_bad_rows_are_refused_naming_the_row(change: dict[str, Any], words: str) -> None:
    row = {k: v for k, v in {**GOOD, **change}.items() if v is not None or k == "to"}
    with pytest.raises(DataError, match=words) as err:
        _check([row])
    assert "units[0]" in str(err.value)


def test_a_sourced_count_needs_no_range_but_one_unit_cannot_be_in_two_places() -> None:
    sourced = {k: v for k, v in GOOD.items() if k not in ("assumption", "count_range")} | {"source": "DoD"}
    _check([sourced])
    moved = {**GOOD, "facility": "misawa", "from": dt.date(1990, 1, 1)}
    with pytest.raises(DataError, match="overlap"):
        _check([GOOD, moved])
    _check([{**GOOD, "to": dt.date(1990, 1, 1)}, moved])
