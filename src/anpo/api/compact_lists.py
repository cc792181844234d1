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

import operator
from collections.abc import Callable, Sequence
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
_DASHES, _DIGITS = [4, 7], [0, 1, 2, 3, 5, 6, 8, 9]  # where YYYY-MM-DD has dashes, and digits
_ID_MAX = 200  # ScenarioIn.id's max_length
# Whether an event needs a place, by event code (a lookup table: no sort of the column, as
# np.isin's, a list; 49 -> 3 us a list of 1,000).
_LOCATED = np.isin(np.arange(max(int(e) for e in Event) + 1), [int(e) for e in LOCATED_EVENTS])
_NUMBERS = frozenset({float, int, type(None)})  # a coordinate's types (not bool: a subclass)
_FIRST, _LAST = to_day(FIRST_DATE), to_day(LAST_DATE)
assert EPOCH.isoformat() == "1970-01-01"  # numpy's day 0, which _days relies on


class _Decline(Exception):
    """Not a body this path takes: the ordinary way answers it."""


@cache
def _codes() -> tuple[dict[Any, int], dict[Any, int], dict[Any, int]]:
    """Event, U.S. action and operation area codes by name (the names the model accepts; an
    operation area that is null is none)."""
    actions: dict[Any, int] = {n: int(UsAction[n]) for n in US_ACTIONS}
    areas: dict[Any, int] = {n: int(OperationArea[n]) for n in OPERATION_AREAS}
    return {n: int(Event[n]) for n in EVENTS}, actions, areas | {None: int(OperationArea.none)}


def _days(dates: list[Any]) -> np.ndarray:
    """Day numbers of a date column: strings YYYY-MM-DD (ASCII digits), real calendar days,
    within anpo's dates; checked for the whole column at once."""
    if set(map(type, dates)) != {str} or set(map(len, dates)) != {10}:
        raise _Decline
    # The column's characters as one byte table, a row a date: ASCII digits and two dashes
    # where YYYY-MM-DD has them, checked for all rows at once (a regular expression over the
    # joined text before: this function 137 -> 103 us a list of 1,000).
    try:
        text = "".join(dates).encode("ascii")
    except UnicodeEncodeError:
        raise _Decline from None
    chars = np.frombuffer(text, np.uint8).reshape(len(dates), 10)
    if not (bool(np.all(chars[:, _DASHES] == ord("-")))
            and bool(np.all(chars[:, _DIGITS] - np.uint8(ord("0")) < 10))):  # (below "0": wraps)
        raise _Decline
    try:
        # (from the strings: numpy 2.4's cast from bytes "S10" crashes on a bad day in a long column)
        days = np.array(dates, dtype="datetime64[D]").astype(np.int64)  # day 0: 1970-01-01
    except ValueError:  # not a calendar day (2026-02-30)
        raise _Decline from None
    if not bool(np.all((days >= _FIRST) & (days <= _LAST))):
        raise _Decline
    return days.astype(np.int32)


def _codes_of(names: Sequence[Any], codes: dict[Any, int], dtype: type) -> np.ndarray:
    """A column of names as codes (KeyError: a name not in `codes`; TypeError: unhashable)."""
    return np.fromiter(map(codes.__getitem__, names), dtype, len(names))


def _target_codes(targets: Sequence[Any]) -> np.ndarray:
    """Country codes of a target column (NULL where not stated), each distinct value once."""
    codes: dict[Any, int] = {None: NULL}
    for text in set(targets) - {None}:
        if type(text) is not str or len(text) != 3:
            raise _Decline
        try:
            codes[text] = country_code(text)  # ISO-3 codes: also the model's ^[A-Z]{3}$
        except KeyError:
            raise _Decline from None
    return _codes_of(targets, codes, np.int16)


