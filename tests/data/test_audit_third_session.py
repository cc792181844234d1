"""The data added in the third session as checked against stored copies of its publishers
(docs/audit.md, "Audit of the third session's data"): one case per value the audit fixed,
and the figures it checked that a later edit could silently change."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from anpo import data
from anpo.posture import burden, governance
from anpo.posture.governance_schema import Exercise


def _csv(relative: str) -> list[dict[str, str]]:
    with data.path(relative).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _exercise(exercise_id: str) -> Exercise:
    return next(e for e in governance.governance().exercises if e.id == exercise_id)


def test_keen_sword_19_us_size_is_the_joint_staffs_figure() -> None:
    # the Joint Staff announced about 9,500 U.S. personnel (FlyTeam's report of the announcement);
    # the row had 10,000, a round figure from a report at the start
    ks = _exercise("keen-sword-19")
    assert ks.size is not None and (ks.size.japan_persons, ks.size.us_persons) == (47000, 9500)
    assert "Two Canadian ships" in (ks.note or "")


def test_orient_shield_24_read_on_the_gsdfs_own_page() -> None:
    os24 = _exercise("orient-shield-24")
    assert (os24.start, os24.end) == (dt.date(2024, 7, 18), dt.date(2024, 7, 26))
    assert os24.confidence == "confirmed" and "mod.go.jp/gsdf/" in (os24.url or "")


def test_orient_shield_18_size_from_the_tohoku_defense_bureau() -> None:
    # the bureau gives the participants of the field training (30 Aug - 14 Sep 2018);
    # the GSDF's overall period (26 Aug - 19 Sep) stays the row's dates
    os18 = _exercise("orient-shield-18")
    assert (os18.start, os18.end) == (dt.date(2018, 8, 26), dt.date(2018, 9, 19))
    assert os18.size is not None and (os18.size.japan_persons, os18.size.us_persons) == (1200, 850)
    assert "2018-08-30 to 09-14" in (os18.note or "")


def test_1960_mainland_total_names_the_feature_desk_and_its_date() -> None:
    row = next(r for r in _csv("posture/published_totals.csv")
               if r["as_of"] == "1960-01-01" and r["scope"] == "Mainland")
    assert "2017-10-04" in row["source"] and "2017-09" not in row["source"]
    assert row["confidence"] == "partly" and row["note"].startswith("approximate:")


@pytest.mark.parametrize("facility", ["sasebo", "akasaki-pol", "iorizaki-pol", "hario-ammo"])
def test_sasebo_areas_from_a_page_naming_no_source_are_not_kept(facility: str) -> None:
    """The four Sasebo areas rested only on a citizens' group's page that names no source
    (no publisher a user could check): the registry carries no area for them until MOD's
    own figure is found."""
    rows = [r for r in _csv("posture/registry_areas.csv") if r["id"] == facility]
    assert all("biglobe.ne.jp/~chi-tan" not in (r["read_from"] + r["source"]) for r in rows)


@pytest.mark.parametrize(("jfy", "line", "value"), [
    # MOD, 防衛白書 令和2年版, 資料9 (file-09.csv, stored copy): every figure of note 3
    (2016, "defense_budget", 4860.7), (2016, "defense_budget_total", 5054.1),
    (2017, "defense_budget", 4899.6), (2017, "realignment", 201.1),
    (2018, "defense_gov_aircraft", 31.2), (2018, "saco", 5.1),
    (2019, "defense_resilience", 50.8), (2019, "defense_budget_total", 5257.4),
    (2020, "defense_gov_aircraft", 0.03), (2020, "realignment", 179.9),
    # MOD, 防衛白書 平成22年版 and 平成23年版 (stored copies of clearing.mod.go.jp)
    (2010, "defense_budget", 4682.6), (2011, "defense_budget_total", 4775.2),
    # Okinawa Prefecture's statistics of 1998 (jca.apc.org copy): the DFAA budget for JFY1997
    (1997, "hns_fip", 95.3), (1997, "base_rent", 101.1),
])
def test_cost_rows_match_the_stored_copies(jfy: int, line: str, value: float) -> None:
    rows = [r for r in _csv("costs/ledger.csv")
            if int(r["jfy"]) == jfy and r["line"] == line and r["basis"] == "budget"]
    assert [float(r["value_jpy_bn"]) for r in rows] == [value]


def test_okinawa_police_2024_figures_match_the_okinawa_times() -> None:
    # 73 offences by 80 persons; heinous 8 offences by 7 persons (provisional, 2025-01-15)
    def year(series_id: str, y: int) -> dict[str, object]:
        return next(r for r in burden.rows(series_id) if r["period"] == str(y))
    assert year("sofa-crimes-okinawa", 2024)["value"] == 73
    assert year("sofa-arrests-okinawa", 2024)["value"] == 80
    assert year("sofa-heinous-okinawa", 2024)["value"] == 8
    assert year("sofa-heinous-persons-okinawa", 2024)["value"] == 7
