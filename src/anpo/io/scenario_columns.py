"""Scenario rows from a table chunk, validated as columns.

The rules are those of `anpo.core.scenario.parse_scenario`, applied to whole columns: a
row that breaks one gets an error message naming the field and the reason, in the same
words the single-scenario parser uses, and the first failing field (in the parser's order)
wins. Bad rows do not stop the chunk: they are filled with a neutral scenario so that the
columns stay evaluable, and their determinations are written as missing.

Text values (dates, events, countries, CSV cells) are parsed once per distinct value
through the scalar parser (with a cache), and mapped to rows through Arrow dictionary
indices, so the cost per row is one array lookup.

Columns: id, date, event, target, lat, lon, us_action, operation_area, assume.termination_notice,
assume.armed_attack_judged, assume.survival_threatening_certified (a JSON Lines object may
nest these under `assume`), and `explain` (true on the rows whose explanation is wanted).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

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
from anpo.core.compiled import use_compiled
from anpo.core.dates import FIRST_DATE, FOREVER, LAST_DATE, parse_date, to_day
from anpo.core.errors import InputError
from anpo.core.scenario import ASSUME_FIELDS, TRI_NONE, Scenario, ScenarioFrame, parse_scenario
from anpo.io.arrow_arrays import to_numpy, valid_mask
from anpo.io.tables import Chunk, JsonRows
from anpo.law.treaty import check_termination_notice

EXPLAIN = "explain"
ASSUME_COLUMNS = tuple(f"assume.{f}" for f in ASSUME_FIELDS)
COLUMNS = ("id", "date", "event", "target", "lat", "lon", "us_action", "operation_area", *ASSUME_COLUMNS,
           EXPLAIN)
REQUIRED = ("date", "event")

_MISSING = -2  # code of a missing (null) value before defaults apply
_BAD = -3  # code of a value that failed to parse
_FIRST_DAY, _LAST_DAY = to_day(FIRST_DATE), to_day(LAST_DATE)
_CACHE_LIMIT = 200_000


def check_columns(names: Sequence[str]) -> None:
    """File-level checks of a table's header: unknown, repeated or missing columns are InputErrors."""
    if len(set(names)) != len(names):
        twice = next(n for k, n in enumerate(names) if n in names[:k])
        raise InputError(twice, "the column appears more than once")
    for name in names:
        if name not in COLUMNS:
            raise InputError(name, f"unknown column; accepted: {', '.join(COLUMNS)}")
    for name in REQUIRED:
        if name not in names:
            raise InputError(name, "no such column (required)")


@dataclass
class ScenarioColumns:
    """A validated chunk: the frame (neutral values on bad rows), errors, ids, explain flags."""

    frame: ScenarioFrame
    error: npt.NDArray[np.int32]  # -1 on good rows, else an index into `messages`
    messages: list[str]
    ids: pa.Array  # strings (null where none)
    explain: npt.NDArray[np.bool_] | None  # the rows asking for an explanation, if stated

    @property
    def bad(self) -> npt.NDArray[np.bool_]:
        return self.error >= 0

    def __len__(self) -> int:
        return len(self.error)


class _Errors:
    """The first error of each row, as indices into a list of distinct messages."""

    def __init__(self, n: int) -> None:
        self.code = np.full(n, -1, dtype=np.int32)
        self.messages: list[str] = []
        self._index: dict[str, int] = {}

    def message_id(self, field: str, reason: str) -> int:
        text = f"{field}: {reason}"
        k = self._index.get(text)
        if k is None:
            k = self._index[text] = len(self.messages)
            self.messages.append(text)
        return k

    def flag(self, rows: npt.NDArray[np.bool_], field: str, reason: str) -> None:
        if rows.any():
            self.flag_ids(np.where(rows, self.message_id(field, reason), -1).astype(np.int32))

    def flag_ids(self, ids: npt.NDArray[np.int32]) -> None:
        if not len(ids) or ids.max() < 0:  # one pass when nothing is flagged (the usual case)
            return
        fresh = (self.code < 0) & (ids >= 0)
        self.code[fresh] = ids[fresh]

    def held(self) -> _Errors:
        """Errors kept apart (same messages) and flagged later with `flag_ids(held.code)`:
        the parser reports some cross-field rules before a field's own value errors."""
        child = _Errors(len(self.code))
        child.messages, child._index = self.messages, self._index
        return child


