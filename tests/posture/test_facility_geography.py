"""Every facility's point lies on land (or a port's water within a tolerance) administered by
the right country on the dates it is in the registry. Uses the real anpo.geo.resolve."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from anpo.core.codes import NULL, Zone, country_name
from anpo.core.dates import to_day
from anpo.posture import facilities

# A port's reference point may sit in its harbour; approximate points are good to ±1–2 km.
TOLERANCE_NM = 2.0


def _cases() -> list[tuple[str, dt.date, str]]:
    out = []
    for f in facilities().values():
        for p in f.record.status:
            expected = (
                "USA" if f.record.host == "USA" or p.legal_status == "us_administration" else "JPN"
            )
            last = (p.end - dt.timedelta(days=1)) if p.end else dt.date(2026, 1, 1)
            for day in {p.start, last}:
                out.append((f.id, day, expected))
    return out


CASES = _cases()


@pytest.fixture(scope="module")
def places():
    geo = pytest.importorskip("anpo.geo")
    reg = facilities()
    lat = np.array([reg[c[0]].lat for c in CASES])
    lon = np.array([reg[c[0]].lon for c in CASES])
    day = np.array([to_day(c[1]) for c in CASES], dtype=np.int32)
    # exact: the coast distance of every sea point (the grid's sub-cells decide the zone of
    # most points near coasts without measuring it)
    return geo.resolve(lat, lon, day, exact=True)


@pytest.mark.parametrize("i", range(len(CASES)), ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_facility_point_is_in_administered_land_or_port(places, i):
    fid, day, expected = CASES[i]
    zone = int(places.zone[i])
    assert zone != NULL
    if zone != Zone.land:
        assert zone == Zone.territorial_sea, f"{fid} resolves to {Zone(zone).name}"
        assert float(places.coast_distance_nm[i]) <= TOLERANCE_NM
    assert country_name(int(places.administered_by[i])) == expected
