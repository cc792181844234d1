"""An app on a temporary SQLite store, with a fake simulation runner (no anpo.sim needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from anpo.api.app import create_app
from anpo.api.settings import Settings
from anpo.store import Store

from .fakes import FakeRunner


@pytest.fixture(scope="package", autouse=True)
def _no_warm_up_thread() -> Iterator[None]:
    """The apps these tests start run without the server's warm-up thread (`anpo.api.warm`,
    tested in tests/web/test_warm_maps.py and test_warm_assessment.py). Each app's lifespan
    began one in this process (196 over tests/api, up to 7 alive at once), assessing some 600
    points twice and collecting the whole heap beside the test's own requests: 114 s for
    tests/api against 81 s without, and stalls of the GIL under the tests' requests."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANPO_WARM_MAPS", "none")
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'api.db'}")
    yield s
    s.close()


def make_client(store: Store, runner: Any = None, token: str | None = None) -> TestClient:
    # The Host a browser on this machine sends: the trusted-host check refuses "testserver".
    return TestClient(create_app(Settings(token=token), store=store, runner=runner), base_url="http://127.0.0.1")


@pytest.fixture
def runner() -> FakeRunner:
    return FakeRunner()


@pytest.fixture
def client(store: Store, runner: FakeRunner) -> Iterator[TestClient]:
    with make_client(store, runner) as c:
        yield c
