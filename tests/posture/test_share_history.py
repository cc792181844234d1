"""Okinawa's share through time: computed from published areas and checked against the printed
shares; which registry dates are incomplete; MOD's current list reconciled by count; the
historic mainland bases on the dates of the series.

Tolerances (stated once):
- exact figures (thousand m², shares to two decimals): 0.01 percentage points;
- 1972: Okinawa "about 278 km²" (MOD) and the mainland "about 20,000 ha" (Kyodo). Read as
  ±0.5 km² and ±5 km², the computed share moves by at most 278·5/478² + 200·0.5/478² ≈ 0.65
  points, so the printed 58.7% must lie within 0.65 points of the computed one.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from anpo import posture
from anpo.posture.areas import registry
from anpo.posture.footprint import published_share_on

EXACT_PCT = 0.01
ROUGH_1972_PCT = 0.65
KM2_TOL = 0.005


def _series() -> dict[str, dict[str, object]]:
    return {str(r["date"]): r for r in posture.share_series()}


@pytest.mark.parametrize(
    ("day", "tol"),
    [("1972-05-15", ROUGH_1972_PCT), ("2016-03-31", EXACT_PCT), ("2018-03-31", EXACT_PCT),
     ("2020-01-01", EXACT_PCT)],
)
def test_share_computed_from_published_areas_matches_the_printed_share(day, tol):
    """On each date where a publisher printed both areas (or Okinawa's and the mainland's) and
    the share, the share computed from the areas equals the printed one within the tolerance."""
    row = _series()[day]
    assert row["published_areas_as_of"] == row["published_share_as_of"] == day
    diff = row["computed_minus_printed_pct"]
    assert diff is not None and abs(diff) <= tol, (day, diff)
    assert row["published_areas_approximate"] is (day == "1972-05-15")


def test_the_shift_to_okinawa_is_in_the_computed_series():
    """The mainland's exclusive-use area fell from more than 1,300 km² (1952) to about 200
    (1972); Okinawa's computed share rose from about 58% at reversion to about 74.5% in 2016,
    then fell with the Northern Training Area return of December 2016 to about 70%."""
    mainland = {t.as_of.year: t.area_km2 for t in registry().totals
                if t.scope == "Mainland" and t.area_km2}  # not the rows that give a count only
    assert mainland[1952] >= 1300 > 6 * mainland[1972]
    s1972, s2016, s2020 = (published_share_on(d) for d in ("1972-05-15", "2016-03-31", "2020-01-01"))
    assert s1972 is not None and s2016 is not None and s2020 is not None
    assert s1972.share_pct < 60 < 70 < s2020.share_pct < s2016.share_pct
    assert published_share_on("1960-01-01") is None  # no published pair before reversion


@pytest.mark.parametrize("day", ["1960-01-01", "1972-05-15", "2026-01-01"])
def test_incomplete_dates_are_flagged(day):
    """Each date of the series says how many exclusive-use rows lack an area; while any does,
    the registry's share is marked partial (not Okinawa's share). 1960: one row (Yokota) has an
    area of its own time."""
    row = _series()[day]
    fp = posture.footprint(day)
    assert row["without_area"] == len(fp.without_area) > 0
    assert row["registry_complete"] is False
    if day == "1960-01-01":
        assert len(fp.without_area) == len(fp.exclusive) - 1 and fp.exclusive_km2 == 7.0


def test_mods_2020_list_reconciled_by_count():
    """MOD counted 78 exclusive-use facilities on 2020-01-01 (31 in Okinawa) and 79 on
    2016-03-31 (Cabinet answer): the registry holds 78 on 2020-01-01, and its rows in force on
    2016-03-31 plus those known only from the 2020 list (no start recorded) make 79 (Yugi, in
    force then, was returned on 2016-07-01)."""
    fp2020 = posture.footprint("2020-01-01")
    assert len(fp2020.exclusive) == 78
    assert sum(1 for e in fp2020.exclusive if e.row.prefecture == "Okinawa") == 31
    fp2016 = posture.footprint("2016-03-31")
    later = [r for r in registry().rows if r.basis == "II-1(a)" and r.start is None
             and r.listed_on == dt.date(2020, 1, 1)]
    assert len(fp2016.exclusive) + len(later) == 79


@pytest.mark.parametrize(("prefecture", "n"), [("Nagasaki", 10), ("Hiroshima", 5), ("Shizuoka", 2),
                                               ("Yamaguchi", 2)])
def test_the_facilities_added_from_mods_list(prefecture, n):
    fp = posture.footprint("2020-01-01")
    assert sum(1 for e in fp.exclusive if e.row.prefecture == prefecture) == n


def test_yamaguchi_area_equals_mods_figure():
    """Sofu's area is derived as MOD's Yamaguchi area less Iwakuni's (both 2020-01-01), so the
    registry's Yamaguchi total equals MOD's figure."""
    fp = posture.footprint("2020-01-01")
    yamaguchi = next(p for p in fp.by_prefecture if p.prefecture == "Yamaguchi")
    printed = next(t for t in registry().totals
                   if t.as_of == dt.date(2020, 1, 1) and t.scope == "Yamaguchi")
    assert yamaguchi.without_area == 0
    assert yamaguchi.itemized_km2 == pytest.approx(printed.area_km2, abs=KM2_TOL)


def test_historic_mainland_bases_by_date():
    ids = lambda d: {e.row.id for e in posture.footprint(d).exclusive}  # noqa: E731
    old = {"itami", "komaki", "tachikawa", "johnson", "camp-drake", "washington-heights",
           "grant-heights", "itazuke", "fuchu-comm"}
    assert old <= ids("1957-01-01")
    assert {"itami", "komaki", "washington-heights"}.isdisjoint(ids("1972-05-15"))
    assert {"tachikawa", "johnson", "camp-drake", "itazuke"} <= ids("1972-05-15")
    assert "sakibe-annex" in ids("2020-01-01") and "sakibe-annex" not in ids("2021-01-25")
    # the Kanagawa facilities are on the registry from the Administrative Agreement's first list
    assert {"negishi-housing", "ikego-housing", "kamiseya-comm"} <= ids("1960-01-01")
    assert "kamiseya-comm" not in ids("2026-01-01")


@pytest.mark.parametrize("day", ["1960-01-01", "1972-05-15", "2026-01-01"])
def test_registry_command_shows_areas_or_flags_them(day):
    """`anpo bases --registry --date D`: every exclusive-use row has an area or says it has
    none for the date, and the summary says how many lack one."""
    from anpo.cli import app

    out = CliRunner().invoke(app, ["bases", "--registry", "--date", day]).output
    fp = posture.footprint(day)
    lines = out.splitlines()
    for e in fp.exclusive:
        line = next(x for x in lines if x.startswith(e.row.id + " "))
        assert e.area_km2 is not None or "no area published for this date" in line or "not counted" in line
    assert f"No area on {day} for {len(fp.without_area)} of {len(fp.exclusive)}" in out
    if day == "1972-05-15":
        assert "Okinawa's share from the published areas of 1972-05-15: about" in out
    # before reversion the registry has no Okinawa rows, and says why
    assert ("Okinawa was under U.S. administration" in out) is (day == "1960-01-01")


def test_share_command_prints_the_computed_series():
    from anpo.cli import app

    out = CliRunner().invoke(app, ["posture", "--share"]).output
    line = next(x for x in out.splitlines() if x.startswith("2016-03-31"))
    assert "74.48" in line and "+0.00" in line
    line = next(x for x in out.splitlines() if x.startswith("1972-05-15"))
    assert "~58.16" in line  # computed from areas printed as approximate
    assert re.search(r"\(\d+\.\d\)", line)  # the registry's share, partial, in parentheses
