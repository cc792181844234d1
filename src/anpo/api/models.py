"""Strict request models: unknown fields, wrong types (booleans as numbers too) are 422.

The models describe the request in the OpenAPI schema; the library's own parser then checks
what a schema cannot say (dates that exist, ISO-3 codes, fields that go together).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from anpo.api.settings import MAX_BATCH, MAX_SEED, MAX_TRIALS
from anpo.core.codes import Event, OperationArea, UsAction

EVENTS = [e.name for e in Event]
US_ACTIONS = [a.name for a in UsAction]
OPERATION_AREAS = [a.name for a in OperationArea]
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

DateStr = Annotated[
    str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"}, examples=["2026-01-01"])
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _one_of(value: str, accepted: list[str]) -> str:
    if value not in accepted:
        raise ValueError(f"{value!r} is not one of: {', '.join(accepted)}")
    return value


class AssumeIn(Strict):
    """Judgments a government makes, stated by the user."""

    termination_notice: DateStr | None = None
    armed_attack_judged: bool | None = None
    survival_threatening_certified: bool | None = None


class ScenarioIn(Strict):
    """One scenario, exactly as `anpo assess` reads it."""

    id: Annotated[str, Field(max_length=200)] | None = None
    date: DateStr
    event: Annotated[str, Field(json_schema_extra={"enum": EVENTS})]
    target: Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["JPN"])] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    us_action: Annotated[str, Field(json_schema_extra={"enum": US_ACTIONS})] = "none"
    operation_area: Annotated[str, Field(json_schema_extra={"enum": OPERATION_AREAS})] | None = None
    assume: AssumeIn | None = None

    @field_validator("event")
    @classmethod
    def _event(cls, v: str) -> str:
        return _one_of(v, EVENTS)

    @field_validator("us_action")
    @classmethod
    def _us_action(cls, v: str) -> str:
        return _one_of(v, US_ACTIONS)

    @field_validator("operation_area")
    @classmethod
    def _operation_area(cls, v: str | None) -> str | None:
        return None if v is None else _one_of(v, OPERATION_AREAS)

    def raw(self) -> dict[str, Any]:
        """The scenario as the library's parser reads it (unset fields left out)."""
        return self.model_dump(exclude_none=True)


ScenarioBatch = Annotated[list[ScenarioIn], Field(min_length=1, max_length=MAX_BATCH)]


class DefensesIn(Strict):
    units: dict[
        Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")], Annotated[int, Field(ge=0, le=1000)]
    ] = Field(min_length=1, max_length=50)


FacilityId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]


class StrikesIn(Strict):
    bases: Annotated[list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]], Field(max_length=50)]
    defenses: Literal["table", "none", "flat"] | DefensesIn | None = Field(
        None, description="Missile defenses of the struck bases (anpo.sim.missile_defense): the table "
        "on the scenario's date (default), none, the legacy flat interception, or unit counts by id.")


class SimulationIn(Strict):
    """Start a simulation run: the simulation input of `anpo simulate`, plus trials and seed."""

    scenario: ScenarioIn
    trials: Annotated[int, Field(ge=1, le=MAX_TRIALS)] = 10_000
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    fait_accompli_h: Annotated[float, Field(gt=0, le=10_000)] | None = None
    strikes: StrikesIn | None = None
    parameters: dict[
        Annotated[str, Field(max_length=100)], Annotated[float, Field(allow_inf_nan=False)]
    ] = Field(default_factory=dict, max_length=100,
              description="Overrides of simulation parameters by name (numbers).")
    closed_bases: Annotated[list[FacilityId], Field(max_length=100)] | None = Field(
        None, description="Facilities closed for the whole run (a posture what-if).")
    # The sections below are checked by the library's parser (anpo.sim.parse_sim_scenario),
    # which names the field of a bad value (422), as for `anpo simulate`'s file.
    events: Annotated[list[dict[str, Any]], Field(max_length=50)] | None = Field(
        None, description="Later events during the run: {at_h, event, target, lat, lon} each.")
    disaster: dict[str, Any] | None = Field(
        None, description="A relief build-up (anpo.sim.disaster) instead of a crisis; scenario event none.")
    evacuation: dict[str, Any] | None = Field(
        None, description="Evacuation of nationals (anpo.sim.evacuation) instead of a crisis.")
    blockade: dict[str, Any] | None = Field(
        None, description="A blockade or sea-lane disruption (anpo.sim.blockade) instead of a crisis.")

    def spec(self) -> dict[str, Any]:
        """The simulation input as the library reads it."""
        out: dict[str, Any] = {"scenario": self.scenario.raw()}
        if self.fait_accompli_h is not None:
            out["fait_accompli_h"] = self.fait_accompli_h
        if self.strikes is not None:
            out["strikes"] = self.strikes.model_dump(exclude_none=True)
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        for section in ("closed_bases", "events", "disaster", "evacuation", "blockade"):
            value = getattr(self, section)
            if value is not None:
                out[section] = value
        return out
