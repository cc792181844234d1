"""The simulation's order of battle and missile defenses as checked against their publishers
(docs/audit.md, "Simulation forces and defenses"): one case per value the audit fixed."""

from __future__ import annotations

import datetime as dt

import pytest

from anpo import data
from anpo.sim import forces
from anpo.sim.missile_defense import DEFENSE_FILE, defense_table


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _count(day: str, unit: str, facility: str | None = None) -> int:
    return sum(r.count for r in forces.order_of_battle(_day(day))
               if r.unit == unit and (facility is None or r.facility == facility))


@pytest.mark.parametrize(("before", "on"), [
    ("1991-09-10", "1991-09-11"),  # USS Independence arrives (was 1991-09-01)
    ("2008-09-24", "2008-09-25"),  # USS George Washington arrives
])
def test_carrier_arrivals(before: str, on: str) -> None:
    assert _count(before, "forward-deployed carrier") == 0
    assert _count(on, "forward-deployed carrier") == 1


@pytest.mark.parametrize(("last", "gone"), [
    ("2008-05-27", "2008-05-28"),  # USS Kitty Hawk's last departure (navy.mil)
    ("2015-05-17", "2015-05-18"),  # USS George Washington leaves (was 2015-05-15)
    ("2024-05-15", "2024-05-16"),  # USS Ronald Reagan leaves
])
def test_carrier_departures(last: str, gone: str) -> None:
    assert _count(last, "forward-deployed carrier") == 1
    assert _count(gone, "forward-deployed carrier") == 0


def test_air_wing_moves_in_two_steps() -> None:
    cvw = "Carrier Air Wing 5 strike fighters"
    assert _count("2017-11-27", cvw, "atsugi") == 40 and _count("2017-11-27", cvw, "iwakuni") == 0
    # VFA-115 and VFA-195 to Iwakuni on 2017-11-28, VFA-27 and VFA-102 in the week of 2018-03-28
    assert _count("2017-12-15", cvw, "iwakuni") == 20
    assert _count("2017-12-15", "Carrier Air Wing 5 strike fighters (VFA-27, VFA-102 at Atsugi)") == 20
    assert _count("2018-03-28", cvw, "iwakuni") == 40 and _count("2018-03-28", cvw, "atsugi") == 0


def test_kc46a_by_the_delivery_schedule() -> None:
    assert _count("2021-10-28", "JASDF KC-46A") == 0
    assert _count("2022-06-01", "JASDF KC-46A") == 2  # was 4 from the first arrival
    assert _count("2026-01-01", "JASDF KC-46A") == 4


def test_kadena_tankers_cite_the_18th_wing() -> None:
    rows = [r for r in forces.unit_table() if r.unit == "909th ARS KC-135"]
    assert len(rows) == 1 and rows[0].count == 15
    assert rows[0].provenance.startswith("source:") and "amc.af.mil" in rows[0].provenance


def _defense_on(day: str) -> set[str]:
    return {r.id for r in defense_table() if r.on(_day(day))}


def test_atago_class_bmd_dates() -> None:
    assert "jmsdf-atago" not in _defense_on("2018-09-11")
    assert "jmsdf-atago" in _defense_on("2018-09-12")
    # both Atago-class ships from JFY2019 (was both from 2022-11-21), Atago's own row ends
    jfy2019 = _defense_on("2019-04-01")
    assert "jmsdf-atago-class" in jfy2019 and "jmsdf-atago" not in jfy2019
    assert "jmsdf-atago-class" not in _defense_on("2019-03-31")


def test_confirmed_defense_rows_cite_the_mod() -> None:
    raw = {u["id"]: u for u in data.read_yaml(DEFENSE_FILE)["units"]}
    for rid in ("jmsdf-kongo", "jasdf-1st-group-iruma"):
        assert raw[rid]["confidence"] == "confirmed" and "mod.go.jp" in raw[rid]["url"]
    # rows that rested on a blog or an opinion site now rest on reports of the announcements
    for rid in ("jasdf-5th-group-naha", "jasdf-5th-group-chinen", "jmsdf-myoko", "jmsdf-kirishima"):
        copies = raw[rid]["read_from"]
        copies = [copies] if isinstance(copies, str) else copies
        assert not any("blog.goo.ne.jp" in c or "opednews.com" in c for c in copies), rid
        assert raw[rid]["confidence"] == "partly"
