"""A published total known only to the year is printed as the year, not as 1 January."""
from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from anpo.cli import app
from anpo.posture import registry_coverage
from anpo.posture.areas import TotalRow
from anpo.posture.schema import dated


def test_dated_prints_no_more_than_is_known() -> None:
    day = dt.date(1960, 1, 1)
    assert dated(day, "year") == "1960"
    assert dated(day, "month") == "1960-01"
    assert dated(day) == "1960-01-01"


def test_a_sum_of_printed_parts_takes_the_coarsest_precision() -> None:
    common = {"source": "s", "confidence": "partly"}
    year = TotalRow.model_validate({"as_of": "1960-01-01", "scope": "Mainland", "area_km2": 300,
                                    "precision": "year", **common})
    day = TotalRow.model_validate({"as_of": "1960-01-01", "scope": "Okinawa", "area_km2": 30, **common})
    area = registry_coverage.PublishedArea("Japan", 330.0, dt.date(1960, 1, 1), True, (year, day))
    assert area.as_of_label == "1960"
    assert area.to_dict()["as_of_precision"] == "year"
    only_day = registry_coverage.PublishedArea("Okinawa", 30.0, dt.date(1960, 1, 1), False, (day,))
    assert only_day.as_of_label == "1960-01-01"


def test_the_1960_mainland_total_prints_its_year_only() -> None:
    out = CliRunner().invoke(app, ["bases", "--registry", "--date", "1960-01-01"]).output
    assert "(published, as of 1960)" in out
    assert "as of 1960-01-01" not in out