_caches: dict[str, dict[str, tuple[int, tuple[str, str] | None]]] = {}


def _parse_text(field: str, value: str, parse: Callable[[str], int]) -> tuple[int, tuple[str, str] | None]:
    cache = _caches.setdefault(field, {})
    hit = cache.get(value)
    if hit is None:
        try:
            hit = (parse(value), None)
        except InputError as err:
            hit = (_BAD, (err.field, err.reason))
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[value] = hit
    return hit


def _text_codes(
    arr: pa.Array, field: str, parse: Callable[[str], int], errors: _Errors,
    dtype: type = np.int32,
) -> npt.NDArray[Any]:
    """Codes of a text column, parsed once per distinct value; nulls are _MISSING. `dtype`:
    the codes' type (the frame's own, int8 for events, so no narrowing pass follows; it
    holds every code the parser gives and _MISSING, _BAD)."""
    if not pa.types.is_dictionary(arr.type):
        import pyarrow.compute as pc  # here only: its import is 35-45 ms of a process

        arr = pc.dictionary_encode(arr)
    values = arr.dictionary.to_pylist()
    table: npt.NDArray[Any] = np.empty(len(values) + 1, dtype=dtype)
    msg = np.full(len(values) + 1, -1, dtype=np.int32)
    for k, value in enumerate(values):
        code, err = _parse_text(field, value, parse)
        table[k] = code
        if err is not None:
            msg[k] = errors.message_id(*err)
    table[-1] = _MISSING
    indices = arr.indices
    flagged = bool((msg >= 0).any())
    if use_compiled(len(indices)) and indices.type == pa.int32():
        return _compiled_codes(indices, table, msg, flagged, errors)
    idx = to_numpy(indices, fill=len(values))
    if flagged:
        errors.flag_ids(np.take(msg, idx))
    return np.take(table, idx)


_EMPTY_BITS = np.empty(0, dtype=np.uint8)
_EMPTY_BITS.setflags(write=False)
_NO_FLAGS = np.empty(0, dtype=np.int32)


def _compiled_codes(indices: pa.Array, table: npt.NDArray[Any], msg: npt.NDArray[np.int32], flagged: bool,
                    errors: _Errors) -> npt.NDArray[Any]:
    """`_text_codes`'s look-up of a large chunk's int32 dictionary indices, in one compiled
    pass (`compact_kernel.text_codes`): the same codes and flags."""
    from anpo.core.ahead_of_time import compiled_module

    n, offset = len(indices), indices.offset
    buffers = indices.buffers()
    idx = np.frombuffer(buffers[1], dtype=np.int32, count=n, offset=offset * 4)
    valid = _EMPTY_BITS
    if indices.null_count:
        valid = np.frombuffer(buffers[0], dtype=np.uint8, count=(offset + n + 7) >> 3)
    codes = np.empty(n, dtype=table.dtype)
    flags = np.empty(n, dtype=np.int32) if flagged else _NO_FLAGS
    for given in (idx, valid, table, msg):  # read-only, as the extension's signatures say
        given.setflags(write=False)
    compiled_module("anpo.io.compact_kernel").text_codes(idx, valid, offset, table, msg, codes, flags)
    if flagged:
        errors.flag_ids(flags)
    return codes


def warm_up_codes() -> None:
    """Call `compact_kernel.text_codes` with every type `_compiled_codes` gives it (codes of
    int8, int16 and int32; with and without nulls; a value that fails to parse, so with
    flags): `python -m anpo.precompile`."""
    from anpo.core.compiled import COMPILED_FROM_ROWS

    def parse(v: str) -> int:
        if v == "bad":
            raise InputError("warm_up", "a bad value")
        return 1

    n = COMPILED_FROM_ROWS
    words = pa.array(["a", "b", "bad"])
    for nulls in (False, True):
        mask = np.arange(n) % 7 == 0 if nulls else None
        arr = pa.DictionaryArray.from_arrays(pa.array(np.arange(n, dtype=np.int32) % 3, mask=mask), words)
        for dtype in (np.int8, np.int16, np.int32):
            _text_codes(arr, "warm_up", parse, _Errors(n), dtype)
    _caches.pop("warm_up", None)


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _type_error(field: str, arr: pa.Array, expected: str) -> InputError:
    return InputError(field, f"a column of type {arr.type}; expected {expected}")


def _enum_parser(enum: Any, field: str) -> Callable[[str], int]:
    return lambda v: int(enum_from_name(enum, v, field))


