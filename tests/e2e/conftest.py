"""A real `anpo serve` on loopback (temporary SQLite store) and Debian's chromium, headless."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("ANPO_TEST_OUTPUT", ROOT / "out")) / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    return path


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    vendor = ROOT / "src" / "anpo" / "web" / "vendor"
    for lib in ("leaflet/leaflet.js", "plot/plot.min.js", "plot/d3.min.js"):
        assert (vendor / lib).exists(), f"front-end library {lib} missing: run `make install`"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path_factory.mktemp("xdg"))}
    env.pop("ANPO_DATABASE_URL", None)
    env.pop("ANPO_API_TOKEN", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "anpo"), "serve", "--port", "0"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert proc.stdout is not None
    url = None
    for line in proc.stdout:
        m = re.search(r"dashboard at (http://\S+/)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        raise AssertionError("anpo serve did not print its URL")
    yield url
    proc.terminate()
    proc.wait(30)


# Package scope, not session: while Playwright's sync API is open, its event loop stays marked
# as running in the main thread between calls (the loop runs in a greenlet that hands control
# back mid-run). A session-scoped browser kept it so for every test collected after tests/e2e,
# where asyncio.run() raised "cannot be called from a running event loop"
# (tests/api/test_turn_batch.py after tests/e2e in one process). Closed at the end of
# tests/e2e, the loop is closed and unset before the next package's tests.
@pytest.fixture(scope="package")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    # The tests evaluate expressions in the page (wait_for_function), which the dashboard's own
    # CSP forbids; test_dashboard_runs_under_its_csp checks the page itself keeps to it.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server)
    pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
    yield pg
    ctx.close()
    assert errors == [], errors
