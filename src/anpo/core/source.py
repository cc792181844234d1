"""Sources: how anpo records where a fact or provision comes from, and the rules it must meet.

A source has three parts:

- `url`: the page of the publisher of the official text or data (a government, legislature,
  international organization, the data's own publisher, or a scholarly archive of official
  texts). Its host must be on the publisher list, `anpo/data/publishers.yaml`. When the exact
  address is not known, `url` is empty and `document` names the official document by title
  and number (e.g. "Act No. 88 of 2005, Kanpō 2005-07-29") instead of inventing an address.
- `read_from` (optional): the copy actually read when it is not the official page (a stored
  page, an archive, a book). Any host; never shown as the citation link.
- `confidence`: `confirmed` (checked against the official text or data), `partly` (some of
  it checked, or checked only against a copy), `unverified` (not checked). Data that allow
  it may also say `assumption` for a value anpo chose and names as its own.

A source is never a local path (`../shared/reference/...`): no user has it. `confirmed`
needs an official `url` on the list whose entry is `primary`.

Everything here is cheap to import (yaml is loaded only when the list is first read).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from anpo.core.errors import DataError

CONFIDENCE = ("confirmed", "partly", "unverified")
ASSUMPTION = "assumption"
# Older files spell it UNVERIFIED; accepted and read as `unverified`.
_LEGACY = {"UNVERIFIED": "unverified"}

# Anything that looks like a file on the author's machine rather than a published page.
LOCAL_PATH = re.compile(r"(^|[\s'\"(])(\.\.?/|/work/|/tmp/|/home/|~/|file:|[A-Za-z]:\\)|shared/reference")
URL = re.compile(r"https?://[^\s'\"<>()\[\]{}|`]+")


@dataclass(frozen=True)
class Publisher:
    host: str  # a host name; it also covers its subdomains
    name: str
    why: str  # why its pages are authoritative
    primary: bool  # official text or data (True); news of record or a study's own figures (False)


@dataclass(frozen=True)
class Source:
    url: str  # the official page, or "" when only `document` is known
    confidence: str
    read_from: tuple[str, ...] = ()  # copies actually read
    document: str | None = None  # official title/number when `url` is empty

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "document": self.document, "read_from": list(self.read_from),
                "confidence": self.confidence}


@cache
def publishers() -> dict[str, Publisher]:
    """The publisher list, by host."""
    from anpo import data  # the data package reads YAML; keep it off the import path

    raw = data.read_yaml("publishers.yaml")
    out: dict[str, Publisher] = {}
    for i, entry in enumerate(raw.get("publishers") or [], 1):
        where = f"publishers.yaml: entry {i}"
        missing = {"host", "name", "why"} - set(entry)
        if missing:
            raise DataError(f"{where}: missing {sorted(missing)}")
        host = str(entry["host"]).lower()
        if host in out:
            raise DataError(f"{where}: host {host} listed twice")
        out[host] = Publisher(host, entry["name"], entry["why"], bool(entry.get("primary", True)))
    return out


def host_of(url: str) -> str:
    """The host of a URL, lower case (trailing dot kept, so it can be reported)."""
    return (urlsplit(url.strip()).hostname or "").lower()


def publisher_of(url: str) -> Publisher | None:
    """The listed publisher of a URL (its host or a parent domain on the list), or None."""
    host = host_of(url)
    if host.startswith("www."):
        host = host[4:]
    table = publishers()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        hit = table.get(".".join(parts[i:]))
        if hit is not None:
            return hit
    return None


def url_problems(url: str) -> list[str]:
    """Why a URL cannot be a citation link (empty list when it can)."""
    url = url.strip()
    if LOCAL_PATH.search(url) and not url.startswith(("http://", "https://")):
        return [f"{url!r} is a local path, not a published source"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"{url!r} is not an http(s) address"]
    host = parts.hostname.lower()
    if host.endswith("."):
        return [f"{url!r}: host {host!r} ends in a dot; write {host.rstrip('.')!r}"]
    if publisher_of(url) is None:
        return [f"{url!r}: host {host!r} is not on the publisher list (anpo/data/publishers.yaml)"]
    return []


def is_primary(url: str) -> bool:
    pub = publisher_of(url)
    return pub is not None and pub.primary and not url_problems(url)


def check_url(url: str, where: str) -> str:
    """`url` if it may be cited as an official link, else DataError naming `where`."""
    problems = url_problems(url)
    if problems:
        raise DataError(f"{where}: {problems[0]}")
    return url.strip()


def check_confidence(value: Any, where: str, *, allow_assumption: bool = False) -> str:
    """The canonical confidence tag, else DataError naming `where`."""
    tag = _LEGACY.get(value, value) if isinstance(value, str) else value
    allowed = CONFIDENCE + ((ASSUMPTION,) if allow_assumption else ())
    if tag not in allowed:
        raise DataError(f"{where}: confidence {value!r} not in {list(allowed)}")
    return str(tag)


def check_confirmed(confidence: str, urls: Iterable[str], where: str) -> None:
    """`confirmed` must rest on at least one primary official URL."""
    if confidence == "confirmed" and not any(is_primary(u) for u in urls if u):
        raise DataError(f"{where}: confidence confirmed but no source is an official publisher's page")


def check_source(raw: Mapping[str, Any], where: str, *, allow_assumption: bool = False,
                 url_key: str = "url") -> Source:
    """Validate a source recorded as a mapping {url, read_from?, document?, confidence}.

    `url` may be empty only when `document` names the official document. Other loaders call
    this with their own `url_key` (e.g. `source`).
    """
    url = str(raw.get(url_key) or "").strip()
    document = raw.get("document")
    if url:
        check_url(url, f"{where}: {url_key}")
    elif not document:
        raise DataError(f"{where}: {url_key} is empty and no `document` names the official text")
    read_from = check_read_from(raw.get("read_from"), where)
    conf = check_confidence(raw.get("confidence"), where, allow_assumption=allow_assumption)
    check_confirmed(conf, [url], where)
    return Source(url, conf, read_from, None if document is None else str(document))


def check_read_from(value: Any, where: str) -> tuple[str, ...]:
    """The copies read (a string or a list of strings; any host, never a local path)."""
    if value is None:
        return ()
    copies = [value] if isinstance(value, str) else value
    if not isinstance(copies, list):
        raise DataError(f"{where}: read_from must be a URL or a list of URLs")
    out = []
    for i, c in enumerate(copies):
        c = str(c).strip()
        if not c:
            raise DataError(f"{where}: read_from[{i}] is empty")
        if LOCAL_PATH.search(c) and not c.startswith(("http://", "https://")):
            raise DataError(f"{where}: read_from[{i}] {c!r} is a local path, not a published copy")
        out.append(c)
    return tuple(out)
