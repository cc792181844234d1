"""What the formulas share within one evaluation (`Columns.shared`: the day column as 16-bit
offsets, country codes as bytes, an emergency abroad) is made once, cannot be changed in
place, is let go after its last use and never reaches an evaluation's results; the
comparisons made on it (`since`, `between`, `instrument_in_force`, `is_code`) equal the
plain ones, whatever the span of the days or the codes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from law_places import random_rows

from anpo.core.codes import Event
from anpo.core.dates import FOREVER
from anpo.core.errors import DataError
from anpo.law.common import LawContext, between, by_day, instrument_in_force, is_code, since
from anpo.law.engine import Columns
from anpo.law.rules import evaluate
from anpo.law.whatif import WhatIf


def _columns(n: int, needs: tuple[str, ...], context: object = None,
             shared: dict[object, object] | None = None, days: tuple[int, int] = (-9000, 50000),
             codes: tuple[int, int] = (-1, 249)) -> Columns:
    rng = np.random.default_rng(41)
    values = {
        "day": rng.integers(*days, n).astype(np.int32),
        "target": rng.integers(*codes, n).astype(np.int16),
    }
    return Columns(values, frozenset(needs), context, shared)  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [3, 10_000])
@pytest.mark.parametrize("days", [(-9000, 50000), (-40000, 60000), (100, 101)])
def test_since_and_between_are_the_plain_comparisons(n: int, days: tuple[int, int]) -> None:
    c = _columns(n, ("day",), days=days)
    day = c["day"]
    for d in (-50000, -9000, -8999, 0, 1, 100, 101, 12345, 49999, 50000, 56535, 56536, FOREVER):
        assert np.array_equal(since(c, d), day >= d), d
        for end in (-9000, 101, 12345, FOREVER):
            assert np.array_equal(between(c, d, end), (day >= d) & (day < end)), (d, end)


@pytest.mark.parametrize("n", [3, 10_000])
@pytest.mark.parametrize("codes", [(-1, 249), (-1, 255), (-3, 10), (200, 300)])
def test_is_code_is_the_plain_comparison(n: int, codes: tuple[int, int]) -> None:
    c = _columns(n, ("target",), codes=codes)
    for code in (-3, -2, -1, 0, 5, 200, 248, 254, 255, 256, 299, 511):
        assert np.array_equal(is_code(c, "target", code), c["target"] == code), (codes, code)


def test_shared_values_are_made_once_read_only_and_let_go_after_their_uses() -> None:
    shared: dict[object, object] = {}
    a = _columns(100, ("day",), shared=shared)
    b = _columns(100, ("day",), shared=shared)  # another formula of the same evaluation
    calls: list[int] = []

    def make() -> np.ndarray:
        calls.append(1)
        return np.zeros(3)

    first = a.shared("k", make)
    assert b.shared("k", make) is first and calls == [1]
    with pytest.raises(ValueError, match="read-only"):
        first += 1
    two = a.shared("pair", make, uses=2)
    assert b.shared("pair", make, uses=2) is two and "pair" not in shared
    assert a.shared("pair", make, uses=2) is not two  # asked once more: made again
    assert len(calls) == 3


def test_a_shared_value_still_checks_needs() -> None:
    shared: dict[object, object] = {}
    since(_columns(10_000, ("day",), shared=shared), 7)  # the day offsets are made
    undeclared = _columns(10_000, ("target",), shared=shared)
    with pytest.raises(DataError, match="day"):
        since(undeclared, 7)


def test_instrument_in_force_follows_the_timeline(context: LawContext) -> None:
    n = 10_000
    for whatif in (WhatIf(), WhatIf(without=("us-japan-1951",)),
                   WhatIf(in_force=(("us-japan-1960", dt.date(1950, 1, 1)),))):
        ctx = context.under(whatif)
        c = _columns(n, ("day",), ctx)
        for iid in ("us-japan-1951", "us-japan-1960", "jp-sdf-act", "jp-areas-surrounding-japan-act-1999"):
            want = ctx.timeline.in_force(iid, c["day"])
            assert np.array_equal(instrument_in_force(c, iid), want), (whatif, iid)


@pytest.mark.parametrize("n", [5, 10_000])
def test_by_day_on_shared_comparisons_equals_by_day_on_the_column(n: int) -> None:
    c = _columns(n, ("day",))
    for bounds in ((0,), (-100, 20000), (5000, 5000, 9000, FOREVER), (FOREVER,), ()):

        def rule(d: int, bounds: tuple[int, ...] = bounds) -> int:
            return sum(d >= b for b in bounds) + (2 if d >= 12000 else 0)

        got = by_day(c, (*bounds, 12000), rule)
        assert got.flags.writeable
        assert np.array_equal(got, by_day(c["day"], (*bounds, 12000), rule)), bounds


@pytest.mark.parametrize("emergencies", [0, 50])
def test_evaluation_columns_are_writable_and_not_shared(context: LawContext, emergencies: int) -> None:
    frame, place = random_rows(10_000, 43, ("JPN", "USA", "TWN", "KOR", None))
    # Without an emergency abroad, transport's value is the shared (read-only) column itself.
    abroad = int(Event.emergency_abroad)
    frame.event[frame.event == abroad] = int(Event.none)
    frame.event[:emergencies] = abroad
    ev = evaluate(frame, place, context)
    columns = [ev[c.name] for c in ev.ruleset.conditions]
    assert all(col.flags.writeable for col in columns)
    # Two conditions share an array only where one's formula returns the other's column.
    shared = {(a.name, b.name) for a in ev.ruleset.conditions for b in ev.ruleset.conditions
              if a.name < b.name and np.shares_memory(ev[a.name], ev[b.name])}
    assert shared == {("security_treaty_1951_in_force", "us_forces_may_be_utilized_for_japan")}


def test_an_empty_batch_evaluates(context: LawContext) -> None:
    frame, place = random_rows(0, 47, ("JPN", None))
    ev = evaluate(frame, place, context)
    assert len(ev) == 0 and all(len(ev[c.name]) == 0 for c in ev.ruleset.conditions)
