"""The alliance on the ground at a date: facilities, forces, command arrangements.

posture.at("2025-06-01")                  # Posture: facilities, planned, command, changes
posture.bases("2025-06-01", near=(25.74, 123.47), radius_km=500, kind="airfield")
posture.distance_matrix_km(lat_a, lon_a, lat_b, lon_b)   # WGS-84 geodesics, vectorized
posture.footprint("1972-05-15", closed=["futenma"])  # SOFA registry, areas, Okinawa's share
posture.share_series()                    # the share computed from the registry, by date
"""

from anpo.posture.command import arrangements
from anpo.posture.distance import distance_km, distance_matrix_km
from anpo.posture.footprint import Footprint, check_closed, footprint, share_series
from anpo.posture.registry import Facility, Point, facilities, facility, points
from anpo.posture.snapshot import FacilityOnDate, Posture, at, bases

__all__ = [
    "Facility",
    "FacilityOnDate",
    "Footprint",
    "Point",
    "Posture",
    "arrangements",
    "at",
    "bases",
    "check_closed",
    "distance_km",
    "distance_matrix_km",
    "facilities",
    "facility",
    "footprint",
    "points",
    "share_series",
]
