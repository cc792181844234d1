"""The answer to one scenario under the actual law, with its legal reading remembered.

`POST /v1/assess` with one scenario spent about 40% of its library time building the legal
part of the answer (`article5` .. `us` and the `explanation`: citations, blocking
conditions, hints, the trace) from the evaluation's row. That part is a function of the
row's condition values and assumption marks, plus whatever the law's `cite_row` and `hint`
functions read off the row. So each request still parses its scenario, resolves its place
and runs the law (the small per-request work), and the legal part is looked up by:

- the key: every condition's value and assumption mark in the row (the context is the
  shipped one; a what-if goes the ordinary way);
- what the row functions observed when the part was built: every value they read (the
  event, the unit, the claims...) must be equal, and every comparison they made with the
  day (`day >= provision_day(...)`) must come out the same. A day used any other way (a
  date written into a hint) must be equal. The functions are pure, so a row that agrees
  on all of these takes the same path through them and gets the same part.

What varies per request is never remembered: the id, date, event, target and action echoed
back, the place (zone, unit, distances), the receipt (the input's hash). The bytes equal
`anpo.api.routes.assess.answer`'s for the same request (`tests/api/test_one_answer.py`).
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import orjson

from anpo.core.codes import Event
from anpo.core.scenario import ScenarioFrame
from anpo.geo.resolver import internal_water_names
from anpo.law import assess as law
from anpo.law.common import LawContext, active_context
from anpo.law.engine import Evaluation, Row, receipt
from anpo.law.rules import evaluate, ruleset_hash

MAX_KEYS = 4096  # rows of distinct condition values remembered (least recently used dropped)
SMALL_ROWS = 16  # up to this many rows, a row's key is joined from the columns (`_Rows`)
MAX_VARIANTS = 256  # parts for one key and shape (below) that differ in what was observed

# An observation: (column, comparison or None, the other operand, the result or value).
Observation = tuple[str, Callable[[Any, Any], bool] | None, Any, Any]


class _Watched:
    """A row's value as the row functions see it while a text is built. Any use that a
    subclass does not note more finely notes the exact value (`_exact`) and gives the plain
    value's answer, so the functions' results are what they would have been."""

    __slots__ = ()
    __array_ufunc__ = None  # numpy scalars defer to the reflected operations below

    def _exact(self) -> Any:
        raise NotImplementedError

    def __hash__(self) -> int:
        return hash(self._exact())

    def __bool__(self) -> bool:
        return bool(self._exact())

    def __str__(self) -> str:
        return str(self._exact())

    def __repr__(self) -> str:
        return repr(self._exact())

    def __format__(self, spec: str) -> str:
        return format(self._exact(), spec)

    def __getattr__(self, name: str) -> Any:  # anything not below: the exact value's
        return getattr(self._exact(), name)

    def __eq__(self, other: object) -> Any:
        return self._exact() == other

    def __ne__(self, other: object) -> Any:
        return self._exact() != other

    def __lt__(self, other: Any) -> Any:
        return self._exact() < other

    def __le__(self, other: Any) -> Any:
        return self._exact() <= other

    def __gt__(self, other: Any) -> Any:
        return self._exact() > other

    def __ge__(self, other: Any) -> Any:
        return self._exact() >= other

    def __add__(self, other: Any) -> Any:
        return self._exact() + other

    def __radd__(self, other: Any) -> Any:
        return other + self._exact()

    def __sub__(self, other: Any) -> Any:
        return self._exact() - other

    def __rsub__(self, other: Any) -> Any:
        return other - self._exact()

    def __mul__(self, other: Any) -> Any:
        return self._exact() * other

    def __rmul__(self, other: Any) -> Any:
        return other * self._exact()

    def __truediv__(self, other: Any) -> Any:
        return self._exact() / other

    def __rtruediv__(self, other: Any) -> Any:
        return other / self._exact()


class _Day(_Watched):
    """The row's day as `cite_row` and `hint` see it while a part is built: a comparison
    with a whole number is noted as such; any other use notes the exact day."""

    __slots__ = ("_day", "_seen")

    def __init__(self, day: int, seen: list[Observation]) -> None:
        self._day = day
        self._seen = seen

    def _exact(self) -> int:
        self._seen.append(("day", None, None, self._day))
        return self._day

    def _compare(self, op: Callable[[Any, Any], bool], other: Any) -> Any:
        if isinstance(other, (int, np.integer)) and not isinstance(other, (bool, np.bool_)):
            result = op(self._day, int(other))
            self._seen.append(("day", op, int(other), result))
            return result
        return op(self._exact(), other)

    def __lt__(self, other: Any) -> Any:
        return self._compare(operator.lt, other)

    def __le__(self, other: Any) -> Any:
        return self._compare(operator.le, other)

    def __gt__(self, other: Any) -> Any:
        return self._compare(operator.gt, other)

    def __ge__(self, other: Any) -> Any:
        return self._compare(operator.ge, other)

    def __eq__(self, other: object) -> Any:
        return self._compare(operator.eq, other)

    def __ne__(self, other: object) -> Any:
        return self._compare(operator.ne, other)

    __hash__ = _Watched.__hash__  # (a class that defines __eq__ loses the inherited one)

    def __int__(self) -> int:
        return self._exact()

    def __index__(self) -> int:
        return self._exact()


class _ObservedRow(Row):
    def __getitem__(self, name: str) -> Any:
        seen: list[Observation] = self.evaluation.seen  # type: ignore[attr-defined]
        value = self.evaluation.values[name][self.index].item()
        if name == "day":
            return _Day(value, seen)
        seen.append((name, None, None, value))
        return value


class _Observed(Evaluation):
    """An evaluation whose row functions note what they read (only while a part is built)."""

    def __init__(self, ev: Evaluation) -> None:
        super().__init__(ev.ruleset, ev.values, ev.assumed_masks, ev.context)
        self.seen: list[Observation] = []

    def row(self, i: int) -> Row:
        return _ObservedRow(self, i)


# What the row functions observed while a part was built: the shape (which columns, which
# comparisons, in order) and, for a shape, its results (the values read, the comparisons'
# outcomes) -> the part.
Shape = tuple[tuple[str, Callable[[Any, Any], bool] | None, Any], ...]
Parts = tuple[bytes, bytes]


Key = tuple[int, bytes, bytes]


class _Rows:
    """The rows of one evaluation as the remembered parts are looked up: every condition's
    value and assumption mark of each row as bytes (the key), and columns read as Python
    values once for all rows (what `Row` reads with `.item()`, the same values)."""

    def __init__(self, ev: Evaluation, layouts: dict[tuple[str, ...], int]) -> None:
        self.ev = ev
        self._columns: dict[str, list[Any]] = {}
        conditions = ev.ruleset.conditions
        n = len(ev)
        columns = [ev.values[c.name] for c in conditions]
        # The columns' types are part of the key, so that bytes never stand for another type.
        layout = tuple([v.dtype.str for v in columns])
        self._layout = layouts.setdefault(layout, len(layouts))
        self._small: tuple[list[np.ndarray], list[np.ndarray | None]] | None = None
        if n <= SMALL_ROWS:
            # A few rows (the server's batches): each row's key joined from the columns
            # themselves, the same bytes as the table below (whose forty-odd views and
            # reshapes cost more than the rows' own work here).
            self._small = columns, [ev.assumed_masks[c.name] for c in conditions]
            return
        values = [np.ascontiguousarray(v) for v in columns]
        self._values = np.hstack([v.view(np.uint8).reshape(n, v.itemsize) for v in values])
        marks = np.zeros((n, len(conditions)), dtype=np.bool_)
        for j, c in enumerate(conditions):
            mask = ev.assumed_masks[c.name]
            if mask is not None:
                marks[:, j] = mask
        self._marks = marks

    def key(self, i: int) -> Key:
        if self._small is not None:
            columns, masks = self._small
            return (self._layout, b"".join([v[i:i + 1].tobytes() for v in columns]),
                    bytes([0 if m is None else bool(m[i]) for m in masks]))
        return self._layout, self._values[i].tobytes(), self._marks[i].tobytes()

    def results(self, shape: Shape, i: int) -> tuple[Any, ...]:
        """What the row functions observed, for row i: the values read, the comparisons'
        outcomes."""
        out = []
        for name, op, other in shape:
            column = self._columns.get(name)
            if column is None:
                column = self._columns[name] = self.ev.values[name].tolist()
            out.append(column[i] if op is None else op(column[i], other))
        return tuple(out)


class LegalParts:
    """The legal part of one-scenario answers, remembered (a bounded LRU; thread-safe)."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._parts: OrderedDict[Key, dict[Shape, dict[tuple[Any, ...], Parts]]] = OrderedDict()
        self._layouts: dict[tuple[str, ...], int] = {}
        self._context: LawContext | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.builds = 0

    def parts(self, ev: Evaluation) -> list[Parts]:
        """(the members `"article5":..,"us":..` as JSON without braces, the explanation's
        JSON) of each row of `ev`."""
        # One event loop uses it in `anpo serve`; an app served by several (test clients, an
        # embedding program) shares it between threads, whose evictions and new shapes would
        # otherwise change the dicts another thread is walking. Uncontended, the lock is a
        # fraction of a microsecond a call.
        with self._lock:
            if ev.context is not self._context:  # another context: nothing remembered holds
                self._parts.clear()
                self._context = ev.context
            rows = _Rows(ev, self._layouts)
            return [self._part(rows, i) for i in range(len(ev))]

    def _part(self, rows: _Rows, i: int) -> Parts:
        ev = rows.ev
        key = rows.key(i)
        shapes = self._parts.get(key)
        if shapes is not None:
            self._parts.move_to_end(key)
            for shape, table in shapes.items():
                found = table.get(rows.results(shape, i))
                if found is not None:
                    self.hits += 1
                    return found
        observed = _Observed(ev)
        members = orjson.dumps({
            "article5": law._article5(observed, i),
            "agreed_minute": law._agreed_minute(observed, i),
            "prior_consultation": law._prior_consultation(observed, i),
            "japan": law._japan(observed, i),
            "us": law._us(observed, i),
        })[1:-1]
        found = members, orjson.dumps([step.to_dict() for step in observed.trace(i)])
        self.builds += 1
        if shapes is None:
            shapes = self._parts[key] = {}
            if len(self._parts) > self.max_keys:
                self._parts.popitem(last=False)
        # A condition's value is part of the key: only what the key does not fix is kept,
        # each observation once (the same read or comparison always gives the same result).
        kept: dict[tuple[str, Any, Any], Any] = {}
        for name, op, other, result in observed.seen:
            if name not in ev.ruleset.by_name:
                kept.setdefault((name, op, other), result)
        table = shapes.setdefault(tuple(kept), {})
        if len(table) >= MAX_VARIANTS:
            table.clear()
        table[tuple(kept.values())] = found
        return found


