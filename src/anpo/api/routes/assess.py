"""POST /v1/assess (the `anpo assess --format json` contract) and saved assessments."""

from __future__ import annotations

import logging
from typing import Any, Literal

import orjson
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from anpo.api.errors import RequestInputError
from anpo.api.models import ScenarioBatch, ScenarioIn
from anpo.api.settings import MAX_BATCH
from anpo.core.errors import InputError
from anpo.law.assess import assess_raw, parse
from anpo.law.whatif import WhatIf

router = APIRouter(prefix="/v1", tags=["assess"])
log = logging.getLogger(__name__)

CONTRACT = (
    "The same contract as `anpo assess --format json`: one result object for one scenario, "
    f"a list for a list (1 to {MAX_BATCH} scenarios). Each result has `treaty`, `place`, "
    "`article5`, `agreed_minute`, `prior_consultation`, `japan`, `us`, `explanation` and `receipt`. "
    "`explanation` (the trace, and exact coast distances in `place.detail`) comes with one "
    "scenario unless `explain=false`, and with a list only when `explain=true`: a list without "
    "it is assessed as one frame with the fast geography. What-if: `without` (repeatable: an "
    "instrument id) and `in_force` (repeatable: INSTRUMENT=YYYY-MM-DD) assess under the law as "
    "they change it; each result then has `what_if` (what changed against the actual law) and "
    "`receipt.what_if`. `fields=compact`: each result is instead the row `anpo assess --batch` "
    "writes (`id`, `date`, `zone`, `administered_by`, `claimed_by`, `place` and the "
    "determinations by condition name; no citations, decisions, explanation or receipt), "
    "assembled from the frame's columns: the fast way to assess many scenarios."
)
ID_PATTERN = r"^[0-9a-f-]{36}$"
ASYNC_BATCH = 4  # larger batches are assessed on a worker thread


@router.post("/assess", summary="Assess one scenario or a list", description=CONTRACT,
             response_model=None, responses={200: {"description": "result object or list"}})
async def assess(
    body: ScenarioIn | ScenarioBatch,
    explain: bool | None = Query(None, description="With the explanation: default true for one "
                                 "scenario, false for a list."),
    without: list[str] | None = Query(None, description="What-if: an instrument switched off."),
    in_force: list[str] | None = Query(None, description="What-if: INSTRUMENT=YYYY-MM-DD."),
    fields: Literal["full", "compact"] = Query("full", description="`compact`: the batch "
                                               "table's row for each scenario (no citations)."),
) -> Response:
    # One scenario takes about 2 ms of library time: run it on the event loop (no thread hop).
    # Large batches go to the thread pool so the server stays responsive (and, under `anpo
    # serve`, large bodies never reach this route: anpo.api.list_pool answers them in a
    # worker process, with this same `answer`).
    if isinstance(body, list) and len(body) > ASYNC_BATCH:
        return await run_in_threadpool(answer, body, explain, without, in_force, fields)
    return answer(body, explain, without, in_force, fields)


def answer(body: ScenarioIn | list[ScenarioIn], explain: bool | None, without: list[str] | None,
           in_force: list[str] | None, fields: str) -> Response:
    """The answer to a validated request (RequestInputError or InputError for a bad one)."""
    with_explanation = explain if explain is not None else not isinstance(body, list)
    whatif = WhatIf.parse(without or (), in_force or ()) if (without or in_force) else None
    if fields == "compact":
        if explain:
            raise RequestInputError(InputError("explain", "not with fields=compact (ask fields=full)"),
                                    "query")
        return _compact(body, whatif)
    return _assess(body, with_explanation, whatif)


def _assess(body: ScenarioIn | list[ScenarioIn], explain: bool, whatif: WhatIf | None = None) -> Response:
    raw: object = body.raw() if isinstance(body, ScenarioIn) else [s.raw() for s in body]
    if isinstance(body, list) and not explain:
        fast = _full_list(raw, whatif)
        if fast is not None:
            return Response(fast, media_type="application/json")
    results, was_list = assess_raw(raw, explain=explain, whatif=whatif)
    # orjson: the same JSON as the standard encoder for these values, several times faster
    return Response(orjson.dumps(results if was_list else results[0]), media_type="application/json")


def _full_list(raw: object, whatif: WhatIf | None) -> bytes | None:
    """A list's full results without explanation written by distinct legal readings (the
    same bytes as orjson's of `assess_raw`'s), or None: the ordinary way answers."""
    from anpo.api.full_results import full_json  # pyarrow (the JSON texts): loaded on first use
    from anpo.core.scenario import ScenarioFrame

    scenarios, _ = parse(raw)  # the same checks, and 422s
    try:
        return full_json(ScenarioFrame.from_scenarios(scenarios), [s.id for s in scenarios],
                         [s.date.isoformat() for s in scenarios], whatif=whatif, scenarios=scenarios)
    except Exception:  # a bug: logged, and the ordinary way answers
        log.exception("writing a list's full results failed; built row by row instead")
        return None


def _compact(body: ScenarioIn | list[ScenarioIn], whatif: WhatIf | None) -> Response:
    from anpo.io.compact_results import compact_json, compact_rows  # pyarrow: loaded on first use

    raw: object = body.raw() if isinstance(body, ScenarioIn) else [s.raw() for s in body]
    scenarios, was_list = parse(raw)  # the same checks, and 422s, as the full form
    if was_list:  # the JSON text written from the columns: the same bytes as orjson's of the rows
        return Response(compact_json(scenarios, whatif=whatif), media_type="application/json")
    return Response(orjson.dumps(compact_rows(scenarios, whatif=whatif)[0]), media_type="application/json")


@router.post("/assessments", status_code=201, summary="Assess one scenario and save it",
             response_model=None)
def save_assessment(body: ScenarioIn, request: Request) -> JSONResponse:
    scenario = body.raw()
    results, _ = assess_raw(scenario)
    saved = request.app.state.store.save_assessment(scenario, results[0])
    return JSONResponse(saved, status_code=201,
                        headers={"Location": f"/v1/assessments/{saved['id']}"})


@router.get("/assessments/{assessment_id}", summary="A saved assessment", response_model=None,
            responses={404: {"description": "no such assessment"}})
def get_assessment(
    request: Request, assessment_id: str = Path(pattern=ID_PATTERN)
) -> dict[str, Any]:
    saved: dict[str, Any] | None = request.app.state.store.get_assessment(assessment_id)
    if saved is None:
        raise HTTPException(404, f"no saved assessment {assessment_id}")
    return saved
