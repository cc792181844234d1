"""Map tiles drawn from anpo's own geography: a base map and administration on a date.

Each 256-pixel Web Mercator tile (the XYZ scheme Leaflet asks for) is drawn by resolving the
centre of every pixel with `geo.resolve`, the same call that answers `anpo where`. So the
coast is as sharp as the shipped data at every zoom (GSHHG full resolution within 10-55N,
115-160E; Natural Earth 1:10m beyond), and nothing is fetched from the internet.

- `base_tile`: land in grey, sea in pale blue, the coastline and land borders darker. It
  does not depend on the date (land borders drawn are those of today).
- `admin_tile`: land and territorial sea tinted by the administering state on a date
  (territorial sea lighter), transparent elsewhere; drawn over the base map.

Tiles are PNG with a palette (small, quick to encode), cached per tile and, for
administration, per period between changes (`report.coverage.effective_day`).
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from anpo.core.codes import NULL, Zone
from anpo.core.errors import InputError

SIZE = 256
MAX_ZOOM = 14

# Administering states the dashboard names (the same colours as its legend); others grey.
PALETTE = {"JPN": (214, 40, 40), "USA": (37, 99, 235), "CHN": (233, 196, 106), "TWN": (144, 190, 109),
           "KOR": (67, 170, 139), "PRK": (87, 117, 144), "RUS": (165, 165, 141), "PHL": (243, 114, 44),
           "MNG": (205, 180, 219), "VNM": (255, 180, 162), "FSM": (142, 202, 230)}
OTHER = (187, 187, 187)
SEA = (223, 236, 246)
LAND = (238, 236, 230)
COAST = (90, 100, 110)
BORDER = (150, 150, 150)


def check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise InputError("z", f"zoom {z} is outside 0..{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise InputError("x" if not 0 <= x < n else "y", f"tile ({x}, {y}) is outside zoom {z}'s 0..{n - 1}")


def pixel_centres(z: int, x: int, y: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Latitude and longitude of the centre of each pixel of tile (z, x, y), row by row."""
    n = float(1 << z)
    steps = (np.arange(SIZE) + 0.5) / SIZE
    lon = (x + steps) / n * 360.0 - 180.0
    merc = math.pi * (1 - 2 * (y + steps) / n)
    lat = np.degrees(np.arctan(np.sinh(merc)))
    lon_grid, lat_grid = np.meshgrid(lon, lat)
    return lat_grid.ravel(), lon_grid.ravel()


def _resolve(z: int, x: int, y: int, day: int) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int32]]:
    from anpo import geo

    lat, lon = pixel_centres(z, x, y)
    place = geo.resolve(lat, lon, np.full(lat.size, day, np.int32))  # thread-safe (geo locks)
    return (np.asarray(place.zone, np.int8).reshape(SIZE, SIZE),
            np.asarray(place.administered_by, np.int32).reshape(SIZE, SIZE))


def _edges(classes: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Pixels whose right or lower neighbour has another class (a one-pixel outline)."""
    edge = np.zeros(classes.shape, bool)
    edge[:, :-1] |= classes[:, :-1] != classes[:, 1:]
    edge[:-1, :] |= classes[:-1, :] != classes[1:, :]
    return edge


def _png(index: npt.NDArray[np.uint8], colours: list[tuple[int, int, int]],
         transparent: int | None = None, alpha: list[int] | None = None) -> bytes:
    from PIL import Image

    image = Image.fromarray(index, mode="P")
    image.putpalette([c for rgb in colours for c in rgb])
    out = io.BytesIO()
    if alpha is not None:
        image.save(out, format="PNG", optimize=False, transparency=bytes(alpha))
    elif transparent is not None:
        image.save(out, format="PNG", optimize=False, transparency=transparent)
    else:
        image.save(out, format="PNG", optimize=False)
    return out.getvalue()


@lru_cache(maxsize=4096)
def base_tile(z: int, x: int, y: int) -> bytes:
    """The base map tile (z, x, y) as PNG bytes: land, sea, coastline and land borders."""
    import datetime as dt

    from anpo.core.dates import to_day

    check_tile(z, x, y)
    zone, admin = _resolve(z, x, y, to_day(dt.date.today()))
    land = zone == Zone.land
    index = np.where(land, 1, 0).astype(np.uint8)
    owner = np.where(land, admin, -2)
    index[_edges(owner) & ~_edges(land.astype(np.int32))] = 3  # borders between land of two states
    index[_edges(land.astype(np.int32))] = 2  # the coastline wins where both meet
    return _png(index, [SEA, LAND, COAST, BORDER])


def _admin_palette() -> tuple[list[tuple[int, int, int]], list[int], dict[int, int]]:
    """Palette of the administration tiles: 0 transparent, then per state land and sea."""
    from anpo.core.codes import country_code

    colours: list[tuple[int, int, int]] = [(0, 0, 0)]
    alpha = [0]
    slot: dict[int, int] = {}
    for iso3, rgb in [*PALETTE.items(), ("", OTHER)]:
        code = country_code(iso3) if iso3 else NULL
        slot[code] = len(colours)
        colours += [rgb, rgb]
        alpha += [150, 70]  # land, then territorial sea (lighter)
    return colours, alpha, slot


@lru_cache(maxsize=8192)
def _admin_tile(z: int, x: int, y: int, effective: int) -> bytes:
    zone, admin = _resolve(z, x, y, effective)
    colours, alpha, slot = _admin_palette()
    other = slot[NULL]
    index = np.zeros(zone.shape, np.uint8)
    administered = (admin != NULL) & (zone != Zone.outside)
    codes = np.unique(admin[administered])
    for code in codes.tolist():
        base = slot.get(int(code), other)
        mask = administered & (admin == code)
        index[mask & (zone == Zone.land)] = base
        index[mask & (zone == Zone.territorial_sea)] = base + 1
    return _png(index, colours, alpha=alpha)


def admin_tile(z: int, x: int, y: int, date: str) -> bytes:
    """Land and territorial sea by administering state on `date`, tile (z, x, y), PNG bytes."""
    from anpo.core.dates import parse_date, to_day
    from anpo.report.coverage import effective_day

    check_tile(z, x, y)
    return _admin_tile(z, x, y, effective_day(to_day(parse_date(date, "date"))))
