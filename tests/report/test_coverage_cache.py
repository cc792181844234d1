"""The administration maps on disk: drawn once, read back equal, never stale, never fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anpo.report import coverage as cov
from anpo.report import coverage_cache

DATE = "1975-03-01"  # a period between the 1972 reversion and the 1977 territorial-sea change


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANPO_CACHE_DIR", str(tmp_path))
    cov._coverage_on.cache_clear()
    yield tmp_path
    cov._coverage_on.cache_clear()


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json.gz"))


def test_a_drawn_period_is_stored_and_read_back_equal(cache_dir: Path) -> None:
    drawn = cov.coverage(DATE)
    files = _files(cache_dir)
    assert [f.name for f in files] == [f"{drawn['effective_from']}.json.gz"]
    cov._coverage_on.cache_clear()
    before = files[0].stat().st_mtime_ns
    read = cov.coverage(DATE)
    assert files[0].stat().st_mtime_ns == before  # read, not drawn and written again
    assert json.dumps(read, sort_keys=True) == json.dumps(json.loads(json.dumps(drawn)), sort_keys=True)


def test_a_damaged_file_is_drawn_again_and_replaced(cache_dir: Path) -> None:
    good = json.dumps(cov.coverage(DATE), sort_keys=True)
    (path,) = _files(cache_dir)
    path.write_bytes(b"not gzip")
    cov._coverage_on.cache_clear()
    assert json.dumps(cov.coverage(DATE), sort_keys=True) == good
    cov._coverage_on.cache_clear()
    assert coverage_cache.load(cov._CONSTANTS, path.name.removesuffix(".json.gz")) is not None


def test_an_unwritable_cache_still_gives_the_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("ANPO_CACHE_DIR", str(blocker))
    cov._coverage_on.cache_clear()
    try:
        assert cov.coverage(DATE)["features"]
    finally:
        cov._coverage_on.cache_clear()


def test_the_key_names_the_map_settings_and_the_inputs() -> None:
    assert coverage_cache.key("step=a") != coverage_cache.key("step=b")
    sources = {str(p.relative_to(coverage_cache.PACKAGE)) for p in coverage_cache._sources()}
    # the code a map is computed from: the resolver, the rules and the map itself
    assert {"geo/resolver.py", "law/rules.py", "report/coverage.py"} <= sources


def test_periods_cover_every_change_from_the_first_month() -> None:
    periods = cov.periods()
    assert periods[-1] == "1952-01-01" and len(set(periods)) == len(periods)
    assert {cov.effective_day(cov.to_day(cov.parse_date(p, "p"))) for p in periods} >= {
        d for d in cov.change_days() if d > cov.to_day(cov.parse_date("1952-01-01", "p"))
    }


def test_a_map_lists_every_period_for_the_page() -> None:
    fc = cov.coverage(DATE)
    assert fc["periods"] == sorted(cov.periods()) and fc["effective_from"] in fc["periods"]
