"""Alliance governance and interoperability: SCC meetings, exercises, information sharing,
SDF Act Art. 95-2 protections by year, and the command arrangements in force on a date."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from anpo import data
from anpo.core.errors import InputError
from anpo.posture.cited import validate_file
from anpo.posture.governance_schema import GovernanceFile

GOVERNANCE_FILE = "governance/alliance.yaml"
SECTIONS = ("scc", "exercises", "information", "protection", "command")


@cache
def governance() -> GovernanceFile:
    """The governance file, validated at load."""
    return validate_file(GovernanceFile, data.read_yaml(GOVERNANCE_FILE), GOVERNANCE_FILE)


def information_in_force(day: dt.date) -> list[str]:
    """Ids of the information-sharing instruments in force on `day`."""
    return [i.id for i in governance().information_sharing if i.in_force <= day]


def protections_since_start() -> int:
    """Sum of the published yearly Art. 95-2 counts (years without a figure add nothing)."""
    return sum(y.value for y in governance().asset_protection.years)


def _section(name: str, day: dt.date | None) -> list[dict[str, object]]:
    g = governance()
    if name == "scc":
        return [m.model_dump(mode="json") for m in g.scc_meetings if day is None or m.date <= day]
    if name == "exercises":
        # by start date, whatever the file's order (editions are added as they are found)
        return [e.model_dump(mode="json", by_alias=True)
                for e in sorted(g.exercises, key=lambda e: e.start)
                if day is None or e.start <= day]
    if name == "information":
        return [i.model_dump(mode="json") for i in g.information_sharing
                if day is None or i.signed <= day]
    if name == "protection":
        return [y.model_dump(mode="json") for y in g.asset_protection.years
                if day is None or y.year <= day.year]
    from anpo.posture import command

    rows = command.arrangements() if day is None else tuple(command.in_force(day))
    return [command.to_dict(a) for a in rows]


def report(section: str | None = None, day: dt.date | None = None) -> dict[str, Any]:
    """Everything `anpo governance` and GET /v1/governance return (up to `day` if given)."""
    if section is not None and section not in SECTIONS:
        raise InputError("section", f"unknown section {section!r}; accepted: {', '.join(SECTIONS)}")
    chosen = [section] if section else list(SECTIONS)
    out: dict[str, Any] = {"date": None if day is None else day.isoformat()}
    for name in chosen:
        out[name] = _section(name, day)
    if section in (None, "protection"):
        out["protection_started"] = governance().asset_protection.started.model_dump(mode="json")
    out["gaps"] = [g.model_dump(mode="json") for g in governance().gaps]
    return out
