"""Maps of who administers land and territorial sea, on a date or over the years.

The map is a raster of pixel centres resolved through `anpo.geo.resolve`, so every pixel
shows exactly what the resolver says; there is no second geometry. matplotlib (Agg) draws
it: `imshow` with a ListedColormap for the administering states, a contour for the
Article V area, hatching for claimed-but-not-administered areas, the specified straits'
outlines (the resolver's own polygons) and, optionally, the facility registry's bases.

    write_map("japan-1965.png", "1965-07-01")
    write_series("reversions.gif", 1952, 2026)          # one frame a year + change days
    r = raster("1973-07-01", BBox(127, 26, 128.5, 27)); r.group_at(26.35, 127.77)  # "JPN"
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing as mp
import os
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects as pe  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import ListedColormap, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.legend_handler import HandlerTuple  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Polygon  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from PIL import Image  # noqa: E402
from scipy import ndimage  # noqa: E402

from anpo.core.codes import NULL, Zone, country_code, iso3_codes  # noqa: E402
from anpo.core.dates import FIRST_DATE, LAST_DATE, parse_date, to_day  # noqa: E402
from anpo.core.errors import InputError  # noqa: E402
from anpo.core.files import atomic_path
from anpo.core.signals import die_with_parent, raise_if_stopped
from anpo.geo.resolver import claim_sets, resolve, units  # noqa: E402
from anpo.geo.units_table import specified_areas  # noqa: E402

# --------------------------------------------------------------------------- constants


@dataclass(frozen=True)
class BBox:
    """A lon/lat box: west, south, east, north (degrees, WGS-84)."""

    west: float
    south: float
    east: float
    north: float

    @property
    def aspect(self) -> float:
        """Display height of a degree of latitude per degree of longitude (1/cos mid-latitude)."""
        return 1.0 / math.cos(math.radians((self.south + self.north) / 2))

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def __str__(self) -> str:
        return ",".join(f"{v:g}" for v in (self.west, self.south, self.east, self.north))


DEFAULT_BBOX = BBox(122.0, 24.0, 149.0, 46.0)  # Japan, from Yonaguni to Etorofu
REGION_BBOX = BBox(115.0, 10.0, 160.0, 55.0)  # the resolver's detailed region
MAX_LAT = 80.0  # the equirectangular display stretches without bound towards the poles
DEFAULT_WIDTH = 900  # pixels of data across the map
SERIES_WIDTH = 480  # pixels of data across a GIF frame
STRIP_WIDTH = 300  # pixels of data across a panel of a PNG strip
SERIES_DAY = (7, 1)  # the fixed day of each year in a series
GIF_COLOURS = 96  # enough for the categories and anti-aliased text; keeps GIFs small
MIN_WIDTH, MAX_WIDTH = 60, 3000
SUFFIXES = (".png", ".gif")
# One date's map: PNG for screens, SVG and PDF for print and editing (labels, outlines and
# the legend stay vectors; the administration raster is embedded at its own resolution).
SINGLE_SUFFIXES = (".png", ".svg", ".pdf")

# Who administers: Okabe-Ito colours (distinguishable with the common colour-vision
# deficiencies); territorial sea is the same hue, lighter. Labels repeat what colour says.
GROUPS = ("JPN", "USA", "RUS", "KOR", "CHN", "TWN", "PRK", "PHL", "other")
GROUP_NAMES = {
    "JPN": "Japan",
    "USA": "United States",
    "RUS": "Russia (USSR before 1991)",
    "KOR": "South Korea",
    "CHN": "China (PRC)",
    "TWN": "Taiwan",
    "PRK": "North Korea",
    "PHL": "Philippines",
    "other": "other states",
}
LAND_COLOURS = {
    "JPN": "#D55E00",  # vermillion
    "USA": "#0072B2",  # blue
    "RUS": "#009E73",  # bluish green
    "KOR": "#56B4E9",  # sky blue
    "CHN": "#F0E442",  # yellow
    "TWN": "#CC79A7",  # reddish purple
    "PRK": "#A6761D",  # ochre brown
    "PHL": "#E69F00",  # orange
    "other": "#9A9A9A",
}
OCEAN = "#EEF3F7"
SEA_TINT = 0.58  # territorial sea: this share of white mixed into the land colour
BASES_TINT = 0.35  # with --bases the whole map is lightened so the markers stand out
ARTICLE5_COLOUR = "#111111"
CLAIM_HATCH = "////"
INK = "#222222"
HALO = [pe.withStroke(linewidth=2.6, foreground="white")]

# Facilities: colour (Paul Tol's muted scheme) and marker shape by legal status.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    "us_exclusive": ("#332288", "o", "U.S. exclusive use (II-1(a))"),
    "joint_use": ("#44AA99", "s", "joint use (II-4(a))"),
    "temporary_use": ("#DDCC77", "D", "U.S. temporary use (II-4(b))"),
    "jsdf": ("#882255", "^", "JSDF"),
    "civil": ("#FFFFFF", "v", "civil airfield or port"),
    "us_administration": ("#117733", "P", "U.S., under U.S. administration"),
    "us_territory": ("#AA4499", "*", "U.S. territory"),
    "planned": ("#BBBBBB", "X", "planned"),
}

TREATY_1960 = "us-japan-1960"
WIDE_SEA_FROM = dt.date(1977, 7, 1)  # Territorial Sea Law: 12 nm (3 nm in the straits)


def _mix(colour: str, white_share: float) -> tuple[float, float, float]:
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * white_share, g + (1 - g) * white_share, b + (1 - b) * white_share)


def palette(lighten: float = 0.0) -> list[tuple[float, float, float]]:
    """RGB of each raster category: 0 ocean, 1 + 2g land of GROUPS[g], 2 + 2g its sea."""
    out = [to_rgb(OCEAN)]
    for g in GROUPS:
        out.append(_mix(LAND_COLOURS[g], lighten))
        out.append(_mix(LAND_COLOURS[g], SEA_TINT + (1 - SEA_TINT) * lighten))
    return out


def land_category(group: str) -> int:
    return 1 + 2 * GROUPS.index(group)


def sea_category(group: str) -> int:
    return 2 + 2 * GROUPS.index(group)


@cache
def _group_of_country() -> npt.NDArray[np.uint8]:
    """Group index of every country code (codes index a sorted ISO-3 table)."""
    n = len(iso3_codes())
    out = np.full(n + 1, GROUPS.index("other"), dtype=np.uint8)
    for g, iso in enumerate(GROUPS[:-1]):
        out[country_code(iso)] = g
    return out


@cache
def article5_from() -> dt.date:
    """Day the 1960 treaty (and with it Article V) entered into force."""
    from anpo.law.instruments import instruments

    return instruments()[TREATY_1960].in_force


def article5_in_force(day: dt.date) -> bool:
    from anpo.law.instruments import instruments

    ended = instruments()[TREATY_1960].ended
    return article5_from() <= day and (ended is None or day < ended)


# --------------------------------------------------------------------------- input


def check_bbox(bbox: BBox, option: str = "--bbox") -> BBox:
    """The box if it is a valid lon/lat box, else InputError naming `option`."""
    vals = (bbox.west, bbox.south, bbox.east, bbox.north)
    if not all(math.isfinite(v) for v in vals):
        raise InputError(option, f"{bbox} has a value that is not a finite number")
    if not (-180 <= bbox.west <= 180 and -180 <= bbox.east <= 180):
        raise InputError(option, f"longitudes must be within -180..180, got {bbox}")
    if not (-MAX_LAT <= bbox.south <= MAX_LAT and -MAX_LAT <= bbox.north <= MAX_LAT):
        raise InputError(option, f"latitudes must be within -{MAX_LAT:g}..{MAX_LAT:g}, got {bbox}")
    if bbox.west >= bbox.east:
        raise InputError(option, f"west ({bbox.west:g}) must be less than east ({bbox.east:g})")
    if bbox.south >= bbox.north:
        raise InputError(option, f"south ({bbox.south:g}) must be less than north ({bbox.north:g})")
    return bbox


def parse_bbox(text: str, option: str = "--bbox") -> BBox:
    """Parse `W,S,E,N` (degrees) into a checked BBox."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise InputError(option, f"expected 4 numbers W,S,E,N, got {text!r}")
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        raise InputError(option, f"expected 4 numbers W,S,E,N, got {text!r}") from None
    return check_bbox(BBox(*vals), option)


