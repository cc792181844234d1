"""U.S. personnel in Japan by year (DMDC, read from a copy)."""

from __future__ import annotations

import pytest

from anpo.core.errors import DataError, InputError
from anpo.posture.areas import parse_rows
from anpo.posture.personnel import PERSONNEL_FILE, PersonnelRow, personnel, series


def test_series_loads_with_sources():
    rows = personnel().rows
    assert rows[0].year == 1950 and rows[-1].year >= 2024
    assert all(r.source.startswith("https://www.dmdc.osd.mil/") and r.read_from for r in rows)
    assert all(r.confidence != "confirmed" for r in rows)  # read from a copy
    by = {r.year: r.active_duty for r in rows}
    assert by[1953] > by[1972] > by[1990]  # the drawdown after the occupation and Korea


def test_range_and_bad_range():
    s = series(2020, 2024)
    assert [r.year for r in s.rows] == [2020, 2021, 2022, 2023, 2024]
    with pytest.raises(InputError, match="to_year"):
        series(2024, 2020)
    with pytest.raises(InputError, match="from_year"):
        series(2090, 2095)


def test_bad_row_named():
    raw = {"year": "2020", "country": "Japan", "active_duty": "10", "army": "20", "navy": "",
           "marine_corps": "", "air_force": "", "source": "s", "read_from": "", "confidence": "partly",
           "note": ""}
    with pytest.raises(DataError, match=rf"{PERSONNEL_FILE}: line 4: "):
        parse_rows(PersonnelRow, iter([(4, raw)]), PERSONNEL_FILE)
