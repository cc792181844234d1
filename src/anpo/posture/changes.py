"""Dated realignment changes (Futenma replacement, Marines to Guam, CVW-5 move, ...)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from anpo import data
from anpo.core.errors import DataError
from anpo.posture.registry import facilities
from anpo.posture.schema import ChangeRecord, ChangesFile, validate

CHANGES_FILE = "posture/changes.yaml"


@cache
def changes() -> tuple[ChangeRecord, ...]:
    """Every change (validated at load; facilities must exist; dates in order)."""
    parsed = validate(ChangesFile, data.read_yaml(CHANGES_FILE), CHANGES_FILE)
    known = facilities()
    seen: set[str] = set()
    for i, c in enumerate(parsed.changes):
        if c.id in seen:
            raise DataError(f"{CHANGES_FILE}: {c.id}: id defined twice")
        seen.add(c.id)
        for f in c.facilities:
            if f not in known:
                raise DataError(f"{CHANGES_FILE}: {c.id}: unknown facility {f!r}")
        if i and c.date < parsed.changes[i - 1].date:
            raise DataError(f"{CHANGES_FILE}: {c.id}: dates out of order")
    return parsed.changes


def up_to(day: dt.date, facility_id: str | None = None) -> list[ChangeRecord]:
    """Changes dated on or before `day`, optionally for one facility."""
    return [
        c
        for c in changes()
        if c.date <= day and (facility_id is None or facility_id in c.facilities)
    ]


def to_dict(c: ChangeRecord) -> dict[str, object]:
    return {
        "id": c.id,
        "date": c.date.isoformat(),
        "precision": c.precision,
        "facilities": list(c.facilities),
        "status": c.status,
        "summary": c.summary,
        "source": c.source,
        "confidence": c.confidence,
    }
