"""List assessments in worker processes (issue 20, starvation): `anpo serve` answers large
`POST /v1/assess` bodies in a spawned worker process so the event loop keeps the GIL. The
answers must be the in-process answers, byte for byte, and anything the worker does not
answer with a 200 must take the ordinary way (same 422, same detail)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anpo.api.app import create_app
from anpo.api.list_pool import _query
from anpo.api.settings import Settings
from anpo.store import Store

from .conftest import make_client


def scenarios(n: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events = ["armed_attack", "gray_zone", "missile_inbound", "cyber_attack"]
    out: list[dict[str, Any]] = []
    for i in range(n):
        out.append({"id": f"s{i}", "date": f"{rng.randint(1946, 2090)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}", "event": events[i % 4],
                    "target": ["JPN", "USA", "TWN"][i % 3],
                    "lat": round(rng.uniform(20, 45), 4), "lon": round(rng.uniform(120, 150), 4),
                    "us_action": ["none", "combat_operations_from_japan"][i % 2]})
    return out


LIST = scenarios(60)  # over ListSlots' 4 KiB: a list a worker answers


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('pool') / 'api.db'}")
    app = create_app(Settings(list_processes=True), store=store, runner=None)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    store.close()


@pytest.fixture
def plain(store: Store) -> Iterator[TestClient]:
    with make_client(store) as c:
        yield c


def _same_data(answer: bytes) -> bytes:
    """The answer with the receipts' data digest blanked: the worker read the shipped data
    when it started, this process when it first assessed, and a file edited in between
    (the tests run beside other work on one tree) would differ there and only there."""
    return re.sub(rb'"data_sha256":"[0-9a-f]{64}"', b'"data_sha256":""', answer)


def _post(c: TestClient, query: str, body: Any, content_type: str = "application/json") -> Any:
    return c.post(f"/v1/assess{query}", content=json.dumps(body).encode(),
                  headers={"content-type": content_type})


@pytest.mark.parametrize("query", ["", "?fields=compact", "?explain=true", "?explain=0",
                                   "?without=jp-peace-security-legislation-2015",
                                   "?in_force=jp-peace-security-legislation-2015=2020-01-01&fields=compact"])
def test_a_worker_answers_as_the_route_does(pooled: TestClient, plain: TestClient, query: str) -> None:
    before = pooled.app.state.lists.answered  # type: ignore[attr-defined]
    got = _post(pooled, query, LIST)
    assert got.status_code == 200, got.text
    assert pooled.app.state.lists.answered == before + 1  # type: ignore[attr-defined]
    want = _post(plain, query, LIST)
    assert _same_data(got.content) == _same_data(want.content)
    assert got.headers["content-type"] == "application/json"
    assert got.headers["content-security-policy"]  # the door's headers still apply


@pytest.mark.parametrize(("query", "body"), [
    ("", [*LIST, {**LIST[0], "lon": None, "lat": 25.0}]),  # the library: lat without lon
    ("", [*LIST, {**LIST[0], "lon": "123"}]),  # the request model: a string for a number
    ("", [*LIST, {**LIST[0], "extra": 1}]),  # an unknown field
    ("", LIST * 20),  # over 1,000 scenarios
    ("?fields=bogus", LIST),  # a query the route refuses
    ("?fields=compact&explain=true", LIST),
    ("?without=no-such-instrument", LIST),
])
def test_what_a_worker_does_not_answer_goes_the_ordinary_way(
    pooled: TestClient, plain: TestClient, query: str, body: Any,
) -> None:
    before = pooled.app.state.lists.answered  # type: ignore[attr-defined]
    got = _post(pooled, query, body)
    want = _post(plain, query, body)
    assert got.status_code == want.status_code == 422
    assert got.json() == want.json()
    assert pooled.app.state.lists.answered == before  # type: ignore[attr-defined]


def test_non_finite_numbers_and_other_types_stay_refused(pooled: TestClient) -> None:
    raw = json.dumps(LIST).replace('"lat": 2', '"lat": NaN, "x": 2', 1).encode()
    r = pooled.post("/v1/assess", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "finite" in r.json()["detail"][0]["msg"]
    r = _post(pooled, "", LIST, content_type="text/plain")  # FastAPI does not read it as JSON
    assert r.status_code == 422


def test_unknown_or_repeated_query_parameters_are_left_to_the_route() -> None:
    assert _query("explain=YES&fields=compact") == {"explain": True, "without": None, "in_force": None,
                                                    "fields": "compact"}
    assert _query("without=a&without=b")["without"] == ["a", "b"]  # type: ignore[index]
    for odd in ("explain=maybe", "fields=full&fields=compact", "limit=3", "fields=FULL"):
        assert _query(odd) is None


def test_the_pool_is_off_in_an_embedded_app(plain: TestClient) -> None:
    assert not plain.app.state.lists.running  # type: ignore[attr-defined]
    assert _post(plain, "", LIST).status_code == 200


def test_a_dead_worker_is_replaced_and_its_request_answered(plain: TestClient, tmp_path: Any) -> None:
    import os
    import signal
    import time

    store = Store.open(f"sqlite:///{tmp_path / 'dead.db'}")
    app = create_app(Settings(list_processes=True), store=store, runner=None)
    want = _same_data(_post(plain, "", LIST).content)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        lists = app.state.lists
        assert _post(c, "", LIST).status_code == 200 and lists.answered == 1  # the worker is up
        for pid in lists.pids():
            os.kill(pid, signal.SIGKILL)
        got = _post(c, "", LIST)  # the dead worker is noticed: answered in process
        assert got.status_code == 200 and _same_data(got.content) == want
        deadline = time.monotonic() + 60
        while lists.answered < 2 and time.monotonic() < deadline:  # a new worker answers again
            got = _post(c, "", LIST)
            assert got.status_code == 200 and _same_data(got.content) == want
        assert lists.answered >= 2, "no new list worker answered within 60 s"
    store.close()


def test_a_worker_answers_large_lists_through_its_file_and_leaves_no_name_behind() -> None:
    # The answer file's name is gone as soon as the worker is made (Linux: the worker opens
    # the file through /proc), so a server killed while its worker warms leaves nothing in
    # /dev/shm; a large answer still comes through the file, equal to the in-process one.
    import asyncio
    import os

    from anpo.api.list_pool import _SHARED_FROM, _Worker, answer_list

    if not os.path.isdir(f"/proc/{os.getpid()}/fd"):
        pytest.skip("needs /proc (Linux)")
    body = json.dumps(scenarios(400, seed=5)).encode()
    want = answer_list(body, "")
    assert want is not None and len(want) >= _SHARED_FROM

    async def exchange() -> bytes | memoryview:
        worker = _Worker()
        try:
            assert not os.path.exists(worker._path)
            await worker.warmed()
            got = await worker.exchange(b"", body)
            assert worker._map is not None  # read from the shared file, not the socket
            return got
        finally:
            worker.close()

    assert _same_data(bytes(asyncio.run(exchange()))) == _same_data(want)


def test_a_lent_answer_is_not_overwritten_while_a_response_may_still_send_it() -> None:
    # The server lends a large answer as a view of the shared file (no copy); while a view
    # of it lives (a transport still sending it), the worker writes its next answers after
    # it, and once the views are gone the file's start is used again.
    import asyncio
    import os

    from anpo.api import list_pool
    from anpo.api.list_pool import _Worker, answer_list

    if not os.path.isdir("/dev/shm"):
        pytest.skip("needs /dev/shm")
    bodies = [json.dumps(scenarios(300, seed=seed)).encode() for seed in (7, 8, 9)]
    wants = [answer_list(body, "") for body in bodies]

    async def exchanges() -> None:
        worker = _Worker()
        try:
            await worker.warmed()
            first = await worker.exchange(b"", bodies[0])
            held = memoryview(first).cast("b")[10:]  # as a transport keeps a partly sent answer
            del first
            second = await worker.exchange(b"", bodies[1])
            assert isinstance(second, memoryview) and len(worker._lent) == 2
            assert _same_data(bytes(second)) == _same_data(wants[1])
            assert _same_data(bytes(held)) == _same_data(wants[0])[10:]
            del second, held
            assert not worker._lent and worker._free_offset() == 0
            third = await worker.exchange(b"", bodies[2])
            assert _same_data(bytes(third)) == _same_data(wants[2])
            # Lent answers past the limit (slow readers): the next comes through the socket.
            keep = memoryview(third)
            del third
            ((key, (_, ref)),) = worker._lent.items()
            worker._lent[key] = (list_pool._LEND_LIMIT, ref)
            fourth = await worker.exchange(b"", bodies[0])
            assert type(fourth) is bytes and _same_data(fourth) == _same_data(wants[0])
            del keep
            assert not worker._lent
        finally:
            worker.close()

    asyncio.run(exchanges())


def test_a_warming_worker_locates_a_point_twice_in_each_prepared_polygon(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GEOS builds a prepared polygon's point index at its second query: a warming worker
    queries each polygon the geography tests points against twice, at a point within its
    bounds (outside them GEOS answers from the bounds alone and builds nothing)."""
    import shapely

    from anpo.api import list_pool
    from anpo.geo.index import geo_index

    index = geo_index()
    polygons = [*index.unit_land.values(), index.all_land, *index.specified_area_polygons,
                *(p for p, _, _ in index.internal_water_polygons)]
    asked: dict[int, int] = {}
    real = shapely.contains_xy

    def counted(polygon: Any, x: Any, y: Any) -> Any:
        west, south, east, north = polygon.bounds
        assert west <= float(x[0]) <= east and south <= float(y[0]) <= north
        asked[id(polygon)] = asked.get(id(polygon), 0) + 1
        return real(polygon, x, y)

    monkeypatch.setattr(shapely, "contains_xy", counted)
    list_pool._point_indexes(index)
    assert {id(p): 2 for p in polygons} == asked
    assert all(hasattr(type(index), name) for name in list_pool._GEO_BUILT)


