"""Okinawa's burden by year: published totals, computed rates, per-base noise, missing years."""

from __future__ import annotations

import copy
import csv
import io
import json
import sys
from typing import Any

import pytest

from anpo import data
from anpo.core.errors import DataError
from anpo.posture import burden
from anpo.posture.burden_schema import BurdenSeriesFile
from anpo.posture.cited import validate_file


def _raw() -> dict[str, Any]:
    return copy.deepcopy(data.read_yaml(burden.SERIES_FILE))


def _series(raw: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in raw["series"] if s["id"] == sid)


def _row(series_id: str, period: str, **match: object) -> dict[str, object]:
    return next(r for r in burden.rows(series_id)
                if r["period"] == period and all(r.get(k) == v for k, v in match.items()))


# --- published totals --------------------------------------------------------------------

def test_the_prefectures_accident_totals_are_the_sums_of_their_published_kinds():
    for period, total in (("1972-05-15..2016-12-31", 709), ("2004-01-01..2013-12-31", 319),
                          ("2004-01-01..2018-12-31", 511)):
        row = _row("aircraft-accidents", period)
        assert row["value"] == total and sum(row["parts"].values()) == total, period


def test_what_the_accident_totals_imply_for_the_years_between_them():
    checks = {b.total_period: b for b in burden.bound_checks(burden.series("aircraft-accidents"))}
    to_2017 = checks["1972-05-15..2017-12-31"]
    assert to_2017.parts == ("1972-05-15..2016-12-31",) and to_2017.uncovered == ("2017",)
    assert to_2017.remainder == 738 - 709 == 29
    assert checks["2004-01-01..2018-12-31"].remainder == 511 - 319 - 56  # 2014 published: 56
    assert all(b.ok for s in burden.burden_series().series for b in burden.bound_checks(s))


def test_a_total_smaller_than_the_rows_inside_it_is_caught():
    s = burden.series("aircraft-accidents")
    rows = tuple(r.model_copy(update={"value": 700.0}) if r.value == 738 else r for r in s.rows)
    bad = [b for b in burden.bound_checks(s.model_copy(update={"rows": rows})) if not b.ok]
    assert [b.total_period for b in bad] == ["1972-05-15..2017-12-31"] and bad[0].remainder == -9


def test_the_cabinets_2022_table_adds_up_to_the_npas_national_count_and_okinawas_line():
    national = burden.series("sofa-crimes-national")
    r2022 = next(r for r in national.rows if r.year == 2022)
    assert r2022.confidence == "confirmed" and r2022.url.startswith("https://www.sangiin.go.jp/")
    assert r2022.parts_complete and sum(r2022.parts.values()) == 106 == r2022.value
    okinawa = next(r for r in burden.series("sofa-crimes-okinawa").rows if r.year == 2022)
    assert r2022.parts["okinawa"] == okinawa.value == 54


def test_the_polices_2007_breakdown_adds_up_for_offences_and_persons():
    offences = next(r for r in burden.series("sofa-crimes-okinawa").rows if r.year == 2007)
    persons = next(r for r in burden.series("sofa-arrests-okinawa").rows if r.year == 2007)
    assert offences.confidence == persons.confidence == "confirmed"
    assert (offences.value, sum(offences.parts.values())) == (63, 63)
    assert (persons.value, sum(persons.parts.values())) == (46, 46)


def test_breakdowns_that_do_not_add_up_are_refused_at_load():
    raw = _raw()
    row = next(r for r in _series(raw, "sofa-crimes-national")["rows"] if r.get("year") == 2022)
    row["parts"]["okinawa"] = 55
    with pytest.raises(DataError, match=r"sofa-crimes-national\.rows.*parts add up to 107"):
        validate_file(BurdenSeriesFile, raw, burden.SERIES_FILE)


def test_cumulative_crime_totals_grow_and_leave_what_they_imply():
    checks = {b.total_period: b for b in burden.bound_checks(burden.series("sofa-crimes-okinawa"))}
    to_2018 = checks["1972-05-15..2018-12-31"]  # 2015, 2016, 2017 published: 2018 is what is left
    assert to_2018.known_sum == 5862 + 34 + 23 + 48 and to_2018.uncovered == ("2018",)
    assert to_2018.remainder == 31
    # the police's 1972-2019 total (6029) splits what 2019 and 2020 leave: 31 and 39
    to_2019 = checks["1972-05-15..2019-12-31"]
    assert (to_2019.uncovered, to_2019.remainder) == (("2019",), 31)
    assert (checks["1972-05-15..2022-12-31"].uncovered, checks["1972-05-15..2022-12-31"].remainder) == (
        ("2020",), 6163 - 6029 - 41 - 54)


# --- computed rates ----------------------------------------------------------------------

def test_rates_per_10000_sofa_personnel_use_the_head_count_of_the_year():
    r2010 = _row("sofa-crimes-okinawa", "2010")
    assert r2010["sofa_count_as_of"] == "2010-03-31"
    assert r2010["per_10k_sofa"] == round(71 / 49761 * 10_000, 2)
    r2014 = _row("sofa-crimes-okinawa", "2014")  # the 2013-03-31 count is within two years
    assert (r2014["sofa_count_as_of"], r2014["per_10k_sofa"]) == ("2013-03-31",
                                                                  round(29 / 52092 * 10_000, 2))
    national = _row("sofa-crimes-national", "2012")  # the count of 2012-03-31, not 2011's
    assert (national["sofa_count_as_of"], national["per_10k_sofa"]) == (
        "2012-03-31", round(118 / 103337 * 10_000, 2))


