"""Per-client rate limit (issue 20): a token bucket per client address, 429 with Retry-After."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from anpo.api import rate_limit
from anpo.api.app import create_app
from anpo.api.rate_limit import TokenBuckets
from anpo.api.settings import DEFAULT_RATE_LIMIT, Settings
from anpo.store import Store


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_holds_a_burst_and_refills_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)  # empty: the next token in 1/rate s
    assert buckets.take("b") == 0.0  # another address has its own bucket
    clock.now += 0.25
    assert buckets.take("a") == pytest.approx(0.25)  # half a token back
    clock.now += 0.25
    assert buckets.take("a") == 0.0
    clock.now += 60  # refilled to the burst, no further
    assert [buckets.take("a") for _ in range(4)][-1] > 0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The servers' buckets on a clock that moves only when a test moves it: the tests count
    tokens, and on the real clock a stall of a second (a loaded machine, a collection in a
    thread beside the requests) gave a token back between them."""
    c = Clock()
    real = rate_limit.TokenBuckets
    monkeypatch.setattr(rate_limit, "TokenBuckets", lambda rate, burst: real(rate, burst, clock=c))
    return c


def _client(store: Store, address: str, **limits: object) -> TestClient:
    return TestClient(create_app(Settings(**limits), store=store),  # type: ignore[arg-type]
                      base_url="http://127.0.0.1", client=(address, 40000))


def test_a_remote_client_over_its_rate_gets_429_with_retry_after(store: Store, clock: Clock) -> None:
    with _client(store, "192.0.2.7", rate_limit=0.5, rate_burst=3) as c:
        assert [c.get("/v1/meta").status_code for _ in range(3)] == [200, 200, 200]
        refused = c.get("/v1/meta")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "2"  # one token at 0.5 a second
        assert "too many requests" in refused.json()["detail"]
        assert refused.headers["x-content-type-options"] == "nosniff"  # still behind the door
        assert c.get("/").status_code == 200  # the dashboard's own files are not counted
        clock.now += 1.5
        assert c.get("/v1/meta").status_code == 429  # three quarters of a token
        clock.now += 0.5
        assert [c.get("/v1/meta").status_code for _ in range(2)] == [200, 429]  # one, as Retry-After said


def test_loopback_is_exempt_unless_configured(store: Store, clock: Clock) -> None:
    with _client(store, "127.0.0.1", rate_limit=0.5, rate_burst=1) as c:
        assert {c.get("/v1/meta").status_code for _ in range(5)} == {200}
    with _client(store, "127.0.0.1", rate_limit=0.5, rate_burst=1, rate_limit_loopback=True) as c:
        assert [c.get("/v1/meta").status_code for _ in range(2)] == [200, 429]


def test_no_limit_without_a_rate(store: Store) -> None:
    with _client(store, "192.0.2.7", rate_limit=0.0, rate_burst=1) as c:
        assert {c.get("/v1/meta").status_code for _ in range(5)} == {200}


def test_the_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Settings.from_env()
    assert (s.rate_limit, s.rate_limit_loopback) == (DEFAULT_RATE_LIMIT, False)
    monkeypatch.setenv("ANPO_RATE_LIMIT", "2.5")
    monkeypatch.setenv("ANPO_RATE_BURST", "7")
    monkeypatch.setenv("ANPO_RATE_LIMIT_LOOPBACK", "1")
    s = Settings.from_env()
    assert (s.rate_limit, s.rate_burst, s.rate_limit_loopback) == (2.5, 7, True)
    monkeypatch.setenv("ANPO_RATE_LIMIT", "off")
    assert Settings.from_env().rate_limit == 0.0
    for bad in ("fast", "-1", "inf", "nan"):
        monkeypatch.setenv("ANPO_RATE_LIMIT", bad)
        with pytest.raises(ValueError, match="ANPO_RATE_LIMIT"):
            Settings.from_env()


def test_meta_names_the_limit(store: Store) -> None:
    with _client(store, "192.0.2.7", rate_limit=5.0, rate_burst=20) as c:
        limits = c.get("/v1/meta").json()["limits"]
    assert (limits["requests_per_second_per_client"], limits["request_burst_per_client"]) == (5.0, 20)
    assert limits["loopback_rate_limited"] is False
    with _client(store, "192.0.2.7") as c:
        assert c.get("/v1/meta").json()["limits"]["requests_per_second_per_client"] is None


def test_serve_refuses_a_bad_rate(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from anpo.cli import main; main()", "serve", "--port", "0"],
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path), "ANPO_RATE_LIMIT": "lots"},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 2 and "ANPO_RATE_LIMIT" in proc.stderr and "lots" in proc.stderr
