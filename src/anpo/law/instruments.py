"""Instruments (treaties, agreements, statutes, official statements) and their citations.

One YAML file per instrument in `anpo/data/instruments/`. Format:

    id: us-japan-1960                 # the instrument id, first part of every provision id
    title: Treaty of Mutual Cooperation and Security between Japan and the United States
    kind: treaty | agreement | exchange_of_notes | minute | statute | statement | understanding
    signed: 1960-01-19                # optional
    in_force: 1960-06-23              # the day it takes effect (half-open intervals)
    ended: null                       # the day it stops applying, or null
    url: https://...                  # official or best public text
    sources: [https://..., ...]       # where the dates and facts come from
    confidence: confirmed | partly | UNVERIFIED
    note: optional free text          # e.g. why a date is an assumption
    dates:                            # optional: other dates the instrument names, by name
      earliest_termination_notice: 1970-06-23
    provisions:
      - id: art-5/para-1              # provision path inside the instrument
        title: Article V, paragraph 1
        paraphrase: anpo's own words  # never the text itself
        term: territories under the administration of Japan   # optional short term of art
        url: optional, overrides the instrument url
        in_force: optional date           # when a provision added by amendment took effect
        confidence: optional              # when it differs from the instrument's
        note: optional free text          # e.g. an assumption anpo makes in reading it

A citation id is `<instrument>/<provision>`, e.g. `us-japan-1960/art-5/para-1`; the
version of a citation is the provision's `in_force` date if it has one, else the
instrument's. `named_dates()` lists every date an instrument names: the law may change
its determinations only on those days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from anpo import data
from anpo.core.citation import Citation
from anpo.core.errors import DataError

KINDS = {"treaty", "agreement", "exchange_of_notes", "minute", "statute", "statement", "understanding"}
CONFIDENCE = {"confirmed", "partly", "UNVERIFIED"}
INSTRUMENT_FIELDS = {
    "id", "title", "kind", "signed", "in_force", "ended", "url", "sources", "confidence", "note",
    "provisions", "dates",
}
PROVISION_FIELDS = {"id", "title", "paraphrase", "term", "url", "in_force", "confidence", "note"}


@dataclass(frozen=True)
class Provision:
    id: str  # full id, instrument included
    title: str
    paraphrase: str
    term: str | None
    url: str
    in_force: dt.date | None = None  # set when the provision took effect after the instrument
    confidence: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    kind: str
    signed: dt.date | None
    in_force: dt.date
    ended: dt.date | None
    url: str
    sources: tuple[str, ...]
    confidence: str
    note: str | None
    provisions: dict[str, Provision]
    dates: dict[str, dt.date]


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise DataError(f"{where}: expected a date, got {value!r}")


def _load(name: str, raw: Any) -> Instrument:
    if not isinstance(raw, dict):
        raise DataError(f"{name}: expected a mapping")
    unknown = set(raw) - INSTRUMENT_FIELDS
    if unknown:
        raise DataError(f"{name}: unknown fields {sorted(unknown)}")
    iid = raw["id"]
    if f"{iid}.yaml" != name:
        raise DataError(f"{name}: id {iid!r} does not match the file name")
    if raw["kind"] not in KINDS:
        raise DataError(f"{name}: kind {raw['kind']!r} not in {sorted(KINDS)}")
    if raw["confidence"] not in CONFIDENCE:
        raise DataError(f"{name}: confidence {raw['confidence']!r} not in {sorted(CONFIDENCE)}")
    in_force = _date(raw["in_force"], f"{name}: in_force")
    ended = raw.get("ended")
    ended = None if ended is None else _date(ended, f"{name}: ended")
    if ended is not None and ended <= in_force:
        raise DataError(f"{name}: ended {ended} is not after in_force {in_force}")
    sources = raw.get("sources") or []
    if not sources:
        raise DataError(f"{name}: no sources")
    provisions: dict[str, Provision] = {}
    for p in raw.get("provisions") or []:
        unknown = set(p) - PROVISION_FIELDS
        if unknown:
            raise DataError(f"{name}: provision {p.get('id')}: unknown fields {sorted(unknown)}")
        pid = f"{iid}/{p['id']}"
        if pid in provisions:
            raise DataError(f"{name}: provision {pid} defined twice")
        conf = p.get("confidence")
        if conf is not None and conf not in CONFIDENCE:
            raise DataError(f"{name}: provision {pid}: confidence {conf!r} not in {sorted(CONFIDENCE)}")
        since = p.get("in_force")
        provisions[pid] = Provision(
            pid, p["title"], p["paraphrase"].strip(), p.get("term"), p.get("url") or raw["url"],
            None if since is None else _date(since, f"{name}: {pid}: in_force"), conf, p.get("note"),
        )
    signed = raw.get("signed")
    return Instrument(
        iid, raw["title"], raw["kind"], None if signed is None else _date(signed, f"{name}: signed"),
        in_force, ended, raw["url"], tuple(sources), raw["confidence"], raw.get("note"), provisions,
        {k: _date(v, f"{name}: dates.{k}") for k, v in (raw.get("dates") or {}).items()},
    )


@cache
def instruments() -> dict[str, Instrument]:
    """Every shipped instrument, by id."""
    out: dict[str, Instrument] = {}
    root = data.DATA_ROOT / "instruments"
    for p in sorted(root.glob("*.yaml")):
        inst = _load(p.name, data.read_yaml(f"instruments/{p.name}"))
        out[inst.id] = inst
    return out


@cache
def provisions() -> dict[str, Provision]:
    """Every provision of every instrument, by full id."""
    return {pid: prov for inst in instruments().values() for pid, prov in inst.provisions.items()}


def instrument_of(provision_id: str) -> Instrument:
    return instruments()[provision_id.split("/", 1)[0]]


@cache
def cite(provision_id: str) -> Citation:
    """The citation of a provision; DataError if the id is not in the shipped instruments."""
    try:
        prov = provisions()[provision_id]
    except KeyError:
        raise DataError(f"unknown provision id {provision_id!r}") from None
    inst = instrument_of(provision_id)
    version = prov.in_force or inst.in_force
    return Citation(prov.id, version.isoformat(), prov.url, prov.term)


def provision(provision_id: str) -> Provision:
    """A provision by full id; DataError if unknown."""
    try:
        return provisions()[provision_id]
    except KeyError:
        raise DataError(f"unknown provision id {provision_id!r}") from None


def confidence(provision_id: str) -> str:
    """A provision's confidence tag: its own where it has one, else its instrument's."""
    return provision(provision_id).confidence or instrument_of(provision_id).confidence


def named_date(instrument_id: str, name: str) -> dt.date:
    """A date an instrument names (`in_force`, `ended`, or an entry of `dates`)."""
    inst = instruments()[instrument_id]
    value = {"in_force": inst.in_force, "ended": inst.ended, **inst.dates}.get(name)
    if value is None:
        raise DataError(f"instrument {instrument_id} names no date {name!r}")
    return value


def named_dates() -> frozenset[dt.date]:
    """Every date any instrument or provision names."""
    out: set[dt.date] = set()
    for inst in instruments().values():
        out.add(inst.in_force)
        if inst.ended is not None:
            out.add(inst.ended)
        out.update(inst.dates.values())
        out.update(p.in_force for p in inst.provisions.values() if p.in_force is not None)
    return frozenset(out)
