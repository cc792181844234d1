"""POST /v1/simulations, GET and DELETE /v1/simulations/{id}, GET /v1/runs: runs in the store."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse

from anpo.api.errors import RequestInputError
from anpo.api.models import SimulationIn
from anpo.api.runs import QueueFull
from anpo.core.errors import InputError
from anpo.law.assess import parse
from anpo.store.tables import RUN_STATUSES

router = APIRouter(prefix="/v1", tags=["simulations"])
ID_PATTERN = r"^[0-9a-f-]{36}$"


@router.post("/simulations", status_code=202, response_model=None,
             summary="Start a simulation run; returns its id at once",
             responses={503: {"description": "the simulation is not available in this build"},
                        429: {"description": "too many live runs (on this server or of this client); "
                                             "see Retry-After"}})
def start(body: SimulationIn, request: Request) -> JSONResponse:
    manager = request.app.state.runs
    spec = body.spec()
    parse(spec["scenario"])  # the library's checks first: a bad scenario is a 422, never a failed run
    own_model = any(k in spec for k in ("disaster", "evacuation", "blockade"))
    if spec["scenario"]["event"] == "none" and not own_model:
        why = "none: a crisis simulation needs an event to respond to (or a disaster, evacuation or blockade)"
        raise RequestInputError(InputError("scenario.event", why), "body")
    if not manager.available:
        raise HTTPException(503, "the crisis simulation (anpo.sim) is not available in this build")
    client = request.client.host if request.client else ""
    try:
        run = manager.submit(spec, trials=body.trials, seed=body.seed, client=client)
    except QueueFull as err:
        return JSONResponse({"detail": str(err)}, status_code=429,
                            headers={"Retry-After": str(err.retry_after_s)})
    return JSONResponse(run, status_code=202, headers={"Location": f"/v1/simulations/{run['id']}"})


@router.get("/simulation-parameters", response_model=None,
            responses={503: {"description": "the simulation is not available in this build"}},
            summary="The simulation's shipped parameters, each with its source or named as an assumption")
def parameters(request: Request) -> dict[str, Any]:
    if not request.app.state.runs.available:
        raise HTTPException(503, "the crisis simulation (anpo.sim) is not available in this build")
    from anpo.sim import load_parameters  # the simulation is imported only when asked for

    return {"parameters": [p.to_dict() for p in load_parameters().table.values()]}


@router.get("/simulations/{run_id}", response_model=None, responses={404: {"description": "no such run"}},
            summary="A run: status, progress, summaries, receipt")
def get(request: Request, run_id: str = Path(pattern=ID_PATTERN)) -> dict[str, Any]:
    run: dict[str, Any] | None = request.app.state.store.get_run(run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    return run


@router.delete("/simulations/{run_id}", response_model=None,
               responses={404: {"description": "no such run"}, 409: {"description": "the run has ended"}},
               summary="Cancel a queued or running run (it becomes `cancelled`)")
def cancel(request: Request, run_id: str = Path(pattern=ID_PATTERN)) -> dict[str, Any]:
    if request.app.state.runs.cancel(run_id):
        run: dict[str, Any] = request.app.state.store.get_run(run_id)
        return run
    status = request.app.state.store.run_status(run_id)
    if status is None:
        raise HTTPException(404, f"no run {run_id}")
    raise HTTPException(409, f"run {run_id} has ended ({status}); only queued or running runs cancel")


@router.get("/runs", response_model=None, summary="Runs, newest first (without summaries)")
def runs(
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    status: Literal[RUN_STATUSES] | None = Query(None),  # type: ignore[valid-type]
) -> dict[str, Any]:
    rows, total = request.app.state.store.list_runs(limit=limit, offset=offset, status=status)
    return {"runs": rows, "total": total, "limit": limit, "offset": offset}
