"""Vocabulary the law modules share: inputs, tri-state codes, dates from the instruments,
and the geographic context the law reads (units and their reversions).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.codes import JPN, NULL, USA, Event, Zone, country_code
from anpo.core.dates import FOREVER, from_day, to_day
from anpo.geo.place import AdminPeriod, Unit
from anpo.law import instruments
from anpo.law.engine import Columns
from anpo.law.whatif import ACTUAL, Timeline, WhatIf

# Input columns of the law: the scenario frame's and the place's.
INPUTS = (
    "day", "event", "target", "us_action", "operation_area",
    "termination_notice_day", "armed_attack_judged", "survival_threatening_certified",
    "zone", "unit", "administered_by", "claims",
    "coast_distance_nm", "territorial_sea_nm", "specified_area",
)

# Tri-state conditions: a fact can hold, not hold, or be left to a government's judgment.
NO, YES, CASE_BY_CASE = 0, 1, 2
TRI = ("no", "yes", "case_by_case")
# Location-dependent conditions when the scenario gives no location.
UNKNOWN = 2
TRI_PLACE = ("no", "yes", "unknown")

STATED_TRUE, STATED_FALSE, NOT_STATED = 1, 0, -1


# Code columns are compared with int(Enum.member): numpy takes an IntEnum member for a 64-bit
# array and widens the whole int8 column to compare (10x slower on a large column).
# Code columns are int8. On large columns numpy's where() and masked stores (`out[mask] = v`)
# go element by element, about 10x slower than the branch-free arithmetic below, which gives
# the same values; on a few rows (one scenario) the arithmetic's extra calls cost more, so
# they keep numpy's own.
_SMALL = 4096


def where(cond: npt.NDArray[np.bool_], yes: int, no: int) -> npt.NDArray[np.int8]:
    """`np.where(cond, yes, no)` for small integer codes, as int8 (a new column)."""
    if cond.size < _SMALL:
        return np.where(cond, np.int8(yes), np.int8(no))
    if no == 0:
        return coded(cond, yes)
    return cond.view(np.int8) * np.int8(yes - no) + np.int8(no)


def coded(cond: npt.NDArray[np.bool_], value: int) -> npt.NDArray[np.int8]:
    """`value` where `cond` holds, 0 elsewhere, as a new int8 column: one multiplication.

    Codes of disjoint masks add up: `coded(a, 1) + coded(b, 2)` is 1 on a, 2 on b, 0 elsewhere,
    in two passes where `where` and `assign` take five."""
    return cond.view(np.int8) * np.int8(value)


def assign(out: npt.NDArray[np.int8], cond: npt.NDArray[np.bool_], value: int) -> None:
    """`out[cond] = value` for an int8 code column (in place)."""
    if cond.size < _SMALL:
        out[cond] = value
    else:
        out ^= (out ^ np.int8(value)) & -cond.view(np.int8)


def codes(shape: tuple[int, ...], value: int) -> npt.NDArray[np.int8]:
    """An int8 code column filled with `value`."""
    return np.full(shape, value, dtype=np.int8)


def by_day(day: npt.NDArray[np.int32] | Columns, changes: Iterable[int], code: Callable[[int], int]
           ) -> npt.NDArray[np.int8]:
    """`code(d)` for every day d of the column, as int8, for a code that changes only on the
    days `changes` (the starts and ends of the instruments it reads). `day` is the column, or
    a formula's columns, whose day comparisons are then shared (`since`).

    The code is a step function of the day: its value before the first change, plus one
    comparison of the column for each change that moves it (a change that leaves the code as
    it was costs nothing). `code` is called on single days: the rule is written once."""
    if isinstance(day, Columns):
        c = day
        shape = c["day"].shape

        def at_least(d: int) -> npt.NDArray[np.bool_]:
            return since(c, d)
    else:
        column = day
        shape = column.shape

        def at_least(d: int) -> npt.NDArray[np.bool_]:
            return column >= d
    steps = sorted(set(changes))
    first = before = code(steps[0] - 1) if steps else code(0)
    out: npt.NDArray[np.int8] | None = None
    for d in steps:
        after = code(d)
        if after != before:
            # (A step of 1 is the comparison itself, read as int8.)
            step = at_least(d).view(np.int8) if after - before == 1 else coded(at_least(d), after - before)
            out = step if out is None else np.add(out, step, out=out if out.flags.writeable else None)
            before = after
    if out is None:
        return np.full(shape, first, dtype=np.int8)
    if not out.flags.writeable:  # a shared comparison itself: the code is a new column
        out = out.copy()
    if first:
        out += np.int8(first)
    return out


# Dated conditions compare the day column with the days the law changes, about twenty times
# an evaluation: on a million rows each comparison reads the 4 MB int32 column again, by then
# out of the CPU's caches. `since` compares the days as 16-bit offsets from the column's
# first day instead (2 MB), made once per evaluation (`Columns.shared`) when the rows span
# less than 65,536 days (179 years; anpo's dates span 155). The comparisons themselves are
# not kept: keeping a column for every date made the evaluation slower, not faster.
_SPAN16 = 1 << 16


def _day_offsets(day: npt.NDArray[np.int32]) -> tuple[npt.NDArray[Any], int]:
    """(the day column as uint16 offsets from its first day, that day), or (the column, 0)
    on a few rows or a span too long for 16 bits."""
    if day.size < _SMALL:
        return day, 0
    first, last = int(day.min()), int(day.max())
    if last - first >= _SPAN16:
        return day, 0
    offsets = day.astype(np.uint16)  # modulo 2**16, then less the first day modulo 2**16
    offsets -= np.uint16(first % _SPAN16)
    return offsets, first


def since(c: Columns, day: int) -> npt.NDArray[np.bool_]:
    """`c["day"] >= day` (a new column)."""
    days = c["day"]
    if days.size < _SMALL:  # what the shared offsets would be: the column itself
        return days >= day
    offsets, first = c.shared("day_offsets", lambda: _day_offsets(days))
    if offsets is days:
        return days >= day
    k = day - first
    if k <= 0:
        return np.ones(days.shape, dtype=bool)
    if k >= _SPAN16:
        return np.zeros(days.shape, dtype=bool)
    return offsets >= np.uint16(k)


# Country codes (target, administered_by) are int16 columns that formulas compare about
# twenty times an evaluation; with fewer than 255 countries the codes fit a byte, and
# `is_code` compares the column narrowed to uint8 (made once per evaluation, NULL as 255):
# half the bytes to read again each time.
def _narrowed(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The int16 code column as uint8 (-1 as 255) when every code is in -1..254, else itself."""
    if column.size < _SMALL or column.dtype != np.int16:
        return column
    if int(column.min()) < -1 or int(column.max()) > 254:
        return column
    return column.astype(np.uint8)