def parse_year(text: object, option: str) -> int:
    """A year whose series day (1 July) anpo knows, else InputError naming `option`."""
    first = FIRST_DATE.year + (1 if dt.date(FIRST_DATE.year, *SERIES_DAY) < FIRST_DATE else 0)
    try:
        year = int(str(text).strip())
    except ValueError:
        raise InputError(option, f"expected a year such as 1952, got {text!r}") from None
    if not first <= year <= LAST_DATE.year:
        raise InputError(option, f"{year} is outside {first}..{LAST_DATE.year}")
    return year


def check_width(width: int, option: str = "--width") -> int:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise InputError(option, f"{width} is outside {MIN_WIDTH}..{MAX_WIDTH} pixels")
    return width


def check_output(out: str | Path, suffixes: Sequence[str] = SUFFIXES, option: str = "-o") -> Path:
    """The output path if its extension is known and its folder exists."""
    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise InputError(option, f"unknown extension of {str(out)!r}; accepted: {', '.join(suffixes)}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(option, f"folder {str(parent)!r} does not exist")
    return path


def _as_date(day: dt.date | str, option: str = "--date") -> dt.date:
    return parse_date(day, option)


# --------------------------------------------------------------------------- raster


@dataclass(frozen=True)
class MapRaster:
    """The resolver's answer for every pixel centre of a map. Row 0 is the north edge."""

    date: dt.date
    bbox: BBox
    lon: npt.NDArray[np.float64]  # pixel-centre longitudes, west to east
    lat: npt.NDArray[np.float64]  # pixel-centre latitudes, north to south
    category: npt.NDArray[np.uint8]  # 0 ocean/outside, 1 + 2g land, 2 + 2g territorial sea of GROUPS[g]
    article5: npt.NDArray[np.bool_]  # Japanese-administered and the 1960 treaty in force
    claims: npt.NDArray[np.int16]  # index into claim_sets(); 0 = nobody else claims it
    unit: npt.NDArray[np.int16]  # index into units(); NULL on the open sea

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.lat), len(self.lon))

    def index_of(self, lat: float, lon: float) -> tuple[int, int]:
        """(row, column) of the pixel holding (lat, lon)."""
        if not self.bbox.contains(lat, lon):
            raise InputError("lat/lon", f"({lat}, {lon}) is outside the map {self.bbox}")
        rows, cols = self.shape
        r = int((self.bbox.north - lat) / (self.bbox.north - self.bbox.south) * rows)
        c = int((lon - self.bbox.west) / (self.bbox.east - self.bbox.west) * cols)
        return min(r, rows - 1), min(c, cols - 1)

    def group_at(self, lat: float, lon: float) -> str | None:
        """Administering group (e.g. "JPN") of the pixel at (lat, lon); None on the open sea."""
        cat = int(self.category[self.index_of(lat, lon)])
        return None if cat == 0 else GROUPS[(cat - 1) // 2]

    def rgb(self, lighten: float = 0.0) -> npt.NDArray[np.uint8]:
        """The colours the map draws, as an (rows, cols, 3) uint8 image."""
        table = np.round(np.array(palette(lighten)) * 255).astype(np.uint8)
        return table[self.category]

    def groups_present(self) -> list[str]:
        cats = np.unique(self.category)
        return [g for g in GROUPS if {land_category(g), sea_category(g)} & set(cats.tolist())]


def raster_shape(bbox: BBox, width: int) -> tuple[int, int]:
    """(rows, cols) so that pixels are square on the equirectangular display."""
    rows = round(width * (bbox.north - bbox.south) * bbox.aspect / (bbox.east - bbox.west))
    return max(rows, 1), width


def raster(day: dt.date | str, bbox: BBox = DEFAULT_BBOX, width: int = DEFAULT_WIDTH) -> MapRaster:
    """Resolve every pixel centre of the map of `bbox` on `day`."""
    d = _as_date(day)
    check_bbox(bbox)
    check_width(width)
    rows, cols = raster_shape(bbox, width)
    dx = (bbox.east - bbox.west) / cols
    dy = (bbox.north - bbox.south) / rows
    lon = (bbox.west + dx * (np.arange(cols) + 0.5)).astype(np.float64)
    lat = (bbox.north - dy * (np.arange(rows) + 0.5)).astype(np.float64)
    lat2 = np.repeat(lat, cols)
    lon2 = np.tile(lon, rows)
    place = resolve(lat2, lon2, np.full(rows * cols, to_day(d), dtype=np.int32))
    owned = (place.zone == Zone.land) | (place.zone == Zone.territorial_sea)
    admin = place.administered_by.astype(np.intp)
    group = _group_of_country()[np.where(admin == NULL, 0, admin)]
    cat = np.where(
        owned, 1 + 2 * group.astype(np.int16) + (place.zone == Zone.territorial_sea), 0
    ).astype(np.uint8)
    jpn = country_code("JPN")
    art5 = owned & (place.administered_by == jpn) & article5_in_force(d)
    claims = np.where(owned, place.claims, 0).astype(np.int16)
    return MapRaster(
        date=d,
        bbox=bbox,
        lon=lon,
        lat=lat,
        category=cat.reshape(rows, cols),
        article5=art5.reshape(rows, cols),
        claims=claims.reshape(rows, cols),
        unit=place.unit.reshape(rows, cols),
    )


# --------------------------------------------------------------------------- drawing


def _interior_point(mask: npt.NDArray[np.bool_]) -> tuple[int, int, float]:
    """(row, col, depth in pixels) of the pixel of `mask` farthest from its edge."""
    step = max(1, max(mask.shape) // 240)
    small = mask[::step, ::step]
    if not small.any():
        r, c = np.argwhere(mask)[0]
        return int(r), int(c), 0.5
    depth = ndimage.distance_transform_edt(np.pad(small, 1))[1:-1, 1:-1]
    r, c = np.unravel_index(int(np.argmax(depth)), depth.shape)
    return int(r) * step, int(c) * step, float(depth[r, c]) * step


def _short_name(name: str) -> str:
    """'Ryukyu Islands (Okinawa, Miyako, Yaeyama)' -> 'Ryukyu Islands'; keeps '(main islands)'."""
    return re.sub(r" \([A-Z][^)]*\)", "", name)


def _degree_formatter(axis: str) -> FuncFormatter:
    def fmt(v: float, _pos: object) -> str:
        hemi = ("E" if v >= 0 else "W") if axis == "lon" else ("N" if v >= 0 else "S")
        return f"{abs(v):g}°{hemi}"

    return FuncFormatter(fmt)


def _graticule_step(span: float) -> float:
    for step in (0.25, 0.5, 1, 2, 5, 10, 15, 20, 30):
        if span / step <= 8:
            return step
    return 45


@dataclass
class _Style:
    scale: float  # 1.0 at DEFAULT_WIDTH

    def pt(self, size: float) -> float:
        return size * self.scale

    def px(self, size: float) -> float:
        return size * self.scale


def _style(width: int) -> _Style:
    return _Style(scale=min(1.25, max(0.6, width / DEFAULT_WIDTH)))


def _setup_axes(ax: Axes, bbox: BBox, st: _Style, *, graticule: bool = True) -> None:
    """Limits, and (with `graticule`) labelled graticule and frame."""
    b = bbox
    ax.set_xlim(b.west, b.east)
    ax.set_ylim(b.south, b.north)
    ax.set_aspect("auto")  # the axes box already has the map's proportions
    if not graticule:
        ax.set_axis_off()
        return
    ax.set_facecolor("none")
    lon_step = _graticule_step(b.east - b.west)
    lat_step = _graticule_step((b.north - b.south) * b.aspect)
    ax.set_xticks(np.arange(math.ceil(b.west / lon_step) * lon_step, b.east + 1e-9, lon_step))
    ax.set_yticks(np.arange(math.ceil(b.south / lat_step) * lat_step, b.north + 1e-9, lat_step))
    ax.xaxis.set_major_formatter(_degree_formatter("lon"))
    ax.yaxis.set_major_formatter(_degree_formatter("lat"))
    ax.tick_params(labelsize=st.pt(8.5), colors="#555555", length=st.px(3), top=True, right=True)
    ax.grid(True, color="#8FA3B5", linewidth=0.45, alpha=0.55, zorder=2)
    for s in ax.spines.values():
        s.set_color("#777777")
        s.set_linewidth(0.8)
        s.set_zorder(10)


def _draw_layers(ax: Axes, r: MapRaster, st: _Style, *, lighten: float, labels: bool) -> None:
    """What changes with the date: colours, claims, the Article V outline, labels."""
    b = r.bbox
    cmap = ListedColormap(palette(lighten))
    ax.imshow(
        r.category, cmap=cmap, vmin=-0.5, vmax=len(cmap.colors) - 0.5,  # type: ignore[arg-type]
        extent=(b.west, b.east, b.south, b.north), interpolation="nearest", origin="upper",
        aspect="auto", zorder=1,
    )
    # claimed but not administered: hatched
    claimed = r.claims > 0
    if claimed.any():
        with matplotlib.rc_context({"hatch.color": INK, "hatch.linewidth": 0.7 * st.scale}):
            ax.contourf(
                r.lon, r.lat, claimed.astype(np.float32), levels=[0.5, 1.5], colors="none",
                hatches=[CLAIM_HATCH], zorder=3,
            )
    # Article V area: outlined
    if r.article5.any():
        ax.contour(
            r.lon, r.lat, r.article5.astype(np.float32), levels=[0.5], colors=ARTICLE5_COLOUR,
            linewidths=1.1 * st.scale + 0.2, zorder=4,
        )
    if labels:
        _label_groups(ax, r, st)
        _label_claims(ax, r, st)


def _draw_straits(ax: Axes, bbox: BBox, st: _Style, *, labels: bool) -> None:
    """The specified straits: the resolver's own polygons, dashed, with their names."""
    b = bbox
    rings = [a for a in specified_areas()]
    mean_lon = sum(sum(p[0] for p in a.ring) / len(a.ring) for a in rings) / max(1, len(rings))
    for area in rings:
        xs = [p[0] for p in area.ring]
        ys = [p[1] for p in area.ring]
        if max(xs) < b.west or min(xs) > b.east or max(ys) < b.south or min(ys) > b.north:
            continue
        ax.add_patch(Polygon(
            list(area.ring), closed=True, fill=False, edgecolor="#3A3A3A", linestyle=(0, (3, 2)),
            linewidth=0.9 * st.scale + 0.1, zorder=5,
        ))
        if labels:
            west_side = (min(xs) + max(xs)) / 2 < mean_lon and "East" not in area.name
            ax.annotate(
                area.name.replace(" (", "\n("),
                xy=(min(xs) if west_side else max(xs), sum(ys) / len(ys)),
                xytext=(-4 if west_side else 4, 0), textcoords="offset points",
                ha="right" if west_side else "left", va="center", fontsize=st.pt(7.5),
                style="italic", color=INK, path_effects=HALO, zorder=8, annotation_clip=True,
            )


def _toward_centre(r: MapRaster, row: int, col: int, dist: float) -> tuple[float, float]:
    rows, cols = r.shape
    dx = -1.0 if col > cols / 2 else 1.0
    dy = -1.0 if row < rows / 2 else 1.0  # offset points: y grows upward
    return dx * dist, dy * dist


def _label_groups(ax: Axes, r: MapRaster, st: _Style) -> None:
    """Each administering state's code on its largest area (not colour alone). A sliver
    at the map's edge is left to the legend."""
    for g in r.groups_present():
        mask = (r.category == land_category(g)) | (r.category == sea_category(g))
        row, col, depth = _interior_point(mask)
        xy = (float(r.lon[col]), float(r.lat[row]))
        kw = dict(
            fontsize=st.pt(10), fontweight="bold", color=INK, path_effects=HALO, zorder=9,
            ha="center", va="center",
        )
        if depth * 72 / DPI >= st.pt(9):  # deep enough to hold the label
            ax.annotate(g, xy=xy, **kw)  # type: ignore[arg-type]
            continue
        rows, cols = r.shape
        margin = 0.03 * max(rows, cols)
        if min(row, col, rows - 1 - row, cols - 1 - col) < margin:  # a sliver at the edge
            continue
        ax.annotate(
            g, xy=xy, xytext=_toward_centre(r, row, col, st.pt(22)), textcoords="offset points",
            arrowprops=dict(arrowstyle="-", color=INK, lw=0.7, shrinkA=2, shrinkB=1),
            **kw,  # type: ignore[arg-type]
        )


def _label_claims(ax: Axes, r: MapRaster, st: _Style) -> None:
    """Name and claimants of each claimed-but-not-administered unit on the map."""
    sets = claim_sets()
    all_units = units()
    claimed = r.claims > 0
    for u in np.unique(r.unit[claimed]).tolist():
        if u == NULL:
            continue
        mask = claimed & (r.unit == u)
        row, col, _ = _interior_point(mask)
        who = sets[int(np.bincount(r.claims[mask]).argmax())]
        text = f"{_short_name(all_units[u].name)}\nclaimed by {', '.join(who)}"
        ax.annotate(
            text, xy=(float(r.lon[col]), float(r.lat[row])),
            xytext=_toward_centre(r, row, col, st.pt(26)), textcoords="offset points",
            ha="center", va="center", fontsize=st.pt(7.5), color=INK, zorder=9,
            bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="#666666", lw=0.5, alpha=0.88),
            arrowprops=dict(arrowstyle="-", color=INK, lw=0.7, shrinkA=0, shrinkB=2),
        )


@dataclass(frozen=True)
class Marker:
    status: str
    lat: float
    lon: float
    name: str


def facility_markers(day: dt.date, bbox: BBox) -> list[Marker]:
    """Facilities of the posture registry in operation on `day` inside `bbox`."""
    from anpo.posture import at

    out = []
    for f in at(day).facilities:
        if bbox.contains(f.facility.lat, f.facility.lon):
            out.append(Marker(f.status.legal_status, f.facility.lat, f.facility.lon, f.facility.name))
    return out


def _draw_bases(ax: Axes, markers: list[Marker], st: _Style) -> list[tuple[Line2D, str]]:
    handles = []
    for status, (colour, shape, label) in STATUS_STYLE.items():
        sel = [m for m in markers if m.status == status]
        if not sel:
            continue
        size = st.pt(9 if shape == "*" else 6.5)
        ax.plot(
            [m.lon for m in sel], [m.lat for m in sel], linestyle="none", marker=shape,
            markersize=size, markerfacecolor=colour, markeredgecolor="#111111",
            markeredgewidth=0.7, zorder=7, alpha=0.95,
        )
        h = Line2D([], [], linestyle="none", marker=shape, markersize=size, markerfacecolor=colour,
                   markeredgecolor="#111111", markeredgewidth=0.7)
        handles.append((h, f"{label} ({len(sel)})"))
    return handles


def _titles(day: dt.date) -> tuple[str, str]:
    title = f"{day.isoformat()} · who administers land and territorial sea"
    a5 = article5_from()
    if article5_in_force(day):
        sub = (f"Article V area outlined: land and territorial sea administered by Japan "
               f"(1960 treaty, in force since {a5.isoformat()})")
    else:
        sub = (f"No Article V area on this date: the 1960 treaty enters into force on "
               f"{a5.isoformat()}")
    sea = ("Japan's territorial sea 12 nm (3 nm in the specified straits)"
           if day >= WIDE_SEA_FROM else "Japan's territorial sea 3 nm")
    return title, f"{sub}\n{sea}"


@dataclass(frozen=True)
class _LegendContent:
    groups: tuple[str, ...]  # administering groups shown
    claimed: bool  # any claimed-but-not-administered area shown
    article5: bool | None  # in force on the map's date; None: a series (say from when)
    bases: tuple[tuple[Line2D, str], ...] | None = None  # facility handles (None: no bases)

    @staticmethod
    def of(r: MapRaster, bases: list[tuple[Line2D, str]] | None = None) -> _LegendContent:
        return _LegendContent(
            tuple(r.groups_present()), bool((r.claims > 0).any()), article5_in_force(r.date),
            None if bases is None else tuple(bases),
        )


def _legend(
    ax: Axes, c: _LegendContent, st: _Style, *, lighten: float, ncols: int = 1,
) -> None:
    pal = palette(lighten)
    handles: list[Artist | tuple[Artist, ...]] = []
    labels: list[str] = []
    bold: list[int] = []

    def header(text: str) -> None:
        bold.append(len(labels))
        handles.append(Patch(visible=False))
        labels.append(text)

    header("Administered by\n(land | territorial sea)")
    for g in c.groups:
        land = Patch(facecolor=pal[land_category(g)], edgecolor="#555555", linewidth=0.4)
        sea = Patch(facecolor=pal[sea_category(g)], edgecolor="#555555", linewidth=0.4)
        handles.append((land, sea))
        labels.append(f"{g}  {GROUP_NAMES[g]}")
    handles.append(Patch(facecolor=pal[0], edgecolor="#555555", linewidth=0.4))
    labels.append("beyond any territorial sea")
    header("Overlays")
    a5 = article5_from().isoformat()
    if c.article5 is False:
        handles.append(Patch(visible=False))
        labels.append(f"no Article V area before {a5}")
    else:
        handles.append(Line2D([], [], color=ARTICLE5_COLOUR, linewidth=1.6))
        labels.append("Article V area (Japan administers)" + ("" if c.article5 else f"\nfrom {a5}"))
    if c.claimed:
        with matplotlib.rc_context({"hatch.color": INK}):
            handles.append(Patch(facecolor="white", edgecolor=INK, hatch=CLAIM_HATCH, linewidth=0.4))
        labels.append("claimed by a state that does\nnot administer it")
    handles.append(Patch(facecolor="none", edgecolor="#3A3A3A", linestyle=(0, (3, 2)), linewidth=0.9))
    labels.append("specified strait: Japan's\nterritorial sea stays 3 nm")
    if c.bases is not None:
        header("Facilities by legal status\n(SOFA article)" if c.bases else "Facilities: none on this map")
        for h, text in c.bases:
            handles.append(h)
            labels.append(text)
    leg = ax.legend(
        handles, labels, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
        fontsize=st.pt(8.5), handler_map={tuple: HandlerTuple(ndivide=None, pad=0.15)},
        handlelength=2.6, handleheight=1.1, labelspacing=0.55, ncols=ncols, borderaxespad=0.0,
    )
    texts = leg.get_texts()
    for i in bold:
        texts[i].set_fontweight("bold")
        texts[i].set_x(-st.px(36))  # headers start where the swatches do


DPI = 100
CREDIT = (
    "anpo · every pixel resolved by anpo.geo.resolve · land: GSHHG (LGPL-3), Natural Earth "
    "(public domain) · neighbours' territorial seas drawn at 12 nm"
)


@dataclass(frozen=True)
class _Layout:
    """Pixel layout of a map image: title band, map (one data pixel per pixel), legend."""

    rows: int
    cols: int
    left: float
    right: float
    top: float
    bottom: float
    height: float

    @staticmethod
    def of(shape: tuple[int, int], st: _Style, *, legend: bool, legend_px: float) -> _Layout:
        rows, cols = shape
        left, right = st.px(62), (st.px(320) if legend else st.px(24))
        top, bottom = st.px(92), st.px(46)
        height = top + rows + bottom
        if legend:
            height = max(height, top + legend_px * st.scale)
        return _Layout(rows, cols, left, right, top, bottom, height)

    @property
    def width(self) -> float:
        return self.left + self.cols + self.right

    def figure(self, *, transparent: bool = False) -> Figure:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = Figure(figsize=(self.width / DPI, self.height / DPI), dpi=DPI,
                     facecolor="none" if transparent else "white")
        FigureCanvasAgg(fig)
        return fig

    def map_axes(self, fig: Figure) -> Axes:
        w, h = self.width, self.height
        return fig.add_axes((self.left / w, 1 - (self.top + self.rows) / h, self.cols / w, self.rows / h))

    def legend_axes(self, fig: Figure, st: _Style) -> Axes:
        w, h = self.width, self.height
        lax = fig.add_axes(((self.left + self.cols + st.px(46)) / w, 0.02,
                            (self.right - st.px(50)) / w, 1 - self.top / h - 0.02))
        lax.set_axis_off()
        return lax

    def titles(self, fig: Figure, st: _Style, title: str, sub: str) -> None:
        x = self.left / self.width
        fig.text(x, 1 - st.px(14) / self.height, title, ha="left", va="top",
                 fontsize=st.pt(15), fontweight="bold", color=INK)
        fig.text(x, 1 - st.px(44) / self.height, sub, ha="left", va="top",
                 fontsize=st.pt(9.5), color="#444444", linespacing=1.35)

    def credit(self, fig: Figure, st: _Style) -> None:
        fig.text(self.left / self.width, st.px(8) / self.height, CREDIT, ha="left", va="bottom",
                 fontsize=st.pt(7), color="#777777")


def _pixels(fig: Figure) -> npt.NDArray[np.uint8]:
    """The drawn figure as an (height, width, 4) RGBA array."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]


@dataclass
class RenderedMap:
    """A drawn map: the figure, its raster and where the map sits in the image."""

    figure: Figure
    raster: MapRaster
    ax: Axes

    def pixel(self, lat: float, lon: float) -> tuple[int, int]:
        """(x, y) of (lat, lon) in the saved image (origin top-left)."""
        x, y = self.ax.transData.transform((lon, lat))
        height = self.figure.get_size_inches()[1] * self.figure.dpi
        return int(x), int(height - y)

    def image(self) -> Image.Image:
        """The figure as an RGB Pillow image."""
        return Image.fromarray(_pixels(self.figure)[..., :3].copy())


def render(
    day: dt.date | str,
    bbox: BBox = DEFAULT_BBOX,
    *,
    bases: bool = False,
    width: int = DEFAULT_WIDTH,
    labels: bool = True,
    legend: bool = True,
) -> RenderedMap:
    """Draw the administration map of `bbox` on `day` (one data pixel per image pixel)."""
    d = _as_date(day)
    r = raster(d, bbox, width)
    st = _style(width)
    lay = _Layout.of(r.shape, st, legend=legend, legend_px=560 if bases else 380)
    fig = lay.figure()
    ax = lay.map_axes(fig)
    lighten = BASES_TINT if bases else 0.0
    _setup_axes(ax, bbox, st)
    _draw_layers(ax, r, st, lighten=lighten, labels=labels)
    _draw_straits(ax, bbox, st, labels=labels)
    handles = _draw_bases(ax, facility_markers(d, bbox), st) if bases else None
    lay.titles(fig, st, *_titles(d))
    lay.credit(fig, st)
    if legend:
        _legend(lay.legend_axes(fig, st), _LegendContent.of(r, handles), st, lighten=lighten)
    return RenderedMap(fig, r, ax)


# --------------------------------------------------------------------------- files


def write_map(
    out: str | Path,
    day: dt.date | str,
    bbox: BBox = DEFAULT_BBOX,
    *,
    bases: bool = False,
    width: int = DEFAULT_WIDTH,
    labels: bool = True,
) -> Path:
    """Write the map of `day` to a PNG, SVG or PDF, by the file's extension (nothing is
    written if anything fails)."""
    path = check_output(out, SINGLE_SUFFIXES)
    m = render(day, bbox, bases=bases, width=width, labels=labels)
    with atomic_path(path) as tmp:
        m.figure.savefig(tmp, format=path.suffix.lower().lstrip("."), dpi=DPI)
    return path


def change_days(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Days in [first, last] on which the map changes, with what changed: administration or
    claims of a unit, the 1960 treaty entering into force, Japan's 12-nm territorial sea."""
    events: dict[dt.date, list[str]] = {}
    for u in units():
        for prev, p in zip(u.history, u.history[1:], strict=False):
            if p.administered_by != prev.administered_by:
                events.setdefault(p.start, []).append(f"{_short_name(u.name)} → {p.administered_by}")
            elif p.claimed_by != prev.claimed_by:
                events.setdefault(p.start, []).append(
                    f"{_short_name(u.name)} claimed by {', '.join(p.claimed_by) or 'none'}"
                )
    events.setdefault(article5_from(), []).append("1960 treaty in force: Article V")
    events.setdefault(WIDE_SEA_FROM, []).append("Japan's territorial sea 12 nm")
    out = []
    for d in sorted(events):
        if first <= d <= last:
            out.append((d, _merge_events(events[d])))
    return out


