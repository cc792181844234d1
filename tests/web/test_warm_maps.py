"""The server's background warm-up of the dashboard's first map (src/anpo/api/warm.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from anpo.api import warm


def test_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANPO_WARM_MAPS", raising=False)
    assert warm.warm_mode() == "today"
    monkeypatch.setenv("ANPO_WARM_MAPS", " ALL ")
    assert warm.warm_mode() == "all"
    monkeypatch.setenv("ANPO_WARM_MAPS", "sometimes")
    with pytest.raises(ValueError, match="ANPO_WARM_MAPS"):
        warm.warm_mode()


def test_none_starts_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPO_WARM_MAPS", "none")
    assert warm.start_warming(threading.Event()) is None


def test_today_draws_todays_map_before_anyone_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    from anpo.report import coverage

    monkeypatch.setenv("ANPO_WARM_MAPS", "today")
    thread = warm.start_warming(threading.Event())
    assert thread is not None and thread.daemon
    thread.join(300)
    assert not thread.is_alive()
    before = coverage._coverage_on.cache_info()
    coverage.coverage(dt.date.today().isoformat())  # now a cache hit
    after = coverage._coverage_on.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses
