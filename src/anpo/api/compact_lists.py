"""A compact list's body read straight into columns: the fast way for `fields=compact`.

    frame, ids, dates = list_columns(body)   # or None: take the ordinary way

`POST /v1/assess?fields=compact` with a list of 1,000 spends most of its time, the ordinary
way, on per-scenario objects: the request model (1,000 `ScenarioIn`), `raw()`, the library's
parser (1,000 `Scenario`) and the frame built back from them. Here the body is parsed once
(orjson) and each field is read as a column and checked for the whole column (distinct text
values once each). The checks are a narrower gate than the ordinary way's, never a wider
one: a body is taken only when every row is one the request model and the library's parser
both accept as they stand (no `assume`, no value needing a conversion), and then the frame
is the same frame `ScenarioFrame.from_scenarios(parse(...))` builds. Anything else (a bad
value, an unusual but valid row, a body the strict JSON check might refuse) returns None and
the request takes the ordinary way, which gives its answer or its 422 naming the field and
row, word for word as before.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
import orjson

from anpo.api.middleware import _may_hold_surrogates
from anpo.api.models import EVENTS, OPERATION_AREAS, US_ACTIONS
from anpo.api.settings import MAX_BATCH
from anpo.core.codes import LOCATED_EVENTS, NULL, Event, OperationArea, UsAction, country_code
from anpo.core.dates import EPOCH, FIRST_DATE, FOREVER, LAST_DATE, to_day
from anpo.core.scenario import TRI_NONE, ScenarioFrame

# The fields a row may carry here (`assume` takes the ordinary way).
_FIELDS = frozenset({"id", "date", "event", "target", "lat", "lon", "us_action", "operation_area"})
_DATES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}\n)*[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_ID_MAX = 200  # ScenarioIn.id's max_length
_LOCATED = frozenset(e.name for e in LOCATED_EVENTS)
_FIRST, _LAST = to_day(FIRST_DATE), to_day(LAST_DATE)
assert EPOCH.isoformat() == "1970-01-01"  # numpy's day 0, which _days relies on


class _Decline(Exception):
    """Not a body this path takes: the ordinary way answers it."""


@cache
def _codes() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Event, U.S. action and operation area codes by name (the names the model accepts)."""
    return ({n: int(Event[n]) for n in EVENTS}, {n: int(UsAction[n]) for n in US_ACTIONS},
            {n: int(OperationArea[n]) for n in OPERATION_AREAS})


def _days(dates: list[Any]) -> np.ndarray:
    """Day numbers of a date column: strings YYYY-MM-DD (ASCII digits), real calendar days,
    within anpo's dates; checked for the whole column at once."""
    if not all(type(d) is str and len(d) == 10 for d in dates) or _DATES.fullmatch("\n".join(dates)) is None:
        raise _Decline
    try:
        days = np.array(dates, dtype="datetime64[D]").astype(np.int64)  # day 0: 1970-01-01
    except ValueError:  # not a calendar day (2026-02-30)
        raise _Decline from None
    if not bool(np.all((days >= _FIRST) & (days <= _LAST))):
        raise _Decline
    return days.astype(np.int32)


def _target(text: Any, cache_: dict[str, int]) -> int:
    code = cache_.get(text)
    if code is None:
        if type(text) is not str or len(text) != 3:
            raise _Decline
        try:
            code = country_code(text)  # ISO-3 codes: also the model's ^[A-Z]{3}$
        except KeyError:
            raise _Decline from None
        cache_[text] = code
    return code


def _coordinates(values: list[Any], low: float, high: float) -> np.ndarray:
    """A lat or lon column (NaN where not stated); numbers only, booleans refused, in range."""
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        kind = type(v)
        if kind is float or kind is int:
            out[i] = v
        elif v is None:
            out[i] = np.nan
        else:
            raise _Decline
    stated = ~np.isnan(out)
    if not bool(np.all((out[stated] >= low) & (out[stated] <= high))):
        raise _Decline  # also an integer too large for a double, and infinities
    return out


def list_columns(body: bytes) -> tuple[ScenarioFrame, list[str | None], list[str]] | None:
    """(the frame, ids, dates as written) of a list body this path takes, else None."""
    if _may_hold_surrogates(body):
        return None
    try:
        doc = orjson.loads(body)  # refuses NaN, Infinity, overflowing numbers, bad UTF-8
        return _columns(doc)
    except (orjson.JSONDecodeError, _Decline, RecursionError, TypeError):  # TypeError: unhashable
        return None


def _columns(doc: Any) -> tuple[ScenarioFrame, list[str | None], list[str]]:
    if type(doc) is not list or not 1 <= len(doc) <= MAX_BATCH:
        raise _Decline
    for row in doc:
        if type(row) is not dict or not _FIELDS.issuperset(row):
            raise _Decline  # nesting beyond a flat row, `assume`, an unknown field
    n = len(doc)
    events, actions, areas = _codes()
    no_area = int(OperationArea.none)
    ids = [row.get("id") for row in doc]
    for sid in ids:
        if sid is not None and (type(sid) is not str or len(sid) > _ID_MAX):
            raise _Decline
    dates = [row.get("date") for row in doc]
    day = _days(dates)
    event_names = [row.get("event") for row in doc]
    try:
        event = np.fromiter((events[e] for e in event_names), np.int8, n)
        action = np.fromiter((actions[row.get("us_action", "none")] for row in doc), np.int8, n)
        area_names = [row.get("operation_area") for row in doc]
        area = np.fromiter((no_area if a is None else areas[a] for a in area_names), np.int8, n)
    except (KeyError, TypeError):  # an unknown name, or not a string (unhashable too)
        raise _Decline from None
    target_cache: dict[str, int] = {}
    targets = [row.get("target") for row in doc]
    target = np.fromiter((NULL if t is None else _target(t, target_cache) for t in targets), np.int16, n)
    lat = _coordinates([row.get("lat") for row in doc], -90.0, 90.0)
    lon = _coordinates([row.get("lon") for row in doc], -180.0, 180.0)
    if not np.array_equal(np.isnan(lat), np.isnan(lon)):
        raise _Decline  # lat and lon go together
    none_event = events["none"]
    if bool(np.any((target == NULL) & (event != none_event))):
        raise _Decline  # a target is required for every event but none
    located = np.fromiter((e in _LOCATED for e in event_names), bool, n)
    if bool(np.any(located & np.isnan(lat))):
        raise _Decline  # a located event needs lat and lon
    frame = ScenarioFrame(
        day=day, event=event, target=target, lat=lat, lon=lon, us_action=action,
        termination_notice_day=np.full(n, FOREVER, np.int32),
        armed_attack_judged=np.full(n, TRI_NONE, np.int8),
        survival_threatening_certified=np.full(n, TRI_NONE, np.int8),
        ids=ids, operation_area=area,
    )
    return frame, ids, dates
