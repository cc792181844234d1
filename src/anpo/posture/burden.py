"""Okinawa's share of the U.S. presence: figures with sources, and what the registry shows."""

from __future__ import annotations

import datetime as dt
from functools import cache

from anpo import data
from anpo.core.errors import DataError
from anpo.posture.schema import BurdenFigure, BurdenFile, validate

BURDEN_FILE = "posture/okinawa.yaml"


@cache
def okinawa() -> BurdenFile:
    """Okinawa burden figures (validated at load)."""
    parsed = validate(BurdenFile, data.read_yaml(BURDEN_FILE), BURDEN_FILE)
    for f in parsed.figures:
        if f.unit == "percent" and f.value > 100:
            raise DataError(f"{BURDEN_FILE}: {f.id}: a percentage above 100")
    return parsed


def figure(figure_id: str) -> BurdenFigure:
    """One figure by id (DataError if absent: the id is anpo's own, not the user's)."""
    for f in okinawa().figures:
        if f.id == figure_id:
            return f
    raise DataError(f"{BURDEN_FILE}: no figure {figure_id!r}")


def latest(measure_prefix: str, day: dt.date) -> BurdenFigure | None:
    """The most recent figure whose id starts with `measure_prefix`, as of `day`."""
    best: BurdenFigure | None = None
    for f in okinawa().figures:
        if (
            f.id.startswith(measure_prefix)
            and f.as_of <= day
            and (best is None or f.as_of > best.as_of)
        ):
            best = f
    return best