def test_no_rate_from_an_old_head_count_or_over_several_years():
    assert "per_10k_sofa" not in _row("sofa-crimes-okinawa", "2015")  # last count 2013-03-31
    assert "per_10k_sofa" not in _row("sofa-crimes-okinawa", "1972-05-15..2023-12-31")
    # the first count is the prefecture's of 2007-09-30: a 2006 row is before it, so no rate
    assert "per_10k_sofa" not in _row("sofa-crimes-okinawa", "2006")


def test_sofa_and_resident_rates_are_comparable_per_10000():
    sofa = _row("sofa-arrests-okinawa", "2014")
    everyone = _row("all-persons-cleared-okinawa", "2014")
    assert sofa["per_10k_sofa"] == round(27 / 52092 * 10_000, 2)
    assert everyone["per_10k_residents"] == round(3410 / 1392818 * 10_000, 2)
    assert everyone["per_100k_residents"] == round(3410 / 1392818 * 100_000, 2)


def test_a_share_of_a_published_whole_is_computed():
    heinous = _row("sofa-heinous-persons-okinawa", "1989-01-01..1994-12-31")
    assert heinous["pct_of_total"] == 11.1  # the police said 11.1%: 55 of 495
    sites = _row("pfas-sites-over-guideline", "FY2019")
    assert sites["pct_of_total"] == round(46 / 51 * 100, 1)


def test_pfas_is_read_against_its_guideline_as_a_multiple():
    peak = _row("pfas-max-concentration", "2020-09-01..2020-09-30")
    assert peak["times_standard"] == 60.0 and peak["over_standard"] == 2950  # 'sixty times'
    lden = _row("noise-lden", "FY2018", station="sunabe")
    assert "times_standard" not in lden and lden["over_standard"] == 6  # decibels: a difference


def test_head_counts_must_be_a_stock_of_persons():
    raw = _raw()
    _series(raw, "sofa-crimes-okinawa")["per_sofa"] = "aircraft-accidents"
    with pytest.raises(DataError, match="per_sofa names no stock series"):
        validate_file(BurdenSeriesFile, raw, burden.SERIES_FILE)
    raw = _raw()
    _series(raw, "noise-stations-over-standard")["rows"][1]["out_of"] = 7
    with pytest.raises(DataError, match=r"noise-stations-over-standard\.rows\.row 1.*more than out_of"):
        validate_file(BurdenSeriesFile, raw, burden.SERIES_FILE)


# --- per base, per station; missing years ------------------------------------------------

def test_noise_is_per_base_and_per_fiscal_year_and_never_summed():
    rows = [r for r in burden.rows("noise-stations-over-standard") if r["period"] == "FY2018"]
    assert {(r["base"], r["value"], r["pct_of_total"]) for r in rows} == {
        ("kadena", 8, round(8 / 19 * 100, 1)), ("futenma", 2, round(2 / 13 * 100, 1))}
    for sid in ("noise-stations-over-standard", "noise-lden", "noise-peak", "pfas-max-concentration"):
        s = burden.series(sid)
        assert burden.sum_checks(s) == [] and burden.bound_checks(s) == []


def test_spills_are_checked_per_base():
    checks = burden.bound_checks(burden.series("spills-us-records"))
    assert [(b.total_period, b.known_sum, b.remainder) for b in checks] == [
        ("2005-01-01..2016-12-31", 25 + 23 + 25 + 20, 156 - 93)]  # Futenma only, not Kadena's 206


def test_each_yearly_series_says_which_years_are_missing():
    doc = {s["id"]: s for s in burden.report()["series"]}
    crimes = doc["sofa-crimes-okinawa"]
    assert crimes["yearly_from"] == 1972 and 2022 in crimes["years_present"]
    assert {1972, 1978, 2011, 2018, 2020} <= set(crimes["years_missing"])
    assert {1977, 1995, 2003, 2024} <= set(crimes["years_present"])
    assert 2025 not in crimes["years_missing"]  # only January-September is published
    assert not set(crimes["years_present"]) & set(crimes["years_missing"])
    accidents = doc["aircraft-accidents"]
    assert accidents["years_present"] == [2013, 2014, 2019] and accidents["years_missing"][0] == 1972
    lden = doc["noise-lden"]
    assert lden["years_missing"] == [2013, 2016, 2017, 2020, 2021]  # fiscal years


# --- output ------------------------------------------------------------------------------

def _run(argv: list[str], capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    from anpo.cli import main

    monkeypatch.setattr(sys, "argv", ["anpo", *argv])
    code = 0
    try:
        main()
    except SystemExit as ex:
        code = int(ex.code or 0)
    return code, capsys.readouterr().out


def test_cli_text_csv_and_json_carry_rates_checks_and_missing_years(capsys, monkeypatch):
    code, out = _run(["okinawa"], capsys, monkeypatch)
    assert code == 0 and "738 = 1972-05-15..2016-12-31 (709) + 29 in 2017  [ok]" in out
    assert "years missing since 1972: 1972-1976, 1978-1994, 1996-2001, 2008-2009, 2011" in out
    code, out = _run(["okinawa", "--series", "sofa-crimes-okinawa", "--format", "csv"], capsys,
                     monkeypatch)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and next(r for r in rows if r["period"] == "2010")["per_10k_sofa"] == "14.27"
    code, out = _run(["okinawa", "--series", "noise-lden", "--format", "json"], capsys, monkeypatch)
    doc = json.loads(out)
    assert doc["series"][0]["years_missing"] and "bound_checks" in doc

