"""Instruments (treaties, agreements, statutes, official statements) and their citations.

One YAML file per instrument in `anpo/data/instruments/`. Format:

    id: us-japan-1960                 # the instrument id, first part of every provision id
    title: Treaty of Mutual Cooperation and Security between Japan and the United States
    kind: treaty | agreement | exchange_of_notes | minute | statute | statement | understanding
    signed: 1960-01-19                # optional
    in_force: 1960-06-23              # the day it takes effect (half-open intervals)
    ended: null                       # the day it stops applying, or null
    title_ja: 日本国と...              # the official Japanese title (Japanese and bilateral instruments)
    url: https://...                  # the official English text on the publisher's site, or ""
    url_ja: https://...               # the official Japanese text (MOFA, e-Gov, the Diet), optional
    document: official title/number   # required when both url and url_ja are empty
    read_from: [https://..., ...]     # copies actually read (any host; never shown as the link)
    sources: [https://..., ...]       # official pages for the dates and facts (publisher list)
    confidence: confirmed | partly | unverified   # see anpo.core.source
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
        in_force_with: optional instrument id  # the amending act that brought the provision in
    in_force_with: optional instrument id     # this instrument took effect with that one
    ended_with: optional instrument id        # this instrument ended when that one took effect

A citation id is `<instrument>/<provision>`, e.g. `us-japan-1960/art-5/para-1`; the
version of a citation is the provision's `in_force` date if it has one, else the
instrument's. `named_dates()` lists every date an instrument names: the law may change
its determinations only on those days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from anpo import data
from anpo.core.citation import Citation
from anpo.core.errors import DataError
from anpo.core.source import CONFIDENCE as _CONFIDENCE
from anpo.core.source import check_confidence, check_confirmed, check_read_from, check_url

KINDS = {"treaty", "agreement", "exchange_of_notes", "minute", "statute", "statement", "understanding"}
CONFIDENCE = set(_CONFIDENCE)
# The source model's fields (anpo.core.source): official links, the copies read, the title in Japanese.
SOURCE_FIELDS = {"title_ja", "url_ja", "document", "read_from"}
INSTRUMENT_FIELDS = {
    "id", "title", "kind", "signed", "in_force", "ended", "url", "sources", "confidence", "note",
    "provisions", "dates", "in_force_with", "ended_with",
}
PROVISION_FIELDS = {
    "id", "title", "paraphrase", "term", "url", "in_force", "confidence", "note", "in_force_with",
}


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
    # The instrument whose entry into force brought this provision in (an amending act), so
    # that a what-if that removes or moves the amendment moves the provision with it.
    in_force_with: str | None = None


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
    # The instruments whose entry into force started / ended this one (what-ifs follow them).
    in_force_with: str | None = None
    ended_with: str | None = None
    title_ja: str | None = None
    url_ja: str | None = None  # the official Japanese text
    document: str | None = None  # official title/number, when no address is known
    read_from: tuple[str, ...] = ()  # copies actually read (never the citation link)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise DataError(f"{where}: expected a date, got {value!r}")


def _load(name: str, raw: Any) -> Instrument:
    if not isinstance(raw, dict):
        raise DataError(f"{name}: expected a mapping")
    unknown = set(raw) - INSTRUMENT_FIELDS - SOURCE_FIELDS
    if unknown:
        raise DataError(f"{name}: unknown fields {sorted(unknown)}")
    iid = raw["id"]
    if f"{iid}.yaml" != name:
        raise DataError(f"{name}: id {iid!r} does not match the file name")
    if raw["kind"] not in KINDS:
        raise DataError(f"{name}: kind {raw['kind']!r} not in {sorted(KINDS)}")
    conf = check_confidence(raw["confidence"], name)
    in_force = _date(raw["in_force"], f"{name}: in_force")
    ended = raw.get("ended")
    ended = None if ended is None else _date(ended, f"{name}: ended")
    if ended is not None and ended <= in_force:
        raise DataError(f"{name}: ended {ended} is not after in_force {in_force}")
    url, url_ja, sources, read_from = _sources(raw, name)
    check_confirmed(conf, [url, url_ja or "", *sources], name)
    provisions: dict[str, Provision] = {}
    for p in raw.get("provisions") or []:
        unknown = set(p) - PROVISION_FIELDS
        if unknown:
            raise DataError(f"{name}: provision {p.get('id')}: unknown fields {sorted(unknown)}")
        pid = f"{iid}/{p['id']}"
        if pid in provisions:
            raise DataError(f"{name}: provision {pid} defined twice")
        pconf = p.get("confidence")
        pconf = None if pconf is None else check_confidence(pconf, f"{name}: provision {pid}")
        # A provision's own `url` overrides the instrument's; `url: ""` says it has no known address.
        if "url" in p:
            purl = check_url(p["url"], f"{name}: provision {pid}: url") if p["url"] else ""
        else:
            purl = url or url_ja or ""
        if pconf == "confirmed":
            check_confirmed(pconf, [purl, url, url_ja or "", *sources], f"{name}: provision {pid}")
        since = p.get("in_force")
        provisions[pid] = Provision(
            pid, p["title"], p["paraphrase"].strip(), p.get("term"), purl,
            None if since is None else _date(since, f"{name}: {pid}: in_force"), pconf, p.get("note"),
            p.get("in_force_with"),
        )
    signed = raw.get("signed")
    inst = Instrument(
        iid, raw["title"], raw["kind"], None if signed is None else _date(signed, f"{name}: signed"),
        in_force, ended, url, tuple(sources), conf, raw.get("note"), provisions,
        {k: _date(v, f"{name}: dates.{k}") for k, v in (raw.get("dates") or {}).items()},
        raw.get("in_force_with"), raw.get("ended_with"),
    )
    return replace(inst, title_ja=raw.get("title_ja"), url_ja=url_ja, document=raw.get("document"),
                   read_from=read_from)


def _sources(raw: dict[str, Any], name: str) -> tuple[str, str | None, list[str], tuple[str, ...]]:
    """The official links (each on the publisher list), the sources and the copies read."""
    url = check_url(raw["url"], f"{name}: url") if raw.get("url") else ""
    url_ja = check_url(raw["url_ja"], f"{name}: url_ja") if raw.get("url_ja") else None
    if not url and not url_ja and not raw.get("document"):
        raise DataError(f"{name}: url and url_ja are empty and no `document` names the official text")
    sources = [check_url(s, f"{name}: sources[{i}]") for i, s in enumerate(raw.get("sources") or [])]
    if not (url or url_ja or sources):
        raise DataError(f"{name}: no sources")
    return url, url_ja, sources, check_read_from(raw.get("read_from"), name)


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
