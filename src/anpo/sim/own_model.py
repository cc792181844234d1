"""Scenario types that run their own small model instead of the crisis kernels: disaster
relief (`disaster`), evacuation of nationals (`evacuation`), a blockade of sea lanes
(`blockade`). One entry for the CLI, the HTTP API and the library, so each caller runs the
same checks and gets the same JSON document.

The law these models read is the law in force for the caller: wrap the call in
`anpo.law.whatif.applied(...)` for a what-if, as the CLI does.
"""

from __future__ import annotations

from typing import Any

from anpo.core.errors import InputError
from anpo.sim.run import check_run
from anpo.sim.scenario import OWN_MODELS, SimScenario

NAMES = {"disaster": "a disaster response", "evacuation": "an evacuation", "blockade": "a blockade"}


def kind(spec: SimScenario) -> str | None:
    """Which own model a parsed scenario runs (None: the crisis kernels)."""
    for k in OWN_MODELS:
        if getattr(spec, k, None) is not None:
            return k
    return None


def _module(k: str) -> Any:
    from anpo.sim import blockade, disaster, evacuation

    return {"disaster": disaster, "evacuation": evacuation, "blockade": blockade}[k]


def run_own_model(spec: SimScenario, trials: int, seed: int) -> dict[str, Any]:
    """Run the scenario's own model; the JSON document `anpo simulate --format json` prints."""
    k = kind(spec)
    if k is None:
        raise InputError("scenario", "not a disaster, evacuation or blockade scenario")
    check_run(trials, seed)
    model = _module(k)
    limit = getattr(model, "MAX_TRIALS", None)
    if limit is not None and trials > limit:
        raise InputError("trials", f"{trials:,} is more than {limit:,} for {NAMES[k]}")
    if k == "disaster":
        assert spec.disaster is not None
        result = model.run_disaster(spec.disaster, trials, seed)
    else:
        result = model.run(spec.scenario, getattr(spec, k), trials, seed)
    return {"model": k, "scenario": spec.to_dict(), **result}


def text(result: dict[str, Any], label: str) -> str:
    """The model's own text report of a result of `run_own_model`."""
    body = {key: value for key, value in result.items() if key != "model"}
    return str(_module(result["model"]).text(body, label))
