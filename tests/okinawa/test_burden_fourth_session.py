"""The Okinawa rows the fourth session added (issue 17, data gaps): persons cleared in
1996-1998 as the police's 2007 tally compared them, heinous offences for 1977 and 1972-2015,
and one more crash year. Each pin says what the source prints and checks the new rows against
the totals already in the file."""

from __future__ import annotations

from anpo.posture import burden


def _row(series_id: str, period: str) -> dict[str, object]:
    return next(r for r in burden.rows(series_id) if r["period"] == period)


def test_persons_cleared_1996_to_1998_come_from_the_2007_tally():
    values = {y: _row("sofa-arrests-okinawa", str(y))["value"] for y in (1996, 1997, 1998, 2007)}
    # 1996 the fewest since reversion (to 2007); 2007 level with 1997 and 1998, the second lowest
    assert values == {1996: 33, 1997: 46, 1998: 46, 2007: 46}
    yearly = {r["period"]: r["value"] for r in burden.rows("sofa-arrests-okinawa")
              if len(str(r["period"])) == 4}
    # the fewest up to 2007, as the tally said; 2014 (27) and 2016 (28) were lower later
    to_2007 = {y: v for y, v in yearly.items() if int(y) <= 2007}
    assert min(to_2007, key=lambda y: to_2007[y]) == "1996"
    assert min(yearly, key=lambda y: yearly[y]) == "2014"
    for y in ("1996", "1997", "1998"):
        row = _row("sofa-arrests-okinawa", y)
        assert row["confidence"] == "partly" and not row.get("url")


def test_heinous_offences_1972_to_2015_add_up_by_kind_and_fit_the_other_totals():
    row = _row("sofa-heinous-okinawa", "1972-05-15..2015-12-31")
    parts = row["parts"]
    assert isinstance(parts, dict) and sum(parts.values()) == row["value"] == 574
    persons = _row("sofa-heinous-persons-okinawa", "1972-05-15..2015-12-31")
    assert isinstance(persons["parts"], dict) and sum(persons["parts"].values()) == persons["value"] == 741
    # the totals to 2014 and to 2018 bracket it: 571 <= 574 <= 580
    assert (_row("sofa-heinous-okinawa", "1972-05-15..2014-12-31")["value"] <= 574
            <= _row("sofa-heinous-okinawa", "1972-05-15..2018-12-31")["value"])
    # the 1972-1998 totals (520 offences, 662 persons) leave room for it
    assert _row("sofa-heinous-okinawa", "1972-05-15..1998-12-31")["value"] <= 574
    assert _row("sofa-heinous-persons-okinawa", "1972-05-15..1998-12-31")["value"] <= 741


def test_1977_is_the_peak_of_both_offences_and_heinous_offences():
    assert _row("sofa-heinous-okinawa", "1977")["value"] == 69
    assert _row("sofa-heinous-persons-okinawa", "1977")["value"] == 69
    heinous = {r["period"]: r["value"] for r in burden.rows("sofa-heinous-okinawa")
               if len(str(r["period"])) == 4}
    assert max(heinous, key=lambda y: heinous[y]) == "1977"
    # every bound check of the series still holds with the new rows
    assert all(b.ok for b in burden.bound_checks(burden.series("sofa-heinous-okinawa")))
    assert all(b.ok for b in burden.bound_checks(burden.series("sofa-heinous-persons-okinawa")))


def test_crash_years_inside_the_2004_2013_total():
    crashes = {y: _row("aircraft-crashes", str(y))["value"] for y in (2008, 2013)}
    assert crashes == {2008: 1, 2013: 2}
    # the prefecture's 2004-2013 count of crashes is 5 (aircraft-accidents parts)
    period = _row("aircraft-accidents", "2004-01-01..2013-12-31")
    assert isinstance(period["parts"], dict) and sum(crashes.values()) <= period["parts"]["crashes"] == 5


def test_the_gap_note_says_what_the_fourth_session_added():
    gaps = {g.topic: g.text for g in burden.burden_series().gaps}
    assert "1996 (33" in gaps["crimes-by-year"] and "741 persons" in gaps["crimes-by-year"]


def test_fy2008_noise_from_the_prefectures_2009_release():
    peak = _row("noise-peak", "FY2008")
    assert (peak["value"], peak["station"]) == (118.7, "sunabe")
    night = _row("noise-night-monthly-22-07", "FY2008")
    assert (night["value"], night["station"]) == (400.7, "kadena")
    # kept apart from the 22:00-06:00 series, whose FY2010 Kadena figure is 484.7
    assert not [r for r in burden.rows("noise-night-monthly") if r["period"] == "FY2008"]
