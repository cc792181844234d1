"""The locked door (issue 20): trusted hosts, security headers, private store, server limits."""

from __future__ import annotations

import re
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anpo.api.app import WEB, create_app
from anpo.api.settings import Settings
from anpo.store import Store

from .conftest import make_client


@pytest.fixture(autouse=True)
def _switch_interval() -> Iterator[None]:
    """`server_config` sets the interpreter's GIL switch interval for `anpo serve`'s process;
    in the test process it is put back, or every later test would run with it."""
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


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
    from anpo.api.server import HeaderDeadline, server_config

    config = server_config(object(), "127.0.0.1", 0)
    assert config.limit_concurrency and config.timeout_keep_alive <= 5
    assert config.http is HeaderDeadline


@pytest.fixture
def tiny_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    """`anpo serve`'s uvicorn configuration around a two-line app, with a 0.5 s header
    deadline, in a thread; yields (host, port)."""
    import threading
    import time

    import uvicorn

    from anpo.api import server as srv

    monkeypatch.setattr(srv, "HEADER_TIMEOUT_S", 0.5)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    server = uvicorn.Server(srv.server_config(app, "127.0.0.1", 0))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield "127.0.0.1", server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(20)


def _one_response(sock: socket.socket) -> bytes:
    """One whole response (its headers, then content-length bytes of body): uvicorn writes
    the headers and the body with two sends, and one recv can return between them."""
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {got!r}"
        got += chunk
    head, body = got.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length: *(\d+)", head)
    assert m, head
    length = int(m.group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {got!r}"
        body += chunk
    assert len(body) == length, body  # nothing beyond this answer
    return head + b"\r\n\r\n" + body


def _closed_within(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before closing the connection, or None if still open after `seconds`."""
    sock.settimeout(seconds)
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except TimeoutError:
        return None
    return got


def test_slow_headers_are_dropped(tiny_server: tuple[str, int]) -> None:
    host, port = tiny_server
    with socket.create_connection((host, port)) as s:  # nothing sent: closed at the deadline
        assert _closed_within(s, 5.0) == b""
    with socket.create_connection((host, port)) as s:  # half a request line
        s.sendall(b"GET /v1/meta HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert _closed_within(s, 5.0) == b""
    with socket.create_connection((host, port)) as s:  # a kept-alive connection's next request too
        request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        s.sendall(request)
        s.settimeout(5.0)
        assert _one_response(s).endswith(b"ok")
        s.sendall(request)  # within the deadline: answered
        assert _one_response(s).endswith(b"ok")
        s.sendall(b"GET / HTTP/1.1\r\n")
        assert _closed_within(s, 5.0) == b""


def test_headers_over_the_limit_are_refused(tiny_server: tuple[str, int]) -> None:
    from anpo.api.server import MAX_HEADER_BYTES

    host, port = tiny_server
    with socket.create_connection((host, port)) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        filler = b"X-Filler: " + b"a" * 1000 + b"\r\n"
        for _ in range(MAX_HEADER_BYTES // len(filler) + 2):
            try:
                s.sendall(filler)
            except OSError:  # closed meanwhile
                break
        answer = _closed_within(s, 5.0)
    assert answer is not None and answer.startswith(b"HTTP/1.1 400")


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