def is_code(c: Columns, name: str, code: int) -> npt.NDArray[np.bool_]:
    """`c[name] == code` for an int16 code column (a new column)."""
    column = c[name]
    if column.size < _SMALL:  # what the shared narrowed column would be: the column itself
        return column == code
    narrow = c.shared(("uint8", name), lambda: _narrowed(column))
    if narrow is column:
        return column == code
    if not -1 <= code <= 254:
        return np.zeros(column.shape, dtype=bool)  # every code is in -1..254
    return narrow == np.uint8(code % 256)


def none_stated(c: Columns, name: str) -> bool:
    """No row states the judgment or decision in column `name` (every value NOT_STATED: the
    usual batch), found by two reductions and no column, once per evaluation."""
    column = c[name]
    return c.shared(("none_stated", name), lambda: not column.size or (
        int(column.min()) == NOT_STATED and int(column.max()) == NOT_STATED))


def between(c: Columns, start: int, end: int) -> npt.NDArray[np.bool_]:
    """`start <= c["day"] < end` (a new column)."""
    if end == FOREVER:
        return since(c, start)
    out = since(c, start)
    # On booleans a > b is a and not b: one pass.
    return np.greater(out, since(c, end), out=out)


def instrument_in_force(c: Columns, instrument_id: str) -> npt.NDArray[np.bool_]:
    """Whether the instrument applies on each row's day, under the context's timeline."""
    tl: Timeline = c.context.timeline
    return between(c, tl.start(instrument_id), tl.end(instrument_id))