def _coordinates(values: Sequence[Any], low: float, high: float) -> np.ndarray:
    """A lat or lon column (NaN where not stated); numbers only, booleans refused, in range."""
    if not _NUMBERS.issuperset(map(type, values)):
        raise _Decline
    out = np.array(values, dtype=np.float64)  # None: NaN
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


def _fields(doc: list[Any]) -> tuple[Callable[[str, Any], Sequence[Any]], frozenset[str] | None]:
    """The body's fields as columns: `column(name, default)`, the default where a row does
    not state the field; and the fields every row states when all rows state the same ones
    (else None). Rows that state the same fields in the same order (the usual list) are read
    in one pass."""
    if set(map(type, doc)) != {dict}:
        raise _Decline  # a row is a JSON object
    names = tuple(doc[0])
    if len(names) > 1 and _FIELDS.issuperset(names) and set(map(len, doc)) == {len(names)}:
        # The usual list: every row states the first row's fields (as many, each found), in
        # any order; read by C calls alone, a column at a time (not a tuple a row, then
        # transposed: 220 -> 135 us a list of 1,000).
        try:
            columns = {name: list(map(operator.itemgetter(name), doc)) for name in names}
        except KeyError:
            pass
        else:
            return (lambda name, default: columns.get(name) or (default,) * len(doc)), frozenset(names)
    shapes = set(map(tuple, doc))  # each row's field names, in order
    if not all(map(_FIELDS.issuperset, shapes)):
        raise _Decline  # `assume`, an unknown field
    if len(shapes) == 1:
        (names,) = shapes
        stated = dict(zip(names, zip(*map(dict.values, doc), strict=True), strict=True))
        return (lambda name, default: stated.get(name) or (default,) * len(doc)), frozenset(names)
    return (lambda name, default: [row.get(name, default) for row in doc]), None


def _columns(doc: Any) -> tuple[ScenarioFrame, list[str | None], list[str]]:
    if type(doc) is not list or not 1 <= len(doc) <= MAX_BATCH:
        raise _Decline
    column, every = _fields(doc)
    n = len(doc)
    # A field no row states: its default's code for every row, without a lookup a row.
    unstated = set() if every is None else {"us_action", "operation_area"} - every
    events, actions, areas = _codes()
    ids = list(column("id", None))
    kinds = set(map(type, ids))
    if not kinds <= {str, type(None)}:
        raise _Decline
    if str in kinds and max(map(len, ids if len(kinds) == 1 else filter(None, ids)), default=0) > _ID_MAX:
        raise _Decline
    dates = list(column("date", None))
    day = _days(dates)
    event_names = column("event", None)
    try:
        event = _codes_of(event_names, events, np.int8)
        action = (np.full(n, actions["none"], np.int8) if "us_action" in unstated
                  else _codes_of(column("us_action", "none"), actions, np.int8))
        area = (np.full(n, areas[None], np.int8) if "operation_area" in unstated
                else _codes_of(column("operation_area", None), areas, np.int8))
        target = _target_codes(column("target", None))
    except (KeyError, TypeError):  # an unknown name, or not a string (unhashable too)
        raise _Decline from None
    lat = _coordinates(column("lat", None), -90.0, 90.0)
    lon = _coordinates(column("lon", None), -180.0, 180.0)
    if not np.array_equal(np.isnan(lat), np.isnan(lon)):
        raise _Decline  # lat and lon go together
    if bool(np.any((target == NULL) & (event != int(Event.none)))):
        raise _Decline  # a target is required for every event but none
    if bool(np.any(_LOCATED[event] & np.isnan(lat))):
        raise _Decline  # a located event needs lat and lon
    frame = ScenarioFrame(
        day=day, event=event, target=target, lat=lat, lon=lon, us_action=action,
        termination_notice_day=np.full(n, FOREVER, np.int32),
        armed_attack_judged=np.full(n, TRI_NONE, np.int8),
        survival_threatening_certified=np.full(n, TRI_NONE, np.int8),
        ids=ids, operation_area=area,
    )
    return frame, ids, dates
