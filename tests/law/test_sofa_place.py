"""Where an incident happened: administration from the geography, facilities approximately."""

from __future__ import annotations

import datetime as dt
import math

from pyproj import Geod

from anpo import posture
from anpo.cli.incident import render_text
from anpo.law import sofa, sofa_place

BASE = {
    "date": "2012-08-01", "accused": "member", "offense": "assault", "punishable_under": "both",
    "official_duty": False, "victim": "japanese_person", "custody": "us",
}


def _north_of(facility_id: str, km: float) -> tuple[float, float]:
    f = posture.facility(facility_id)
    lon, lat, _ = Geod(ellps="WGS84").fwd(f.lon, f.lat, 0.0, km * 1000.0)
    return lat, lon


def _location(lat: float, lon: float, date: str = "2012-08-01") -> dict:
    incidents, _ = sofa.parse_incidents({**BASE, "date": date, "lat": lat, "lon": lon})
    return sofa.assess_incidents(incidents)[0]["location"]


def test_radius_is_the_recorded_area_or_the_stated_default() -> None:
    r, basis = sofa_place.radius_km(posture.facility("camp-schwab"))
    area = posture.facility("camp-schwab").record.area_km2
    assert area is not None and math.isclose(r, math.sqrt(area.value / math.pi))
    assert "area" in basis
    unmeasured = next(f for f in posture.facilities().values() if f.record.area_km2 is None)
    assert sofa_place.radius_km(unmeasured)[0] == sofa_place.DEFAULT_RADIUS_KM


def test_on_or_off_by_the_circle_around_the_reference_point() -> None:
    radius, _ = sofa_place.radius_km(posture.facility("kadena"))  # from Kadena's recorded area
    inside = _location(*_north_of("kadena", radius - 0.2))
    outside = _location(*_north_of("kadena", radius + 0.2))
    assert inside["on_facility"] and inside["facility"]["id"] == "kadena"
    assert not outside["on_facility"] and outside["facility"] is None
    assert outside["nearest_facility"]["id"] == "kadena" and outside["approximate"]


def test_facility_not_yet_in_use_is_not_a_facility() -> None:
    # Kyogamisaki radar site: provided to the U.S. on 2013-12-12 (issue 16's audit; the radar
    # arrived in 2014).
    lat, lon = _north_of("kyogamisaki", 0.1)
    assert not _location(lat, lon, "2013-12-11")["on_facility"]
    assert _location(lat, lon, "2013-12-12")["facility"]["id"] == "kyogamisaki"


def test_us_administered_place_names_the_reversion_and_the_text_says_so() -> None:
    incidents, _ = sofa.parse_incidents({**BASE, "date": "1965-03-01", "lat": 26.357, "lon": 127.765})
    result = sofa.assess_incidents(incidents)[0]
    assert result["regime"] == "us_administration" and result["jurisdiction"] is None
    assert "1972-05-15" in result["location"]["note"] and "did not apply" in result["location"]["note"]
    text = render_text(result)
    assert "outside the SOFA" in text and "facility (approximate): on Kadena Air Base" in text


def test_no_location_no_place() -> None:
    incidents, _ = sofa.parse_incidents(BASE)
    assert sofa.assess_incidents(incidents)[0]["location"] is None
    place = sofa_place.locate([None], [None], [dt.date(2012, 8, 1)])
    assert not place.us_administered()[0] and place.facility == [None]
