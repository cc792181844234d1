"""Full results of a list, written from the frame by distinct legal readings: the fast way for
`POST /v1/assess` with a list and no explanation.

    text = full_json(frame, ids, dates)              # orjson.dumps(assess(scenarios, explain=False))
    text = full_json(frame, ids, dates, whatif=w)    # ... under a what-if; None: take the ordinary way

A full result (`anpo.law.assess.result`) is about 3.5 KB of JSON, most of it citations,
decisions and notes that many rows share. Building it row by row took about 160 ms for a
list of 1,000. Here the list is assessed as one frame, as before, and the rows are grouped
by what their result is a function of:

- the static key: every column of the row the law and the result read, except the day and
  the coast distance (each input, place and condition column of the evaluation, and the
  conditions of the actual law's evaluation under a what-if; the internal waters, whether a
  place and a distance were given);
- the day, through what the law's row functions (`cite_row`, `hint`) did with it when a
  group's result was built: every comparison with a whole number (`day >= provision_day`)
  is noted (`anpo.api.one_answer._Day`), and any other use notes the exact day. Days that
  fall between the same two of the numbers the static key's results compared it with so far
  (or on the same one) give each of those comparisons the same outcome, and so take the same
  path; a group whose result used the day otherwise is keyed by the exact day;
- the coast distance, likewise (`_Distance`): a hint writing it with a format spec is keyed by
  what it writes, any other use by the exact distance; `place.detail` writes it rounded, and
  that number is spliced in like the id.

The functions are pure, so a row that agrees on all of these takes the same path through
them and gets the same text. Each group's text is built once, by the ordinary builder
(`result`) on one of its rows, with markers where the row's own id, date, distance and input
hash go (the scenario it sees is a stand-in that has nothing else to give), and kept for the
process's later lists. A row's answer is then its group's text with its own values spliced
in: the bytes `orjson.dumps` writes for the ordinary results (`tests/api/test_full_results.py`).
Anything unexpected (the builder reading something the stand-in lacks, a marker not where it
belongs) gives None, and the ordinary way answers.

Parts of a text that read less than all of these are kept by what they read, and found for
new groups: each legal section by the path its build took (`_section`), the head's case and
place by their few columns of the static key (`_Builder.head`).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from anpo.api.one_answer import _Day, _Observed, _ObservedRow, _Watched
from anpo.core.codes import NULL, Event, OperationArea, UsAction, country_name, iso3_codes
from anpo.core.dates import FOREVER
from anpo.core.scenario import TRI_NONE, Scenario, ScenarioFrame
from anpo.geo.place import Place
from anpo.geo.resolver import internal_water_names
from anpo.io.compact_results import _json_texts
from anpo.law import assess as law
from anpo.law.common import LawContext, active_context, default_context
from anpo.law.engine import Evaluation, Row, input_sha256, receipt
from anpo.law.rules import evaluate, ruleset_hash
from anpo.law.whatif import WhatIf

# Where a row's own values go in its group's text: strings no result holds (a NUL is written
# `\u0000`, never as the byte).
ID_MARK, DATE_MARK, HASH_MARK = "\0anpo:id", "\0anpo:date", "\0anpo:input_sha256"
_MARKS = tuple(orjson.dumps(m) for m in (ID_MARK, DATE_MARK, HASH_MARK))
_HEAD, _DATE = b'{"id":', b',"date":'  # a result's text before its id, and between id and date
# The coast distance: `place.detail` writes it rounded (spliced in a row), a hint may write it
# in its own words (the format noted). The builder's place has this value in the row's stead.
_COAST = "coast_distance_nm"
_COAST_MARK = 98765.4375  # a float32 exactly; `round(_, 2)` is written 98765.44
_COAST_NAME = b'"coast_distance_nm":'
_COAST_MARK_TEXT = orjson.dumps(round(_COAST_MARK, 2))
_COAST_TEXT = _COAST_NAME + _COAST_MARK_TEXT

_LOWEST, _HIGHEST = -(1 << 40), 1 << 40  # below and above every day: the first and last bounds
_EXACT = 1 << 50  # a day part keyed by the exact day: above every interval's code
MAX_TEXTS = 1 << 13  # group texts kept (about 3.5 KB each); beyond, those idle since the last trim go
MAX_KEY_BOUNDS = 1 << 8  # numbers one static key's results compared the day with; beyond, by exact day
_BAND = 1 << 42  # each static key's bounds searched in a band of its own (days and bounds: within 2^40)
# The bounds of a static key whose results compared the day with nothing (yet).
_NONE: tuple[int, ...] = (_LOWEST, _HIGHEST)
MAX_ROUNDS = 32  # of building and grouping again in one list (a few in practice)

# Before the id, before the date, before the coast distance (to the hash where the place has
# none), before the hash (empty where none), after; whether the row's distance goes in.
Text = tuple[bytes, bytes, bytes, bytes, bytes, bool]
DayPart = tuple[int, ...]  # (lower bound, upper bound, on the lower bound) or (the exact day,)
CoastPart = tuple[Any, ...]  # (format specs, the distance so written), ("=", the distance) or ()


class _Decline(Exception):
    """Not a list this way answers: the ordinary way does."""


class _MarkedDate:
    """The stand-in's date: only its ISO text, the marker, may be read."""

    __slots__ = ()

    def isoformat(self) -> str:
        return DATE_MARK


class _Located:
    """The stand-in's lat where the row has a place: only whether there is one may be asked."""

    __slots__ = ()

    def _refuse(self, *args: Any) -> Any:
        raise _Decline

    __bool__ = __float__ = __int__ = __index__ = __str__ = __repr__ = __format__ = _refuse
    __hash__ = None  # type: ignore[assignment]


class _Echo:
    """The scenario a group's builder sees: the row's event, target, action and whether it has
    a place (all in the static key), markers for the id and date, and no input to hash (the
    row's own hash is spliced in). Reading anything else is an AttributeError: declined."""

    __slots__ = ("event", "target", "us_action", "lat")
    id = ID_MARK
    date = _MarkedDate()

    def __init__(self, event: Event, target: str | None, us_action: UsAction, located: bool) -> None:
        self.event, self.target, self.us_action = event, target, us_action
        self.lat = _Located() if located else None

    def to_input_dict(self) -> dict[str, Any]:
        return {}