def _merge_events(items: list[str]) -> str:
    """'A → JPN', 'B → JPN' becomes 'A, B → JPN'."""
    groups: dict[str, list[str]] = {}
    rest = []
    for it in items:
        if " → " in it:
            name, to = it.rsplit(" → ", 1)
            groups.setdefault(to, []).append(name)
        else:
            rest.append(it)
    merged = [f"{', '.join(names)} → {to}" for to, names in groups.items()]
    return "; ".join(merged + rest)


def frame_dates(first_year: int, last_year: int) -> list[tuple[dt.date, str]]:
    """1 July of every year from `first_year` to `last_year`, plus every change day in
    those years, in date order; each with what changed on it ('' for the yearly frames)."""
    if first_year > last_year:
        raise InputError("--from", f"{first_year} is after --to {last_year}")
    start = max(dt.date(first_year, 1, 1), FIRST_DATE)
    end = min(dt.date(last_year, 12, 31), LAST_DATE)
    frames: dict[dt.date, str] = {dt.date(y, *SERIES_DAY): "" for y in range(first_year, last_year + 1)}
    for d, what in change_days(start, end):
        frames[d] = what
    return sorted(frames.items())


def _series_static(lay: _Layout, bbox: BBox, st: _Style, content: _LegendContent) -> Image.Image:
    """What every frame of a series shares, drawn once on a transparent canvas: graticule,
    frame, specified straits, legend and credit."""
    fig = lay.figure(transparent=True)
    ax = lay.map_axes(fig)
    _setup_axes(ax, bbox, st)
    _draw_straits(ax, bbox, st, labels=True)
    lay.credit(fig, st)
    _legend(lay.legend_axes(fig, st), content, st, lighten=0.0)
    return Image.fromarray(_pixels(fig), "RGBA")


