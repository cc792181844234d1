"""Command and coordination arrangements of the alliance, by date."""

from __future__ import annotations

import datetime as dt
from functools import cache

from anpo import data
from anpo.posture.schema import ArrangementRecord, CommandFile, validate

COMMAND_FILE = "posture/command.yaml"


@cache
def arrangements() -> tuple[ArrangementRecord, ...]:
    """Every arrangement (validated at load), ordered by start date."""
    parsed = validate(CommandFile, data.read_yaml(COMMAND_FILE), COMMAND_FILE)
    ids = [a.id for a in parsed.arrangements]
    if len(set(ids)) != len(ids):
        from anpo.core.errors import DataError

        raise DataError(f"{COMMAND_FILE}: duplicate ids")
    return tuple(sorted(parsed.arrangements, key=lambda a: a.start))


def in_force(day: dt.date) -> list[ArrangementRecord]:
    """Arrangements whose interval [from, to) contains `day` (plans included, with status)."""
    return [a for a in arrangements() if a.start <= day and (a.end is None or day < a.end)]


def to_dict(a: ArrangementRecord) -> dict[str, object]:
    return {
        "id": a.id,
        "name": a.name,
        "name_ja": a.name_ja,
        "kind": a.kind,
        "from": a.start.isoformat(),
        "to": None if a.end is None else a.end.isoformat(),
        "status": a.status,
        "summary": a.summary,
        "summary_ja": a.summary_ja,
        "note": a.note,
        "source": a.source,
        "confidence": a.confidence,
    }
