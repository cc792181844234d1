"""One-scenario requests ready in the same turn, assessed as one frame (`anpo.api.turn_batch`,
issue 19): every answer of a batch equals the route's answer to that scenario alone, byte for
byte, whatever the batch holds; a refused scenario fails only its own request."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from anpo.api.models import ScenarioIn
from anpo.api.one_answer import LegalParts, answer_many
from anpo.api.turn_batch import TurnBatch
from anpo.core.errors import InputError

from .test_one_answer import _route, _scenarios


def _raw(s: dict[str, Any]) -> dict[str, Any]:
    return ScenarioIn.model_validate(s).raw()


@pytest.mark.parametrize("explain", [True, False])
def test_a_batch_answers_each_scenario_as_alone(explain: bool) -> None:
    scenarios = [s for s in _scenarios(300, seed=1919) if _route(s, explain) is not None]
    assert len(scenarios) > 200
    parts = LegalParts()
    start, size, checked = 0, 1, 0
    while start < len(scenarios):  # batches of 1 to 17 rows, mixed places, eras and events
        chunk = scenarios[start:start + size]
        got = answer_many([_raw(s) for s in chunk], explain, parts)
        assert got == [_route(s, explain) for s in chunk], chunk
        checked += len(chunk)
        start, size = start + size, size % 17 + 1
    assert checked == len(scenarios) and parts.builds < checked


def test_a_refused_scenario_refuses_the_frame() -> None:
    good = {"id": "a", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
            "lat": 25.743, "lon": 123.473, "us_action": "combat_operations_from_japan"}
    refused = {**good, "id": "b", "lon": None}  # lat without lon: the library refuses it
    with pytest.raises(InputError):
        answer_many([_raw(good), _raw(refused)], True, LegalParts())


async def _gather(batch: TurnBatch, raws: Sequence[dict[str, Any]], explain: bool) -> list[Any]:
    return await asyncio.gather(*(batch.answer(r, explain) for r in raws), return_exceptions=True)


def test_requests_ready_in_one_turn_are_one_frame_and_a_refused_one_fails_alone() -> None:
    scenarios = [s for s in _scenarios(40, seed=7) if _route(s, True) is not None][:12]
    refused = {**scenarios[0], "id": "bad", "lon": None}
    raws = [_raw(s) for s in scenarios]
    batch = TurnBatch()
    got = asyncio.run(_gather(batch, raws, True))
    assert got == [_route(s, True) for s in scenarios]
    assert (batch.batches, batch.rows) == (1, 12)

    mixed = asyncio.run(_gather(batch, [*raws[:3], _raw(refused), *raws[3:6]], True))
    assert isinstance(mixed[3], InputError)
    assert [m for i, m in enumerate(mixed) if i != 3] == [_route(s, True) for s in scenarios[:6]]


def test_with_and_without_explanation_are_separate_frames() -> None:
    scenarios = [s for s in _scenarios(20, seed=8) if _route(s, True) is not None][:4]
    batch = TurnBatch()

    async def both() -> list[Any]:
        return await asyncio.gather(*(batch.answer(_raw(s), i % 2 == 0) for i, s in enumerate(scenarios)))

    got = asyncio.run(both())
    assert got == [_route(s, i % 2 == 0) for i, s in enumerate(scenarios)]
    assert batch.batches == 2


def test_a_batch_is_at_most_max_rows() -> None:
    scenarios = [s for s in _scenarios(30, seed=9) if _route(s, False) is not None][:10]
    batch = TurnBatch(max_rows=4)
    got = asyncio.run(_gather(batch, [_raw(s) for s in scenarios], False))
    assert got == [_route(s, False) for s in scenarios]
    assert (batch.batches, batch.rows) == (3, 10)


def test_two_event_loops_sharing_a_batch_each_get_their_own_answers() -> None:
    import threading

    scenarios = [s for s in _scenarios(40, seed=10) if _route(s, True) is not None][:8]
    batch = TurnBatch()
    got: dict[int, list[Any]] = {}

    def serve(k: int) -> None:
        got[k] = asyncio.run(_gather(batch, [_raw(s) for s in scenarios[k::2]], True))

    threads = [threading.Thread(target=serve, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert got == {k: [_route(s, True) for s in scenarios[k::2]] for k in (0, 1)}