def _date_parser(field: str, *, bounded: bool) -> Callable[[str], int]:
    return lambda v: to_day(parse_date(v, field, bounded=bounded))


def _notice_parser(v: str) -> int:
    notice = parse_date(v, "assume.termination_notice", bounded=False)
    check_termination_notice(notice)
    return to_day(notice)


def _bool_parser(field: str) -> Callable[[str], int]:
    def parse(v: str) -> int:
        if v in ("true", "True", "TRUE"):
            return 1
        if v in ("false", "False", "FALSE"):
            return 0
        raise InputError(field, f"expected true or false, got {v!r}")

    return parse


def _days(arr: pa.Array, field: str, errors: _Errors, *, bounded: bool) -> npt.NDArray[np.int32]:
    if _is_text(arr.type):
        if field == "assume.termination_notice":
            return _text_codes(arr, field, _notice_parser, errors)
        return _text_codes(arr, field, _date_parser(field, bounded=bounded), errors)
    if pa.types.is_date(arr.type):
        # date32 is read from its buffer (a cast imports pyarrow.compute: 35-45 ms a process)
        ints = arr if pa.types.is_date32(arr.type) else arr.cast(pa.date32()).cast(pa.int32())
        days = to_numpy(ints, fill=_MISSING)
        if bounded and len(days) and days.min() >= _FIRST_DAY and days.max() <= _LAST_DAY:
            pass  # every day in range (the usual chunk): two reductions instead of four passes
        elif bounded:
            out = (days != _MISSING) & ((days < _FIRST_DAY) | (days > _LAST_DAY))
            # sorted(set()), not np.unique: this numpy's unique imports numpy.ma (40 ms a
            # process) even for the usual empty selection; the days out of range are few
            for d in sorted(set(days[out].tolist())):
                try:
                    parse_date(np.datetime64(d, "D").astype(object), field)
                except InputError as err:
                    errors.flag(out & (days == d), err.field, err.reason)
            if out.any():
                days = np.where(out, _BAD, days)
        elif field == "assume.termination_notice":
            for d in np.unique(days[days != _MISSING]).tolist():
                try:
                    check_termination_notice(np.datetime64(d, "D").astype(object))
                except InputError as err:
                    errors.flag(days == d, err.field, err.reason)
        return days
    raise _type_error(field, arr, "YYYY-MM-DD text or dates")


def _valid(arr: pa.Array) -> npt.NDArray[np.bool_]:
    return valid_mask(arr)