def _series_frame(lay: _Layout, r: MapRaster, st: _Style, what: str) -> Image.Image:
    """What changes from frame to frame: the map's colours and overlays, the title."""
    fig = lay.figure()
    ax = lay.map_axes(fig)
    _setup_axes(ax, r.bbox, st, graticule=False)
    _draw_layers(ax, r, st, lighten=0.0, labels=True)
    lay.titles(fig, st, *_titles(r.date))
    if what:
        ax.text(
            0.985, 0.015, _wrap(what, lay.cols), transform=ax.transAxes, ha="right", va="bottom",
            fontsize=st.pt(10), fontweight="bold", color="white", zorder=12,
            bbox=dict(boxstyle="round,pad=0.35", fc="#222222", ec="none", alpha=0.85),
        )
    return Image.fromarray(_pixels(fig), "RGBA")


def _series_legend(frames: list[tuple[dt.date, str]], bbox: BBox, width: int) -> _LegendContent:
    """Everything any frame shows (a coarse first pass over the frames)."""
    cats: set[int] = set()
    claimed = False
    for d, _ in frames:
        r = raster(d, bbox, min(width, 160))
        cats.update(np.unique(r.category).tolist())
        claimed = claimed or bool((r.claims > 0).any())
    groups = tuple(g for g in GROUPS if {land_category(g), sea_category(g)} & cats)
    art5 = [article5_in_force(d) for d, _ in frames]
    return _LegendContent(groups, claimed, None if any(art5) and not all(art5) else art5[0])


