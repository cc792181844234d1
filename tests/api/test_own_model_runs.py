"""Disaster relief, evacuation and blockade runs over HTTP, with the real simulation library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import anpo
from anpo.api.runs import SimRunner
from anpo.store import Store

from .conftest import make_client
from .test_runs_api import _wait

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sim"


def _spec(name: str) -> dict[str, Any]:
    """An example file as a client would send it (dates as strings)."""
    raw = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    return dict(json.loads(json.dumps(raw, default=str)))


@pytest.mark.parametrize(("model", "name"), [("disaster", "tomodachi-2011.yaml"),
                                             ("evacuation", "evacuation-korea-2026.yaml"),
                                             ("blockade", "blockade-aden-piracy-2009.yaml")])
def test_a_run_gives_the_document_the_library_gives(store: Store, model: str, name: str) -> None:
    spec = _spec(name)
    with make_client(store, SimRunner()) as c:
        r = c.post("/v1/simulations", json={**spec, "trials": 2000, "seed": 5})
        assert r.status_code == 202, r.text
        run = _wait(c, r.json()["id"], ("done", "failed"))
    assert run["status"] == "done", run.get("error")
    assert run["summaries"]["model"] == model
    assert run["summaries"] == anpo.simulate(EXAMPLES / name, trials=2000, seed=5).data


def test_bad_sections_are_named(store: Store) -> None:
    spec = _spec("evacuation-korea-2026.yaml")
    with make_client(store, SimRunner()) as c:
        bad = {**spec, "evacuation": {**spec["evacuation"], "deadline_h": -5}}
        r = c.post("/v1/simulations", json=bad)
        assert r.status_code == 422 and "evacuation" in r.text
        r = c.post("/v1/simulations", json={**spec, "closed_bases": ["Not An Id"]})
        assert r.status_code == 422 and "closed_bases" in r.text
        none = {"scenario": {**spec["scenario"], "event": "none"}}
        r = c.post("/v1/simulations", json=none)
        assert r.status_code == 422 and "disaster" in r.text
