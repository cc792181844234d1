"""The locked door (issue 20): trusted hosts, security headers, private store, server limits."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from anpo.api.app import WEB, create_app
from anpo.api.settings import Settings
from anpo.store import Store

from .conftest import make_client


def test_foreign_host_names_are_refused(store: Store) -> None:
    with make_client(store) as c:
        for host in ("127.0.0.1", "127.0.0.1:8765", "localhost:8765", "[::1]:8765"):
            assert c.get("/v1/meta", headers={"host": host}).status_code == 200, host
        for host in ("attacker.example", "attacker.example:8765", "127.0.0.1.attacker.example"):
            resp = c.get("/v1/runs", headers={"host": host})
            assert resp.status_code == 400, host
            assert "Host" in resp.json()["detail"]


def test_allowed_hosts_are_configurable(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPO_ALLOWED_HOSTS", "anpo.internal, other.internal")
    settings = Settings.from_env()
    with TestClient(create_app(settings, store=store), base_url="http://anpo.internal") as c:
        assert c.get("/v1/meta").status_code == 200
        assert c.get("/v1/meta", headers={"host": "evil.example"}).status_code == 400
    # Bound to every interface with a token: any Host (the token guards the data).
    wide = Settings(token="a-long-enough-token", host="0.0.0.0")
    assert wide.trusted_hosts() is None
    assert Settings(host="0.0.0.0").trusted_hosts() is not None


@pytest.mark.parametrize("path", ["/", "/v1/meta", "/docs", "/js/main.js", "/v1/nothing", "/openapi.json"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    resp = client.get(path)
    csp = resp.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp and "unsafe-inline'; img" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert resp.headers["x-frame-options"] == "DENY"


def test_refusals_carry_the_headers_too(client: TestClient) -> None:
    resp = client.get("/v1/meta", headers={"host": "evil.example"})
    assert resp.status_code == 400 and resp.headers["x-content-type-options"] == "nosniff"


def test_pages_have_no_inline_script(client: TestClient) -> None:
    for page in ("/", "/docs"):
        html = client.get(page).text
        for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
            assert tag.strip() == "", page
        assert not re.search(r"\son[a-z]+=", html), page  # no inline event handlers
    assert (WEB / "js" / "docs.js").is_file()


def test_store_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("ANPO_DATABASE_URL", raising=False)
    store = Store.open()
    store.create_run({"scenario": {}}, {}, trials=1, seed=0)
    store.close()
    folder = tmp_path / "anpo"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_server_limits() -> None:
    from anpo.api.server import HeaderDeadlineH11, server_config

    config = server_config(object(), "127.0.0.1", 0)
    assert config.limit_concurrency and config.timeout_keep_alive <= 5
    assert config.http is HeaderDeadlineH11


@pytest.mark.parametrize(("env", "message"), [
    ({"ANPO_API_TOKEN": "short"}, "at least 16 characters"),
    ({"ANPO_MAX_QUEUED": "abc"}, "ANPO_MAX_QUEUED: expected a number"),
])
def test_serve_refuses_weak_tokens_and_bad_limits(env: dict[str, str], message: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "from anpo.cli import main; main()", "serve", "--port", "0"],
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path), **env}, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert proc.returncode == 2 and message in proc.stderr
