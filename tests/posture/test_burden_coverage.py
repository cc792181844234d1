"""Coverage of the yearly series (third session): which years each series holds, what the
published totals imply for the years between them, and that rates and shares are computed
for the new years only where their divisor exists."""

from __future__ import annotations

import datetime as dt

from anpo.posture import burden, governance


def _row(series_id: str, period: str) -> dict[str, object]:
    return next(r for r in burden.rows(series_id) if r["period"] == period)


def _present(series_id: str) -> list[int]:
    return burden.years_covered(burden.series(series_id))[0]


def test_crime_years_since_reversion_include_the_police_yearbook_figures():
    years = _present("sofa-crimes-okinawa")
    assert {1977, 1995, 2003, 2024} <= set(years)
    # the police's 1977 figure is the highest of any year in the series, as it says
    values = {r["period"]: r["value"] for r in burden.rows("sofa-crimes-okinawa")
              if len(str(r["period"])) == 4}
    assert max(values, key=lambda y: values[y]) == "1977"


def test_published_totals_split_the_years_nobody_published():
    checks = {b.total_period: b for b in burden.bound_checks(burden.series("sofa-crimes-okinawa"))}
    implied = {b.uncovered: b.remainder for b in checks.values() if len(b.uncovered) == 1}
    assert implied[("2018",)] == 31 and implied[("2019",)] == 31
    assert implied[("2020",)] == 39
    # a published part of a year never exceeds that year's published total
    assert all(b.ok for b in checks.values())


def test_a_year_breakdown_by_kind_adds_up_and_matches_its_heinous_series():
    for year in ("2006", "2013", "2024"):
        row = _row("sofa-crimes-okinawa", year)
        parts = row["parts"]
        assert isinstance(parts, dict) and sum(parts.values()) == row["value"], year
    heinous = {r["period"]: r["value"] for r in burden.rows("sofa-heinous-okinawa")}
    for year in ("2006", "2024"):
        parts = _row("sofa-crimes-okinawa", year)["parts"]
        assert isinstance(parts, dict) and parts["heinous"] == heinous[year], year
    persons = _row("sofa-arrests-okinawa", "2024")["parts"]
    assert isinstance(persons, dict)
    assert persons["heinous"] == _row("sofa-heinous-persons-okinawa", "2024")["value"]


def test_new_years_get_rates_only_where_a_divisor_exists():
    r2003 = _row("sofa-crimes-okinawa", "2003")
    assert r2003["population_census"] == 2000
    assert r2003["per_100k_residents"] == round(112 / 1318220 * 100_000, 2)
    # the NPA's national count of the same year gives the share, equal to the published one
    assert r2003["share_of_national_pct"] == round(112 / 194 * 100, 1) == r2003["published_share_pct"]
    r2024 = _row("sofa-crimes-okinawa", "2024")
    assert r2024["population_census"] == 2020 and "per_100k_residents" in r2024
    # no head count of U.S. personnel within two years of 2003 or 2024: no rate is made
    assert "per_10k_sofa" not in r2003 and "per_10k_sofa" not in r2024
    # the prefecture's September 2007 head count gives 2007 its rate
    r2007 = _row("sofa-crimes-okinawa", "2007")
    assert (r2007["sofa_count_as_of"], r2007["per_10k_sofa"]) == ("2007-09-30", round(63 / 48490 * 10_000, 2))
    # no census in the file before 2000: 1977 has no per-resident rate rather than a later one
    assert "per_100k_residents" not in _row("sofa-crimes-okinawa", "1977")


def test_national_years_and_okinawas_share_of_them():
    assert {2003, 2004, 2005, 2013} <= set(_present("sofa-crimes-national"))
    assert _row("sofa-crimes-okinawa", "2013")["share_of_national_pct"] == round(32 / 83 * 100, 1)


def test_heinous_offences_2002_to_2024_bound_the_years_inside():
    check = next(b for b in burden.bound_checks(burden.series("sofa-heinous-okinawa"))
                 if b.total_period == "2002-01-01..2024-12-31")
    assert check.ok and check.known_sum == 2 + 3 + 6 + 2 + 0 + 1 + 0 + 2 + 8
    assert check.remainder == 63 - check.known_sum


def test_the_governments_crash_count_is_kept_apart_from_the_prefectures():
    gov = burden.series("aircraft-crashes-government")
    (row,) = gov.rows
    assert row.value == 29 and sum(row.parts.values()) == 29 and row.confidence == "confirmed"
    pref = _row("aircraft-crashes", "1972-05-15..2016-12-31")
    assert pref["value"] == 47 > row.value  # two definitions, two series: never one sum


def test_aircraft_accidents_remain_a_documented_gap():
    # the prefecture's yearly table was not found: the missing years are listed, and a gap
    # says why, instead of years being filled from the period totals
    missing = burden.years_covered(burden.series("aircraft-accidents"))[1]
    assert missing[:3] == [1972, 1973, 1974] and 2016 in missing
    gaps = {g.topic: g.text for g in burden.burden_series().gaps}
    assert "2017: 29" in gaps["aircraft-accidents-by-year"]


def test_noise_fy2023_is_in_with_its_stations():
    assert 2023 in _present("noise-lden") and 2023 in _present("noise-stations-over-standard")
    kadena = next(r for r in burden.rows("noise-stations-over-standard")
                  if r["period"] == "FY2023" and r["base"] == "kadena")
    assert (kadena["value"], kadena["out_of"], kadena["pct_of_total"]) == (9, 19, round(9 / 19 * 100, 1))


def test_asset_protection_counts_every_year_since_the_first():
    years = [y.year for y in governance.governance().asset_protection.years]
    assert years == list(range(2017, 2025))  # no year skipped since protections began
    y2024 = governance.governance().asset_protection.years[-1]
    assert y2024.value == 13 and sum(y2024.parts.values()) == 13


def test_keen_sword_every_second_year_since_2018_with_its_size():
    ks = sorted((e for e in governance.governance().exercises if e.name == "Keen Sword"),
                key=lambda e: e.start)
    assert [e.start.year for e in ks] == [2018, 2020, 2022, 2024]
    assert all(e.size is not None and e.size.japan_persons and e.size.us_persons for e in ks)
    os21 = next(e for e in governance.governance().exercises if e.id == "orient-shield-21")
    assert os21.confidence == "confirmed" and os21.size is not None
    assert (os21.size.japan_persons, os21.size.us_persons) == (1400, 1600)
    # the report's date filter sees an exercise only once it has started
    seen = [e["id"] for e in governance.report("exercises", dt.date(2022, 11, 9))["exercises"]]
    assert "keen-sword-21" in seen and "keen-sword-23" not in seen
    # the report lists them by start date, whatever the file's order
    starts = [e["from"] for e in governance.report("exercises")["exercises"]]
    assert starts == sorted(starts) and starts[0] == "2018-08-26"
