"""The dashboard in Debian's chromium (headless, Playwright) against a real `anpo serve`:
time to the page's first load (DOMContentLoaded), to the dashboard being ready (its first
API answers), to the first drawn map (today's administration and facilities on screen), and
a date change (a month not drawn before, and one drawn before), each from the moment it was
asked for, once the page has fetched every period's administration map while idle
(`data-maps-prefetched`), as it has a few seconds after a reader opens it. Targets: first map
under 1.5 s, a date change under 200 ms.

Each first load is on a server started for it: once at once (the first visitor after a
start: the server still loading its data and warming today's map) and once after the warm-up
(src/anpo/api/warm.py); the page in a fresh browser context each time (nothing in the
browser's cache). Set ANPO_WARM_MAPS=all to measure the slider with every period warmed.

    .venv/bin/python benchmarks/bench_dashboard.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_api import server  # noqa: E402
from common import Row, machine  # noqa: E402

TARGET_MAP_MS = 1500
TARGET_DATE_MS = 200
# Months the test has not drawn before (each a different map period), then ones it has.
NEW_DATES = ["1965-01-01", "1975-01-01", "1999-01-01", "1953-06-01", "1969-01-01", "1985-01-01", "2010-01-01"]


def _first_load(browser: Any, url: str) -> dict[str, float]:
    # bypass_csp: the page's CSP forbids the test's own evaluated expressions, not its code
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        page.wait_for_function("document.body.dataset.mapDate !== undefined", polling="raf",
                               timeout=60_000)
        drawn = page.evaluate("performance.now()")  # ms since the navigation started
        nav = page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                            " return [n.domContentLoadedEventEnd, n.loadEventEnd]; })()")
        return {"dom": nav[0], "load": nav[1], "map": drawn}
    finally:
        ctx.close()


def _next_month(date: str) -> str:
    """The first of the month after `date` (none of NEW_DATES is in December)."""
    y, m = int(date[:4]), int(date[5:7])
    return f"{y}-{m + 1:02d}-01"


def _date_change(page: Any, date: str) -> float:
    t0 = page.evaluate(
        """(d) => { const i = document.querySelector('#date-input'); i.value = d;
            const t = performance.now(); i.dispatchEvent(new Event('change')); return t; }""", date)
    page.wait_for_function("d => document.body.dataset.mapDate === d", arg=date, polling="raf",
                           timeout=60_000)
    return float(page.evaluate("performance.now()") - t0)


def slider_all_warmed(wait_s: float) -> list[Row]:
    """Date changes on a server started with ANPO_WARM_MAPS=all, `wait_s` seconds after its start."""
    import os

    from playwright.sync_api import sync_playwright

    os.environ["ANPO_WARM_MAPS"] = "all"
    changes: list[float] = []
    try:
        with sync_playwright() as p, server() as url:
            time.sleep(wait_s)
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            ctx = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
            page = ctx.new_page()
            page.goto(url + "/")
            page.wait_for_function("document.body.dataset.mapDate !== undefined", timeout=60_000)
            changes = [_date_change(page, d) for d in NEW_DATES]
            browser.close()
    finally:
        os.environ.pop("ANPO_WARM_MAPS", None)
    return [Row(f"ANPO_WARM_MAPS=all, {wait_s:.0f} s after start: date change to a month not drawn in the "
                f"page (median of {len(changes)})",
                f"{statistics.median(changes):.0f} ms (max {max(changes):.0f})",
                f"< {TARGET_DATE_MS} ms")]


def run(runs: int = 5) -> list[Row]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        return [Row("dashboard", "skipped: Debian's chromium is not installed")]
    # As after `make install`: every period's administration map drawn into the disk cache
    # (report.coverage_cache; a no-op when this tree's maps are there already). A checkout
    # whose code changed since its install would otherwise measure drawing, not serving.
    subprocess.run([sys.executable, "-c", "from anpo.precompile import draw_maps; draw_maps()"], check=True)
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    warmed: list[float] = []
    new_dates: list[float] = []
    seen_dates: list[float] = []
    next_months: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            with server() as url:
                # The first visitor at once: the server is still loading and drawing today's map.
                cold.append(_first_load(browser, url + "/"))
            with server() as url:
                # A visitor once the server has warmed today's map (this request waits for it).
                t0 = time.perf_counter()
                httpx.get(f"{url}/v1/coverage", params={"date": dt.date.today().isoformat()}, timeout=120)
                warmed.append(time.perf_counter() - t0)
                warm.append(_first_load(browser, url + "/"))
                ctx = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
                page = ctx.new_page()
                page.goto(url + "/")
                page.wait_for_function("document.body.dataset.mapDate !== undefined", timeout=60_000)
                # The page fetches every period's administration map while idle after its first
                # map (map.js prefetch); a reader moving the slider a few seconds in finds them there.
                page.wait_for_function("document.body.dataset.mapsPrefetched === '1'", timeout=300_000)
                for d in NEW_DATES:
                    new_dates.append(_date_change(page, d))
                for d in NEW_DATES:
                    seen_dates.append(_date_change(page, d))
                # The slider moved one month on: the same administration map, new facilities.
                for d in NEW_DATES:
                    _date_change(page, d)
                    next_months.append(_date_change(page, _next_month(d)))
                ctx.close()
        browser.close()
    med = lambda xs: statistics.median(xs)  # noqa: E731
    return [
        Row("dashboard, fresh server: DOMContentLoaded", f"{med([c['dom'] for c in cold]):.0f} ms"),
        Row("dashboard, fresh server: first map drawn", f"{med([c['map'] for c in cold]):.0f} ms",
            f"< {TARGET_MAP_MS} ms"),
        Row("server start to today's map warmed", f"{med(warmed):.1f} s"),
        Row("dashboard, visitor after the warm-up: first map drawn",
            f"{med([w['map'] for w in warm]):.0f} ms",
            f"< {TARGET_MAP_MS} ms"),
        Row(f"date change to a month not drawn before (median of {len(new_dates)})",
            f"{med(new_dates):.0f} ms (max {max(new_dates):.0f})", f"< {TARGET_DATE_MS} ms"),
        Row(f"date change to a month drawn before (median of {len(seen_dates)})",
            f"{med(seen_dates):.0f} ms (max {max(seen_dates):.0f})", f"< {TARGET_DATE_MS} ms"),
        Row(f"date change to a month not drawn before in the period shown (median of {len(next_months)})",
            f"{med(next_months):.0f} ms (max {max(next_months):.0f})", f"< {TARGET_DATE_MS} ms"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--all-warmed-after", type=float, default=0,
                    help="also: date changes on a server warming every period, "
                    "this many seconds after its start")
    args = ap.parse_args()
    print(machine())
    rows = run(args.runs) if args.runs else []
    if args.all_warmed_after:
        rows += slider_all_warmed(args.all_warmed_after)
    for r in rows:
        print(f"{r.measure}: {r.result}  (target {r.target or '-'})")


if __name__ == "__main__":
    main()
