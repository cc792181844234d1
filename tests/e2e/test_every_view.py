"""Every view of the dashboard at desktop (1440x900) and phone (390x844) widths, in English and
Japanese: what it must show is on screen, nothing is wider than the screen, no chart label is
cut, a screenshot is kept (out/e2e/view-*.png), the view's URL reopens the same view, and in
Japanese no English text is left untranslated.

English is allowed in the Japanese page only where it is the data itself and is marked so with
lang="en": a source's citation as its publisher titles it, anpo's English paraphrase of a
provision, and data text the datasets give in English only. Japanese text that quotes an
English term or acronym (SACO関係経費) is Japanese. Identifiers (ids, URLs, codes such
as JPN or FAC numbers; columns of ids are marked translate="no") and units are not words to
translate."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from typing import Any

import pytest

from .conftest import OUT

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# Text nodes shown in the page, outside elements marked lang="en", with a word that is neither
# an identifier, a code nor a unit: each with the tag and classes of its element.
UNTRANSLATED_JS = r"""() => {
  const ALLOWED = new Set(["anpo", "km", "km²", "ng", "dB", "Lden", "WECPNL", "p5", "p50", "p95",
    "FAC", "SVG", "PNG", "CSV", "JSON", "API", "ID"]);
  const isId = (chunk) => /^https?:\/\//.test(chunk)
    || /^[a-z0-9]+(?:[-_./:#][a-zA-Z0-9]+)+[,;.)]?$/.test(chunk)
    || /^[0-9a-f]{8,}…?$/.test(chunk)
    || /^[A-Z0-9][A-Z0-9.\-/()]*[,;.)]?$/.test(chunk);
  const skip = "script, style, title, desc, [hidden], [lang=en], [translate=no], code, "
    + ".leaflet-control-attribution, #lang-select";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement, text = n.textContent.trim();
    if (!text || !/[A-Za-z]{2,}/.test(text) || el.closest(skip)) continue;
    const box = el.getBoundingClientRect();
    if ((!box.width && !box.height) || getComputedStyle(el).visibility === "hidden") continue;
    const words = text.split(/[\s,、。・（）()「」:;]+/).filter((c) => /[A-Za-z]{2,}/.test(c) && !isId(c))
      .flatMap((c) => c.match(/[A-Za-z][A-Za-z’'.²-]*/g) || [])
      .filter((w) => w.length > 1 && !ALLOWED.has(w) && !ALLOWED.has(w.replace(/[.]$/, "")));
    // Japanese text may quote a term or an acronym (SACO関係経費, 50ng/L): what is left is text
    // more English than Japanese.
    const latin = words.join("").length;
    const cjk = (text.match(/[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/g) || []).length;
    const cls = String(el.className?.baseVal ?? el.className);
    if (words.length && latin > cjk) out.push(`${el.tagName.toLowerCase()}.${cls}: ${text.slice(0, 120)}`);
  }
  return [...new Set(out)];
}"""

# Chart text cut at the screen's edge or ellipsized: (text, left, right) of each.
CUT_LABELS_JS = r"""() => [...document.querySelectorAll("svg.chart text")]
  .filter((e) => e.getClientRects().length)
  .map((e) => { const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.right]; })
  .filter(([s, l, r]) => s.includes("…") || l < -1 || r > document.documentElement.clientWidth + 1)"""

# Some element matching the selector is drawn with a size, inside the page's width.
SHOWN_JS = r"""(sel) => [...document.querySelectorAll(sel)].some((e) => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden"
    && r.left < document.documentElement.clientWidth && r.right > 0; })"""


def _api(server: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.rstrip("/") + path, data=data,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def two_runs(server: str) -> tuple[str, str]:
    """Two finished crisis runs (the other e2e tests' when they ran first; else two small ones)."""
    if _api(server, "/v1/meta")["simulation_available"] is not True:
        pytest.skip("anpo.sim is not in this build")
    # crisis runs (the evacuation, disaster and blockade models have views of their own)
    crisis = {"scenario", "fait_accompli_h", "strikes", "parameters"}
    runs = _api(server, "/v1/runs?status=done&limit=50")["runs"]
    done = [r["id"] for r in runs if set(r["scenario"]) <= crisis]
    if len(done) < 2:
        scenario = {"date": "2026-01-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}
        spec = {"scenario": scenario, "trials": 500, "seed": 11, "fait_accompli_h": 72}
        ids = [_api(server, "/v1/simulations", spec)["id"],
               _api(server, "/v1/simulations", {**spec, "strikes": {"bases": ["kadena"]}})["id"]]
        deadline = time.monotonic() + 180
        while any(_api(server, f"/v1/simulations/{i}")["status"] != "done" for i in ids):
            assert time.monotonic() < deadline, "runs did not finish"
            time.sleep(0.3)
        done = ids
    return done[0], done[1]


# view name -> (hash without lang, the page's signal that it is drawn, what must be on screen)
VIEWS: dict[str, tuple[str, str, list[str]]] = {
    "map": ("#map?date=1972-06-01&lat=26.400&lon=127.800&z=8", "body[data-map-date='1972-06-01']",
            ["#map .leaflet-tile-loaded", "#legend .swatch", "#date-slider", "#map .facility"]),
    "assess": ("#assess?date=2026-01-01&lat=25.743&lon=123.473&event=armed_attack&target=JPN", "#verdict",
               ["#verdict", "#assessment dl.facts", "#permalink"]),
    "law": ("#law/jp-sdf-act", "#law-detail h3", ["#law-list li", "#law-detail .provision h4"]),
    "costs": ("#costs", "#costs-chart svg.chart",
              ["#costs-chart svg.chart", "#costs-chart .chart-figure + .chart-figure svg.chart",
               "#whatif-form"]),
    "runs": ("#runs", "#runs-table tbody tr", ["#runs-table tbody tr"]),
    "run": ("#run/{a}", "body[data-run-ready='{a}']",
            ["#run-body svg.chart", "#run-body .whole-table table", "#run-warning"]),
    "compare-runs": ("#compare-runs?a={a}&b={b}", "body[data-runcmp-ready='{a}/{b}']",
                     ["#crn-note", "#runcmp-body table"]),
    "compare-dates": ("#compare-dates?a=1965-01-01&b=1975-01-01&mode=side",
                      "body[data-dates-ready='1965-01-01/1975-01-01/side']",
                      ["#map-a path.admin", "#map-b path.admin", "#units-changed table"]),
    "compare-assess": ("#compare-assess", "body[data-cmpa-ready]", ["#cmpa-body table"]),
    "ground": ("#ground?date=2026-01-01", "body[data-ground-ready]",
               ["#ground-registry svg.chart", "#ground-share svg.chart", "#ground-okinawa svg.chart",
                "#ground-realignment svg.chart"]),
}


def _open(page: Any, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    page.wait_for_selector(ready, state="attached", timeout=120_000)


SIZES = [("desktop", "en"), ("desktop", "ja"), ("phone", "ja"), ("phone", "en")]


@pytest.mark.parametrize("size,lang", SIZES)
@pytest.mark.parametrize("name", list(VIEWS))
def test_each_view_at_each_width_in_each_language(browser: Any, server: str, two_runs: tuple[str, str],
                                                   name: str, size: str, lang: str) -> None:
    a, b = two_runs
    path, ready, must = VIEWS[name]
    sep = "&" if "?" in path else "?"
    url = (server.rstrip("/") + "/" + path + f"{sep}lang={lang}").format(a=a, b=b)
    ready = ready.format(a=a, b=b)
    viewport = DESKTOP if size == "desktop" else PHONE
    phone = size == "phone"
    ctx = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, bypass_csp=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _open(page, url, ready)
        page.wait_for_function("document.fonts.status === 'loaded'", timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == lang
        # What the view must show is there and visible.
        for sel in must:
            page.wait_for_function(SHOWN_JS, arg=sel, timeout=30_000)
        # Nothing wider than the screen; no chart label cut.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, size)
        assert page.evaluate(CUT_LABELS_JS) == [], (name, size)
        page.screenshot(path=str(OUT / f"view-{name}-{size}-{lang}.png"), full_page=True)
        if lang == "ja":
            left = page.evaluate(UNTRANSLATED_JS)
            assert left == [], f"{name}: English left in the Japanese page:\n" + "\n".join(left)
        # The view's URL (what a reader would share) reopens the same view in the same language.
        shared = page.url
        assert f"lang={lang}" in shared
        heading = page.locator(".view:not([hidden]) h2").first.text_content()
        other = ctx.new_page()
        _open(other, shared, ready)
        assert other.locator(".view:not([hidden]) h2").first.text_content() == heading
        assert other.url.split("#")[1] == shared.split("#")[1] or name == "map"
        other.close()
    finally:
        ctx.close()
    assert errors == [], errors


# Chromium throttles download requests from one frame to 10 a second and silently drops the
# rest: clicked one after another (about 20 a second), every eleventh download never came and
# waited out its 10 s (9 of the 100 or so in a run: 90 s of the suite). Spaced this far apart,
# no second holds more than 9.
DOWNLOAD_SPACING_S = 0.12
_last_download = [0.0]


def _parse_download(page: Any, button: Any) -> tuple[str, bytes]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def click() -> None:
        time.sleep(max(0.0, _last_download[0] + DOWNLOAD_SPACING_S - time.monotonic()))
        _last_download[0] = time.monotonic()
        button.click()

    try:
        with page.expect_download(timeout=10_000) as info:
            click()
        _ = info.value
    except PlaywrightTimeout:
        # Another drop would be a new cause: the same button is clicked once more; a button that
        # never downloads fails.
        with page.expect_download(timeout=10_000) as info:
            click()
    path = info.value.path()
    with open(path, "rb") as f:
        return info.value.suggested_filename, f.read()


@pytest.mark.parametrize("view,ready", [
    ("#ground?date=2026-01-01", "body[data-ground-ready]"),
    ("#costs", "#costs-chart svg.chart"),
    ("#compare-dates?a=1965-01-01&b=1975-01-01", "body[data-dates-ready]"),
    ("#compare-assess", "body[data-cmpa-ready]"),
    ("#run/{a}", "body[data-run-ready='{a}']"),
    ("#compare-runs?a={a}&b={b}", "body[data-runcmp-ready='{a}/{b}']"),
])
def test_every_export_of_a_view_downloads_and_parses(page: Any, server: str, two_runs: tuple[str, str],
                                                     view: str, ready: str) -> None:
    """Every CSV and SVG download of the view, and the PNG of its first chart, parsed."""
    a, b = two_runs
    view, ready = view.format(a=a, b=b), ready.format(a=a, b=b)
    import csv
    import io
    from xml.etree import ElementTree

    from PIL import Image

    _open(page, server.rstrip("/") + "/" + view, ready)
    page.evaluate("document.querySelectorAll('.view:not([hidden]) details')"
                  ".forEach((d) => { d.open = true; })")
    buttons = page.locator(".view:not([hidden]) button.dl-csv, .view:not([hidden]) button.dl-svg")
    assert buttons.count() >= 1, view
    names: set[str] = set()
    for i in range(buttons.count()):
        name, body = _parse_download(page, buttons.nth(i))
        names.add(name)
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
            assert len(rows) >= 2, name  # a header and at least one row
            assert all(len(r) == len(rows[0]) for r in rows), name
        else:
            assert name.endswith(".svg") and ElementTree.fromstring(body).tag.endswith("svg"), name
    pngs = page.locator(".view:not([hidden]) button.dl-png")
    if pngs.count():
        name, body = _parse_download(page, pngs.first)
        assert name.endswith(".png") and Image.open(io.BytesIO(body)).size[0] > 200, name
    # Each download has its own file name (a reader saving several keeps them apart).
    assert len(names) == buttons.count(), sorted(names)


def test_gaps_in_the_ground_series_are_drawn_as_gaps(page: Any, server: str) -> None:
    """A year without a figure breaks the line or area (a path with more than one segment) and
    the caption names it; the years come from the API, whatever rows it has."""
    people = _api(server, "/v1/personnel")["rows"]
    years = {r["year"] for r in people}
    missing = sorted(set(range(min(years), max(years) + 1)) - years)
    series = _api(server, "/v1/okinawa")["series"]
    gappy = [s for s in series if s.get("years_missing")]
    _open(page, server.rstrip("/") + "/#ground?date=2026-01-01&lang=en", "body[data-ground-ready]")
    if missing:
        caption = page.locator("#ground-personnel figcaption").inner_text()
        assert str(missing[0]) in caption and "No figure for" in caption
        segments = "ps => ps.map((p) => (p.getAttribute('d').match(/M/g) || []).length)"
        areas = page.eval_on_selector_all("#ground-personnel svg.chart g[aria-label=area] path", segments)
        assert len(areas) > 4, areas  # more areas than the four services: each broken at a gap
    for s in gappy:
        fig = page.locator("figure.chart-figure", has_text=s["title"]).first
        if not fig.count():
            continue  # a series without any figure is not drawn
        assert str(min(s["years_missing"])) in fig.locator("figcaption").inner_text(), s["id"]


def test_an_evacuation_run_in_japanese_has_no_english_left(page: Any, server: str) -> None:
    """The own models' views (here the evacuation's measures and legal gates) in Japanese."""
    import yaml

    from .conftest import ROOT

    if _api(server, "/v1/meta")["simulation_available"] is not True:
        pytest.skip("anpo.sim is not in this build")
    path = ROOT / "examples" / "sim" / "evacuation-korea-2026.yaml"
    spec = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    run_id = _api(server, "/v1/simulations", {**spec, "trials": 300, "seed": 5})["id"]
    deadline = time.monotonic() + 180
    while _api(server, f"/v1/simulations/{run_id}")["status"] != "done":
        assert time.monotonic() < deadline, "run did not finish"
        time.sleep(0.3)
    _open(page, f"{server.rstrip('/')}/#run/{run_id}?lang=ja", f"body[data-run-ready='{run_id}']")
    assert page.locator("#run-body table").count() == 2
    left = page.evaluate(UNTRANSLATED_JS)
    assert left == [], "\n".join(left)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_coast_at_zoom_10_over_okinawa_at_each_width(browser: Any, server: str, size: str) -> None:
    """Opened from a shared URL at zoom 10 over Okinawa (in Japanese): the island's land and
    the sea beyond its territorial sea are told apart on the screenshot."""
    from io import BytesIO

    from PIL import Image

    viewport = DESKTOP if size == "desktop" else PHONE
    ctx = browser.new_context(viewport=viewport, is_mobile=size == "phone", bypass_csp=True)
    page = ctx.new_page()
    try:
        _open(page, f"{server.rstrip('/')}/#map?date=2026-01-01&lat=26.400&lon=127.750&z=10&lang=ja",
              "body[data-map-date='2026-01-01']")
        page.wait_for_function(
            """() => { const t = [...document.querySelectorAll('#map img.leaflet-tile')];
                return t.some((i) => i.src.includes('/tiles/admin/')) && t.every((i) => i.complete); }""",
            timeout=60_000)
        shot = page.locator("#map").screenshot(path=str(OUT / f"okinawa-zoom10-{size}.png"))
        image = Image.open(BytesIO(shot)).convert("RGB")
        box = page.locator("#map").bounding_box()
        assert box is not None
        scale = image.size[0] / box["width"]

        def colour(lat: float, lon: float) -> tuple[int, ...]:
            pt = page.evaluate("([a, b]) => { const p = window.anpo.map.latLngToContainerPoint([a, b]);"
                               " return [p.x, p.y]; }", [lat, lon])
            px = image.getpixel((int(pt[0] * scale), int(pt[1] * scale)))
            assert isinstance(px, tuple)
            return tuple(int(c) for c in px[:3])

        land, sea = colour(26.40, 127.83), colour(26.40, 127.55)  # central Okinawa; East China Sea
        assert sum(abs(a - b) for a, b in zip(land, sea, strict=True)) > 60, (land, sea)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        ctx.close()


@pytest.mark.parametrize("query", [
    "date=2026-01-01&lat=24.0&lon=121.0&event=armed_attack&target=TWN&us_action=combat_operations_from_japan",
    "date=2026-01-01&lat=25.743&lon=123.473&event=gray_zone&target=JPN",
    "date=2026-01-01&lat=35.0&lon=139.0&event=missile_inbound&target=USA",
    "date=1965-01-01&lat=26.4&lon=127.8&event=armed_attack&target=USA",
    "date=2026-01-01&lat=37.5&lon=127.0&event=armed_attack&target=KOR&us_action=combat_operations_from_japan",
    "date=2026-01-01&lat=30.0&lon=135.0&event=armed_attack&target=JPN",
])
def test_assessments_in_japanese_have_no_english_left(page: Any, server: str, query: str) -> None:
    """Other events, places and dates than the view walk's: their determinations, who decides
    and what would change the answer, in Japanese."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    _open(page, f"{server.rstrip('/')}/#assess?{query}&lang=ja", "#verdict")
    # The map's place labels arrive by their own request and may be drawn a moment after the
    # verdict: judge the settled page (an English label that stays still fails below).
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"() => ({UNTRANSLATED_JS})().length === 0", timeout=5_000)
    left = page.evaluate(UNTRANSLATED_JS)
    assert left == [], "\n".join(left)