def _gif_frame(job: tuple[_Layout, dt.date, str, BBox, int]) -> npt.NDArray[np.uint8]:
    """RGBA pixels of one frame's changing layer (run in a worker process)."""
    lay, day, what, bbox, width = job
    return np.asarray(_series_frame(lay, raster(day, bbox, width), _style(width), what))


def _frame_layers(
    jobs: list[tuple[_Layout, dt.date, str, BBox, int]], workers: int
) -> Iterator[npt.NDArray[np.uint8]]:
    """Each job's frame layer, in order; in `workers` forked processes when there are many."""
    if workers <= 1 or len(jobs) < 8 or "fork" not in mp.get_all_start_methods():
        yield from map(_gif_frame, jobs)
        return
    # (the workers are forked in this thread: they end with it, should it be killed)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                               initializer=die_with_parent, initargs=(signal.SIGKILL, os.getpid()))
    try:
        yield from pool.map(_gif_frame, jobs, chunksize=2)
    except BaseException:
        # A stopped (or failed) run wants no more frames: the frames being drawn are
        # dropped, not waited for (the pool's `with` waited for every queued frame, 10 s
        # after Ctrl-C on a 1952-2026 GIF; waiting for the running ones, 0.5-2.1 s)
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the pool's queued calls, end its worker processes with SIGKILL and reap them.
    A worker draws into memory only (its frame comes back through a pipe), so nothing of
    it is left half written; SIGTERM would not do, as the forked worker inherits the
    `stop_on_signals` handler and its executor catches the SystemExit as a failed call."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # (3.14: kill_workers())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


