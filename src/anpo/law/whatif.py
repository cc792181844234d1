"""The law as a what-if: instruments switched off or their entry into force moved.

    whatif = WhatIf.parse(without=["jp-peace-security-legislation-2015"],
                          in_force=["us-war-powers-resolution=1970-01-01"])
    timeline = Timeline(whatif)      # the days the law reads, under the what-if
    timeline.start("us-japan-1960")  # day number the treaty takes effect

Every date the law evaluates by comes from a `Timeline`: the actual law is `Timeline()`.
A switched-off instrument never takes effect (its provisions neither); a moved one takes
effect on the given day, with its provisions that have no date of their own. Links in the
data carry the change on: a provision or an instrument that came in with an amending act
(`in_force_with`) follows that act, and an instrument that ended when another took effect
(`ended_with`: the 1951 treaty, the 1999 act) then goes on for as long as that one is off.

What the geography applies (the reversions and the Territorial Sea Law, whose effect is in
the place columns) cannot be changed here: such an instrument is an input error, named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.dates import FOREVER, parse_date, to_day
from anpo.core.errors import InputError
from anpo.law import instruments

# Instruments whose effect is drawn by the geography (the 12-nm territorial sea from the
# Territorial Sea Law's day) rather than by a condition; the units' reversions are added from
# the geography's own history (`geography_instruments`).
GEOGRAPHY_DRAWN = ("jp-territorial-sea-law-1977",)


@dataclass(frozen=True)
class WhatIf:
    """Instruments switched off and entry-into-force days moved; empty: the actual law."""

    without: tuple[str, ...] = ()
    in_force: tuple[tuple[str, dt.date], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.without or self.in_force)

    def to_dict(self) -> dict[str, Any]:
        """The what-if as a user states it (for receipts and echoes)."""
        return {
            "without": list(self.without),
            "in_force": {iid: day.isoformat() for iid, day in self.in_force},
        }

    @classmethod
    def parse(
        cls,
        without: Iterable[str] = (),
        in_force: Iterable[str] | Mapping[str, object] = (),
        *,
        without_field: str = "without",
        in_force_field: str = "in_force",
    ) -> WhatIf:
        """Strictly parse a what-if; InputError names the field (a CLI option or a body key).

        `in_force` is `INSTRUMENT=YYYY-MM-DD` strings or a mapping of instrument to date.
        """
        off: list[str] = []
        for iid in without:
            _check_instrument(iid, without_field)
            if iid not in off:
                off.append(iid)
        pairs: dict[str, dt.date] = {}
        items: Iterable[tuple[str, object]]
        if isinstance(in_force, Mapping):
            items = list(in_force.items())
        else:
            items = [_split(text, in_force_field) for text in in_force]
        for iid, value in items:
            _check_instrument(iid, in_force_field)
            if iid in off:
                raise InputError(in_force_field, f"{iid} is also switched off (without): give one"
                                 " or the other")
            if iid in pairs:
                raise InputError(in_force_field, f"{iid} given twice")
            day = value if isinstance(value, dt.date) else parse_date(value, f"{in_force_field} {iid}")
            pairs[iid] = day
        return cls(tuple(off), tuple(sorted(pairs.items())))


def _split(text: object, field: str) -> tuple[str, object]:
    if not isinstance(text, str) or "=" not in text:
        raise InputError(field, f"expected INSTRUMENT=YYYY-MM-DD, got {text!r}")
    iid, _, day = text.partition("=")
    return iid.strip(), day.strip()


def _check_instrument(iid: object, field: str) -> None:
    if not isinstance(iid, str):
        raise InputError(field, f"expected an instrument id, got {type(iid).__name__}")
    known = instruments.instruments()
    if iid not in known:
        import difflib

        close = difflib.get_close_matches(iid, sorted(known), n=4, cutoff=0.5)
        # list them all when none is close: a shell user has no other command that lists them
        hint = (f"; did you mean {', '.join(close)}?" if close
                else f"; known ids: {', '.join(sorted(known))} (also GET /v1/instruments)")
        raise InputError(field, f"unknown instrument {iid!r}{hint}")
    if iid in geography_instruments():
        raise InputError(
            field,
            f"{iid} takes effect through the geography (who administers a place, the breadth of "
            "the territorial sea), which a what-if does not redraw",
        )


@cache
def geography_instruments() -> frozenset[str]:
    """Instruments the geography applies: reversions named in units.yaml, the 12-nm sea."""
    from anpo.law.common import default_context

    out = set(GEOGRAPHY_DRAWN)
    for unit in default_context().units:
        for period in unit.history:
            if period.instrument is not None and period.administered_by == "JPN":
                out.add(instruments.instrument_of(period.instrument).id)
    return frozenset(out)


@dataclass
class Timeline:
    """The days on which instruments and provisions apply, under a what-if (or the actual law)."""

    whatif: WhatIf = field(default_factory=WhatIf)

    def __post_init__(self) -> None:
        self._off = frozenset(self.whatif.without)
        self._moved = {iid: to_day(day) for iid, day in self.whatif.in_force}
        self._starts: dict[str, int] = {}
        self._provisions: dict[str, int] = {}

    def __getstate__(self) -> dict[str, Any]:  # picklable for Dask workers: caches rebuilt there
        return {"whatif": self.whatif}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.whatif = state["whatif"]
        self.__post_init__()

    def start(self, instrument_id: str) -> int:
        """Day the instrument takes effect; FOREVER if it is switched off."""
        day = self._starts.get(instrument_id)
        if day is None:
            day = self._starts[instrument_id] = self._start(instrument_id)
        return day

    def _start(self, iid: str) -> int:
        if iid in self._off:
            return FOREVER
        if iid in self._moved:
            return self._moved[iid]
        inst = instruments.instruments()[iid]
        if inst.in_force_with is not None and inst.in_force_with != iid:
            # Actual: the same day; a what-if on the act that brought it moves it too.
            return self.start(inst.in_force_with)
        return to_day(inst.in_force)

    def end(self, instrument_id: str) -> int:
        """First day the instrument no longer applies; FOREVER if it never ends."""
        inst = instruments.instruments()[instrument_id]
        if inst.ended_with is not None:
            return self.start(inst.ended_with)
        return FOREVER if inst.ended is None else to_day(inst.ended)

    def provision_day(self, provision_id: str) -> int:
        """Day a provision takes effect (its own date, else its instrument's)."""
        day = self._provisions.get(provision_id)
        if day is None:
            day = self._provisions[provision_id] = self._provision_day(provision_id)
        return day

    def _provision_day(self, pid: str) -> int:
        prov = instruments.provision(pid)
        inst = instruments.instrument_of(pid)
        base = self.start(inst.id)
        if base == FOREVER:
            return FOREVER
        if prov.in_force_with is not None:
            return max(self.start(prov.in_force_with), base)
        if prov.in_force is not None:
            return max(to_day(prov.in_force), base)
        return base

    def day_of(self, instrument_id: str, name: str = "in_force") -> int:
        """A date the instrument names, moved with the instrument (FOREVER if switched off)."""
        if name == "in_force":
            return self.start(instrument_id)
        if name == "ended":
            return self.end(instrument_id)
        start = self.start(instrument_id)
        if start == FOREVER:
            return FOREVER
        actual = to_day(instruments.named_date(instrument_id, name))
        return actual + (start - to_day(instruments.instruments()[instrument_id].in_force))

    def in_force(self, instrument_id: str, day: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
        """Whether the instrument applies on each day (half-open [start, end))."""
        start, end = self.start(instrument_id), self.end(instrument_id)
        if end == FOREVER:
            return day >= start
        return (day >= start) & (day < end)

    def applies(self, instrument_id: str, day: int) -> bool:
        """`in_force` for one day."""
        start, end = self.start(instrument_id), self.end(instrument_id)
        return day >= start and (end == FOREVER or day < end)

    def changes(self) -> list[str]:
        """The what-if in words, each against the actual law."""
        out = []
        for iid in self.whatif.without:
            out.append(f"without {iid} (actual: in force from {instruments.instruments()[iid].in_force})")
        for iid, day in self.whatif.in_force:
            out.append(
                f"{iid} in force from {day.isoformat()} "
                f"(actual: {instruments.instruments()[iid].in_force.isoformat()})"
            )
        return out


ACTUAL = Timeline()
