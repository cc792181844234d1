"""WHERE: (lat, lon, date) columns -> place columns (zone, administered_by, claimed_by, name).

Nothing else in anpo knows about polygons: the law reads `Place` columns only.
"""

from anpo.geo.place import AdminPeriod, Place, Unit
from anpo.geo.resolver import resolve, units

__all__ = ["AdminPeriod", "Place", "Unit", "resolve", "units"]