def _write_gif(
    path: Path, frames: list[tuple[dt.date, str]], bbox: BBox, width: int, workers: int,
    progress: Callable[[int], None] = lambda _n: None,
) -> None:
    st = _style(width)
    lay = _Layout.of(raster_shape(bbox, width), st, legend=True, legend_px=380)
    static = _series_static(lay, bbox, st, _series_legend(frames, bbox, width))
    jobs = [(lay, d, what, bbox, width) for d, what in frames]

    def composite(layer: npt.NDArray[np.uint8]) -> Image.Image:
        return Image.alpha_composite(Image.fromarray(layer, "RGBA"), static).convert("RGB")

    # one palette for every frame, from the first and the last (they hold every colour in use)
    first, last = composite(_gif_frame(jobs[0])), composite(_gif_frame(jobs[-1]))
    sample = Image.new("RGB", (first.width, first.height * 2))
    sample.paste(first, (0, 0))
    sample.paste(last, (0, first.height))
    pal = sample.quantize(colors=GIF_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)

    def quantize(im: Image.Image) -> Image.Image:
        return im.quantize(palette=pal, dither=Image.Dither.NONE)

    quant = [quantize(first)]
    progress(1)
    for layer in _frame_layers(jobs[1:-1], workers):
        quant.append(quantize(composite(layer)))
        progress(1)
        raise_if_stopped()  # a stop whose exception was lost on the way (core.signals)
    if len(jobs) > 1:
        quant.append(quantize(last))
        progress(1)
    durations = [2000 if what else 400 for _, what in frames]
    durations[-1] = 3000
    with atomic_path(path) as tmp:
        quant[0].save(
            tmp, format="GIF", save_all=True, append_images=quant[1:], duration=durations,
            loop=0, optimize=False,
        )


