"""The dashboard's views beyond the map: a run as its own view, two runs compared, two dates,
two scenarios, the alliance on the ground, Japanese and English, and every download parsed."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import time
import urllib.request
from typing import Any
from xml.etree import ElementTree

import pytest

from .conftest import OUT, ROOT

STRIKE_RUN = {
    "scenario": {"date": "2026-01-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3},
    "trials": 1000, "seed": 7, "fait_accompli_h": 72, "strikes": {"bases": ["kadena", "naha"]},
    "parameters": {"strike.missiles_per_base": 40, "strike.salvos": 2},
}


def _api(server: str, path: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.rstrip("/") + path, data=data,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def _run(server: str, body: dict[str, Any]) -> str:
    meta = _api(server, "/v1/meta")
    if meta["simulation_available"] is not True:
        pytest.skip("anpo.sim is not in this build")
    run_id = str(_api(server, "/v1/simulations", body)["id"])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if _api(server, f"/v1/simulations/{run_id}")["status"] == "done":
            return run_id
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish")


@pytest.fixture(scope="module")
def runs(server: str) -> tuple[str, str]:
    """Two stored runs with the same seed: one with strikes on two bases, one without."""
    plain = {k: v for k, v in STRIKE_RUN.items() if k not in ("strikes", "parameters")}
    return _run(server, STRIKE_RUN), _run(server, plain)


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    path = info.value.path()
    with open(path, "rb") as f:
        return f.read()


def _no_cut_labels(page: Any, scope: str, require: bool = True) -> None:
    texts = page.eval_on_selector_all(f"{scope} svg.chart text",
                                      "els => els.map((e) => e.textContent)")
    assert texts or not require, f"no chart text in {scope}"
    assert not [s for s in texts if "…" in s], texts


def test_run_view_charts_table_warning_and_downloads(page: Any, server: str, runs: tuple[str, str]) -> None:
    strike, _ = runs
    page.goto(f"{server}#run/{strike}")
    page.wait_for_selector(f"body[data-run-ready='{strike}']", timeout=60_000)
    # A warning line names how many of the run's parameters are assumptions.
    warning = page.locator("#run-warning").inner_text()
    assert "shipped parameters this run used are assumptions" in warning
    assert "2 set for this run" in warning
    # With an objective time: the chance the alliance denies it, with its interval.
    objective = page.locator("#run-objective")
    if "objective" in (_api(server, f"/v1/simulations/{strike}")["summaries"] or {}):
        assert "denies the adversary's objective by 72" in objective.inner_text()
        assert "95 % interval" in objective.inner_text()
    titles = page.locator("#run-body .chart-title").all_inner_texts()
    assert any("Runway closures" in s for s in titles) and any("Forces on station" in s for s in titles)
    assert any("by country and force type" in s for s in titles)
    # The runway chart's names are spelled out and wrapped, never cut.
    runway = page.locator("figure.chart-figure", has_text="Runway closures").first
    ticks = runway.locator("svg.chart g[aria-label='y-axis tick label'] text")
    tick_text = " ".join(ticks.all_text_contents())
    assert "Kadena Air Base" in tick_text and "(tankers)" in tick_text and "(fighters)" in tick_text
    _no_cut_labels(page, "#run-body")
    # Air operations in the whole table, and the missile defense of the struck bases.
    assert "sorties flown by the deadline" in page.locator("#run-body .whole-table").inner_text()
    defense = page.locator("#run-missile-defense").inner_text()
    assert "Kadena Air Base" in defense and "leak rate" in defense and "all bases" in defense
    # Values on hover: every band has its title.
    assert runway.locator("svg.chart title").count() >= 4
    # The whole table is visible (no column cut off) and its CSV has every row.
    table = page.locator("#run-body .whole-table table")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[-5:] == ["mean", "p5", "p50", "p95", "never"]
    box = table.bounding_box()
    assert box is not None and box["x"] + box["width"] <= page.viewport_size["width"]
    body = _download(page, "#run-table-csv").decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == table.locator("tbody tr").count() > 10
    assert {"mean", "p5", "p50", "p95", "never"} <= set(rows[0])
    # Each chart: SVG, PNG and CSV.
    fig = "#run-body figure.chart-figure"
    svg = ElementTree.fromstring(_download(page, f"{fig} button.dl-svg"))
    assert svg.tag.endswith("svg")
    png = _download(page, f"{fig} button.dl-png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    assert Image.open(io.BytesIO(png)).size[0] > 400
    chart_csv = list(csv.reader(io.StringIO(_download(page, f"{fig} button.dl-csv").decode())))
    assert len(chart_csv) > 2
    # A table alternative for each chart.
    assert page.locator("#run-body figure.chart-figure details.chart-table table").count() == page.locator(
        "#run-body figure.chart-figure").count()
    page.screenshot(path=str(OUT / "run-view.png"), full_page=True)


def test_an_evacuation_run_shows_its_own_measures_and_gates(page: Any, server: str) -> None:
    import yaml

    path = ROOT / "examples" / "sim" / "evacuation-korea-2026.yaml"
    spec = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    run_id = _run(server, {**spec, "trials": 2000, "seed": 3})
    page.goto(f"{server}#run/{run_id}")
    page.wait_for_function(f"document.body.dataset.runReady === '{run_id}'", timeout=60_000)
    assert "Evacuation" in page.locator("#run-model").inner_text()
    measures = list(csv.DictReader(io.StringIO(_download(page, "#run-table-csv").decode())))
    share = next(r for r in measures if r["metric"].startswith("share evacuated by deadline"))
    assert 0 < float(share["mean"]) <= 1
    doc = json.loads(_download(page, "button.dl-json"))
    assert doc["model"] == "evacuation" and doc["legal_gates"]
    assert page.locator("#run-body table").count() == 2  # the measures and the legal gates


def test_two_runs_side_by_side(page: Any, server: str, runs: tuple[str, str]) -> None:
    strike, plain = runs
    page.goto(f"{server}#run/{strike}")
    page.wait_for_selector(f"body[data-run-ready='{strike}']", timeout=60_000)
    page.select_option("#run-compare-with", plain)
    page.click("#run-compare-go")
    page.wait_for_selector(f"body[data-runcmp-ready='{strike}/{plain}']", timeout=60_000)
    assert "common random numbers" in page.locator("#crn-note").inner_text()
    differing = page.locator("#runcmp-body tr.differs")
    assert differing.count() >= 2
    assert page.locator("#runcmp-body tr.differs", has_text="Bases struck").count() == 1
    rows = list(csv.DictReader(io.StringIO(_download(page, "#runcmp-csv").decode())))
    assert rows and "A p50" in rows[0] and "B p50" in rows[0]
    page.screenshot(path=str(OUT / "runs-compared.png"), full_page=True)


def test_run_view_on_a_phone_has_no_sideways_scroll(browser: Any, server: str, runs: tuple[str, str]) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              bypass_csp=True)
    pg = ctx.new_page()
    try:
        pg.goto(f"{server}#run/{runs[0]}")
        pg.wait_for_selector("body[data-run-ready]", timeout=60_000)
        pg.wait_for_timeout(300)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        _no_cut_labels(pg, "#run-body")
        pg.screenshot(path=str(OUT / "run-phone.png"), full_page=True)
    finally:
        ctx.close()


def test_japanese_by_url_by_control_and_by_browser(browser: Any, server: str) -> None:
    ctx = browser.new_context(bypass_csp=True)
    pg = ctx.new_page()
    try:
        pg.goto(f"{server}#map?date=2026-01-01&lat=25.8&lon=124.5&z=7&lang=ja")
        pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
        assert pg.locator("header nav a[data-view=map]").inner_text() == "地図"
        assert pg.evaluate("document.documentElement.lang") == "ja"
        pg.wait_for_function("document.body.dataset.mapDate === '2026-01-01'", timeout=60_000)
        assert "施設" in pg.locator("#map-status").inner_text()
        assert "第5条" in pg.locator("#legend").inner_text()
        # Places by their official Japanese names (the map's labels and the point's description).
        pg.wait_for_function("[...document.querySelectorAll('.place-label')]"
                             ".some((e) => e.textContent === '尖閣諸島')", timeout=30_000)
        pg.fill("#f-lat", "25.743")
        pg.fill("#f-lon", "123.473")
        pg.press("#f-lon", "Tab")
        pg.wait_for_function("document.querySelector('#place').textContent.includes('尖閣諸島')",
                             timeout=30_000)
        pg.screenshot(path=str(OUT / "map-ja.png"))
        pg.select_option("#lang-select", "en")
        pg.wait_for_function("location.hash.includes('lang=en')", timeout=10_000)
        assert pg.locator("header nav a[data-view=map]").inner_text() == "Map"
        assert "Article V area" in pg.locator("#legend").inner_text()
        pg.goto(f"{server}#costs?lang=ja")
        pg.wait_for_selector("#costs-chart svg.chart", timeout=30_000)
        assert pg.locator("#costs-title").inner_text().startswith("在日米軍駐留経費負担")
    finally:
        ctx.close()
    ctx = browser.new_context(locale="ja-JP", bypass_csp=True)
    pg = ctx.new_page()
    try:
        pg.goto(server)
        pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
        assert pg.locator("header nav a[data-view=law]").inner_text() == "法令"
    finally:
        ctx.close()


def test_two_dates_side_by_side_say_what_changed(page: Any, server: str) -> None:
    page.goto(f"{server}#compare-dates?a=1965-01-01&b=1975-01-01")
    page.wait_for_selector("body[data-dates-ready='1965-01-01/1975-01-01/side']", timeout=60_000)
    assert "Administration changed" in page.locator("#admin-change").inner_text()
    assert page.locator("#map-a path.admin-USA").count() >= 1
    # Okinawa's reversion (1972) is between the dates: the Ryukyus are listed, USA to JPN.
    ryukyu = page.locator("#units-changed tr", has_text="Ryukyu").inner_text()
    assert "USA" in ryukyu and "JPN" in ryukyu and "1972-05-15" in ryukyu
    page.screenshot(path=str(OUT / "two-dates.png"), full_page=True)
    # As a swipe: one map, date B's layers clipped right of the handle, which moves with the slider.
    page.check("input[name=dates-mode][value=swipe]")
    page.wait_for_selector("body[data-dates-ready='1965-01-01/1975-01-01/swipe']", timeout=60_000)
    assert "mode=swipe" in page.url and page.locator("#dates-side").is_hidden()
    assert page.locator("#map-swipe .leaflet-dateA-pane path.admin-USA").count() >= 1
    page.wait_for_function("document.querySelector('#map-swipe .leaflet-dateB-pane').style.clip !== ''")
    before = page.evaluate("document.querySelector('#map-swipe .leaflet-dateB-pane').style.clip")
    page.fill("#swipe-range", "20")
    page.dispatch_event("#swipe-range", "input")
    after = page.evaluate("document.querySelector('#map-swipe .leaflet-dateB-pane').style.clip")
    assert before != after
    page.screenshot(path=str(OUT / "two-dates-swipe.png"), full_page=True)


def test_two_scenarios_side_by_side_mark_differing_conditions(page: Any, server: str) -> None:
    page.goto(f"{server}#compare-assess")
    page.wait_for_selector("body[data-cmpa-ready]", timeout=60_000)
    assert page.locator("#cmpa-body tr.differs").count() >= 1
    verdict = page.locator("#cmpa-body tbody tr").first
    assert "Article V" in verdict.inner_text()
    page.fill("#cmpa-b-date", "2026-01-01")
    page.click("#cmpa-go")
    page.wait_for_function("(document.querySelector('#cmpa-count')?.textContent || '').startsWith('0 ')",
                           timeout=60_000)
    assert "b.date=2026-01-01" in page.url


def test_ground_views_with_charts_and_downloads(page: Any, server: str) -> None:
    page.goto(f"{server}#ground")
    page.wait_for_selector("body[data-ground-ready]", timeout=60_000)
    # Each dataset is either drawn or said to be missing (another helper's data may be mid-change).
    for section in ["#ground-registry", "#ground-okinawa", "#ground-realignment", "#ground-governance"]:
        assert page.locator(section).count() == 1, section
    rows = list(csv.DictReader(io.StringIO(_download(page, "#ground-registry button.dl-csv").decode())))
    assert any(r["prefecture"] == "Okinawa" for r in rows)
    _no_cut_labels(page, "#ground-body")
    page.screenshot(path=str(OUT / "ground.png"), full_page=True)


def test_ground_what_if_share_through_time_personnel_and_facility_list(page: Any, server: str) -> None:
    # A what-if opened from the URL: closing Futenma lowers Okinawa's share of MOD's area.
    page.goto(f"{server}#ground?date=2026-01-01&close=futenma")
    page.wait_for_selector("body[data-ground-ready]", timeout=60_000)
    line = page.locator("#ground-registry .what-if").inner_text()
    before, after = (float(x) for x in re.findall(r"from ([\d.]+) % to ([\d.]+) %", line)[0])
    assert after < before
    assert page.locator("#ground-close input[value=futenma]").is_checked()
    # Ticking a second facility redraws the registry and writes both to the URL.
    page.locator("#ground-close input[value=camp-schwab]").check()
    closed = "new URLSearchParams(location.hash.split('?')[1]).get('close')"
    page.wait_for_function(f"({closed} || '').split(',').sort().join() === 'camp-schwab,futenma'",
                           timeout=30_000)
    what_if = "document.querySelector('#ground-registry .what-if')"
    page.wait_for_function(f"{what_if}?.textContent.includes('camp-schwab')", timeout=30_000)
    for chart in ["#ground-share svg.chart", "#ground-personnel svg.chart"]:
        assert page.locator(chart).count() == 1, chart
    share = list(csv.DictReader(io.StringIO(_download(page, "#ground-share button.dl-csv").decode())))
    assert len(share) >= 5 and all(r["Date"] for r in share)
    people = list(csv.DictReader(io.StringIO(_download(page, "#ground-personnel button.dl-csv").decode())))
    assert any(r["year"] == "1960" for r in people)
    page.locator("#ground-registry details.facility-list summary").click()
    listed = _download(page, "#ground-registry details.facility-list button.dl-csv").decode()
    facilities = list(csv.DictReader(io.StringIO(listed)))
    assert {"Kadena Air Base", "MCAS Iwakuni"} <= {r["facility"] for r in facilities}
    # In Japanese: the headings, facility names and prefectures.
    page.goto(f"{server}#ground?date=2026-01-01&lang=ja")
    heading = "document.querySelector('#ground-personnel h3')?.textContent"
    page.wait_for_function(f"document.documentElement.lang === 'ja' && {heading} === '在日米軍の軍別人員'",
                           timeout=60_000)
    assert "嘉手納飛行場" in page.locator("#ground-close").inner_text()


def test_cost_chart_downloads(page: Any, server: str) -> None:
    page.goto(f"{server}#costs")
    page.wait_for_selector("#costs-chart svg.chart", timeout=30_000)
    rows = list(csv.DictReader(io.StringIO(_download(page, "#costs-chart button.dl-csv").decode())))
    assert rows[0]["JFY"] == "1978" and len(rows) > 40
    ElementTree.fromstring(_download(page, "#costs-chart button.dl-svg"))


def test_law_in_japanese_shows_the_official_japanese_title(page: Any, server: str) -> None:
    page.goto(f"{server}#law/us-japan-1960?lang=ja")
    page.wait_for_function("document.querySelector('#law-detail h3') !== null", timeout=30_000)
    title = "日本国とアメリカ合衆国との間の相互協力及び安全保障条約"
    assert page.locator("#law-detail h3").inner_text() == title
    assert page.locator("#law-title").inner_text() == "法令: 文書と条項"
    page.goto(f"{server}#law/us-japan-1960?lang=en")
    page.wait_for_function("(document.querySelector('#law-detail h3')?.textContent || '')"
                           ".startsWith('Treaty')",
                           timeout=30_000)


@pytest.mark.parametrize("view,ready", [
    ("#ground", "body[data-ground-ready]"),
    ("#compare-dates?a=1965-01-01&b=1975-01-01&mode=swipe", "body[data-dates-ready]"),
    ("#compare-assess", "body[data-cmpa-ready]"),
    ("#costs?lang=ja", "#costs-chart svg.chart"),
])
def test_each_view_fits_a_phone(browser: Any, server: str, view: str, ready: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              bypass_csp=True)
    pg = ctx.new_page()
    try:
        pg.goto(server + view)
        pg.wait_for_selector(ready, state="attached", timeout=60_000)
        pg.wait_for_timeout(300)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, view
        _no_cut_labels(pg, "main", require=False)
        name = view.strip("#").split("?")[0]
        pg.screenshot(path=str(OUT / f"phone-{name}.png"), full_page=True)
    finally:
        ctx.close()


def test_an_assessment_opens_as_scenario_a_of_a_comparison(page: Any, server: str) -> None:
    page.goto(f"{server}#assess?date=2026-01-01&lat=25.743&lon=123.473&event=armed_attack&target=JPN")
    page.locator("#verdict").wait_for(timeout=60_000)
    page.click("#compare-link")
    page.wait_for_selector("body[data-cmpa-ready]", timeout=60_000)
    assert page.locator("#cmpa-a-date").input_value() == "2026-01-01"
    assert page.locator("#cmpa-b-lat").input_value() == "25.743"
    assert page.locator("#cmpa-body tr.differs").count() == 0  # B starts as A


def test_japanese_text_is_drawn_with_a_japanese_font(page: Any, server: str) -> None:
    """The screenshots of the Japanese page show glyphs, not empty boxes: chromium reports
    which of the machine's fonts drew the nav's 地図 (CSS.getPlatformFontsForNode)."""
    if not subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout.strip():
        pytest.skip("no Japanese font on this machine (apt-get install fonts-ipafont-gothic; .ci/run does)")
    page.goto(f"{server}#map?lang=ja")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    nav = "header nav a[data-view=map]"
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": nav})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    families = {f["familyName"] for f in fonts if f["glyphCount"] > 0}
    ja = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    known = {name.strip() for line in ja.splitlines() for name in line.split(",")}
    assert families and families <= known, (families, sorted(known)[:5])


def test_the_map_fetches_other_periods_while_idle(page: Any, server: str) -> None:
    """After the first map, the page fetches every period's administration map while idle, so
    a date change to a period not shown yet asks the server for its facilities only."""
    page.goto(f"{server}#map?date=2026-01-01")
    page.wait_for_function("document.body.dataset.mapDate === '2026-01-01'", timeout=60_000)
    page.wait_for_function("document.body.dataset.mapsPrefetched === '1'", timeout=120_000)
    fetched = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)"
                            ".filter((n) => n.includes('/v1/coverage'))")
    periods = _api(server, "/v1/coverage?date=2026-01-01")["periods"]
    assert all(any(f"date={p}" in n for n in fetched) for p in periods)
    t0 = page.evaluate("""() => { const t = performance.now();
                          const i = document.querySelector('#date-input'); i.value = '1975-01-01';
                          i.dispatchEvent(new Event('change')); return t; }""")
    page.wait_for_function("document.body.dataset.mapDate === '1975-01-01'", timeout=30_000)
    after = page.evaluate(f"performance.getEntriesByType('resource').filter((e) => e.startTime >= {t0})"
                          ".map((e) => e.name)")
    assert not [n for n in after if "/v1/coverage" in n] and any("/v1/bases" in n for n in after)
