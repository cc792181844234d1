"""One scenario without FastAPI's routing (`anpo.api.middleware.OneScenario`, issue 19): the
same answer, byte for byte, as the route; and every request it does not answer (a bad body,
an unusual query, an error from the library) gets the route's own answer or 422, word for
word."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anpo.api.middleware import OneScenario
from anpo.store import Store

from .conftest import make_client

SCENARIO = {"id": "one", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
            "lat": 25.743, "lon": 123.473, "us_action": "combat_operations_from_japan"}


def _lean(c: TestClient) -> OneScenario:
    node: Any = c.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(node, OneScenario):
        node = node.app
    return node


@pytest.fixture
def clients(store: Store) -> Iterator[tuple[TestClient, TestClient]]:
    """(an app with the lean path, an app with it switched off)."""
    with make_client(store) as lean, make_client(store) as ordinary:
        lean.get("/v1/meta")
        ordinary.get("/v1/meta")  # builds the middleware stack
        async def nothing(body: bytes, query: str) -> None:
            return None

        _lean(ordinary)._answer = nothing  # type: ignore[method-assign]
        yield lean, ordinary


def _post(c: TestClient, query: str, body: Any, raw: bytes | None = None,
          content_type: str = "application/json") -> Any:
    return c.post(f"/v1/assess{query}", content=raw if raw is not None else json.dumps(body).encode(),
                  headers={"content-type": content_type})


@pytest.mark.parametrize("query", ["", "?explain=false", "?fields=compact", "?explain=true",
                                   "?without=jp-peace-security-legislation-2015",
                                   "?in_force=jp-peace-security-legislation-2015=2020-01-01"])
@pytest.mark.parametrize("scenario", [
    SCENARIO, {"date": "1971-05-01", "event": "cyber_attack", "target": "USA"},
    {**SCENARIO, "assume": {"armed_attack_judged": True}},
])
def test_answers_as_the_route_does(clients: tuple[TestClient, TestClient], query: str,
                                   scenario: dict[str, Any]) -> None:
    lean, ordinary = clients
    before = _lean(lean).answered
    got, want = _post(lean, query, scenario), _post(ordinary, query, scenario)
    assert got.status_code == want.status_code == 200, got.text
    assert _lean(lean).answered == before + 1
    assert got.content == want.content
    assert got.headers["content-type"] == want.headers["content-type"] == "application/json"
    assert got.headers["content-security-policy"]  # the door's headers still apply


@pytest.mark.parametrize(("query", "body", "raw"), [
    ("", {**SCENARIO, "lat": "25"}, None),  # the request model: a string for a number
    ("", {**SCENARIO, "extra": 1}, None),  # an unknown field
    ("", {**SCENARIO, "lon": None}, None),  # the library: lat without lon
    ("", {**SCENARIO, "date": "2026-02-30"}, None),
    ("", None, b'{"id": "x", "lat": NaN}'),  # refused by the strict JSON check
    ("", None, b'{"id": '),  # malformed
    ("", None, b"[]"),  # an empty list
    ("?fields=compact&explain=true", SCENARIO, None),  # the route refuses the pair
    ("?fields=bogus", SCENARIO, None),
    ("?without=no-such-instrument", SCENARIO, None),
    ("?explain=maybe", SCENARIO, None),
])
def test_what_it_does_not_answer_goes_the_ordinary_way(
    clients: tuple[TestClient, TestClient], query: str, body: Any, raw: bytes | None,
) -> None:
    lean, ordinary = clients
    before = _lean(lean).answered
    got, want = _post(lean, query, body, raw), _post(ordinary, query, body, raw)
    assert got.status_code == want.status_code == 422
    assert got.json() == want.json()
    assert _lean(lean).answered == before


def test_other_content_types_and_small_lists_are_left_to_the_route(
    clients: tuple[TestClient, TestClient],
) -> None:
    lean, ordinary = clients
    before = _lean(lean).answered
    got, want = _post(lean, "", SCENARIO, content_type="text/plain"), _post(ordinary, "", SCENARIO,
                                                                            content_type="text/plain")
    assert got.status_code == want.status_code == 422 and got.json() == want.json()
    got = _post(lean, "", [SCENARIO, SCENARIO])
    assert got.status_code == 200 and got.content == _post(ordinary, "", [SCENARIO, SCENARIO]).content
    assert _lean(lean).answered == before
