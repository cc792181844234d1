"""Hostile requests (issue 20): every one a 4xx naming where, never a 500, never echoed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

SCENARIO = {"date": "2026-01-01", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}


def _post(client: TestClient, path: str, raw: str) -> Any:
    return client.post(path, content=raw.encode("utf-8", "surrogatepass"),
                       headers={"content-type": "application/json"})


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
@pytest.mark.parametrize("path", ["/v1/assess", "/v1/assessments", "/v1/simulations"])
def test_non_finite_numbers_are_refused_at_parse_time(client: TestClient, number: str, path: str) -> None:
    body = {"scenario": SCENARIO} if path == "/v1/simulations" else SCENARIO
    raw = json.dumps(body).replace("25.743", number)
    resp = _post(client, path, raw)
    assert resp.status_code == 422, resp.text
    detail = resp.json()["detail"][0]
    assert detail["loc"] == ["body"] and "finite" in detail["msg"] and "input" not in detail


def test_lone_surrogate_is_422_naming_the_field(client: TestClient) -> None:
    raw = json.dumps([SCENARIO, {**SCENARIO, "id": "PLACEHOLDER"}]).replace("PLACEHOLDER", "\\ud800x")
    resp = _post(client, "/v1/assess", raw)
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["body", 1, "id"]
    assert "surrogate" in resp.json()["detail"][0]["msg"]
    raw = json.dumps({"scenario": SCENARIO, "parameters": {"P": 1}}).replace('"P"', '"\\udc00"')
    assert _post(client, "/v1/simulations", raw).status_code == 422


@pytest.mark.parametrize("raw", [
    '{"date": "2026-01-01", "event": "none", "lat": ' + "9" * 5000 + "}",
    "[" * 5000 + "]" * 5000,
    '{"date": "2026-01-01", "event": "none", "id": ' + "[" * 80 + "]" * 80 + "}",
    "\xff\xfe not utf-8",
])
def test_huge_numbers_deep_nesting_and_bad_bytes_are_4xx(client: TestClient, raw: str) -> None:
    resp = client.post("/v1/assess", content=raw.encode("latin-1"),
                       headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500, resp.text


def test_event_none_simulation_is_refused_at_submission(client: TestClient) -> None:
    resp = client.post("/v1/simulations", json={"scenario": {**SCENARIO, "event": "none"}})
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["body", "scenario", "event"]
    assert client.get("/v1/runs").json()["total"] == 0


def test_waiting_lists_are_bounded_per_client() -> None:
    import asyncio

    from anpo.api.middleware import ListSlots

    release = asyncio.Event()
    sent: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def main() -> None:
        slots = ListSlots(app, slots=1, max_waiting=10, max_waiting_per_client=2)
        scope = {"type": "http", "method": "POST", "path": "/v1/assess", "client": ("10.0.0.1", 1),
                 "headers": [(b"content-length", b"100000")]}

        async def send(msg: Any) -> None:
            if msg["type"] == "http.response.start":
                sent.append(msg["status"])

        async def receive() -> Any:
            return {"type": "http.request", "body": b""}

        held = [asyncio.create_task(slots(scope, receive, send)) for _ in range(2)]
        await asyncio.sleep(0.01)
        await slots(scope, receive, send)  # a third from the same client: 429 at once
        other = {**scope, "client": ("10.0.0.2", 1)}
        waiting = asyncio.create_task(slots(other, receive, send))  # another client still queues
        await asyncio.sleep(0.01)
        assert sent == [429]
        release.set()
        await asyncio.gather(*held, waiting)

    asyncio.run(main())
    assert sorted(sent) == [200, 200, 200, 429]


def test_a_body_that_stops_arriving_is_408() -> None:
    import asyncio

    from anpo.api.middleware import BodyLimit

    sent: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def main() -> None:
        limit = BodyLimit(app, max_bytes=1000, read_timeout_s=0.05)
        parts = iter([{"type": "http.request", "body": b"[1,", "more_body": True}])

        async def receive() -> Any:
            part = next(parts, None)
            if part is None:
                await asyncio.sleep(10)  # the rest never comes
            return part

        async def send(msg: Any) -> None:
            if msg["type"] == "http.response.start":
                sent.append(msg["status"])

        await asyncio.wait_for(limit({"type": "http", "headers": []}, receive, send), 5)

    asyncio.run(main())
    assert sent == [408]
