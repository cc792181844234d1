"""U.S. personnel in Japan by year (DMDC, read from a copy)."""

from __future__ import annotations

import pytest

from anpo.core.errors import DataError, InputError
from anpo.posture.areas import parse_rows
from anpo.posture.personnel import PERSONNEL_FILE, PersonnelRow, personnel, series


def test_series_loads_with_sources():
    rows = personnel().rows
    japan = [r for r in rows if r.country == "Japan"]
    assert japan[0].year == 1950 and japan[-1].year >= 2024
    assert all(r.source.startswith("https://www.dmdc.osd.mil/") and r.read_from for r in rows)
    assert all(r.confidence != "confirmed" for r in rows)  # read from a copy
    by = {r.year: r for r in japan}
    assert by[1954].active_duty > by[1974].active_duty > by[2007].active_duty
    # from 1974 the services add up to the total (before 2008 there is no Coast Guard line)
    for y in range(1974, 2008):
        if y in by:
            r = by[y]
            assert r.army + r.navy + r.marine_corps + r.air_force == r.active_duty, y
    # Okinawa was a line of its own before reversion; Marines were its largest service
    ryukyu = {r.year: r for r in rows if r.country == "Ryukyu Islands"}
    assert ryukyu[1972].marine_corps > ryukyu[1972].army


def test_range_and_bad_range():
    s = series(2020, 2024)
    assert [r.year for r in s.rows] == [2020, 2021, 2022, 2023, 2024]
    assert [r.year for r in series(1970, 1972).rows] == [1970, 1971, 1972]  # Ryukyu lines
    with pytest.raises(InputError, match="to_year"):
        series(2024, 2020)
    with pytest.raises(InputError, match="from_year"):
        series(2090, 2095)


def test_bad_row_named():
    raw = {"year": "2020", "as_of": "2020-09-30", "country": "Japan", "active_duty": "10",
           "army": "20", "navy": "", "marine_corps": "", "air_force": "", "source": "s",
           "read_from": "", "confidence": "partly", "note": ""}
    with pytest.raises(DataError, match=rf"{PERSONNEL_FILE}: line 4: "):
        parse_rows(PersonnelRow, iter([(4, raw)]), PERSONNEL_FILE)
