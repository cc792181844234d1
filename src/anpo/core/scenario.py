"""Scenarios: a strict model for one, and columns (ScenarioFrame) for many.

One scenario and ten million take the same path: a single scenario is a frame of one row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.codes import (
    LOCATED_EVENTS,
    NULL,
    Event,
    OperationArea,
    UsAction,
    country_code,
    enum_from_name,
    parse_country,
)
from anpo.core.dates import FOREVER, parse_date, to_day
from anpo.core.errors import InputError

SCENARIO_FIELDS = ("id", "date", "event", "target", "lat", "lon", "us_action", "operation_area", "assume")
ASSUME_FIELDS = ("termination_notice", "armed_attack_judged", "survival_threatening_certified")


@dataclass(frozen=True)
class Assumptions:
    """Judgments that the law leaves to a government, stated by the user."""

    termination_notice: dt.date | None = None
    armed_attack_judged: bool | None = None
    survival_threatening_certified: bool | None = None


@dataclass(frozen=True)
class Scenario:
    """An event at a place on a date, with the U.S. action asked about."""

    date: dt.date
    event: Event
    target: str | None = None
    lat: float | None = None
    lon: float | None = None
    us_action: UsAction = UsAction.none
    assume: Assumptions = Assumptions()
    id: str | None = None
    # Where U.S. combat operations from Japan are directed (Article VI "Far East" test).
    operation_area: OperationArea = OperationArea.none

    def to_input_dict(self) -> dict[str, Any]:
        """The scenario as the user would write it (for receipts and echoes)."""
        out: dict[str, Any] = {"date": self.date.isoformat(), "event": self.event.name}
        if self.id is not None:
            out["id"] = self.id
        if self.target is not None:
            out["target"] = self.target
        if self.lat is not None:
            out["lat"] = self.lat
            out["lon"] = self.lon
        out["us_action"] = self.us_action.name
        if self.operation_area is not OperationArea.none:
            out["operation_area"] = self.operation_area.name
        assume = {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in vars(self.assume).items()
            if v is not None
        }
        if assume:
            out["assume"] = assume
        return out


def _number(value: object, field: str, low: float, high: float) -> float:
    # bool is a subclass of int in Python: reject it explicitly.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, f"expected a number, got {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(field, f"{value} is outside [{low:g}, {high:g}]")
    return number


def _boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(field, f"expected true or false, got {type(value).__name__}")
    return value


def _parse_assume(raw: object) -> Assumptions:
    if not isinstance(raw, Mapping):
        raise InputError("assume", f"expected an object, got {type(raw).__name__}")
    for key in raw:
        if key not in ASSUME_FIELDS:
            raise InputError(f"assume.{key}", f"unknown field; accepted: {', '.join(ASSUME_FIELDS)}")
    notice = raw.get("termination_notice")
    judged = raw.get("armed_attack_judged")
    certified = raw.get("survival_threatening_certified")
    return Assumptions(
        termination_notice=None
        if notice is None
        else parse_date(notice, "assume.termination_notice", bounded=False),
        armed_attack_judged=None if judged is None else _boolean(judged, "assume.armed_attack_judged"),
        survival_threatening_certified=None
        if certified is None
        else _boolean(certified, "assume.survival_threatening_certified"),
    )


def parse_scenario(raw: object) -> Scenario:
    """Parse one scenario strictly: unknown fields and wrong types are InputErrors."""
    if not isinstance(raw, Mapping):
        raise InputError("scenario", f"expected an object, got {type(raw).__name__}")
    for key in raw:
        if key not in SCENARIO_FIELDS:
            raise InputError(str(key), f"unknown field; accepted: {', '.join(SCENARIO_FIELDS)}")
    if "date" not in raw:
        raise InputError("date", "missing (required, YYYY-MM-DD)")
    if "event" not in raw:
        raise InputError("event", "missing (required)")
    sid = raw.get("id")
    if sid is not None and not isinstance(sid, str):
        raise InputError("id", f"expected a string, got {type(sid).__name__}")
    date = parse_date(raw["date"], "date")
    event = Event(enum_from_name(Event, raw["event"], "event"))
    target = raw.get("target")
    if target is None:
        if event is not Event.none:
            raise InputError("target", f"missing (required for event {event.name})")
    else:
        target = parse_country(target, "target")
    lat, lon = raw.get("lat"), raw.get("lon")
    if (lat is None) != (lon is None):
        raise InputError("lon" if lon is None else "lat", "lat and lon go together")
    if lat is None and event in LOCATED_EVENTS:
        raise InputError("lat", f"missing (required for event {event.name}, with lon)")
    if lat is not None:
        lat = _number(lat, "lat", -90.0, 90.0)
        lon = _number(lon, "lon", -180.0, 180.0)
    us_action = UsAction(enum_from_name(UsAction, raw.get("us_action", "none"), "us_action"))
    area = raw.get("operation_area")
    operation_area = (
        OperationArea.none if area is None
        else OperationArea(enum_from_name(OperationArea, area, "operation_area"))
    )
    assume = _parse_assume(raw["assume"]) if raw.get("assume") is not None else Assumptions()
    return Scenario(date, event, target, lat, lon, us_action, assume, sid, operation_area)


def parse_scenarios(raw: object) -> tuple[list[Scenario], bool]:
    """Parse one object or a list of objects. Returns (scenarios, was_a_list)."""
    if isinstance(raw, Mapping):
        return [parse_scenario(raw)], False
    if isinstance(raw, list):
        if not raw:
            raise InputError("scenarios", "the list is empty")
        out = []
        for i, item in enumerate(raw):
            try:
                out.append(parse_scenario(item))
            except InputError as err:
                raise err.at_row(i) from None
        return out, True
    raise InputError("scenarios", f"expected an object or a list of objects, got {type(raw).__name__}")


TRI_NONE = -1  # a tri-state column (-1 not stated, 0 false, 1 true)


@dataclass
class ScenarioFrame:
    """Scenarios as columns; the form the geography and the law evaluate."""

    day: npt.NDArray[np.int32]
    event: npt.NDArray[np.int8]
    target: npt.NDArray[np.int16]  # country code or NULL
    lat: npt.NDArray[np.float64]  # NaN when no location
    lon: npt.NDArray[np.float64]
    us_action: npt.NDArray[np.int8]
    termination_notice_day: npt.NDArray[np.int32]  # FOREVER when no notice is assumed
    armed_attack_judged: npt.NDArray[np.int8]  # tri-state
    survival_threatening_certified: npt.NDArray[np.int8]  # tri-state
    ids: Sequence[str | None]
    operation_area: npt.NDArray[np.int8] | None = None  # OperationArea codes; None: none stated

    def operation_areas(self) -> npt.NDArray[np.int8]:
        """The operation_area column (zeros, `none`, when the frame has none)."""
        if self.operation_area is None:
            return np.zeros(len(self.day), dtype=np.int8)
        return self.operation_area

    def __len__(self) -> int:
        return len(self.day)

    @classmethod
    def from_scenarios(cls, scenarios: Sequence[Scenario]) -> ScenarioFrame:
        def tri(v: bool | None) -> int:
            return TRI_NONE if v is None else int(v)

        n = len(scenarios)
        return cls(
            day=np.fromiter((to_day(s.date) for s in scenarios), np.int32, n),
            event=np.fromiter((int(s.event) for s in scenarios), np.int8, n),
            target=np.fromiter(
                (NULL if s.target is None else country_code(s.target) for s in scenarios), np.int16, n
            ),
            lat=np.fromiter((np.nan if s.lat is None else s.lat for s in scenarios), np.float64, n),
            lon=np.fromiter((np.nan if s.lon is None else s.lon for s in scenarios), np.float64, n),
            us_action=np.fromiter((int(s.us_action) for s in scenarios), np.int8, n),
            termination_notice_day=np.fromiter(
                (
                    FOREVER if s.assume.termination_notice is None else to_day(s.assume.termination_notice)
                    for s in scenarios
                ),
                np.int32,
                n,
            ),
            armed_attack_judged=np.fromiter(
                (tri(s.assume.armed_attack_judged) for s in scenarios), np.int8, n
            ),
            survival_threatening_certified=np.fromiter(
                (tri(s.assume.survival_threatening_certified) for s in scenarios), np.int8, n
            ),
            ids=[s.id for s in scenarios],
            operation_area=np.fromiter((int(s.operation_area) for s in scenarios), np.int8, n),
        )
