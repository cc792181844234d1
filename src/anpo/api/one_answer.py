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
from collections import OrderedDict
from collections.abc import Callable
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
MAX_VARIANTS = 256  # parts for one key and shape (below) that differ in what was observed

# An observation: (column, comparison or None, the other operand, the result or value).
Observation = tuple[str, Callable[[Any, Any], bool] | None, Any, Any]


class _Day:
    """The row's day as `cite_row` and `hint` see it while a part is built: a comparison
    with a whole number is noted as such; any other use notes the exact day."""

    __slots__ = ("_day", "_seen")
    __array_ufunc__ = None  # numpy scalars defer to the reflected comparison below

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

    def __hash__(self) -> int:
        return hash(self._exact())

    def __int__(self) -> int:
        return self._exact()

    def __index__(self) -> int:
        return self._exact()

    def __bool__(self) -> bool:
        return bool(self._exact())

    def __str__(self) -> str:
        return str(self._exact())

    def __repr__(self) -> str:
        return repr(self._exact())

    def __format__(self, spec: str) -> str:
        return format(self._exact(), spec)

    def __getattr__(self, name: str) -> Any:  # arithmetic and anything else: the exact day
        return getattr(self._exact(), name)

    def __add__(self, other: Any) -> Any:
        return self._exact() + other

    def __radd__(self, other: Any) -> Any:
        return other + self._exact()

    def __sub__(self, other: Any) -> Any:
        return self._exact() - other

    def __rsub__(self, other: Any) -> Any:
        return other - self._exact()


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


def _results(ev: Evaluation, shape: Shape) -> tuple[Any, ...]:
    values = ev.values
    row = {name: values[name][0].item() for name, _, _ in shape}
    return tuple(row[name] if op is None else op(row[name], other) for name, op, other in shape)


class LegalParts:
    """The legal part of one-scenario answers, remembered (a bounded LRU; one event loop)."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._parts: OrderedDict[tuple[bytes, ...], dict[Shape, dict[tuple[Any, ...], Parts]]] = (
            OrderedDict())
        self._context: LawContext | None = None
        self.hits = 0
        self.builds = 0

    @staticmethod
    def _key(ev: Evaluation) -> tuple[bytes, ...]:
        """Every condition's value and assumption mark in row 0, as bytes."""
        values, masks = ev.values, ev.assumed_masks
        out = []
        for c in ev.ruleset.conditions:
            mask = masks[c.name]
            out.append(values[c.name][:1].tobytes())
            out.append(b"" if mask is None or not mask[0] else b"a")
        return tuple(out)

    def parts(self, ev: Evaluation) -> Parts:
        """(the members `"article5":..,"us":..` as JSON without braces, the explanation's
        JSON) of row 0 of `ev`."""
        if ev.context is not self._context:  # another context: nothing remembered holds
            self._parts.clear()
            self._context = ev.context
        key = self._key(ev)
        shapes = self._parts.get(key)
        if shapes is not None:
            self._parts.move_to_end(key)
            for shape, table in shapes.items():
                found = table.get(_results(ev, shape))
                if found is not None:
                    self.hits += 1
                    return found
        observed = _Observed(ev)
        members = orjson.dumps({
            "article5": law._article5(observed, 0),
            "agreed_minute": law._agreed_minute(observed, 0),
            "prior_consultation": law._prior_consultation(observed, 0),
            "japan": law._japan(observed, 0),
            "us": law._us(observed, 0),
        })[1:-1]
        found = members, orjson.dumps([step.to_dict() for step in observed.trace(0)])
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
    context = active_context()
    if context.timeline.whatif:
        return None
    scenarios, _ = law.parse(raw)
    scenario = scenarios[0]
    frame = ScenarioFrame.from_scenarios(scenarios)
    place = law.resolve(frame, exact=explain)
    ev = evaluate(frame, place, context)
    members, explanation = parts.parts(ev)
    treaty = ev.value("security_treaty_in_force", 0)
    where = place.row(0, list(context.units), list(context.claim_sets))
    if scenario.lat is not None:
        where["detail"] = place.detail(0, list(context.specified_areas), internal_water_names())
    head = orjson.dumps({
        "id": scenario.id,
        "date": scenario.date.isoformat(),
        "event": scenario.event.name,
        "target": None if scenario.event is Event.none else scenario.target,
        "us_action": scenario.us_action.name,
        "treaty": None if treaty == "none" else treaty,
        "place": where,
    })
    tail = orjson.dumps({"receipt": receipt(ruleset_hash(), scenario.to_input_dict())})
    middle = b"," + members + (b',"explanation":' + explanation if explain else b"") + b","
    return head[:-1] + middle + tail[1:]


__all__ = ["PARTS", "LegalParts", "answer_one"]