class _Distance(_Watched):
    """The row's coast distance as the row functions see it while a text is built: writing
    it with a format spec is noted with the text written, comparing it with itself (the NaN
    test) needs no note (whether there is one is in the static key), any other use notes the
    exact distance."""

    __slots__ = ("_value", "_seen")

    def __init__(self, value: float, seen: list[Any]) -> None:
        self._value = value
        self._seen = seen

    def _exact(self) -> float:
        self._seen.append((_COAST, None, None, self._value))
        return self._value

    def __format__(self, spec: str) -> str:
        text = format(self._value, spec)
        self._seen.append((_COAST, "format", spec, text))
        return text

    def __eq__(self, other: object) -> bool:
        return self._value == self._value if other is self else self._exact() == other

    def __ne__(self, other: object) -> bool:
        return self._value != self._value if other is self else self._exact() != other

    __hash__ = _Watched.__hash__  # (a class that defines __eq__ loses the inherited one)

    def __float__(self) -> float:
        return self._exact()

    def __round__(self, digits: int | None = None) -> Any:
        return round(self._exact(), digits)


class _CoastRow(_ObservedRow):
    def __getitem__(self, name: str) -> Any:
        if name != _COAST:
            return super().__getitem__(name)
        seen: list[Any] = self.evaluation.seen  # type: ignore[attr-defined]
        return _Distance(self.evaluation.values[name][self.index].item(), seen)


class _CoastObserved(_Observed):
    """The evaluation a text's builder sees: the row functions' reads of the day and of the
    coast distance noted (`anpo.api.one_answer._Observed`, and `_Distance`)."""

    def row(self, i: int) -> Row:
        return _CoastRow(self, i)


# --- the legal sections of a text, kept by what they read ------------------------------------

# A result's members from Article V to the U.S. (`law.assess.result`'s, by the names of the
# functions that build them there), each a function of its row's values alone (the context is
# the readings'): built once for each path through it.
_SECTIONS = ("article5", "agreed_minute", "prior_consultation", "japan", "us")
_SECTION_LABELS = tuple((name, b',"' + name.encode() + b'":') for name in _SECTIONS)  # (as JSON writes them)
_STATED = "coast_stated"  # whether the row has a coast distance (the NaN test reads it unnoted)
_MASK = "m:"  # an assumption mask's column, as a section would read it
_NAN = ("nan",)  # a NaN read, as a key (NaN equals nothing, itself included)


class _Reads(dict[str, Any]):
    """Columns as a section builder reads them: each read of a column notes row i's value
    (the row functions' reads are noted by `_SectionRow`)."""

    __slots__ = ("_owner", "_masks")

    def __init__(self, columns: dict[str, Any], owner: _SectionObserved, masks: bool = False) -> None:
        super().__init__(columns)
        self._owner, self._masks = owner, masks

    def __getitem__(self, name: str) -> Any:
        column = dict.__getitem__(self, name)
        owner = self._owner
        if self._masks:
            owner.seen.append((_MASK + name, None, None, owner.outcome(_MASK + name, None, None, _MASKED)))
        else:  # (`owner.value_at`, inline: a section's build reads columns so some 15 times)
            rows = owner.rows
            read = rows.read.get(name)
            value = (rows.column(name) if read is None else read)[owner.position]
            owner.seen.append((name, None, None, value))
        return column


class _SectionRow(Row):
    def __getitem__(self, name: str) -> Any:
        ev: _SectionObserved = self.evaluation  # type: ignore[assignment]
        value = ev.value_at(name)
        if name == "day":
            return _Day(value, ev.seen)
        if name == _COAST:
            ev.seen.append((_STATED, None, None, value == value))
            return _Distance(value, ev.seen)
        ev.seen.append((name, None, None, value))
        return value


_PLAIN, _DAY, _DISTANCE, _STATED_KIND, _MASKED = range(5)  # how an observation is made again
_KINDS = {"day": _DAY, _COAST: _DISTANCE, _STATED: _STATED_KIND}


class _SectionObserved(Evaluation):
    """The evaluation a text's builder sees: every read of row i's columns noted, directly
    (`_Reads`) or by the row functions (the day's comparisons, `_Day`; the coast distance's
    uses, `_Distance`; other values read)."""

    def __init__(self, ev: Evaluation) -> None:
        self.seen: list[Any] = []
        self.plain, self.masks, self.index = ev.values, ev.assumed_masks, -1
        self.rows, self.position = _RowValues({}, []), -1
        super().__init__(ev.ruleset, _Reads(ev.values, self), _Reads(ev.assumed_masks, self, True),
                         ev.context)

    def start(self, i: int, rows: _RowValues) -> None:
        """Observe the build of row i's text (its values at their place in `rows`): a list's
        builds share one observer (its column readers made once), each with its own notes."""
        self.seen = []
        self.index, self.rows, self.position = i, rows, rows.position(i)

    def row(self, i: int) -> Row:
        return _SectionRow(self, i)

    def release(self) -> None:
        """Break the cycle with the columns' readers (each notes reads here): freed as soon
        as the build ends, not at the collector's next pass (a build's observations, some
        60 tuples, otherwise waited for it, and made it run every few lists)."""
        self.values._owner = self.assumed_masks._owner = None  # type: ignore[attr-defined]

    def value_at(self, name: str) -> Any:
        """Row i's value of a column."""
        column = self.rows.read.get(name)
        if column is None:
            column = self.rows.column(name)
        return column[self.position]

    def outcome(self, name: str, op: Any, other: Any, kind: int) -> Any:
        """What row i gives an observation (as the builder's wrappers noted it)."""
        if kind == _PLAIN:
            return self.value_at(name)
        if kind == _DAY:
            day = self.value_at("day")
            return day if op is None else op(day, other)
        if kind == _DISTANCE:
            distance = self.value_at(_COAST)
            return distance if op is None else format(distance, other)
        if kind == _STATED_KIND:
            distance = self.value_at(_COAST)
            return distance == distance
        mask = self.masks[name[len(_MASK):]]
        return None if mask is None else mask[self.index].item()


class _RowValues:
    """The values of the rows whose texts a round builds, as Python values: each column read
    taken for all of them at once (`tolist`), not one numpy scalar at a time."""

    __slots__ = ("_columns", "_rows", "_at", "read")

    def __init__(self, columns: dict[str, Any], rows: list[int]) -> None:
        self._columns, self._rows = columns, np.array(rows, dtype=np.intp)
        self._at = {row: k for k, row in enumerate(rows)}
        self.read: dict[str, list[Any]] = {}  # the columns read so far, by name

    def position(self, row: int) -> int:
        """Where a row's values are in each column read."""
        return self._at[row]

    def column(self, name: str) -> list[Any]:
        """A column's values for the rows, read now if not yet."""
        read = self.read.get(name)
        if read is None:
            read = self.read[name] = self._columns[name][self._rows].tolist()
        return read