def _write_strip(path: Path, frames: list[tuple[dt.date, str]], bbox: BBox, width: int) -> None:
    """Small multiples: the first and last frames and every change day, with one legend."""
    keep = [frames[0]] + [f for f in frames[1:-1] if f[1]] + ([frames[-1]] if len(frames) > 1 else [])
    ncols = min(4, len(keep))
    nrows = math.ceil(len(keep) / ncols)
    st = _style(width)
    rasters = [raster(d, bbox, width) for d, _ in keep]
    rows, cols = rasters[0].shape
    gap, head, margin = 44.0, 50.0, 14.0
    legend_h = 150.0
    fig_w = 2 * margin + ncols * (cols + gap)
    fig_h = 44 + nrows * (rows + head + 28) + legend_h
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(fig_w / DPI, fig_h / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    fig.text(
        margin / fig_w, 1 - 10 / fig_h,
        f"Who administers land and territorial sea, {keep[0][0].year}–{keep[-1][0].year}: "
        "the days the map changes", ha="left", va="top", fontsize=14, fontweight="bold", color=INK,
    )
    for i, ((d, what), r) in enumerate(zip(keep, rasters, strict=True)):
        gr, gc = divmod(i, ncols)
        x0 = margin + gap + gc * (cols + gap)
        y0 = fig_h - 44 - gr * (rows + head + 28) - head - rows
        ax = fig.add_axes((x0 / fig_w, y0 / fig_h, cols / fig_w, rows / fig_h))
        _setup_axes(ax, bbox, st)
        ax.tick_params(labelsize=6.5)
        _draw_layers(ax, r, st, lighten=0.0, labels=False)
        _draw_straits(ax, bbox, st, labels=False)
        ax.set_title(
            f"{d.isoformat()}\n{_wrap(what, cols)}", fontsize=8.5, loc="left", color=INK,
            fontweight="bold", linespacing=1.2,
        )
    lax = fig.add_axes((margin / fig_w, 0.005, 1 - 2 * margin / fig_w, legend_h / fig_h))
    lax.set_axis_off()
    cats = set(np.unique(np.concatenate([np.unique(r.category) for r in rasters])).tolist())
    art5 = [article5_in_force(r.date) for r in rasters]
    content = _LegendContent(
        tuple(g for g in GROUPS if {land_category(g), sea_category(g)} & cats),
        any(bool((r.claims > 0).any()) for r in rasters),
        None if any(art5) and not all(art5) else art5[0],
    )
    _legend(lax, content, _Style(1.0), lighten=0.0, ncols=3)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI)


def _wrap(text: str, width_px: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, max(16, int(width_px / 7.0)))[:3])


def write_series(
    out: str | Path,
    first_year: int,
    last_year: int,
    bbox: BBox = DEFAULT_BBOX,
    *,
    width: int | None = None,
    workers: int | None = None,
    on_frames: Callable[[int], Callable[[int], None]] | None = None,
) -> Path:
    """A GIF (one frame a year on 1 July, plus a frame on every change day) or a PNG strip
    (small multiples of the first year, every change day and the last year). `on_frames`,
    given the number of GIF frames, returns a callback told of each frame drawn (progress)."""
    path = check_output(out)
    check_bbox(bbox)
    frames = frame_dates(first_year, last_year)
    if path.suffix.lower() == ".gif":
        advance = on_frames(len(frames)) if on_frames is not None else (lambda _n: None)
        _write_gif(path, frames, bbox, check_width(width or SERIES_WIDTH), workers or os.cpu_count() or 1,
                   advance)
    else:
        _write_strip(path, frames, bbox, check_width(width or STRIP_WIDTH))
    return path
