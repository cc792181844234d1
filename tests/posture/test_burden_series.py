"""Okinawa's burden series: schema errors name file/row/field, sums and shares are computed."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture import burden
from anpo.posture.burden_schema import BurdenSeriesFile
from anpo.posture.cited import validate_file

MY_FILES = ("okinawa/burden.yaml", "realignment/plans.yaml", "governance/alliance.yaml",
            "posture/okinawa.yaml", "posture/changes.yaml", "posture/command.yaml")


def _raw() -> dict[str, Any]:
    return copy.deepcopy(data.read_yaml(burden.SERIES_FILE))


# Copies and wikis seen in the data these files replace: they may be read, never cited.
NOT_A_PUBLISHER = (
    "wikipedia.org", "owiki.org", "thefullwiki.org", "everything.explained.today", "docslib.org",
    "studyres.com", "vdocuments.mx", "issuhub.com", "careersdocbox.com", "blog.goo.ne.jp",
    "hatena", "5ch.net", "weblio.jp", "pdfslide.net", "expydoc.com", "kotobank.jp",
)


def _load(raw: dict[str, Any]) -> BurdenSeriesFile:
    return validate_file(BurdenSeriesFile, raw, burden.SERIES_FILE)


def _series(raw: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in raw["series"] if s["id"] == sid)


def test_every_source_is_a_publisher_never_a_local_path_or_a_wiki():
    text_urls = re.compile(r"https?://([^/\s\"']+)")
    for name in MY_FILES:
        text = data.path(name).read_text(encoding="utf-8")
        assert "shared/reference" not in text and "../" not in text, name
        for host in text_urls.findall(text):
            assert not any(bad in host for bad in NOT_A_PUBLISHER), (name, host)
    # `confirmed` rests on an official page to check it against
    for s in burden.burden_series().series:
        for r in s.rows:
            assert r.confidence != "confirmed" or r.url.startswith("https://"), (s.id, r)


def test_a_missing_field_is_named_with_its_file_and_series():
    raw = _raw()
    del _series(raw, "sofa-crimes-okinawa")["counts"]
    with pytest.raises(DataError, match=r"okinawa/burden.yaml: series\.sofa-crimes-okinawa\.counts"):
        _load(raw)


def test_a_bad_row_is_named_and_parts_must_add_up():
    raw = _raw()
    _series(raw, "aircraft-accidents")["rows"][1]["parts"]["fixed_wing"] = 584
    with pytest.raises(DataError, match=r"aircraft-accidents\.rows\.row 1.*parts add up to 708"):
        _load(raw)
    raw = _raw()
    _series(raw, "sofa-crimes-okinawa")["rows"][2]["value"] = "many"
    with pytest.raises(DataError, match=r"sofa-crimes-okinawa\.rows\.row 2\.value"):
        _load(raw)


def test_confirmed_without_the_publishers_url_and_local_paths_are_refused():
    raw = _raw()
    _series(raw, "aircraft-accidents")["rows"][0]["confidence"] = "confirmed"
    with pytest.raises(DataError, match="confirmed.*needs the publisher's url"):
        _load(raw)
    raw = _raw()
    _series(raw, "aircraft-accidents")["rows"][0]["source"] = "../shared/reference/alliance-facts.md"
    with pytest.raises(DataError, match="local path"):
        _load(raw)
    raw = _raw()
    _series(raw, "aircraft-accidents")["rows"][0]["url"] = "https://en.wikipedia.org/wiki/Okinawa"
    with pytest.raises(DataError, match="is a copy, not a publisher"):
        _load(raw)


def test_the_published_accident_total_is_the_sum_of_its_published_parts():
    row = next(r for r in burden.series("aircraft-accidents").rows if r.value == 709)
    assert row.parts_complete and sum(row.parts.values()) == 709  # 585 fixed-wing + 124 rotary


def test_the_cumulative_crime_total_matches_the_earlier_total_plus_the_year():
    checks = burden.sum_checks(burden.series("sofa-crimes-okinawa"))
    c = next(c for c in checks if c.total_period == "1972-05-15..2023-12-31")
    assert c.parts == ("1972-05-15..2022-12-31", "2023") and c.ok
    assert c.published_total == 6235 and c.computed_total == 6163 + 72


def test_a_contradicted_total_is_caught():
    s = burden.series("sofa-crimes-okinawa")
    rows = tuple(r.model_copy(update={"value": 70.0}) if r.year == 2023 else r for r in s.rows)
    bad = s.model_copy(update={"rows": rows})
    assert [c.ok for c in burden.sum_checks(bad) if c.total_period.endswith("2023-12-31")] == [False]


def test_okinawas_share_of_national_crime_is_computed_and_matches_the_published_share():
    rows = [r for r in burden.rows("sofa-crimes-okinawa") if "published_share_pct" in r]
    assert {r["period"] for r in rows} >= {"2002", "2015", "2022", "2023", "2008-01-01..2015-12-31",
                                          "1997-01-01..2023-12-31"}
    for r in rows:
        assert abs(r["share_of_national_pct"] - r["published_share_pct"]) <= 0.5, r


def test_per_capita_uses_the_latest_census_before_the_year():
    r2023 = next(r for r in burden.rows("sofa-crimes-okinawa") if r["period"] == "2023")
    assert r2023["population_census"] == 2020
    assert r2023["per_100k_residents"] == round(72 / 1467480 * 100_000, 2)
    r2013 = next(r for r in burden.rows("sofa-crimes-okinawa") if r["period"] == "2013")
    assert r2013["population_census"] == 2010


def test_the_prefectures_shares_rise_from_reversion_to_today():
    s = burden.series("exclusive-area-share")
    values = [r.value for r in sorted(s.rows, key=lambda r: r.date)]
    assert values[0] == 58.7 and values[-1] == 70.3 and max(values) <= 100
    assert burden.latest("exclusive-area-share", s.rows[-1].date).value == 70.3


def test_unknown_series_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError, match="series.*accepted: exclusive-area-share"):
        burden.series("noise")


def test_gaps_are_said_not_filled():
    topics = {g["topic"] for g in burden.report()["gaps"]}
    assert {"noise", "red-soil"} <= topics
    assert not any(s.id.startswith("red-soil") for s in burden.burden_series().series)


def test_the_2016_share_is_recomputed_from_the_two_areas_it_divides():
    row = next(r for r in burden.rows("exclusive-area-share") if r["period"] == "2016-03-31")
    assert row["computed_pct"] == round(22619 / 30369 * 100, 2) == row["value"]  # 74.48
    row = next(r for r in burden.rows("exclusive-area-share") if r["period"] == "2020-01-01")
    assert row["computed_pct"] == round(18494.4 / 26317.6 * 100, 2) == row["value"]  # 70.27
    assert all("computed_pct" not in r for r in burden.rows("exclusive-area-share")
               if r["period"] not in ("2016-03-31", "2020-01-01"))  # no national area: not invented


def test_noise_rows_say_their_station_and_how_far_over_the_standard_they_are():
    rows = burden.rows("noise-lden")
    sunabe = [r for r in rows if r["station"] == "sunabe"]
    assert sunabe and all(r["over_standard"] == r["value"] - 62 for r in sunabe)
    # two bases' totals for the same year are never summed into a 'total'
    assert burden.sum_checks(burden.series("noise-events-odb")) == []