class _Step:
    """A node of a section's paths: the observation made here (column, comparison or None,
    operand, kind) and the next node by its outcome; or, at a path's end, the section built."""

    __slots__ = ("observation", "plain", "next", "out", "text")

    def __init__(self) -> None:
        self.observation: tuple[Any, ...] | None = None
        self.plain: str | None = None  # the column, where the observation is a plain read of it
        self.next: dict[Any, _Step] = {}
        self.out: Any = None
        self.text = b""  # the section built, as JSON (at a path's end)


def _key(value: Any) -> Any:
    return _NAN if value != value else value


def _section(root: _Step, build: Callable[[Evaluation, int], Any], observed: _SectionObserved) -> bytes:
    """A section of the row's text, as JSON: found by following the path the row takes through what
    earlier builds of it observed (the same outcome at every step: the same path through
    pure functions, so the same section), else built (and its path kept). Either way what
    the text's build learns from (the day's and the coast distance's observations) is noted
    in `observed.seen`, as if it had been built; a found section's plain column reads are
    not (each is in the static key)."""
    node = root
    notes: list[tuple[Any, ...]] = []
    rows = observed.rows
    read, position = rows.read, observed.position
    while True:  # (a node asks a question, or ends a path, or is still to be built)
        name = node.plain
        if name is not None:  # (the usual step, asked first and inline: `observed.value_at`)
            column = read.get(name)
            result = (rows.column(name) if column is None else column)[position]
        else:
            observation = node.observation
            if observation is None:
                if node.out is not None:
                    observed.seen.extend(notes)
                    return node.text
                break
            name, op, other, kind = observation
            result = observed.outcome(name, op, other, kind)
            notes.append((name, op, other, result))
        after = node.next.get(result if result == result else _NAN)
        if after is None:
            break
        node = after
    start = len(observed.seen)
    out = build(observed, observed.index)
    text = orjson.dumps(out)
    step, made = root, set()
    for name, op, other, result in observed.seen[start:]:
        # An observation made already on this path has the outcome it had then (the same
        # row): kept once, so a walk asks each question once (a section's builder reads
        # the same column up to 5 times; the Japan section's 43 steps are 18 questions).
        question = (name, op, other)
        if question in made:
            continue
        made.add(question)
        kind = _MASKED if name.startswith(_MASK) else _KINDS.get(name, _PLAIN)
        observation = (name, op, other, kind)
        if step.out is not None or step.observation not in (None, observation):
            return text  # a path that disagrees with one kept (an impure builder): not kept
        step.observation = observation
        step.plain = name if kind == _PLAIN else None
        outcome = _key(result)
        after = step.next.get(outcome)
        if after is None:  # (a node made only where there is none yet)
            after = step.next[outcome] = _Step()
        step = after
    if step.observation is None and not step.next:
        step.out, step.text = out, text
    return text


class _Readings:
    """What one law context's lists have taught: by static key, the numbers its results
    compared the day with (its bounds: a key's rows are split only where its own results
    looked, not where another key's did), the static keys whose results used the day
    exactly, and each group's text by (static key, day part). A day part is the day's
    interval among its key's bounds at the time the text was built (the bounds on either
    side and whether the day is the lower one), or the exact day: a row classified among
    other bounds (more of them, or fewer in another thread) finds a text only where its
    interval is that very interval."""

    def __init__(self, layout: tuple[str, ...] = ()) -> None:
        self.key_bounds: dict[bytes, tuple[int, ...]] = {}  # sorted, from _LOWEST to _HIGHEST
        self.bounds_learnt = 0  # bounds added to keys so far (only grows: builds that taught one)
        self.exact: set[bytes] = set()
        # By static key: the format specs its results wrote the coast distance with, and
        # the keys whose results used it otherwise.
        self.formats: dict[bytes, tuple[str, ...]] = {}
        self.coast_exact: set[bytes] = set()
        self.texts: dict[tuple[bytes, DayPart, CoastPart], Text] = {}
        self.used: set[tuple[bytes, DayPart, CoastPart]] = set()  # built or found since the last trim
        self.sections: dict[str, _Step] = {}  # each legal section's paths (`_section`)
        # The two parts of a text's head (`_Builder.head`) by their inputs, each cut from the
        # static key by a getter (None: a layout without them, every head built).
        self.cases: dict[tuple[bytes, ...], bytes] = {}
        self.places: dict[tuple[bytes, ...], tuple[bytes, bytes | None]] = {}
        spans = _spans(layout)
        self.case_of, self.place_of = (
            operator.itemgetter(*(spans[c] for c in names)) if spans.keys() >= set(names) else None
            for names in (_CASE_INPUTS, _PLACE_INPUTS))
        self.checked = False  # a text built here was compared with the ordinary builder's

    def trim(self) -> None:
        """Keep the texts built or found since the last trim (the lists' usual readings, the
        newest), drop the rest (one-off readings: a rare place, an exact day)."""
        used, self.used = self.used, set()
        self.texts = {k: v for k, v in list(self.texts.items()) if k in used}  # (a snapshot: threads)
        kept = {k for k, _, _ in self.texts}
        self.key_bounds = {k: b for k, b in list(self.key_bounds.items()) if k in kept}
        self.sections, self.cases, self.places = {}, {}, {}

    @property
    def bounds(self) -> npt.NDArray[np.int64]:
        """Every number any static key's results compared the day with, with the first and
        last bounds (sorted)."""
        return np.unique(np.array([*_NONE, *(b for bs in list(self.key_bounds.values()) for b in bs)],
                                  dtype=np.int64))

    def coast_parts(self, distance: npt.NDArray[np.float32], keys: list[bytes]) -> list[CoastPart]:
        """Each row's coast part (`keys`: each row's static key): the distance as each spec
        its key's results used writes it (with the specs), the distance itself where they used
        it otherwise, nothing where there is none or they never wrote it."""
        out: list[CoastPart] = [()] * len(distance)
        for r in np.flatnonzero(~np.isnan(distance)).tolist():
            key = keys[r]
            if key in self.coast_exact:
                out[r] = ("=", float(distance[r]))
            elif key in self.formats:
                specs = self.formats[key]
                out[r] = (specs, tuple(format(float(distance[r]), spec) for spec in specs))
        return out