def _number_or_text(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return math.nan


def _numbers(arr: pa.Array, field: str, errors: _Errors) -> tuple[npt.NDArray[np.float64],
                                                                    npt.NDArray[np.bool_]]:
    """Values (NaN where missing or bad) and whether each row states the field."""
    present = _valid(arr)
    t = arr.type
    if _is_text(t):
        try:
            import pyarrow.compute as pc

            values = to_numpy(pc.cast(arr, pa.float64()))
        except pa.ArrowInvalid:
            texts = arr.to_pylist()
            values = np.array([math.nan if v is None else _number_or_text(v) for v in texts])
            ids = np.full(len(texts), -1, dtype=np.int32)
            for i in np.flatnonzero(present & np.isnan(values)).tolist():
                if texts[i].strip().lower() != "nan":
                    ids[i] = errors.message_id(field, f"expected a number, got {texts[i]!r}")
            errors.flag_ids(ids)
        return np.where(present, values, np.nan), present
    if pa.types.is_floating(t) or pa.types.is_integer(t):
        values = to_numpy(arr if pa.types.is_float64(t) else arr.cast(pa.float64()))
        return (np.where(present, values, np.nan) if arr.null_count else values), present
    raise _type_error(field, arr, "numbers")


def _tri(arr: pa.Array | None, field: str, errors: _Errors) -> npt.NDArray[np.int8]:
    if arr is None:
        return np.full(errors.code.shape, TRI_NONE, dtype=np.int8)
    if pa.types.is_boolean(arr.type):
        codes = to_numpy(arr.cast(pa.int8()), fill=TRI_NONE)
        return codes.astype(np.int8)
    if _is_text(arr.type):
        codes = _text_codes(arr, field, _bool_parser(field), errors)
        return np.where(codes >= 0, codes, TRI_NONE).astype(np.int8)
    raise _type_error(field, arr, "true or false")


def _check_range(values: npt.NDArray[np.float64], stated: npt.NDArray[np.bool_], field: str,
                 limit: float, errors: _Errors) -> None:
    if len(values) and values.min() >= -limit and values.max() <= limit:  # NaN fails these
        return
    with np.errstate(invalid="ignore"):
        out = stated & ~(np.abs(values) <= limit)
    ids = np.full(len(values), -1, dtype=np.int32)
    for i in np.flatnonzero(out & (errors.code < 0)).tolist():
        ids[i] = errors.message_id(field, f"{float(values[i])} is outside [{-limit:g}, {limit:g}]")
    errors.flag_ids(ids)


def from_arrow(batch: pa.RecordBatch) -> ScenarioColumns:
    """Validate and convert a CSV or Parquet chunk."""
    names = batch.schema.names
    check_columns(names)
    n = batch.num_rows
    col: Mapping[str, pa.Array] = {name: batch.column(name) for name in names}
    errors = _Errors(n)

    date_arr, event_arr = col["date"], col["event"]
    if date_arr.null_count:
        errors.flag(~_valid(date_arr), "date", "missing (required, YYYY-MM-DD)")
    if event_arr.null_count:
        errors.flag(~_valid(event_arr), "event", "missing (required)")
    ids = col.get("id")
    if ids is None:
        ids = pa.nulls(n, pa.string())
    elif not _is_text(ids.type):
        raise _type_error("id", ids, "text")
    elif ids.type != pa.string():
        ids = ids.cast(pa.string())

    day = _days(date_arr, "date", errors, bounded=True)
    if not _is_text(event_arr.type):
        raise _type_error("event", event_arr, "text")
    event = _text_codes(event_arr, "event", _enum_parser(Event, "event"), errors, np.int8)

    target = np.full(n, _MISSING, dtype=np.int16)
    target_arr = col.get("target")
    if target_arr is not None:
        if not _is_text(target_arr.type):
            raise _type_error("target", target_arr, "text")
        target = _text_codes(target_arr, "target", lambda v: country_code(parse_country(v, "target")),
                             errors, np.int16)
    needs_target = (event > int(Event.none)) & (target == _MISSING)
    if needs_target.any():
        for e in Event:
            errors.flag(needs_target & (event == e), "target", f"missing (required for event {e.name})")

    lat_errors, lon_errors = errors.held(), errors.held()
    lat, lat_stated = _numbers_or_none(col.get("lat"), "lat", n, lat_errors)
    lon, lon_stated = _numbers_or_none(col.get("lon"), "lon", n, lon_errors)
    all_placed = bool(lat_stated.all())
    if not (all_placed and lon_stated.all()):  # else neither flag holds a row
        errors.flag(lat_stated & ~lon_stated, "lon", "lat and lon go together")
        errors.flag(lon_stated & ~lat_stated, "lat", "lat and lon go together")
    if not all_placed:
        for e in LOCATED_EVENTS:
            errors.flag(~lat_stated & (event == e), "lat", f"missing (required for event {e.name}, with lon)")
    errors.flag_ids(lat_errors.code)
    _check_range(lat, lat_stated, "lat", 90.0, errors)
    errors.flag_ids(lon_errors.code)
    _check_range(lon, lon_stated, "lon", 180.0, errors)

    us_action = np.zeros(n, dtype=np.int8)
    action_arr = col.get("us_action")
    if action_arr is not None:
        if not _is_text(action_arr.type):
            raise _type_error("us_action", action_arr, "text")
        us_action = _text_codes(action_arr, "us_action", _enum_parser(UsAction, "us_action"), errors,
                                np.int8)
        if action_arr.null_count:
            us_action = np.where(us_action == _MISSING, int(UsAction.none), us_action)

    area = np.zeros(n, dtype=np.int8)
    area_arr = col.get("operation_area")
    if area_arr is not None:
        if not _is_text(area_arr.type):
            raise _type_error("operation_area", area_arr, "text")
        area = _text_codes(area_arr, "operation_area", _enum_parser(OperationArea, "operation_area"), errors,
                           np.int8)
        if area_arr.null_count:
            area = np.where(area == _MISSING, int(OperationArea.none), area)

    notice = np.full(n, FOREVER, dtype=np.int32)
    notice_arr = col.get("assume.termination_notice")
    if notice_arr is not None:
        notice = _days(notice_arr, "assume.termination_notice", errors, bounded=False)
        notice = np.where(notice == _MISSING, FOREVER, notice)
    judged = _tri(col.get("assume.armed_attack_judged"), "assume.armed_attack_judged", errors)
    certified = _tri(col.get("assume.survival_threatening_certified"),
                     "assume.survival_threatening_certified", errors)

    explain = None
    if EXPLAIN in col:
        flags = _tri(col[EXPLAIN], EXPLAIN, errors)
        explain = flags == 1

    frame = _neutral(errors.code >= 0, day, event, target, lat, lon, us_action, notice, judged, certified,
                     area)
    return ScenarioColumns(frame, errors.code, errors.messages, ids, explain)


def _numbers_or_none(arr: pa.Array | None, field: str, n: int, errors: _Errors
                     ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    if arr is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    return _numbers(arr, field, errors)


def _neutral(
    bad: npt.NDArray[np.bool_], day: npt.NDArray[np.int32], event: npt.NDArray[np.int32],
    target: npt.NDArray[np.int32], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    us_action: npt.NDArray[np.int32], notice: npt.NDArray[np.int32], judged: npt.NDArray[np.int8],
    certified: npt.NDArray[np.int8], area: npt.NDArray[np.int32],
) -> ScenarioFrame:
    """The frame, with every bad row replaced by a scenario that evaluates (and is ignored)."""
    any_bad = bool(bad.any())

    def fix(values: npt.NDArray[Any], neutral: float, dtype: type) -> npt.NDArray[Any]:
        out = np.where(bad, neutral, values) if any_bad else values
        return out.astype(dtype, copy=False)

    target = np.maximum(target, NULL)
    return ScenarioFrame(
        day=fix(day, _FIRST_DAY, np.int32),
        event=fix(event, int(Event.none), np.int8),
        target=fix(target, NULL, np.int16),
        lat=fix(lat, np.nan, np.float64),
        lon=fix(lon, np.nan, np.float64),
        us_action=fix(us_action, int(UsAction.none), np.int8),
        termination_notice_day=fix(notice, FOREVER, np.int32),
        armed_attack_judged=fix(judged, TRI_NONE, np.int8),
        survival_threatening_certified=fix(certified, TRI_NONE, np.int8),
        ids=[],
        operation_area=fix(area, int(OperationArea.none), np.int8),
    )


def _parse_json_row(value: Any) -> tuple[Scenario, bool | None]:
    explain = None
    if isinstance(value, dict) and EXPLAIN in value:
        value = dict(value)
        flag = value.pop(EXPLAIN)
        if not isinstance(flag, bool):
            raise InputError(EXPLAIN, f"expected true or false, got {type(flag).__name__}")
        explain = flag
    scenario = parse_scenario(value)
    if scenario.id is not None and not scenario.id.isascii():
        try:
            scenario.id.encode("utf-8")
        except UnicodeEncodeError as err:
            raise InputError("id", f"invalid Unicode (a lone surrogate at character {err.start})") from None
    check_termination_notice(scenario.assume.termination_notice)
    return scenario, explain


_NEUTRAL = Scenario(date=FIRST_DATE, event=Event.none)


def from_json_rows(chunk: JsonRows) -> ScenarioColumns:
    """Validate a JSON Lines chunk row by row with the scalar parser itself."""
    n = chunk.num_rows
    errors = _Errors(n)
    scenarios: list[Scenario] = []
    flags = np.zeros(n, dtype=bool)
    stated = False
    for i, value in enumerate(chunk.values):
        if i in chunk.malformed:
            errors.code[i] = errors.message_id("document", chunk.malformed[i])
            scenarios.append(_NEUTRAL)
            continue
        try:
            scenario, flag = _parse_json_row(value)
        except InputError as err:
            errors.code[i] = errors.message_id(err.field, err.reason)
            scenarios.append(_NEUTRAL)
            continue
        scenarios.append(scenario)
        if flag is not None:
            stated = True
            flags[i] = flag
    frame = ScenarioFrame.from_scenarios(scenarios)
    ids = pa.array([s.id for s in scenarios], pa.string())
    return ScenarioColumns(frame, errors.code, errors.messages, ids, flags if stated else None)


def scenario_columns(chunk: Chunk) -> ScenarioColumns:
    """Validated scenario columns of any chunk a table reader yields."""
    if isinstance(chunk, JsonRows):
        return from_json_rows(chunk)
    return from_arrow(chunk)