def lookup(table: npt.NDArray[Any], index: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """`table[index]` for valid codes (np.take: 2x faster than fancy indexing on a large
    column). A yes/no table of at most 8 codes over a large int8 column is read as the bits
    of one byte instead: a shift and a mask, 6x faster than np.take (a code outside the
    table gives False there, where np.take raises or wraps)."""
    if index.size >= _SMALL and table.dtype == np.bool_ and len(table) <= 8 and index.dtype == np.int8:
        members = np.flatnonzero(table).tolist()
        if members and members == list(range(members[0], members[-1] + 1)):
            # A run of codes lo..hi (the usual table): one unsigned range test, codes below lo
            # wrapping to large values; half the time of the shift, which numpy does not vectorize.
            lo, span = members[0], len(members)
            shifted = index.view(np.uint8) - np.uint8(lo) if lo else index.view(np.uint8)
            return shifted < np.uint8(span)
        bits = np.uint8(sum(1 << k for k in members))
        return ((bits >> index.view(np.uint8)) & np.uint8(1)).view(np.bool_)
    return np.take(table, index)


def event_table(*events: Event) -> npt.NDArray[np.bool_]:
    """A lookup table over event codes: table[event] is True for the listed events."""
    table = np.zeros(len(Event), dtype=bool)
    for e in events:
        table[int(e)] = True
    return table


def zone_in_territory(zone: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    """Land or territorial sea (the airspace above them goes with them)."""
    if zone.dtype == np.int8:
        # Codes 0 and 1: one unsigned test (NULL, -1, reads as 255).
        return zone.view(np.uint8) <= np.uint8(Zone.territorial_sea)
    return (zone == int(Zone.land)) | (zone == int(Zone.territorial_sea))


assert (int(Zone.land), int(Zone.territorial_sea)) == (0, 1)


# The actual law's dates. Conditions read theirs from `LawContext.timeline` instead, so that a
# what-if (anpo.law.whatif) reaches every one of them.
@cache
def day_of(instrument_id: str, name: str = "in_force") -> int:
    """Day number of a date an instrument names (actual law)."""
    return to_day(instruments.named_date(instrument_id, name))


@cache
def provision_day(provision_id: str) -> int:
    """Day a provision took effect (its own date, else its instrument's; actual law)."""
    prov = instruments.provision(provision_id)
    inst = instruments.instrument_of(provision_id)
    return to_day(prov.in_force or inst.in_force)


def in_force(instrument_id: str, day: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
    """Whether an instrument is in force on each day (half-open [in_force, ended); actual law)."""
    inst = instruments.instruments()[instrument_id]
    start = to_day(inst.in_force)
    if inst.ended is None:
        return day >= start
    return (day >= start) & (day < to_day(inst.ended))


def iso(day: int) -> str:
    return from_day(day).isoformat()


def anniversary(day: int) -> int:
    """The same calendar day one year later (29 February -> 1 March)."""
    d = from_day(day)
    try:
        return to_day(d.replace(year=d.year + 1))
    except ValueError:
        return to_day(dt.date(d.year + 1, 3, 1))


@dataclass(frozen=True)
class LawContext:
    """The geographic facts the law reads besides the place columns."""

    units: Sequence[Unit]
    claim_sets: Sequence[tuple[str, ...]]
    specified_areas: Sequence[str]
    # Per unit: the first day Japan administers it after a period of U.S. administration
    # (its reversion), FOREVER if it never reverted; and the provision that returned it
    # (the period's `instrument` in units.yaml), None if the data names none.
    reversion_day: npt.NDArray[np.int32]
    reversion_instrument: tuple[str | None, ...]
    # Per claim set: whether Japan is among the claimants.
    japan_claims: npt.NDArray[np.bool_]
    jpn: int
    usa: int
    korea: tuple[int, ...]
    # Per unit: placed under U.S. administration by Peace Treaty Art. III (a U.S. period of its
    # history names that article): the islands of the Agreed Minute. Never Guam or Saipan.
    article3_unit: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(1, dtype=bool))
    # Per unit: the day an Article III island reverted (its reversion day), -FOREVER for every
    # other unit: `day < article3_until[unit]` is "still an Article III island" in one lookup.
    article3_until: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(1, dtype=np.int32))
    twn: int = NULL
    # The dates the law evaluates by: the actual law, or a what-if.
    timeline: Timeline = field(default_factory=lambda: ACTUAL)

    @classmethod
    def build(
        cls, units: Sequence[Unit], claim_sets: Sequence[tuple[str, ...]], specified_areas: Sequence[str]
    ) -> LawContext:
        reversion = np.full(max(len(units), 1), FOREVER, dtype=np.int32)
        returned_by: list[str | None] = [None] * len(units)
        for i, u in enumerate(units):
            p = _reversion(u)
            if p is not None:
                reversion[i] = to_day(p.start)
                returned_by[i] = p.instrument
        japan_claims = np.array([JPN in cs for cs in claim_sets] or [False], dtype=bool)
        article3 = np.zeros(max(len(units), 1), dtype=bool)
        for i, u in enumerate(units):
            article3[i] = any(
                p.administered_by == USA and p.instrument == ARTICLE_III for p in u.history
            )
        until = np.where(article3, reversion, -FOREVER).astype(np.int32)
        return cls(
            units, claim_sets, specified_areas, reversion, tuple(returned_by), japan_claims,
            country_code(JPN), country_code(USA), (country_code("KOR"), country_code("PRK")),
            article3, until, country_code("TWN"),
        )

    def under(self, whatif: WhatIf) -> LawContext:
        """The same geography, with the law's dates under a what-if."""
        return replace(self, timeline=Timeline(whatif)) if whatif else self

    def unit(self, code: int) -> Unit | None:
        return None if code == NULL else self.units[code]

    def period_instrument(self, code: int, day: int) -> str | None:
        """The provision units.yaml names for the unit's administration on `day`, if any."""
        # `Unit.period_on` with the day compared as a day number, not made a date: a row
        # function's day is then only compared, which lets a list's full results share one
        # text across days (anpo.api.full_results).
        unit = self.unit(code)
        period = None
        for p in () if unit is None else unit.history:
            if day >= to_day(p.start):
                period = p
        return None if period is None else period.instrument


ARTICLE_III = "treaty-of-peace-1951/art-3"


def _reversion(u: Unit) -> AdminPeriod | None:
    previous: str | None = None
    for p in u.history:
        if p.administered_by == JPN and previous == USA:
            return p
        previous = p.administered_by
    return None


@cache
def default_context() -> LawContext:
    """The context from the shipped geography."""
    from anpo.geo import resolver

    return LawContext.build(resolver.units(), resolver.claim_sets(), resolver.specified_area_names())


_applied: WhatIf | None = None


def active_context() -> LawContext:
    """The context evaluations use when none is passed: the shipped geography, under the
    what-if `applied` sets for this process (the CLI's --without / --in-force), if any."""
    ctx = default_context()
    return ctx if _applied is None else ctx.under(_applied)


@contextlib.contextmanager
def applied(whatif: WhatIf) -> Iterator[None]:
    """Evaluate under `whatif` wherever no context is passed (a CLI run, e.g. simulate)."""
    global _applied
    previous, _applied = _applied, (whatif or None)
    try:
        yield
    finally:
        _applied = previous
