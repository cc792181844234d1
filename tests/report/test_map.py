"""The administration map: rasters resolved through geo.resolve, and the images drawn from them."""

from __future__ import annotations

import datetime as dt
import pathlib

import numpy as np
import pytest
from PIL import Image

from anpo.core.errors import InputError
from anpo.report import map as m

OKINAWA = (26.35, 127.77)  # Kadena, on Okinawa Island
TOKYO = (35.68, 139.76)
SENKAKU = (25.743, 123.473)  # Uotsuri-jima, surveyed
KUNASHIRI = (44.05, 145.85)
OKINAWA_BOX = m.BBox(126.5, 25.8, 128.5, 27.2)
SMALL = 120


def rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
    r, g, b = (round(c * 255) for c in colour)
    return (r, g, b)


def test_okinawa_is_us_administered_in_1965_and_japanese_in_1973():
    before = m.raster("1965-07-01", OKINAWA_BOX, SMALL)
    after = m.raster("1973-07-01", OKINAWA_BOX, SMALL)
    assert before.group_at(*OKINAWA) == "USA"
    assert after.group_at(*OKINAWA) == "JPN"
    row, col = before.index_of(*OKINAWA)
    assert tuple(before.rgb()[row, col]) == rgb(m.palette()[m.land_category("USA")])
    assert tuple(after.rgb()[row, col]) == rgb(m.palette()[m.land_category("JPN")])


@pytest.mark.parametrize(("day", "group"), [("1965-07-01", "USA"), ("1973-07-01", "JPN")])
def test_png_pixel_at_okinawa_has_the_administrators_colour(tmp_path, day, group):
    out = tmp_path / f"okinawa-{day}.png"
    m.write_map(out, day, OKINAWA_BOX, width=SMALL, labels=False)
    drawn = m.render(day, OKINAWA_BOX, width=SMALL, labels=False)
    x, y = drawn.pixel(*OKINAWA)
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.convert("RGB").getpixel((x, y)) == rgb(m.palette()[m.land_category(group)])


def test_article5_area_only_from_1960_and_only_where_japan_administers():
    box = m.BBox(126.0, 25.5, 141.0, 36.5)
    assert not m.raster("1959-07-01", box, 200).article5.any()
    r65 = m.raster("1965-07-01", box, 200)
    assert r65.article5[r65.index_of(*TOKYO)]
    assert not r65.article5[r65.index_of(*OKINAWA)]  # U.S.-administered until 1972-05-15
    r73 = m.raster("1973-07-01", box, 200)
    assert r73.article5[r73.index_of(*OKINAWA)]
    assert (r73.article5 == (r73.category == m.land_category("JPN")) | (
        r73.category == m.sea_category("JPN"))).all()


def test_claimed_but_not_administered_areas_are_marked():
    senkaku = m.raster("2026-01-01", m.BBox(123.0, 25.4, 124.0, 26.1), SMALL)
    row, col = senkaku.index_of(*SENKAKU)
    assert senkaku.claims[row, col] > 0
    assert senkaku.group_at(*SENKAKU) == "JPN"
    nt = m.raster("2026-01-01", m.BBox(145.0, 43.3, 146.5, 44.5), SMALL)
    assert nt.group_at(*KUNASHIRI) == "RUS"
    assert nt.claims[nt.index_of(*KUNASHIRI)] > 0
    assert nt.claims[nt.index_of(43.5, 145.1)] == 0  # Hokkaido: nobody else claims it


def test_frame_dates_are_yearly_plus_change_days():
    frames = m.frame_dates(1971, 1973)
    days = [d for d, _ in frames]
    assert days == sorted(days)
    assert {dt.date(1971, 7, 1), dt.date(1972, 7, 1), dt.date(1973, 7, 1)} <= set(days)
    changes = {d: what for d, what in frames if what}
    assert dt.date(1972, 5, 15) in changes and "Ryukyu" in changes[dt.date(1972, 5, 15)]
    assert all(dt.date(1971, 1, 1) <= d <= dt.date(1973, 12, 31) for d in days)
    whole = {d for d, what in m.frame_dates(1952, 2026) if what}
    for reversion in ("1953-12-25", "1968-06-26", "1972-05-15", "1960-06-23", "1977-07-01"):
        assert dt.date.fromisoformat(reversion) in whole


def test_gif_has_a_frame_per_year_and_per_change_day(tmp_path):
    out = tmp_path / "okinawa.gif"
    m.write_series(out, 1972, 1973, OKINAWA_BOX, width=80, workers=1)
    with Image.open(out) as im:
        assert im.format == "GIF"
        assert im.n_frames == len(m.frame_dates(1972, 1973)) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["okinawa.gif"]


def test_png_strip_of_the_change_days(tmp_path):
    out = tmp_path / "strip.png"
    m.write_series(out, 1971, 1973, OKINAWA_BOX, width=80)
    with Image.open(out) as im:
        assert im.format == "PNG" and im.width > 2 * 80


def test_bases_overlay_lists_facilities_in_the_box():
    markers = m.facility_markers(dt.date(2026, 1, 1), OKINAWA_BOX)
    assert markers and all(OKINAWA_BOX.contains(k.lat, k.lon) for k in markers)
    assert {k.status for k in markers} <= set(m.STATUS_STYLE)
    drawn = m.render("2026-01-01", OKINAWA_BOX, bases=True, width=SMALL)
    assert drawn.image().size[0] > SMALL


@pytest.mark.parametrize(
    "text",
    ["1,2,3", "a,b,c,d", "150,10,140,20", "120,30,130,20", "100,-95,140,20", "-200,10,140,20",
     "120,nan,130,20"],
)
def test_bad_bbox_names_the_option(text):
    with pytest.raises(InputError) as err:
        m.parse_bbox(text)
    assert err.value.field == "--bbox"


def test_bad_output_or_date_writes_nothing(tmp_path):
    with pytest.raises(InputError):
        m.write_map(tmp_path / "x.jpg", "1965-07-01", OKINAWA_BOX, width=SMALL)
    with pytest.raises(InputError):
        m.write_map(tmp_path / "x.png", "1965-02-30", OKINAWA_BOX, width=SMALL)
    with pytest.raises(InputError):
        m.write_series(tmp_path / "x.gif", 1973, 1971, OKINAWA_BOX, width=80)
    assert list(tmp_path.iterdir()) == []


def test_raster_rows_are_square_on_the_display():
    rows, cols = m.raster_shape(m.DEFAULT_BBOX, 300)
    b = m.DEFAULT_BBOX
    assert cols == 300
    assert rows == pytest.approx(300 * (b.north - b.south) * b.aspect / (b.east - b.west), abs=1)
    r = m.raster("2000-01-01", m.BBox(127.0, 26.0, 128.0, 27.0), 60)
    assert r.category.shape == (len(r.lat), len(r.lon)) and np.all(np.diff(r.lat) < 0)


def test_one_date_map_as_svg_and_pdf_with_the_users_umask(tmp_path: pathlib.Path) -> None:
    import os
    import stat

    from anpo.report.map import write_map

    old = os.umask(0o022)
    try:
        svg = write_map(tmp_path / "m.svg", "1965-07-01", width=200)
        pdf = write_map(tmp_path / "m.pdf", "1965-07-01", width=200)
    finally:
        os.umask(old)
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(svg.stat().st_mode) == 0o644  # not mkstemp's 0600