_LARGE_BLOCKS = """
import resource, sys
from anpo.api.list_pool import _keep_heap
if sys.argv[1] == "kept":
    _keep_heap()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for size in (3_500_000, 3_600_000, 5_000_000):  # answers, each larger than any before
    block = b"x" * size
    del block
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


_SMALL_OBJECTS = """
import resource, sys
from anpo.api.list_pool import _keep_arenas
kept = _keep_arenas() if sys.argv[1] == "kept" else []
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
objects = [(i, str(i)) for i in range(20_000)]  # small objects, some 3 MB, all kept alive
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(script: str, mode: str) -> int:
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", script, mode], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    return int(out.stdout)


def test_a_warmed_worker_takes_its_large_blocks_from_pages_already_backed() -> None:
    """After warming, a list worker's answers (3.5 MB a list of 1,000 full results) come from
    heap pages backed at start and stay there when freed: no page fault for each 4 KB, where
    glibc's defaults map every block larger than any freed before afresh (`_keep_heap`)."""
    import ctypes.util
    import os

    if not os.path.isdir("/proc") or ctypes.util.find_library("c") != "libc.so.6":
        pytest.skip("needs glibc on Linux")
    assert _faults(_LARGE_BLOCKS, "default") > 2_000  # the three blocks' pages, 4 KB each, written afresh
    assert _faults(_LARGE_BLOCKS, "kept") < 200


def test_a_warmed_worker_has_room_for_small_objects_with_pages_already_backed() -> None:
    """After warming, a list worker keeps room in CPython's arenas for small objects, its pages
    backed (`_keep_arenas`): the objects a list keeps (a fresh worker's learnt texts) take no
    page fault for each 4 KB, where new arenas are mapped and faulted in page by page."""
    import os
    import platform

    if not os.path.isdir("/proc") or platform.python_implementation() != "CPython":
        pytest.skip("needs CPython on Linux")
    assert _faults(_SMALL_OBJECTS, "default") > 500
    assert _faults(_SMALL_OBJECTS, "kept") < 100