PARTS = LegalParts()


def answer_one(raw: dict[str, Any], explain: bool, parts: LegalParts = PARTS) -> bytes | None:
    """The JSON answer to one scenario (`raw`, as `ScenarioIn.raw()` gives it) under the
    actual law: the same bytes as the route's. None under a process-wide what-if (the
    ordinary way answers); InputError for a scenario the library refuses."""
    answers = answer_many([raw], explain, parts)
    return None if answers is None else answers[0]


def answer_many(raws: Sequence[dict[str, Any]], explain: bool, parts: LegalParts = PARTS
                ) -> list[bytes] | None:
    """`answer_one` of each scenario in `raws`, assessed together as one frame (the
    geography and the law cost about the same for a few rows as for one; every row is
    computed on its own, as for a list): the same bytes, in order. None under a
    process-wide what-if; InputError if any scenario is refused (answer them one by one to
    learn which)."""
    context = active_context()
    if context.timeline.whatif:
        return None
    scenarios = [law.parse(raw)[0][0] for raw in raws]  # each parsed as one scenario, as alone
    frame = ScenarioFrame.from_scenarios(scenarios)
    place = law.resolve(frame, exact=explain)
    ev = evaluate(frame, place, context)
    units, claims = list(context.units), list(context.claim_sets)
    areas, waters = list(context.specified_areas), internal_water_names()
    rules = ruleset_hash()
    out = []
    for i, (scenario, (members, explanation)) in enumerate(zip(scenarios, parts.parts(ev), strict=True)):
        treaty = ev.value("security_treaty_in_force", i)
        where = place.row(i, units, claims)
        if scenario.lat is not None:
            where["detail"] = place.detail(i, areas, waters)
        head = orjson.dumps({
            "id": scenario.id,
            "date": scenario.date.isoformat(),
            "event": scenario.event.name,
            "target": None if scenario.event is Event.none else scenario.target,
            "us_action": scenario.us_action.name,
            "treaty": None if treaty == "none" else treaty,
            "place": where,
        })
        tail = orjson.dumps({"receipt": receipt(rules, scenario.to_input_dict())})
        middle = b"," + members + (b',"explanation":' + explanation if explain else b"") + b","
        out.append(head[:-1] + middle + tail[1:])
    return out


__all__ = ["PARTS", "LegalParts", "answer_many", "answer_one"]