def _day_codes(sets: Sequence[tuple[int, ...]], set_of: npt.NDArray[np.int64], day: npt.NDArray[np.int64],
               exact: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each day's part as one number, among the bounds `sets[set_of]` of its row's key: its
    interval's index among all the sets' bounds side by side (twice, plus one on the lower
    bound itself), or the day above `_EXACT` where `exact`; and those bounds side by side.
    Each set is searched in its own band (one search for all)."""
    flat = np.fromiter((b for bounds in sets for b in bounds), np.int64)
    bands = np.repeat(np.arange(len(sets), dtype=np.int64) * _BAND, [len(b) for b in sets])
    index = np.searchsorted(flat + bands, set_of * _BAND + day, "right") - 1
    return np.where(exact, day + _EXACT, index * 2 + (flat[index] == day)), flat


def _day_part(bounds: npt.NDArray[np.int64], code: int) -> DayPart:
    if code >= _EXACT >> 1:
        return (code - _EXACT,)
    index, on_bound = divmod(code, 2)  # (a day lies below its set's last bound: index + 1 is in it)
    return int(bounds[index]), int(bounds[index + 1]), on_bound


class _Memory:
    """The readings of each law context seen (the actual law, and each what-if asked)."""

    def __init__(self) -> None:
        self.base: LawContext | None = None
        self.by_whatif: dict[tuple[tuple[str, ...], WhatIf | None], _Readings] = {}

    def readings(self, context: LawContext, layout: tuple[str, ...]) -> _Readings:
        base = default_context()
        if self.base is not base:  # another geography: nothing learnt holds
            self.by_whatif.clear()
            self.base = base
        if len(self.by_whatif) > 64:
            self.by_whatif.clear()
        key = (layout, context.timeline.whatif or None)
        readings = self.by_whatif.get(key)
        if readings is None:
            readings = self.by_whatif[key] = _Readings(layout)
        elif len(readings.texts) > MAX_TEXTS:
            readings.trim()
        return readings


MEMORY = _Memory()


def full_json(frame: ScenarioFrame, ids: Sequence[str | None], dates: Sequence[str], *,
              whatif: WhatIf | None = None, scenarios: Sequence[Scenario] | None = None,
              memory: _Memory = MEMORY) -> bytes | None:
    """`orjson.dumps(assess(scenarios, explain=False, whatif=whatif))` for the frame's rows,
    whose ids and ISO dates are given as columns; None where this way does not answer (the
    ordinary way then does). `scenarios`: the parsed rows, needed only for rows with
    assumptions (their input hash is taken from them)."""
    n = len(ids)
    if n == 0:
        return b"[]"
    try:
        hashes = _input_hashes(frame, ids, dates, scenarios)
    except UnicodeEncodeError:  # a lone surrogate in an id: the ordinary way says what it says
        return None
    if hashes is None:
        return None
    place = law.resolve(frame)
    context = active_context() if whatif is None else default_context().under(whatif)
    ev = evaluate(frame, place, context)
    actual = evaluate(frame, place, default_context()) if context.timeline.whatif else None
    static, layout = _static_keys(ev, place, frame, actual)
    try:
        texts, group_of = _texts(ev, place, frame, actual, static, memory.readings(context, layout))
    except _Decline:
        return None
    return _joined(texts, group_of, ids, dates, hashes, place.coast_distance_nm)


def _static_keys(ev: Evaluation, place: Place, frame: ScenarioFrame, actual: Evaluation | None
                 ) -> tuple[npt.NDArray[Any], tuple[str, ...]]:
    """Each row's static key (one bytes value a row, as a void array) and the layout of the
    columns it is made of (names and types: the same bytes never stand for another column)."""
    n = len(frame)
    columns: list[tuple[str, npt.NDArray[Any]]] = [
        (f"v:{k}", v) for k, v in ev.values.items() if k not in ("day", _COAST)]
    columns.append(("coast_stated", ~np.isnan(place.coast_distance_nm)))
    columns += [(f"m:{k}", m) for k, m in ev.assumed_masks.items() if m is not None]
    if actual is not None:
        columns += [(f"a:{c.name}", actual.values[c.name]) for c in actual.ruleset.conditions]
        columns += [(f"am:{k}", m) for k, m in actual.assumed_masks.items() if m is not None]
    waters = place.internal_waters
    columns.append(("internal_waters", np.full(n, NULL, np.int8) if waters is None else waters))
    columns.append(("located", ~np.isnan(frame.lat)))
    arrays = [v if v.shape == (n,) else np.broadcast_to(v, (n,)) for _, v in columns]
    layout = tuple(f"{name}:{a.dtype.str}" for (name, _), a in zip(columns, arrays, strict=True))
    # The columns side by side as bytes, grouped by size (one copy each), a row's key a row.
    matrix = np.empty((n, sum(a.itemsize for a in arrays)), dtype=np.uint8)
    at = 0
    for size in sorted({a.itemsize for a in arrays}):
        same = [a for a in arrays if a.itemsize == size]
        block = np.stack(same, axis=1, dtype=same[0].dtype) if len({a.dtype for a in same}) == 1 \
            else np.stack([a.view(f"V{size}") for a in same], axis=1)
        matrix[:, at:at + size * len(same)] = np.ascontiguousarray(block).view(np.uint8).reshape(n, -1)
        at += size * len(same)
    return matrix.view(f"V{matrix.shape[1]}").ravel(), layout


# The columns of the static key the two parts of a text's head are functions of
# (`_Builder.head`): the case's (event, target, action, the treaty in force) and the place's
# (`Place.row`, `Place.detail`; the coast distance itself is the marker's).
_CASE_INPUTS = ("v:event", "v:target", "v:us_action", "v:security_treaty_in_force")
_PLACE_INPUTS = ("v:zone", "v:unit", "v:administered_by", "v:claims", "v:territorial_sea_nm",
                 "v:specified_area", "coast_stated", "internal_waters", "located")


@cache
def _spans(layout: tuple[str, ...]) -> dict[str, slice]:
    """Where each column of a layout lies in a static key's bytes (as `_static_keys` packs
    them: by item size, then in the layout's order)."""
    named = [entry.rpartition(":") for entry in layout]
    sizes = [np.dtype(dtype).itemsize for _, _, dtype in named]
    out: dict[str, slice] = {}
    at = 0
    for size in sorted(set(sizes)):
        for (name, _, _), own in zip(named, sizes, strict=True):
            if own == size:
                out[name] = slice(at, at + size)
                at += size
    return out


def _texts(ev: Evaluation, place: Place, frame: ScenarioFrame, actual: Evaluation | None,
           static: npt.NDArray[Any], readings: _Readings) -> tuple[list[Text], npt.NDArray[np.intp]]:
    """The distinct groups' texts and each row's group (`_grouped`), the list's builds
    sharing one builder, made at the first build and released at the end."""
    builder: list[_Builder] = []
    try:
        return _grouped(ev, place, frame, actual, static, readings, builder)
    finally:
        for made in builder:
            made.release()


def _grouped(ev: Evaluation, place: Place, frame: ScenarioFrame, actual: Evaluation | None,
             static: npt.NDArray[Any], readings: _Readings, builder: list[_Builder]
             ) -> tuple[list[Text], npt.NDArray[np.intp]]:
    """The distinct groups' texts and each row's group, building the texts not yet known.

    A round groups rows and builds the texts it did not find; a build changes only how its
    own static key's rows are grouped (its bounds, whether it is keyed by the exact day or
    distance: `_Builder.build`). A built group whose rows all fall where the build placed its
    text takes it at once (`_settled`); the next round groups again only the rows of the keys
    with a built group that did not (the others keep the groups and texts found, which stay
    right: a text found is the one built for that very interval)."""
    keys, static_of = _distinct(static)
    day = frame.day.astype(np.int64)
    distance = place.coast_distance_nm
    texts: list[Text | None] = []  # by group (groups left behind by a later round: None, unused)
    group_of = np.empty(len(static_of), np.intp)
    active: npt.NDArray[np.intp] | None = None  # the rows grouped this round (None: all)
    built_keys: set[int] = set()  # the static indexes of the keys built in the last round
    for round_ in range(MAX_ROUNDS):
        first_round = round_ == 0
        # The round's keys (their static indexes, ascending) and each row's among them.
        if active is None:
            statics, present, at = static_of, keys, static_of
        else:
            statics = static_of[active]
            present = [keys[k] for k in sorted(built_keys)]
            at = np.searchsorted(np.array(sorted(built_keys), dtype=np.intp), statics)
        # This round's bounds (builds may add to them), each distinct set once.
        key_bounds, set_index = readings.key_bounds, {_NONE: 0}
        set_of = np.fromiter((set_index.setdefault(key_bounds.get(k, _NONE), len(set_index))
                              for k in present), np.int64, len(present))
        exact = np.fromiter((k in readings.exact for k in present), bool, len(present))
        row_codes, bounds = _day_codes(list(set_index), set_of[at],
                                       day if active is None else day[active], exact[at])
        codes, code_of = np.unique(row_codes, return_inverse=True)
        if readings.formats or readings.coast_exact:
            coast_parts = readings.coast_parts(distance if active is None else distance[active],
                                               _objects(keys)[statics].tolist())
            coast_index: dict[CoastPart, int] = {}
            coast_of = np.fromiter((coast_index.setdefault(c, len(coast_index)) for c in coast_parts),
                                   np.int64, len(coast_parts))
            coasts = list(coast_index)
        else:  # no result has used the distance yet: every row's coast part is empty
            coast_of, coasts = np.zeros(len(statics), np.int64), [()]
        width, depth = len(codes), len(coasts)
        combined, first, local = np.unique((statics * width + code_of.ravel()) * depth + coast_of,
                                           return_index=True, return_inverse=True)
        parts = [_day_part(bounds, c) for c in codes.tolist()]
        known, used = readings.texts, readings.used
        base = len(texts)
        missing: list[tuple[int, int, bytes, tuple[bytes, DayPart, CoastPart]]] = []
        built_keys = set()
        for code, row in zip(combined.tolist(), (first if active is None else active[first]).tolist(),
                             strict=True):
            rest, c = divmod(code, depth)
            s, p = divmod(rest, width)
            found = (keys[s], parts[p], coasts[c])
            text = known.get(found)
            if text is None:
                missing.append((len(texts), row, keys[s], found))
                built_keys.add(s)
            elif first_round:  # (those built in this list are noted as built)
                used.add(found)
            texts.append(text)
        if active is None:
            group_of[:] = local.ravel()
        else:
            group_of[active] = local.ravel() + base
        if not missing:
            return _in_use(texts, group_of, first_round)
        learnt = _learnt(readings)
        rows = _RowValues(ev.values, [row for _, row, _, _ in missing])
        if not builder:
            builder.append(_Builder(ev, place, frame, actual, readings))
        made = [builder[0].build(row, key, rows) for _, row, key, _ in missing]
        if _learnt(readings) == learnt:
            # The builds taught nothing that classifies rows otherwise (no new bound, no key
            # newly keyed by the exact day or distance): another round would find each group
            # where it looked, so each missing group's text is taken from there now.
            for g, _, _, found in missing:
                texts[g] = readings.texts.get(found)
            if all(texts[g] is not None for g, _, _, _ in missing):
                return _in_use(texts, group_of, first_round)
        else:
            # A group whose rows all fall where its build placed its text (its only row, the
            # usual new key's; or rows in one interval of the key's bounds as they are now)
            # takes that text; a key whose built groups all did so is not grouped again (its
            # other groups keep the texts found: each is the one built for its very interval).
            sizes = np.bincount(local.ravel())
            unsettled: set[int] = set()
            for (g, row, key, _), built in zip(missing, made, strict=True):
                if sizes[g - base] == 1 or _settled(readings, key, built, np.flatnonzero(group_of == g), day,
                                                    distance):
                    texts[g] = readings.texts.get(built)
                if texts[g] is None:
                    unsettled.add(int(static_of[row]))
            if not unsettled:
                return _in_use(texts, group_of, first_round)
            built_keys = unsettled
        # (a row's key among those built: its static index marked, looked up for all rows at once)
        chosen = np.zeros(len(keys), bool)
        chosen[np.fromiter(built_keys, np.intp, len(built_keys))] = True
        active = np.flatnonzero(chosen[static_of])
    raise _Decline


def _settled(readings: _Readings, key: bytes, built: tuple[bytes, DayPart, CoastPart],
             rows: npt.NDArray[np.intp], day: npt.NDArray[np.int64], distance: npt.NDArray[np.float32]
             ) -> bool:
    """Whether every one of the rows (of `key`) has the day part and coast part of `built`
    among the key's bounds, exact days and distance formats as they are now (as a later
    round would place them: `_day_codes`, `_day_part`, `_Readings.coast_parts`)."""
    part, coast = built[1:]
    days = day[rows].tolist()
    if key in readings.exact:
        same = all((d,) == part for d in days)
    else:
        bounds = readings.key_bounds.get(key, _NONE)
        same = all(bounds[at] == part[0] and bounds[at + 1] == part[1] and int(bounds[at] == d) == part[2]
                   for d in days for at in (bisect.bisect_right(bounds, d) - 1,))
    if not same:
        return False
    if readings.formats or readings.coast_exact:
        return all(c == coast for c in readings.coast_parts(distance[rows], [key] * len(rows)))
    return coast == ()


def _distinct(static: npt.NDArray[Any]) -> tuple[list[bytes], npt.NDArray[np.intp]]:
    """The distinct static keys (their bytes) and each row's among them. The rows are told
    apart by a 64-bit hash of their bytes (numpy's sort of one number a row, not of a void
    of some 65 bytes: 145 -> 76 us a list of 1,000), and every row is then compared with its
    group's first: a collision (two keys, one hash) takes the sort of the bytes instead."""
    n, size = len(static), static.itemsize
    matrix = np.zeros((n, -(-size // 8) * 8), np.uint8)
    matrix[:, :size] = static.view(np.uint8).reshape(n, size)
    words = matrix.view(np.uint64)
    _, first, static_of = np.unique(_hashed(words), return_index=True, return_inverse=True)
    static_of = static_of.ravel()
    if not np.array_equal(words[first][static_of], words):
        _, static_of = np.unique(static, return_inverse=True)
        static_of, first = static_of.ravel(), np.unique(static_of.ravel(), return_index=True)[1]
    flat = static[first].tobytes()  # (each key's bytes, cut from one copy)
    return [flat[at:at + size] for at in range(0, len(flat), size)], static_of


def _hashed(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each row of words: their sum, each times an odd constant of its
    column (one integer matrix product; it wraps, mod 2^64)."""
    out: npt.NDArray[np.uint64] = words @ _mix(words.shape[1])
    return out


@cache
def _mix(width: int) -> npt.NDArray[np.uint64]:
    odd: npt.NDArray[np.uint64] = np.random.default_rng(width).integers(0, 1 << 62, width, dtype=np.uint64)
    return odd * np.uint64(2) + np.uint64(1)


def _in_use(texts: list[Text | None], group_of: npt.NDArray[np.intp], first_round: bool
            ) -> tuple[list[Text], npt.NDArray[np.intp]]:
    """The groups' texts and each row's group, every group some row is in having its text
    (after one round, every group has). Groups a later round left behind (None) are no row's:
    they take another's text, which nothing writes."""
    if first_round:
        return texts, group_of  # type: ignore[return-value]  # (none is None)
    unused = [g for g, t in enumerate(texts) if t is None]
    if unused:
        in_use = np.zeros(len(texts), bool)
        in_use[group_of] = True
        if in_use[unused].any():
            raise _Decline
        some = next(t for t in texts if t is not None)
        texts = [some if t is None else t for t in texts]
    return texts, group_of  # type: ignore[return-value]  # (none is None now)


def _learnt(readings: _Readings) -> tuple[int, int, int, int]:
    """What classifies a list's rows into groups, as it stands (each only grows): the bounds
    learnt, the keys keyed by the exact day or distance, and the distance's formats by key."""
    return (readings.bounds_learnt, len(readings.exact), len(readings.coast_exact),
            sum(len(f) for f in readings.formats.values()))


class _Builder:
    """What the text builds of one list share: the evaluations and places (with a copy of the
    places whose every coast distance is the marker, made at the first build that writes
    one), the observer and its column readers, the context's names, the receipt's text."""

    def __init__(self, ev: Evaluation, place: Place, frame: ScenarioFrame, actual: Evaluation | None,
                 readings: _Readings) -> None:
        self.ev, self.place, self.frame, self.actual, self.readings = ev, place, frame, actual, readings
        self.marked: Place | None = None
        self.observed = _SectionObserved(ev)
        ctx = ev.context
        self.units, self.claim_sets = list(ctx.units), list(ctx.claim_sets)
        self.areas, self.waters = list(ctx.specified_areas), internal_water_names()
        receipt = {**_receipt(), "input_sha256": HASH_MARK}
        if ctx.timeline.whatif:
            receipt["what_if"] = ctx.timeline.whatif.to_dict()
        before, after = orjson.dumps(receipt).split(_MARKS[2])  # (the mark once: a string no value holds)
        self.receipt, self.end = b',"receipt":' + before, after + b"}"

    def release(self) -> None:
        self.observed.release()

    def head(self, i: int, key: bytes) -> tuple[bytes, bytes | None]:
        """Row i's text from its event to its legal sections, as JSON (`,"event":...,"place":{...}`),
        cut where the coast distance goes: the text to the distance's name (with it) and the
        text after the distance, or the whole text and None where the row has none. Its two
        parts, the case (event, target, action, treaty) and the place, are each a function of
        a few columns of the static key (`_CASE_INPUTS`, `_PLACE_INPUTS`): each built once for
        their values (the place's members, enum names and encoding: some 5 us), then found."""
        readings = self.readings
        if readings.case_of is None or readings.place_of is None:
            place, after = self._place_text(i)
            return self._case(i) + place, after
        inputs = readings.case_of(key)
        case = readings.cases.get(inputs)
        if case is None:
            case = readings.cases[inputs] = self._case(i)
        inputs = readings.place_of(key)
        known = readings.places.get(inputs)
        if known is None:
            known = readings.places[inputs] = self._place_text(i)
        place, after = known
        return case + place, after

    def _case(self, i: int) -> bytes:
        """`,"event":...,"treaty":...`: `law.assess.result`'s members before the place."""
        frame = self.frame
        target, event, action = int(frame.target[i]), int(frame.event[i]), int(frame.us_action[i])
        treaty = self.ev.value("security_treaty_in_force", i)
        named = None if target == NULL or event == Event.none else country_name(target)
        text = orjson.dumps({
            "event": _names(Event)[event], "target": named, "us_action": _names(UsAction)[action],
            "treaty": None if treaty == "none" else treaty})
        return b"," + text[1:-1]

    def _place_text(self, i: int) -> tuple[bytes, bytes | None]:
        """`,"place":{...}` cut at the coast distance (as `head`)."""
        coast = not np.isnan(self.place.coast_distance_nm[i])
        place = self._place(coast)
        where = place.row(i, self.units, self.claim_sets)
        if not np.isnan(self.frame.lat[i]):
            where["detail"] = place.detail(i, self.areas, self.waters)
        text = b',"place":' + orjson.dumps(where)
        if not coast:
            return text, None
        split = text.split(_COAST_TEXT)
        if len(split) != 2:
            raise _Decline
        return split[0] + _COAST_NAME, split[1]

    def _place(self, coast: bool) -> Place:
        """The builder's place: where the row has a coast distance, the marker in its stead."""
        if not coast:
            return self.place
        if self.marked is None:
            marks = np.full_like(self.place.coast_distance_nm, _COAST_MARK)
            self.marked = replace(self.place, coast_distance_nm=marks)
        return self.marked

    def check(self, i: int, head: bytes, rest: bytes) -> None:
        """Decline unless row i's text (its head and the rest) is the ordinary builder's."""
        frame = self.frame
        target, event, action = int(frame.target[i]), int(frame.event[i]), int(frame.us_action[i])
        place = self._place(not np.isnan(self.place.coast_distance_nm[i]))
        echo = _Echo(Event(event), None if target == NULL else country_name(target), UsAction(action),
                     not np.isnan(frame.lat[i]))
        out = law.result(_CoastObserved(self.ev), place, i, echo, explain=False, actual=self.actual)  # type: ignore[arg-type]
        out["receipt"]["input_sha256"] = HASH_MARK
        whole = b"".join((_HEAD, _MARKS[0], _DATE, _MARKS[1], head, rest, _MARKS[2], self.end))
        if orjson.dumps(out) != whole:
            raise _Decline

    def build(self, i: int, key: bytes, rows: _RowValues) -> tuple[bytes, DayPart, CoastPart]:
        """Build row i's group text (its head found or built, `head`; its legal sections found
        or built, `_section`) and keep it under the row's key, with what the row functions did
        with the day learnt."""
        ev, frame, readings, observed = self.ev, self.frame, self.readings, self.observed
        observed.start(i, rows)
        try:
            head, after = self.head(i, key)
            sections = readings.sections
            parts: list[bytes] = []
            for name, label in _SECTION_LABELS:
                root = sections.get(name)
                if root is None:
                    root = sections[name] = _Step()
                parts += (label, _section(root, getattr(law, "_" + name), observed))
            if self.actual is not None:
                parts += (b',"what_if":', orjson.dumps(law._what_if(observed, self.actual, i)))
            parts.append(self.receipt)
            rest = b"".join(parts)
            if not readings.checked:  # the first text of these readings: as the ordinary builder's
                self.check(i, head if after is None else head + _COAST_MARK_TEXT + after, rest)
                readings.checked = True
        except (AttributeError, TypeError, KeyError, IndexError, orjson.JSONEncodeError):
            raise _Decline from None
        coast = after is not None
        # The text to the coast distance (in the place's detail), and on to the hash.
        pieces = (head, after + rest) if after is not None else (head + rest, b"")
        compared = set()
        for name, op, other, _ in observed.seen:
            # (every other column read is in the static key)
            if name == "day":
                if op is None or not _LOWEST < other < _HIGHEST:
                    readings.exact.add(key)
                else:
                    compared.add(other)
            elif name == _COAST:
                if op is None:
                    readings.coast_exact.add(key)
                elif other not in readings.formats.get(key, ()):
                    readings.formats[key] = tuple(sorted({*readings.formats.get(key, ()), other}))
        bounds = readings.key_bounds.get(key, _NONE)
        new = compared.difference(bounds)
        if new and len(bounds) + len(new) > MAX_KEY_BOUNDS:
            readings.exact.add(key)  # (a law comparing the day with so many numbers: by exact day)
        elif new:
            bounds = readings.key_bounds[key] = tuple(sorted({*bounds, *new}))
            readings.bounds_learnt += len(new)
        day = int(frame.day[i])
        if key in readings.exact:
            part: DayPart = (day,)
        else:  # (as `_day_codes` and `_day_part` place it, for one day)
            at = bisect.bisect_right(bounds, day) - 1
            part = (bounds[at], bounds[at + 1], int(bounds[at] == day))
        (coast_part,) = (readings.coast_parts(ev.values[_COAST][i:i + 1], [key])
                         if readings.formats or readings.coast_exact else ((),))  # (as `_texts` has it)
        built = (key, part, coast_part)
        readings.texts[built] = (_HEAD, _DATE, pieces[0], pieces[1], self.end, coast)
        readings.used.add(built)
        return built


@cache
def _receipt() -> dict[str, str]:
    """The receipt of every result but its input hash (the versions and the rules' and data's
    hashes: the process's)."""
    return receipt(ruleset_hash(), {})


def _joined(texts: list[Text], group_of: npt.NDArray[np.intp], ids: Sequence[str | None],
            dates: Sequence[str], hashes: list[bytes], distance: npt.NDArray[np.float32]) -> bytes:
    """The list's JSON: each row its group's text around its own id, date, coast distance
    and hash."""
    n = len(ids)
    coasts = _coast_texts(distance, np.array([t[5] for t in texts], dtype=bool)[group_of])
    heads = {t[:2] for t in texts}
    if len(heads) == 1 and heads == {(_HEAD, _DATE)}:  # as `result` writes them: fewer pieces
        # A row is its id, its date (with the name before it), its group's text to the coast
        # distance, the distance, the text to the hash, the hash, and its group's text after
        # the hash with the next row's head.
        out: list[bytes] = [b""] * (7 * n)
        out[0::7] = _json_texts(ids)
        out[1::7] = ('"\0,"date":"'.join(dates) + '"').encode().split(b"\0")
        out[2::7] = _objects([t[2] for t in texts])[group_of].tolist()
        out[3::7] = coasts
        out[4::7] = _objects([t[3] for t in texts])[group_of].tolist()
        out[5::7] = hashes
        out[6::7] = _objects([t[4] + b"," + _HEAD for t in texts])[group_of].tolist()
        out[0] = b"[" + _HEAD + out[0]
        out[1] = b',"date":"' + out[1]
        out[-1] = out[-1][:-len(_HEAD) - 1] + b"]"
        return b"".join(out)
    columns = [_objects([t[k] for t in texts])[group_of].tolist() for k in range(5)]
    out = [b""] * (9 * n)
    out[0::9] = _objects([b"," + t[0] for t in texts])[group_of].tolist()
    out[1::9] = _json_texts(ids)
    out[2::9] = columns[1]
    out[3::9] = _json_texts(dates)
    out[4::9] = columns[2]
    out[5::9] = coasts
    out[6::9] = columns[3]
    out[7::9] = hashes
    out[8::9] = columns[4]
    out[0] = b"[" + columns[0][0]
    out.append(b"]")
    return b"".join(out)


def _coast_texts(distance: npt.NDArray[np.float32], spliced: npt.NDArray[np.bool_]) -> list[bytes]:
    """Each row's coast distance as `place.detail` writes it (rounded to 2 places), where its
    group's text takes one; else nothing."""
    out = [b""] * len(distance)
    written: dict[float, bytes] = {}
    rows = np.flatnonzero(spliced)
    for r, d in zip(rows.tolist(), distance[rows].tolist(), strict=True):  # (float32 as float: exact)
        text = written.get(d)
        if text is None:
            text = written[d] = orjson.dumps(round(d, 2))
        out[r] = text
    return out


def _objects(values: list[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# --- the receipt's input hash ---------------------------------------------------------------

# A character JSON writes escaped (json.dumps with ensure_ascii=False: the quote, the backslash
# and the control characters): an id holding one is written by json itself.
_ESCAPED = re.compile('[\x00-\x1f"\\\\]')


def _input_hashes(frame: ScenarioFrame, ids: Sequence[str | None], dates: Sequence[str],
                  scenarios: Sequence[Scenario] | None) -> list[bytes] | None:
    """Each row's `"input_sha256"` value as JSON text: the SHA-256 of the canonical JSON of
    the scenario as the user would write it (`engine.input_sha256` of
    `Scenario.to_input_dict()`: keys sorted, no spaces, non-ASCII as is), written from the
    columns. Rows with assumptions take their scenario's own (None without the scenarios)."""
    n = len(ids)
    assumed = ((frame.termination_notice_day != FOREVER) | (frame.armed_attack_judged != TRI_NONE)
               | (frame.survival_threatening_certified != TRI_NONE))
    if assumed.any():
        if scenarios is None:
            return None
        return [b'"' + input_sha256(s.to_input_dict()).encode() + b'"' for s in scenarios]
    # Each row's text is written as pieces into one list, rows ended by a NUL (which no piece
    # holds: a NUL in an id is written escaped), joined once and cut at the NULs.
    width = 8
    out: list[str] = [""] * (width * n)
    out[0::width] = dates
    out[1::width] = _event_texts()[frame.event].tolist()
    stated = [i for i in ids if i is not None]
    if stated:
        plain = _ESCAPED.search("".join(stated)) is None  # (a NUL too: then none is in an id)
        if plain and len(stated) == n:  # the usual list: joined and cut, no call a row
            out[2::width] = (',"id":"' + '"\0,"id":"'.join(stated) + '"').split("\0")
        else:
            text: Callable[[str], str] = (lambda i: '"' + i + '"') if plain else _json_text
            out[2::width] = ["" if i is None else ',"id":' + text(i) for i in ids]
    located = ~np.isnan(frame.lat)
    if located.all():
        out[3::width] = [',"lat":'] * n
        out[4::width] = _float_texts(frame.lat)
        out[5::width] = [',"lon":'] * n
        out[6::width] = _float_texts(frame.lon)
    elif located.any():
        lat, lon = _float_texts(frame.lat), _float_texts(frame.lon)
        for r in np.flatnonzero(located).tolist():
            out[width * r + 3: width * r + 7] = ',"lat":', lat[r], ',"lon":', lon[r]
    # The operation area, target and action as one code: the text after the place, once each.
    areas, targets, actions = _area_texts(), _target_texts(), _action_texts()
    tail = (frame.operation_areas().astype(np.int64) * len(targets)
            + frame.target.astype(np.int64) % len(targets)) * len(actions) + frame.us_action
    distinct, tail_of = np.unique(tail, return_inverse=True)
    texts = np.empty(len(distinct), dtype=object)
    for j, code in enumerate(distinct.tolist()):
        rest, action = divmod(code, len(actions))
        area, target = divmod(rest, len(targets))
        texts[j] = areas[area] + targets[target] + actions[action]
    out[7::width] = texts[tail_of.ravel()].tolist()
    rows = ('{"date":"' + "".join(out)).encode().split(b"\0")[:-1]  # the last: the next row's start
    sha = hashlib.sha256
    # All digests in hex at once, placed a row each between quotes in one byte table and cut
    # into a row's text each (50 us a list of 1,000 against 90 for separators replaced and split).
    digests = b"".join([sha(t).digest() for t in rows]).hex().encode()
    table = np.full((len(rows), 66), ord('"'), np.uint8)
    table[:, 1:65] = np.frombuffer(digests, np.uint8).reshape(len(rows), 64)
    return table.view("S66").ravel().tolist()  # (S66: no NUL to strip)


def _float_texts(column: npt.NDArray[np.float64]) -> list[str]:
    """`repr` of each number (as json writes a float): orjson's text, the same for every
    number from 1e-4 in size (it writes smaller ones without an exponent), and `repr`
    itself for zeros and the smaller ones. (orjson writes the array itself: no Python float
    a number, the same text.)"""
    column = np.ascontiguousarray(column, dtype=np.float64)
    texts = orjson.dumps(column, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].decode().split(",")
    for r in np.flatnonzero(np.abs(column) < 1e-4).tolist():
        texts[r] = repr(float(column[r]))
    return texts


def _json_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@cache
def _labels(enum: Any) -> npt.NDArray[np.object_]:
    """Names of an enum's members by code."""
    out = np.full(max(int(m) for m in enum) + 1, "", dtype=object)
    for m in enum:
        out[int(m)] = m.name
    return out


@cache
def _names(enum: Any) -> list[str]:
    """Names of an enum's members by code, as a list (read a row at a time)."""
    out: list[str] = _labels(enum).tolist()
    return out


@cache
def _area_texts() -> list[str]:
    return ["" if a == "none" else f',"operation_area":"{a}"' for a in _labels(OperationArea)]


@cache
def _event_texts() -> npt.NDArray[np.object_]:
    return np.array([f'","event":"{e}"' for e in _labels(Event)], dtype=object)


@cache
def _action_texts() -> list[str]:
    """`,"us_action":"name"}` and the NUL that ends the row, then the next row's start."""
    return [f',"us_action":"{a}"}}\0{{"date":"' for a in _labels(UsAction)]


@cache
def _target_texts() -> list[str]:
    """`,"target":"ISO"` by country code, and "" last (NULL, -1, indexes it)."""
    return [f',"target":"{c}"' for c in iso3_codes()] + [""]
